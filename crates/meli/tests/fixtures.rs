//! The official documentation samples (`tests/fixtures/`, see its README)
//! against our models.
//!
//! Every file in the directories the client covers must appear in [`FILES`]
//! or, for the post-sale directories, `samples/post_sale_files.rs` (for
//! `leads/`, `samples/leads.rs`): either
//! parsed as a kind, or listed as not modelled with a reason. A new file
//! makes `every_file_is_accounted_for` fail until someone decides which it
//! is. The post-sale samples' content is checked in `samples/`.

// Helpers outside `#[test]` fns unwrap too; a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
    str::FromStr,
};

use meli::{
    AnswerStatus, ApiErrorBody, Item, ItemStatus, KINDS, MissedFeeds, MultigetEntry, Notification,
    ParseError, Question, QuestionStatus, QuestionsSearch, Resource, Site, TokenResponse,
    TokenType, User, parse_payload,
};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

#[path = "samples/claims.rs"]
mod claims;
#[path = "samples/leads.rs"]
mod leads;
#[path = "samples/messages.rs"]
mod messages;
#[path = "samples/orders.rs"]
mod orders;
#[path = "samples/post_sale_files.rs"]
mod post_sale_files;
#[path = "samples/subjects.rs"]
mod subjects;

const DIRS: &[&str] = &[
    "oauth",
    "notifications",
    "questions",
    "users",
    "items",
    "errors",
    "sites",
    "orders",
    "packs",
    "shipments",
    "billing",
    "messages",
    "claims",
    "leads",
];

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Parse with `parse_payload(kind, …)`.
    Kind(&'static str),
    /// Not a response the connector reads; the reason says why.
    NotModelled(&'static str),
}

use Expect::{Kind, NotModelled};

const FILES: &[(&str, Expect)] = &[
    // oauth
    ("oauth/token-authorization-code.json", Kind("token")),
    ("oauth/token-refresh.json", Kind("token")),
    ("oauth/error-invalid-grant.json", Kind("error")),
    // notifications: every topic parses as a Notification
    (
        "notifications/catalog-item-competition-status.json",
        Kind("notification"),
    ),
    (
        "notifications/catalog-suggestions.json",
        Kind("notification"),
    ),
    (
        "notifications/fbm-stock-operations.json",
        Kind("notification"),
    ),
    ("notifications/flex-handshakes.json", Kind("notification")),
    (
        "notifications/generic-example-items.json",
        Kind("notification"),
    ),
    ("notifications/invoices.json", Kind("notification")),
    ("notifications/items-prices.json", Kind("notification")),
    ("notifications/items.json", Kind("notification")),
    ("notifications/leads-credits.json", Kind("notification")),
    ("notifications/orders-v2.json", Kind("notification")),
    ("notifications/payments.json", Kind("notification")),
    ("notifications/public-candidates.json", Kind("notification")),
    ("notifications/public-offers.json", Kind("notification")),
    ("notifications/questions.json", Kind("notification")),
    ("notifications/shipments.json", Kind("notification")),
    ("notifications/stock-location.json", Kind("notification")),
    (
        "notifications/subtopic-example-vis-leads.json",
        Kind("notification"),
    ),
    (
        "notifications/generic-structure-template.json-broken",
        Kind("notification"),
    ),
    ("notifications/messages.json-broken", Kind("notification")),
    (
        "notifications/post-purchase-claims.json-broken",
        Kind("notification"),
    ),
    (
        "notifications/price-suggestion.json-broken",
        Kind("notification"),
    ),
    (
        "notifications/vis-leads-visit-request-short.json-broken",
        Kind("notification"),
    ),
    ("notifications/vis-leads.json-broken", Kind("notification")),
    (
        "notifications/missed-feeds.json-broken",
        Kind("missed-feeds"),
    ),
    // questions
    ("questions/by-id.json", Kind("question")),
    ("questions/by-id-real-estate-lead.json", Kind("question")),
    ("questions/search-by-item.json", Kind("questions-search")),
    (
        "questions/search-by-item-empty.json",
        Kind("questions-search"),
    ),
    ("questions/response-time-not-found.json", Kind("error")),
    ("questions/by-id-vehicles.json-broken", Kind("question")),
    (
        "questions/search-by-seller.json-broken",
        Kind("questions-search"),
    ),
    (
        "questions/answer-request.json",
        NotModelled("request body of POST /answers; the client builds it"),
    ),
    (
        "questions/create-request.json",
        NotModelled("buyer-side POST /questions request body"),
    ),
    (
        "questions/delete-response.json",
        NotModelled("DELETE /questions response; the connector never deletes questions"),
    ),
    (
        "questions/response-time.json",
        NotModelled("response-time metrics endpoint, not used by the connector"),
    ),
    // users
    ("users/users-me.json", Kind("user")),
    ("users/user-by-id-own.json", Kind("user")),
    ("users/user-by-id-public.json", Kind("user")),
    ("users/user-by-id-reference-page.json", Kind("user")),
    ("users/users-multiget.json", Kind("users-multiget")),
    (
        "users/users-me-reference-page-address-shaped.json",
        NotModelled(
            "the page printed an address object under GET /users/me; it is not a user (see address_shaped_sample_is_not_a_user)",
        ),
    ),
    (
        "users/user-addresses.json",
        NotModelled("GET /users/{id}/addresses, not used by the connector"),
    ),
    (
        "users/user-available-listing-type-gold-special.json",
        NotModelled("listing-type availability, a selling concern"),
    ),
    (
        "users/user-available-listing-types.json",
        NotModelled("listing-type availability, a selling concern"),
    ),
    (
        "users/user-promotion-pack-availability.json",
        NotModelled("classifieds promotion packs, a selling concern"),
    ),
    (
        "users/user-classifieds-promotion-packs-request.json",
        NotModelled("request body of a selling endpoint"),
    ),
    (
        "users/user-update-request.json",
        NotModelled("request body of PUT /users/{id}"),
    ),
    (
        "users/test-user-create-request.json",
        NotModelled("request body of POST /users/test_user"),
    ),
    (
        "users/test-user-create-response.json",
        NotModelled("test-user credentials from POST /users/test_user"),
    ),
    (
        "users/application-by-id.json-broken",
        NotModelled("GET /applications/{id}, not modelled"),
    ),
    (
        "users/user-accepted-payment-methods.json-broken",
        NotModelled("payment methods, a selling concern"),
    ),
    (
        "users/user-brands.json-broken",
        NotModelled("official-store brands, not used by the connector"),
    ),
    (
        "users/user-classifieds-promotion-packs.json-broken",
        NotModelled("classifieds promotion packs, a selling concern"),
    ),
    // items
    ("items/by-id-automatizaciones.json", Kind("item")),
    ("items/by-id-include-attributes-all.json", Kind("item")),
    ("items/by-id-minimal-notifications-page.json", Kind("item")),
    ("items/by-id-precio-por-cantidad.json", Kind("item")),
    ("items/by-id-precios-netos.json", Kind("item")),
    // POST /items answers with the item itself, so it reads as one.
    ("items/create-response-immediate-payment.json", Kind("item")),
    ("items/by-id-compatibilidades-1.json-broken", Kind("item")),
    ("items/by-id-compatibilidades-2.json-broken", Kind("item")),
    ("items/by-id-publica-productos.json-broken", Kind("item")),
    ("items/by-id-re-publica.json-broken", Kind("item")),
    ("items/create-response.json-broken", Kind("item")),
    ("items/multiget.json-broken", Kind("items-multiget")),
    (
        "items/multiget-attributes.json-broken",
        Kind("items-multiget"),
    ),
    (
        "items/user-items-search.json",
        NotModelled("seller listing search (ids only); not used by the connector yet"),
    ),
    (
        "items/user-items-search-health.json",
        NotModelled("seller listing search (ids only); not used by the connector yet"),
    ),
    (
        "items/user-items-search-include-filters.json",
        NotModelled("seller listing search (ids only); not used by the connector yet"),
    ),
    (
        "items/user-items-search-restrictions.json",
        NotModelled("search capability flags, not used"),
    ),
    // errors
    ("errors/403-access-denied.json", Kind("error")),
    ("errors/403-invalid-scopes.json", Kind("error")),
    ("errors/generic-error-format.json-broken", Kind("error")),
    // sites
    ("sites/sites-list.json", Kind("sites")),
    (
        "sites/site-search-limit-3.json-broken",
        NotModelled("marketplace search, not used by the connector"),
    ),
    (
        "sites/site-search-offset-3-limit-3.json-broken",
        NotModelled("marketplace search, not used by the connector"),
    ),
    (
        "sites/site-search-offset-50.json-broken",
        NotModelled("marketplace search, not used by the connector"),
    ),
];

/// Every listed file: this file's table, the post-sale one and the leads one.
fn all_files() -> impl Iterator<Item = &'static (&'static str, Expect)> {
    FILES
        .iter()
        .chain(post_sale_files::FILES)
        .chain(leads::FILES)
}

