//! # meli-sim — a faithful Mercado Libre simulator
//!
//! An axum server that speaks the parts of the Mercado Libre API a customer-service connector
//! uses, with the same paths, JSON shapes, status codes and error bodies as the real API (see
//! `shared/meli-api.md`). It is the independent reference the `meli` client is tested against,
//! so it deliberately does not depend on that crate.
//!
//! ## Tour
//! - [`config`]: [`SimConfig`] (the registered app: id, secret, redirect URIs, callback URL,
//!   token lifetime, time scale, seed) and [`Faults`].
//! - [`seed`]: deterministic sellers (MLA `TIENDA_PAMPA`, MLB `LOJA_PAULISTA`, MLM
//!   `TIENDA_ANAHUAC`), 8 buyers (one id above 2^53), 22 listings in the site's language, a few
//!   pre-existing questions, and [`sample_questions`] for simulated buyers.
//! - `seed_classifieds`: classified listings (a vehicle, a property, a service) for the MLA and
//!   MLB sellers, and leads of several contact types (one by a guest) left on them.
//! - `seed_sales`: per seller, a few orders and packs with buyer-started conversations and one
//!   claim, so a fresh simulator shows all three kinds of interaction;
//!   [`sample_post_sale_messages`] and [`sample_claim_messages`] for simulated buyers.
//! - `state`: the shared state behind one mutex.
//! - `market`: post-sale records (orders, packs, shipments, pack conversations, claims) and
//!   classifieds leads, and the rules every writer goes through; `market::moderation` is the contact-data detector and the
//!   post-sale charset.
//! - `oauth`: the per-site authorization page, the consent POST and `POST /oauth/token`
//!   (authorization code + PKCE, rotating single-use refresh tokens).
//! - `handlers`: `/users`, `/items`, `/questions`, `/answers`, `/missed_feeds`, `/orders`
//!   (+ `/billing_info`), `/packs`, `/shipments`, `/messages` (packs, by id, unread,
//!   attachments, action guide), `/post-purchase/v1/claims`, `/vis` (classifieds leads: the
//!   seller's search and one lead), plus the access-token extractor
//!   and the fault-injection middleware.
//! - [`notify`]: notification delivery with Mercado Libre's retry rules and `/missed_feeds`.
//! - `control`: the simulator's own `/_sim` API (ask a question, buy, write after a sale, open
//!   and escalate claims, block conversations, contact a classified listing, the leads quota,
//!   set the callback URL, faults, delivery log, API call log, placeholder pictures).
//! - [`errors`]: error bodies (standard, OAuth, messaging, action-guide and leads shapes).
//!
//! ## Use
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let cfg = meli_sim::SimConfig {
//!     redirect_uris: vec!["http://127.0.0.1:9/callback".into()],
//!     ..Default::default()
//! };
//! let sim = meli_sim::spawn(cfg, listener).await?;
//! let seller = &sim.sellers()[0];
//! let item = &sim.items_of(seller.id)[0];
//! let _question_id = sim.ask_question(item, None, "¿Tenés stock?").await;
//! if let Ok(purchase) = sim.buy(&[item], None).await {
//!     let _message_id = sim.buyer_message(purchase.conversation_id, "¿Cuándo llega?").await;
//!     let _claim_id = sim.open_claim(purchase.order_ids[0], None).await;
//! }
//! sim.shutdown();
//! # Ok(()) }
//! ```

#![recursion_limit = "256"]

pub mod config;
mod control;
pub mod errors;
mod handlers;
pub mod history;
mod market;
pub mod notify;
mod oauth;
mod samples;
pub mod seed;
mod seed_classifieds;
mod seed_history;
mod seed_sales;
mod state;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::{TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::sync::watch;

pub use config::{Faults, SimConfig};
pub use errors::SimError;
pub use market::orders::Purchase;
pub use samples::{sample_claim_messages, sample_post_sale_messages};
pub use seed::{Lang, SeededBuyer, SeededSeller, sample_questions};
pub use state::{CallRecord, DeliveryRecord};

use state::{Answer, AppState, Inner, Shared};

/// Starts the simulator on `listener` in a background task.
pub async fn spawn(
    cfg: SimConfig,
    listener: tokio::net::TcpListener,
) -> std::io::Result<SimHandle> {
    let mut addr = listener.local_addr()?;
    if addr.ip().is_unspecified() {
        addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port());
    }
    let base_url = format!("http://{addr}");
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut seed = seed::build(&mut rng, &base_url);
    seed.classifieds = seed_classifieds::listings(cfg.seed, &base_url, &seed.sellers, &seed.items);
    let started = Utc::now();
    let mut history = (cfg.history_orders > 0)
        .then(|| seed_history::build(&seed, cfg.history_orders, cfg.seed, started));
    if let Some(h) = history.as_mut() {
        seed.history_buyers = std::mem::take(&mut h.buyers);
    }
    let next_question_id = 13_000_000_000 + rng.random_range(0..1_000_000_000);
    let ids = market::Ids::new(&mut rng);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(std::io::Error::other)?;
    let (shutdown, mut stop) = watch::channel(false);
    let shared = Arc::new(Shared {
        base_url,
        seed,
        inner: Mutex::new(Inner {
            rng,
            questions: BTreeMap::new(),
            next_question_id,
            market: market::Market {
                ids,
                ..market::Market::default()
            },
            auth_codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            notification_url: cfg.notification_url.clone(),
            faults: Faults::default(),
            deliveries: Vec::new(),
            calls: Vec::new(),
            missed: Vec::new(),
            leads: Vec::new(),
            leads_quota: None,
            billing_down: false,
        }),
        cfg,
        http,
        shutdown,
    });
    seed_questions(&shared);
    if let Some(h) = history {
        seed_history::insert(&mut shared.lock().market, h, started);
    }
    if shared.cfg.seed_sales {
        seed_sales::seed(&shared);
    }
    seed_classifieds::seed_leads(&shared);
    let app = router(shared.clone());
    tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(error = %e, "meli-sim server stopped");
        }
    });
    Ok(SimHandle { shared })
}

