//! Money amounts as exact [`Decimal`]s.
//!
//! JSON floats are converted through their shortest round-trip text
//! (`62.96_f64` prints as `62.96`), so the decimal equals what Mercado Libre
//! wrote instead of the binary approximation an `f64` holds.

use std::{fmt, str::FromStr};

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};

const EXPECTING: &str = "a decimal amount (number or numeric string)";

/// Parses `"62.96"`, `" 100 "` or `"1.5e3"` into an exact decimal.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    Decimal::from_str(t)
        .ok()
        .or_else(|| Decimal::from_scientific(t).ok())
}

fn from_f64(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    parse_decimal(&format!("{v}"))
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTING)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        from_f64(v).ok_or_else(|| {
            E::custom(format!(
                "expected {EXPECTING}, got {v}, which is out of range"
            ))
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).ok_or_else(|| E::custom(format!("expected {EXPECTING}, got {v:?}")))
    }
}

struct OptDecimalVisitor;

impl<'de> Visitor<'de> for OptDecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{EXPECTING} or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        DecimalVisitor.visit_i64(v).map(Some)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        DecimalVisitor.visit_u64(v).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        DecimalVisitor.visit_f64(v).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        DecimalVisitor.visit_str(v).map(Some)
    }
}

/// A required amount: JSON number (integer or float) or numeric string.
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

/// An optional amount: missing, `null` and `""` are `None`.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    d.deserialize_option(OptDecimalVisitor)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Req {
        #[serde(deserialize_with = "super::decimal")]
        v: Decimal,
    }

    #[derive(Deserialize)]
    struct Opt {
        #[serde(default, deserialize_with = "super::opt_decimal")]
        v: Option<Decimal>,
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn req(json: &str) -> Result<Decimal, String> {
        serde_json::from_str::<Req>(json)
            .map(|r| r.v)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn floats_keep_their_written_digits() {
        let v = req(r#"{"v": 62.96}"#).unwrap_or_default();
        assert_eq!(v, d("62.96"));
        assert_eq!(v.to_string(), "62.96");
        assert_eq!(
            req(r#"{"v": 0.1}"#).map(|v| v.to_string()),
            Ok("0.1".into())
        );
        assert_eq!(req(r#"{"v": 125.92}"#), Ok(d("125.92")));
        assert_eq!(req(r#"{"v": 50000.0}"#), Ok(d("50000")));
        assert_eq!(req(r#"{"v": 1e3}"#), Ok(d("1000")));
    }

    #[test]
    fn integers_and_strings() {
        assert_eq!(req(r#"{"v": 99999}"#), Ok(d("99999")));
        assert_eq!(req(r#"{"v": "72.37"}"#), Ok(d("72.37")));
        assert_eq!(req(r#"{"v": " 10 "}"#), Ok(d("10")));
        assert_eq!(req(r#"{"v": -3}"#), Ok(d("-3")));
        assert_eq!(
            req(r#"{"v": 18446744073709551615}"#),
            Ok(Decimal::from(u64::MAX))
        );
    }

    #[test]
    fn bad_amounts_are_errors() {
        let e = req(r#"{"v": "12,50"}"#).unwrap_err();
        assert!(e.contains("expected a decimal amount"), "{e}");
        assert!(req(r#"{"v": "abc"}"#).is_err());
        assert!(req(r#"{"v": null}"#).is_err());
        assert!(req(r#"{"v": 1e300}"#).is_err());
        assert!(req(r#"{"v": [1]}"#).is_err());
    }

    #[test]
    fn optional_amounts() {
        let opt = |j: &str| {
            serde_json::from_str::<Opt>(j)
                .map(|o| o.v)
                .map_err(|e| e.to_string())
        };
        assert_eq!(opt("{}"), Ok(None));
        assert_eq!(opt(r#"{"v": null}"#), Ok(None));
        assert_eq!(opt(r#"{"v": 72.37}"#), Ok(Some(d("72.37"))));
        assert!(opt(r#"{"v": "x"}"#).is_err());
    }
}
