//! # domain — what Mostrador is about, without I/O
//!
//! Tour:
//! - [`ids`]: newtypes for identifiers that cross the Mercado Libre boundary (`SellerId`,
//!   `MeliUserId`, `QuestionId`, `ItemId`) and our own (`ConversationId`, `PersonId`).
//! - [`site`]: Mercado Libre sites (MLA, MLB, …) with their currency and language.
//! - [`conversation`]: the conversation/message model, the three categories and their states.
//! - [`rules`]: the marketplace rules every outgoing text passes (one answer per question, length
//!   limits). The same check serves humans and bots.
//! - [`guard`]: the outgoing-text guard every text sent to a buyer passes (no personal-data
//!   requests, contact data, social handles, external links or off-platform payment), with
//!   reasons in Spanish, Portuguese and English.
//! - [`lifecycle`]: how a conversation's state evolves across fetches (lock ratchet, waiting
//!   time, question status, reopening after a failed answer), as pure decisions.
//! - [`person`]: organizations, their people and roles.
//! - [`routing`]: modules, groups and departments, and where each category goes.
//! - [`rfm`]: recency, frequency and monetary scores per customer, their segments and groups.
//! - [`sales`]: which orders count as sales, for how much and when; [`period`]: the success
//!   monitor's periods as days of the store's zone.
//!
//! Nothing here knows about HTTP or SQL: the `store` crate persists these types and the `app`
//! crate moves them between Mercado Libre and people.

pub mod channels;
pub mod conversation;
pub mod figures;
pub mod guard;
pub mod ids;
pub mod lifecycle;
pub mod money;
pub mod period;
pub mod person;
pub mod rfm;
pub mod routing;
pub mod rules;
pub mod sales;
pub mod site;

pub use conversation::*;
pub use ids::*;
pub use person::*;
pub use site::Site;
