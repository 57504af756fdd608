//! OAuth 2.0 authorization-code flow with PKCE, as Mercado Libre runs it.
//!
//! - `GET /auth/{site}/authorization?response_type=code&client_id=…&redirect_uri=…&state=…
//!   &code_challenge=…&code_challenge_method=S256` renders the consent page (Spanish, or
//!   Portuguese on MLB) listing the site's seeded sellers; bad parameters render an error page
//!   with 400.
//! - `POST /auth/{site}/authorization` (the form) answers 302 to
//!   `redirect_uri?code=TG-…-<seller_id>&state=…`. Codes are single-use and live 10 minutes.
//! - `POST /oauth/token` (form-encoded body only) exchanges a code (verifying PKCE) or rotates
//!   a refresh token. Refresh tokens are single-use; only the latest one per user is valid.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::errors::OAuthError;
use crate::handlers::query_map;
use crate::seed::{self, Lang, SiteInfo};
use crate::state::{AccessToken, AppState, AuthCode, hex};

/// Lifetime of an authorization code.
pub(crate) const CODE_TTL: Duration = Duration::from_secs(600);

/// The parameters of an authorization request, once validated.
#[derive(Debug, Clone)]
struct AuthRequest {
    site: &'static SiteInfo,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    challenge: Option<(String, String)>,
}

