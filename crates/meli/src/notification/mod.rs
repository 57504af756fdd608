//! Webhook bodies, `/missed_feeds` records and the resource they point to.
//!
//! A notification is only a pointer: the worker must re-GET `resource` with
//! the token of `user_id`. The documented samples disagree on almost every
//! field (`_id`/`id`/none, `user_id` number or string, `received` spelled
//! `recieved`, `resource` with or without its leading slash), so the wire
//! form is read loosely and normalized once here.

mod subject;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};

pub use subject::Subject;

/// A webhook body, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "NotificationWire")]
pub struct Notification {
    /// Delivery id (`_id`, or `id` in sub-topic samples); absent in many samples.
    #[serde(rename = "_id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Path of the changed resource, always with a leading slash
    /// (`/questions/5036111111`; a bare message id becomes `/3f6d…`).
    pub resource: String,
    /// The seller whose token must be used to fetch `resource`.
    pub user_id: i64,
    /// `questions`, `messages`, `orders_v2`, …; missing in one short sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Sub-topics that fired (`created`, `claims`, `visit_request`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Our application id; check it matches before trusting the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<i64>,
    /// Delivery attempt number (MeLi retries for about an hour).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// When MeLi sent this attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<DateTime<FixedOffset>>,
    /// When MeLi registered the change (`received` or `recieved`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<DateTime<FixedOffset>>,
}

#[derive(Deserialize)]
struct NotificationWire {
    #[serde(rename = "_id", default, deserialize_with = "crate::de::opt_id_string")]
    underscore_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    id: Option<String>,
    resource: String,
    #[serde(deserialize_with = "crate::de::id")]
    user_id: i64,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default, deserialize_with = "string_or_list")]
    actions: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    application_id: Option<i64>,
    #[serde(default)]
    attempts: Option<u32>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    sent: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    received: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    recieved: Option<DateTime<FixedOffset>>,
}

impl TryFrom<NotificationWire> for Notification {
    type Error = String;

    fn try_from(w: NotificationWire) -> Result<Self, String> {
        let resource = w.resource.trim();
        if resource.is_empty() || resource == "/" {
            return Err("field `resource` is empty; nothing to fetch".into());
        }
        let resource = if resource.starts_with('/') {
            resource.to_owned()
        } else {
            format!("/{resource}")
        };
        Ok(Self {
            id: w.underscore_id.or(w.id).filter(|s| !s.is_empty()),
            resource,
            user_id: w.user_id,
            topic: w.topic.filter(|t| !t.trim().is_empty()),
            actions: w.actions,
            application_id: w.application_id,
            attempts: w.attempts,
            sent: w.sent,
            received: w.received.or(w.recieved),
        })
    }
}

fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
}