fn router(shared: AppState) -> Router {
    let api = Router::new()
        .route("/oauth/token", post(oauth::token))
        .route("/users/me", get(handlers::users::me))
        .route("/users/{id}", get(handlers::users::by_id))
        .route(
            "/users/{id}/questions/response_time",
            get(handlers::users::questions_response_time),
        )
        .route("/items", get(handlers::items::multiget))
        .route("/items/{id}", get(handlers::items::by_id))
        .route("/questions/search", get(handlers::questions::search))
        .route("/questions/{id}", get(handlers::questions::by_id))
        .route("/answers", post(handlers::questions::answer))
        .route("/missed_feeds", get(handlers::feeds::missed_feeds))
        .route("/vis/users/{id}/leads/buyers", get(handlers::leads::search))
        .route("/vis/leads/{id}", get(handlers::leads::by_id))
        .route("/vis/leads/", get(handlers::leads::missing_id))
        .route("/vis/leads", get(handlers::leads::missing_id))
        .merge(post_sale_routes())
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            handlers::inject_faults,
        ));
    Router::new()
        .merge(api)
        .route(
            "/auth/{site}/authorization",
            get(oauth::authorization_page).post(oauth::authorization_approve),
        )
        .nest("/_sim", control::router())
        .fallback(handlers::not_found)
        .with_state(shared)
}