/// Removes the commas right before a `}` or `]` (outside strings): the
/// documentation's most common slip.
fn without_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ','
            && matches!(
                chars[i + 1..].iter().find(|n| !n.is_whitespace()),
                Some('}' | ']')
            )
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// The in-repository copy of the samples (`crates/meli/tests/fixtures`).
fn docs() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    assert!(
        dir.join("INDEX.md").is_file(),
        "fixtures not found at {} (they are part of the repository: is the checkout complete?)",
        dir.display()
    );
    dir
}

fn read(rel: &str) -> String {
    let path = docs().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn typed<T: DeserializeOwned>(rel: &str) -> T {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn is_broken(rel: &str) -> bool {
    rel.ends_with(".json-broken")
}

/// The `| resource | files | valid JSON |` rows of INDEX.md's summary table.
fn index_summary(index: &str) -> Vec<(String, usize, usize)> {
    index
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            match cells[..] {
                [dir, files, valid] if !dir.starts_with('*') => {
                    Some((dir.to_owned(), files.parse().ok()?, valid.parse().ok()?))
                }
                _ => None,
            }
        })
        .collect()
}

/// The in-repository copy is complete and intact: every directory INDEX.md lists holds exactly
/// its number of files, of which its number of valid JSON (`.json`, parsing) and the rest
/// deliberately broken (`.json-broken`, not parsing); every file INDEX.md lists by name exists and
/// nothing else does.
#[test]
fn fixtures_match_their_index() {
    let root = docs();
    let index = fs::read_to_string(root.join("INDEX.md")).unwrap();
    let summary = index_summary(&index);
    assert_eq!(summary.len(), 16, "resource rows in INDEX.md: {summary:?}");
    for dir in DIRS {
        assert!(
            summary.iter().any(|(d, _, _)| d == dir),
            "INDEX.md lists {dir}"
        );
    }

    let mut on_disk = BTreeSet::new();
    let mut total = 0;
    for (dir, files, valid) in &summary {
        let mut seen = 0;
        let mut parsed = 0;
        for entry in fs::read_dir(root.join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}")) {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let rel = format!("{dir}/{name}");
            let ok = serde_json::from_str::<serde_json::Value>(&read(&rel)).is_ok();
            if is_broken(&rel) {
                assert!(!ok, "{rel} is marked broken but parses");
            } else {
                assert!(name.ends_with(".json"), "unexpected file type: {rel}");
                assert!(ok, "{rel} does not parse");
                parsed += 1;
            }
            seen += 1;
            on_disk.insert(rel);
        }
        assert_eq!(
            (seen, parsed),
            (*files, *valid),
            "{dir}: (files, valid JSON) on disk vs INDEX.md"
        );
        total += seen;
    }
    assert_eq!(total, 260, "files in the copy");

    let mut subdirs = BTreeSet::new();
    for entry in fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if entry.file_type().unwrap().is_dir() {
            subdirs.insert(name);
        } else {
            assert!(
                ["INDEX.md", "README.md"].contains(&name.as_str()),
                "unexpected file at the top of the fixtures: {name}"
            );
        }
    }
    let listed_dirs: BTreeSet<String> = summary.iter().map(|(d, _, _)| d.clone()).collect();
    assert_eq!(subdirs, listed_dirs, "directories on disk vs INDEX.md");

    let listed_files: BTreeSet<String> = index
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        listed_files, on_disk,
        "files INDEX.md lists by name vs on disk"
    );
}

