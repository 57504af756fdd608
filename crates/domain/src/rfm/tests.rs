//! `score` on histories worked out by hand, and against a plain reference implementation.

use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(customer: &str, order: &str, day: &str, amount: &str) -> OrderLine {
    OrderLine {
        customer_id: customer.into(),
        order_id: order.into(),
        date: date(day),
        amount: dec(amount),
    }
}

/// (id, recency, frequency, monetary, r, f, m, segment) per row, in output order.
type Row<'a> = (&'a str, i64, u64, &'a str, u8, u8, u8, Segment);
type Scored = (String, i64, u64, Decimal, u8, u8, u8, Segment);

fn rows(scores: &Scores) -> Vec<Scored> {
    scores
        .customers
        .iter()
        .map(|c| {
            (
                c.customer_id.clone(),
                c.recency_days,
                c.frequency,
                c.monetary,
                c.r,
                c.f,
                c.m,
                c.segment,
            )
        })
        .collect()
}

fn expect(rows_: &[Row]) -> Vec<Scored> {
    rows_
        .iter()
        .map(|&(id, rec, freq, money, r, f, m, s)| {
            (id.to_string(), rec, freq, dec(money), r, f, m, s)
        })
        .collect()
}

/// Five customers; ties on recency (9 and 10), frequency (10, 33, 100) and monetary (9 and 10);
/// a two-line order; a line after the analysis date.
fn five_customers() -> Vec<OrderLine> {
    vec![
        line("9", "A1", "2025-06-29", "10.00"),
        line("9", "A2", "2025-06-20", "5.50"),
        line("10", "B1", "2025-06-29", "15.50"),
        line("2", "C1", "2025-01-01", "100.00"),
        line("2", "C2", "2025-03-01", "20.00"),
        line("2", "C2", "2025-03-01", "30.00"),
        line("2", "C3", "2025-05-30", "1.00"),
        line("100", "D1", "2024-06-30", "3.00"),
        line("33", "E1", "2025-07-05", "999.00"),
        line("33", "E2", "2025-06-30", "0.99"),
    ]
}

#[test]
fn five_customers_by_hand() {
    let scores = score(&five_customers(), date("2025-06-30")).unwrap();
    assert_eq!(
        scores.ignored_after_as_of, 1,
        "E1 is dated after the analysis date"
    );
    // Recency ascending, ties by id: 33, 9, 10, 2, 100 → R 5, 4, 3, 2, 1.
    // Frequency: 10, 33, 100 (one order each, by id), 9 (two), 2 (three: C2 is one order).
    // Monetary: 33 (0.99), 100 (3.00), 9 and 10 (15.50 each, by id), 2 (151.00).
    assert_eq!(
        rows(&scores),
        expect(&[
            ("2", 31, 3, "151.00", 2, 5, 5, Segment::AtRisk),
            ("9", 1, 2, "15.50", 4, 4, 3, Segment::Loyal),
            ("10", 1, 1, "15.50", 3, 1, 4, Segment::NeedAttention),
            ("33", 0, 1, "0.99", 5, 2, 1, Segment::LowSpenders),
            ("100", 365, 1, "3.00", 1, 3, 2, Segment::Lost),
        ])
    );
    assert_eq!(scores.customers[1].average_ticket(), Some(dec("7.75")));
}

#[test]
fn ties_follow_numeric_ids_only_when_every_id_is_an_integer() {
    let as_of = date("2025-06-30");
    let same = |id: &str| line(id, &format!("o-{id}"), "2025-06-01", "10.00");
    // "9" before "10" as numbers: n = 2, bins 1 and 5.
    let numeric = score(&[same("10"), same("9")], as_of).unwrap();
    assert_eq!(
        rows(&numeric),
        expect(&[
            ("9", 29, 1, "10.00", 5, 1, 1, Segment::New),
            ("10", 29, 1, "10.00", 1, 5, 5, Segment::AtRisk),
        ])
    );
    // One id that is not a number: "10" before "9" as text; n = 3, bins 1, 3, 5.
    let text = score(&[same("a"), same("9"), same("10")], as_of).unwrap();
    assert_eq!(
        rows(&text),
        expect(&[
            ("10", 29, 1, "10.00", 5, 1, 1, Segment::New),
            ("9", 29, 1, "10.00", 3, 3, 3, Segment::Loyal),
            ("a", 29, 1, "10.00", 1, 5, 5, Segment::AtRisk),
        ])
    );
}

