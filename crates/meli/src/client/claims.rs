//! Claims: search, one claim and its summary, its reputation impact, its
//! messages, and writing to the buyer or the mediator.

use reqwest::Method;

use super::{MeliClient, check_id, check_opaque_id, check_site, decode};
use crate::{
    MeliError,
    models::{
        Claim, ClaimDetail, ClaimMessages, ClaimReputation, ClaimRole, ClaimStage, ClaimStatus,
        ClaimType, ClaimsSearch, NewClaimMessage,
    },
};

const CLAIMS: [&str; 3] = ["post-purchase", "v1", "claims"];

/// Largest page `GET /post-purchase/v1/claims/search` serves.
const MAX_CLAIMS_LIMIT: u32 = 100;

/// Deepest offset it serves.
const MAX_CLAIMS_OFFSET: u32 = 9_999;

/// Filters for `GET /post-purchase/v1/claims/search`. Mercado Libre wants at
/// least one real filter (paging and `status`/`stage` alone are refused or
/// expensive) and some filters in pairs; [`ClaimsQuery::as_respondent`] is
/// the usual start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimsQuery {
    /// `id`.
    pub id: Option<i64>,
    /// `players.role`, with `player_user_id`.
    pub player_role: Option<ClaimRole>,
    /// `players.user_id`, with `player_role`.
    pub player_user_id: Option<i64>,
    /// `status`.
    pub status: Option<ClaimStatus>,
    /// `stage`.
    pub stage: Option<ClaimStage>,
    /// `type`.
    pub claim_type: Option<ClaimType>,
    /// `resource` (`order`, `payment`, `shipment`, `purchase`), with `resource_id`.
    pub resource: Option<String>,
    /// `resource_id`, with `resource`.
    pub resource_id: Option<i64>,
    /// `order_id`.
    pub order_id: Option<i64>,
    /// `pack_id`.
    pub pack_id: Option<i64>,
    /// `reason_id`, e.g. `PDD9549`.
    pub reason_id: Option<String>,
    /// `site_id`, e.g. `MLB`.
    pub site_id: Option<String>,
    /// `sort`, e.g. `date_created:desc`.
    pub sort: Option<String>,
    /// `range`, e.g. `date_created:after:2024-01-01T00:00:00.000-0300`.
    pub range: Option<String>,
    /// Page offset (at most 9,999).
    pub offset: Option<u32>,
    /// Page size (default 30, at most 100).
    pub limit: Option<u32>,
}

impl ClaimsQuery {
    /// Claims against `seller_id` (`players.role=respondent`).
    pub fn as_respondent(seller_id: i64) -> Self {
        Self {
            player_role: Some(ClaimRole::Respondent),
            player_user_id: Some(seller_id),
            ..Self::default()
        }
    }

    fn to_query(&self) -> Result<Vec<(&'static str, String)>, MeliError> {
        let invalid = |m: &str| Err(MeliError::InvalidInput(m.to_owned()));
        if self.player_role.is_some() != self.player_user_id.is_some() {
            return invalid("players.role and players.user_id go together in a claim search");
        }
        if self.resource.is_some() != self.resource_id.is_some() {
            return invalid("resource and resource_id go together in a claim search");
        }
        let filtered = self.id.is_some()
            || self.player_user_id.is_some()
            || self.resource_id.is_some()
            || self.order_id.is_some()
            || self.pack_id.is_some()
            || self.reason_id.is_some()
            || self.site_id.is_some()
            || self.claim_type.is_some();
        if !filtered {
            return invalid(
                "a claim search needs a filter beyond paging, status and stage (players, resource, order_id, id, …)",
            );
        }
        if self.limit.is_some_and(|l| l == 0 || l > MAX_CLAIMS_LIMIT) {
            return invalid("a claim search page holds 1 to 100 claims");
        }
        if self.offset.is_some_and(|o| o > MAX_CLAIMS_OFFSET) {
            return invalid("a claim search offset is at most 9999");
        }
        if let Some(site) = &self.site_id {
            check_site(site)?;
        }
        let ids = [
            (self.id, "claim id"),
            (self.player_user_id, "players.user_id"),
            (self.resource_id, "resource_id"),
            (self.order_id, "order id"),
            (self.pack_id, "pack id"),
        ];
        for (id, what) in ids {
            if let Some(id) = id {
                check_id(id, what)?;
            }
        }
        let opt = |k: &'static str, v: Option<String>| v.map(|v| (k, v));
        let num = |v: Option<i64>| v.map(|v| v.to_string());
        Ok([
            opt("id", num(self.id)),
            opt(
                "players.role",
                self.player_role.as_ref().map(|r| r.as_str().to_owned()),
            ),
            opt("players.user_id", num(self.player_user_id)),
            opt(
                "status",
                self.status.as_ref().map(|s| s.as_str().to_owned()),
            ),
            opt("stage", self.stage.as_ref().map(|s| s.as_str().to_owned())),
            opt(
                "type",
                self.claim_type.as_ref().map(|t| t.as_str().to_owned()),
            ),
            opt("resource", self.resource.clone()),
            opt("resource_id", num(self.resource_id)),
            opt("order_id", num(self.order_id)),
            opt("pack_id", num(self.pack_id)),
            opt("reason_id", self.reason_id.clone()),
            opt("site_id", self.site_id.clone()),
            opt("sort", self.sort.clone()),
            opt("range", self.range.clone()),
            opt("offset", self.offset.map(|v| v.to_string())),
            opt("limit", self.limit.map(|v| v.to_string())),
        ]
        .into_iter()
        .flatten()
        .collect())
    }
}

