//! `POST /oauth/token` success body (both grants share it).

use std::{fmt, time::Duration};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The token grant. `Debug` redacts both tokens so a stray `{:?}` in a log
/// line cannot leak a credential.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// Bearer token for API calls; valid `expires_in` seconds (6 h today).
    pub access_token: String,
    /// `"Bearer"` now, `"bearer"` in older responses.
    pub token_type: TokenType,
    /// Lifetime in seconds; always trust this over documentation.
    #[serde(deserialize_with = "seconds")]
    pub expires_in: u64,
    /// Space-separated scopes, e.g. `offline_access read write`.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub scope: String,
    /// The seller who granted access: the key notifications carry.
    #[serde(deserialize_with = "crate::de::id")]
    pub user_id: i64,
    /// Single-use; only present with the `offline_access` scope. Each refresh
    /// returns a new one that must replace the old one.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

impl TokenResponse {
    /// `expires_in` as a `Duration`.
    pub fn expires_in_duration(&self) -> Duration {
        Duration::from_secs(self.expires_in)
    }

    /// Whether the grant includes `scope` (e.g. `"offline_access"`).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split_whitespace().any(|s| s == scope)
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("user_id", &self.user_id)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = crate::de::id(d)?;
    u64::try_from(v).map_err(|_| {
        serde::de::Error::custom(format!(
            "expected a non-negative number of seconds, got {v}"
        ))
    })
}

/// OAuth token type, compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenType {
    /// `Bearer` in any letter case.
    Bearer,
    /// Anything else, kept verbatim.
    Other(String),
}

impl Serialize for TokenType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bearer => s.serialize_str("Bearer"),
            Self::Other(raw) => s.serialize_str(raw),
        }
    }
}

impl<'de> Deserialize<'de> for TokenType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(if raw.eq_ignore_ascii_case("bearer") {
            Self::Bearer
        } else {
            Self::Other(raw)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_type_is_case_insensitive_and_debug_redacts() {
        let t: TokenResponse = serde_json::from_str(
            r#"{"access_token":"APP_USR-secret","token_type":"bearer","expires_in":"21600",
                "scope":"offline_access read write","user_id":"667732467","refresh_token":"TG-secret"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.token_type, TokenType::Bearer);
        assert_eq!(t.expires_in_duration(), Duration::from_secs(21600));
        assert!(t.has_scope("offline_access"));
        assert!(!t.has_scope("offline"));
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("secret"), "{dbg}");
    }

    #[test]
    fn refresh_token_is_optional() {
        let t: TokenResponse = serde_json::from_str(
            r#"{"access_token":"a","token_type":"Bearer","expires_in":10800,"scope":"read","user_id":1}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.refresh_token, None);
        assert!(
            serde_json::from_str::<TokenResponse>(
                r#"{"access_token":"a","token_type":"Bearer","expires_in":-1,"user_id":1}"#
            )
            .is_err()
        );
    }
}