#[test]
fn every_file_is_accounted_for() {
    let root = docs();
    let mut on_disk = BTreeSet::new();
    for dir in DIRS {
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            on_disk.insert(format!("{dir}/{name}"));
        }
    }
    let listed: BTreeSet<String> = all_files().map(|(f, _)| f.to_string()).collect();
    assert_eq!(listed.len(), all_files().count(), "a file is listed twice");
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "new fixture files: map them to a kind or list them as not modelled: {unlisted:?}"
    );
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        missing.is_empty(),
        "listed files no longer exist: {missing:?}"
    );
    for name in &on_disk {
        assert!(
            name.ends_with(".json") || is_broken(name),
            "unexpected file type: {name}"
        );
    }
    for (name, expect) in all_files() {
        if let NotModelled(reason) = expect {
            assert!(
                !reason.trim().is_empty(),
                "{name}: say why it is not modelled"
            );
        }
    }
}

#[test]
fn every_valid_file_of_a_modelled_kind_parses() {
    for (rel, expect) in all_files() {
        if let (Kind(kind), false) = (expect, is_broken(rel)) {
            let out = parse_payload(kind, &read(rel));
            assert!(out.is_ok(), "{rel} as {kind}: {}", out.unwrap_err());
        }
    }
}

#[test]
fn every_broken_file_is_an_error_for_every_kind() {
    for (rel, expect) in all_files().filter(|(f, _)| is_broken(f)) {
        let text = read(rel);
        for kind in KINDS {
            let err = parse_payload(kind, &text).expect_err(rel);
            assert!(!err.to_string().is_empty());
        }
        if let Kind(kind) = expect {
            let err = parse_payload(kind, &text).unwrap_err();
            let msg = err.to_string();
            assert!(msg.starts_with(&format!("{kind}: ")), "{rel}: {msg}");
            match err {
                ParseError::InvalidJson { line, .. } => assert!(line > 0, "{rel}"),
                // A placeholder can fail a field before the syntax error is
                // reached (`"user_id": "id_del_usuario"`); still located.
                ParseError::Invalid { .. } => assert!(msg.contains(" at line "), "{rel}: {msg}"),
                ParseError::UnknownKind(_) => panic!("{rel}: {msg}"),
            }
        }
    }
}

