//! Post-sale messaging: a pack's conversation, single messages, unread
//! counters, attachments and the action guide.
//!
//! Reading a pack's messages marks them read for the seller unless
//! `mark_as_read=false` is sent; the inbox must not change what the seller
//! sees in Mercado Libre, so every read here sends it.

use reqwest::{Method, header};

use super::{MeliClient, check_id, check_opaque_id, check_site, check_text, transport};
use crate::{
    MeliError,
    models::{
        ActionGuide, ActionGuideCap, ActionGuideMessage, AttachmentUpload, Message, PackMessages,
        UnreadMessages,
    },
};

/// Longest post-sale text a seller may send (messages and action-guide text).
pub const MAX_MESSAGE_CHARS: usize = 350;

/// Largest attachment Mercado Libre accepts, and the most a download reads.
pub const MAX_ATTACHMENT_BYTES: usize = 25 * 1024 * 1024;

/// Longest attachment file name Mercado Libre accepts.
const MAX_ATTACHMENT_NAME_CHARS: usize = 200;

/// A message the seller sends in a pack's conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPackMessage {
    /// The buyer (or, where the 2026 agent rules apply, the country's agent user).
    pub to_user_id: i64,
    /// At most [`MAX_MESSAGE_CHARS`] characters; `<a href>` links allowed.
    pub text: String,
    /// Ids returned by [`MeliClient::upload_message_attachment`].
    pub attachments: Vec<String>,
}

/// What a send returned. Mercado Libre answers a send with the message it
/// stored, but that body is not a contract: a 2xx is a success whatever it
/// holds, and a retry would send the message twice.
#[derive(Debug, Clone, PartialEq)]
pub struct PostedMessage {
    /// The stored message, when the body reads as one (moderation included).
    pub message: Option<Message>,
    /// The body as sent (`null` when empty, a string when not JSON).
    pub body: serde_json::Value,
}

impl PostedMessage {
    fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Self {
                message: None,
                body: serde_json::Value::Null,
            };
        }
        let body = serde_json::from_slice(bytes).unwrap_or_else(|_| {
            serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned())
        });
        let message = serde_json::from_value(body.clone()).ok();
        Self { message, body }
    }
}

/// A downloaded attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// `Content-Type` as sent.
    pub content_type: Option<String>,
    /// The file.
    pub bytes: Vec<u8>,
}

fn post_sale() -> (&'static str, String) {
    ("tag", "post_sale".to_owned())
}

fn keep_unread() -> (&'static str, String) {
    ("mark_as_read", "false".to_owned())
}

impl MeliClient {
    /// `GET /messages/packs/{pack_id}/sellers/{seller_id}?tag=post_sale&mark_as_read=false`:
    /// one page of the conversation and whether it is blocked. `pack_id` is
    /// the order id when the order has no pack.
    pub async fn pack_messages(
        &self,
        access_token: &str,
        pack_id: i64,
        seller_id: i64,
        offset: u32,
        limit: u32,
    ) -> Result<PackMessages, MeliError> {
        let pack = check_id(pack_id, "pack id")?;
        let seller = check_id(seller_id, "seller id")?;
        let query = [
            post_sale(),
            keep_unread(),
            ("offset", offset.to_string()),
            ("limit", limit.to_string()),
        ];
        self.get(
            access_token,
            &["messages", "packs", &pack, "sellers", &seller],
            &query,
            "pack messages",
        )
        .await
    }

    /// `GET /messages/{id}?tag=post_sale` (what a `messages` notification
    /// names); either documented shape reads as a [`Message`], whose
    /// `message_resources` give the pack and seller. `mark_as_read=false` is
    /// sent here too: the documentation says only the pack read marks, and
    /// the flag costs nothing if that changes.
    pub async fn message(&self, access_token: &str, id: &str) -> Result<Message, MeliError> {
        check_opaque_id(id, "message id")?;
        let query = [post_sale(), keep_unread()];
        self.get(access_token, &["messages", id], &query, "message")
            .await
    }