#[test]
fn four_equal_customers_fill_bins_1_2_4_5() {
    let lines: Vec<OrderLine> = ["4", "3", "2", "1"]
        .iter()
        .map(|id| line(id, id, "2025-06-01", "1.00"))
        .collect();
    let scores = score(&lines, date("2025-06-01")).unwrap();
    assert_eq!(
        rows(&scores),
        expect(&[
            ("1", 0, 1, "1.00", 5, 1, 1, Segment::New),
            ("2", 0, 1, "1.00", 4, 2, 2, Segment::PotentialLoyalist),
            ("3", 0, 1, "1.00", 2, 4, 4, Segment::AtRisk),
            ("4", 0, 1, "1.00", 1, 5, 5, Segment::AtRisk),
        ])
    );
}

#[test]
fn eleven_customers_split_3_2_2_2_2() {
    let as_of = date("2025-06-30");
    let mut lines = Vec::new();
    // Customer i buys i times, 10.00 each, last 11 − i days ago.
    for i in 1..=11i64 {
        for k in 0..i {
            let day = as_of - chrono::Days::new((11 - i + k) as u64);
            lines.push(OrderLine {
                customer_id: i.to_string(),
                order_id: format!("{i}-{k}"),
                date: day,
                amount: dec("10.00"),
            });
        }
    }
    let scores = score(&lines, as_of).unwrap();
    let ids: Vec<&str> = scores
        .customers
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]
    );
    let r: Vec<u8> = scores.customers.iter().map(|c| c.r).collect();
    let f: Vec<u8> = scores.customers.iter().map(|c| c.f).collect();
    let m: Vec<u8> = scores.customers.iter().map(|c| c.m).collect();
    assert_eq!(r, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5]);
    assert_eq!(f, [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    assert_eq!(m, f);
    use Segment::*;
    let segments: Vec<Segment> = scores.customers.iter().map(|c| c.segment).collect();
    assert_eq!(
        segments,
        [
            Lost,
            Lost,
            AboutToSleep,
            AboutToSleep,
            PotentialLoyalist,
            Loyal,
            Loyal,
            Champions,
            Champions,
            Champions,
            Champions
        ]
    );
}

#[test]
fn one_customer_is_new_and_none_is_empty() {
    let as_of = date("2025-06-30");
    let one = score(&[line("7", "x", "2025-06-10", "5")], as_of).unwrap();
    assert_eq!(
        rows(&one),
        expect(&[("7", 20, 1, "5", 5, 1, 1, Segment::New)])
    );
    let none = score(&[], as_of).unwrap();
    assert!(none.customers.is_empty());
    let only_later = score(&[line("7", "x", "2025-07-01", "5")], as_of).unwrap();
    assert!(only_later.customers.is_empty());
    assert_eq!(only_later.ignored_after_as_of, 1);
}

#[test]
fn amounts_beyond_a_decimal_are_an_error_not_a_panic() {
    let big = OrderLine {
        amount: Decimal::MAX,
        ..line("1", "a", "2025-06-01", "0")
    };
    let again = OrderLine {
        order_id: "b".into(),
        ..big.clone()
    };
    assert_eq!(
        score(&[big, again], date("2025-06-30")),
        Err(RfmError::MonetaryOverflow {
            customer_id: "1".into()
        })
    );
}

#[test]
fn groups_roll_segments_up_with_their_average_ticket() {
    let scores = score(&five_customers(), date("2025-06-30")).unwrap();
    let g = groups(&scores.customers).unwrap();
    assert_eq!(
        g.total,
        Summary {
            customers: 5,
            orders: 8,
            revenue: dec("185.99")
        }
    );
    assert_eq!(g.segment(Segment::Lost).customers, 1);
    assert_eq!(g.segment(Segment::Champions), Summary::default());
    let best = g.group(Group::BestCustomers);
    assert_eq!(
        (best.customers, best.orders, best.revenue),
        (1, 2, dec("15.50"))
    );
    assert_eq!(best.average_ticket(), Some(dec("7.75")));
    assert_eq!(
        g.group(Group::Potential).average_ticket(),
        None,
        "no orders"
    );
    let attention = g.group(Group::Attention);
    assert_eq!((attention.customers, attention.orders), (2, 4));
    assert_eq!(attention.average_ticket(), Some(dec("41.625")));
    let sum: u64 = g.segments.iter().map(|(_, s)| s.customers).sum();
    assert_eq!(sum, 5);
    for group in Group::ALL {
        assert!(!group.name("pt").is_empty() && !group.code().is_empty());
    }
}

/// A plain implementation of the rules, written apart from `score`: maps, naive sorts and the
/// qcut edges walked as fractions.
fn reference(lines: &[OrderLine], as_of: NaiveDate) -> Vec<CustomerRfm> {
    let mut per: BTreeMap<&str, (NaiveDate, BTreeSet<&str>, Decimal)> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.date <= as_of) {
        let e = per
            .entry(&l.customer_id)
            .or_insert((l.date, BTreeSet::new(), Decimal::ZERO));
        e.0 = e.0.max(l.date);
        e.1.insert(&l.order_id);
        e.2 += l.amount;
    }
    let numeric = per.keys().all(|id| {
        let d = id.strip_prefix('-').unwrap_or(id);
        !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())
    });
    let mut ids: Vec<&str> = per.keys().copied().collect();
    if numeric {
        ids.sort_by_key(|id| (i128::from_str(id).unwrap(), id.to_string()));
    }
    let n = ids.len();
    let bin = |rank: usize| -> u8 {
        let edge5 = |k: usize| 5 + k * n.saturating_sub(1);
        (1..=5u8).find(|&k| 5 * rank <= edge5(k as usize)).unwrap()
    };
    let ranked = |key: &dyn Fn(&str) -> Decimal| -> BTreeMap<&str, u8> {
        let mut sorted = ids.clone();
        sorted.sort_by_key(|a| key(a));
        sorted
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, bin(i + 1)))
            .collect()
    };
    let recency = |id: &str| (as_of - per[id].0).num_days();
    let r = ranked(&|id| Decimal::from(recency(id)));
    let f = ranked(&|id| Decimal::from(per[id].1.len()));
    let m = ranked(&|id| per[id].2);
    ids.iter()
        .map(|id| {
            let (r, f, m) = (6 - r[id], f[id], m[id]);
            CustomerRfm {
                customer_id: id.to_string(),
                recency_days: recency(id),
                frequency: per[id].1.len() as u64,
                monetary: per[id].2,
                r,
                f,
                m,
                segment: Segment::classify(r, f, m),
            }
        })
        .collect()
}

