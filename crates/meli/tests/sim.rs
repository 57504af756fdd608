//! `MeliClient` end to end against the Mercado Libre simulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use meli::{
    AuthHosts, ForbiddenReason, LeadContactType, LeadsQuery, MeliClient, MeliConfig, MeliError,
    Pkce,
};
use meli_sim::{Faults, SimConfig};
use secrecy::SecretString;
use url::Url;

const REDIRECT: &str = "http://127.0.0.1:9/oauth/callback";

/// A seller's access token through the simulator's consent page and the client's own exchange.
async fn token_of(
    sim: &meli_sim::SimHandle,
    client: &MeliClient,
    site: &str,
    seller: i64,
) -> String {
    let pkce = Pkce::generate();
    let page = format!(
        "{}/authorization",
        sim.auth_host_template().replace("{site}", site)
    );
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(page)
        .form(&[
            ("seller_id", seller.to_string().as_str()),
            ("response_type", "code"),
            ("client_id", client.client_id()),
            ("redirect_uri", REDIRECT),
            ("state", "s"),
            ("code_challenge", pkce.challenge()),
            ("code_challenge_method", "S256"),
            ("action", "allow"),
        ])
        .send()
        .await
        .unwrap();
    let location = Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    client
        .exchange_code(&code, pkce.verifier())
        .await
        .unwrap()
        .access_token
}

async fn start() -> (meli_sim::SimHandle, MeliClient) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let cfg = SimConfig {
        redirect_uris: vec![REDIRECT.into()],
        ..SimConfig::default()
    };
    let sim = meli_sim::spawn(cfg, listener).await.unwrap();
    let client = MeliClient::new(MeliConfig {
        api_base: Url::parse(&sim.base_url()).unwrap(),
        auth_hosts: AuthHosts::Custom(sim.auth_host_template()),
        client_id: SimConfig::default().app_id.to_string(),
        client_secret: SecretString::from(SimConfig::default().client_secret),
        redirect_uri: REDIRECT.into(),
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    (sim, client)
}

#[tokio::test]
async fn simulated_429_with_retry_after_is_rate_limited_with_the_delay() {
    let (sim, client) = start().await;
    let seller = sim.sellers()[0].id;
    let item = sim.items_of(seller)[0].clone();

    sim.set_faults(Faults {
        rate_limit_429: 1.0,
        retry_after: Some(Duration::from_secs(4)),
        ..Faults::default()
    })
    .await;
    // Faults fire before the token is looked at, so any well-formed token will do.
    let err = client.item("APP_USR-any", &item).await.unwrap_err();
    let MeliError::RateLimited { retry_after, body } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(4)));
    assert_eq!(body.code(), Some("local_rate_limited"));
    assert!(err.is_retryable());

    sim.set_faults(Faults {
        rate_limit_429: 1.0,
        ..Faults::default()
    })
    .await;
    let err = client.item("APP_USR-any", &item).await.unwrap_err();
    assert!(
        matches!(
            err,
            MeliError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
    sim.shutdown();
}

#[tokio::test]
async fn leads_read_from_the_simulator() {
    let (sim, client) = start().await;
    let [mla, mlb] = [0, 1].map(|n| sim.sellers()[n].id);
    let token = token_of(&sim, &client, "MLA", mla).await;

    let all = LeadsQuery {
        include_guest: true,
        ..LeadsQuery::default()
    };
    let found = client.search_leads(&token, mla, &all).await.unwrap();
    assert_eq!(found.paging.total, 5);
    assert_eq!(found.guest.len(), 1);
    let question = found
        .results
        .iter()
        .flat_map(|b| &b.leads)
        .find(|l| l.contact_type == LeadContactType::Question)
        .unwrap();
    let asked = client
        .question(&token, question.question_id().unwrap())
        .await
        .unwrap();
    assert_eq!(Some(asked.item_id.as_str()), question.item_id.as_deref());

    let calls = LeadsQuery {
        contact_types: vec![LeadContactType::Call],
        ..LeadsQuery::default()
    };
    let found = client.search_leads(&token, mla, &calls).await.unwrap();
    let buyer = &found.results[0];
    let lead = client.lead(&token, &buyer.leads[0].id).await.unwrap();
    assert_eq!(lead.contact_type, LeadContactType::Call);
    assert_eq!(
        (lead.buyer_id, lead.phone.as_ref()),
        (Some(buyer.id), buyer.phone.as_ref())
    );

    let err = client.search_leads(&token, mlb, &calls).await.unwrap_err();
    assert_eq!(
        err.forbidden().map(|f| (f.reason, f.message)),
        Some((ForbiddenReason::AccessDenied, Some("invalid token caller")))
    );
    let err = client
        .lead(&token, "00000000-0000-4000-a000-000000000000")
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(404), Some("not_found")));
    sim.set_leads_quota(Some(0)).await;
    let err = client.lead(&token, &lead.id).await.unwrap_err();
    assert!(err.is_quota_exceeded() && err.is_retryable(), "{err}");
    sim.shutdown();
}

#[tokio::test]
async fn the_sellers_response_time_is_read_and_a_seller_without_answers_gets_404() {
    let (sim, client) = start().await;
    let seller = &sim.sellers()[0];
    let token = token_of(&sim, &client, &seller.site_id, seller.id).await;
    // The seed answers some of each seller's questions, minutes to hours after they were asked.
    let figure = client
        .questions_response_time(&token, seller.id)
        .await
        .unwrap();
    assert!(
        figure["total"]["response_time"].as_i64().unwrap() > 0,
        "{figure}"
    );
    let buyer = sim.buyers()[0].id;
    let err = client
        .questions_response_time(&token, buyer)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    sim.shutdown();
}
