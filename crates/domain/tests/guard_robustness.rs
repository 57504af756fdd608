//! The guard is total and fast: no input panics it, and a long text costs time in proportion to
//! its length.

use domain::guard::{Reason, Verdict, check, normalize};
use proptest::prelude::*;

fn consistent(v: &Verdict) -> bool {
    let mut sorted = v.reasons.clone();
    sorted.sort();
    sorted.dedup();
    v.allowed == v.reasons.is_empty() && sorted == v.reasons
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_gets_a_consistent_verdict(text in any::<String>()) {
        prop_assert!(consistent(&check(&text)));
    }

    /// Texts made of what the detectors look at: digits and their look-alikes, separators,
    /// `@`, dots, brackets, accents, combining marks, invisible and full-width characters.
    #[test]
    fn texts_of_tricky_pieces_never_panic(
        pieces in proptest::collection::vec(
            prop_oneof![
                "[0-9oOlI]{1,6}",
                "[ .\\-()+/@:,;?!¿¡\\n]{1,3}",
                Just("arroba".to_string()),
                Just("punto".to_string()),
                Just("cinco".to_string()),
                Just("y".to_string()),
                Just("www.".to_string()),
                Just("https://".to_string()),
                Just("mercadolibre.com.ar".to_string()),
                Just("\u{200B}".to_string()),
                Just("\u{301}".to_string()),
                Just("１２".to_string()),
                Just("ñ".to_string()),
                Just("İ".to_string()),
                "[a-zA-Záéíóúç]{1,8}",
            ],
            0..40,
        )
    ) {
        let text: String = pieces.concat();
        prop_assert!(consistent(&check(&text)));
        let _ = normalize(&text);
    }
}

#[test]
fn reason_codes_parse_back_from_the_serde_form() {
    for reason in Reason::ALL {
        let json = format!("\"{}\"", reason.code());
        let back: Reason = serde_json::from_str(&json).unwrap_or(Reason::Email);
        assert_eq!(back, reason);
    }
}

#[test]
fn long_texts_take_linear_time() {
    let unit = "alias 11 5 5 a b c d uno dos tres ventas arroba x punto com www.x.com @x deposito ";
    let text = unit.repeat(4_000);
    let started = std::time::Instant::now();
    let verdict = check(&text);
    let elapsed = started.elapsed();
    assert!(!verdict.allowed);
    // Some 340 kB; a quadratic step would take minutes here.
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}
