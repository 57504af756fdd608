//! `mostrador demo`: the whole product on one machine. The simulator stands in for Mercado Libre;
//! the demo stores are connected through the same OAuth flow a person clicks through (login,
//! connect, approve on the authorization page, callback), and simulated buyers keep asking.

use crate::cli::DemoArgs;
use crate::runtime::{self, Running};
use anyhow::Context;
use app::{AppConfig, AppState};
use meli_sim::{SimConfig, SimHandle};
use rand::seq::IndexedRandom;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tokio::net::TcpListener;

pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.mostrador";
pub const DEMO_ADMIN_PASSWORD: &str = "mostrador-demo";

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let data_dir = &args.common.data_dir;
    let db_url = runtime::default_sqlite_url(data_dir)?;
    let key = runtime::secret_key(None, data_dir, &db_url)?;

    let listener = TcpListener::bind(args.common.bind)
        .await
        .with_context(|| format!("binding {}", args.common.bind))?;
    let store = app::open_store(&db_url)
        .await
        .with_context(|| format!("opening {db_url}"))?;
    let (sim, state) = simulated_marketplace(&listener, args.sim_bind, key, store, true).await?;
    ensure_demo_admin(&state).await?;
    let running = Running::start(listener, state, Some(Duration::from_secs(60))).await?;
    for seller in sim.sellers() {
        app::scripted_connect::connect_through_oauth(
            &running.url,
            DEMO_ADMIN_EMAIL,
            DEMO_ADMIN_PASSWORD,
            &seller.site_id,
            seller.id,
        )
        .await
        .with_context(|| format!("connecting demo store {}", seller.nickname))?;
        println!(
            "connected demo store {} ({}, seller {})",
            seller.nickname, seller.site_id, seller.id
        );
    }

    println!();
    println!("Mostrador demo running at {}", running.url);
    println!("  log in as {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}");
    println!("  Mercado Libre simulator at {}", sim.base_url());
    println!("  data in {} (SQLite)", data_dir.display());
    if args.question_every > 0 {
        println!(
            "  a simulated buyer asks a question every {} s",
            args.question_every
        );
    }
    println!("Press Ctrl-C to stop.");

    let buyers = tokio::spawn(simulated_buyers(sim.clone(), args.question_every));
    match args.exit_after {
        Some(secs) => tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(secs)) => {}
            _ = runtime::shutdown_signal() => {}
        },
        None => runtime::shutdown_signal().await,
    }
    buyers.abort();
    running.stop().await;
    sim.shutdown();
    Ok(())
}

/// The simulator and the app's state wired to it. `listener` is where the app will serve: the
/// simulator accepts its `/oauth/callback` as redirect URI. With `notify`, the simulator POSTs a
/// notification to our `/webhooks/meli` for every event, as Mercado Libre does; without, it
/// sends nothing by itself.
pub(crate) async fn simulated_marketplace(
    listener: &TcpListener,
    sim_bind: SocketAddr,
    key: [u8; 32],
    store: Arc<dyn Store>,
    notify: bool,
) -> anyhow::Result<(SimHandle, AppState)> {
    let public_url = format!("http://{}", listener.local_addr()?);
    let mut config = AppConfig::new(0, &public_url, key);
    let sim_config = SimConfig {
        redirect_uris: vec![config.oauth_redirect_uri()],
        notification_url: notify.then(|| format!("{public_url}/webhooks/meli")),
        ..SimConfig::default()
    };
    config.meli_app_id = sim_config.app_id;
    let client_secret = sim_config.client_secret.clone();
    let sim_listener = TcpListener::bind(sim_bind)
        .await
        .with_context(|| format!("binding the simulator to {sim_bind}"))?;
    let sim = meli_sim::spawn(sim_config, sim_listener)
        .await
        .context("starting the Mercado Libre simulator")?;

    let meli = meli::MeliClient::new(meli::MeliConfig {
        api_base: url::Url::parse(&sim.base_url())?,
        auth_hosts: meli::AuthHosts::Custom(sim.auth_host_template()),
        client_id: config.meli_app_id.to_string(),
        client_secret: client_secret.into(),
        redirect_uri: config.oauth_redirect_uri(),
        timeout: Duration::from_secs(10),
    })?;
    Ok((sim, AppState::new(store, meli, config)))
}

/// The organization the demo's people and stores belong to.
pub(crate) const DEMO_ORG: &str = "Demo";

/// Creates the demo organization and admin unless they exist (the data directory outlives a run).
pub(crate) async fn ensure_demo_admin(state: &AppState) -> anyhow::Result<()> {
    let org = match state.store.org_by_name(DEMO_ORG).await? {
        Some(org) => org,
        None => state.store.create_org(DEMO_ORG).await?,
    };
    if state
        .store
        .person_by_email(DEMO_ADMIN_EMAIL)
        .await?
        .is_none()
    {
        app::auth::create_person(
            state,
            org.id,
            DEMO_ADMIN_EMAIL,
            "Demo Admin",
            DEMO_ADMIN_PASSWORD,
            domain::Role::Admin,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo admin: {e}"))?;
    }
    Ok(())
}

async fn simulated_buyers(sim: SimHandle, every: u64) {
    if every == 0 {
        return;
    }
    let sellers = sim.sellers();
    loop {
        // The first question comes quickly so a new user sees the inbox fill up at once.
        let pick = {
            let mut rng = rand::rng();
            sellers.choose(&mut rng).and_then(|seller| {
                let items = sim.items_of(seller.id);
                let item = items.choose(&mut rng)?.clone();
                let text = meli_sim::sample_questions(meli_sim::Lang::for_site(&seller.site_id))
                    .choose(&mut rng)?
                    .to_string();
                Some((item, text))
            })
        };
        if let Some((item, text)) = pick
            && let Err(e) = sim.ask_question(&item, None, &text).await
        {
            tracing::warn!(error = %e, "simulated buyer could not ask");
        }
        tokio::time::sleep(Duration::from_secs(every)).await;
    }
}