/// Orders, packs, shipments, billing, messaging and claims.
fn post_sale_routes() -> Router<AppState> {
    use handlers::{
        action_guide, attachments, billing, claims, messages, orders, packs, shipments,
    };
    const CLAIMS: &str = "/post-purchase/v1/claims";
    Router::new()
        .route("/orders/search", get(orders::search))
        .route("/orders/{id}", get(orders::by_id))
        .route("/orders/{id}/billing_info", get(billing::of_order))
        .route(
            "/orders/billing-info/{site}/{id}",
            get(billing::by_billing_id),
        )
        .route("/packs/{id}", get(packs::by_id))
        .route("/shipments/{id}", get(shipments::by_id))
        .route(
            "/messages/packs/{pack}/sellers/{seller}",
            get(messages::pack_messages).post(messages::send),
        )
        .route("/messages/unread", get(messages::unread))
        .route(
            "/messages/unread/packs/{pack}/sellers/{seller}",
            get(messages::unread_pack),
        )
        .route(
            "/messages/attachments",
            // Room for the 25 MB file plus the multipart envelope.
            post(attachments::upload).layer(DefaultBodyLimit::max(attachments::MAX_BYTES + 65_536)),
        )
        .route("/messages/attachments/{id}", get(attachments::download))
        .route(
            "/messages/action_guide/packs/{pack}",
            get(action_guide::options),
        )
        .route(
            "/messages/action_guide/packs/{pack}/caps_available",
            get(action_guide::caps),
        )
        .route(
            "/messages/action_guide/packs/{pack}/option",
            post(action_guide::send_option),
        )
        .route("/messages/{id}", get(messages::by_id))
        .route(&format!("{CLAIMS}/search"), get(claims::search))
        .route(&format!("{CLAIMS}/{{id}}"), get(claims::by_id))
        .route(&format!("{CLAIMS}/{{id}}/detail"), get(claims::detail))
        .route(
            &format!("{CLAIMS}/{{id}}/affects-reputation"),
            get(claims::affects_reputation),
        )
        .route(&format!("{CLAIMS}/{{id}}/messages"), get(claims::messages))
        .route(
            &format!("{CLAIMS}/{{id}}/actions/send-message"),
            post(claims::send_message),
        )
        // Legacy prefix: the resource of the old `claims` topic.
        .route("/v1/claims/{id}", get(claims::by_id))
}

/// A few pre-existing questions per seller: one answered, two waiting.
fn seed_questions(shared: &AppState) {
    let now = Utc::now();
    for seller in &shared.seed.sellers {
        let lang = Lang::for_site(seller.site_id);
        let questions = sample_questions(lang);
        let items: Vec<&str> = shared
            .seed
            .items
            .iter()
            .filter(|i| i.seller_id == seller.id)
            .map(|i| i.id.as_str())
            .take(3)
            .collect();
        for (n, item) in items.iter().enumerate() {
            let text = questions.get(n * 3).copied().unwrap_or("?");
            let created = now - TimeDelta::hours(26 - 9 * n as i64);
            let Ok(q) = shared.insert_question(item, None, text, created) else {
                continue;
            };
            if n == 0 {
                let reply = match lang {
                    Lang::Es => {
                        "¡Hola! Sí, tenemos stock disponible para envío inmediato. ¡Saludos!"
                    }
                    Lang::Pt => "Olá! Sim, temos em estoque para envio imediato. Abraços!",
                };
                let answered_at = created + TimeDelta::minutes(42);
                if let Some(stored) = shared.lock().questions.get_mut(&q.id) {
                    stored.status = "ANSWERED";
                    stored.last_updated = answered_at;
                    stored.answer = Some(Answer {
                        text: reply.to_owned(),
                        status: "ACTIVE",
                        date_created: answered_at,
                    });
                }
            }
        }
    }
}

/// Handle on a running simulator. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SimHandle {
    shared: AppState,
}

impl SimHandle {
    /// The API base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The authorization host template, `http://127.0.0.1:PORT/auth/{site}`; the client replaces
    /// `{site}` with the site id (e.g. `MLA`) and appends `/authorization`.
    pub fn auth_host_template(&self) -> String {
        format!("{}/auth/{{site}}", self.shared.base_url)
    }

