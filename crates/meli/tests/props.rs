//! Property tests (issue 7 §7): the tolerant parsers never panic, whatever arrives, and what they
//! accept round-trips. Inputs: arbitrary bytes, the official samples in `tests/fixtures` (copied
//! from Mercado Libre's documentation) mutated byte-wise and value-wise, and generated
//! notifications, ids and amounts. Case counts stay moderate so the file runs in seconds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use meli::{KINDS, Notification, parse_payload};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Every sample file, broken ones included, as text.
fn samples() -> &'static [(String, String)] {
    static SAMPLES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut out = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.to_string_lossy().to_string();
                if path.is_dir() {
                    dirs.push(path);
                } else if name.ends_with(".json") || name.ends_with(".json-broken") {
                    let rel = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .to_string();
                    out.push((rel, std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out.sort();
        assert!(out.len() > 200, "the official samples are there");
        out
    })
}

/// `(sample, kind)` pairs that parse, with their normalized form.
fn accepted() -> &'static [(String, &'static str, Value)] {
    static ACCEPTED: OnceLock<Vec<(String, &'static str, Value)>> = OnceLock::new();
    ACCEPTED.get_or_init(|| {
        let mut out = Vec::new();
        for (rel, text) in samples() {
            for kind in KINDS {
                if let Ok(v) = parse_payload(kind, text) {
                    out.push((rel.clone(), *kind, v));
                }
            }
        }
        assert!(out.len() > 100, "most samples parse as some kind");
        out
    })
}

/// A multiget keeps an entry whose body did not decode as its decoding error (`detail`), so
/// the envelope parses; such an entry is not a well-formed value and its text need not survive.
fn well_formed(kind: &str, v: &Value) -> bool {
    if !kind.ends_with("-multiget") {
        return true;
    }
    v.as_array().is_none_or(|entries| {
        entries
            .iter()
            .all(|e| e["code"] != 200 || e["body"].get("detail").is_none())
    })
}

/// Parsing the normalized form again gives the normalized form: serialize → parse is the
/// identity on what the models accept.
fn assert_round_trips(kind: &str, normalized: &Value, what: &str) {
    let again = parse_payload(kind, &normalized.to_string())
        .unwrap_or_else(|e| panic!("{what} as {kind}: its normalized form does not parse: {e}"));
    assert_eq!(&again, normalized, "{what} as {kind}: not a round trip");
}

#[test]
fn every_accepted_sample_round_trips() {
    let failed: Vec<String> = accepted()
        .iter()
        .filter(|(_, kind, v)| well_formed(kind, v))
        .filter(|(rel, kind, v)| {
            std::panic::catch_unwind(|| assert_round_trips(kind, v, rel)).is_err()
        })
        .map(|(rel, kind, _)| format!("{rel} as {kind}"))
        .collect();
    assert!(failed.is_empty(), "not round trips: {failed:#?}");
}

/// Byte-level damage: flip, delete, insert, truncate.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Delete(usize),
    Insert(usize, u8),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        (
            any::<usize>(),
            prop::sample::select(b"{}[]\",:0123456789-.eE \\nul".to_vec())
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    match *edit {
        Edit::Set(i, b) => {
            let n = bytes.len();
            bytes[i % n] = b;
        }
        Edit::Delete(i) => {
            let n = bytes.len();
            bytes.remove(i % n);
        }
        Edit::Insert(i, b) => {
            let n = bytes.len();
            bytes.insert(i % (n + 1), b);
        }
        Edit::Truncate(i) => {
            let n = bytes.len();
            bytes.truncate(i % n);
        }
    }
}

/// A JSON value of the kinds Mercado Libre puts in fields, with the awkward ones often.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<i64>().prop_map(|n| Value::from(n.to_string())),
        (1i64 << 53..i64::MAX).prop_map(|n| Value::from(n.to_string())),
        "[0-9]{1,30}(\\.[0-9]{1,30})?".prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
        Just(json!("")),
        Just(json!([])),
        Just(json!({})),
        Just(json!("2026-02-30T25:61:00.000-04:00")),
        Just(json!("1e400")),
    ]
}

/// Replaces the `pick`-th value (depth first) of `v` with `new`.
fn replace_nth(v: &mut Value, pick: &mut usize, new: &Value) -> bool {
    if *pick == 0 {
        *v = new.clone();
        return true;
    }
    *pick -= 1;
    match v {
        Value::Array(items) => items.iter_mut().any(|i| replace_nth(i, pick, new)),
        Value::Object(map) => map.values_mut().any(|i| replace_nth(i, pick, new)),
        _ => false,
    }
}

fn sample_index() -> impl Strategy<Value = usize> {
    0..samples().len()
}

fn accepted_index() -> impl Strategy<Value = usize> {
    0..accepted().len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        for kind in KINDS {
            let _ = parse_payload(kind, &text);
        }
        let _ = meli::parse::decode_json::<Notification>(&bytes);
    }

    #[test]
    fn byte_mutated_samples_never_panic(
        i in sample_index(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        let mut bytes = samples()[i].1.clone().into_bytes();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let text = String::from_utf8_lossy(&bytes);
        for kind in KINDS {
            let _ = parse_payload(kind, &text);
        }
    }

    /// A field of an accepted sample swapped for an odd value: the parser either refuses it
    /// with an error or accepts it, and then what it accepted round-trips.
    #[test]
    fn value_mutated_samples_never_panic_and_round_trip(
        i in accepted_index(),
        pick in any::<usize>(),
        new in odd_value(),
    ) {
        let (rel, kind, _) = &accepted()[i];
        let text = &samples().iter().find(|(r, _)| r == rel).unwrap().1;
        let mut v: Value = serde_json::from_str(text).unwrap();
        let mut n = pick % 400;
        replace_nth(&mut v, &mut n, &new);
        if let Ok(normalized) = parse_payload(kind, &v.to_string())
            && well_formed(kind, &normalized)
        {
            assert_round_trips(kind, &normalized, &format!("{rel} with a value set to {new}"));
        }
    }
}

