//! `mostrador guard` as a batch user runs it: JSON lines in, one verdict line out per line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn guard(input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mostrador"))
        .arg("guard")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn one_verdict_per_line_in_order_and_errors_in_place() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"text\": \"Hola, hay stock en talle 42\"}\n");
    input.extend_from_slice(
        "{\"text\": \"Llamame al 11 5555-0000 o escribime a ventas arroba tienda punto com\"}\r\n"
            .as_bytes(),
    );
    input.extend_from_slice(b"not json\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"texto\": \"sin campo text\"}\n");
    input.extend_from_slice(b"{\"text\": \"\xff\xfe\"}\n");
    input.extend_from_slice(
        "{\"text\": \"Faz o pix que eu libero hoje\", \"label\": \"block\"}".as_bytes(),
    );
    let out = guard(&input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = lines(&out);
    assert_eq!(v.len(), 7, "one line per input line: {v:?}");
    assert_eq!(v[0], serde_json::json!({"allowed": true, "reasons": []}));
    assert_eq!(
        v[1],
        serde_json::json!({"allowed": false, "reasons": ["phone_number", "email"]})
    );
    for (i, bad) in [(2, "line 3"), (3, "line 4"), (4, "line 5"), (5, "line 6")] {
        let message = v[i]["error"].as_str().unwrap_or_default();
        assert!(message.starts_with(bad), "{i}: {:?}", v[i]);
        assert!(v[i].get("allowed").is_none());
    }
    assert_eq!(
        v[6],
        serde_json::json!({"allowed": false, "reasons": ["off_platform_payment"]}),
        "the last line needs no line end, and other fields are ignored"
    );
}

#[test]
fn the_shared_examples_pass_through_unchanged() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../domain/tests/data/guard-examples.jsonl");
    let data = std::fs::read(&path).unwrap();
    let out = guard(&data);
    assert!(out.status.success());
    let verdicts = lines(&out);
    let examples: Vec<serde_json::Value> = String::from_utf8(data)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), examples.len());
    for (example, verdict) in examples.iter().zip(&verdicts) {
        let refused = !verdict["allowed"].as_bool().unwrap();
        assert_eq!(
            refused,
            example["label"] == "block",
            "{example} → {verdict}"
        );
        assert_eq!(refused, !verdict["reasons"].as_array().unwrap().is_empty());
    }
}

#[test]
fn empty_input_is_no_output() {
    let out = guard(b"");
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
}
