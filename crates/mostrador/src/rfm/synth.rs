//! A synthetic order history for the benchmark: deterministic for a seed, on any machine and
//! any version of our dependencies (hence a generator of our own rather than `rand`'s).

use chrono::{Days, NaiveDate};
use domain::rfm::OrderLine;
use rust_decimal::Decimal;

/// The history spans this many days up to the analysis date.
pub const SPAN_DAYS: u64 = 730;

/// SplitMix64: small, fast, and fixed forever.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-and-shift rather than a biased modulo.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// `orders` order lines (one order each) of `customers` customers over the [`SPAN_DAYS`] days
/// up to `as_of`. The first `customers` orders give every customer one; the rest go mostly to
/// a few: customer `⌊M·u³⌋` for a uniform `u`, so a tenth of the customers places about half of
/// the repeat orders. Amounts run from 5.00 to about 2,000.00, most of them small.
pub fn history(orders: usize, customers: usize, seed: u64, as_of: NaiveDate) -> Vec<OrderLine> {
    let customers = customers.max(1);
    let mut rng = SplitMix64(seed);
    (0..orders)
        .map(|i| {
            let customer = if i < customers {
                i
            } else {
                let u = u128::from(rng.below(1 << 20));
                // u³ < 2⁶⁰, so the index stays below `customers`.
                ((customers as u128 * u * u * u) >> 60) as usize
            };
            let days_back = rng.below(SPAN_DAYS);
            let a = rng.below(1000) as i64;
            OrderLine {
                customer_id: customer_id(customer),
                order_id: (2_000_000_000 + i as u64).to_string(),
                date: as_of - Days::new(days_back),
                amount: Decimal::new(500 + a * a / 5, 2),
            }
        })
        .collect()
}

/// Scattered numeric ids of 8 to 10 digits, distinct for fewer than 2³² customers, so numeric
/// and text order differ ("99999999" before "100000000" only as numbers).
fn customer_id(index: usize) -> String {
    let scattered = (index as u64).wrapping_mul(2_654_435_761) % (1 << 32);
    (10_000_000 + scattered).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn same_seed_same_history_and_every_customer_buys() {
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let a = history(5_000, 1_000, 7, as_of);
        assert_eq!(a, history(5_000, 1_000, 7, as_of));
        assert_ne!(a, history(5_000, 1_000, 8, as_of));
        let customers: HashSet<&str> = a.iter().map(|o| o.customer_id.as_str()).collect();
        assert_eq!(customers.len(), 1_000);
        assert!(
            a.iter()
                .all(|o| o.date <= as_of && o.date > as_of - Days::new(SPAN_DAYS))
        );
        assert!(a.iter().all(|o| o.amount >= Decimal::new(500, 2)));
    }
}
