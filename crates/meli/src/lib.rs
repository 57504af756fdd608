//! Mercado Libre API client for Mostrador.
//!
//! A tour, from the wire inwards:
//!
//! - [`client`]: [`MeliClient`], one async method per endpoint the connector
//!   uses (users, items, questions, answers, missed feeds, OAuth token;
//!   orders, packs, shipments, billing info; post-sale messages, their
//!   attachments and the action guide; claims and their messages;
//!   classifieds leads).
//!   It sends the bearer token, maps HTTP statuses to [`MeliError`] and
//!   decodes bodies into models. It never retries: the app's job queue
//!   does, guided by [`MeliError::is_retryable`].
//! - [`oauth`]: what needs no network: [`Pkce`] pairs and the per-country
//!   authorization page ([`AuthHosts`]). The token exchange itself is a
//!   client method because it shares the error mapping.
//! - [`models`]: typed views of the resources ([`Question`], [`User`],
//!   [`Item`], [`Order`], [`Pack`], [`Shipment`], [`BillingInfo`],
//!   [`Message`], [`PackMessages`], [`ActionGuide`], [`Claim`],
//!   [`ClaimMessages`], classifieds [`Lead`]s and [`LeadsSearch`],
//!   [`TokenResponse`], [`ApiErrorBody`], multiget envelopes).
//!   They are tolerant by design: Mercado Libre's own samples disagree
//!   with each other, so every documented variant parses.
//! - [`notification`]: webhook bodies and `/missed_feeds` records,
//!   normalized, plus [`Resource`] (what a resource path points to) and
//!   [`Subject`] (which question, message, order, claim or lead a
//!   notification is about).
//! - [`de`]: the field deserializers behind that tolerance: ids as exact
//!   `i64` from numbers or strings, money as exact [`rust_decimal::Decimal`],
//!   timestamps keeping their offset.
//! - [`error`]: [`MeliError`], the single error type, with texts written for
//!   a support person; [`MeliError::forbidden`] explains a 403 (a blocked
//!   conversation, a mediation, …).
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
pub mod metrics;
pub mod models;
pub mod notification;
pub mod oauth;
pub mod parse;

pub use client::{
    Attachment, ClaimsQuery, LeadsQuery, MeliClient, MeliConfig, NewPackMessage, OrdersQuery,
    OrdersSort, PostedMessage, QuestionsQuery,
};
pub use error::{Forbidden, ForbiddenReason, MeliError};
pub use models::{
    ActionGuide, ActionGuideCap, ActionGuideMessage, ActionGuideOption, ActionGuideOptionId,
    ActionGuideTemplate, Answer, AnswerStatus, ApiErrorBody, Asker, AttachmentUpload,
    BillingAddress, BillingAttributes, BillingDetails, BillingIdentification, BillingInfo,
    BillingInfoEntry, BillingParty, BillingState, BlockReason, Claim, ClaimAction, ClaimActionKind,
    ClaimAttachment, ClaimDetail, ClaimMessage, ClaimMessages, ClaimPlayer, ClaimReputation,
    ClaimResolution, ClaimRole, ClaimStage, ClaimStatus, ClaimType, ClaimsSearch,
    ConversationState, ConversationStatus, DatedEstimate, GuestLeads, IdRef, Item, ItemAttribute,
    ItemStatus, Lead, LeadBuyer, LeadContactType, LeadStatus, LeadSummary, LeadsSearch,
    LegacyBillingInfo, Message, MessageAttachment, MessageDates, MessageResource, MessageStatus,
    MessageUser, Moderation, ModerationReason, ModerationStatus, MultigetBody, MultigetEntry,
    NewClaimMessage, Order, OrderBillingRef, OrderContext, OrderItem, OrderItemInfo, OrderParty,
    OrderPayment, OrderShipping, OrderStatus, OrdersSearch, Pack, PackMessages, PackStatus, Paging,
    Picture, Question, QuestionStatus, QuestionsSearch, ReputationImpact, Shipment,
    ShipmentLeadTime, ShipmentLogistic, ShipmentStatus, ShipmentStatusDates, Site, TemplateValue,
    TemplateVar, TokenResponse, TokenType, UnreadConversation, UnreadMessages, User,
};
pub use notification::{MissedFeed, MissedFeeds, Notification, Resource, Subject};
pub use oauth::{AuthHosts, Pkce};
pub use parse::{KINDS, ParseError, parse_payload};
