//! The "verbose" multiget envelope: `[{"code": 200, "body": {...}}, …]`.
//!
//! Each entry has its own status, so one missing item must not fail the
//! whole page: a non-2xx entry keeps its error body instead, and a 2xx entry
//! whose body does not decode becomes [`MultigetBody::Invalid`] (the other
//! entries still decode).

use serde::{Deserialize, Deserializer, Serialize, de::DeserializeOwned};

use super::{
    ApiErrorBody,
    error_body::{MAX_TEXT_CHARS, truncate},
};

/// One element of a multiget response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultigetEntry<T> {
    /// Per-entry HTTP status.
    pub code: u16,
    /// The resource (2xx) or the error body (anything else).
    pub body: MultigetBody<T>,
}

/// `MultigetEntry.body`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MultigetBody<T> {
    /// The resource.
    Ok(T),
    /// Why this entry failed.
    Err(ApiErrorBody),
    /// The entry said 2xx but its body did not decode as the resource.
    Invalid {
        /// Where and why decoding failed (`body.price: invalid type …`), bounded in length.
        detail: String,
    },
}

impl<T> MultigetEntry<T> {
    /// The resource, when this entry succeeded and decoded.
    pub fn ok(&self) -> Option<&T> {
        match &self.body {
            MultigetBody::Ok(t) => Some(t),
            MultigetBody::Err(_) | MultigetBody::Invalid { .. } => None,
        }
    }

    /// Consumes the entry into a `Result`. An [`MultigetBody::Invalid`]
    /// entry becomes an error body with code `invalid_body` and the decode
    /// detail as its message.
    // A multiget entry is data, not a propagated error; its size is fine.
    #[allow(clippy::result_large_err)]
    pub fn into_result(self) -> Result<T, ApiErrorBody> {
        match self.body {
            MultigetBody::Ok(t) => Ok(t),
            MultigetBody::Err(e) => Err(e),
            MultigetBody::Invalid { detail } => Err(ApiErrorBody {
                message: Some(format!("the entry's body did not decode: {detail}")),
                error: Some("invalid_body".to_owned()),
                ..ApiErrorBody::default()
            }),
        }
    }
}

#[derive(Deserialize)]
struct Wire {
    code: u16,
    #[serde(default)]
    body: serde_json::Value,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for MultigetEntry<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Wire { code, body } = Wire::deserialize(d)?;
        let body = if (200..300).contains(&code) {
            // The buffered body has no line numbers; keep the field path instead.
            match serde_path_to_error::deserialize(body) {
                Ok(t) => MultigetBody::Ok(t),
                Err(e) => MultigetBody::Invalid {
                    detail: truncate(&format!("body.{}: {}", e.path(), e.inner()), MAX_TEXT_CHARS),
                },
            }
        } else {
            let text = body.as_str().map(str::to_owned);
            MultigetBody::Err(
                // Every field is lenient, so only a non-object fails here.
                ApiErrorBody::deserialize(body)
                    .unwrap_or_else(|_| ApiErrorBody {
                        message: text,
                        ..ApiErrorBody::default()
                    })
                    .bounded(),
            )
        };
        Ok(Self { code, body })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may panic
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
    struct Thing {
        id: String,
    }

    #[test]
    fn an_undecodable_200_entry_fails_alone() {
        let page: Vec<MultigetEntry<Thing>> = serde_json::from_str(
            r#"[{"code":200,"body":{"id":"MLA1"}},
                {"code":200,"body":{"id":{"oops":1}}},
                {"code":404,"body":{"message":"Item with id MLA3 not found","error":"not_found","status":404}}]"#,
        )
        .unwrap();
        assert_eq!(page.len(), 3);
        assert_eq!(page[0].ok().map(|t| t.id.as_str()), Some("MLA1"));

        let bad = &page[1];
        assert_eq!(bad.code, 200);
        assert!(bad.ok().is_none());
        let MultigetBody::Invalid { detail } = &bad.body else {
            panic!("{bad:?}")
        };
        assert!(detail.contains("id"), "{detail}");
        let err = page[1].clone().into_result().unwrap_err();
        assert_eq!(err.code(), Some("invalid_body"));
        assert!(err.message().unwrap().contains("id"), "{err:?}");

        assert_eq!(page[2].ok(), None);
        let MultigetBody::Err(e) = &page[2].body else {
            panic!()
        };
        assert_eq!(e.code(), Some("not_found"));
    }

    #[test]
    fn entry_error_text_is_bounded() {
        let long = "x".repeat(50_000);
        let page: Vec<MultigetEntry<Thing>> = serde_json::from_str(&format!(
            r#"[{{"code":500,"body":{{"message":"{long}","error":"{long}"}}}},{{"code":500,"body":"{long}"}}]"#
        ))
        .unwrap();
        for entry in page {
            let e = entry.into_result().unwrap_err();
            assert!(
                e.message().unwrap().chars().count() <= 1001,
                "{}",
                e.message().unwrap().len()
            );
            assert!(e.error.as_deref().unwrap_or("").chars().count() <= 1001);
        }
    }
}
