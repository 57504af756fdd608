//! Order histories in and scores out as CSV. Reading is strict and says where a file goes
//! wrong, since a silently skipped row would change every customer's rank.

use anyhow::{anyhow, bail};
use chrono::{DateTime, NaiveDate};
use domain::rfm::{CustomerRfm, OrderLine};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::str::FromStr;

/// The columns an order history must have (by name, in any order; others are ignored).
pub const INPUT_COLUMNS: [&str; 4] = ["customer_id", "order_id", "date", "amount"];
/// The columns of the scores, in this order.
pub const OUTPUT_COLUMNS: [&str; 8] = [
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "r",
    "f",
    "m",
    "segment",
];

/// A decimal holds 28 significant digits; more would be rounded, not read.
const MAX_AMOUNT_DIGITS: usize = 28;

/// Reads an order history with a header row. Fails at the first bad row, naming its line.
pub fn read_orders(input: impl Read) -> anyhow::Result<Vec<OrderLine>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(input);
    let header = reader.headers().map_err(describe)?.clone();
    if header.is_empty() {
        bail!(
            "the input is empty: expected a header row {}",
            INPUT_COLUMNS.join(",")
        );
    }
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| {
                anyhow!(
                    "line 1: the header has no column {name:?} (expected {})",
                    INPUT_COLUMNS.join(",")
                )
            })
    };
    let columns = [
        column("customer_id")?,
        column("order_id")?,
        column("date")?,
        column("amount")?,
    ];
    let mut orders = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(describe)? {
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(columns[i]).unwrap_or_default();
        let order = parse_line(field(0), field(1), field(2), field(3))
            .map_err(|problem| anyhow!("line {line}: {problem}"))?;
        orders.push(order);
    }
    Ok(orders)
}

fn parse_line(customer: &str, order: &str, date: &str, amount: &str) -> Result<OrderLine, String> {
    Ok(OrderLine {
        customer_id: parse_id("customer_id", customer)?,
        order_id: parse_id("order_id", order)?,
        date: parse_date(date)?,
        amount: parse_amount(amount)?,
    })
}

fn parse_id(name: &str, value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err(format!("{name} is empty"));
    }
    // " 7" and "7" would be two customers, and " 7" would turn every id into text.
    if value.trim() != value {
        return Err(format!("{name} {value:?} has spaces around it"));
    }
    Ok(value.to_string())
}

/// `YYYY-MM-DD`, or RFC 3339 read as the date written in it (the seller's local date, not
/// converted to UTC).
pub fn parse_date(value: &str) -> Result<NaiveDate, String> {
    let plain = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = if plain {
        NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
    } else {
        DateTime::parse_from_rfc3339(value)
            .ok()
            .map(|t| t.date_naive())
    };
    date.ok_or_else(|| {
        format!(
            "date {value:?} is not a date (YYYY-MM-DD or RFC 3339, e.g. 2025-06-30 or 2025-06-30T14:05:00-03:00)"
        )
    })
}

/// A decimal with a dot and nothing else: `189.90`, `-5`, `0.5`. No thousands separators,
/// exponents or currency signs, which a spreadsheet may add and a reader can only guess at.
fn parse_amount(value: &str) -> Result<Decimal, String> {
    if value.is_empty() {
        return Err("amount is empty".into());
    }
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(format!(
            "amount {value:?} is not a decimal number with a dot (e.g. 189.90)"
        ));
    }
    if whole.trim_start_matches('0').len() + fraction.len() > MAX_AMOUNT_DIGITS {
        return Err(format!(
            "amount {value:?} has more than {MAX_AMOUNT_DIGITS} digits"
        ));
    }
    Decimal::from_str(value).map_err(|e| format!("amount {value:?}: {e}"))
}

/// The csv crate's errors, said with the line they are on.
fn describe(e: csv::Error) -> anyhow::Error {
    let line = e.position().map(|p| p.line());
    match (e.kind(), line) {
        (
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            },
            Some(line),
        ) => anyhow!("line {line}: {len} fields where the header has {expected_len}"),
        (csv::ErrorKind::Utf8 { .. }, Some(line)) => anyhow!("line {line}: not valid UTF-8"),
        (_, Some(line)) => anyhow!("line {line}: {e}"),
        (_, None) => anyhow!(e),
    }
}

/// Writes the scores with a header row, the segment as its code.
pub fn write_scores(output: impl Write, customers: &[CustomerRfm]) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record(OUTPUT_COLUMNS)?;
    let mut text = String::new();
    for c in customers {
        writer.write_field(&c.customer_id)?;
        for value in [
            &c.recency_days as &dyn std::fmt::Display,
            &c.frequency,
            &c.monetary,
            &c.r,
            &c.f,
            &c.m,
        ] {
            text.clear();
            write!(text, "{value}")?;
            writer.write_field(&text)?;
        }
        writer.write_field(c.segment.code())?;
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes an order history as [`read_orders`] reads it (the benchmark's input).
pub fn write_orders(output: impl Write, orders: &[OrderLine]) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record(INPUT_COLUMNS)?;
    let mut date = String::new();
    let mut amount = String::new();
    for o in orders {
        date.clear();
        amount.clear();
        write!(date, "{}", o.date.format("%Y-%m-%d"))?;
        write!(amount, "{}", o.amount)?;
        writer.write_record([&o.customer_id, &o.order_id, &date, &amount])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_plain_and_rfc3339_keep_the_written_day() {
        let day = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        assert_eq!(parse_date("2025-06-30"), Ok(day));
        assert_eq!(parse_date("2025-06-30T23:30:00-03:00"), Ok(day));
        assert_eq!(parse_date("2025-06-30T00:10:00.123Z"), Ok(day));
        for bad in [
            "2025-6-30",
            "2025-13-01",
            "30/06/2025",
            "",
            "2025-06-30 ",
            "+2025-06-30",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn amounts_are_plain_decimals_with_a_dot() {
        assert_eq!(parse_amount("189.90"), Ok(Decimal::new(18990, 2)));
        assert_eq!(parse_amount("-5"), Ok(Decimal::from(-5)));
        assert_eq!(parse_amount("0007.5"), Ok(Decimal::new(75, 1)));
        for bad in [
            "", "1,5", "1.234,50", ".5", "5.", "1e3", "+5", "$5", "1_000", " 5", "--5",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad:?}");
        }
        assert!(parse_amount(&"9".repeat(29)).is_err());
        assert!(parse_amount(&format!("0.{}", "1".repeat(28))).is_ok());
    }
}
