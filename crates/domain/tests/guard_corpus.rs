//! Precision and recall of the guard's refusals on labelled texts (`tests/data/README.md`).
//! The floors are what the guard meets today; a change that lowers them fails here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::guard::{Reason, check};
use serde::Deserialize;

#[derive(Deserialize)]
struct Example {
    text: String,
    label: String,
    #[serde(default)]
    reasons: Vec<Reason>,
}

struct Score {
    true_pos: usize,
    false_pos: usize,
    false_neg: usize,
    true_neg: usize,
    /// Refused texts whose every expected reason was given.
    reasons_right: usize,
    /// Refused texts labelled with reasons.
    reasons_labelled: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        self.true_pos as f64 / (self.true_pos + self.false_pos).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.true_pos as f64 / (self.true_pos + self.false_neg).max(1) as f64
    }
}

fn score(file: &str) -> Score {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let data = std::fs::read_to_string(&path).expect("labelled data");
    let mut s = Score {
        true_pos: 0,
        false_pos: 0,
        false_neg: 0,
        true_neg: 0,
        reasons_right: 0,
        reasons_labelled: 0,
    };
    for (n, line) in data
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let ex: Example =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", n + 1));
        let want_block = match ex.label.as_str() {
            "block" => true,
            "allow" => false,
            other => panic!("{file}:{}: label {other:?}", n + 1),
        };
        let verdict = check(&ex.text);
        let codes: Vec<&str> = verdict.reasons.iter().map(|r| r.code()).collect();
        match (want_block, !verdict.allowed) {
            (true, true) => s.true_pos += 1,
            (false, true) => {
                s.false_pos += 1;
                println!("false positive {codes:?}: {}", ex.text);
            }
            (true, false) => {
                s.false_neg += 1;
                println!("false negative: {}", ex.text);
            }
            (false, false) => s.true_neg += 1,
        }
        if want_block && !ex.reasons.is_empty() {
            s.reasons_labelled += 1;
            if ex.reasons.iter().all(|r| verdict.reasons.contains(r)) {
                s.reasons_right += 1;
            } else {
                println!("reasons {codes:?}, labelled {:?}: {}", ex.reasons, ex.text);
            }
        }
    }
    println!(
        "{file}: precision {:.3}, recall {:.3} (refused correctly {}, wrongly {}, missed {}, allowed correctly {}); expected reasons all given on {}/{} refusals",
        s.precision(),
        s.recall(),
        s.true_pos,
        s.false_pos,
        s.false_neg,
        s.true_neg,
        s.reasons_right,
        s.reasons_labelled,
    );
    s
}

#[test]
fn shared_reference_examples() {
    let s = score("guard-examples.jsonl");
    assert_eq!(
        s.true_pos + s.false_neg,
        15,
        "the shared file has 15 texts to refuse"
    );
    assert!(s.precision() >= 1.0, "precision {:.3}", s.precision());
    assert!(s.recall() >= 1.0, "recall {:.3}", s.recall());
}

#[test]
fn our_labelled_set() {
    let s = score("guard-labelled.jsonl");
    assert!(s.true_pos + s.false_neg >= 150 && s.true_neg + s.false_pos >= 200);
    // The guard was tuned on this set (it scored 0.981 / 0.970 before); the floors leave room
    // for three or four misses among 391 texts, not more.
    assert!(s.precision() >= 0.98, "precision {:.3}", s.precision());
    assert!(s.recall() >= 0.98, "recall {:.3}", s.recall());
    let reasons = s.reasons_right as f64 / s.reasons_labelled.max(1) as f64;
    assert!(
        reasons >= 0.95,
        "expected reasons given on {reasons:.3} of refusals"
    );
}

/// Written after the guard was tuned on the sets above, and measured before any change.
#[test]
fn held_out_set() {
    let s = score("guard-heldout.jsonl");
    assert!(s.true_pos + s.false_neg >= 50 && s.true_neg + s.false_pos >= 60);
    assert!(s.precision() >= 0.95, "precision {:.3}", s.precision());
    assert!(s.recall() >= 0.95, "recall {:.3}", s.recall());
}