#[test]
fn unmodelled_valid_files_never_panic() {
    // Whatever they parse as, reading them must not crash.
    for (rel, _) in all_files().filter(|(f, e)| !is_broken(f) && matches!(e, NotModelled(_))) {
        let text = read(rel);
        for kind in KINDS {
            let _ = parse_payload(kind, &text);
        }
    }
}

#[test]
fn oauth_tokens_and_error() {
    for rel in [
        "oauth/token-authorization-code.json",
        "oauth/token-refresh.json",
    ] {
        let t: TokenResponse = typed(rel);
        assert_eq!(t.token_type, TokenType::Bearer, "{rel}: lowercase bearer");
        assert_eq!(t.user_id, 1_234_567);
        assert_eq!(t.expires_in, 10_800);
        assert!(t.has_scope("offline_access"));
        assert!(
            t.refresh_token
                .as_deref()
                .is_some_and(|r| r.starts_with("TG-"))
        );
    }
    let e: ApiErrorBody = typed("oauth/error-invalid-grant.json");
    assert_eq!(e.code(), Some("invalid_grant"));
    assert_eq!(e.status(), Some(400));
    assert!(
        e.message()
            .is_some_and(|m| m.starts_with("Error validating grant"))
    );
}

#[test]
fn notifications_of_every_topic() {
    let all: Vec<(&str, Notification)> = all_files()
        .filter(|(f, e)| matches!(e, Kind("notification")) && !is_broken(f))
        .map(|(f, _)| (*f, typed(f)))
        .collect();
    assert_eq!(all.len(), 17);
    for (rel, n) in &all {
        assert!(n.resource.starts_with('/'), "{rel}");
        assert!(n.user_id > 0, "{rel}");
        assert!(n.topic.is_some(), "{rel}");
        assert!(
            n.sent.is_some() && n.received.is_some(),
            "{rel}: sent and received (or recieved)"
        );
    }
    let get = |name: &str| &all.iter().find(|(f, _)| f.ends_with(name)).unwrap().1;

    let q = get("/questions.json");
    assert_eq!(q.user_id, 123_456_789, "user_id as a string");
    assert_eq!(q.question_id(), Some(5_036_111_111));
    assert_eq!(q.application_id, Some(2_069_392_825_111_111));
    assert_eq!(q.id, None);

    let v = get("subtopic-example-vis-leads.json");
    assert_eq!(
        v.id.as_deref(),
        Some("aaa123bbbbb"),
        "`id` instead of `_id`"
    );
    assert_eq!(v.actions, ["visit_request"]);
    assert_eq!(
        v.application_id,
        Some(1_111_111_111_111_111_111),
        "beyond 2^53"
    );
    assert_eq!(
        v.target(),
        Resource::VisLead("93a14ee6-0356-4e20-b0c6-f4ad8f80bfff")
    );

    let c = get("catalog-suggestions.json");
    assert_eq!(
        c.received.unwrap().to_rfc3339(),
        "2021-12-05T17:13:53.617074685+00:00",
        "from `recieved`"
    );

    assert_eq!(
        get("catalog-item-competition-status.json").user_id,
        123_456_789
    );
    assert_eq!(get("/items.json").item_id(), Some("MLA686791111"));
    assert_eq!(
        get("items-prices.json").id.as_deref(),
        Some("f9f08571-1f65-4c46-9e0a-c0f43faas1557e")
    );
    assert_eq!(get("orders-v2.json").order_id(), Some(2_195_160_686));
    assert_eq!(
        get("payments.json").target(),
        Resource::Payment(3_043_111_111)
    );
    assert_eq!(
        get("shipments.json").target(),
        Resource::Shipment(40_546_549_876)
    );
    assert_eq!(get("flex-handshakes.json").attempts, Some(4));
    assert_eq!(
        get("catalog-item-competition-status.json").item_id(),
        None,
        "a sub-resource of an item"
    );
}

