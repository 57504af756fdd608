//! Typed, tolerant views of Mercado Libre resources.
//!
//! Every model ignores unknown fields (MeLi adds fields constantly), makes
//! optional whatever some official sample omits, and derives `Serialize` so
//! the normalized form can be printed by the support tool.

mod error_body;
mod item;
mod multiget;
mod question;
mod site;
mod token;
mod user;

pub use error_body::ApiErrorBody;
pub use item::{Item, ItemAttribute, ItemStatus, Picture};
pub use multiget::{MultigetBody, MultigetEntry};
pub use question::{
    Answer, AnswerStatus, Asker, AskerPhone, Question, QuestionStatus, QuestionsSearch,
};
pub use site::Site;
pub use token::{TokenResponse, TokenType};
pub use user::{User, UserAddress, UserIdentification, UserPhone, UserStatus};
