//! A post-sale message, in every shape Mercado Libre sends one.
//!
//! Three shapes are documented: the element of a pack's `messages` (also the
//! action guide's answer), the current `GET /messages/{id}` (that same
//! element wrapped in `{"paging": null, "conversation_status": null,
//! "messages": [ … ]}`) and the legacy flat `GET /messages/{id}`
//! (`message_id`, `date_*`, `text.plain`, `moderation`, `resource` +
//! `resource_id`). All three read into one [`Message`].

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};

use super::Moderation;
use crate::macros::open_enum;

open_enum! {
    ignore_case;
    /// `Message.status`.
    pub enum MessageStatus {
        /// Delivered to the counterpart.
        Available => "available",
        /// Held by moderation (see `message_moderation`).
        Moderated => "moderated",
        /// Refused.
        Rejected => "rejected",
        /// Waiting for translation (cross-border sales).
        PendingTranslation => "pending_translation",
        /// Legacy spelling of a message under moderation.
        InModeration => "IN_MODERATION",
    }
}

/// One post-sale message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MessageWire")]
pub struct Message {
    /// Message id: opaque text, usually 32 hex characters (`message_id` in the legacy shape).
    pub id: String,
    /// Site, e.g. `MLB`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// The application that sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<i64>,
    /// Sender (buyer, seller, or the country's messaging agent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<MessageUser>,
    /// Receiver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<MessageUser>,
    /// Delivery state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MessageStatus>,
    /// Subject (legacy email-like messages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The text (`text.plain` in the legacy shape); may hold `<a href>` links.
    pub text: String,
    /// When it was received, made available, notified, created and read.
    pub message_date: MessageDates,
    /// Moderation verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_moderation: Option<Moderation>,
    /// Attached files (empty placeholders of the legacy shape are dropped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub message_attachments: Vec<MessageAttachment>,
    /// What the message belongs to: `packs`, `sellers` (or `seller`), `orders`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub message_resources: Vec<MessageResource>,
    /// Whether it opened the conversation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_first_message: Option<bool>,
}

impl Message {
    /// The numeric id of the resource named `name` in `message_resources`.
    pub fn resource_id(&self, name: &str) -> Option<i64> {
        self.message_resources
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.id.trim().parse().ok())
    }

    /// The pack (conversation) this message belongs to.
    pub fn pack_id(&self) -> Option<i64> {
        self.resource_id("packs")
    }

    /// The seller of the conversation (`sellers`, or `seller` in older samples).
    pub fn seller_id(&self) -> Option<i64> {
        self.resource_id("sellers")
            .or_else(|| self.resource_id("seller"))
    }

    /// The order, for legacy messages that point to one instead of a pack.
    pub fn order_id(&self) -> Option<i64> {
        self.resource_id("orders")
    }

    /// The sender's user id.
    pub fn from_user_id(&self) -> Option<i64> {
        self.from.as_ref().and_then(|u| u.user_id)
    }

    /// Whether moderation kept it from the counterpart.
    pub fn is_moderated(&self) -> bool {
        matches!(
            self.status,
            Some(MessageStatus::Moderated | MessageStatus::Rejected)
        ) || self
            .message_moderation
            .as_ref()
            .is_some_and(Moderation::is_rejected)
    }
}

/// `Message.from` / `Message.to`. Emails were removed from messaging in
/// 2021 and are not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageUser {
    /// User id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_id"
    )]
    pub user_id: Option<i64>,
    /// Display name (some responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `Message.message_date`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDates {
    /// Mercado Libre received it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub received: Option<DateTime<FixedOffset>>,
    /// It passed moderation.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub available: Option<DateTime<FixedOffset>>,
    /// The counterpart was notified.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub notified: Option<DateTime<FixedOffset>>,
    /// It was written.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub created: Option<DateTime<FixedOffset>>,
    /// The counterpart read it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub read: Option<DateTime<FixedOffset>>,
}

/// `Message.message_attachments[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAttachment {
    /// Stored name; the id for `GET /messages/attachments/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Name the sender uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_filename: Option<String>,
    /// Content type, e.g. `image/jpeg`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Size in bytes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub size: Option<u64>,
    /// Flagged by Mercado Libre's scanner: do not open it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub potential_security_threat: Option<bool>,
    /// When it was uploaded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub creation_date: Option<DateTime<FixedOffset>>,
}

/// `Message.message_resources[]`: `{"id": "2000000089077943", "name": "packs"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageResource {
    /// The resource's id, as text.
    #[serde(deserialize_with = "crate::de::id_string")]
    pub id: String,
    /// `packs`, `sellers`, `seller`, `orders`.
    pub name: String,
}

