//! Agent authentication: argon2 password hashes, opaque session tokens (only their SHA-256 is
//! stored), a cookie for the web UI and the same token as a Bearer header for the JSON API.

use crate::error::AppError;
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use base64::Engine;
use chrono::{Duration, Utc};
use domain::{OrgId, Person, Role};
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::NewPerson;

pub const SESSION_COOKIE: &str = "mostrador_session";
pub const SESSION_TTL_HOURS: i64 = 12;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing password: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Validates and creates a person; shared by `admin create-user`, `demo` and tests.
pub async fn create_person(
    state: &AppState,
    org: OrgId,
    email: &str,
    name: &str,
    password: &str,
    role: Role,
) -> Result<Person, AppError> {
    create_person_in(state.store.as_ref(), org, email, name, password, role).await
}

/// Same as [`create_person`], for commands that have a store but no running app.
pub async fn create_person_in(
    store: &dyn store::Store,
    org: OrgId,
    email: &str,
    name: &str,
    password: &str,
    role: Role,
) -> Result<Person, AppError> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.len() < 3 {
        return Err(AppError::bad_request(
            "invalid_email",
            format!("{email:?} is not an e-mail address"),
        ));
    }
    if password.chars().count() < 8 {
        return Err(AppError::bad_request(
            "weak_password",
            "the password must have at least 8 characters",
        ));
    }
    let new = NewPerson {
        org_id: org,
        language: None,
        email: email.clone(),
        name: name.trim().to_string(),
        role,
        password_hash: hash_password(password)?,
    };
    store.create_person(new).await.map_err(|e| match e {
        store::StoreError::Conflict(_) => AppError::Conflict {
            code: "email_taken",
            message: format!("{email} already has an account"),
        },
        store::StoreError::NotFound(_) => AppError::NotFound("organization"),
        other => other.into(),
    })
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks credentials and opens a session; returns the raw token for the cookie or header.
/// Argon2 is deliberately slow: run it on the blocking pool, a few at a time, so a burst of logins
/// never delays the webhook's fast acknowledgement.
async fn verify_off_runtime(password: &str, hash: String) -> Result<bool, AppError> {
    static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let _permit = CHECKS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password check pool closed: {e}")))?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password check failed: {e}")))
}

/// Attempts per account: a burst of this many, then one more every six seconds. Enough for a
/// person who mistypes, far too few to guess a password.
const LOGIN_BURST: u32 = 10;

pub type LoginLimiter = governor::DefaultKeyedRateLimiter<String>;

pub fn login_limiter() -> LoginLimiter {
    let per = std::num::NonZeroU32::MIN.saturating_add(LOGIN_BURST - 1);
    governor::RateLimiter::keyed(governor::Quota::per_minute(per).allow_burst(per))
}

/// Attempts per client address: enough for an office of agents behind one address signing in at
/// the start of a shift, too few to try many accounts.
const CLIENT_BURST: u32 = 30;

/// Keyed by address; `None` is every request whose address is unknown (a router served without
/// connect info, as in tests), sharing one allowance.
pub type ClientLimiter = governor::DefaultKeyedRateLimiter<Option<std::net::IpAddr>>;

pub fn client_limiter() -> ClientLimiter {
    let per = std::num::NonZeroU32::MIN.saturating_add(CLIENT_BURST - 1);
    governor::RateLimiter::keyed(governor::Quota::per_minute(per).allow_burst(per))
}

/// The address a request came from, when the server was started with
/// `into_make_service_with_connect_info`. An IPv6 client is keyed by its /64, since one host
/// holds a whole /64 and could rotate through it.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        use std::net::{IpAddr, Ipv6Addr, SocketAddr};
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| match info.0.ip() {
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => IpAddr::V4(v4),
                    None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
                },
                v4 => v4,
            });
        Ok(ClientAddr(ip))
    }
}

/// Refuses a login attempt from a client address that has used up its allowance.
pub fn throttle_client(state: &AppState, client: &ClientAddr) -> Result<(), AppError> {
    throttle(&state.login_client_limiter, &client.0)
}

fn throttle_login(limiter: &LoginLimiter, email: &str) -> Result<(), AppError> {
    throttle(limiter, &email.to_string())
}

fn throttle<K: std::hash::Hash + Eq + Clone>(
    limiter: &governor::DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), AppError> {
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        ));
        AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        }
    })
}

pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<(Person, String), AppError> {
    throttle_login(&state.login_limiter, &email.trim().to_lowercase())?;
    let person = state
        .store
        .person_by_email(&email.trim().to_lowercase())
        .await?;
    // A missing account is checked against a dummy hash, so timing does not reveal which
    // accounts exist.
    let hash = person
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |p| p.password_hash.clone());
    let matches = verify_off_runtime(password, hash).await?;
    let person = match person {
        Some(p) if matches => p,
        _ => return Err(AppError::Forbidden("wrong e-mail or password".into())),
    };
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    state
        .store
        .create_session(
            &token_hash(&token),
            person.id,
            Utc::now() + Duration::hours(SESSION_TTL_HOURS),
        )
        .await?;
    Ok((person, token))
}

pub async fn logout(state: &AppState, token: &str) -> Result<(), AppError> {
    Ok(state.store.delete_session(&token_hash(token)).await?)
}

static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not-a-real-password").unwrap_or_default());

fn session_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(token) = value.strip_prefix("Bearer ")
    {
        return Some(token.trim().to_string());
    }
    CookieJar::from_headers(&parts.headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
}

async fn person_from_parts(parts: &Parts, state: &AppState) -> Result<Option<Person>, AppError> {
    let Some(token) = session_token(parts) else {
        return Ok(None);
    };
    Ok(state
        .store
        .session_person(&token_hash(&token), Utc::now())
        .await?)
}

/// A signed-in person, for JSON API routes (401 otherwise).
pub struct ApiPerson(pub Person);

impl FromRequestParts<AppState> for ApiPerson {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        person_from_parts(parts, state)
            .await?
            .map(ApiPerson)
            .ok_or(AppError::Unauthorized)
    }
}

/// The signed-in person, if any (for routes anonymous visitors may use too).
pub struct MaybePerson(pub Option<Person>);

impl FromRequestParts<AppState> for MaybePerson {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybePerson(person_from_parts(parts, state).await?))
    }
}

/// A signed-in person, for web pages (redirect to the login page otherwise).
pub struct WebPerson(pub Person);

impl FromRequestParts<AppState> for WebPerson {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match person_from_parts(parts, state).await {
            Ok(Some(p)) => Ok(WebPerson(p)),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
