//! The "verbose" multiget envelope: `[{"code": 200, "body": {...}}, …]`.
//!
//! Each entry has its own status, so one missing item must not fail the
//! whole page: a non-2xx entry keeps its error body instead.

use serde::{Deserialize, Deserializer, Serialize, de::DeserializeOwned};

use super::ApiErrorBody;

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
}

impl<T> MultigetEntry<T> {
    /// The resource, when this entry succeeded.
    pub fn ok(&self) -> Option<&T> {
        match &self.body {
            MultigetBody::Ok(t) => Some(t),
            MultigetBody::Err(_) => None,
        }
    }

    /// Consumes the entry into a `Result`.
    // A multiget entry is data, not a propagated error; its size is fine.
    #[allow(clippy::result_large_err)]
    pub fn into_result(self) -> Result<T, ApiErrorBody> {
        match self.body {
            MultigetBody::Ok(t) => Ok(t),
            MultigetBody::Err(e) => Err(e),
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
            MultigetBody::Ok(serde_path_to_error::deserialize(body).map_err(|e| {
                serde::de::Error::custom(format!("body.{}: {}", e.path(), e.inner()))
            })?)
        } else if body.is_object() {
            MultigetBody::Err(ApiErrorBody::deserialize(body).map_err(serde::de::Error::custom)?)
        } else {
            MultigetBody::Err(ApiErrorBody {
                message: body.as_str().map(str::to_owned),
                ..ApiErrorBody::default()
            })
        };
        Ok(Self { code, body })
    }
}
