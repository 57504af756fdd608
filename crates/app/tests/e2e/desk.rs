//! The support desk in the pages: post-sale and claim conversations seeded straight into the
//! store (the worker that reads them from Mercado Libre is another piece), shown with their
//! order, products, claim, moderation and composer rules; replies, action-guide starts,
//! moves and statuses through the web forms; the filters; the routing and teams settings.

use crate::helpers::TestApp;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::*;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;
use store::{MessageExtra, NewMessage, ThreadContext, UpsertConversation};

/// The seeded conversations of one store.
pub struct Desk {
    /// Post-sale, the buyer wrote first: a pack of two orders, a message Mercado Libre moderated.
    pub help: i64,
    /// Post-sale the buyer has not started: only action-guide options (OTHER has cap left,
    /// SEND_INVOICE_LINK none).
    pub unsolicited: i64,
    /// Post-sale blocked by a mediation.
    pub blocked: i64,
    /// A claim the seller may answer the complainant in.
    pub claim: i64,
}

/// The instant the seeded order was placed: 10:44 in Buenos Aires.
pub fn ordered_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 21, 13, 44, 0).unwrap()
}

fn money(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Seeds the four conversations of [`Desk`] for `seller` in `org`; `base` keeps Mercado Libre
/// ids apart between stores.
pub async fn seed_desk(app: &TestApp, org: OrgId, seller: i64, currency: &str, base: i64) -> Desk {
    let store = app.store();
    let now = Utc::now();
    let seller_id = SellerId(seller);
    let buyer = MeliUserId(base + 9);
    store
        .upsert_contact(&Contact {
            nickname: Some(format!("COMPRADOR{base}")),
            ..Contact::new(org, seller_id, buyer)
        })
        .await
        .unwrap();
    let pack = PackId(base + 1);
    let order = |id: i64, title: &str, quantity: i64, unit: &str, total: &str| Order {
        order_id: OrderId(id),
        org_id: org,
        seller_id,
        pack_id: Some(pack),
        status: "paid".into(),
        status_detail: None,
        date_created: ordered_at(),
        date_closed: Some(ordered_at()),
        last_updated: ordered_at(),
        total_amount: money(total),
        paid_amount: money(total),
        refunded_amount: Default::default(),
        currency_id: currency.into(),
        buyer_id: buyer,
        shipment_id: Some(base + 7),
        shipping_status: Some("shipped".into()),
        items: vec![OrderItem {
            item_id: None,
            title: title.into(),
            quantity,
            unit_price: money(unit),
            currency_id: currency.into(),
        }],
    };
    let first = order(
        base + 2,
        "Auriculares Sony WH-CH520",
        1,
        "45999.99",
        "45999.99",
    );
    let second = order(base + 3, "Funda rígida para auriculares", 2, "1500", "3000");
    store.upsert_order(&first).await.unwrap();
    store.upsert_order(&second).await.unwrap();
    let claim = Claim {
        claim_id: ClaimId(base + 4),
        org_id: org,
        seller_id,
        order_id: Some(first.order_id),
        reason_id: Some("PDD9549".into()),
        claim_type: Some("mediations".into()),
        stage: "claim".into(),
        status: "opened".into(),
        affects_reputation: Some(true),
        available_actions: vec![
            ClaimAction {
                action: "send_message_to_complainant".into(),
                due_date: Some(Utc.with_ymd_and_hms(2025, 1, 24, 13, 0, 0).unwrap()),
                mandatory: false,
            },
            ClaimAction {
                action: "refund".into(),
                due_date: None,
                mandatory: true,
            },
        ],
        date_created: ordered_at(),
        last_updated: ordered_at(),
    };
    store.upsert_claim(&claim).await.unwrap();

    let conversation = |category, meli_ref: String, waited: Duration, context| UpsertConversation {
        org_id: org,
        seller_id,
        category,
        meli_ref,
        buyer_id: buyer,
        item_id: None,
        status: ConversationStatus::Open,
        meli_status: None,
        reply_locked: false,
        last_inbound_at: now - waited,
        now,
        context,
    };
    let help = store
        .upsert_conversation(conversation(
            Category::PostSaleHelp,
            pack.to_string(),
            Duration::hours(2),
            ThreadContext {
                order_id: Some(first.order_id),
                pack_id: Some(pack),
                buyer_started: true,
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    let unsolicited = store
        .upsert_conversation(conversation(
            Category::PostSaleHelp,
            (base + 5).to_string(),
            Duration::hours(26),
            ThreadContext {
                order_id: Some(OrderId(base + 5)),
                buyer_started: false,
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    let blocked = store
        .upsert_conversation(conversation(
            Category::PostSaleHelp,
            (base + 6).to_string(),
            Duration::hours(5),
            ThreadContext {
                order_id: Some(OrderId(base + 6)),
                buyer_started: true,
                blocked_reason: Some("blocked_by_mediation".into()),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    let claimed = store
        .upsert_conversation(conversation(
            Category::Claim,
            claim.claim_id.to_string(),
            Duration::minutes(30),
            ThreadContext {
                order_id: Some(first.order_id),
                pack_id: Some(pack),
                claim_id: Some(claim.claim_id),
                buyer_started: true,
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    store
        .set_action_guide(
            unsolicited.id,
            &json!({ "options": [
                { "id": "OTHER", "type": "free_text", "char_limit": 350, "cap_available": 1 },
                { "id": "SEND_INVOICE_LINK", "type": "free_text", "char_limit": 350, "cap_available": 0 },
            ]}),
        )
        .await
        .unwrap();

    let inbound = |conversation: &Conversation, meli_ref: &str, text: &str, extra| NewMessage {
        conversation_id: conversation.id,
        meli_ref: meli_ref.into(),
        direction: Direction::Inbound,
        author: Author::Buyer,
        author_person_id: None,
        text: text.into(),
        delivery: DeliveryStatus::Received,
        created_at: conversation.last_inbound_at,
        sent_at: None,
        extra,
    };
    for message in [
        inbound(
            &help,
            "m1",
            "Hola, ¿ya despacharon mi compra?",
            MessageExtra::default(),
        ),
        inbound(
            &help,
            "m2",
            "Mi teléfono es 11 5555 0000",
            MessageExtra {
                moderation_status: Some("rejected".into()),
                moderation_reason: Some("PERSONAL_DATA".into()),
                ..Default::default()
            },
        ),
        inbound(&blocked, "m3", "Quiero cancelar", MessageExtra::default()),
        inbound(
            &claimed,
            "c1",
            "Llegó con la caja rota",
            MessageExtra {
                receiver_role: Some("respondent".into()),
                ..Default::default()
            },
        ),
    ] {
        store.add_message(message).await.unwrap();
    }
    Desk {
        help: help.id.0,
        unsolicited: unsolicited.id.0,
        blocked: blocked.id.0,
        claim: claimed.id.0,
    }
}

/// Seeds the desk of the Argentine store of the test organization.
async fn seeded() -> (TestApp, Desk, i64) {
    let app = TestApp::spawn_without_sales().await;
    let mla = app.seller("MLA").id;
    let desk = seed_desk(&app, app.org, mla, "ARS", 7_000_000_000).await;
    (app, desk, mla)
}

/// A page as the admin sees it (in Spanish: the test client sends no Accept-Language).
pub async fn page(app: &TestApp, path: &str) -> String {
    let resp = app.get(path).await;
    assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
    resp.text().await.unwrap()
}

/// Posts a form as the admin; returns the redirect's location.
pub async fn submit(app: &TestApp, path: &str, form: &[(&str, &str)]) -> String {
    let resp = app
        .http
        .post(format!("{}{path}", app.url))
        .bearer_auth(&app.token)
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "POST {path}");
    resp.headers()["location"].to_str().unwrap().to_string()
}

/// The conversation ids a list page links to, in order.
pub fn listed(html: &str) -> Vec<i64> {
    html.split("data-conversation=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn the_support_desk_shows_order_products_claim_moderation_and_why_it_cannot_send() {
    let (app, desk, _) = seeded().await;

    let help = page(&app, &format!("/inbox/{}", desk.help)).await;
    assert!(help.contains("id=\"interaction-type\">Ayuda<"), "{help}");
    assert!(help.contains("id=\"order-id\">7000000002<"));
    assert!(
        help.contains("id=\"order-date\">21/01/2025 10:44<"),
        "the order's date in the store's zone"
    );
    assert!(help.contains("id=\"order-status\">pagada<"));
    assert!(help.contains("id=\"order-total\">$ 45.999,99 · ARS<"));
    assert!(help.contains("id=\"order-shipping\">en camino<"));
    for (title, qty, unit) in [
        ("Auriculares Sony WH-CH520", 1, "$ 45.999,99 · ARS"),
        ("Funda rígida para auriculares", 2, "$ 1.500,00 · ARS"),
    ] {
        assert!(
            help.contains(&format!(
                "<td>{title}</td><td class=\"qty\">{qty}</td><td class=\"unit-price\">{unit}</td>"
            )),
            "every product of the pack: {title}"
        );
    }
    assert!(
        help.contains("Moderación de Mercado Libre: rechazado: datos personales"),
        "the moderation verdict, translated"
    );
    assert!(help.contains("maxlength=\"350\""), "post-sale limit");
    assert!(help.contains("0 / 350"));
    assert!(help.contains("id=\"send-answer\">Enviar mensaje<"));

    let claim = page(&app, &format!("/inbox/{}", desk.claim)).await;
    assert!(claim.contains("id=\"interaction-type\">Reclamo<"));
    assert!(claim.contains("id=\"claim-reason\">producto diferente o defectuoso (PDD9549)<"));
    assert!(claim.contains("id=\"claim-stage\">reclamo<"));
    assert!(claim.contains("id=\"claim-status\">abierto<"));
    assert!(claim.contains("id=\"claim-type\">mediación<"));
    assert!(claim.contains("class=\"reputation-yes\">sí<"));
    assert!(
        claim.contains(
            "Escribir al reclamante · <span class=\"due\">vence el 24/01/2025 10:00</span>"
        ),
        "the action and its due date in the store's zone"
    );
    assert!(claim.contains("Reembolsar <strong class=\"mandatory\">obligatoria</strong>"));
    assert!(
        claim.contains("id=\"composer-receiver\">Tu respuesta va para el reclamante (comprador).<")
    );
    assert!(
        claim.contains("para el reclamado (vendedor)"),
        "message receiver"
    );
    assert!(
        claim.contains("id=\"order-id\">7000000002<"),
        "the claimed order"
    );

    let blocked = page(&app, &format!("/inbox/{}", desk.blocked)).await;
    assert!(
        blocked.contains(
            "Mercado Libre bloqueó esta conversación (hay una mediación en curso): ahora no acepta mensajes del vendedor."
        ),
        "{blocked}"
    );
    assert!(!blocked.contains("id=\"send-answer\""));

    let unsolicited = page(&app, &format!("/inbox/{}", desk.unsolicited)).await;
    assert!(unsolicited.contains("El comprador todavía no escribió"));
    assert!(unsolicited.contains("id=\"action-guide\""));
    assert!(unsolicited.contains("value=\"OTHER\" id=\"guide-OTHER\" data-limit=\"350\" checked"));
    assert!(unsolicited.contains("Otro motivo"));
    assert!(unsolicited.contains("quedan 1"));
    assert!(
        unsolicited.contains(
            "value=\"SEND_INVOICE_LINK\" id=\"guide-SEND_INVOICE_LINK\" data-limit=\"350\" disabled"
        ),
        "an option without cap left cannot be chosen"
    );
    assert!(unsolicited.contains("quedan 0"));
    assert!(!unsolicited.contains("id=\"send-answer\""));
}

#[tokio::test]
async fn replies_and_starts_follow_each_channel_through_the_web_forms() {
    let (app, desk, _) = seeded().await;
    let messages = |id: i64| {
        let app = &app;
        async move {
            app.get_json(&format!("/api/conversations/{id}")).await["messages"]
                .as_array()
                .unwrap()
                .clone()
        }
    };

    // Post-sale, buyer-started: 350 characters at most, then queued.
    let too_long = "a".repeat(351);
    let back = submit(
        &app,
        &format!("/inbox/{}/answer", desk.help),
        &[("text", &too_long)],
    )
    .await;
    assert_eq!(back, format!("/inbox/{}?error=too_long", desk.help));
    let shown = page(&app, &back).await;
    assert!(
        shown.contains("La respuesta supera los 350 caracteres que acepta Mercado Libre."),
        "the channel's limit"
    );
    let back = submit(
        &app,
        &format!("/inbox/{}/answer", desk.help),
        &[("text", "Envío 🚚")],
    )
    .await;
    assert!(back.ends_with("error=unsupported_character"), "{back}");
    assert!(
        page(&app, &back)
            .await
            .contains("no acepta en los mensajes del vendedor")
    );
    let back = submit(
        &app,
        &format!("/inbox/{}/answer?module=support", desk.help),
        &[("text", "¡Hola! Ya salió, llega el jueves.")],
    )
    .await;
    assert_eq!(
        back,
        format!("/inbox/{}?module=support", desk.help),
        "filters kept"
    );
    let sent = messages(desk.help).await;
    let last = sent.last().unwrap();
    assert_eq!(last["text"], "¡Hola! Ya salió, llega el jueves.");
    assert_eq!(last["delivery"], "pending");

    // Blocked and not started: refused with the reason.
    let back = submit(
        &app,
        &format!("/inbox/{}/answer", desk.blocked),
        &[("text", "Hola")],
    )
    .await;
    assert!(back.ends_with("error=blocked"), "{back}");
    assert!(
        page(&app, &back)
            .await
            .contains("Mercado Libre bloqueó esta conversación")
    );
    let back = submit(
        &app,
        &format!("/inbox/{}/answer", desk.unsolicited),
        &[("text", "Hola")],
    )
    .await;
    assert!(back.ends_with("error=not_buyer_started"), "{back}");
    assert!(
        page(&app, &back)
            .await
            .contains("inicia la conversación con una de las opciones de Mercado Libre")
    );
    assert_eq!(messages(desk.blocked).await.len(), 1, "nothing queued");

    // The action guide: an option without cap is refused, one with cap starts the conversation.
    let start = format!("/inbox/{}/start", desk.unsolicited);
    let back = submit(
        &app,
        &start,
        &[
            ("option_id", "SEND_INVOICE_LINK"),
            ("text", "Tu factura: …"),
        ],
    )
    .await;
    assert!(back.ends_with("error=no_cap_available"), "{back}");
    assert!(
        page(&app, &back)
            .await
            .contains("no permite más mensajes con esa opción")
    );
    let back = submit(&app, &start, &[("text", "Hola")]).await;
    assert!(back.ends_with("error=no_option"), "{back}");
    let back = submit(
        &app,
        &start,
        &[
            ("option_id", "OTHER"),
            ("text", "Hola, ¿nos confirmas el color?"),
        ],
    )
    .await;
    assert_eq!(back, format!("/inbox/{}", desk.unsolicited));
    let started = messages(desk.unsolicited).await;
    assert_eq!(started.len(), 1);
    assert_eq!(started[0]["text"], "Hola, ¿nos confirmas el color?");

    // A claim: the reply goes to the complainant.
    let back = submit(
        &app,
        &format!("/inbox/{}/answer", desk.claim),
        &[("text", "Lamentamos lo ocurrido, te enviamos otro.")],
    )
    .await;
    assert_eq!(back, format!("/inbox/{}", desk.claim));
    let claim = messages(desk.claim).await;
    assert_eq!(claim.last().unwrap()["receiver_role"], "complainant");
    assert!(
        page(&app, &back)
            .await
            .contains("<span class=\"receiver\">para el reclamante (comprador)</span>")
    );

    // Empty text on any channel.
    let back = submit(
        &app,
        &format!("/inbox/{}/answer", desk.claim),
        &[("text", "  ")],
    )
    .await;
    assert!(back.ends_with("error=empty"), "{back}");
}

#[tokio::test]
async fn the_desk_lists_narrow_by_module_category_assignee_status_and_waiting_time() {
    let (app, desk, _) = seeded().await;
    let ours = sorted(vec![desk.help, desk.unsolicited, desk.blocked, desk.claim]);
    let all = listed(&page(&app, "/inbox").await);
    assert!(all.len() > ours.len(), "questions and the desk: {all:?}");

    let support = listed(&page(&app, "/inbox?module=support").await);
    assert_eq!(
        sorted(support),
        ours,
        "post-sale and claims go to the support desk"
    );
    let commercial = listed(&page(&app, "/inbox?module=commercial").await);
    assert!(!commercial.is_empty() && commercial.iter().all(|id| !ours.contains(id)));
    assert_eq!(
        listed(&page(&app, "/inbox?module=bot").await),
        Vec::<i64>::new()
    );
    assert_eq!(
        listed(&page(&app, "/inbox?module=support&category=claim").await),
        [desk.claim]
    );
    assert_eq!(
        sorted(listed(
            &page(&app, "/inbox?module=support&waiting_min=240").await
        )),
        sorted(vec![desk.unsolicited, desk.blocked]),
        "waiting over 4 h"
    );
    assert_eq!(
        listed(&page(&app, "/inbox?waiting_min=1440").await),
        [desk.unsolicited],
        "waiting over 24 h"
    );

    // Links and tabs keep the filters.
    let filtered = page(&app, "/inbox?module=support&category=claim").await;
    assert!(filtered.contains(&format!(
        "href=\"/inbox/{}?category=claim&#38;module=support\"",
        desk.claim
    )));
    assert!(filtered.contains("href=\"/inbox?category=claim&#38;module=bot\" id=\"tab-bot\""));
    assert!(filtered.contains("id=\"tab-support\" class=\"tab current\""));
    assert!(filtered.contains("<option value=\"claim\" selected>Reclamo</option>"));
    assert!(filtered.contains("class=\"badge badge-claim\">Reclamo<"));

    // Move one to a department, one to a person, one to the bot queue; set a status.
    let location = submit(
        &app,
        "/settings/teams",
        &[("kind", "department"), ("name", "Postventa")],
    )
    .await;
    assert_eq!(location, "/settings/teams");
    let teams = app.get_json("/api/teams").await;
    let department = teams[0]["id"].as_i64().unwrap();
    let me = app.get_json("/api/me").await["id"].as_i64().unwrap();
    let to_team = format!("team:{department}");
    let back = submit(
        &app,
        &format!("/inbox/{}/assign?module=support", desk.help),
        &[("to", &to_team)],
    )
    .await;
    assert_eq!(back, format!("/inbox/{}?module=support", desk.help));
    let to_me = format!("person:{me}");
    submit(
        &app,
        &format!("/inbox/{}/assign", desk.blocked),
        &[("to", &to_me)],
    )
    .await;
    submit(
        &app,
        &format!("/inbox/{}/assign", desk.claim),
        &[("to", "module:bot")],
    )
    .await;
    submit(
        &app,
        &format!("/inbox/{}/status", desk.help),
        &[("status", "resolved")],
    )
    .await;

    assert_eq!(
        listed(&page(&app, &format!("/inbox?assignee=team:{department}")).await),
        [desk.help]
    );
    assert_eq!(
        listed(&page(&app, "/inbox?assignee=me").await),
        [desk.blocked]
    );
    assert_eq!(
        listed(&page(&app, &format!("/inbox?assignee=person:{me}")).await),
        [desk.blocked]
    );
    assert_eq!(
        listed(&page(&app, "/inbox?module=support&assignee=nobody").await),
        [desk.unsolicited]
    );
    assert_eq!(
        listed(&page(&app, "/inbox?module=bot").await),
        [desk.claim],
        "the bot queue"
    );
    assert_eq!(
        listed(&page(&app, "/inbox?module=support&status=resolved").await),
        [desk.help]
    );
    let moved = page(&app, &format!("/inbox/{}", desk.help)).await;
    assert!(moved.contains("id=\"conv-module\">Mesa de ayuda<"));
    assert!(moved.contains("id=\"conv-assignee\">Postventa<"));
    assert!(moved.contains("id=\"conv-status\" class=\"status-resolved\">Resuelta<"));
    assert!(moved.contains(&format!(
        "<option value=\"team:{department}\" selected>Postventa</option>"
    )));

    // A move that names nothing known is refused, not guessed.
    let back = submit(
        &app,
        &format!("/inbox/{}/assign", desk.help),
        &[("to", "module:moon")],
    )
    .await;
    assert!(back.ends_with("error=invalid_form"), "{back}");
    let back = submit(
        &app,
        &format!("/inbox/{}/status", desk.help),
        &[("status", "asleep")],
    )
    .await;
    assert!(back.ends_with("error=invalid_form"), "{back}");
}

#[tokio::test]
async fn the_routing_screen_refuses_what_the_api_refuses_and_saves_the_rest() {
    let app = TestApp::spawn().await;
    let mla = app.seller("MLA").id;
    let screen = page(&app, "/settings/routing").await;
    assert!(screen.contains("<h1>Configurar integración</h1>"));
    assert!(screen.contains(&format!("id=\"route-{mla}-pre_sale_question\"")));
    assert!(screen.contains(&format!("id=\"route-{mla}-claim\"")));

    let pre_sale = format!("/settings/routing/{mla}/pre_sale_question");
    let back = submit(&app, &pre_sale, &[("route", "flow_bot")]).await;
    assert!(back.contains("error=flow_bot_on_pre_sale"), "{back}");
    let refused = page(&app, &back).await;
    assert!(
        refused.contains(
            "id=\"routing-error\">El chatbot de flujo no puede atender preguntas de preventa: elige la bandeja comercial o el chatbot de IA generativa.<"
        ),
        "{refused}"
    );
    let back = submit(&app, &pre_sale, &[("route", "classification_bot")]).await;
    assert!(
        page(&app, &back)
            .await
            .contains("El chatbot de clasificación automática no se ofrece para Mercado Libre.")
    );
    let back = submit(&app, &pre_sale, &[("route", "support")]).await;
    assert!(back.contains("error=support_on_pre_sale"), "{back}");

    submit(
        &app,
        "/settings/teams",
        &[("kind", "department"), ("name", "Postventa")],
    )
    .await;
    submit(
        &app,
        "/settings/teams",
        &[("kind", "group"), ("name", "Ventas")],
    )
    .await;
    let teams = app.get_json("/api/teams").await;
    let id_of = |name: &str| {
        teams
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (department, group) = (id_of("Postventa"), id_of("Ventas"));
    let post_sale = format!("/settings/routing/{mla}/post_sale_help");
    let wrong = format!("support/team:{group}");
    let back = submit(&app, &post_sale, &[("route", &wrong)]).await;
    assert!(back.contains("error=wrong_team_kind"), "{back}");
    assert!(
        page(&app, &back)
            .await
            .contains("La bandeja comercial recibe un grupo y la mesa de ayuda, un departamento.")
    );
    let right = format!("support/team:{department}");
    let back = submit(&app, &post_sale, &[("route", &right)]).await;
    assert!(back.contains("saved=1"), "{back}");
    let saved = page(&app, &back).await;
    assert!(saved.contains("id=\"routing-saved\">Guardado.<"));
    assert!(saved.contains("Mesa de ayuda · departamento Postventa"));
    assert!(saved.contains(&format!(
        "<option value=\"support/team:{department}\" selected>"
    )));
    let group_route = format!("commercial/team:{group}");
    submit(&app, &pre_sale, &[("route", &group_route)]).await;

    let table = app.get_json("/api/routing").await;
    let row = |category: &str| -> Value {
        table
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["seller_id"] == mla && r["category"] == category)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("post_sale_help")["route"]["target"],
        "support_department"
    );
    assert_eq!(row("post_sale_help")["route"]["team_id"], department);
    assert_eq!(
        row("pre_sale_question")["route"]["target"],
        "commercial_group"
    );
    assert_eq!(
        row("claim")["configured"],
        false,
        "refusals and other rows unchanged"
    );
}

#[tokio::test]
async fn teams_are_created_staffed_and_deleted_from_the_teams_page() {
    let app = TestApp::spawn().await;
    let agent = app
        .post_json(
            "/api/people",
            &json!({ "email": "alma@test.mostrador", "name": "Alma", "password": "a good long password", "role": "agent" }),
        )
        .await;
    assert_eq!(agent.status(), StatusCode::CREATED);
    let agent = agent.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let me = app.get_json("/api/me").await["id"].as_i64().unwrap();

    submit(
        &app,
        "/settings/teams",
        &[("kind", "group"), ("name", "Ventas")],
    )
    .await;
    let back = submit(
        &app,
        "/settings/teams",
        &[("kind", "group"), ("name", "ventas")],
    )
    .await;
    assert_eq!(back, "/settings/teams?error=team_name_taken");
    assert!(
        page(&app, &back)
            .await
            .contains("id=\"teams-error\">Ya hay un equipo de ese tipo con ese nombre.<")
    );
    let back = submit(
        &app,
        "/settings/teams",
        &[("kind", "group"), ("name", "  ")],
    )
    .await;
    assert_eq!(back, "/settings/teams?error=team_name_empty");
    let back = submit(&app, "/settings/teams", &[("kind", "squad"), ("name", "X")]).await;
    assert_eq!(back, "/settings/teams?error=unknown_team_kind");

    let team = app.get_json("/api/teams").await[0]["id"].as_i64().unwrap();
    let listed = page(&app, "/settings/teams").await;
    assert!(listed.contains("data-name=\"Ventas\""));
    assert!(listed.contains(&format!("name=\"member\" value=\"{agent}\"> Alma")));

    let members = format!("/settings/teams/{team}/members");
    let (me_s, agent_s) = (me.to_string(), agent.to_string());
    submit(&app, &members, &[("member", &me_s), ("member", &agent_s)]).await;
    let staffed = app.get_json("/api/teams").await;
    assert_eq!(staffed[0]["members"], json!([me, agent]));
    let shown = page(&app, "/settings/teams").await;
    assert!(shown.contains(&format!("name=\"member\" value=\"{agent}\" checked> Alma")));
    assert!(shown.contains("Alma, Test Admin"));
    submit(&app, &members, &[]).await;
    assert_eq!(app.get_json("/api/teams").await[0]["members"], json!([]));

    submit(&app, &format!("/settings/teams/{team}/delete"), &[]).await;
    assert_eq!(app.get_json("/api/teams").await, json!([]));
    assert!(
        page(&app, "/settings/teams")
            .await
            .contains("Todavía no hay equipos.")
    );
}

#[tokio::test]
async fn the_inbox_shows_answer_times_beside_mercado_libres_own() {
    let (app, desk, mla) = seeded().await;
    let me = PersonId(app.get_json("/api/me").await["id"].as_i64().unwrap());
    let help = app
        .store()
        .conversation(ConversationId(desk.help))
        .await
        .unwrap()
        .unwrap();
    let answered = help.last_inbound_at + Duration::minutes(10);
    app.store()
        .add_message(NewMessage {
            conversation_id: help.id,
            meli_ref: "a1".into(),
            direction: Direction::Outbound,
            author: Author::Agent,
            author_person_id: Some(me),
            text: "Ya salió".into(),
            delivery: DeliveryStatus::Sent,
            created_at: answered,
            sent_at: Some(answered),
            extra: MessageExtra::default(),
        })
        .await
        .unwrap();
    let figure: Value = serde_json::from_str(
        r#"{"user_id": 1, "total": {"response_time": 22},
            "weekend": {"response_time": 8, "sales_percent_increase": null},
            "weekdays_working_hours": {"response_time": 8, "sales_percent_increase": null},
            "weekdays_extra_hours": {"response_time": 72, "sales_percent_increase": 10}}"#,
    )
    .unwrap();
    app.store()
        .set_meli_response_time(SellerId(mla), &figure)
        .await
        .unwrap();

    let inbox = page(&app, "/inbox").await;
    assert!(
        inbox.contains(
            "Mediana de primera respuesta: <strong id=\"figures-overall\">10 min</strong>"
        ),
        "{inbox}"
    );
    assert!(inbox.contains("<td>Test Admin</td><td>10 min <small>(1)</small></td>"));
    assert!(inbox.contains("<span class=\"meli-figure\">total: 22 min</span>"));
    assert!(
        inbox.contains(
            "<span class=\"meli-figure\">días hábiles, fuera de horario: 1 h 12 min</span>"
        )
    );
    // The other stores show the figure the connect sweep read from the simulator.
    assert!(
        inbox.matches("<span class=\"meli-figure\">total: ").count() >= 2,
        "every store shows Mercado Libre's figure: {inbox}"
    );
}