fn validate(
    app: &AppState,
    site: &str,
    p: &HashMap<String, String>,
) -> Result<AuthRequest, String> {
    let site = seed::site(site).ok_or_else(|| format!("unknown site: {site}"))?;
    let get = |k: &str| {
        p.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if get("response_type").as_deref() != Some("code") {
        return Err("response_type must be \"code\"".to_owned());
    }
    let client_id = get("client_id").ok_or("missing client_id")?;
    if client_id != app.cfg.app_id.to_string() {
        return Err(format!("unknown client_id: {client_id}"));
    }
    let redirect_uri = get("redirect_uri").ok_or("missing redirect_uri")?;
    if !app.cfg.redirect_uris.contains(&redirect_uri) {
        return Err(
            "redirect_uri does not match the application's registered redirect URIs".to_owned(),
        );
    }
    let challenge = match (get("code_challenge"), get("code_challenge_method")) {
        (None, None) => None,
        (None, Some(_)) => return Err("code_challenge_method without code_challenge".to_owned()),
        (Some(c), method) => {
            let method = method.unwrap_or_else(|| "plain".to_owned());
            if method != "S256" && method != "plain" {
                return Err(format!("unsupported code_challenge_method: {method}"));
            }
            Some((c, method))
        }
    };
    Ok(AuthRequest {
        site,
        client_id,
        redirect_uri,
        state: p.get("state").cloned().filter(|s| !s.is_empty()),
        challenge,
    })
}

fn esc(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

fn page(lang: Lang, title: &str, body: &str) -> String {
    let html_lang = match lang {
        Lang::Es => "es",
        Lang::Pt => "pt-BR",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;background:#ededed;margin:0}}header{{background:#fff159;padding:12px 24px;font-weight:bold}}\
         main{{background:#fff;max-width:520px;margin:32px auto;padding:24px;border-radius:6px}}\
         button{{padding:10px 18px;margin-right:8px;border:0;border-radius:6px;background:#3483fa;color:#fff}}\
         button.secondary{{background:#e3edfb;color:#3483fa}}label{{display:block;margin:8px 0}}</style></head>\
         <body><header>Mercado Libre (simulador)</header><main><h1>{t}</h1>{body}</main></body></html>",
        t = esc(title),
    )
}

fn error_page(lang: Lang, message: &str) -> Response {
    let (title, lead) = match lang {
        Lang::Es => (
            "Error de autorización",
            "No pudimos procesar la solicitud de autorización:",
        ),
        Lang::Pt => (
            "Erro de autorização",
            "Não foi possível processar a solicitação de autorização:",
        ),
    };
    let body = format!("<p>{lead}</p><p id=\"error\">{}</p>", esc(message));
    (StatusCode::BAD_REQUEST, Html(page(lang, title, &body))).into_response()
}

/// `GET /auth/{site}/authorization`.
pub(crate) async fn authorization_page(
    State(app): State<AppState>,
    Path(site): Path<String>,
    uri: Uri,
) -> Response {
    let lang = Lang::for_site(&site);
    let params = query_map(uri.query());
    let req = match validate(&app, &site, &params) {
        Ok(r) => r,
        Err(e) => return error_page(lang, &e),
    };
    let (title, lead, scopes, allow, deny, none) = match lang {
        Lang::Es => (
            "Autorizar aplicación",
            "La aplicación solicita acceso a tu cuenta de Mercado Libre. Elegí la cuenta vendedora:",
            "Permisos: lectura, escritura y acceso sin conexión (offline_access).",
            "Permitir",
            "Cancelar",
            "No hay vendedores en este sitio.",
        ),
        Lang::Pt => (
            "Autorizar aplicativo",
            "O aplicativo solicita acesso à sua conta do Mercado Livre. Escolha a conta vendedora:",
            "Permissões: leitura, escrita e acesso offline (offline_access).",
            "Permitir",
            "Cancelar",
            "Não há vendedores neste site.",
        ),
    };
    let mut body = format!("<p>{}</p><p>{}</p>", esc(lead), esc(scopes));
    body.push_str(&format!(
        "<form method=\"post\" action=\"/auth/{}/authorization\">",
        esc(&site)
    ));
    let mut any = false;
    for s in app
        .seed
        .sellers
        .iter()
        .filter(|s| s.site_id == req.site.site_id)
    {
        body.push_str(&format!(
            "<label><input type=\"radio\" name=\"seller_id\" value=\"{id}\"{checked}> {nick} ({id})</label>",
            id = s.id,
            nick = esc(&s.nickname),
            checked = if any { "" } else { " checked" },
        ));
        any = true;
    }
    if !any {
        body.push_str(&format!("<p>{}</p>", esc(none)));
    }
    let mut hidden = vec![
        ("response_type", "code".to_owned()),
        ("client_id", req.client_id.clone()),
        ("redirect_uri", req.redirect_uri.clone()),
    ];
    if let Some(s) = &req.state {
        hidden.push(("state", s.clone()));
    }
    if let Some((c, m)) = &req.challenge {
        hidden.push(("code_challenge", c.clone()));
        hidden.push(("code_challenge_method", m.clone()));
    }
    for (k, v) in hidden {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
            esc(&v)
        ));
    }
    body.push_str(&format!(
        "<p><button type=\"submit\" name=\"action\" value=\"allow\" id=\"allow\">{allow}</button>\
         <button type=\"submit\" name=\"action\" value=\"deny\" class=\"secondary\" id=\"deny\">{deny}</button></p></form>"
    ));
    Html(page(lang, title, &body)).into_response()
}

/// `POST /auth/{site}/authorization`: the consent form's submission.
pub(crate) async fn authorization_approve(
    State(app): State<AppState>,
    Path(site): Path<String>,
    body: Bytes,
) -> Response {
    let lang = Lang::for_site(&site);
    let params: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let req = match validate(&app, &site, &params) {
        Ok(r) => r,
        Err(e) => return error_page(lang, &e),
    };
    let Ok(mut target) = url::Url::parse(&req.redirect_uri) else {
        return error_page(lang, "redirect_uri is not an absolute URL");
    };
    if params.get("action").map(String::as_str) == Some("deny") {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied");
        if let Some(s) = &req.state {
            target.query_pairs_mut().append_pair("state", s);
        }
        return redirect(target.as_str());
    }
    let seller = params
        .get("seller_id")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|id| {
            app.seed
                .sellers
                .iter()
                .find(|s| s.id == id && s.site_id == req.site.site_id)
        });
    let Some(seller) = seller else {
        return error_page(lang, "seller_id is not a seller of this site");
    };
    let code = {
        let mut inner = app.lock();
        let code = format!("TG-{}-{}", hex(&mut inner.rng, 24), seller.id);
        inner.auth_codes.insert(
            code.clone(),
            AuthCode {
                seller_id: seller.id,
                redirect_uri: req.redirect_uri.clone(),
                challenge: req.challenge.clone(),
                expires_at: Instant::now() + CODE_TTL,
            },
        );
        code
    };
    target.query_pairs_mut().append_pair("code", &code);
    if let Some(s) = &req.state {
        target.query_pairs_mut().append_pair("state", s);
    }
    redirect(target.as_str())
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// `POST /oauth/token`.
pub(crate) async fn token(
    State(app): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Result<Json<Value>, OAuthError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if body.is_empty() && uri.query().is_some_and(|q| !q.is_empty()) {
        return Err(OAuthError::invalid_request(
            "parameters must be sent in the request body, not in the query string",
        ));
    }
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(OAuthError::invalid_request(
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let p: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        p.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let grant_type =
        get("grant_type").ok_or_else(|| OAuthError::invalid_request("missing grant_type"))?;
    if grant_type != "authorization_code" && grant_type != "refresh_token" {
        return Err(OAuthError::unsupported_grant_type());
    }
    let client_id =
        get("client_id").ok_or_else(|| OAuthError::invalid_request("missing client_id"))?;
    let client_secret =
        get("client_secret").ok_or_else(|| OAuthError::invalid_request("missing client_secret"))?;
    if client_id != app.cfg.app_id.to_string() || client_secret != app.cfg.client_secret {
        return Err(OAuthError::invalid_client());
    }
    let user_id = if grant_type == "authorization_code" {
        let code = get("code").ok_or_else(|| OAuthError::invalid_request("missing code"))?;
        let redirect_uri = get("redirect_uri")
            .ok_or_else(|| OAuthError::invalid_request("missing redirect_uri"))?;
        let stored = app
            .lock()
            .auth_codes
            .remove(&code)
            .ok_or_else(OAuthError::invalid_grant)?;
        if stored.expires_at <= Instant::now() || stored.redirect_uri != redirect_uri {
            return Err(OAuthError::invalid_grant());
        }
        if let Some((challenge, method)) = &stored.challenge {
            let verifier = get("code_verifier").ok_or_else(OAuthError::invalid_grant)?;
            let computed = if method == "S256" {
                URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
            } else {
                verifier
            };
            if computed != *challenge {
                return Err(OAuthError::invalid_grant());
            }
        }
        stored.seller_id
    } else {
        let refresh = get("refresh_token")
            .ok_or_else(|| OAuthError::invalid_request("missing refresh_token"))?;
        app.lock()
            .refresh_tokens
            .remove(&refresh)
            .ok_or_else(OAuthError::invalid_grant)?
    };
    Ok(Json(issue(&app, user_id)))
}

/// Issues an access token and a fresh refresh token (invalidating the user's older ones).
pub(crate) fn issue(app: &AppState, user_id: i64) -> Value {
    let ttl = app.cfg.access_token_ttl;
    let mut inner = app.lock();
    let access = format!(
        "APP_USR-{}-{}-{}-{}",
        app.cfg.app_id,
        Utc::now().format("%m%d%H"),
        hex(&mut inner.rng, 32),
        user_id
    );
    let refresh = format!("TG-{}-{}", hex(&mut inner.rng, 24), user_id);
    inner.access_tokens.insert(
        access.clone(),
        AccessToken {
            user_id,
            // A huge configured TTL saturates instead of overflowing.
            expires_at: Instant::now()
                .checked_add(ttl)
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 86_400)),
        },
    );
    inner.refresh_tokens.retain(|_, owner| *owner != user_id);
    inner.refresh_tokens.insert(refresh.clone(), user_id);
    json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ttl.as_secs(),
        "scope": "offline_access read write",
        "user_id": user_id,
        "refresh_token": refresh,
    })
}