    /// `GET /messages/unread?role=seller&tag=post_sale`: conversations with
    /// unread messages (up to 500), to reconcile against notifications.
    pub async fn unread_messages(&self, access_token: &str) -> Result<UnreadMessages, MeliError> {
        let query = [("role", "seller".to_owned()), post_sale()];
        self.get(
            access_token,
            &["messages", "unread"],
            &query,
            "unread messages",
        )
        .await
    }

    /// `GET /messages/unread/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`.
    pub async fn unread_pack_messages(
        &self,
        access_token: &str,
        pack_id: i64,
        seller_id: i64,
    ) -> Result<UnreadMessages, MeliError> {
        let pack = check_id(pack_id, "pack id")?;
        let seller = check_id(seller_id, "seller id")?;
        self.get(
            access_token,
            &["messages", "unread", "packs", &pack, "sellers", &seller],
            &[post_sale()],
            "unread messages",
        )
        .await
    }

    /// `POST /messages/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`.
    /// The seller can only answer a conversation the buyer started (else use
    /// the action guide); a blocked one answers 403, see
    /// [`MeliError::forbidden`].
    pub async fn send_pack_message(
        &self,
        access_token: &str,
        pack_id: i64,
        seller_id: i64,
        msg: &NewPackMessage,
    ) -> Result<PostedMessage, MeliError> {
        let pack = check_id(pack_id, "pack id")?;
        let seller = check_id(seller_id, "seller id")?;
        let to = check_id(msg.to_user_id, "receiver user id")?;
        check_text(&msg.text, MAX_MESSAGE_CHARS, "message text")?;
        for a in &msg.attachments {
            check_opaque_id(a, "attachment id")?;
        }
        // User ids as strings, as the documented request writes them.
        let mut body = serde_json::json!({
            "from": { "user_id": seller },
            "to": { "user_id": to },
            "text": msg.text,
        });
        if !msg.attachments.is_empty() {
            body["attachments"] = serde_json::json!(msg.attachments);
        }
        let req = self
            .request(
                Method::POST,
                access_token,
                &["messages", "packs", &pack, "sellers", &seller],
                &[post_sale()],
            )?
            .json(&body);
        let bytes = self.send(req, "send message").await?;
        Ok(PostedMessage::from_bytes(&bytes))
    }

    /// `POST /messages/attachments?tag=post_sale&site_id=…` (multipart field
    /// `file`; JPG, PNG, PDF or TXT up to 25 MB). List the returned id in the
    /// message's `attachments` within 48 hours, or it is deleted.
    pub async fn upload_message_attachment(
        &self,
        access_token: &str,
        site_id: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<AttachmentUpload, MeliError> {
        check_site(site_id)?;
        check_text(filename, MAX_ATTACHMENT_NAME_CHARS, "attachment file name")?;
        if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(MeliError::InvalidInput(format!(
                "attachment is {} bytes; Mercado Libre accepts 1 byte to 25 MB",
                bytes.len()
            )));
        }
        let (boundary, body) = multipart_file(filename, content_type, bytes)?;
        let req = self
            .request(
                Method::POST,
                access_token,
                &["messages", "attachments"],
                &[post_sale(), ("site_id", site_id.to_owned())],
            )?
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.fetch(req, "attachment upload").await
    }

