//! The web UI in each of its languages, over HTTP as a browser would ask for it.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};

async fn signed_in_browser(app: &TestApp) -> reqwest::Client {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = browser
        .post(format!("{}/login", app.url))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    browser
}

async fn page(browser: &reqwest::Client, url: &str, accept_language: &str) -> String {
    let resp = browser
        .get(url)
        .header("accept-language", accept_language)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    resp.text().await.unwrap()
}

#[tokio::test]
async fn the_inbox_and_stores_pages_render_in_each_language() {
    let app = TestApp::spawn().await;
    let (qid, _) = app.ask("MLA", "¿Tienen talle M?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    let id = app.conversation_for(qid).await["id"].as_i64().unwrap();
    let browser = signed_in_browser(&app).await;
    let inbox = format!("{}/inbox/{id}", app.url);
    let stores = format!("{}/stores", app.url);
    for (accept, lang, words, store_words) in [
        (
            "es-MX,es;q=0.9",
            "es",
            [
                "Bandeja de entrada",
                "Preventa · Preguntas y respuestas",
                "Enviar respuesta",
                "America/Argentina/Buenos_Aires",
            ],
            [
                "Tiendas",
                "Conectada",
                "Conectar con Mercado Libre",
                "Brasil (MLB)",
            ],
        ),
        (
            "pt-BR,pt;q=0.9,en;q=0.5",
            "pt-BR",
            [
                "Caixa de entrada",
                "Pré-venda · Perguntas e respostas",
                "Enviar resposta",
                "Ver anúncio no Mercado Livre",
            ],
            [
                "Lojas",
                "Conectada",
                "Conectar com o Mercado Livre",
                "Colômbia (MCO)",
            ],
        ),
        (
            "fr-FR,en;q=0.8",
            "en",
            [
                "Inbox",
                "Pre-sale · Questions &#38; Answers",
                "Send answer",
                "View listing on Mercado Libre",
            ],
            [
                "Stores",
                "Connected",
                "Connect with Mercado Libre",
                "Brazil (MLB)",
            ],
        ),
    ] {
        let html = page(&browser, &inbox, accept).await;
        assert!(
            html.contains(&format!("<html lang=\"{lang}\">")),
            "{accept}"
        );
        for w in words {
            assert!(html.contains(w), "{accept}: {w}");
        }
        let html = page(&browser, &stores, accept).await;
        for w in store_words {
            assert!(html.contains(w), "{accept}: {w}");
        }
    }
}

#[tokio::test]
async fn the_switcher_remembers_the_choice_over_the_browser_language() {
    let app = TestApp::spawn_unconnected().await;
    let browser = signed_in_browser(&app).await;
    let switched = browser
        .post(format!("{}/settings/language", app.url))
        .form(&[("lang", "en"), ("next", "/stores?x=1")])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 303);
    assert_eq!(switched.headers()["location"], "/stores?x=1");
    let cookie = switched.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("mostrador_lang=en"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    let html = page(&browser, &format!("{}/stores", app.url), "pt-BR").await;
    assert!(
        html.contains("<h1>Stores</h1>"),
        "the choice wins over Accept-Language"
    );

    let elsewhere = browser
        .post(format!("{}/settings/language", app.url))
        .form(&[("lang", "es"), ("next", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.headers()["location"], "/inbox", "never off-site");
    let unknown = browser
        .post(format!("{}/settings/language", app.url))
        .form(&[("lang", "klingon")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("La solicitud no es válida."),
        "a readable page, in the language chosen just before"
    );
    let cross_site = browser
        .post(format!("{}/settings/language", app.url))
        .header("sec-fetch-site", "cross-site")
        .form(&[("lang", "pt-BR")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403, "CSRF-checked like every form");
}

#[tokio::test]
async fn the_json_api_keeps_its_machine_words_whatever_the_language() {
    let app = TestApp::spawn().await;
    let resp = app
        .http
        .get(format!("{}/api/conversations?status=closed", app.url))
        .bearer_auth(&app.token)
        .header("accept-language", "pt-BR")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_filter");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown status")
    );
}