    /// Seeded sellers.
    pub fn sellers(&self) -> Vec<SeededSeller> {
        self.shared
            .seed
            .sellers
            .iter()
            .map(|u| SeededSeller {
                id: u.id,
                nickname: u.nickname.clone(),
                site_id: u.site_id.to_owned(),
                currency_id: seed::site(u.site_id)
                    .map_or("", |s| s.currency_id)
                    .to_owned(),
            })
            .collect()
    }

    /// Seeded buyers.
    pub fn buyers(&self) -> Vec<SeededBuyer> {
        self.shared
            .seed
            .buyers
            .iter()
            .map(|u| SeededBuyer {
                id: u.id,
                nickname: u.nickname.clone(),
                site_id: u.site_id.to_owned(),
            })
            .collect()
    }

    /// Ids of a seller's listings (empty for an unknown seller).
    pub fn items_of(&self, seller_id: i64) -> Vec<String> {
        self.shared
            .seed
            .items
            .iter()
            .filter(|i| i.seller_id == seller_id)
            .map(|i| i.id.clone())
            .collect()
    }

    /// Ids of a seller's classified listings (vehicle, real estate, service; empty for a seller
    /// without any). [`items_of`](Self::items_of) leaves them out.
    pub fn classifieds_of(&self, seller_id: i64) -> Vec<String> {
        self.shared
            .seed
            .classifieds
            .iter()
            .filter(|i| i.seller_id == seller_id)
            .map(|i| i.id.clone())
            .collect()
    }

    /// A buyer (a seeded one of the listing's site when `buyer_id` is `None`) contacts a
    /// classified listing: stores a lead of `contact_type` (`whatsapp`, `question`, `call`,
    /// `visit_request`, …; a `question` lead also asks a sample question, its `external_id`)
    /// and sends `vis_leads` (actions `[contact_type]`, resource `/vis/leads/{id}`), after
    /// `questions` for a question. Returns the lead id.
    pub async fn create_lead(
        &self,
        item_id: &str,
        contact_type: &str,
        buyer_id: Option<i64>,
    ) -> Result<String, SimError> {
        control::leads::contact(
            &self.shared,
            item_id,
            contact_type,
            market::leads::Asker::Buyer(buyer_id),
            None,
        )
    }

    /// [`create_lead`](Self::create_lead) by someone without an account: the lead has no
    /// buyer (it shows under `guest[]`), and cannot be a question.
    pub async fn create_guest_lead(
        &self,
        item_id: &str,
        contact_type: &str,
    ) -> Result<String, SimError> {
        control::leads::contact(
            &self.shared,
            item_id,
            contact_type,
            market::leads::Asker::Guest,
            None,
        )
    }

    /// Ids of a seller's leads, oldest first.
    pub fn leads_of(&self, seller_id: i64) -> Vec<String> {
        let inner = self.shared.lock();
        let mut leads: Vec<_> = inner
            .leads
            .iter()
            .filter(|l| l.seller_id == seller_id)
            .map(|l| (l.created, l.id.clone()))
            .collect();
        leads.sort();
        leads.into_iter().map(|(_, id)| id).collect()
    }

    /// The lead as `GET /vis/leads/{id}` returns it.
    pub async fn lead_json(&self, id: &str) -> Option<Value> {
        let inner = self.shared.lock();
        inner
            .leads
            .iter()
            .find(|l| l.id == id)
            .map(|l| handlers::leads::lead_json(&self.shared, l))
    }

    /// How many more calls the `/vis` endpoints answer before 409 `quota exceeded`; `None`
    /// (the default) is no limit.
    pub async fn set_leads_quota(&self, remaining: Option<u32>) {
        self.shared.lock().leads_quota = remaining;
    }

    /// While `down`, `GET /orders/{id}/billing_info` answers 500 `internal_server_error` (the
    /// order and everything else keep answering).
    pub async fn set_billing_down(&self, down: bool) {
        self.shared.lock().billing_down = down;
    }

