//! The support desk and the configuration screen in a real browser (Spanish, as the browser
//! asks): open a claim from the support desk tab, read its panel, reply to the complainant; see
//! why a blocked conversation cannot send; then route post-sale help to a department and try the
//! flow chatbot on pre-sale questions.

use crate::browser::{browser_binaries, log_in, start_browser, text};
use crate::desk::seed_desk;
use crate::helpers::TestApp;
use fantoccini::{Client, Locator};
use std::time::Duration;

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn wait_for(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"));
}

#[tokio::test]
async fn the_support_desk_and_the_configuration_screen_in_the_browser() {
    let Some((chromedriver, chromium)) = browser_binaries() else {
        return;
    };
    let app = TestApp::spawn().await;
    let mla = app.seller("MLA").id;
    let desk = seed_desk(&app, app.org, mla, "ARS", 7_000_000_000).await;
    let (c, _session) = start_browser(chromedriver, chromium).await;
    log_in(&c, &app).await;

    // The support desk tab, then the claim in it.
    click(&c, "#tab-support").await;
    wait_for(&c, "#tab-support.current").await;
    click(
        &c,
        &format!("#conversation-list a[data-conversation=\"{}\"]", desk.claim),
    )
    .await;
    wait_for(&c, "#ctx-claim").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with(&format!("/inbox/{}?module=support", desk.claim)),
        "the tab's filter stays in the conversation link"
    );
    assert_eq!(text(&c, "#interaction-type").await, "Reclamo");
    assert_eq!(
        text(&c, "#claim-reason").await,
        "producto diferente o defectuoso (PDD9549)"
    );
    assert_eq!(text(&c, "#claim-stage").await, "reclamo");
    assert_eq!(text(&c, "#claim-status").await, "abierto");
    assert_eq!(text(&c, "#claim-reputation").await, "sí");
    let actions = text(&c, "#claim-actions").await;
    assert!(
        actions.contains("Escribir al reclamante · vence el 24/01/2025 10:00"),
        "{actions}"
    );
    assert_eq!(text(&c, "#order-total").await, "$ 45.999,99 · ARS");
    assert_eq!(
        text(&c, "#composer-receiver").await,
        "Tu respuesta va para el reclamante (comprador)."
    );

    // Reply to the complainant, with the claim channel's counter.
    let reply = "Lamentamos lo ocurrido: te enviamos otro hoy.";
    c.find(Locator::Id("answer-text"))
        .await
        .unwrap()
        .send_keys(reply)
        .await
        .unwrap();
    assert_eq!(
        text(&c, "#char-counter").await,
        format!("{} / 350", reply.chars().count())
    );
    click(&c, "#send-answer").await;
    wait_for(&c, ".message.outbound").await;
    assert_eq!(text(&c, ".message.outbound .text").await, reply);
    assert_eq!(
        text(&c, ".message.outbound .receiver").await,
        "para el reclamante (comprador)"
    );
    assert_eq!(text(&c, ".message.outbound .delivery").await, "pendiente");

    // A blocked conversation says why nothing can be sent.
    c.goto(&format!("{}/inbox/{}", app.url, desk.blocked))
        .await
        .unwrap();
    wait_for(&c, "#composer-locked").await;
    assert!(
        text(&c, "#composer-locked")
            .await
            .contains("(hay una mediación en curso)")
    );
    assert!(c.find(Locator::Id("send-answer")).await.is_err());

    // The configuration screen: a department first, then post-sale help to it.
    click(&c, "#nav-settings").await;
    wait_for(&c, "#routing").await;
    assert_eq!(text(&c, "h1").await, "Configurar integración");
    click(&c, "#settings-teams").await;
    wait_for(&c, "#new-team").await;
    c.find(Locator::Id("team-kind"))
        .await
        .unwrap()
        .select_by_value("department")
        .await
        .unwrap();
    c.find(Locator::Id("team-name"))
        .await
        .unwrap()
        .send_keys("Postventa")
        .await
        .unwrap();
    click(&c, "#team-create").await;
    wait_for(&c, "li.team-department[data-name=\"Postventa\"]").await;
    let department = app.get_json("/api/teams").await[0]["id"].as_i64().unwrap();

    click(&c, "#settings-routing").await;
    wait_for(&c, "#routing").await;
    let row = format!("{mla}-post_sale_help");
    c.find(Locator::Id(&format!("route-select-{row}")))
        .await
        .unwrap()
        .select_by_value(&format!("support/team:{department}"))
        .await
        .unwrap();
    click(&c, &format!("#route-save-{row}")).await;
    wait_for(&c, "#routing-saved").await;
    assert_eq!(text(&c, "#routing-saved").await, "Guardado.");
    assert_eq!(
        text(&c, &format!("#route-{row} .route-current")).await,
        "Mesa de ayuda · departamento Postventa"
    );

    // The flow chatbot on pre-sale questions: refused with the API's reason.
    let row = format!("{mla}-pre_sale_question");
    c.find(Locator::Id(&format!("route-select-{row}")))
        .await
        .unwrap()
        .select_by_value("flow_bot")
        .await
        .unwrap();
    click(&c, &format!("#route-save-{row}")).await;
    wait_for(&c, "#routing-error").await;
    assert_eq!(
        text(&c, "#routing-error").await,
        "El chatbot de flujo no puede atender preguntas de preventa: elige la bandeja comercial o el chatbot de IA generativa."
    );
    assert!(
        text(&c, &format!("#route-{row} .route-current"))
            .await
            .starts_with("Bandeja comercial · cualquiera"),
        "the refused choice changed nothing"
    );

    let routing = app.get_json("/api/routing").await;
    let saved = routing
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["seller_id"] == mla && r["category"] == "post_sale_help")
        .unwrap();
    assert_eq!(saved["route"]["target"], "support_department");
    assert_eq!(saved["route"]["team_id"], department);
    c.close().await.unwrap();
}