    /// `GET /messages/attachments/{id}?tag=post_sale&site_id=…`: the file
    /// (at most [`MAX_ATTACHMENT_BYTES`] are read).
    pub async fn message_attachment(
        &self,
        access_token: &str,
        site_id: &str,
        id: &str,
    ) -> Result<Attachment, MeliError> {
        check_site(site_id)?;
        check_opaque_id(id, "attachment id")?;
        let req = self
            .request(
                Method::GET,
                access_token,
                &["messages", "attachments", id],
                &[post_sale(), ("site_id", site_id.to_owned())],
            )?
            .header(header::ACCEPT, "*/*");
        let mut resp = self.respond(req, "attachment").await?;
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| transport(&e, self.cfg.timeout))?
        {
            if bytes.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                return Err(MeliError::Decode {
                    what: "attachment",
                    detail: "larger than the 25 MB Mercado Libre allows; not read".into(),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Attachment {
            content_type,
            bytes,
        })
    }

    /// `GET /messages/action_guide/packs/{pack_id}?tag=post_sale`: the
    /// reasons the seller may use to start the conversation, with caps.
    pub async fn action_guide(
        &self,
        access_token: &str,
        pack_id: i64,
    ) -> Result<ActionGuide, MeliError> {
        let pack = check_id(pack_id, "pack id")?;
        self.get(
            access_token,
            &["messages", "action_guide", "packs", &pack],
            &[post_sale()],
            "action guide",
        )
        .await
    }

    /// `GET /messages/action_guide/packs/{pack_id}/caps_available?tag=post_sale`.
    pub async fn action_guide_caps(
        &self,
        access_token: &str,
        pack_id: i64,
    ) -> Result<Vec<ActionGuideCap>, MeliError> {
        let pack = check_id(pack_id, "pack id")?;
        self.get(
            access_token,
            &["messages", "action_guide", "packs", &pack, "caps_available"],
            &[post_sale()],
            "action guide caps",
        )
        .await
    }

    /// `POST /messages/action_guide/packs/{pack_id}/option?tag=post_sale`:
    /// start the conversation with one option, as free text or a template.
    pub async fn send_action_guide_option(
        &self,
        access_token: &str,
        pack_id: i64,
        msg: &ActionGuideMessage,
    ) -> Result<PostedMessage, MeliError> {
        let pack = check_id(pack_id, "pack id")?;
        match (&msg.text, &msg.template_id) {
            (Some(text), None) => check_text(text, MAX_MESSAGE_CHARS, "action guide text")?,
            (None, Some(template)) => check_opaque_id(template, "template id")?,
            _ => {
                return Err(MeliError::InvalidInput(
                    "an action guide message needs either a text or a template id".into(),
                ));
            }
        }
        let req = self
            .request(
                Method::POST,
                access_token,
                &["messages", "action_guide", "packs", &pack, "option"],
                &[post_sale()],
            )?
            .json(msg);
        let bytes = self.send(req, "action guide option").await?;
        Ok(PostedMessage::from_bytes(&bytes))
    }
}

/// A `multipart/form-data` body with one part, `file`. Written by hand: the
/// HTTP client's multipart support would add a dependency for one request.
fn multipart_file(
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<(String, Vec<u8>), MeliError> {
    let ct = content_type.trim();
    let valid_ct = ct.contains('/')
        && ct
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\'));
    if !valid_ct {
        return Err(MeliError::InvalidInput(format!(
            "attachment content type {content_type:?} is not a media type like image/jpeg"
        )));
    }
    // Quotes, backslashes and control characters would break the header.
    let name: String = filename
        .chars()
        .map(|c| {
            if c.is_control() || c == '"' || c == '\\' {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut boundary = String::new();
    for _ in 0..3 {
        let candidate = format!("mostrador-{:032x}", rand::random::<u128>());
        if !bytes
            .windows(candidate.len())
            .any(|w| w == candidate.as_bytes())
        {
            boundary = candidate;
            break;
        }
    }
    if boundary.is_empty() {
        return Err(MeliError::InvalidInput(
            "could not find a multipart boundary absent from the file".into(),
        ));
    }
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok((boundary, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_body_is_well_formed() {
        let (b, body) = multipart_file("mi \"foto\".jpg", "image/jpeg", b"\xff\xd8data").unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mi _foto_.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")), "{text}");
        assert!(text.ends_with(&format!("data\r\n--{b}--\r\n")), "{text}");
        assert!(multipart_file("a.jpg", "image/jpeg\r\nX: y", b"x").is_err());
        assert!(multipart_file("a.jpg", "jpeg", b"x").is_err());
    }

    #[test]
    fn posted_message_never_fails() {
        let p = PostedMessage::from_bytes(b"  ");
        assert_eq!((p.message, p.body), (None, serde_json::Value::Null));
        let p = PostedMessage::from_bytes(b"<html>ok</html>");
        assert_eq!(p.body, "<html>ok</html>");
        let p = PostedMessage::from_bytes(br#"{"id":"abc","text":"hola","status":"moderated"}"#);
        assert_eq!(p.message.map(|m| m.id), Some("abc".into()));
        let p = PostedMessage::from_bytes(br#"{"status":"ok"}"#);
        assert!(p.message.is_none());
        assert_eq!(p.body["status"], "ok");
    }
}
