//! OAuth 2.0 pieces that need no network: PKCE and the per-country
//! authorization page.
//!
//! The token exchange itself lives in [`crate::client`] because it shares
//! the HTTP error mapping with every other call.

use std::fmt;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use url::Url;

use crate::MeliError;

/// Sites that have an authorization page, with their real hosts.
pub const AUTH_SITES: &[(&str, &str)] = &[
    ("MLA", "https://auth.mercadolibre.com.ar"),
    ("MLB", "https://auth.mercadolivre.com.br"),
    ("MLM", "https://auth.mercadolibre.com.mx"),
    ("MLC", "https://auth.mercadolibre.cl"),
    ("MCO", "https://auth.mercadolibre.com.co"),
    ("MLU", "https://auth.mercadolibre.com.uy"),
    ("MPE", "https://auth.mercadolibre.com.pe"),
    ("MEC", "https://auth.mercadolibre.com.ec"),
    ("MLV", "https://auth.mercadolibre.com.ve"),
    ("MCR", "https://auth.mercadolibre.com.cr"),
    ("MPA", "https://auth.mercadolibre.com.pa"),
    ("MRD", "https://auth.mercadolibre.com.do"),
    ("MBO", "https://auth.mercadolibre.com.bo"),
    ("MPY", "https://auth.mercadolibre.com.py"),
];

/// Where the user's browser is sent to grant access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthHosts {
    /// The real per-country hosts ([`AUTH_SITES`]).
    MercadoLibre,
    /// A base URL template; `{site}` is replaced by the site id, e.g.
    /// `http://127.0.0.1:4010/auth/{site}` for the simulator.
    Custom(String),
}

impl AuthHosts {
    /// The authorization host (no trailing slash) for `site` (`MLA`,
    /// case-insensitive). Unknown sites are refused so a typo cannot send a
    /// seller to a page that does not exist.
    pub fn base_for(&self, site: &str) -> Result<String, MeliError> {
        let site = site.trim().to_ascii_uppercase();
        let real = AUTH_SITES
            .iter()
            .find(|(id, _)| *id == site)
            .map(|(_, host)| *host);
        let Some(real) = real else {
            let known: Vec<&str> = AUTH_SITES.iter().map(|(id, _)| *id).collect();
            return Err(MeliError::InvalidInput(format!(
                "unknown Mercado Libre site {site:?}; expected one of {}",
                known.join(", ")
            )));
        };
        Ok(match self {
            Self::MercadoLibre => real.to_owned(),
            Self::Custom(template) => template
                .replace("{site}", &site)
                .trim_end_matches('/')
                .to_owned(),
        })
    }

    /// The full authorization URL (PKCE S256).
    pub fn authorization_url(
        &self,
        site: &str,
        client_id: &str,
        redirect_uri: &str,
        state: &str,
        code_challenge: &str,
    ) -> Result<Url, MeliError> {
        if state.is_empty() || code_challenge.is_empty() {
            return Err(MeliError::InvalidInput(
                "the authorization URL needs a non-empty state and PKCE code challenge".into(),
            ));
        }
        let base = self.base_for(site)?;
        let mut url = Url::parse(&format!("{base}/authorization")).map_err(|e| {
            MeliError::InvalidInput(format!(
                "authorization host {base:?} is not a valid URL: {e}"
            ))
        })?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("code_challenge", code_challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url)
    }
}

/// A PKCE pair (RFC 7636). Keep the verifier server-side until the code
/// comes back; only the challenge goes into the browser URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    verifier: String,
    challenge: String,
}

impl Pkce {
    /// A fresh pair: 32 random bytes → 43-char base64url verifier.
    pub fn generate() -> Self {
        let bytes: [u8; 32] = rand::random();
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        let challenge = s256_challenge(&verifier);
        Self {
            verifier,
            challenge,
        }
    }

    /// Rebuilds the pair from a stored verifier, checking RFC 7636's rules
    /// (43–128 chars of `A-Z a-z 0-9 - . _ ~`).
    pub fn from_verifier(verifier: &str) -> Result<Self, MeliError> {
        let ok_len = (43..=128).contains(&verifier.len());
        let ok_chars = verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if !ok_len || !ok_chars {
            return Err(MeliError::InvalidInput(
                "PKCE code verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~".into(),
            ));
        }
        Ok(Self {
            verifier: verifier.to_owned(),
            challenge: s256_challenge(verifier),
        })
    }

    /// The secret half, sent only to the token endpoint.
    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    /// `BASE64URL(SHA256(verifier))`, for the authorization URL.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"[redacted]")
            .field("challenge", &self.challenge)
            .finish()
    }
}

/// The S256 transform: base64url without padding of the SHA-256 digest.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(p.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn generated_pairs_are_valid_and_distinct() {
        let a = Pkce::generate();
        let b = Pkce::generate();
        assert_ne!(a.verifier(), b.verifier());
        assert_eq!(a.verifier().len(), 43);
        assert_eq!(Pkce::from_verifier(a.verifier()).unwrap(), a);
        assert_eq!(a.challenge(), s256_challenge(a.verifier()));
        assert!(!format!("{a:?}").contains(a.verifier()));
    }

    #[test]
    fn bad_verifiers_are_refused() {
        assert!(Pkce::from_verifier("short").is_err());
        assert!(Pkce::from_verifier(&"a".repeat(129)).is_err());
        assert!(Pkce::from_verifier(&format!("{}+", "a".repeat(43))).is_err());
    }

    #[test]
    fn real_hosts_for_all_sites() {
        let h = AuthHosts::MercadoLibre;
        assert_eq!(AUTH_SITES.len(), 14);
        assert_eq!(
            h.base_for("MLA").unwrap(),
            "https://auth.mercadolibre.com.ar"
        );
        assert_eq!(
            h.base_for("mlb").unwrap(),
            "https://auth.mercadolivre.com.br"
        );
        assert_eq!(h.base_for("MLC").unwrap(), "https://auth.mercadolibre.cl");
        assert!(matches!(h.base_for("XXX"), Err(MeliError::InvalidInput(_))));
        for (site, host) in AUTH_SITES {
            assert!(Url::parse(host).is_ok(), "{site}");
        }
    }

    #[test]
    fn authorization_url_has_every_parameter() {
        let url = AuthHosts::Custom("http://127.0.0.1:4010/auth/{site}".into())
            .authorization_url("MLA", "123", "https://app.example/cb?x=1", "st&ate", "chal")
            .unwrap();
        assert_eq!(url.path(), "/auth/MLA/authorization");
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("client_id"), Some("123"));
        assert_eq!(get("redirect_uri"), Some("https://app.example/cb?x=1"));
        assert_eq!(get("state"), Some("st&ate"));
        assert_eq!(get("code_challenge"), Some("chal"));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        let real = AuthHosts::MercadoLibre
            .authorization_url("MLM", "1", "https://a/b", "s", "c")
            .unwrap();
        assert!(
            real.as_str()
                .starts_with("https://auth.mercadolibre.com.mx/authorization?response_type=code&")
        );
    }
}