    /// A buyer (a seeded one of the item's site when `buyer_id` is `None`) asks a question:
    /// stores it UNANSWERED and schedules the `questions` notification. Returns its id.
    pub async fn ask_question(
        &self,
        item_id: &str,
        buyer_id: Option<i64>,
        text: &str,
    ) -> Result<i64, SimError> {
        control::ask(&self.shared, item_id, buyer_id, text)
    }

    /// The question as `GET /questions/{id}?api_version=4` returns it.
    pub async fn question_json(&self, id: i64) -> Option<Value> {
        self.shared
            .lock()
            .questions
            .get(&id)
            .map(handlers::questions::by_id_json)
    }

    /// Moves a question to another status (`DELETED`, `BANNED`, … as moderation or the
    /// seller would). Returns `false` when the question does not exist or the status is
    /// not one Mercado Libre documents.
    pub async fn set_question_status(&self, id: i64, status: &str) -> bool {
        let Some(status) = handlers::questions::STATUSES
            .into_iter()
            .find(|s| *s == status)
        else {
            return false;
        };
        let mut inner = self.shared.lock();
        let Some(q) = inner.questions.get_mut(&id) else {
            return false;
        };
        q.status = status;
        q.last_updated = chrono::Utc::now();
        true
    }

    /// A buyer (a seeded one of the seller's site when `buyer_id` is `None`) buys `item_ids`,
    /// all of one seller; repeating an id buys more units. One listing makes a pack-less order,
    /// several make one order each in a pack; one shipment either way. Sends `orders_v2` per
    /// order.
    pub async fn buy(
        &self,
        item_ids: &[&str],
        buyer_id: Option<i64>,
    ) -> Result<Purchase, SimError> {
        let items: Vec<String> = item_ids.iter().map(|s| (*s).to_owned()).collect();
        control::buyers::buy(&self.shared, &items, buyer_id)
    }

    /// A seeded buyer buys a random cart of the seller's listings (one listing, sometimes two
    /// or three in a pack).
    pub async fn buy_random(&self, seller_id: i64) -> Result<Purchase, SimError> {
        let items = control::buyers::random_cart(&self.shared, seller_id)?;
        control::buyers::buy(&self.shared, &items, None)
    }

    /// The buyer writes in a post-sale conversation (`conversation_id`: the pack id, or the
    /// order id of a pack-less order). Sends `messages` (`created`, resource the message id)
    /// unless moderation hid the message. Returns the message id.
    pub async fn buyer_message(
        &self,
        conversation_id: i64,
        text: &str,
    ) -> Result<String, SimError> {
        control::buyers::buyer_message(&self.shared, conversation_id, text)
    }

    /// Blocks a conversation with a documented `blocked_by_*` substatus, or lifts the block with
    /// `None`.
    pub async fn block_conversation(
        &self,
        conversation_id: i64,
        substatus: Option<&str>,
    ) -> Result<(), SimError> {
        control::buyers::block(&self.shared, conversation_id, substatus)
    }

    /// The buyer opens a claim on an order with `text` as first message (a sample one when
    /// `None`). Sends `post_purchase` (`claims`) and `orders_v2`. Returns the claim id.
    pub async fn open_claim(&self, order_id: i64, text: Option<&str>) -> Result<i64, SimError> {
        control::buyers::open_claim(&self.shared, order_id, None, text, false)
    }

    /// [`open_claim`](Self::open_claim) with a reason (`PDD9549`, `PDD9939`, `PNR9501`) and,
    /// with `legacy_topic`, every notification of the claim also on the legacy `claims` topic.
    pub async fn open_claim_with(
        &self,
        order_id: i64,
        reason_id: Option<&str>,
        text: Option<&str>,
        legacy_topic: bool,
    ) -> Result<i64, SimError> {
        control::buyers::open_claim(&self.shared, order_id, reason_id, text, legacy_topic)
    }

    /// The buyer writes in a claim (to the seller in stage `claim`, to the mediator in a
    /// dispute). Sends `post_purchase` (`claims_actions`) when the seller can see it.
    pub async fn claim_message(&self, claim_id: i64, text: &str) -> Result<(), SimError> {
        control::buyers::claim_message(&self.shared, claim_id, text)
    }

