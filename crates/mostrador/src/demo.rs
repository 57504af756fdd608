//! `mostrador demo`: the whole product on one machine. The simulator stands in for Mercado Libre;
//! the demo stores are connected through the same OAuth flow a person clicks through (login,
//! connect, approve on the authorization page, callback), and simulated buyers keep asking,
//! buying, writing after the sale, opening claims and escalating them.

use crate::cli::DemoArgs;
use crate::runtime::{self, Running};
use anyhow::Context;
use app::{AppConfig, AppState};
use meli_sim::{SimConfig, SimHandle};
use rand::seq::{IndexedRandom, SliceRandom};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tokio::net::TcpListener;

pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.mostrador";
pub const DEMO_ADMIN_PASSWORD: &str = "mostrador-demo";

/// Orders of sales history the simulator seeds per demo store (two years' worth).
const DEMO_HISTORY_ORDERS: usize = 3_000;

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
    let (sim, state) = simulated_marketplace(
        &listener,
        args.sim_bind,
        key,
        store,
        true,
        DEMO_HISTORY_ORDERS,
    )
    .await?;
    ensure_demo_admin(&state).await?;
    let setup_state = state.clone();
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

    configure_demo_desk(&setup_state, &sim)
        .await
        .context("setting up the demo's teams and routing")?;
    let history = tokio::spawn(backfill_demo_stores(setup_state.clone(), sim.sellers()));

    println!();
    println!("Mostrador demo running at {}", running.url);
    println!("  log in as {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}");
    println!("  Mercado Libre simulator at {}", sim.base_url());
    println!("  metrics (Prometheus) at {}/metrics", running.url);
    println!("  data in {} (SQLite)", data_dir.display());
    if args.question_every > 0 {
        println!(
            "  a simulated buyer acts every {} s (asks, buys, leaves a lead on a classified listing, writes after a sale, opens or escalates a claim)",
            args.question_every
        );
    }
    println!(
        "  each store's two-year order history is being copied (`sync orders`; progress in the log)"
    );
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
    history.abort();
    running.stop().await;
    sim.shutdown();
    Ok(())
}