fn order_line(ids: &'static [&'static str]) -> impl Strategy<Value = OrderLine> {
    (
        prop::sample::select(ids),
        0..12u32,
        0..45u64,
        0..20_000i64,
        0..3u32,
    )
        .prop_map(|(customer, order, days_back, cents, scale)| OrderLine {
            customer_id: customer.to_string(),
            order_id: format!("o{order}"),
            // Up to 4 days after the analysis date, to be ignored.
            date: date("2025-06-30") + chrono::Days::new(4) - chrono::Days::new(days_back),
            amount: Decimal::new(cents, scale),
        })
}

const NUMERIC_IDS: &[&str] = &[
    "1",
    "2",
    "3",
    "9",
    "10",
    "11",
    "20",
    "99",
    "100",
    "101",
    "007",
    "7",
    "-5",
    "12345678901234",
];
const MIXED_IDS: &[&str] = &["1", "9", "10", "a", "B", "b10", "b9", "z", "ñ", "10a"];

/// Sizes qcut gives each bin of `n` ranks: bin 1 holds rank 1 and ⌊(n−1)/5⌋ more; bin k > 1
/// holds ⌊k(n−1)/5⌋ − ⌊(k−1)(n−1)/5⌋, which is ⌊(n−1)/5⌋ or one more.
fn check_bin_sizes(labels: &[u8], n: usize) {
    let mut counts = [0usize; 6];
    for &l in labels {
        counts[l as usize] += 1;
    }
    if n == 0 {
        return;
    }
    let w = (n - 1) / 5;
    assert_eq!(counts[1], 1 + w, "{counts:?} for n = {n}");
    for (k, &count) in counts.iter().enumerate().skip(2) {
        assert!(
            count == w || count == w + 1,
            "bin {k}: {counts:?} for n = {n}"
        );
    }
}