#[test]
fn missed_feeds_sample_once_its_missing_bracket_is_restored() {
    let text = read("notifications/missed-feeds.json-broken");
    let end = text.rfind('}').unwrap();
    let repaired = format!("{}]\n}}\n", text[..end].trim_end());
    let feeds: MissedFeeds = serde_json::from_str(&repaired).unwrap();
    assert_eq!(feeds.messages.len(), 2);
    let first = &feeds.messages[0];
    assert_eq!(
        first.notification.message_id(),
        Some("a35cf79864a845ca9a3bf6aee59bb4d7")
    );
    assert_eq!(
        first.notification.application_id,
        Some(3_486_171_129_139_063)
    );
    assert_eq!(first.response_http_code(), Some(400));
    assert_eq!(
        feeds.messages[1].notification.item_id(),
        Some("MLA820048955")
    );
    assert!(parse_payload("missed-feeds", &repaired).is_ok());
}

#[test]
fn questions_by_id() {
    let q: Question = typed("questions/by-id.json");
    assert_eq!(q.id, 11_751_825_075);
    assert_eq!(q.seller_id, 179_571_326);
    assert_eq!(q.asker_id(), Some(56_801_932), "buyer_id");
    assert_eq!(q.item_id, "MLA739200576");
    assert_eq!(q.status, QuestionStatus::Answered);
    assert_eq!(q.app_id, Some(8_304_540_643_508_652));
    assert_eq!(q.date_created.timestamp_subsec_nanos(), 746_608_612);
    assert!(q.last_updated.is_some());
    let a = q.answer.unwrap();
    assert_eq!(a.status, AnswerStatus::Banned);
    assert_eq!(a.text, "", "banned answers come back empty");
    assert_eq!(
        a.date_created.unwrap().offset().local_minus_utc(),
        -4 * 3600
    );

    let r: Question = typed("questions/by-id-real-estate-lead.json");
    assert_eq!(r.id, 12_776_297_658);
    assert_eq!(r.asker_id(), Some(2_678_328));
}

