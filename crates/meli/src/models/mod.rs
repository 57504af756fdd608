//! Typed, tolerant views of Mercado Libre resources.
//!
//! Every model ignores unknown fields (MeLi adds fields constantly), makes
//! optional whatever some official sample omits, and derives `Serialize` so
//! the normalized form can be printed by the support tool.

mod action_guide;
mod billing;
mod claim;
mod claim_info;
mod conversation;
mod error_body;
mod item;
mod lead;
mod message;
mod moderation;
mod multiget;
mod order;
mod order_parts;
mod pack;
mod paging;
mod question;
mod shipment;
mod site;
mod token;
mod user;

pub use action_guide::{
    ActionGuide, ActionGuideCap, ActionGuideMessage, ActionGuideOption, ActionGuideOptionId,
    ActionGuideTemplate, TemplateValue, TemplateVar,
};
pub use billing::{
    BillingAddress, BillingAttributes, BillingDetails, BillingIdentification, BillingInfo,
    BillingInfoEntry, BillingParty, BillingState, LegacyBillingInfo,
};
pub use claim::{
    Claim, ClaimAction, ClaimActionKind, ClaimPlayer, ClaimResolution, ClaimRole, ClaimStage,
    ClaimStatus, ClaimType, ClaimsSearch,
};
pub use claim_info::{
    ClaimAttachment, ClaimDetail, ClaimMessage, ClaimMessages, ClaimReputation, NewClaimMessage,
    ReputationImpact,
};
pub use conversation::{
    AttachmentUpload, BlockReason, ConversationState, ConversationStatus, PackMessages,
    UnreadConversation, UnreadMessages,
};
pub use error_body::ApiErrorBody;
pub use item::{Item, ItemAttribute, ItemStatus, Picture};
pub use lead::{
    GuestLeads, Lead, LeadBuyer, LeadContactType, LeadStatus, LeadSummary, LeadsSearch,
};
pub use message::{
    Message, MessageAttachment, MessageDates, MessageResource, MessageStatus, MessageUser,
};
pub use moderation::{Moderation, ModerationReason, ModerationStatus};
pub use multiget::{MultigetBody, MultigetEntry};
pub use order::{Order, OrderBillingRef, OrderContext, OrderParty, OrderStatus, OrdersSearch};
pub use order_parts::{OrderItem, OrderItemInfo, OrderPayment, OrderShipping};
pub use pack::{IdRef, Pack, PackStatus};
pub use paging::Paging;
pub use question::{
    Answer, AnswerStatus, Asker, AskerPhone, Question, QuestionStatus, QuestionsSearch,
};
pub use shipment::{
    DatedEstimate, Shipment, ShipmentLeadTime, ShipmentLogistic, ShipmentStatus,
    ShipmentStatusDates,
};
pub use site::Site;
pub use token::{TokenResponse, TokenType};
pub use user::{User, UserAddress, UserIdentification, UserPhone, UserStatus};
