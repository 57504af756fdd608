//! `MeliClient` end to end against the Mercado Libre simulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use meli::{AuthHosts, MeliClient, MeliConfig, MeliError};
use meli_sim::{Faults, SimConfig};
use secrecy::SecretString;
use url::Url;

async fn start() -> (meli_sim::SimHandle, MeliClient) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim = meli_sim::spawn(SimConfig::default(), listener)
        .await
        .unwrap();
    let client = MeliClient::new(MeliConfig {
        api_base: Url::parse(&sim.base_url()).unwrap(),
        auth_hosts: AuthHosts::Custom(sim.auth_host_template()),
        client_id: SimConfig::default().app_id.to_string(),
        client_secret: SecretString::from(SimConfig::default().client_secret),
        redirect_uri: "http://127.0.0.1:9/oauth/callback".into(),
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