impl MeliClient {
    /// `GET /post-purchase/v1/claims/search?…`.
    pub async fn search_claims(
        &self,
        access_token: &str,
        q: &ClaimsQuery,
    ) -> Result<ClaimsSearch, MeliError> {
        let query = q.to_query()?;
        let [a, b, c] = CLAIMS;
        self.get(access_token, &[a, b, c, "search"], &query, "claims search")
            .await
    }

    /// `GET /post-purchase/v1/claims/{id}`: the claim, its players and what
    /// each may do by when.
    pub async fn claim(&self, access_token: &str, id: i64) -> Result<Claim, MeliError> {
        self.claim_part(access_token, id, None, "claim").await
    }

    /// `GET /post-purchase/v1/claims/{id}/detail`: texts for the agent.
    pub async fn claim_detail(
        &self,
        access_token: &str,
        id: i64,
    ) -> Result<ClaimDetail, MeliError> {
        self.claim_part(access_token, id, Some("detail"), "claim detail")
            .await
    }

    /// `GET /post-purchase/v1/claims/{id}/affects-reputation`.
    pub async fn claim_affects_reputation(
        &self,
        access_token: &str,
        id: i64,
    ) -> Result<ClaimReputation, MeliError> {
        self.claim_part(
            access_token,
            id,
            Some("affects-reputation"),
            "claim reputation",
        )
        .await
    }

    /// `GET /post-purchase/v1/claims/{id}/messages`, a message that shows
    /// twice (same `hash`) kept once.
    pub async fn claim_messages(
        &self,
        access_token: &str,
        id: i64,
    ) -> Result<ClaimMessages, MeliError> {
        self.claim_part(access_token, id, Some("messages"), "claim messages")
            .await
    }

    /// `POST /post-purchase/v1/claims/{id}/actions/send-message`. Allowed
    /// only while the seller has the matching action
    /// (`send_message_to_complainant` in stage `claim`,
    /// `send_message_to_mediator` in `dispute`). Mercado Libre answers
    /// `201` with no documented body: it is returned as is (`null` when empty).
    pub async fn send_claim_message(
        &self,
        access_token: &str,
        claim_id: i64,
        msg: &NewClaimMessage,
    ) -> Result<serde_json::Value, MeliError> {
        let id = check_id(claim_id, "claim id")?;
        if msg.message.trim().is_empty() {
            return Err(MeliError::InvalidInput("claim message is empty".into()));
        }
        for a in &msg.attachments {
            check_opaque_id(a, "claim attachment")?;
        }
        let [a, b, c] = CLAIMS;
        let req = self
            .request(
                Method::POST,
                access_token,
                &[a, b, c, &id, "actions", "send-message"],
                &[],
            )?
            .json(msg);
        let bytes = self.send(req, "claim message").await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        // A 2xx is a success: an unreadable body must not make the caller
        // send the message again.
        Ok(
            decode(&bytes, "claim message response").unwrap_or_else(|_| {
                serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
            }),
        )
    }

    async fn claim_part<T: serde::de::DeserializeOwned>(
        &self,
        access_token: &str,
        id: i64,
        part: Option<&str>,
        what: &'static str,
    ) -> Result<T, MeliError> {
        let id = check_id(id, "claim id")?;
        let [a, b, c] = CLAIMS;
        let mut path = vec![a, b, c, id.as_str()];
        path.extend(part);
        self.get(access_token, &path, &[], what).await
    }
}
