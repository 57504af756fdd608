//! Connects a store by driving the OAuth flow over HTTP exactly as a browser would: log in, ask to
//! connect a site, approve on the authorization page, follow the redirect back to our callback.
//! The demo uses it against the simulator; so do the end-to-end tests. The authorization page is
//! approved by posting its own query parameters plus the chosen `seller_id` back to it, which is
//! what the simulator's page form does.

use anyhow::bail;

pub async fn connect_through_oauth(
    base: &str,
    email: &str,
    password: &str,
    site: &str,
    seller_id: i64,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = http
        .post(format!("{base}/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await?;
    if !login.status().is_redirection() {
        bail!("login as {email} failed with {}", login.status());
    }
    let connect = http
        .post(format!("{base}/stores/connect"))
        .form(&[("site", site)])
        .send()
        .await?;
    let authorize = location(&connect)?;
    let page = http.get(&authorize).send().await?;
    if !page.status().is_success() {
        bail!(
            "the authorization page answered {}: {}",
            page.status(),
            page.text().await.unwrap_or_default()
        );
    }
    let authorize = url::Url::parse(&authorize)?;
    let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    form.push(("seller_id".into(), seller_id.to_string()));
    let mut approve_url = authorize.clone();
    approve_url.set_query(None);
    let approved = http.post(approve_url).form(&form).send().await?;
    let callback = location(&approved)?;
    let done = http.get(&callback).send().await?;
    let landed = location(&done)?;
    if landed.contains("error=") {
        let decoded: String = url::form_urlencoded::parse(
            landed
                .split_once('?')
                .map(|(_, q)| q)
                .unwrap_or_default()
                .as_bytes(),
        )
        .map(|(_, v)| v.into_owned())
        .collect();
        bail!("connecting failed: {decoded}");
    }
    Ok(())
}

fn location(resp: &reqwest::Response) -> anyhow::Result<String> {
    match resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(l) => Ok(l.to_string()),
        None => bail!(
            "expected a redirect from {}, got {}",
            resp.url(),
            resp.status()
        ),
    }
}
