//! Access tokens per store: opened from their sealed form, refreshed shortly before expiry or after
//! a 401. Refresh tokens are single-use and rotate, so a refresh is done under a per-store lock in
//! the database (two workers, even in two processes, never spend the same refresh token) and the
//! new pair is persisted before the new access token is used.

use crate::crypto::{SealError, Sealer};
use chrono::{DateTime, Duration, Utc};
use domain::SellerId;
use meli::{MeliClient, MeliError, TokenResponse};
use std::sync::Arc;
use store::{ConnectionHealth, SealedTokens, Store, StoreError};

/// Refresh this long before the access token's stated expiry, so calls in flight don't race it.
const REFRESH_MARGIN_MINUTES: i64 = 5;
const LOCK_SECONDS: i64 = 30;
const LOCK_WAIT_ROUNDS: u32 = 50;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("store {0} is not connected")]
    UnknownStore(SellerId),
    #[error("store {0} needs to be connected again (its authorization was revoked or expired)")]
    NeedsReauth(SellerId),
    #[error("another worker is refreshing the tokens of store {0}")]
    Busy(SellerId),
    #[error("stored tokens cannot be opened: {0}")]
    Sealed(#[from] SealError),
    #[error(transparent)]
    Meli(#[from] MeliError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TokenError {
    /// Worth trying again later (the same job, after a backoff).
    pub fn is_retryable(&self) -> bool {
        match self {
            TokenError::Busy(_) | TokenError::Store(_) => true,
            TokenError::Meli(e) => e.is_retryable(),
            _ => false,
        }
    }
}

#[derive(Clone, Copy)]
pub enum Slot {
    Access,
    Refresh,
}

/// The associated data a token is sealed with: its store and which of the pair it is.
pub fn context(seller: SellerId, slot: Slot) -> Vec<u8> {
    let slot = match slot {
        Slot::Access => "access",
        Slot::Refresh => "refresh",
    };
    format!("mostrador:store:{seller}:{slot}").into_bytes()
}

#[derive(Clone)]
pub struct TokenManager {
    store: Arc<dyn Store>,
    meli: MeliClient,
    sealer: Sealer,
}

impl TokenManager {
    pub fn new(store: Arc<dyn Store>, meli: MeliClient, sealer: Sealer) -> Self {
        TokenManager {
            store,
            meli,
            sealer,
        }
    }

    /// Seals the pair for `seller`: each token is bound to its store and slot (see
    /// [`Sealer::seal`]), so a sealed blob cannot be moved to another store or swapped.
    pub fn seal(
        &self,
        seller: SellerId,
        tokens: &TokenResponse,
        now: DateTime<Utc>,
    ) -> SealedTokens {
        SealedTokens {
            access: self
                .sealer
                .seal(&tokens.access_token, &context(seller, Slot::Access)),
            refresh: self.sealer.seal(
                tokens.refresh_token.as_deref().unwrap_or_default(),
                &context(seller, Slot::Refresh),
            ),
            access_expires_at: now
                + Duration::seconds(
                    i64::try_from(tokens.expires_in)
                        .unwrap_or(i64::MAX / 1000)
                        .min(365 * 86_400),
                ),
        }
    }

    /// A usable access token for the store, refreshing first when it is about to expire.
    pub async fn access_token(&self, seller: SellerId) -> Result<String, TokenError> {
        let sealed = self.current(seller).await?;
        if sealed.access_expires_at - Duration::minutes(REFRESH_MARGIN_MINUTES) > Utc::now() {
            return Ok(self
                .sealer
                .open(&sealed.access, &context(seller, Slot::Access))?);
        }
        self.refresh(seller, &sealed.access).await
    }

    /// After Mercado Libre answered 401 to `rejected`: refresh, unless someone already did.
    pub async fn after_unauthorized(
        &self,
        seller: SellerId,
        rejected: &str,
    ) -> Result<String, TokenError> {
        let sealed = self.current(seller).await?;
        let current = self
            .sealer
            .open(&sealed.access, &context(seller, Slot::Access))?;
        if current != rejected {
            return Ok(current);
        }
        self.refresh(seller, &sealed.access).await
    }

    async fn current(&self, seller: SellerId) -> Result<SealedTokens, TokenError> {
        let conn = self
            .store
            .connection(seller)
            .await?
            .ok_or(TokenError::UnknownStore(seller))?;
        match (conn.health, conn.tokens) {
            (ConnectionHealth::Connected, Some(tokens)) => Ok(tokens),
            (ConnectionHealth::Disconnected, _) | (_, None) => {
                Err(TokenError::UnknownStore(seller))
            }
            (ConnectionHealth::NeedsReauth, _) => Err(TokenError::NeedsReauth(seller)),
        }
    }

    /// Refreshes unless the stored access token is no longer `stale` (another holder refreshed).
    async fn refresh(&self, seller: SellerId, stale: &[u8]) -> Result<String, TokenError> {
        // One holder id per refresh, not per process: two tasks of one process must exclude each
        // other too.
        let holder = uuid::Uuid::now_v7().to_string();
        for _ in 0..LOCK_WAIT_ROUNDS {
            let now = Utc::now();
            if !self
                .store
                .try_lock_refresh(seller, &holder, now + Duration::seconds(LOCK_SECONDS), now)
                .await?
            {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let sealed = self.current(seller).await?;
                if sealed.access != stale {
                    return Ok(self
                        .sealer
                        .open(&sealed.access, &context(seller, Slot::Access))?);
                }
                continue;
            }
            let result = self.refresh_locked(seller, stale).await;
            if let Err(e) = self.store.unlock_refresh(seller, &holder).await {
                tracing::warn!(seller.id = %seller, error = %e, "releasing the refresh lock failed; it expires by itself");
            }
            return result;
        }
        Err(TokenError::Busy(seller))
    }

    async fn refresh_locked(&self, seller: SellerId, stale: &[u8]) -> Result<String, TokenError> {
        let sealed = self.current(seller).await?;
        if sealed.access != stale {
            return Ok(self
                .sealer
                .open(&sealed.access, &context(seller, Slot::Access))?);
        }
        let refresh_token = self
            .sealer
            .open(&sealed.refresh, &context(seller, Slot::Refresh))?;
        match self.meli.refresh_token(&refresh_token).await {
            Ok(fresh) => {
                let resealed = self.seal(seller, &fresh, Utc::now());
                // Persist before use: the old refresh token is already spent, so losing the new one
                // would cost a re-authorization. Retry a failing database a few times first.
                self.save_rotated(seller, &resealed).await?;
                if fresh.refresh_token.as_deref().is_none_or(str::is_empty) {
                    crate::telemetry::token_refresh("no_refresh_token");
                    self.needs_reauth(
                        seller,
                        "Mercado Libre returned no refresh token (is offline_access granted?)",
                    )
                    .await?;
                    return Err(TokenError::NeedsReauth(seller));
                }
                tracing::info!(seller.id = %seller, "access token refreshed");
                crate::telemetry::token_refresh("refreshed");
                Ok(fresh.access_token)
            }
            Err(e) if e.is_invalid_grant() => {
                crate::telemetry::token_refresh("invalid_grant");
                self.needs_reauth(
                    seller,
                    "Mercado Libre refused the refresh token (invalid_grant)",
                )
                .await?;
                Err(TokenError::NeedsReauth(seller))
            }
            Err(e) => {
                crate::telemetry::token_refresh("failed");
                Err(e.into())
            }
        }
    }

    async fn needs_reauth(&self, seller: SellerId, why: &str) -> Result<(), TokenError> {
        tracing::warn!(seller.id = %seller, reason = why, "store needs re-authorization");
        self.store
            .set_connection_health(seller, ConnectionHealth::NeedsReauth, Some(why))
            .await?;
        Ok(())
    }

    async fn save_rotated(
        &self,
        seller: SellerId,
        tokens: &SealedTokens,
    ) -> Result<(), TokenError> {
        let mut attempt = 0;
        loop {
            match self.store.save_tokens(seller, tokens).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < 5 => {
                    attempt += 1;
                    tracing::warn!(seller.id = %seller, error = %e, attempt, "saving rotated tokens failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
                }
                Err(e) => {
                    tracing::error!(seller.id = %seller, error = %e, "rotated tokens could not be saved; the store will need re-authorization");
                    return Err(e.into());
                }
            }
        }
    }
}
