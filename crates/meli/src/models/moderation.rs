//! `message_moderation`: Mercado Libre's verdict on a message's content,
//! shared by post-sale and claim messages.
//!
//! Contact data, social links and short URLs get a message moderated; the
//! agent must see why, so the reason is typed. Samples write the values in
//! both cases (`NON_MODERATED`, `non_moderated`); both read as one variant.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};

use crate::macros::open_enum;

open_enum! {
    ignore_case;
    /// `message_moderation.status`.
    pub enum ModerationStatus {
        /// Passed.
        Clean => "clean",
        /// Blocked; the counterpart does not see it.
        Rejected => "rejected",
        /// Still being checked.
        Pending => "pending",
        /// Old messages, from before moderation.
        NonModerated => "non_moderated",
    }
}

open_enum! {
    ignore_case;
    /// `message_moderation.reason`.
    pub enum ModerationReason {
        /// Offensive language.
        OutOfPlaceLanguage => "OUT_OF_PLACE_LANGUAGE",
        /// A link to a social network.
        SocialNetworkLink => "SOCIAL_NETWORK_LINK",
        /// A shortened link (Bitly, TinyURL, …).
        LinkShortUrl => "LINK_SHORT_URL",
        /// An automatic message from an integrator.
        AutomaticMessage => "AUTOMATIC_MESSAGE",
        /// Personal data (phones, emails, …).
        PersonalData => "PERSONAL_DATA",
        /// A Mercado Pago link.
        LinkMercadopago => "LINK_MERCADOPAGO",
        /// A link to another payment method.
        MlLinksPaypal => "ML_LINKS_PAYPAL",
        /// Steering the buyer away from a claim.
        EvasionClaimSeller => "EVASION_CLAIM_SELLER",
    }
}

/// `message_moderation` (`moderation` in the legacy message shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moderation {
    /// The verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ModerationStatus>,
    /// Why it was moderated; `null`, `""` and `"none"` all mean no reason.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "reason"
    )]
    pub reason: Option<ModerationReason>,
    /// `online`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the verdict was given (`date_moderated` in claims and legacy messages).
    #[serde(
        default,
        alias = "date_moderated",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub moderation_date: Option<DateTime<FixedOffset>>,
}

impl Moderation {
    /// Whether the counterpart was kept from seeing the message.
    pub fn is_rejected(&self) -> bool {
        self.status == Some(ModerationStatus::Rejected)
    }
}

fn reason<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ModerationReason>, D::Error> {
    Ok(Option::<String>::deserialize(d)?
        .filter(|r| !r.trim().is_empty() && !r.trim().eq_ignore_ascii_case("none"))
        .map(ModerationReason::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_case_reads_as_one_value() {
        let m: Moderation = serde_json::from_str(
            r#"{"status":"NON_MODERATED","reason":"none","by":"none","moderation_date":null}"#,
        )
        .unwrap();
        assert_eq!(m.status, Some(ModerationStatus::NonModerated));
        assert_eq!(m.reason, None);
        let m: Moderation = serde_json::from_str(
            r#"{"status":"rejected","reason":"out_of_place_language","date_moderated":"2020-09-09T19:02:11.697Z"}"#,
        )
        .unwrap();
        assert!(m.is_rejected());
        assert_eq!(m.reason, Some(ModerationReason::OutOfPlaceLanguage));
        assert!(m.moderation_date.is_some());
        assert_eq!(
            serde_json::to_value(&m).unwrap()["reason"],
            "OUT_OF_PLACE_LANGUAGE"
        );
        let r: ModerationReason = serde_json::from_str(r#""NEW_REASON""#).unwrap();
        assert_eq!(r, ModerationReason::Other("NEW_REASON".into()));
    }
}
