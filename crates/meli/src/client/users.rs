//! A seller's own answer-time figure, shown beside ours in the inbox.

use super::MeliClient;
use crate::MeliError;

impl MeliClient {
    /// `GET /users/{id}/questions/response_time`: how fast the seller answers questions, as
    /// Mercado Libre measures it (total and by weekday/weekend, in minutes). Kept as JSON: the
    /// inbox shows what is there and its shape varies by account.
    pub async fn questions_response_time(
        &self,
        access_token: &str,
        user_id: i64,
    ) -> Result<serde_json::Value, MeliError> {
        let id = user_id.to_string();
        self.get(
            access_token,
            &["users", &id, "questions", "response_time"],
            &[],
            "questions response time",
        )
        .await
    }
}
