//! Numeric ids (`i64`) and opaque string ids.
//!
//! User, question, order and application ids already exceed 2^53, so they
//! must never pass through `f64`: a JSON float is rejected rather than
//! silently rounded.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

const EXPECTING: &str = "an integer id (number or numeric string)";

/// Parses a numeric-string id; surrounding whitespace is tolerated because
/// hand-written samples contain it.
fn parse_str(v: &str) -> Option<i64> {
    let t = v.trim();
    if t.is_empty()
        || !t
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
    {
        return None;
    }
    t.parse().ok()
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTING)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| {
            E::custom(format!(
                "expected {EXPECTING}, got {v}, which does not fit in 64 bits"
            ))
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        Err(E::custom(format!(
            "expected {EXPECTING}, got the non-integer number {v} (ids must not be rounded)"
        )))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        parse_str(v).ok_or_else(|| E::custom(format!("expected {EXPECTING}, got {v:?}")))
    }
}

struct OptIdVisitor;

impl<'de> Visitor<'de> for OptIdVisitor {
    type Value = Option<i64>;

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
        IdVisitor.visit_i64(v).map(Some)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        IdVisitor.visit_u64(v).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        IdVisitor.visit_f64(v).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // An empty string is how some endpoints write "no id".
        if v.trim().is_empty() {
            return Ok(None);
        }
        IdVisitor.visit_str(v).map(Some)
    }
}

/// A required `i64` id written as a JSON number or a numeric string.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IdVisitor)
}

/// An optional `i64` id: missing, `null` and `""` are `None`.
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_option(OptIdVisitor)
}

struct IdStringVisitor;

impl<'de> Visitor<'de> for IdStringVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or integer id, or null")
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
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
}

/// A required opaque id (`"MLA599260060"`, a UUID) that may also arrive as a
/// bare number; numbers are kept as their exact decimal text.
pub fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(IdStringVisitor)?
        .ok_or_else(|| de::Error::custom("expected a string or integer id, got null"))
}

/// An optional opaque id; see [`id_string`].
pub fn opt_id_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(IdStringVisitor)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Req {
        #[serde(deserialize_with = "super::id")]
        id: i64,
    }

    #[derive(Deserialize)]
    struct Opt {
        #[serde(default, deserialize_with = "super::opt_id")]
        id: Option<i64>,
    }

    fn req(json: &str) -> Result<i64, String> {
        serde_json::from_str::<Req>(json)
            .map(|r| r.id)
            .map_err(|e| e.to_string())
    }

    fn opt(json: &str) -> Result<Option<i64>, String> {
        serde_json::from_str::<Opt>(json)
            .map(|r| r.id)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_numbers_and_numeric_strings() {
        assert_eq!(req(r#"{"id": 123456789}"#), Ok(123_456_789));
        assert_eq!(req(r#"{"id": "123456789"}"#), Ok(123_456_789));
        assert_eq!(req(r#"{"id": " 42 "}"#), Ok(42));
    }

    #[test]
    fn big_ids_are_exact() {
        // 2^53 + 1 is the first integer an f64 cannot hold.
        assert_eq!(
            req(r#"{"id": 9007199254740993}"#),
            Ok(9_007_199_254_740_993)
        );
        assert_eq!(
            req(r#"{"id": "9007199254740993"}"#),
            Ok(9_007_199_254_740_993)
        );
        assert_eq!(req(r#"{"id": 9223372036854775807}"#), Ok(i64::MAX));
        assert_eq!(
            req(r#"{"id": 1111111111111111111}"#),
            Ok(1_111_111_111_111_111_111)
        );
    }

    #[test]
    fn rejects_bad_input_with_a_clear_message() {
        let e = req(r#"{"id": "abc"}"#).unwrap_err();
        assert!(
            e.contains("expected an integer id (number or numeric string), got \"abc\""),
            "{e}"
        );
        let e = req(r#"{"id": 12.5}"#).unwrap_err();
        assert!(e.contains("non-integer"), "{e}");
        let e = req(r#"{"id": 9223372036854775808}"#).unwrap_err();
        assert!(e.contains("64 bits"), "{e}");
        let e = req(r#"{"id": true}"#).unwrap_err();
        assert!(e.contains("integer id"), "{e}");
        assert!(req(r#"{"id": null}"#).is_err());
        assert!(req(r#"{"id": "1e5"}"#).is_err());
        assert!(req(r#"{}"#).is_err());
    }

    #[test]
    fn optional_ids() {
        assert_eq!(opt(r#"{}"#), Ok(None));
        assert_eq!(opt(r#"{"id": null}"#), Ok(None));
        assert_eq!(opt(r#"{"id": ""}"#), Ok(None));
        assert_eq!(opt(r#"{"id": "77"}"#), Ok(Some(77)));
        assert_eq!(
            opt(r#"{"id": 9007199254740993}"#),
            Ok(Some(9_007_199_254_740_993))
        );
        assert!(opt(r#"{"id": "x1"}"#).is_err());
    }
}