proptest! {
    #[test]
    fn matches_the_reference_and_bins_are_as_equal_as_qcut_makes_them(
        numeric in any::<bool>(),
        seed_lines in prop::collection::vec(order_line(NUMERIC_IDS), 0..120),
        mixed_lines in prop::collection::vec(order_line(MIXED_IDS), 0..120),
    ) {
        let lines = if numeric { seed_lines } else { mixed_lines };
        let as_of = date("2025-06-30");
        let scores = score(&lines, as_of).unwrap();
        prop_assert_eq!(&scores.customers, &reference(&lines, as_of));
        let n = scores.customers.len();
        for c in &scores.customers {
            prop_assert!((1..=5).contains(&c.r) && (1..=5).contains(&c.f) && (1..=5).contains(&c.m));
            prop_assert!(c.recency_days >= 0 && c.frequency >= 1);
            prop_assert_ne!(c.segment, Segment::Others);
        }
        let labels = |pick: fn(&CustomerRfm) -> u8| scores.customers.iter().map(pick).collect::<Vec<u8>>();
        check_bin_sizes(&labels(|c| 6 - c.r), n);
        check_bin_sizes(&labels(|c| c.f), n);
        check_bin_sizes(&labels(|c| c.m), n);
        // A smaller recency never scores a lower R; a larger frequency or amount never a lower F or M.
        for a in &scores.customers {
            for b in &scores.customers {
                if a.recency_days < b.recency_days { prop_assert!(a.r >= b.r); }
                if a.frequency < b.frequency { prop_assert!(a.f <= b.f); }
                if a.monetary < b.monetary { prop_assert!(a.m <= b.m); }
            }
        }
        let later = lines.iter().filter(|l| l.date > as_of).count();
        prop_assert_eq!(scores.ignored_after_as_of, later);
    }
}

#[test]
fn scoring_totals_matches_scoring_lines() {
    let as_of = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let mut lines = Vec::new();
    let mut totals = Vec::new();
    for c in 1..=37u32 {
        let n = 1 + c % 4;
        let mut monetary = Decimal::ZERO;
        let mut last = NaiveDate::MIN;
        for k in 0..n {
            let date = as_of - chrono::Days::new(u64::from((c * 7 + k * 3) % 90));
            let amount = Decimal::new(i64::from(c * 100 + k), 2);
            monetary += amount;
            last = last.max(date);
            lines.push(OrderLine {
                customer_id: c.to_string(),
                order_id: format!("{c}-{k}"),
                date,
                amount,
            });
        }
        totals.push(CustomerTotals {
            customer_id: c.to_string(),
            last_order: last,
            orders: u64::from(n),
            monetary,
        });
    }
    let from_lines = score(&lines, as_of).unwrap().customers;
    // Totals in another order: the result is still in customer-id order.
    totals.reverse();
    assert_eq!(score_totals(&totals, as_of), from_lines);
}
