//! The action guide: how a seller starts a post-sale conversation (required
//! for Mercado Envíos 2), one reason at a time and within per-reason caps.
//!
//! `GET /messages/action_guide/packs/{pack}?tag=post_sale` lists the
//! options, `…/caps_available` the caps alone, and
//! `POST …/option?tag=post_sale` sends one ([`ActionGuideMessage`]); its
//! answer is a [`super::Message`].

use serde::{Deserialize, Serialize};

use crate::macros::open_enum;

open_enum! {
    ignore_case;
    /// An action-guide option (a reason to contact the buyer).
    pub enum ActionGuideOptionId {
        /// Ask which variant (template; cross docking and drop off only).
        RequestVariants => "REQUEST_VARIANTS",
        /// Ask for billing data (template).
        RequestBillingInfo => "REQUEST_BILLING_INFO",
        /// Send the invoice link (free text).
        SendInvoiceLink => "SEND_INVOICE_LINK",
        /// Promise a delivery window (template with variables; Flex only).
        DeliveryPromise => "DELIVERY_PROMISE",
        /// `OTHER`: anything else (free text; not after delivery on some sites).
        FreeText => "OTHER",
    }
}

/// `GET /messages/action_guide/packs/{pack_id}?tag=post_sale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionGuide {
    /// The reasons the seller may use, with their caps.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub options: Vec<ActionGuideOption>,
}

impl ActionGuide {
    /// The option with this id.
    pub fn option(&self, id: &ActionGuideOptionId) -> Option<&ActionGuideOption> {
        self.options.iter().find(|o| &o.id == id)
    }
}

/// `ActionGuide.options[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionGuideOption {
    /// Which reason.
    pub id: ActionGuideOptionId,
    /// Mercado Libre's note for integrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_description: Option<String>,
    /// Offered for this pack.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub enabled: Option<bool>,
    /// `template` or `free_text` (one sample writes `TEMPLATE`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Templates to choose from, for template options.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub templates: Vec<ActionGuideTemplate>,
    /// Whether the seller can act on it now.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_bool"
    )]
    pub actionable: Option<bool>,
    /// Longest free text accepted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub char_limit: Option<u64>,
    /// Sub-options, kept raw.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub child_options: Vec<serde_json::Value>,
    /// Messages left for this reason; 0 means it cannot be used again.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_count"
    )]
    pub cap_available: Option<u64>,
}

impl ActionGuideOption {
    /// Enabled, not refused as unactionable, and with cap left.
    pub fn can_send(&self) -> bool {
        self.enabled != Some(false)
            && self.actionable != Some(false)
            && self.cap_available.is_none_or(|c| c > 0)
    }

    /// Whether it takes free text rather than a template.
    pub fn is_free_text(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("free_text"))
    }
}

/// `ActionGuideOption.templates[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionGuideTemplate {
    /// Template id, e.g. `TEMPLATE___REQUEST_BILLING_INFO___1`.
    pub id: String,
    /// Values the template needs.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub vars: Vec<TemplateVar>,
    /// Per-site texts (`{"mla": {"html": …}}`), kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texts: Option<serde_json::Value>,
}

/// A variable a template needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateVar {
    /// Variable id, e.g. `TEMPLATE___DELIVERY_PROMISE___1___VAR___INIT`.
    pub id: String,
    /// `NUMBER`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// One element of `GET /messages/action_guide/packs/{pack_id}/caps_available`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionGuideCap {
    /// Which reason.
    pub option_id: ActionGuideOptionId,
    /// Messages left; 0 means it cannot be sent.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub cap_available: u64,
}

/// The body of `POST /messages/action_guide/packs/{pack_id}/option`: free
/// text, or a template with its variables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionGuideMessage {
    /// Which reason.
    pub option_id: ActionGuideOptionId,
    /// Free text (`OTHER`, `SEND_INVOICE_LINK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Template (`REQUEST_BILLING_INFO`, `DELIVERY_PROMISE`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Template variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vars: Vec<TemplateValue>,
}

impl ActionGuideMessage {
    /// A free-text option.
    pub fn text(option_id: ActionGuideOptionId, text: impl Into<String>) -> Self {
        Self {
            option_id,
            text: Some(text.into()),
            template_id: None,
            vars: Vec::new(),
        }
    }

    /// A template option.
    pub fn template(
        option_id: ActionGuideOptionId,
        template_id: impl Into<String>,
        vars: Vec<TemplateValue>,
    ) -> Self {
        Self {
            option_id,
            text: None,
            template_id: Some(template_id.into()),
            vars,
        }
    }
}

/// A template variable's value (`{"id": …, "value": 12}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateValue {
    /// Variable id.
    pub id: String,
    /// Its value, as the template's `type` wants it.
    pub value: serde_json::Value,
}
