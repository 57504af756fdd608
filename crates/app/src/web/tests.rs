use super::*;
use crate::i18n::Lang;
use chrono::{Duration, Utc};
use domain::{Author, Category, ConversationStatus, DeliveryStatus, Role};

/// A message that exists reads as itself, not as its key (given any variable it may use).
fn defined(lang: Lang, key: &str) -> bool {
    let args = ["limit", "seconds", "n"].map(|name| (name, FluentValue::from(1)));
    lang.t_with(key, &args) != key
}

#[test]
fn every_word_built_from_a_code_has_a_message_in_every_language() {
    let mut keys = Vec::new();
    for c in [
        Category::PreSaleQuestion,
        Category::PostSaleHelp,
        Category::Claim,
    ] {
        keys.push(format!("category-{}", c.as_str()));
        keys.push(format!("badge-{}", c.as_str()));
    }
    for s in [
        ConversationStatus::Open,
        ConversationStatus::Waiting,
        ConversationStatus::Resolved,
    ] {
        keys.push(format!("status-{}", s.as_str()));
    }
    for a in [
        Author::Buyer,
        Author::Agent,
        Author::Bot,
        Author::Mediator,
        Author::Seller,
    ] {
        keys.push(format!("author-{}", a.as_str()));
    }
    for d in [
        DeliveryStatus::Received,
        DeliveryStatus::Pending,
        DeliveryStatus::Sent,
        DeliveryStatus::Failed,
    ] {
        keys.push(format!("delivery-{}", d.as_str()));
    }
    for h in [
        store::ConnectionHealth::Connected,
        store::ConnectionHealth::NeedsReauth,
        store::ConnectionHealth::Disconnected,
    ] {
        keys.push(format!("health-{}", h.as_str()));
    }
    for r in [Role::Admin, Role::Agent] {
        keys.push(format!("role-{}", r.as_str()));
    }
    for site in domain::site::SITES {
        keys.push(format!("country-{}", site.code));
    }
    for status in [
        None,
        Some("CLOSED_UNANSWERED"),
        Some("DELETED"),
        Some("BANNED"),
        Some("DISABLED"),
    ] {
        keys.push(format!(
            "locked-{}",
            domain::rules::question_locked_code(status)
        ));
    }
    for code in [
        "already_answered",
        "empty",
        "too_long",
        "wrong_channel",
        "timeout",
        "invalid_path",
        "whatever",
    ] {
        keys.push(error_key(code).to_string());
    }
    for lang in Lang::ALL {
        for key in &keys {
            assert!(defined(lang, key), "{}: {key}", lang.code());
        }
    }
}

#[test]
fn the_login_and_error_pages_render_in_each_language() {
    for (lang, title, message) in [
        (Lang::Es, "Iniciar sesión", "Esta página no existe."),
        (Lang::PtBr, "Entrar", "Esta página não existe."),
        (Lang::En, "Log in", "This page does not exist."),
    ] {
        let login = LoginPageForTest(lang).render();
        assert!(login.contains(&format!("<html lang=\"{}\">", lang.code())));
        assert!(login.contains(&format!("<h1>{title}</h1>")), "{login}");
        assert!(login.contains("aria-current=\"true\""));
        let response = error_page(
            lang,
            "/nowhere".into(),
            StatusCode::NOT_FOUND,
            "not_found",
            None,
        );
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body = futures_util::FutureExt::now_or_never(axum::body::to_bytes(
            response.into_body(),
            usize::MAX,
        ))
        .unwrap()
        .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains(message), "{body}");
        assert!(
            body.contains("value=\"/nowhere\""),
            "the switcher comes back"
        );
    }
}

/// The login page, rendered the way its handler renders it.
struct LoginPageForTest(Lang);

impl LoginPageForTest {
    fn render(&self) -> String {
        let response =
            futures_util::FutureExt::now_or_never(login::page(Ui::new(self.0, "/login"))).unwrap();
        let body = futures_util::FutureExt::now_or_never(axum::body::to_bytes(
            response.into_body(),
            usize::MAX,
        ))
        .unwrap()
        .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }
}

#[test]
fn errors_read_with_their_numbers() {
    assert_eq!(
        error_sentence(Lang::Es, "too_long", None),
        "La respuesta supera los 2000 caracteres que acepta Mercado Libre."
    );
    assert_eq!(
        error_sentence(Lang::PtBr, "too_many_requests", Some(12)),
        "Muitas tentativas. Tente novamente em 12 segundos."
    );
    assert_eq!(
        error_sentence(Lang::En, "<script>", None),
        "Something went wrong; please try again.",
        "unknown codes read as the generic sentence"
    );
}