#[derive(Deserialize)]
struct MessageWire {
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    message_id: Option<String>,
    #[serde(default)]
    site_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    client_id: Option<i64>,
    #[serde(default)]
    from: Option<MessageUser>,
    #[serde(default)]
    to: Option<MessageUser>,
    #[serde(default)]
    status: Option<MessageStatus>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default, deserialize_with = "text")]
    text: Option<String>,
    #[serde(default)]
    message_date: Option<MessageDates>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    date_received: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    date_available: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    date_notified: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    date_read: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    date_created: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    date: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    message_moderation: Option<Moderation>,
    #[serde(default)]
    moderation: Option<Moderation>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    message_attachments: Vec<MessageAttachment>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    attachments: Vec<MessageAttachment>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    message_resources: Vec<MessageResource>,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_id_string")]
    resource_id: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    conversation_first_message: Option<bool>,
    /// The current by-id envelope.
    #[serde(default)]
    messages: Option<Vec<Message>>,
}

impl TryFrom<MessageWire> for Message {
    type Error = String;

    fn try_from(w: MessageWire) -> Result<Self, String> {
        let id = w.id.or(w.message_id).filter(|s| !s.trim().is_empty());
        let Some(id) = id else {
            return match w.messages {
                // `GET /messages/{id}` wraps the one message it found.
                Some(list) => list
                    .into_iter()
                    .next()
                    .ok_or_else(|| "`messages` is empty: the response holds no message".into()),
                None => Err("missing field `id` (or `message_id`)".into()),
            };
        };
        let legacy = MessageDates {
            received: w.date_received,
            available: w.date_available,
            notified: w.date_notified,
            created: w.date_created.or(w.date),
            read: w.date_read,
        };
        let mut resources = w.message_resources;
        if let (Some(name), Some(rid)) = (w.resource, w.resource_id)
            && !resources.iter().any(|r| r.name == name)
        {
            resources.push(MessageResource { id: rid, name });
        }
        let mut attachments = w.message_attachments;
        attachments.extend(w.attachments);
        attachments.retain(|a| a.filename.is_some() || a.original_filename.is_some());
        Ok(Self {
            id,
            site_id: w.site_id,
            client_id: w.client_id,
            from: w.from,
            to: w.to,
            status: w.status,
            subject: w.subject,
            text: w.text.unwrap_or_default(),
            message_date: w.message_date.unwrap_or(legacy),
            message_moderation: w.message_moderation.or(w.moderation),
            message_attachments: attachments,
            message_resources: resources,
            conversation_first_message: w.conversation_first_message,
        })
    }
}

/// `"text": "…"`, or the legacy `"text": {"plain": "…"}`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Plain(String),
        Wrapped {
            #[serde(default)]
            plain: Option<String>,
        },
    }
    Ok(match Option::<Text>::deserialize(d)? {
        None => None,
        Some(Text::Plain(s)) => Some(s),
        Some(Text::Wrapped { plain }) => plain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_shapes_read_alike() {
        let element = r#"{"id":"fd1d","text":"hola","message_date":{"created":"2020-12-05T20:01:46.000Z"},
            "message_resources":[{"id":"2000000089077943","name":"packs"},{"id":415458330,"name":"sellers"}]}"#;
        let a: Message = serde_json::from_str(element).unwrap();
        let b: Message = serde_json::from_str(&format!(
            r#"{{"paging":null,"conversation_status":null,"messages":[{element}]}}"#
        ))
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.pack_id(), Some(2_000_000_089_077_943));
        assert_eq!(a.seller_id(), Some(415_458_330));

        let legacy: Message = serde_json::from_str(
            r#"{"message_id":"0033","date":"2016-09-01T05:15:25.821Z","text":{"plain":"hola"},
                "attachments":[{}],"resource":"orders","resource_id":"1234567871",
                "moderation":{"status":"clean","date_moderated":"2019-03-13T09:34:26.450-04:00"}}"#,
        )
        .unwrap();
        assert_eq!((legacy.id.as_str(), legacy.text.as_str()), ("0033", "hola"));
        assert_eq!(legacy.order_id(), Some(1_234_567_871));
        assert!(legacy.message_date.created.is_some());
        assert!(legacy.message_attachments.is_empty());
        assert!(legacy.message_moderation.is_some());
    }

    #[test]
    fn no_message_is_an_error() {
        let e = serde_json::from_str::<Message>(r#"{"messages":[]}"#).unwrap_err();
        assert!(e.to_string().contains("holds no message"), "{e}");
        let e = serde_json::from_str::<Message>(r#"{"text":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `id`"), "{e}");
        assert!(serde_json::from_str::<Message>(r#"{"id":"x","text":5}"#).is_err());
    }
}
