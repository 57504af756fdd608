//! # RFM: how recently, how often and how much each customer buys (SPEC §9)
//!
//! The rules, exactly (the README repeats them; `scripts/rfm_pandas.py` implements the same):
//! - Only order lines dated on or before the analysis date count; later ones are ignored and
//!   counted ([`Scores::ignored_after_as_of`]), never turned into a negative recency.
//! - Per customer: recency R = days from the analysis date back to the last order's date;
//!   frequency F = number of distinct order ids (lines sharing an order id are one order, as a
//!   multi-item order exported line by line is); monetary M = the sum of the lines' amounts.
//! - Customer-id order: numeric when every id is an integer (`-?[0-9]+`: "9" before "10"),
//!   otherwise by text ("10" before "9"); equal numbers written differently fall back to text.
//! - Scores: for each of R, F and M, customers are sorted by the value ascending, ties in
//!   customer-id order, and ranked 1..n; rank r goes to the smallest bin k in 1..=5 with
//!   r ≤ 1 + k·(n−1)/5, computed exactly as 5(r−1) ≤ k(n−1) (pandas'
//!   `qcut(rank(method="first"), 5)`). F and M take the bin as their label; R takes 6 − bin, so
//!   the most recent customer gets 5.
//! - n = 1: the single customer is in bin 1 (R 5, F 1, M 1: a new customer). n = 0: no rows.
//! - Segments: [`Segment::classify`], the first matching rule of a fixed list; rolled-up groups
//!   and the average ticket (revenue ÷ orders): [`groups`].

mod bins;
mod groups;
mod segment;
#[cfg(test)]
mod tests;

pub use groups::{Group, Groups, Summary, groups};
pub use segment::Segment;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line of a customer's order history. Several lines may share an order id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub customer_id: String,
    pub order_id: String,
    pub date: NaiveDate,
    pub amount: Decimal,
}

/// One customer's figures and labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRfm {
    pub customer_id: String,
    /// Days from the analysis date back to the last order; never negative.
    pub recency_days: i64,
    /// Distinct orders; at least 1.
    pub frequency: u64,
    pub monetary: Decimal,
    /// 1..=5; 5 is the most recent.
    pub r: u8,
    /// 1..=5; 5 buys most often.
    pub f: u8,
    /// 1..=5; 5 spends most.
    pub m: u8,
    pub segment: Segment,
}

impl CustomerRfm {
    /// Monetary ÷ frequency; `None` without orders (which a scored customer always has).
    pub fn average_ticket(&self) -> Option<Decimal> {
        groups::average_ticket(self.monetary, self.frequency)
    }
}

/// The scored customers, in customer-id order, and the lines left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scores {
    pub customers: Vec<CustomerRfm>,
    /// Lines dated after the analysis date.
    pub ignored_after_as_of: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RfmError {
    #[error("the amounts of customer {customer_id} add up to more than a decimal can hold")]
    MonetaryOverflow { customer_id: String },
    #[error("the revenue of a segment adds up to more than a decimal can hold")]
    RevenueOverflow,
}

/// Scores every customer of `orders` as of `as_of` (see the module's rules). Fails only when a
/// customer's amounts add up beyond a decimal's range.
pub fn score(orders: &[OrderLine], as_of: NaiveDate) -> Result<Scores, RfmError> {
    let grouped = Grouped::new(orders, as_of);
    let totals = grouped.totals(orders)?;
    Ok(Scores {
        customers: rank(&totals, as_of),
        ignored_after_as_of: grouped.ignored,
    })
}

/// One customer's figures already added up (a store keeps them per buyer, so scoring a store
/// need not read every order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerTotals {
    pub customer_id: String,
    pub last_order: NaiveDate,
    /// Distinct orders; at least 1.
    pub orders: u64,
    pub monetary: Decimal,
}

/// [`score`] for customers whose figures are already added up: the same ranks, labels and
/// segments. A last order after `as_of` counts as recency 0.
pub fn score_totals(customers: &[CustomerTotals], as_of: NaiveDate) -> Vec<CustomerRfm> {
    let totals: Vec<Totals> = customers
        .iter()
        .map(|c| Totals {
            id: &c.customer_id,
            last: c.last_order.min(as_of),
            orders: c.orders,
            monetary: c.monetary,
        })
        .collect();
    rank(&totals, as_of)
}

