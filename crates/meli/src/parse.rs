//! The support tool's backend: read a pasted payload as a given kind and
//! print it normalized, or say exactly what is wrong with it.
//!
//! The client's 2xx decoding goes through [`decode_json`] too, so a support
//! person sees the same message in a failed job as in `mostrador meli parse`.

use std::fmt;

use serde::{Serialize, de::DeserializeOwned};

use crate::{
    models::{
        ActionGuide, ActionGuideCap, ApiErrorBody, AttachmentUpload, BillingInfo, Claim,
        ClaimDetail, ClaimMessages, ClaimReputation, ClaimsSearch, Item, Lead, LeadsSearch,
        Message, MultigetEntry, Order, OrdersSearch, Pack, PackMessages, Question, QuestionsSearch,
        Shipment, Site, TokenResponse, UnreadMessages, User,
    },
    notification::{MissedFeeds, Notification},
};

/// Every kind [`parse_payload`] understands.
pub const KINDS: &[&str] = &[
    "token",
    "notification",
    "missed-feeds",
    "question",
    "questions-search",
    "user",
    "users-multiget",
    "item",
    "items-multiget",
    "error",
    "site",
    "sites",
    "order",
    "orders-search",
    "pack",
    "shipment",
    "billing-info",
    "pack-messages",
    "message",
    "unread",
    "attachment-upload",
    "action-guide",
    "action-guide-caps",
    "claim",
    "claims-search",
    "claim-detail",
    "claim-reputation",
    "claim-messages",
    "lead",
    "leads-search",
];

/// Why a payload could not be read. `kind` is empty when the payload was a
/// response body read by the client rather than a kind asked for by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The kind is not in [`KINDS`].
    UnknownKind(String),
    /// Not JSON at all (syntax error, truncated input).
    InvalidJson {
        /// The kind being read.
        kind: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's description.
        detail: String,
    },
    /// JSON, but not the expected shape.
    Invalid {
        /// The kind being read.
        kind: String,
        /// Dotted path to the field that failed (`questions[0].id`), or `.` for the root.
        path: String,
        /// What was expected and what arrived, with line and column.
        detail: String,
    },
}

impl ParseError {
    /// The message without the kind prefix (used in [`crate::MeliError::Decode`]).
    pub fn detail(&self) -> String {
        match self {
            Self::UnknownKind(k) => {
                format!("unknown kind {k:?}; expected one of: {}", KINDS.join(", "))
            }
            Self::InvalidJson {
                line,
                column,
                detail,
                ..
            } => {
                format!("invalid JSON at line {line} column {column}: {detail}")
            }
            Self::Invalid { path, detail, .. } if path == "." => detail.clone(),
            Self::Invalid { path, detail, .. } => format!("field `{path}`: {detail}"),
        }
    }

    fn with_kind(self, k: &str) -> Self {
        match self {
            Self::UnknownKind(_) => self,
            Self::InvalidJson {
                line,
                column,
                detail,
                ..
            } => Self::InvalidJson {
                kind: k.to_owned(),
                line,
                column,
                detail,
            },
            Self::Invalid { path, detail, .. } => Self::Invalid {
                kind: k.to_owned(),
                path,
                detail,
            },
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidJson { kind, .. } | Self::Invalid { kind, .. } if !kind.is_empty() => {
                write!(f, "{kind}: {}", self.detail())
            }
            _ => f.write_str(&self.detail()),
        }
    }
}

impl std::error::Error for ParseError {}

/// Decodes a JSON body, naming the failing field's path on shape errors.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        classify(e.into_inner(), path)
    })?;
    de.end().map_err(|e| classify(e, ".".into()))?;
    Ok(value)
}

fn classify(e: serde_json::Error, path: String) -> ParseError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ParseError::InvalidJson {
            kind: String::new(),
            line: e.line(),
            column: e.column(),
            detail: strip_position(&e.to_string()),
        },
        Category::Data => ParseError::Invalid {
            kind: String::new(),
            path,
            detail: e.to_string(),
        },
    }
}

/// serde_json appends " at line L column C"; the JSON variant carries those
/// as fields, so the text should not repeat them.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn normalize<T: DeserializeOwned + Serialize>(json: &str) -> Result<serde_json::Value, ParseError> {
    let model: T = decode_json(json.as_bytes())?;
    serde_json::to_value(&model).map_err(|e| ParseError::Invalid {
        kind: String::new(),
        path: ".".into(),
        detail: format!("could not re-serialize: {e}"),
    })
}

