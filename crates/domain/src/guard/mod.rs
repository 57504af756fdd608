//! The outgoing-text guard (SPEC §7): every text Mostrador sends to a buyer, written by a person
//! or a bot, passes [`check`] first. Mercado Libre moderates contact data, social links, short
//! links and off-platform payment (`PERSONAL_DATA`, `SOCIAL_NETWORK_LINK`, `LINK_SHORT_URL`,
//! `LINK_MERCADOPAGO`, …) and can ban the answer or the seller; refusing before sending keeps the
//! store out of that, and tells the agent why in words they can act on.
//!
//! How it decides, in order:
//! 1. `normalize` folds the text into one spelling: lowercase, no accents, no invisible
//!    characters, spaced-out letters joined (`w h a t s a p p`), look-alike letters read as
//!    digits inside numbers (`11 5555 OOOO`), digits written as words read as digits
//!    (`once cinco cinco…`, `nove nove…`).
//! 2. Each detector reads the folded text: `contact` (e-mails, spelled and bracketed ones too,
//!    `@handles`, social networks), `links` (URLs and bare domains against an allow-list of
//!    Mercado Libre hosts), `phone` (digit chains told apart from prices, ids, EANs, dates, sizes),
//!    `personal` (requests for the buyer's data) and `payment` (paying outside the order).
//!
//! The guard is a heuristic: it errs towards refusing when a text reads like contact data, since
//! a refused answer costs the agent a rewrite while a moderated one can cost the listing. The
//! heuristics are documented in each detector and measured by `tests/guard_corpus.rs` against
//! labelled examples. Known and accepted:
//! - refused although harmless: any phone number, a manufacturer's service line too; a bare
//!   10-digit id with no word saying what it is; Mercado Libre's own short links (`meli.la`),
//!   since a shortener hides where it leads;
//! - let through: a domain typed with spaces around a plain dot (`tienda . com`: Portuguese
//!   `com` is "with"); an invitation without the data (`contactame por mail`); Mercado Pago named
//!   as a way to pay (it is also the platform's checkout); a run of 8 digits or a document number
//!   (`123.456.789-09`) with no phone word near; asking for a postcode.

mod contact;
mod lexicon;
mod links;
mod normalize;
mod payment;
mod personal;
mod phone;
mod text;

use serde::{Deserialize, Serialize};

pub use normalize::normalize;

