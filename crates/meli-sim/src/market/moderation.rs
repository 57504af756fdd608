//! What Mercado Libre's moderation would catch in a seller's text, and the post-sale charset.
//!
//! The detector is deliberately small: it must flag the obvious contact data a connector has to
//! keep out of its answers (phone numbers, e-mail addresses, social-network links and handles,
//! link shorteners) without flagging what sellers legitimately write (order ids, EANs, prices,
//! dimensions, model codes). It is not Mercado Libre's moderation, only a stand-in precise
//! enough for tests and the demo.

/// Why a text is moderated, as `message_moderation.reason` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Phone numbers and e-mail addresses.
    PersonalData,
    /// Links to, or handles on, social networks.
    SocialNetworkLink,
    /// Shortened links (the services Mercado Libre names, and a few more).
    LinkShortUrl,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::PersonalData => "PERSONAL_DATA",
            Reason::SocialNetworkLink => "SOCIAL_NETWORK_LINK",
            Reason::LinkShortUrl => "LINK_SHORT_URL",
        }
    }
}

/// Shortener hosts: the ones the messaging page names (Bitly, Bl.ink, Polr, Rebrandly, T2M,
/// TinyURL, Zapier, Yourls) plus common others.
const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "bl.ink",
    "polr.me",
    "rebrand.ly",
    "t2m.io",
    "tinyurl.com",
    "zpr.io",
    "yourls.org",
    "goo.gl",
    "cutt.ly",
    "is.gd",
    "ow.ly",
    "shorturl.at",
    "t.co",
];

const SOCIAL_HOSTS: &[&str] = &[
    "instagram.com",
    "instagr.am",
    "facebook.com",
    "fb.com",
    "fb.me",
    "m.me",
    "wa.me",
    "whatsapp.com",
    "tiktok.com",
    "twitter.com",
    "x.com",
    "t.me",
    "telegram.me",
    "youtube.com",
    "linkedin.com",
];

/// The first reason the text would be moderated for, if any.
pub(crate) fn moderate(text: &str) -> Option<Reason> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| names_host(w, SHORTENERS)) {
        return Some(Reason::LinkShortUrl);
    }
    if words
        .iter()
        .any(|w| names_host(w, SOCIAL_HOSTS) || is_handle(w))
    {
        return Some(Reason::SocialNetworkLink);
    }
    if words.iter().any(|w| is_email(w)) || spelled_email(&lower) || has_phone(text) {
        return Some(Reason::PersonalData);
    }
    None
}

/// `word` is a link or a bare host on one of `hosts` (`https://bit.ly/x`, `www.instagram.com/x`).
fn names_host(word: &str, hosts: &[&str]) -> bool {
    let rest = word
        .trim_start_matches("href=")
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    hosts
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// `@mitienda`: an at sign starting a word, followed by a handle.
fn is_handle(word: &str) -> bool {
    let Some(handle) = word.strip_prefix('@') else {
        return false;
    };
    let handle = handle.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    handle.chars().count() >= 2
        && handle
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

fn is_email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    let domain = domain.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// "ventas arroba tienda punto com": the usual way round an e-mail filter.
fn spelled_email(lower: &str) -> bool {
    lower.contains(" arroba ") && lower.contains(" punto ")
}

/// A phone number: 8 to 13 digits written as one number, possibly with a leading `+` and
/// single spaces, hyphens, dots or parentheses between digit groups. A run with no separators
/// counts only up to 11 digits, so 13-digit EANs and 16-digit order ids are not phones; a
/// `2024-05-12`-like date is not one either.
fn has_phone(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars
            .get(i)
            .is_some_and(|c| c.is_ascii_digit() || *c == '(' || *c == '+');
        let after_word = i == 0 || chars.get(i - 1).is_some_and(|c| !c.is_alphanumeric());
        if !(starts && after_word) {
            i += 1;
            continue;
        }
        let (groups, end) = scan_number(&chars, i);
        let digits: usize = groups.iter().sum();
        let separated = groups.len() > 1;
        let date = matches!(groups.as_slice(), [4, 2, 2] | [2, 2, 4]);
        let ends_word = chars.get(end).is_none_or(|c| !c.is_alphanumeric());
        if ends_word
            && !date
            && ((separated && (8..=13).contains(&digits))
                || (!separated && (8..=11).contains(&digits)))
        {
            return true;
        }
        i = end.max(i + 1);
    }
    false
}

/// From `start`, the lengths of the digit groups of one number written with single separators,
/// and where it ends.
fn scan_number(chars: &[char], start: usize) -> (Vec<usize>, usize) {
    let mut groups: Vec<usize> = Vec::new();
    let mut current = 0;
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c.is_ascii_digit() {
            current += 1;
        } else if matches!(c, ' ' | '-' | '.' | '(' | ')' | '+')
            && next.is_some_and(|n| n.is_ascii_digit() || n == '(')
            || (c == ')' && next == Some(' '))
        {
            if current > 0 {
                groups.push(current);
                current = 0;
            }
        } else {
            break;
        }
        i += 1;
    }
    if current > 0 {
        groups.push(current);
    }
    (groups, i)
}

