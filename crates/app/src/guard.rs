//! Every outgoing text passes the marketplace-rule guard (SPEC §7) before anything is queued:
//! people's replies now, bots' later. A refusal names its reasons with stable codes and says
//! why in the person's language; nothing reaches the outbox.

use crate::error::{AppError, AppResult};
use domain::Person;
use domain::guard::{Reason, check};

/// Refuses a text that asks for or carries personal data, contact data, social handles, links
/// or off-platform payment.
pub fn check_outgoing(text: &str, person: &Person) -> AppResult<()> {
    let verdict = check(text);
    if verdict.allowed {
        return Ok(());
    }
    let lang = match person.language.as_deref().map(|l| l.get(..2).unwrap_or(l)) {
        Some("pt") => "pt",
        Some("en") => "en",
        _ => "es",
    };
    Err(AppError::Guarded {
        reasons: verdict.reasons.iter().map(|r| r.code()).collect(),
        message: verdict
            .reasons
            .iter()
            .map(|r: &Reason| r.message(lang))
            .collect::<Vec<_>>()
            .join(" "),
    })
}
