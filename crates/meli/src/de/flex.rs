//! Booleans, counts and id lists written loosely.
//!
//! Billing samples write flags as `true` and as `"true"`; conversation
//! statuses write claim ids as `claim_id: 1` or `claim_ids: [1, "2"]`;
//! quantities arrive as `2` or `"2"`. These read every form and still fail,
//! with the value quoted, on anything else.

use serde::{
    Deserialize, Deserializer,
    de::{self, Unexpected},
};

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolWire {
    Bool(bool),
    Text(String),
}

/// An optional flag: `true`, `"true"`, `"TRUE"`, `false`, `"false"`; missing,
/// `null` and `""` are `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<BoolWire>::deserialize(d)? {
        None => Ok(None),
        Some(BoolWire::Bool(b)) => Ok(Some(b)),
        Some(BoolWire::Text(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(de::Error::invalid_value(
                Unexpected::Str(&s),
                &"a boolean (true/false, or the same as a string)",
            )),
        },
    }
}

#[derive(Deserialize)]
struct OneId(#[serde(deserialize_with = "super::id")] i64);

/// A list of `i64` ids, each a number or a numeric string; `null` is empty.
pub fn id_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Ok(Option::<Vec<OneId>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(|OneId(id)| id)
        .collect())
}

/// An optional non-negative count written as a number or a numeric string.
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match super::opt_id(d)? {
        None => Ok(None),
        Some(n) => u64::try_from(n)
            .map(Some)
            .map_err(|_| de::Error::invalid_value(Unexpected::Signed(n), &"a non-negative count")),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "super::opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "super::id_list")]
        ids: Vec<i64>,
        #[serde(default, deserialize_with = "super::opt_count")]
        n: Option<u64>,
    }

    fn t(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn flags_as_booleans_or_strings() {
        assert_eq!(t(r#"{"b": true}"#).unwrap().b, Some(true));
        assert_eq!(t(r#"{"b": "false"}"#).unwrap().b, Some(false));
        assert_eq!(t(r#"{"b": "TRUE"}"#).unwrap().b, Some(true));
        assert_eq!(t(r#"{"b": null}"#).unwrap().b, None);
        assert_eq!(t(r#"{"b": ""}"#).unwrap().b, None);
        assert!(t(r#"{"b": "maybe"}"#).unwrap_err().contains("maybe"));
        assert!(t(r#"{"b": 1}"#).is_err());
    }

    #[test]
    fn id_lists_and_counts() {
        assert_eq!(
            t(r#"{"ids": [1, "9007199254740993"]}"#).unwrap().ids,
            [1, 9_007_199_254_740_993]
        );
        assert!(t(r#"{"ids": null}"#).unwrap().ids.is_empty());
        assert!(t(r#"{"ids": ["x"]}"#).is_err());
        assert_eq!(t(r#"{"n": "2"}"#).unwrap().n, Some(2));
        assert!(t(r#"{"n": -1}"#).is_err());
    }
}