    /// Escalates a claim to a dispute: stage `dispute`, the mediator joins and writes, the
    /// seller's actions become `send_message_to_mediator` and `refund`, the pack conversation
    /// is blocked by the mediation. Sends `post_purchase` (`claims`).
    pub async fn escalate_claim(&self, claim_id: i64) -> Result<(), SimError> {
        control::buyers::escalate(&self.shared, claim_id)
    }

    /// Ids of a seller's orders, oldest first.
    pub fn orders_of(&self, seller_id: i64) -> Vec<i64> {
        let inner = self.shared.lock();
        let mut orders: Vec<_> = inner
            .market
            .orders
            .values()
            .filter(|o| o.seller_id == seller_id)
            .map(|o| (o.date_created, o.id))
            .collect();
        orders.sort();
        orders.into_iter().map(|(_, id)| id).collect()
    }

    /// Refunds `amount` of an order's payment now, without notifying (as if the notification
    /// were lost): the whole amount cancels the order, less leaves it `partially_refunded`.
    /// False for an unknown order or an amount outside `0 < amount ≤ total`.
    pub fn refund_order(&self, id: i64, amount: rust_decimal::Decimal) -> bool {
        let mut inner = self.shared.lock();
        let Some(order) = inner.market.orders.get_mut(&id) else {
            return false;
        };
        let total = order.total();
        if amount <= rust_decimal::Decimal::ZERO || amount > total || order.unpaid {
            return false;
        }
        order.refunded = amount;
        order.status = if amount == total {
            "cancelled"
        } else {
            "partially_refunded"
        };
        order.last_updated = Utc::now();
        true
    }

    /// Ids of a seller's post-sale conversations (pack ids, or order ids of pack-less orders).
    pub fn conversations_of(&self, seller_id: i64) -> Vec<i64> {
        let inner = self.shared.lock();
        inner
            .market
            .conversations
            .values()
            .filter(|c| c.seller_id == seller_id)
            .map(|c| c.key)
            .collect()
    }

    /// Ids of a seller's claims.
    pub fn claims_of(&self, seller_id: i64) -> Vec<i64> {
        let inner = self.shared.lock();
        inner
            .market
            .claims
            .values()
            .filter(|c| c.seller_id == seller_id)
            .map(|c| c.id)
            .collect()
    }

    /// The order as `GET /orders/{id}` returns it.
    pub async fn order_json(&self, id: i64) -> Option<Value> {
        let inner = self.shared.lock();
        let order = inner.market.orders.get(&id)?;
        Some(handlers::orders::order_json(
            &self.shared,
            &inner.market,
            order,
        ))
    }

    /// The claim as `GET /post-purchase/v1/claims/{id}` returns it.
    pub async fn claim_json(&self, id: i64) -> Option<Value> {
        let inner = self.shared.lock();
        inner
            .market
            .claims
            .get(&id)
            .map(handlers::claims::claim_json)
    }

    /// Sets (or clears) the application's notification callback URL.
    pub async fn set_notification_url(&self, url: Option<String>) {
        self.shared.lock().notification_url = url;
    }

    /// Every notification POST attempt so far, in order.
    pub async fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.lock().deliveries.clone()
    }

    /// Every Mercado Libre API call so far, in order (see [`CallRecord`]).
    pub async fn calls(&self) -> Vec<CallRecord> {
        self.shared.lock().calls.clone()
    }

    /// Replaces the fault-injection settings.
    pub async fn set_faults(&self, faults: Faults) {
        self.shared.lock().faults = faults;
    }

    /// Makes every access token issued so far expired (refresh tokens stay valid).
    pub async fn expire_access_tokens(&self) {
        control::expire_tokens(&self.shared);
    }

    /// Stops the server and pending notification deliveries.
    pub fn shutdown(&self) {
        let _ = self.shared.shutdown.send(true);
    }
}