/// What a notification's `resource` points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// `/questions/{id}` → `GET /questions/{id}?api_version=4`.
    Question(i64),
    /// `/items/{id}` (exactly; sub-resources like `/items/{id}/price_to_win` are `Other`).
    Item(&'a str),
    /// `/orders/{id}`.
    Order(i64),
    /// `/shipments/{id}`.
    Shipment(i64),
    /// `/post-purchase/v1/claims/{id}`, legacy `/v1/claims/{id}`, `/marketplace/claims/{id}`.
    Claim(i64),
    /// `/collections/{id}` or `/payments/{id}`.
    Payment(i64),
    /// A post-sale message id (`messages` topic sends it bare).
    Message(&'a str),
    /// `/vis/leads/{id}` or `/vis_leads/{id}`.
    VisLead(&'a str),
    /// Anything else, as given.
    Other(&'a str),
}

impl<'a> Resource<'a> {
    /// Classifies a resource path (leading slash and query string optional).
    pub fn parse(resource: &'a str) -> Self {
        let path = resource.split(['?', '#']).next().unwrap_or_default();
        let path = path.trim_matches('/');
        let segs: Vec<&'a str> = path.split('/').collect();
        let num = |s: &str| s.parse::<i64>().ok();
        let parsed = match segs.as_slice() {
            ["questions", id] => num(id).map(Self::Question),
            ["items", id] if !id.is_empty() => Some(Self::Item(id)),
            ["orders", id] => num(id).map(Self::Order),
            ["shipments", id] => num(id).map(Self::Shipment),
            ["post-purchase", "v1", "claims", id]
            | ["v1", "claims", id]
            | ["marketplace", "claims", id] => num(id).map(Self::Claim),
            ["collections", id] | ["payments", id] => num(id).map(Self::Payment),
            ["messages", id] if !id.is_empty() => Some(Self::Message(id)),
            ["vis", "leads", id] | ["vis_leads", id] if !id.is_empty() => Some(Self::VisLead(id)),
            [id] if is_message_id(id) => Some(Self::Message(id)),
            _ => None,
        };
        parsed.unwrap_or(Self::Other(resource))
    }
}

/// Message ids are 32 hex characters (a UUID without dashes).
fn is_message_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Notification {
    /// What `resource` points to. For the `messages` topic any single-segment
    /// resource is a message id, whatever its shape.
    pub fn target(&self) -> Resource<'_> {
        let parsed = Resource::parse(&self.resource);
        if self.topic.as_deref() == Some("messages")
            && let Resource::Other(raw) = parsed
        {
            let bare = raw.trim_start_matches('/');
            if !bare.is_empty() && !bare.contains('/') {
                return Resource::Message(bare);
            }
        }
        parsed
    }

    /// The question id for `/questions/{id}`.
    pub fn question_id(&self) -> Option<i64> {
        match self.target() {
            Resource::Question(id) => Some(id),
            _ => None,
        }
    }

    /// The item id for `/items/{id}`.
    pub fn item_id(&self) -> Option<&str> {
        match self.target() {
            Resource::Item(id) => Some(id),
            _ => None,
        }
    }

    /// The order id for `/orders/{id}`.
    pub fn order_id(&self) -> Option<i64> {
        match self.target() {
            Resource::Order(id) => Some(id),
            _ => None,
        }
    }

    /// The claim id for any claims resource path.
    pub fn claim_id(&self) -> Option<i64> {
        match self.target() {
            Resource::Claim(id) => Some(id),
            _ => None,
        }
    }

    /// The post-sale message id.
    pub fn message_id(&self) -> Option<&str> {
        match self.target() {
            Resource::Message(id) => Some(id),
            _ => None,
        }
    }
}

/// `GET /missed_feeds?app_id=…`: notifications MeLi failed to deliver in the
/// last two days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedFeeds {
    /// Oldest first, one page (`limit`/`offset`).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub messages: Vec<MissedFeed>,
}

/// One undelivered notification plus what MeLi sent and what we answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedFeed {
    /// The notification itself.
    #[serde(flatten)]
    pub notification: Notification,
    /// The POST MeLi attempted (url, headers, data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<serde_json::Value>,
    /// Our callback's answer (`http_code`, `req_time`, body, headers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<serde_json::Value>,
}

