//! Connecting a store: OAuth 2.0 authorization code with `state` (CSRF) and PKCE S256, then
//! `/users/me` to learn which seller granted access.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use base64::Engine;
use chrono::{Duration, Utc};
use domain::{Person, SellerId, Site};
use rand::RngCore;
use store::{Connection, NewConnection, OAuthState};

const STATE_TTL_MINUTES: i64 = 15;

/// Returns the Mercado Libre authorization URL to send the admin to.
pub async fn start(state: &AppState, admin: &Person, site: &str) -> AppResult<String> {
    let site = Site::parse_known(site).map_err(|e| AppError::bad_request("unknown_site", e))?;
    let pkce = meli::Pkce::generate();
    let mut raw = [0u8; 24];
    rand::rng().fill_bytes(&mut raw);
    let csrf = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    let url = state
        .meli
        .authorization_url(site.code(), &csrf, pkce.challenge())
        .map_err(|e| AppError::bad_request("unknown_site", e.to_string()))?;
    state
        .store
        .put_oauth_state(&OAuthState {
            org_id: admin.org_id,
            state: csrf,
            pkce_verifier: pkce.verifier().to_string(),
            site_id: site.code().to_string(),
            created_by: Some(admin.id),
            expires_at: Utc::now() + Duration::minutes(STATE_TTL_MINUTES),
        })
        .await?;
    Ok(url.to_string())
}

/// Completes the flow from the callback's `code` and `state`.
/// Only the admin who started the flow may finish it: a leaked authorization link cannot connect
/// someone else's Mercado Libre account into this organization.
pub async fn finish(
    state: &AppState,
    admin: &Person,
    code: &str,
    csrf: &str,
) -> AppResult<Connection> {
    if admin.role != domain::Role::Admin {
        return Err(AppError::Forbidden("only admins connect stores".into()));
    }
    let pending = state
        .store
        .take_oauth_state(csrf, Utc::now())
        .await?
        .ok_or_else(|| {
            AppError::bad_request(
                "invalid_state",
                "this authorization link expired or was already used; connect the store again",
            )
        })?;
    if pending.created_by != Some(admin.id) || pending.org_id != admin.org_id {
        return Err(AppError::Forbidden(
            "this authorization was started by another person; start connecting the store yourself"
                .into(),
        ));
    }
    let tokens = state
        .meli
        .exchange_code(code, &pending.pkce_verifier)
        .await
        .map_err(|e| {
            AppError::bad_request(
                "authorization_failed",
                format!("Mercado Libre refused the authorization: {e}"),
            )
        })?;
    let me = state.meli.me(&tokens.access_token).await.map_err(|e| {
        AppError::bad_request(
            "authorization_failed",
            format!("could not read the connected account: {e}"),
        )
    })?;
    if tokens.refresh_token.is_none() {
        return Err(AppError::bad_request(
            "offline_access_missing",
            "Mercado Libre returned no refresh token: enable offline_access for this application",
        ));
    }
    let site_id = me.site_id.clone().unwrap_or(pending.site_id);
    let currency_id = Site::new(site_id.clone())
        .info()
        .map(|i| i.currency.to_string())
        .unwrap_or_default();
    let seller = SellerId(me.id);
    let upserted = state
        .store
        .upsert_connection(NewConnection {
            org_id: pending.org_id,
            seller_id: seller,
            site_id,
            nickname: if me.nickname.is_empty() {
                me.id.to_string()
            } else {
                me.nickname.clone()
            },
            currency_id,
            tokens: state.tokens.seal(seller, &tokens, Utc::now()),
        })
        .await;
    let connection = match upserted {
        Ok(connection) => connection,
        Err(store::StoreError::Conflict(code)) if code == "store_in_other_org" => {
            return Err(AppError::Conflict {
                code: "store_in_other_org",
                message: "this Mercado Libre store is already connected to another organization"
                    .into(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(seller.id = %connection.seller_id, site = %connection.site_id, "store connected");
    forget_cached_sellers(state).await;
    // Questions asked before the store was connected were never notified to us: sweep them in.
    state
        .store
        .enqueue(crate::reconcile::sync_questions_job(
            connection.org_id,
            connection.seller_id,
            Utc::now(),
        ))
        .await?;
    // Leads on classified listings, with Mercado Libre's own default window.
    state
        .store
        .enqueue(crate::contacts::sync_leads_job(
            connection.org_id,
            connection.seller_id,
            crate::contacts::LEADS_BACKFILL_DAYS,
            Utc::now(),
        ))
        .await?;
    // The same for what happened after sales: unread messages, open claims, recent orders.
    state
        .store
        .enqueue(crate::reconcile::sync_post_sale_job(
            connection.org_id,
            connection.seller_id,
            Utc::now(),
        ))
        .await?;
    state.jobs_waiting.notify_one();
    Ok(connection)
}

/// Stops ingestion for a store and deletes its tokens; its conversations stay.
pub async fn disconnect(state: &AppState, admin: &Person, seller: SellerId) -> AppResult<()> {
    if admin.role != domain::Role::Admin {
        return Err(AppError::Forbidden("only admins disconnect stores".into()));
    }
    // Scoped to the admin's organization: another organization's store is "not found".
    let detail = format!("disconnected by {}", admin.email);
    state
        .store
        .disconnect(admin.org_id, seller, &detail)
        .await
        .map_err(|e| match e {
            store::StoreError::NotFound(_) => AppError::NotFound("store"),
            other => other.into(),
        })?;
    tracing::info!(seller.id = %seller, person.id = %admin.id, "store disconnected");
    forget_cached_sellers(state).await;
    Ok(())
}

/// This process sees its own connect or disconnect before it answers; other processes see it
/// within [`crate::sellers::CHECK_EVERY`]. The change is already committed, so a failed reload
/// is not the caller's failure: the background check retries it.
async fn forget_cached_sellers(state: &AppState) {
    if let Err(e) = state.sellers.reload(state.store.as_ref()).await {
        tracing::warn!(error = %e, "cannot reload the connected stores now; retrying in the background");
    }
}