/// Copies each demo store's order history, as `mostrador sync orders` would, logging progress.
/// A restarted demo resumes or only adds what is new (the data directory outlives a run).
async fn backfill_demo_stores(state: AppState, sellers: Vec<meli_sim::SeededSeller>) {
    for seller in sellers {
        let progress = app::backfill::LogProgress::new(seller.nickname.clone());
        match app::backfill::backfill_orders(
            &state,
            domain::SellerId(seller.id),
            &app::backfill::BackfillOptions::default(),
            &progress,
        )
        .await
        {
            Ok(done) => tracing::info!(
                store = %seller.nickname,
                orders = done.sync().synced,
                "order history copied"
            ),
            Err(e) => {
                tracing::warn!(store = %seller.nickname, error = %e, "order history not copied")
            }
        }
    }
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
    history_orders: usize,
) -> anyhow::Result<(SimHandle, AppState)> {
    let public_url = format!("http://{}", listener.local_addr()?);
    let mut config = AppConfig::new(0, &public_url, key);
    let sim_config = SimConfig {
        redirect_uris: vec![config.oauth_redirect_uri()],
        notification_url: notify.then(|| format!("{public_url}/webhooks/meli")),
        history_orders,
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

/// What a simulated buyer does on one turn.
#[derive(Debug, Clone, Copy)]
enum Turn {
    /// Ask a question on a listing.
    Ask,
    /// Buy (sometimes several listings, a pack) and write to the seller right away.
    Buy,
    /// Write in an existing post-sale conversation.
    Write,
    /// Open a claim on an order.
    Claim,
    /// Escalate an open claim to a dispute.
    Escalate,
    /// Contact a classified listing (a lead: WhatsApp, call, visit…), notified as `vis_leads`.
    Lead,
}

/// The buyers' round: every kind of interaction comes within a few turns, questions most often
/// (as in a real store), disputes least.
const ROUND: [Turn; 9] = [
    Turn::Ask,
    Turn::Buy,
    Turn::Lead,
    Turn::Ask,
    Turn::Write,
    Turn::Claim,
    Turn::Ask,
    Turn::Write,
    Turn::Escalate,
];

/// Simulated buyers: every `every` seconds one of them, at a random demo store, takes the next
/// turn of [`ROUND`]. The first turn is a question and comes at once, so a new user sees the
/// inbox fill up; a sale (a new contact) and a lead follow.
async fn simulated_buyers(sim: SimHandle, every: u64) {
    if every == 0 {
        return;
    }
    let sellers = sim.sellers();
    for turn in ROUND.iter().cycle() {
        let seller = {
            let mut rng = rand::rng();
            sellers.choose(&mut rng).cloned()
        };
        if let Some(seller) = seller
            && let Err(e) = take_turn(&sim, &seller, *turn).await
        {
            tracing::warn!(error = %e, ?turn, "simulated buyer could not act");
        }
        tokio::time::sleep(Duration::from_secs(every)).await;
    }
}

/// A random element of `items` (`None` when empty).
fn pick<T: Clone>(items: &[T]) -> Option<T> {
    let mut rng = rand::rng();
    items.choose(&mut rng).cloned()
}

/// `items` in random order, for trying them one after another.
fn shuffled<T>(mut items: Vec<T>) -> Vec<T> {
    let mut rng = rand::rng();
    items.shuffle(&mut rng);
    items
}

async fn take_turn(
    sim: &SimHandle,
    seller: &meli_sim::SeededSeller,
    turn: Turn,
) -> Result<(), meli_sim::SimError> {
    let lang = meli_sim::Lang::for_site(&seller.site_id);
    let message = || pick(meli_sim::sample_post_sale_messages(lang)).unwrap_or("Hola");
    match turn {
        Turn::Ask => {
            let item = pick(&sim.items_of(seller.id));
            let text = pick(meli_sim::sample_questions(lang));
            if let (Some(item), Some(text)) = (item, text) {
                sim.ask_question(&item, None, text).await?;
            }
        }
        Turn::Buy => {
            let purchase = sim.buy_random(seller.id).await?;
            if rand::random_bool(0.5) {
                sim.buyer_message(purchase.conversation_id, message())
                    .await?;
            }
        }
        Turn::Write => {
            if let Some(conversation) = pick(&sim.conversations_of(seller.id)) {
                sim.buyer_message(conversation, message()).await?;
            }
        }
        Turn::Claim => {
            // Orders with an open claim refuse a second one: try others.
            for order in shuffled(sim.orders_of(seller.id)) {
                if sim.open_claim(order, None).await.is_ok() {
                    break;
                }
            }
        }
        Turn::Lead => {
            // Only some stores have classified listings; the others ask a question instead.
            let kind = pick(&["whatsapp", "call", "question", "visit_request", "quotation"]);
            match (pick(&sim.classifieds_of(seller.id)), kind) {
                (Some(item), Some(kind)) => {
                    sim.create_lead(&item, kind, None).await?;
                }
                _ => Box::pin(take_turn(sim, seller, Turn::Ask)).await?,
            }
        }
        Turn::Escalate => {
            for claim in shuffled(sim.claims_of(seller.id)) {
                if sim.escalate_claim(claim).await.is_ok() {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Teams and routing, so the commercial inbox, the support desk and the bot queue all have
/// something to show: a sales group and a post-sale department (the admin in both), the first
/// store's questions to the group and its post-sale help and claims to the department, and the
/// second store's claims to the generative-AI bot's queue. Safe to run again on old data.
async fn configure_demo_desk(state: &AppState, sim: &SimHandle) -> anyhow::Result<()> {
    use domain::routing::{Route, TeamKind};
    let Some(org) = state.store.org_by_name(DEMO_ORG).await? else {
        return Ok(());
    };
    let Some(admin) = state.store.person_by_email(DEMO_ADMIN_EMAIL).await? else {
        return Ok(());
    };
    let existing = state.store.org_teams(org.id).await?;
    let team = async |kind: TeamKind, name: &str| -> anyhow::Result<domain::TeamId> {
        if let Some(t) = existing.iter().find(|t| t.kind == kind && t.name == name) {
            return Ok(t.id);
        }
        let created = state.store.create_team(org.id, kind, name).await?;
        state
            .store
            .set_team_members(org.id, created.id, &[admin.id])
            .await?;
        Ok(created.id)
    };
    let sales = team(TeamKind::Group, "Ventas").await?;
    let desk = team(TeamKind::Department, "Postventa").await?;
    let sellers = sim.sellers();
    if let Some(first) = sellers.first() {
        let seller = domain::SellerId(first.id);
        for (category, route) in [
            (
                domain::Category::PreSaleQuestion,
                Route::CommercialGroup { team_id: sales },
            ),
            (
                domain::Category::PostSaleHelp,
                Route::SupportDepartment { team_id: desk },
            ),
            (
                domain::Category::Claim,
                Route::SupportDepartment { team_id: desk },
            ),
        ] {
            state
                .store
                .set_route(org.id, seller, category, route)
                .await?;
        }
    }
    if let Some(second) = sellers.get(1) {
        state
            .store
            .set_route(
                org.id,
                domain::SellerId(second.id),
                domain::Category::Claim,
                Route::GenerativeBot,
            )
            .await?;
    }
    Ok(())
}
