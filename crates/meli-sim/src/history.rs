//! Large, realistic order histories, deterministic from a seed: what the simulator's demo stores
//! have sold over two years, and the synthetic histories other crates benchmark on.
//!
//! The shape, per history:
//! - purchases spread over the period, a little denser towards its end (a growing store);
//! - every customer buys at least once (when there are at least as many orders as customers);
//!   repeat purchases go mostly to the earliest customers, so a few buyers have many orders and
//!   most have one or two;
//! - about one purchase in twelve is a two-listing cart: two orders sharing a pack and shipment;
//! - about 3% of orders are cancelled before payment, 4% are paid then cancelled with the whole
//!   payment refunded, and 4% are partially refunded (10–60% of the amount).
//!
//! [`generate`] is the plain entry point (1M orders take well under a second); the simulator
//! uses [`generate_with`] with its own sellers, listings and buyers.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

/// What became of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Paid, nothing returned.
    Paid,
    /// Paid, then part of the payment was refunded (`refunded_amount`).
    PartiallyRefunded,
    /// Paid, then cancelled and the whole payment refunded.
    Refunded,
    /// Cancelled before it was paid (the payment never went through).
    Unpaid,
}

impl Outcome {
    /// Mercado Libre's `order.status`.
    pub fn status(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::PartiallyRefunded => "partially_refunded",
            Outcome::Refunded | Outcome::Unpaid => "cancelled",
        }
    }
}

/// One order of a history: plain data, no JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryOrder {
    /// Order id; ids grow with time, as Mercado Libre's do.
    pub id: i64,
    /// Shared by the orders of a cart; `None` for a single-listing purchase.
    pub pack_id: Option<i64>,
    pub seller_id: i64,
    /// The customer: one of the ids the history was generated for.
    pub buyer_id: i64,
    /// Index of the listing in the catalog the history was generated for.
    pub item: usize,
    pub quantity: u32,
    pub unit_price: Decimal,
    /// `unit_price × quantity`.
    pub total_amount: Decimal,
    /// What the buyer paid (zero when the payment never went through).
    pub paid_amount: Decimal,
    /// What was given back (`payments[].transaction_amount_refunded`).
    pub refunded_amount: Decimal,
    pub currency_id: &'static str,
    pub outcome: Outcome,
    pub date_created: DateTime<Utc>,
    /// When the payment was approved; `None` for an unpaid order.
    pub date_closed: Option<DateTime<Utc>>,
    /// The last change (shipping, refund, cancellation), never after the history's end.
    pub last_updated: DateTime<Utc>,
    pub shipment_id: i64,
    pub payment_id: i64,
}

/// The last id handed out per kind; each new one is the last plus a small random step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryIds {
    pub order: i64,
    pub pack: i64,
    pub shipment: i64,
    pub payment: i64,
}