#[test]
fn waiting_labels_are_worded_per_language() {
    let now = Utc::now();
    let label = |lang, minutes| thread::waiting_label(lang, now - Duration::minutes(minutes), now);
    assert_eq!(label(Lang::Es, 0), "ahora");
    assert_eq!(label(Lang::PtBr, 0), "agora");
    assert_eq!(label(Lang::En, 5), "5 min");
    assert_eq!(label(Lang::Es, 125), "2 h");
    assert_eq!(label(Lang::Es, 3000), "2 d");
}

#[test]
fn the_switcher_only_goes_back_to_our_own_pages() {
    assert_eq!(
        local_path(Some("/inbox/3?status=open")),
        "/inbox/3?status=open"
    );
    for bad in [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "inbox",
        "/in box",
        "/ñ",
    ] {
        assert_eq!(local_path(Some(bad)), "/inbox", "{bad}");
    }
    assert_eq!(local_path(None), "/inbox");
}

#[test]
fn every_desk_word_built_from_a_code_has_a_message_in_every_language() {
    use domain::routing::{Module, TeamKind};
    let mut keys = Vec::new();
    for code in ["question", "help", "claim"] {
        keys.push(format!("interaction-{code}"));
    }
    for m in [Module::Commercial, Module::Support, Module::Bot] {
        keys.push(format!("module-{}", m.as_str()));
        keys.push(format!("tab-{}", m.as_str()));
    }
    keys.push("tab-all".into());
    for k in [TeamKind::Group, TeamKind::Department] {
        keys.push(format!("team-kind-{}", k.as_str()));
    }
    for r in ["unknown", "yes", "no"] {
        keys.push(format!("claim-reputation-{r}"));
    }
    for route in ["flow_bot", "generative_bot"] {
        keys.push(format!("route-{route}"));
    }
    for part in [
        "total",
        "weekdays_working_hours",
        "weekdays_extra_hours",
        "weekend",
    ] {
        keys.push(format!("meli-time-{part}"));
    }
    for role in ["complainant", "mediator"] {
        keys.push(format!("receiver-{role}"));
    }
    for reason in ["PERSONAL_DATA", "SOCIAL_NETWORK_LINK", "LINK_SHORT_URL"] {
        keys.push(format!("moderation-reason-{reason}"));
    }
    for substatus in [
        "blocked_by_time",
        "blocked_by_mediation",
        "blocked_by_cancelled_order",
        "blocked_by_payment",
        "blocked_by_fulfillment",
    ] {
        keys.push(format!("blocked-{substatus}"));
    }
    for code in [
        "not_buyer_started",
        "blocked",
        "no_claim_action",
        "unsupported_character",
        "no_cap_available",
        "flow_bot_on_pre_sale",
        "classification_bot_not_offered",
        "wrong_team_kind",
        "team_name_taken",
        // The guard's reason codes.
        "asks_personal_data",
        "phone_number",
        "email",
        "social_media",
        "external_link",
        "off_platform_payment",
    ] {
        let key = error_key(code);
        assert_ne!(key, "error-generic", "{code} has its own sentence");
        keys.push(key.to_string());
    }
    for lang in Lang::ALL {
        for key in &keys {
            assert!(defined(lang, key), "{}: {key}", lang.code());
        }
    }
}

#[test]
fn mercado_libre_words_we_do_not_know_read_raw() {
    let ui = Ui::new(Lang::Es, "/");
    assert_eq!(
        ui.word("blocked", "blocked_by_mediation"),
        "hay una mediación en curso"
    );
    assert_eq!(ui.word("blocked", "blocked_by_aliens"), "blocked_by_aliens");
    assert_eq!(
        ui.word("moderation-reason", "PERSONAL_DATA"),
        "datos personales"
    );
    assert_eq!(
        ui.word("moderation-reason", "EVASION_CLAIM_SELLER"),
        "EVASION_CLAIM_SELLER"
    );
}

#[test]
fn durations_read_in_the_largest_two_units() {
    let d = |secs| thread::duration(Lang::En, secs);
    assert_eq!(d(42), "42 s");
    assert_eq!(d(12 * 60 + 5), "12 min");
    assert_eq!(d(3600), "1 h");
    assert_eq!(d(3 * 3600 + 5 * 60), "3 h 5 min");
    assert_eq!(d(2 * 86_400), "2 d");
    assert_eq!(d(2 * 86_400 + 4 * 3600 + 59), "2 d 4 h");
    assert_eq!(d(-5), "0 s");
}

#[test]
fn a_too_long_message_names_its_channel_limit() {
    assert_eq!(
        error_sentence_with_limit(Lang::En, "too_long", None, 350),
        "The answer is longer than the 350 characters Mercado Libre accepts."
    );
}