impl MissedFeed {
    /// HTTP status our callback answered, when recorded.
    pub fn response_http_code(&self) -> Option<u16> {
        self.response
            .as_ref()?
            .get("http_code")?
            .as_u64()
            .and_then(|c| u16::try_from(c).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(json: &str) -> Notification {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    #[test]
    fn id_variants() {
        assert_eq!(
            n(r#"{"_id":"a","resource":"/x","user_id":1}"#)
                .id
                .as_deref(),
            Some("a")
        );
        assert_eq!(
            n(r#"{"id":"b","resource":"/x","user_id":1}"#).id.as_deref(),
            Some("b")
        );
        assert_eq!(
            n(r#"{"_id":"a","id":"b","resource":"/x","user_id":1}"#)
                .id
                .as_deref(),
            Some("a")
        );
        assert_eq!(n(r#"{"resource":"/x","user_id":1}"#).id, None);
        assert_eq!(
            n(r#"{"id":12,"resource":"/x","user_id":1}"#).id.as_deref(),
            Some("12")
        );
    }

    #[test]
    fn user_id_resource_and_received_variants() {
        let a = n(
            r#"{"resource":"/questions/5036111111","user_id":"123456789","topic":"questions",
                     "sent":"2017-10-09T13:51:05.464Z","received":"2017-10-09T13:51:05.438Z"}"#,
        );
        assert_eq!(a.user_id, 123_456_789);
        assert_eq!(a.question_id(), Some(5_036_111_111));
        assert!(a.received.is_some());

        let b = n(
            r#"{"resource":"post-purchase/v1/claims/5108684499","user_id":1,"topic":"post_purchase",
                     "actions":["claims"],"recieved":"2021-12-05T17:13:53.617074685Z"}"#,
        );
        assert_eq!(b.resource, "/post-purchase/v1/claims/5108684499");
        assert_eq!(b.claim_id(), Some(5_108_684_499));
        assert_eq!(b.actions, vec!["claims".to_string()]);
        assert!(b.received.is_some());

        let c = n(r#"{"resource":"/v1/claims/7","user_id":1}"#);
        assert_eq!(c.claim_id(), Some(7));
    }

    #[test]
    fn messages_resource_is_a_bare_id() {
        let m = n(
            r#"{"resource":"3f6da1e35ac84f70a24af7360d24c7bc","user_id":1,"topic":"messages","actions":"created"}"#,
        );
        assert_eq!(m.resource, "/3f6da1e35ac84f70a24af7360d24c7bc");
        assert_eq!(m.message_id(), Some("3f6da1e35ac84f70a24af7360d24c7bc"));
        assert_eq!(m.actions, vec!["created".to_string()]);
        let m = n(r#"{"resource":"abc","user_id":1,"topic":"messages"}"#);
        assert_eq!(m.message_id(), Some("abc"));
    }

    #[test]
    fn resource_classification() {
        assert_eq!(
            Resource::parse("/items/MLA686791111"),
            Resource::Item("MLA686791111")
        );
        assert_eq!(
            Resource::parse("/items/MLA1/price_to_win"),
            Resource::Other("/items/MLA1/price_to_win")
        );
        assert_eq!(
            Resource::parse("/orders/2195160686"),
            Resource::Order(2_195_160_686)
        );
        assert_eq!(
            Resource::parse("/collections/3043111111"),
            Resource::Payment(3_043_111_111)
        );
        assert_eq!(
            Resource::parse("/shipments/40546549876?x=1"),
            Resource::Shipment(40_546_549_876)
        );
        assert_eq!(
            Resource::parse("/vis/leads/14b52fd8-85dc-11eb-8436-2753cb1f9665"),
            Resource::VisLead("14b52fd8-85dc-11eb-8436-2753cb1f9665")
        );
        assert_eq!(
            Resource::parse("/questions/abc"),
            Resource::Other("/questions/abc")
        );
        assert_eq!(Resource::parse(""), Resource::Other(""));
    }

    #[test]
    fn rejects_what_cannot_be_fetched() {
        assert!(serde_json::from_str::<Notification>(r#"{"resource":"","user_id":1}"#).is_err());
        assert!(serde_json::from_str::<Notification>(r#"{"user_id":1}"#).is_err());
        assert!(serde_json::from_str::<Notification>(r#"{"resource":"/x"}"#).is_err());
        assert!(
            serde_json::from_str::<Notification>(r#"{"resource":"/x","user_id":"id_del_usuario"}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<Notification>(
                r#"{"resource":"/x","user_id":1,"sent":"timestamp_envio"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn missed_feed_keeps_request_and_response() {
        let f: MissedFeeds = serde_json::from_str(
            r#"{"messages":[{"_id":"5da8a1b24be30a49eb66c52a","resource":"a35cf79864a845ca9a3bf6aee59bb4d7",
                "user_id":465432224,"topic":"messages","application_id":3486171129139063,"attempts":5,
                "sent":"2019-10-17T17:15:30.279Z","received":"2019-10-17T17:15:30.259Z",
                "request":{"url":"https://YOUR_URL"},"response":{"req_time":260,"http_code":400}}]}"#,
        )
        .unwrap();
        let m = &f.messages[0];
        assert_eq!(m.notification.application_id, Some(3_486_171_129_139_063));
        assert_eq!(
            m.notification.message_id(),
            Some("a35cf79864a845ca9a3bf6aee59bb4d7")
        );
        assert_eq!(m.response_http_code(), Some(400));
    }
}