impl Default for HistoryIds {
    /// Below the ids the simulator hands out to new purchases, so history never collides with
    /// them and stays older by id as well as by date.
    fn default() -> Self {
        Self {
            order: 2_000_004_000_000_000,
            pack: 2_000_003_000_000_000,
            shipment: 40_000_000_000,
            payment: 85_000_000_000,
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct HistoryConfig<'a> {
    /// Orders (a cart's two orders count as two).
    pub orders: usize,
    /// Customer ids; earlier ones become the most loyal.
    pub customers: &'a [i64],
    pub seed: u64,
    pub seller_id: i64,
    pub currency_id: &'static str,
    /// Unit price of each listing; earlier listings sell more.
    pub catalog: &'a [Decimal],
    /// The history ends here (no date, including `last_updated`, is later).
    pub end: DateTime<Utc>,
    /// How many days before `end` it starts.
    pub days: i64,
}

/// The entry point for benchmarks: `orders` orders of `customers` customers (ids 100000001,
/// 100000002, …) of seller 1000001 in ARS over the two years before 2026-01-01, from `seed`.
pub fn generate(orders: usize, customers: usize, seed: u64) -> Vec<HistoryOrder> {
    let ids: Vec<i64> = (1..=i64::try_from(customers.max(1)).unwrap_or(i64::MAX))
        .map(|k| 100_000_000 + k)
        .collect();
    let catalog: Vec<Decimal> = [
        "89990", "12500", "4999.90", "23999", "1500", "649999", "35999", "7800", "15999.50",
        "2999", "189999", "54999",
    ]
    .iter()
    .filter_map(|p| p.parse().ok())
    .collect();
    let end = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let cfg = HistoryConfig {
        orders,
        customers: &ids,
        seed,
        seller_id: 1_000_001,
        currency_id: "ARS",
        catalog: &catalog,
        end,
        days: 730,
    };
    generate_with(&cfg, &mut HistoryIds::default())
}

fn step(last: &mut i64, rng: &mut StdRng) -> i64 {
    *last += rng.random_range(1..=997);
    *last
}

/// Purchase instants, oldest first: density grows linearly-ish towards the end.
fn instants(rng: &mut StdRng, n: usize, end: DateTime<Utc>, days: i64) -> Vec<DateTime<Utc>> {
    let span_ms = days.max(1) * 86_400_000;
    let start = end - TimeDelta::milliseconds(span_ms);
    let mut offsets: Vec<i64> = (0..n)
        .map(|_| {
            // P(f < x) = x^1.4: more orders lately. The cast is exact enough for millisecond
            // offsets over years (f64 holds 2^53).
            let f = rng.random::<f64>().powf(1.0 / 1.4);
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            let ms = (f * span_ms as f64) as i64;
            ms.clamp(0, span_ms - 1)
        })
        .collect();
    offsets.sort_unstable();
    offsets
        .into_iter()
        .map(|ms| start + TimeDelta::milliseconds(ms))
        .collect()
}

/// An index in `0..len` skewed towards 0 (`power` > 1 skews harder).
fn skewed(rng: &mut StdRng, len: usize, power: f64) -> usize {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = (rng.random::<f64>().powf(power) * len as f64) as usize;
    i.min(len.saturating_sub(1))
}

/// Generates a history; `ids` carries on from (and is left at) the last ids handed out, so
/// several stores' histories never share an id.
pub fn generate_with(cfg: &HistoryConfig<'_>, ids: &mut HistoryIds) -> Vec<HistoryOrder> {
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let n = cfg.orders;
    if n == 0 || cfg.customers.is_empty() || cfg.catalog.is_empty() {
        return Vec::new();
    }
    let times = instants(&mut rng, n, cfg.end, cfg.days);
    let mut out = Vec::with_capacity(n);
    let mut used = 0_usize;
    let mut i = 0;
    while i < n {
        let cart = i + 1 < n && rng.random_ratio(1, 12);
        // Purchases still to come, this one included (a cart is one purchase).
        let purchases_left = n - i - usize::from(cart);
        let new_left = cfg.customers.len() - used;
        let buyer = if new_left > 0 && rng.random_range(0..purchases_left.max(1)) < new_left {
            used += 1;
            used - 1
        } else if used == 0 {
            used = 1;
            0
        } else {
            skewed(&mut rng, used, 2.5)
        };
        let buyer_id = cfg.customers.get(buyer).copied().unwrap_or_default();
        let when = times.get(i).copied().unwrap_or(cfg.end);
        let pack_id = cart.then(|| step(&mut ids.pack, &mut rng));
        let shipment_id = step(&mut ids.shipment, &mut rng);
        let first_item = skewed(&mut rng, cfg.catalog.len(), 1.5);
        for line in 0..if cart { 2 } else { 1 } {
            let item = (first_item + line) % cfg.catalog.len();
            out.push(order(
                cfg,
                ids,
                &mut rng,
                item,
                buyer_id,
                when,
                pack_id,
                shipment_id,
            ));
        }
        i += if cart { 2 } else { 1 };
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn order(
    cfg: &HistoryConfig<'_>,
    ids: &mut HistoryIds,
    rng: &mut StdRng,
    item: usize,
    buyer_id: i64,
    when: DateTime<Utc>,
    pack_id: Option<i64>,
    shipment_id: i64,
) -> HistoryOrder {
    let unit_price = cfg.catalog.get(item).copied().unwrap_or_default();
    let quantity = match rng.random_range(0..100) {
        0..85 => 1,
        85..95 => 2,
        _ => 3,
    };
    let total = unit_price * Decimal::from(quantity);
    let outcome = match rng.random_range(0..100) {
        0..3 => Outcome::Unpaid,
        3..7 => Outcome::Refunded,
        7..11 => Outcome::PartiallyRefunded,
        _ => Outcome::Paid,
    };
    let (paid, refunded) = match outcome {
        Outcome::Paid => (total, Decimal::ZERO),
        Outcome::Unpaid => (Decimal::ZERO, Decimal::ZERO),
        Outcome::Refunded => (total, total),
        Outcome::PartiallyRefunded => {
            let share = Decimal::new(rng.random_range(10..=60), 2);
            (total, (total * share).round_dp(2))
        }
    };
    // A change that would fall after the end happened halfway instead: piling the latest
    // orders' changes onto the end itself would make them all look just changed.
    let later = |rng: &mut StdRng, lo: i64, hi: i64| {
        let at = when + TimeDelta::minutes(rng.random_range(lo..=hi));
        if at > cfg.end {
            when + (cfg.end - when) / 2
        } else {
            at
        }
    };
    let last_updated = match outcome {
        // Shipping and delivery updates over the following days.
        Outcome::Paid => later(rng, 60, 10 * 1440),
        Outcome::Refunded | Outcome::PartiallyRefunded => later(rng, 3 * 1440, 30 * 1440),
        // The payment window expires.
        Outcome::Unpaid => later(rng, 2 * 1440, 3 * 1440),
    };
    let date_closed = (outcome != Outcome::Unpaid)
        .then(|| (when + TimeDelta::seconds(rng.random_range(1..=90))).min(cfg.end));
    HistoryOrder {
        id: step(&mut ids.order, rng),
        pack_id,
        seller_id: cfg.seller_id,
        buyer_id,
        item,
        quantity,
        unit_price,
        total_amount: total,
        paid_amount: paid,
        refunded_amount: refunded,
        currency_id: cfg.currency_id,
        outcome,
        date_created: when,
        date_closed,
        last_updated: last_updated.max(when),
        shipment_id,
        payment_id: step(&mut ids.payment, rng),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn same_seed_same_history_other_seed_other_history() {
        let a = generate(2_000, 500, 7);
        assert_eq!(a, generate(2_000, 500, 7));
        assert_ne!(a, generate(2_000, 500, 8));
        assert_eq!(a.len(), 2_000);
    }

    #[test]
    fn ids_are_unique_and_dates_ordered_within_the_period() {
        let h = generate(5_000, 1_000, 1);
        let ids: HashSet<i64> = h.iter().map(|o| o.id).collect();
        assert_eq!(ids.len(), h.len());
        let end = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let start = end - TimeDelta::days(730);
        assert!(h.windows(2).all(|w| w[0].date_created <= w[1].date_created));
        assert!(
            h.windows(2).all(|w| w[0].id < w[1].id),
            "ids grow with time"
        );
        for o in &h {
            assert!(o.date_created >= start && o.last_updated <= end, "{o:?}");
            assert!(o.last_updated >= o.date_created);
        }
    }

    #[test]
    fn every_customer_buys_and_a_few_buy_a_lot() {
        let h = generate(10_000, 2_000, 3);
        let mut per: HashMap<i64, usize> = HashMap::new();
        let mut packs: HashSet<i64> = HashSet::new();
        for o in &h {
            if let Some(p) = o.pack_id {
                packs.insert(p);
            } else {
                *per.entry(o.buyer_id).or_default() += 1;
            }
        }
        for o in h.iter().filter(|o| o.pack_id.is_some()) {
            per.entry(o.buyer_id).or_default();
        }
        assert_eq!(per.len(), 2_000, "every customer appears");
        let mut counts: Vec<usize> = per.values().copied().collect();
        counts.sort_unstable();
        let top = counts.last().copied().unwrap();
        let median = counts[counts.len() / 2];
        assert!(top >= 20 * median.max(1), "top {top}, median {median}");
        assert!(packs.len() > 300, "carts: {}", packs.len());
    }

    #[test]
    fn outcomes_and_money_are_consistent() {
        let h = generate(20_000, 4_000, 5);
        let share = |o: Outcome| h.iter().filter(|x| x.outcome == o).count() * 1000 / h.len();
        // Per mille, with room for chance.
        assert!((20..=40).contains(&share(Outcome::Unpaid)));
        assert!((30..=50).contains(&share(Outcome::Refunded)));
        assert!((30..=50).contains(&share(Outcome::PartiallyRefunded)));
        for o in &h {
            assert_eq!(o.total_amount, o.unit_price * Decimal::from(o.quantity));
            match o.outcome {
                Outcome::Paid => {
                    assert!(o.refunded_amount.is_zero() && o.paid_amount == o.total_amount)
                }
                Outcome::Unpaid => assert!(o.paid_amount.is_zero() && o.date_closed.is_none()),
                Outcome::Refunded => assert_eq!(o.refunded_amount, o.paid_amount),
                Outcome::PartiallyRefunded => {
                    assert!(o.refunded_amount > Decimal::ZERO && o.refunded_amount < o.paid_amount)
                }
            }
        }
    }

    /// The benchmark size, timed for the record (`cargo test -p meli-sim --release --lib --
    /// --ignored --nocapture`); no assertion on the time.
    #[test]
    #[ignore = "a figure, not a check"]
    fn a_million_orders_figure() {
        let started = std::time::Instant::now();
        let h = generate(1_000_000, 200_000, 1);
        println!("1M orders, 200k customers: {:?}", started.elapsed());
        assert_eq!(h.len(), 1_000_000);
    }

    #[test]
    fn degenerate_sizes_are_empty_or_small() {
        assert!(generate(0, 10, 1).is_empty());
        let one = generate(1, 0, 1);
        assert_eq!(one.len(), 1);
        let few = generate(3, 100, 1);
        assert_eq!(few.len(), 3);
    }
}