fn topic() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "questions",
        "orders_v2",
        "messages",
        "post_purchase",
        "claims",
        "items",
        "shipments",
        "vis_leads",
    ])
    .prop_map(str::to_owned)
}

/// A number or a numeric string, as Mercado Libre writes ids.
fn id_json(id: i64, as_string: bool) -> Value {
    if as_string {
        Value::from(id.to_string())
    } else {
        Value::from(id)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Well-formed notifications, with ids as numbers or strings (above 2^53 too), resources with
    /// or without their slash: parsed to the same values, and the model round-trips.
    #[test]
    fn notifications_parse_exactly_and_round_trip(
        delivery in "[0-9a-f]{8}-[0-9a-f]{4}",
        topic in topic(),
        resource_id in 1i64..i64::MAX,
        slash in any::<bool>(),
        user_id in 1i64..i64::MAX,
        user_as_string in any::<bool>(),
        app_id in 1i64..i64::MAX,
        app_as_string in any::<bool>(),
        attempts in 1u32..100,
        actions in prop::collection::vec("[a-z_]{1,12}", 0..3),
    ) {
        let resource = format!("{}{topic}/{resource_id}", if slash { "/" } else { "" });
        let body = json!({
            "_id": delivery,
            "resource": resource,
            "user_id": id_json(user_id, user_as_string),
            "topic": topic,
            "application_id": id_json(app_id, app_as_string),
            "attempts": attempts,
            "sent": "2026-05-04T12:34:56.789Z",
            "received": "2026-05-04T12:34:56.000Z",
            "actions": actions,
        });
        let n: Notification = serde_json::from_value(body.clone()).unwrap();
        prop_assert_eq!(n.id.as_deref(), Some(delivery.as_str()));
        prop_assert_eq!(n.user_id, user_id);
        prop_assert_eq!(n.application_id, Some(app_id));
        prop_assert_eq!(&n.resource, &format!("/{topic}/{resource_id}"));
        prop_assert_eq!(&n.actions, &actions);
        let again: Notification = serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
        prop_assert_eq!(&again, &n);
        let normalized = parse_payload("notification", &body.to_string()).unwrap();
        assert_round_trips("notification", &normalized, "generated notification");
    }
}

#[derive(Deserialize)]
struct Ids {
    #[serde(deserialize_with = "meli::de::id")]
    id: i64,
    #[serde(default, deserialize_with = "meli::de::opt_id")]
    other: Option<i64>,
}

#[derive(Deserialize)]
struct Amount {
    #[serde(deserialize_with = "meli::de::decimal")]
    amount: Decimal,
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=10).prop_map(|(m, scale)| Decimal::new(m, scale))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Every i64 id, as a number or a string (padded with spaces too), reads exactly; above
    /// 2^53 nothing passes through a float.
    #[test]
    fn ids_read_exactly_as_numbers_or_strings(id in any::<i64>(), other in any::<i64>()) {
        for (a, b) in [(json!(id), json!(other)), (json!(id.to_string()), json!(other.to_string()))] {
            let v: Ids = serde_json::from_value(json!({"id": a, "other": b})).unwrap();
            prop_assert_eq!(v.id, id);
            prop_assert_eq!(v.other, Some(other));
        }
        let v: Ids = serde_json::from_str(&format!("{{\"id\": \" {id} \", \"other\": \"\"}}")).unwrap();
        prop_assert_eq!(v.id, id);
        prop_assert_eq!(v.other, None);
    }

    /// Whatever text or number arrives as an id, reading it is an answer or an error.
    #[test]
    fn odd_ids_never_panic(v in odd_value()) {
        let _ = serde_json::from_value::<Ids>(json!({"id": v, "other": v}));
    }

    /// Amounts read exactly from their text, as JSON strings and as JSON numbers.
    #[test]
    fn amounts_read_exactly(d in decimal()) {
        let text = d.to_string();
        prop_assert_eq!(meli::de::parse_decimal(&text), Some(d));
        prop_assert_eq!(meli::de::parse_decimal(&format!("  {text} ")), Some(d));
        let v: Amount = serde_json::from_str(&format!("{{\"amount\": \"{text}\"}}")).unwrap();
        prop_assert_eq!(v.amount, d);
    }

    /// Short decimals written as JSON numbers (how prices come) read as the same decimal, not as
    /// the float's binary approximation.
    #[test]
    fn number_amounts_read_as_written(units in -10_000_000i64..10_000_000, cents in 0u32..100) {
        let text = format!("{units}.{cents:02}");
        let v: Amount = serde_json::from_str(&format!("{{\"amount\": {text}}}")).unwrap();
        prop_assert_eq!(v.amount, text.parse::<Decimal>().unwrap());
    }

    #[test]
    fn any_text_as_an_amount_never_panics(s in ".{0,40}") {
        let _ = meli::de::parse_decimal(&s);
        let _ = serde_json::from_value::<Amount>(json!({"amount": s}));
    }
}