/// Emoji a seller may use beside ISO-8859-1 text. The messaging page allows "latin-1 plus an
/// emoji whitelist" without printing it; these are the common ones.
const ALLOWED_EMOJI: &[char] = &[
    '😀', '😃', '😄', '😁', '😆', '😅', '😂', '🙂', '😉', '😊', '😍', '😘', '🤗', '🤔', '😎', '😢',
    '🙁', '👍', '👌', '👋', '👏', '🙌', '🙏', '💪', '❤', '💙', '💚', '💛', '⭐', '✨', '🎉', '🎁',
    '📦', '🚚', '🚀', '✅', '✔', '❗', '📄', '📎', '📷', '⏰', '🕐',
];

/// Variation selector 16 ("❤️" is `❤` + U+FE0F): allowed only right after an allowed emoji.
const VS16: char = '\u{FE0F}';

/// Whether a post-sale text uses only ISO-8859-1 and the allowed emoji.
pub(crate) fn charset_ok(text: &str) -> bool {
    let mut previous_emoji = false;
    for c in text.chars() {
        let ok = if u32::from(c) <= 0xFF {
            previous_emoji = false;
            true
        } else if ALLOWED_EMOJI.contains(&c) {
            previous_emoji = true;
            true
        } else if c == VS16 && previous_emoji {
            previous_emoji = false;
            true
        } else {
            false
        };
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_data_is_caught() {
        let cases = [
            (
                "¿Me pasás tu número? El mío es 11 5555 0000",
                Reason::PersonalData,
            ),
            ("Chama no whats (21) 99999-0000", Reason::PersonalData),
            ("Llamame al +54 9 11 4444-3333", Reason::PersonalData),
            ("Escribinos a info@mitienda.com", Reason::PersonalData),
            (
                "Escribime a ventas arroba tienda punto com",
                Reason::PersonalData,
            ),
            ("Seguinos en instagram @mitienda", Reason::SocialNetworkLink),
            (
                "Mirá https://www.instagram.com/mitienda",
                Reason::SocialNetworkLink,
            ),
            (
                "Escribinos por wa.me/5491155550000",
                Reason::SocialNetworkLink,
            ),
            (
                "Más info en https://tinyurl.com/xyz123",
                Reason::LinkShortUrl,
            ),
            (
                "<a href=\"https://bit.ly/abc\">acá</a>",
                Reason::LinkShortUrl,
            ),
            ("Llamanos al 1155550000", Reason::PersonalData),
        ];
        for (text, want) in cases {
            assert_eq!(moderate(text), Some(want), "{text}");
        }
    }

    #[test]
    fn ordinary_seller_text_passes() {
        for text in [
            "Hola! Sí, hay stock en talle M y L",
            "Llega en 48 horas hábiles por Mercado Envíos",
            "Mide 45 x 30 x 12 cm y pesa 1,2 kg",
            "Tu pedido 2000001234567890 ya está en camino",
            "Preço R$ 249,90 à vista",
            "O código EAN é 7890000000000",
            "Modelo AB-1234-56, compatible con la versión anterior",
            "Este teléfono inalámbrico trae identificador de llamadas",
            "Te enviamos la factura, ¡gracias por tu compra! 😊",
            "Despachado el 12/05, llega entre el 15 y el 17.",
            "Despachado el 2024-05-12 a las 10.30 hs",
        ] {
            assert_eq!(moderate(text), None, "{text}");
        }
    }

    #[test]
    fn charset_is_latin1_plus_some_emoji() {
        assert!(charset_ok("¡Hola! Ñandú, açaí, coração. 👍 ❤️"));
        assert!(!charset_ok("Precio: 10 €"));
        assert!(!charset_ok("“comillas tipográficas”"));
        assert!(!charset_ok("🦄"));
        assert!(!charset_ok("a\u{FE0F}"));
    }
}
