//! Post-sale attachments: `POST /messages/attachments?tag=post_sale&site_id=…` (multipart field
//! `file`; JPG, PNG, PDF or TXT; at most 25 MB; name at most 200 characters) answers
//! `{"id": "{seller_id}_{uuid}.{ext}"}`; `GET /messages/attachments/{id}?tag=post_sale` returns
//! the file to the seller who uploaded it.
//!
//! The multipart body is parsed here (one part is all the API takes), so the simulator needs no
//! multipart dependency.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use super::{Caller, query_map, require_post_sale};
use crate::errors::MessagesError;
use crate::market::Attachment;
use crate::state::{AppState, hex};

/// Largest attachment, in bytes.
pub(crate) const MAX_BYTES: usize = 25 * 1024 * 1024;
/// Longest file name, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 200;

/// One multipart part: `(field name, file name, content type, bytes)`.
type Part<'a> = (String, Option<String>, Option<String>, &'a [u8]);

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    loop {
        let offset = haystack.get(i..)?.iter().position(|b| *b == first)?;
        i += offset;
        if haystack.get(i..i + needle.len())? == needle {
            return Some(i);
        }
        i += 1;
    }
}

/// `name="value"` from a `Content-Disposition` line.
fn disposition_param(line: &str, key: &str) -> Option<String> {
    let pattern = format!("{key}=\"");
    let start = line.find(&pattern)? + pattern.len();
    let rest = line.get(start..)?;
    let end = rest.find('"')?;
    rest.get(..end).map(str::to_owned)
}

/// Splits a `multipart/form-data` body into its parts.
fn parts<'a>(body: &'a [u8], boundary: &str) -> Vec<Part<'a>> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut out = Vec::new();
    let Some(mut at) = find(body, delimiter, 0) else {
        return out;
    };
    loop {
        let start = at + delimiter.len();
        if body.get(start..start + 2) == Some(b"--") {
            break;
        }
        let Some(head_end) = find(body, b"\r\n\r\n", start) else {
            break;
        };
        let Some(next) = find(body, delimiter, head_end) else {
            break;
        };
        let head = String::from_utf8_lossy(body.get(start..head_end).unwrap_or_default());
        let content_end = next.saturating_sub(2).max(head_end + 4);
        let content = body.get(head_end + 4..content_end).unwrap_or_default();
        let mut name = String::new();
        let mut filename = None;
        let mut content_type = None;
        for line in head.lines() {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                name = disposition_param(line, "name").unwrap_or_default();
                filename = disposition_param(line, "filename");
            } else if lower.starts_with("content-type:") {
                content_type = line.split_once(':').map(|(_, v)| v.trim().to_owned());
            }
        }
        out.push((name, filename, content_type, content));
        at = next;
    }
    out
}

fn boundary(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !value
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    value
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

fn bad(message: impl Into<String>) -> MessagesError {
    MessagesError::new(StatusCode::BAD_REQUEST, message)
}

/// The content type of an allowed extension.
fn mime(ext: &str) -> Option<&'static str> {
    match ext {
        "jpg" | "jpeg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "pdf" => Some("application/pdf"),
        "txt" => Some("text/plain"),
        _ => None,
    }
}

/// `POST /messages/attachments?tag=post_sale&site_id=…`.
pub(crate) async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, MessagesError> {
    let caller = caller.required()?;
    require_post_sale(&query_map(uri.query()))?;
    let boundary =
        boundary(&headers).ok_or_else(|| bad("The request must be multipart/form-data"))?;
    let parts = parts(&body, &boundary);
    let (_, filename, _, bytes) = parts
        .into_iter()
        .find(|(name, _, _, _)| name == "file")
        .ok_or_else(|| bad("The field 'file' is required"))?;
    let filename = filename
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| bad("The field 'file' is required"))?;
    if filename.chars().count() > MAX_NAME_CHARS {
        return Err(bad(format!(
            "The file name must have at most {MAX_NAME_CHARS} characters"
        )));
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let content_type =
        mime(&ext).ok_or_else(|| bad("Invalid file extension, allowed: jpg, png, pdf, txt"))?;
    if bytes.is_empty() {
        return Err(bad("The file is empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(bad("The file size exceeds the maximum allowed of 25 MB"));
    }
    let id = {
        let mut inner = state.lock();
        let uuid = {
            let rng = &mut inner.rng;
            format!(
                "{}-{}-{}-{}-{}",
                hex(rng, 8),
                hex(rng, 4),
                hex(rng, 4),
                hex(rng, 4),
                hex(rng, 12)
            )
        };
        let id = format!("{caller}_{uuid}.{ext}");
        inner.market.attachments.insert(
            id.clone(),
            Attachment {
                id: id.clone(),
                owner: caller,
                original_filename: filename,
                content_type: content_type.to_owned(),
                bytes: bytes.to_vec(),
                created: Utc::now(),
            },
        );
        id
    };
    Ok(Json(json!({ "id": id })))
}

/// `GET /messages/attachments/{id}?tag=post_sale`.
pub(crate) async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, MessagesError> {
    let caller = caller.required()?;
    require_post_sale(&query_map(uri.query()))?;
    let inner = state.lock();
    let file = inner.market.attachments.get(&id).ok_or_else(|| {
        MessagesError::new(StatusCode::NOT_FOUND, format!("Attachment {id} not found"))
    })?;
    if file.owner != caller {
        return Err(MessagesError::new(
            StatusCode::FORBIDDEN,
            format!("Access denied for user {caller} to attachment {id}"),
        ));
    }
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file.original_filename.replace('"', "")
    );
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes.clone(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_parts_are_split() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1\r\n--\r\n--XyZ--\r\n";
        let parts = parts(body, "XyZ");
        assert_eq!(parts.len(), 1);
        let (name, filename, content_type, bytes) = &parts[0];
        assert_eq!(name, "file");
        assert_eq!(filename.as_deref(), Some("a b.pdf"));
        assert_eq!(content_type.as_deref(), Some("application/pdf"));
        assert_eq!(*bytes, b"%PDF-1\r\n--");
    }
}
