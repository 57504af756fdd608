//! # What counts as a sale, for how much, and when (the README's "Revenue rules")
//!
//! - A sale is an order Mercado Libre calls `paid`, or `partially_refunded`; the latter counts net
//!   of its refund. Everything else is not (yet, or any longer) a sale: `cancelled` (which is
//!   also how a fully refunded order shows: Mercado Libre cancels a paid order whose payment is
//!   refunded), `invalid`, `pending_cancel`, and the unpaid states (`confirmed`,
//!   `payment_required`, `payment_in_process`, `partially_paid`).
//! - A sale's value is the order's `total_amount` less what was refunded, never below zero.
//! - The instant that places an order in a period is `date_closed`, or `date_created` when the
//!   order has none; periods are days of the store's time zone ([`crate::period`]).
//! - Figures are per currency; amounts of different currencies are never added up.
//!
//! Rollups keep money as whole [`UNITS_PER_CURRENCY_UNIT`]ths so both databases can add them up
//! exactly in SQL (SQLite would add decimal text as floating point).

use crate::Order;
use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

/// Order statuses that count as a sale.
pub const SALE_STATUSES: [&str; 2] = ["paid", "partially_refunded"];

/// Whether Mercado Libre's status word makes the order a sale.
pub fn is_sale(status: &str) -> bool {
    SALE_STATUSES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(status.trim()))
}

/// The revenue an order brings: `None` when it is not a sale.
pub fn sale_value(order: &Order) -> Option<Decimal> {
    sale_value_of(&order.status, order.total_amount, order.refunded_amount)
}

/// [`sale_value`] from its parts.
pub fn sale_value_of(status: &str, total: Decimal, refunded: Decimal) -> Option<Decimal> {
    if !is_sale(status) {
        return None;
    }
    let net = total
        .checked_sub(refunded.max(Decimal::ZERO))
        .unwrap_or(total);
    Some(net.max(Decimal::ZERO))
}

/// The instant that places an order in a period.
pub fn sale_at(order: &Order) -> DateTime<Utc> {
    order.date_closed.unwrap_or(order.date_created)
}

/// Rollups count money in ten-thousandths: Mercado Libre's amounts have at most two decimals,
/// so this is exact for every real amount.
pub const UNITS_PER_CURRENCY_UNIT: i64 = 10_000;
const UNIT_SCALE: u32 = 4;

/// `amount` in rollup units (rounded half away from zero past four decimals); `None` beyond
/// ±922 trillion, which no order reaches.
pub fn to_units(amount: Decimal) -> Option<i64> {
    let scaled = amount
        .round_dp_with_strategy(UNIT_SCALE, RoundingStrategy::MidpointAwayFromZero)
        .checked_mul(Decimal::from(UNITS_PER_CURRENCY_UNIT))?;
    i64::try_from(scaled.trunc()).ok()
}

/// Rollup units back to an amount, normalized (`125.9200` reads `125.92`).
pub fn from_units(units: i64) -> Decimal {
    Decimal::new(units, UNIT_SCALE).normalize()
}

/// The hour (since the Unix epoch, UTC) an instant falls in: the rollups' time bucket. Every
/// Mercado Libre site's zone is a whole number of hours from UTC, so a store's midnight is
/// always the start of one of these.
pub fn hour_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(3600)
}

/// Revenue ÷ orders, exact to a decimal's precision; `None` without orders.
pub fn average_ticket(revenue: Decimal, orders: u64) -> Option<Decimal> {
    if orders == 0 {
        return None;
    }
    revenue.checked_div(Decimal::from(orders))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn only_paid_and_partially_refunded_orders_are_sales() {
        for status in ["paid", "partially_refunded", "PAID"] {
            assert!(is_sale(status), "{status}");
        }
        for status in [
            "cancelled",
            "invalid",
            "pending_cancel",
            "confirmed",
            "payment_required",
            "payment_in_process",
            "partially_paid",
            "",
        ] {
            assert!(!is_sale(status), "{status}");
        }
    }

    #[test]
    fn a_partial_refund_counts_net_and_never_below_zero() {
        assert_eq!(
            sale_value_of("paid", d("125.92"), Decimal::ZERO),
            Some(d("125.92"))
        );
        assert_eq!(
            sale_value_of("partially_refunded", d("100"), d("30.5")),
            Some(d("69.5"))
        );
        assert_eq!(
            sale_value_of("partially_refunded", d("10"), d("12")),
            Some(Decimal::ZERO)
        );
        // A fully refunded order shows as cancelled: not a sale at all.
        assert_eq!(sale_value_of("cancelled", d("100"), d("100")), None);
        assert_eq!(sale_value_of("invalid", d("100"), Decimal::ZERO), None);
    }

    #[test]
    fn units_round_trip_exactly() {
        for s in ["0", "125.92", "0.01", "99999999.99", "-3.5", "1234.5678"] {
            assert_eq!(from_units(to_units(d(s)).unwrap()), d(s).normalize(), "{s}");
        }
        assert_eq!(to_units(d("0.00005")), Some(1));
        assert_eq!(to_units(d("1e20")), None);
    }

    #[test]
    fn hours_floor_before_the_epoch_too() {
        use chrono::TimeZone;
        let at = Utc.with_ymd_and_hms(2024, 11, 1, 13, 59, 59).unwrap();
        assert_eq!(hour_of(at) * 3600, at.timestamp() - 59 * 60 - 59);
        let before = Utc.with_ymd_and_hms(1969, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(hour_of(before), -1);
    }

    #[test]
    fn average_ticket_is_exact() {
        assert_eq!(
            average_ticket(d("100"), 3).unwrap().round_dp(4),
            d("33.3333")
        );
        assert_eq!(average_ticket(d("100"), 0), None);
    }
}