#[test]
fn questions_search() {
    let s: QuestionsSearch = typed("questions/search-by-item.json");
    assert_eq!((s.total, s.limit), (1, Some(50)));
    let q = &s.questions[0];
    assert_eq!(q.id, 11_436_370_259);
    assert_eq!(q.asker_id(), Some(419_067_349), "from.id");
    assert_eq!(q.status, QuestionStatus::Unanswered);
    assert_eq!(q.answer, None);
    assert_eq!(q.date_created.to_rfc3339(), "2020-08-20T13:22:01.600-04:00");
    assert!(s.filters.is_some() && s.available_filters.is_some());

    let e: QuestionsSearch = typed("questions/search-by-item-empty.json");
    assert_eq!(e.total, 0);
    assert!(e.questions.is_empty());
}

#[test]
fn users() {
    let me: User = typed("users/users-me.json");
    assert_eq!(me.id, 202_593_498);
    assert_eq!(me.nickname, "TETE2870021");
    assert_eq!(me.site_id.as_deref(), Some("MLA"));
    assert_eq!(me.email.as_deref(), Some("test_user_50698062@testuser.com"));
    assert_eq!(
        me.identification.as_ref().and_then(|i| i.kind.as_deref()),
        Some("DNI")
    );
    assert_eq!(
        me.registration_date.unwrap().to_rfc3339(),
        "2016-01-06T11:31:42-04:00"
    );
    assert_eq!(me.user_type.as_deref(), Some("real_estate_agency"));

    let public: User = typed("users/user-by-id-public.json");
    assert_eq!(public.email, None);
    assert_eq!(
        public.address.and_then(|a| a.city).as_deref(),
        Some("Palermo")
    );
    assert_eq!(
        public.status.and_then(|s| s.site_status).as_deref(),
        Some("active")
    );

    let own: User = typed("users/user-by-id-own.json");
    assert_eq!(
        own.phone.and_then(|p| p.number).as_deref(),
        Some("1111-1111")
    );

    // The reference page wrote "15: 18: 42.000-04: 00"; the typo is repaired.
    let reference: User = typed("users/user-by-id-reference-page.json");
    assert_eq!(reference.id, 206_946_886);
    assert_eq!(
        reference.registration_date.unwrap().to_rfc3339(),
        "2016-02-24T15:18:42-04:00"
    );

    let multi: Vec<MultigetEntry<User>> = typed("users/users-multiget.json");
    let ids: Vec<i64> = multi.iter().map(|e| e.ok().unwrap().id).collect();
    assert_eq!(ids, [401_114_259, 287_440_999]);
    assert!(multi.iter().all(|e| e.code == 200));
}

#[test]
fn address_shaped_sample_is_not_a_user() {
    let err = parse_payload(
        "user",
        &read("users/users-me-reference-page-address-shaped.json"),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("user: field `status`"), "{err}");
}

