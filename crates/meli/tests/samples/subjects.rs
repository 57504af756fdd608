//! `Notification::subject` over every notification sample; the broken ones
//! are read once their slips are repaired.

use meli::{MissedFeeds, Notification, Subject};

use super::{read, typed};

/// Each valid sample and its subject.
fn subjects() -> Vec<(&'static str, Subject)> {
    vec![
        (
            "notifications/questions.json",
            Subject::Question(5_036_111_111),
        ),
        (
            "notifications/orders-v2.json",
            Subject::Order(2_195_160_686),
        ),
        (
            "notifications/catalog-item-competition-status.json",
            Subject::Other,
        ),
        ("notifications/catalog-suggestions.json", Subject::Other),
        ("notifications/fbm-stock-operations.json", Subject::Other),
        ("notifications/flex-handshakes.json", Subject::Other),
        ("notifications/generic-example-items.json", Subject::Other),
        ("notifications/invoices.json", Subject::Other),
        ("notifications/items-prices.json", Subject::Other),
        ("notifications/items.json", Subject::Other),
        ("notifications/leads-credits.json", Subject::Other),
        ("notifications/payments.json", Subject::Other),
        ("notifications/public-candidates.json", Subject::Other),
        ("notifications/public-offers.json", Subject::Other),
        ("notifications/shipments.json", Subject::Other),
        ("notifications/stock-location.json", Subject::Other),
        (
            "notifications/subtopic-example-vis-leads.json",
            Subject::Lead("93a14ee6-0356-4e20-b0c6-f4ad8f80bfff".into()),
        ),
    ]
}

#[test]
fn every_valid_notification_sample() {
    let subjects = subjects();
    for (rel, subject) in &subjects {
        let n: Notification = typed(rel);
        assert_eq!(&n.subject(), subject, "{rel}");
    }
    let valid = std::fs::read_dir(super::docs().join("notifications"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".json")
        })
        .count();
    assert_eq!(subjects.len(), valid, "a subject for every valid sample");
}

fn repaired(rel: &str, fixes: &[(&str, &str)]) -> Notification {
    let mut text = read(rel);
    for (from, to) in fixes {
        assert!(text.contains(from), "{rel}: {from}");
        text = text.replace(from, to);
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}\n{text}"))
}

#[test]
fn every_broken_notification_sample_once_repaired() {
    // Doubled quote opening the id, and the actions written as alternatives.
    for action in ["created", "read"] {
        let alternatives = format!("[\"{action}\"],");
        let n = repaired(
            "notifications/messages.json-broken",
            &[
                ("\"\"5e28", "\"5e28"),
                ("[\"created\"], o  [\"read\"]", &alternatives),
            ],
        );
        assert_eq!(
            n.subject(),
            Subject::Message("3f6da1e35ac84f70a24af7360d24c7bc".into())
        );
        assert_eq!(n.actions, [action]);
    }
    // Same slips, and the resource without its opening quote.
    for action in ["claims", "claims_actions"] {
        let alternatives = format!("[\"{action}\"],");
        let n = repaired(
            "notifications/post-purchase-claims.json-broken",
            &[
                ("\"\"5e28", "\"5e28"),
                (
                    "\"resource\": post-purchase",
                    "\"resource\": \"post-purchase",
                ),
                ("[\"claims\"], o  [\"claims_actions\"]", &alternatives),
            ],
        );
        assert_eq!(n.subject(), Subject::Claim(5_108_684_499), "{action}");
    }
    let n = repaired(
        "notifications/vis-leads.json-broken",
        &[(
            "[\"whatsapp\"], |  [\"call\"], | [\"question\"], | [\"visit_request\"], | [\"contact_request\"], |  [\"reservation\"], |  [\"quotations\"]",
            "[\"question\"],",
        )],
    );
    assert_eq!(
        n.subject(),
        Subject::Lead("14b52fd8-85dc-11eb-8436-2753cb1f9665".into())
    );
    let n = repaired(
        "notifications/vis-leads-visit-request-short.json-broken",
        &[("}'", "}")],
    );
    assert_eq!(
        (n.topic.as_deref(), n.subject()),
        (
            None,
            Subject::Lead("93a14ee6-0356-4e20-b0c6-f4ad8f80bkikfff".into())
        )
    );
    let n = repaired(
        "notifications/price-suggestion.json-broken",
        &[("details\u{201d}", "details\"")],
    );
    assert_eq!(n.subject(), Subject::Other);
    // Every value is a placeholder (`"user_id": "id_del_usuario"`): nothing to repair.
    assert!(
        serde_json::from_str::<Notification>(&read(
            "notifications/generic-structure-template.json-broken"
        ))
        .is_err()
    );

    let text = read("notifications/missed-feeds.json-broken");
    let end = text.rfind('}').unwrap();
    let feeds: MissedFeeds =
        serde_json::from_str(&format!("{}]\n}}\n", text[..end].trim_end())).unwrap();
    let subjects: Vec<Subject> = feeds
        .messages
        .iter()
        .map(|f| f.notification.subject())
        .collect();
    assert_eq!(
        subjects,
        [
            Subject::Message("a35cf79864a845ca9a3bf6aee59bb4d7".into()),
            Subject::Other
        ]
    );
}