fn rank(totals: &[Totals], as_of: NaiveDate) -> Vec<CustomerRfm> {
    // Customers in id order once; every later sort is stable over it, so ties come out in id
    // order without comparing ids again.
    let numeric = bins::all_integers(totals.iter().map(|t| t.id));
    let mut by_id: Vec<&Totals> = totals.iter().collect();
    by_id.sort_unstable_by(|a, b| bins::compare_ids(a.id, b.id, numeric));

    let recency: Vec<i64> = by_id.iter().map(|t| (as_of - t.last).num_days()).collect();
    let r = labels(&recency, i64::cmp).into_iter().map(|bin| 6 - bin);
    let f = labels(&by_id, |a, b| a.orders.cmp(&b.orders));
    let m = labels(&by_id, |a, b| a.monetary.cmp(&b.monetary));

    by_id
        .iter()
        .zip(recency)
        .zip(r.zip(f).zip(m))
        .map(|((t, recency_days), ((r, f), m))| CustomerRfm {
            customer_id: t.id.to_string(),
            recency_days,
            frequency: t.orders,
            monetary: t.monetary,
            r,
            f,
            m,
            segment: Segment::classify(r, f, m),
        })
        .collect()
}

/// The quintile of each value (in input order) by its rank in ascending order, ties by position.
fn labels<T>(values: &[T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    // Stable: equal values keep their position, which is the customer-id order.
    order.sort_by(|&a, &b| match (values.get(a), values.get(b)) {
        (Some(a), Some(b)) => cmp(a, b),
        _ => a.cmp(&b),
    });
    let mut bins = vec![0u8; n];
    for (rank0, &i) in order.iter().enumerate() {
        if let Some(bin) = bins.get_mut(i) {
            *bin = bins::quintile(rank0 + 1, n);
        }
    }
    bins
}

/// One customer's lines, summed.
struct Totals<'a> {
    id: &'a str,
    last: NaiveDate,
    orders: u64,
    monetary: Decimal,
}

/// The kept lines' indices bucketed by customer (a counting sort: two passes, no per-customer
/// allocation), in first-appearance order of the customers.
struct Grouped<'a> {
    ids: Vec<&'a str>,
    /// Customer `c`'s lines are `lines[starts[c]..starts[c + 1]]`.
    starts: Vec<usize>,
    lines: Vec<usize>,
    ignored: usize,
}

impl<'a> Grouped<'a> {
    fn new(orders: &'a [OrderLine], as_of: NaiveDate) -> Grouped<'a> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut ids: Vec<&str> = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        let mut customer_of: Vec<Option<usize>> = Vec::with_capacity(orders.len());
        let mut ignored = 0;
        for line in orders {
            if line.date > as_of {
                ignored += 1;
                customer_of.push(None);
                continue;
            }
            let c = *index.entry(line.customer_id.as_str()).or_insert_with(|| {
                ids.push(line.customer_id.as_str());
                counts.push(0);
                ids.len() - 1
            });
            if let Some(count) = counts.get_mut(c) {
                *count += 1;
            }
            customer_of.push(Some(c));
        }
        let mut starts = Vec::with_capacity(ids.len() + 1);
        let mut sum = 0;
        starts.push(0);
        for count in &counts {
            sum += count;
            starts.push(sum);
        }
        // `next[c]` is where customer c's next line goes; it ends at `starts[c + 1]`.
        let mut next = starts.clone();
        let mut lines = vec![0; sum];
        for (i, c) in customer_of.iter().enumerate() {
            if let Some(c) = *c
                && let Some(slot) = next.get_mut(c)
            {
                if let Some(place) = lines.get_mut(*slot) {
                    *place = i;
                }
                *slot += 1;
            }
        }
        Grouped {
            ids,
            starts,
            lines,
            ignored,
        }
    }

    fn totals(&self, orders: &'a [OrderLine]) -> Result<Vec<Totals<'a>>, RfmError> {
        let mut order_ids: Vec<&str> = Vec::new();
        let mut totals = Vec::with_capacity(self.ids.len());
        for (c, id) in self.ids.iter().enumerate() {
            let mine = self
                .starts
                .get(c..=c + 1)
                .and_then(|w| match w {
                    [start, end] => self.lines.get(*start..*end),
                    _ => None,
                })
                .unwrap_or_default();
            let mut last = NaiveDate::MIN;
            let mut monetary = Decimal::ZERO;
            order_ids.clear();
            for line in mine.iter().filter_map(|&i| orders.get(i)) {
                last = last.max(line.date);
                monetary = monetary.checked_add(line.amount).ok_or_else(|| {
                    RfmError::MonetaryOverflow {
                        customer_id: id.to_string(),
                    }
                })?;
                order_ids.push(&line.order_id);
            }
            order_ids.sort_unstable();
            order_ids.dedup();
            totals.push(Totals {
                id,
                // Every customer has a kept line, so `last` is one of their dates.
                last,
                orders: order_ids.len() as u64,
                monetary,
            });
        }
        Ok(totals)
    }
}