#[test]
fn items() {
    let a: Item = typed("items/by-id-automatizaciones.json");
    assert_eq!(a.id, "MLB6713483676");
    assert_eq!(a.seller_id, Some(3_347_552_577), "beyond 32 bits");
    assert_eq!(a.price, Some(dec("50000.0")));
    assert_eq!(a.base_price, Some(dec("50000")));
    assert_eq!(a.original_price, None);
    assert_eq!(a.status, Some(ItemStatus::Active));
    assert_eq!(
        a.pictures[0].id.as_deref(),
        Some("800206-MLB95151503674_102025")
    );
    assert_eq!(a.attributes.len(), 29);
    assert_eq!(
        a.attributes
            .iter()
            .find(|x| x.id == "BRAND")
            .and_then(|x| x.value_name.as_deref()),
        Some("Michelin")
    );
    assert_eq!(
        a.date_created.unwrap().to_rfc3339(),
        "2026-05-04T20:33:44.027+00:00"
    );
    assert_eq!(a.site_prefix(), Some("MLB"));

    let all: Item = typed("items/by-id-include-attributes-all.json");
    assert_eq!(all.price, Some(dec("99999")));
    assert_eq!(all.currency_id.as_deref(), Some("ARS"));
    assert!(all.best_thumbnail().unwrap().starts_with("https://"));
    assert_eq!(all.seller_id, Some(1_108_966_308));

    let minimal: Item = typed("items/by-id-minimal-notifications-page.json");
    assert_eq!(minimal.price, Some(dec("100")));
    assert_eq!(
        (minimal.available_quantity, minimal.sold_quantity),
        (Some(10), Some(2))
    );
    assert_eq!(minimal.seller_id, None);

    let netos: Item = typed("items/by-id-precios-netos.json");
    assert_eq!(
        netos.id, "MLB5593631496",
        "the body's id, not the requested one"
    );
    assert_eq!(netos.price, Some(dec("399")));

    let created: Item = typed("items/create-response-immediate-payment.json");
    assert_eq!(created.id, "MLB1548991737");
    assert_eq!(created.price, Some(dec("10")));

    let v = parse_payload("item", &read("items/by-id-precio-por-cantidad.json")).unwrap();
    assert_eq!(v["price"], "280", "money prints as an exact decimal string");
    assert_eq!(v["seller_id"], 532_833_708);
}

#[test]
fn error_bodies() {
    let denied: ApiErrorBody = typed("errors/403-access-denied.json");
    assert_eq!(denied.code(), Some("access_denied"));
    assert_eq!(
        denied.message(),
        Some("access to the requested resource is forbidden")
    );
    assert_eq!(denied.status(), Some(403));
    let scopes: ApiErrorBody = typed("errors/403-invalid-scopes.json");
    assert_eq!(scopes.code(), Some("FORBIDDEN"));
    assert_eq!(scopes.message(), Some("Invalid scopes"));
    let nf: ApiErrorBody = typed("questions/response-time-not-found.json");
    assert_eq!((nf.code(), nf.status()), (Some("not_found"), Some(404)));
}

#[test]
fn error_bodies_from_other_resources() {
    // leads, claims and messages use the other documented shapes.
    let root = docs();
    let mut seen = 0;
    for dir in ["leads", "claims", "messages"] {
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if !(name.contains("error") && name.ends_with(".json")) {
                continue;
            }
            let rel = format!("{dir}/{name}");
            let text = read(&rel);
            parse_payload("error", &text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let body = ApiErrorBody::from_bytes(text.as_bytes());
            assert!(
                body.code().is_some() || body.message().is_some(),
                "{rel}: {body:?}"
            );
            seen += 1;
        }
    }
    assert!(seen > 20, "only {seen} error samples found");
    let pa: ApiErrorBody = typed("leads/error-policy-agent-403.json");
    assert_eq!(pa.code(), Some("PA_UNAUTHORIZED_RESULT_FROM_POLICIES"));
    assert_eq!(pa.blocked_by.as_deref(), Some("PolicyAgent"));
    let blocked: ApiErrorBody = typed("messages/send-error-403-blocked.json");
    assert_eq!(
        (blocked.code(), blocked.status()),
        (Some("forbidden"), Some(403))
    );
}

#[test]
fn sites() {
    let sites: Vec<Site> = typed("sites/sites-list.json");
    assert_eq!(sites.len(), 19);
    let currency = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| s.default_currency_id.clone())
    };
    assert_eq!(currency("MLA").as_deref(), Some("ARS"));
    assert_eq!(currency("MEC").as_deref(), Some("USD"));
    let one = serde_json::to_string(&sites[0]).unwrap();
    assert!(parse_payload("site", &one).is_ok());
}