/// Why a text was refused. The codes ([`Reason::code`], and the serde form) are stable: the app,
/// the CLI and the labelled examples use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Asks the buyer for their phone, e-mail, name, address, document number or similar.
    AsksPersonalData,
    /// Contains a phone number, in digits, look-alikes or words.
    PhoneNumber,
    /// Contains an e-mail address, spelled or bracketed ones too.
    Email,
    /// Names a social network or messenger as a channel, links to one, or gives an `@handle`.
    SocialMedia,
    /// Links outside Mercado Libre, link shorteners included.
    ExternalLink,
    /// Proposes paying outside the order: transfer, deposit, CBU/CVU/alias, Pix, payment links.
    OffPlatformPayment,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::AsksPersonalData,
        Reason::PhoneNumber,
        Reason::Email,
        Reason::SocialMedia,
        Reason::ExternalLink,
        Reason::OffPlatformPayment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::AsksPersonalData => "asks_personal_data",
            Reason::PhoneNumber => "phone_number",
            Reason::Email => "email",
            Reason::SocialMedia => "social_media",
            Reason::ExternalLink => "external_link",
            Reason::OffPlatformPayment => "off_platform_payment",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// What the agent reads when the text is refused, in `lang` (`es`, `pt` or `en`; anything
    /// else gets Spanish, the language of most Mercado Libre sites).
    pub fn message(self, lang: &str) -> &'static str {
        let (es, pt, en) = match self {
            Reason::AsksPersonalData => (
                "No se pueden pedir datos personales del comprador (teléfono, e-mail, nombre, dirección o documento): Mercado Libre ya los gestiona en la compra.",
                "Não é permitido pedir dados pessoais do comprador (telefone, e-mail, nome, endereço ou documento): o Mercado Livre já cuida deles na compra.",
                "Asking the buyer for personal data (phone, e-mail, name, address or ID number) is not allowed: Mercado Libre already handles it in the purchase.",
            ),
            Reason::PhoneNumber => (
                "El texto tiene un número de teléfono. Mercado Libre no permite compartir datos de contacto y modera el mensaje.",
                "O texto tem um número de telefone. O Mercado Livre não permite compartilhar dados de contato e modera a mensagem.",
                "The text contains a phone number. Mercado Libre does not allow sharing contact data and moderates the message.",
            ),
            Reason::Email => (
                "El texto tiene una dirección de e-mail (aunque esté escrita con «arroba» o «punto»). Mercado Libre no permite compartir datos de contacto.",
                "O texto tem um endereço de e-mail (mesmo escrito com «arroba» ou «ponto»). O Mercado Livre não permite compartilhar dados de contato.",
                "The text contains an e-mail address (even spelled out with “at” or “dot”). Mercado Libre does not allow sharing contact data.",
            ),
            Reason::SocialMedia => (
                "El texto menciona redes sociales o mensajería (Instagram, WhatsApp, Facebook…) o un usuario @. La conversación tiene que seguir en Mercado Libre.",
                "O texto menciona redes sociais ou mensageiros (Instagram, WhatsApp, Facebook…) ou um usuário @. A conversa tem que continuar no Mercado Livre.",
                "The text mentions social networks or messengers (Instagram, WhatsApp, Facebook…) or an @handle. The conversation has to stay on Mercado Libre.",
            ),
            Reason::ExternalLink => (
                "El texto tiene un enlace fuera de Mercado Libre (los acortadores como bit.ly también). Solo se permiten enlaces a publicaciones de Mercado Libre.",
                "O texto tem um link fora do Mercado Livre (encurtadores como bit.ly também). Só são permitidos links para anúncios do Mercado Livre.",
                "The text links outside Mercado Libre (shorteners such as bit.ly too). Only links to Mercado Libre listings are allowed.",
            ),
            Reason::OffPlatformPayment => (
                "El texto propone pagar fuera de la compra (transferencia, depósito, CBU/CVU/alias, Pix o un link de pago). El pago tiene que hacerse en Mercado Libre.",
                "O texto propõe pagar fora da compra (transferência, depósito, Pix ou link de pagamento). O pagamento tem que ser feito no Mercado Livre.",
                "The text proposes paying outside the purchase (bank transfer, deposit, CBU/CVU/alias, Pix or a payment link). Payment has to happen on Mercado Libre.",
            ),
        };
        match lang {
            "pt" => pt,
            "en" => en,
            _ => es,
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The guard's answer: `allowed` exactly when `reasons` is empty. Reasons come once each, in
/// the order of [`Reason::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub allowed: bool,
    pub reasons: Vec<Reason>,
}

impl Verdict {
    fn from_reasons(mut reasons: Vec<Reason>) -> Verdict {
        reasons.sort();
        reasons.dedup();
        Verdict {
            allowed: reasons.is_empty(),
            reasons,
        }
    }
}

/// Checks one outgoing text. Total: any input, however long or odd, gets a verdict.
pub fn check(text: &str) -> Verdict {
    let folded = normalize(text);
    let mut reasons = Vec::new();
    // E-mails, then links: each is blanked out of the text the later detectors read, so the
    // domain of an address is not read again as a link, nor the digits of a listing URL as a
    // phone.
    let rest = contact::detect_emails(&folded, &mut reasons);
    let rest = links::detect(&rest, &mut reasons);
    contact::detect_social(&rest, &mut reasons);
    phone::detect(&rest, &mut reasons);
    personal::detect(&rest, &mut reasons);
    payment::detect(&rest, &mut reasons);
    Verdict::from_reasons(reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for reason in Reason::ALL {
            assert_eq!(Reason::from_code(reason.code()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", reason.code()));
        }
    }

    #[test]
    fn messages_exist_in_three_languages_and_fall_back_to_spanish() {
        for reason in Reason::ALL {
            let (es, pt, en) = (
                reason.message("es"),
                reason.message("pt"),
                reason.message("en"),
            );
            assert!(es != pt && pt != en && es != en, "{reason}");
            assert_eq!(reason.message("fr"), es);
            assert_eq!(reason.message(""), es);
        }
    }

    #[test]
    fn verdict_serializes_as_the_cli_prints_it() {
        let v = check("Escribime a ventas@tienda.com o al 11 5555-0000");
        let json = serde_json::to_value(&v).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"allowed": false, "reasons": ["phone_number", "email"]})
        );
        assert_eq!(
            check("Sí, hay stock"),
            Verdict {
                allowed: true,
                reasons: vec![]
            }
        );
    }
}
