//! The slice in a real browser (Debian's chromium + chromium-driver), in Spanish as the browser
//! asks: log in, open the question, watch the character counter, answer, see the composer locked,
//! then switch the page to Portuguese.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The first of `names` found on `PATH`, as a full path.
fn on_path(names: &[&str]) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
            .map(|p| p.display().to_string())
    })
}

fn env_is_1(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v.trim() == "1")
}

/// The chromedriver and chromium binaries, or `None` when the browser test is skipped.
///
/// It skips only when told to: `MOSTRADOR_SKIP_BROWSER=1` (then it says so), which
/// `MOSTRADOR_REQUIRE_BROWSER=1` (CI) refuses. Otherwise a missing chromium or chromedriver fails
/// the test, saying how to install them or skip it.
pub fn browser_binaries() -> Option<(String, String)> {
    if env_is_1("MOSTRADOR_SKIP_BROWSER") {
        assert!(
            !env_is_1("MOSTRADOR_REQUIRE_BROWSER"),
            "MOSTRADOR_SKIP_BROWSER=1 contradicts MOSTRADOR_REQUIRE_BROWSER=1: unset one of them"
        );
        println!("SKIPPED: browser test (MOSTRADOR_SKIP_BROWSER=1)");
        eprintln!("SKIPPED: browser test (MOSTRADOR_SKIP_BROWSER=1)");
        return None;
    }
    let chromedriver = on_path(&["chromedriver"]);
    let chromium = on_path(&["chromium", "chromium-browser"]);
    match chromedriver.zip(chromium) {
        Some(found) => Some(found),
        None => panic!(
            "the browser test needs chromium and chromedriver on PATH (Debian: apt-get install \
             chromium chromium-driver); set MOSTRADOR_SKIP_BROWSER=1 to skip it"
        ),
    }
}

/// What must outlive the browser session: chromedriver (killed on drop) and the profile.
pub struct Session {
    _driver: Driver,
    _profile: tempfile::TempDir,
}

/// Starts chromedriver and a headless Chromium that asks for Spanish, as the project's agents'
/// browsers mostly do.
pub async fn start_browser(
    chromedriver: String,
    chromium: String,
) -> (fantoccini::Client, Session) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let driver = Driver(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver"),
    );
    let profile = tempfile::tempdir().unwrap();
    // A Spanish-speaking browser: its Accept-Language is what picks the UI's language.
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--lang=es", format!("--user-data-dir={}", profile.path().display())],
            "prefs": { "intl.accept_languages": "es-AR,es" }
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let mut client = None;
    for _ in 0..50 {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let c = client.expect("connecting to chromedriver");
    (
        c,
        Session {
            _driver: driver,
            _profile: profile,
        },
    )
}