/// Parses `json` as `kind` (see [`KINDS`]) and returns the normalized model
/// as JSON: ids as integers, money as exact decimal strings, timestamps in
/// RFC 3339, notification resources with a leading slash.
///
/// Errors read like ``question: field `id`: expected an integer id (number
/// or numeric string), got "abc" at line 2 column 13``.
pub fn parse_payload(kind: &str, json: &str) -> Result<serde_json::Value, ParseError> {
    parse_as(kind, json).map_err(|e| e.with_kind(kind))
}

fn parse_as(kind: &str, json: &str) -> Result<serde_json::Value, ParseError> {
    match kind {
        "token" => normalize::<TokenResponse>(json),
        "notification" => normalize::<Notification>(json),
        "missed-feeds" => normalize::<MissedFeeds>(json),
        "question" => normalize::<Question>(json),
        "questions-search" => normalize::<QuestionsSearch>(json),
        "user" => normalize::<User>(json),
        "users-multiget" => normalize::<Vec<MultigetEntry<User>>>(json),
        "item" => normalize::<Item>(json),
        "items-multiget" => normalize::<Vec<MultigetEntry<Item>>>(json),
        "error" => {
            // Every field of an error body is optional, so only the outer
            // shape can be wrong.
            let value: serde_json::Value = decode_json(json.as_bytes())?;
            if !value.is_object() {
                return Err(ParseError::Invalid {
                    kind: String::new(),
                    path: ".".into(),
                    detail: "expected a JSON object for an error body".into(),
                });
            }
            // Read as the client reads a failed call's body (a serialized
            // inner body unwrapped, texts bounded), so both show the same.
            serde_json::to_value(ApiErrorBody::from_bytes(json.as_bytes())).map_err(|e| {
                ParseError::Invalid {
                    kind: String::new(),
                    path: ".".into(),
                    detail: format!("could not re-serialize: {e}"),
                }
            })
        }
        "site" => normalize::<Site>(json),
        "sites" => normalize::<Vec<Site>>(json),
        "order" => normalize::<Order>(json),
        "orders-search" => normalize::<OrdersSearch>(json),
        "pack" => normalize::<Pack>(json),
        "shipment" => normalize::<Shipment>(json),
        "billing-info" => normalize::<BillingInfo>(json),
        "pack-messages" => normalize::<PackMessages>(json),
        // Also the by-id envelope, the legacy by-id shape and the action
        // guide's answer: all read as one message.
        "message" => normalize::<Message>(json),
        "unread" => normalize::<UnreadMessages>(json),
        "attachment-upload" => normalize::<AttachmentUpload>(json),
        "action-guide" => normalize::<ActionGuide>(json),
        "action-guide-caps" => normalize::<Vec<ActionGuideCap>>(json),
        "claim" => normalize::<Claim>(json),
        "claims-search" => normalize::<ClaimsSearch>(json),
        "claim-detail" => normalize::<ClaimDetail>(json),
        "claim-reputation" => normalize::<ClaimReputation>(json),
        "claim-messages" => normalize::<ClaimMessages>(json),
        "lead" => normalize::<Lead>(json),
        "leads-search" => normalize::<LeadsSearch>(json),
        other => Err(ParseError::UnknownKind(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_failing_field() {
        let e = parse_payload(
            "question",
            r#"{"id": "abc", "seller_id": 1, "item_id": "MLA1", "status": "ANSWERED", "date_created": "2021-02-08T17:51:21Z"}"#,
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("question: field `id`: expected an integer id (number or numeric string), got \"abc\" at line 1 column"),
            "{msg}"
        );
        let e = parse_payload(
            "questions-search",
            r#"{"total":1,"questions":[{"id":1,"seller_id":"x"}]}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("field `questions[0].seller_id`"),
            "{e}"
        );
        let e = parse_payload("item", r#"{"id":"MLA1","title":"t","price":"cheap"}"#).unwrap_err();
        assert!(
            e.to_string()
                .contains("field `price`: expected a decimal amount"),
            "{e}"
        );
        let e = parse_payload("question", r#"{"id":1}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `seller_id`"), "{e}");
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let e = parse_payload("token", "{\n  \"a\": 1,\n}").unwrap_err();
        assert!(
            matches!(e, ParseError::InvalidJson { line: 3, .. }),
            "{e:?}"
        );
        assert!(
            e.to_string()
                .starts_with("token: invalid JSON at line 3 column 1: trailing comma"),
            "{e}"
        );
        let e = parse_payload("site", r#"{"id":"MLA","name":"Argentina"} x"#).unwrap_err();
        assert!(matches!(e, ParseError::InvalidJson { .. }), "{e:?}");
        assert!(parse_payload("site", "").is_err());
    }

    #[test]
    fn unknown_kind_lists_the_kinds() {
        let e = parse_payload("orders", "{}").unwrap_err();
        assert_eq!(e, ParseError::UnknownKind("orders".into()));
        assert!(
            e.to_string().contains("token, notification, missed-feeds"),
            "{e}"
        );
    }

    #[test]
    fn output_is_normalized() {
        let v = parse_payload(
            "notification",
            r#"{"id":"x","resource":"questions/9007199254740993","user_id":"123","recieved":"2021-12-05T17:13:53.617074685Z"}"#,
        )
        .unwrap();
        assert_eq!(v["_id"], "x");
        assert_eq!(v["resource"], "/questions/9007199254740993");
        assert_eq!(v["user_id"], 123);
        assert_eq!(v["received"], "2021-12-05T17:13:53.617074685Z");
        let v = parse_payload(
            "item",
            r#"{"id":"MLB1","title":"t","price":62.96,"seller_id":"9007199254740993"}"#,
        )
        .unwrap();
        assert_eq!(v["price"], "62.96");
        assert_eq!(v["seller_id"].as_i64(), Some(9_007_199_254_740_993));
        assert!(parse_payload("error", "[1]").is_err());
        assert_eq!(
            parse_payload("error", r#"{"code":"x"}"#).unwrap()["code"],
            "x"
        );
    }

    #[test]
    fn post_sale_kinds_name_the_failing_field() {
        let e = parse_payload(
            "pack-messages",
            r#"{"messages":[{"id":"a","text":"x"},{"id":"b","message_date":{"read":"ayer"}}]}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("pack-messages: field `messages[1].message_date.read`: expected an RFC 3339 timestamp"),
            "{e}"
        );
        let e = parse_payload(
            "claim",
            r#"{"id":1,"players":[{"role":"respondent","user_id":"x"}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("field `players[0].user_id`"), "{e}");
        let e = parse_payload("claims-search", r#"[{"id":1},{"id":"y"}]"#).unwrap_err();
        assert!(e.to_string().contains("field `[1].id`"), "{e}");
        let e = parse_payload("order", r#"{"id":1,"total_amount":"mucho"}"#).unwrap_err();
        assert!(
            e.to_string()
                .contains("field `total_amount`: expected a decimal amount"),
            "{e}"
        );
    }

    #[test]
    fn lead_kinds_name_the_failing_field() {
        let e = parse_payload(
            "leads-search",
            r#"{"results":[{"id":1,"item_id":"MLA1","leads":[{"id":"a","contact_type":"call","created_at":"ayer"}]}]}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "leads-search: field `results[0].leads[0].created_at`: expected an RFC 3339 timestamp"
            ),
            "{e}"
        );
        let e = parse_payload("lead", r#"{"id":null,"contact_type":"call"}"#).unwrap_err();
        assert!(e.to_string().contains("field `id`"), "{e}");
        let v = parse_payload(
            "lead",
            r#"{"id":"44115522","contact_type":"whatsapp","created_at":"2024-02-14T00:00:00Z","external_id":"","buyer_id":"1091441589"}"#,
        )
        .unwrap();
        assert_eq!(v["buyer_id"], 1_091_441_589);
        assert!(
            v.get("external_id").is_none(),
            "an empty external id is none: {v}"
        );
    }

    #[test]
    fn claim_messages_are_deduplicated_in_the_output() {
        let one = r#"{"sender_role":"complainant","receiver_role":"respondent","message":"hola","hash":"h1"}"#;
        let v = parse_payload("claim-messages", &format!("[{one},{one}]")).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(1));
    }
}
