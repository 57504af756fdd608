//! Prices as the buyers of each country read them: `R$ 189,90`, `$ 45.999,99`, `$ 1,299.00`.
//! Amounts stay exact decimals; only their display is localized.

use rust_decimal::{Decimal, RoundingStrategy};

/// Symbol, decimal places, thousands separator, decimal separator.
fn style(currency_id: &str) -> (&'static str, u32, char, char) {
    match currency_id {
        "BRL" => ("R$", 2, '.', ','),
        "ARS" | "UYU" => ("$", 2, '.', ','),
        "CLP" | "COP" | "PYG" => ("$", 0, '.', ','),
        "MXN" | "DOP" => ("$", 2, ',', '.'),
        "PEN" => ("S/", 2, ',', '.'),
        "USD" => ("US$", 2, ',', '.'),
        "BOB" => ("Bs", 2, '.', ','),
        "CRC" => ("₡", 2, '.', ','),
        "GTQ" => ("Q", 2, ',', '.'),
        _ => ("", 2, ',', '.'),
    }
}

/// Formats an amount in its currency's local style (unknown currencies: `1,234.50 XYZ`).
pub fn display(amount: Decimal, currency_id: &str) -> String {
    let (symbol, places, thousands, decimal) = style(currency_id);
    let rounded = amount.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.*}", places as usize, rounded.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, digit) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(thousands);
        }
        grouped.push(digit);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let number = if frac_part.is_empty() {
        grouped
    } else {
        format!("{grouped}{decimal}{frac_part}")
    };
    if symbol.is_empty() {
        format!("{sign}{number} {currency_id}")
    } else {
        format!("{sign}{symbol} {number}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn formats_each_country_as_its_buyers_read_it() {
        assert_eq!(display(d("189.9"), "BRL"), "R$ 189,90");
        assert_eq!(display(d("45999.99"), "ARS"), "$ 45.999,99");
        assert_eq!(display(d("1299"), "MXN"), "$ 1,299.00");
        assert_eq!(display(d("15990"), "CLP"), "$ 15.990");
        assert_eq!(display(d("1234567.5"), "COP"), "$ 1.234.568");
        assert_eq!(display(d("0.5"), "PEN"), "S/ 0.50");
        assert_eq!(display(d("-12.345"), "USD"), "-US$ 12.35");
        assert_eq!(display(d("1000"), "XYZ"), "1,000.00 XYZ");
        assert_eq!(display(d("999"), "BRL"), "R$ 999,00");
        assert_eq!(
            display(d("12345678901234.56"), "ARS"),
            "$ 12.345.678.901.234,56"
        );
    }
}