/// Opens the inbox, is sent to the login page (in Spanish), and logs in as the admin.
pub async fn log_in(c: &fantoccini::Client, app: &TestApp) {
    c.goto(&format!("{}/inbox", app.url)).await.unwrap();
    assert!(
        c.current_url().await.unwrap().path().ends_with("/login"),
        "unauthenticated inbox redirects to login"
    );
    assert_eq!(text(c, "h1").await, "Iniciar sesión");
    assert_eq!(text(c, "#login").await, "Ingresar");
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(ADMIN_EMAIL)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(ADMIN_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("conversation-list"))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_agent_answers_in_the_browser_and_the_box_locks() {
    let Some((chromedriver, chromium)) = browser_binaries() else {
        return;
    };
    let app = TestApp::spawn().await;
    let (qid, _) = app.ask("MLB", "Olá! Esse produto tem garantia?").await;
    app.wait_for_notifications(1).await;
    app.drain().await;
    let id = app.conversation_for(qid).await["id"].as_i64().unwrap();

    let (c, _session) = start_browser(chromedriver, chromium).await;

    log_in(&c, &app).await;

    // Live updates: a question that arrives while the inbox is open shows up without a reload.
    c.wait()
        .for_element(Locator::Css("body[data-live=\"on\"]"))
        .await
        .unwrap();
    let (live_qid, _) = app.ask("MLA", "¿Hacen envíos a Córdoba?").await;
    app.wait_for_notifications(2).await;
    app.drain().await;
    let live_id = app.conversation_for(live_qid).await["id"].as_i64().unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!(
            "#conversation-list a[data-conversation=\"{live_id}\"]"
        )))
        .await
        .expect("the new question appears without reloading");

    c.find(Locator::Css(&format!(
        "#conversation-list a[data-conversation=\"{id}\"]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Id("ctx-origin"))
        .await
        .unwrap();
    assert_eq!(text(&c, "#ctx-origin").await, "Mercado Libre");
    assert_eq!(
        text(&c, "#ctx-category").await,
        "Preventa · Preguntas y respuestas"
    );
    assert_eq!(text(&c, "#ctx-zone").await, "America/Sao_Paulo");
    assert_eq!(text(&c, "#send-answer").await, "Enviar respuesta");
    let asked_at = text(&c, ".message.inbound time").await;
    assert!(
        asked_at.len() == 16 && asked_at.as_bytes()[2] == b'/' && asked_at.as_bytes()[5] == b'/',
        "day first, in the store's zone: {asked_at}"
    );
    assert!(
        !c.find(Locator::Id("ctx-title"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .is_empty()
    );
    let price = c
        .find(Locator::Id("ctx-price"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        price.starts_with("R$ ") && price.ends_with(" · BRL") && price.contains(','),
        "Brazilian price style: {price}"
    );
    let link = c
        .find(Locator::Id("ctx-permalink"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        link.starts_with("https://produto.mercadolivre.com.br/MLB-"),
        "{link}"
    );
    let thumbnail_width = c
        .execute(
            "return document.getElementById('ctx-thumbnail').naturalWidth",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        thumbnail_width.as_u64().is_some_and(|w| w > 0),
        "the thumbnail loads under the Content-Security-Policy: {thumbnail_width}"
    );

    let answer = "Olá! Sim, garantia de fábrica de 12 meses.";
    let box_ = c.find(Locator::Id("answer-text")).await.unwrap();
    box_.send_keys(answer).await.unwrap();
    let counter = c
        .find(Locator::Id("char-counter"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        counter,
        format!("{} / 2000", answer.chars().count()),
        "live counter"
    );
    c.find(Locator::Id("send-answer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    c.wait()
        .for_element(Locator::Id("composer-locked"))
        .await
        .unwrap();
    let locked = c.find(Locator::Id("answer-text")).await.unwrap();
    assert!(
        !locked.is_enabled().await.unwrap(),
        "the answer box is read-only"
    );
    assert!(
        c.find(Locator::Id("send-answer")).await.is_err(),
        "no send button once answered"
    );
    assert_eq!(
        text(&c, "#composer-locked").await,
        "Esta pregunta ya tiene su respuesta: Mercado Libre permite una sola respuesta por pregunta."
    );
    let page = c.source().await.unwrap();
    assert!(page.contains(answer));
    assert!(page.contains("<html lang=\"es\">"));

    // Delivered: the thread shows it without a reload.
    c.wait()
        .for_element(Locator::Css("body[data-live=\"on\"]"))
        .await
        .unwrap();
    app.drain().await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".message.outbound.delivery-sent"))
        .await
        .expect("the delivered answer shows without reloading");
    assert_eq!(text(&c, ".message.outbound .delivery").await, "enviado");

    // The switcher: Portuguese from now on, on this page and the next.
    c.find(Locator::Id("lang-pt-BR"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=\"pt-BR\"]"))
        .await
        .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&format!("/inbox/{id}")),
        "back on the same conversation"
    );
    assert_eq!(
        text(&c, "#ctx-category").await,
        "Pré-venda · Perguntas e respostas"
    );
    assert_eq!(text(&c, "#ctx-origin").await, "Mercado Livre");
    c.goto(&format!("{}/stores", app.url)).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Lojas");
    c.close().await.unwrap();
}

pub async fn text(c: &fantoccini::Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}
