//! Property tests (issue 7 §7) for the domain's ids and money display: every id survives text
//! and JSON exactly (above 2^53 too), and a displayed amount reads back as the amount rounded
//! to its currency's places.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::money::display;
use domain::{OrgId, QuestionId, SellerId};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn currency() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "BRL", "ARS", "UYU", "CLP", "COP", "PYG", "MXN", "DOP", "PEN", "USD", "BOB", "CRC",
            "GTQ",
        ])
        .prop_map(str::to_owned),
        "[A-Z]{3}",
    ]
}

/// Reads a displayed amount back: drops the symbol or code, the grouping, and turns the
/// currency's decimal separator into a dot.
fn read_back(text: &str, currency: &str) -> Decimal {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let digits: String = rest
        .trim_end_matches(currency)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    // The last separator followed by exactly the currency's places is the decimal one.
    let normalized = match digits.rfind(['.', ',']) {
        Some(i) if digits.len() - i - 1 == 2 => {
            let int: String = digits[..i].chars().filter(char::is_ascii_digit).collect();
            format!("{int}.{}", &digits[i + 1..])
        }
        _ => digits.chars().filter(char::is_ascii_digit).collect(),
    };
    let value: Decimal = normalized.parse().unwrap();
    if negative { -value } else { value }
}

fn places(currency: &str) -> u32 {
    if matches!(currency, "CLP" | "COP" | "PYG") {
        0
    } else {
        2
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn int_ids_survive_text_and_json(n in any::<i64>()) {
        let id = SellerId(n);
        prop_assert_eq!(id.to_string().parse::<SellerId>().unwrap(), id);
        prop_assert_eq!(format!(" {id} ").parse::<SellerId>().unwrap(), id);
        let json = serde_json::to_string(&QuestionId(n)).unwrap();
        prop_assert_eq!(&json, &n.to_string(), "a JSON number, never a float");
        prop_assert_eq!(serde_json::from_str::<QuestionId>(&json).unwrap(), QuestionId(n));
    }

    #[test]
    fn any_text_as_an_id_never_panics(s in ".{0,30}") {
        let _ = s.parse::<SellerId>();
        let _ = s.parse::<OrgId>();
    }

    #[test]
    fn org_ids_survive_text(bytes in any::<[u8; 16]>()) {
        let id = OrgId(uuid::Uuid::from_bytes(bytes));
        prop_assert_eq!(id.to_string().parse::<OrgId>().unwrap(), id);
    }

    #[test]
    fn displayed_amounts_read_back_rounded(
        mantissa in -1_000_000_000_000i64..1_000_000_000_000,
        scale in 0u32..6,
        currency in currency(),
    ) {
        let amount = Decimal::new(mantissa, scale);
        let text = display(amount, &currency);
        let places = places(&currency);
        let expected = amount
            .round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(read_back(&text, &currency), expected, "{} in {}: {}", amount, currency, text);
    }

    #[test]
    fn any_amount_displays_without_panicking(
        mantissa in any::<i64>(),
        scale in 0u32..=28,
        currency in ".{0,5}",
    ) {
        let _ = display(Decimal::new(mantissa, scale), &currency);
    }
}
