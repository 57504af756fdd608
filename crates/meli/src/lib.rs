//! Mercado Libre API client for Mostrador.
//!
//! A tour, from the wire inwards:
//!
//! - [`client`]: [`MeliClient`], one async method per endpoint the connector
//!   uses (users, items, questions, answers, missed feeds, OAuth token).
//!   It sends the bearer token, maps HTTP statuses to [`MeliError`] and
//!   decodes bodies into models. It never retries: the app's job queue
//!   does, guided by [`MeliError::is_retryable`].
//! - [`oauth`]: what needs no network: [`Pkce`] pairs and the per-country
//!   authorization page ([`AuthHosts`]). The token exchange itself is a
//!   client method because it shares the error mapping.
//! - [`models`]: typed views of the resources ([`Question`], [`User`],
//!   [`Item`], [`TokenResponse`], [`ApiErrorBody`], multiget envelopes).
//!   They are tolerant by design: Mercado Libre's own samples disagree
//!   with each other, so every documented variant parses.
//! - [`notification`]: webhook bodies and `/missed_feeds` records,
//!   normalized, plus [`Resource`] to tell what a notification points to.
//! - [`de`]: the field deserializers behind that tolerance: ids as exact
//!   `i64` from numbers or strings, money as exact [`rust_decimal::Decimal`],
//!   timestamps keeping their offset.
//! - [`error`]: [`MeliError`], the single error type, with texts written for
//!   a support person.
//! - [`parse`]: the support tool's backend: [`parse_payload`] reads a pasted
//!   payload as a named kind and prints it normalized or explains the
//!   failure with the JSON path, line and column. The client decodes
//!   through the same function, so messages match.
//!
//! This crate knows nothing about our database or domain; it only speaks
//! Mercado Libre.

pub mod client;
pub mod de;
pub mod error;
mod macros;
pub mod models;
pub mod notification;
pub mod oauth;
pub mod parse;

pub use client::{MeliClient, MeliConfig, QuestionsQuery};
pub use error::MeliError;
pub use models::{
    Answer, AnswerStatus, ApiErrorBody, Asker, Item, ItemAttribute, ItemStatus, MultigetBody,
    MultigetEntry, Picture, Question, QuestionStatus, QuestionsSearch, Site, TokenResponse,
    TokenType, User,
};
pub use notification::{MissedFeed, MissedFeeds, Notification, Resource};
pub use oauth::{AuthHosts, Pkce};
pub use parse::{KINDS, ParseError, parse_payload};
