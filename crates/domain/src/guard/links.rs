//! Links: anything that is not a Mercado Libre page is refused. Mercado Pago and PayPal links are
//! payment outside the order; social networks and messengers (`wa.me`) are social media; every
//! other host, shorteners included (they hide where they lead), is an external link.

use super::Reason;
use super::text::{Pattern, blank};

static URLS: [Pattern; 4] = [
    Pattern::new(r#"\b(?:https?|ftp)://[^\s<>"'|]+"#),
    Pattern::new(r#"\bwww\d?\.[^\s<>"'|]+"#),
    // `bit.ly/abc`, `mitienda.com.ar`: labels, a known top-level domain, maybe a path. The
    // list is short on purpose: `com`, `net`, Latin American country codes, the ones shorteners
    // and messengers use; those that are also Spanish or Portuguese words after a missing space
    // (`es`, `do`, `to`) are left out.
    Pattern::new(concat!(
        r#"\b(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+"#,
        "(?:",
        "com|net|org|info|biz|io|me|ly|gl|co|ar|br|mx|cl|pe|uy|ec|bo|py|ve|cr|gt|hn|ni|pa|sv|la|li|",
        "app|shop|store|site|online|link|tv|gg|cc|ai|xyz|club|top|page|us|uk|de|fr|it|pt|ws|at|im|su",
        r#")\b(?:[/:?#][^\s<>"'|]*)?"#,
    )),
    // Any other top-level domain followed by a path: `youtu.be/abc`, `linktr.ee/tienda`.
    Pattern::new(r#"\b(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,12}/[^\s<>"'|]*"#),
];

/// A domain with its dot spelled out: `mitienda punto com`, `bit (.) ly`, `tienda dot com dot
/// ar`. Only the top-level domains people spell.
static SPELLED: Pattern = Pattern::new(concat!(
    r"\b([a-z0-9][a-z0-9\-]+) ?",
    r"(?:\(\.\)|\[\.\]|\(dot\)|\[dot\]|\(punto\)|\[punto\]|\(ponto\)|\[ponto\]|\bdot\b|\bpunto\b|\bponto\b)",
    r" ?(com|net|org|ly|io|me|ar|br|mx|cl|co|pe|uy|gl|la)\b",
    r"(?: ?(?:\.|\(\.\)|\[\.\]|\bdot\b|\bpunto\b|\bponto\b) ?(ar|br|mx|cl|co|pe|uy))?",
));

/// Words that come before `punto com` in ordinary sentences (`un punto com…`), never hosts.
const NOT_A_LABEL: &[&str] = &[
    "un", "una", "um", "uma", "el", "la", "lo", "o", "a", "este", "esta", "esse", "essa", "ese",
    "esa", "otro", "outro", "cada", "buen", "bom", "mi", "meu", "tu", "seu", "su", "de", "do",
    "da", "del", "al", "en", "no", "na", "por", "pelo", "con", "com", "y", "e", "que", "es", "muy",
];

/// Mercado Libre's own sites, where the store's listings live; any subdomain (`articulo.`,
/// `produto.`, `listado.`, `www.`) too. Images are served from `mlstatic.com`.
const MELI_HOSTS: &[&str] = &[
    "mercadolibre.com",
    "mercadolibre.com.ar",
    "mercadolibre.com.bo",
    "mercadolibre.cl",
    "mercadolibre.com.co",
    "mercadolibre.co.cr",
    "mercadolibre.com.do",
    "mercadolibre.com.ec",
    "mercadolibre.com.gt",
    "mercadolibre.com.hn",
    "mercadolibre.com.mx",
    "mercadolibre.com.ni",
    "mercadolibre.com.pa",
    "mercadolibre.com.pe",
    "mercadolibre.com.py",
    "mercadolibre.com.sv",
    "mercadolibre.com.uy",
    "mercadolibre.com.ve",
    "mercadolivre.com",
    "mercadolivre.com.br",
    "mlstatic.com",
];

/// Collecting money outside the order (`LINK_MERCADOPAGO`, `ML_LINKS_PAYPAL` in moderation).
const PAYMENT_HOSTS: &[&str] = &[
    "mercadopago.com",
    "mercadopago.com.ar",
    "mercadopago.com.br",
    "mercadopago.cl",
    "mercadopago.com.co",
    "mercadopago.com.mx",
    "mercadopago.com.pe",
    "mercadopago.com.uy",
    "mpago.la",
    "mpago.li",
    "paypal.com",
    "paypal.me",
    "picpay.me",
    "nubank.com.br",
];

/// Social networks and messengers (`SOCIAL_NETWORK_LINK` in moderation).
const SOCIAL_HOSTS: &[&str] = &[
    "wa.me",
    "whatsapp.com",
    "wa.link",
    "instagram.com",
    "instagr.am",
    "facebook.com",
    "fb.com",
    "fb.me",
    "m.me",
    "messenger.com",
    "tiktok.com",
    "t.me",
    "telegram.me",
    "telegram.org",
    "twitter.com",
    "x.com",
    "youtube.com",
    "youtu.be",
    "linkedin.com",
    "pinterest.com",
    "kwai.com",
    "threads.net",
    "discord.gg",
    "linktr.ee",
];

fn is_under(host: &str, domains: &[&str]) -> bool {
    domains
        .iter()
        .any(|d| host == *d || host.strip_suffix(d).is_some_and(|sub| sub.ends_with('.')))
}

/// The host of a matched link: no scheme, user, port, path or trailing punctuation.
fn host_of(link: &str) -> &str {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    host.trim_end_matches(['.', ',', ')', ']', '-'])
}

fn classify(host: &str) -> Option<Reason> {
    if is_under(host, MELI_HOSTS) {
        None
    } else if is_under(host, PAYMENT_HOSTS) {
        Some(Reason::OffPlatformPayment)
    } else if is_under(host, SOCIAL_HOSTS) {
        Some(Reason::SocialMedia)
    } else {
        Some(Reason::ExternalLink)
    }
}

/// Flags links that leave Mercado Libre and returns the text with every link (allowed ones
/// too) blanked out, so a listing id in a URL is not read as a phone.
pub(crate) fn detect(text: &str, reasons: &mut Vec<Reason>) -> String {
    let mut ranges = Vec::new();
    for pattern in &URLS {
        for range in pattern.ranges(text) {
            if let Some(reason) = text.get(range.clone()).map(host_of).and_then(classify) {
                reasons.push(reason);
            }
            ranges.push(range);
        }
    }
    let text = blank(text, &ranges);
    let mut spelled = Vec::new();
    if let Some(re) = SPELLED.get() {
        for caps in re.captures_iter(&text) {
            let (Some(all), Some(label), Some(tld)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                continue;
            };
            if NOT_A_LABEL.contains(&label.as_str()) {
                continue;
            }
            let host = match caps.get(3) {
                Some(cc) => format!("{}.{}.{}", label.as_str(), tld.as_str(), cc.as_str()),
                None => format!("{}.{}", label.as_str(), tld.as_str()),
            };
            if let Some(reason) = classify(&host) {
                reasons.push(reason);
            }
            spelled.push(all.range());
        }
    }
    blank(&text, &spelled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::normalize;

    fn reasons(text: &str) -> Vec<Reason> {
        let mut reasons = Vec::new();
        detect(&normalize(text), &mut reasons);
        reasons.sort();
        reasons.dedup();
        reasons
    }

    #[test]
    fn every_pattern_compiles() {
        for p in URLS.iter().chain([&SPELLED]) {
            assert!(p.get().is_some(), "{}", p.src());
        }
    }

    #[test]
    fn mercado_libre_links_pass() {
        for text in [
            "Mirá: https://articulo.mercadolibre.com.ar/MLA-1234567890-zapatilla-_JM",
            "Veja em produto.mercadolivre.com.br/MLB-1234567890-tenis",
            "www.mercadolibre.com.mx/ofertas",
            "listado.mercadolibre.cl/zapatillas",
            "https://http2.mlstatic.com/D_NQ_NP_123-O.jpg",
        ] {
            assert_eq!(reasons(text), vec![], "{text}");
        }
    }

    #[test]
    fn other_links_are_refused_by_kind() {
        use Reason::*;
        for (text, want) in [
            ("Más info en https://tinyurl.com/xyz123", ExternalLink),
            ("bit.ly/oferta", ExternalLink),
            ("Mirá www.mitienda.com.ar", ExternalLink),
            ("mitienda punto com punto ar", ExternalLink),
            ("bit (.) ly/abc", ExternalLink),
            ("http://mercadolibre.com.ar.ofertas.io/x", ExternalLink),
            ("falsomercadolibre.com.ar", ExternalLink),
            ("wa.me/5491155550000", SocialMedia),
            ("instagram.com/mitienda", SocialMedia),
            ("https://mpago.la/2xYz", OffPlatformPayment),
            ("link.mercadopago.com.ar/mitienda", OffPlatformPayment),
            ("paypal.me/juan", OffPlatformPayment),
            ("youtu.be/abc123", SocialMedia),
            ("linktr.ee/mitienda", SocialMedia),
        ] {
            assert_eq!(reasons(text), vec![want], "{text}");
        }
    }

    #[test]
    fn sentences_and_numbers_are_not_links() {
        for text in [
            "Hay stock.Me avisás cuál querés",
            "Mide 1.5 m y pesa 2.3 kg",
            "Es un punto com mucha demanda",
            "versión 2.0 del firmware",
            "S.A. de C.V.",
            "Talles 38/40, 1.5/2 kg, 120 km/h",
        ] {
            assert_eq!(reasons(text), vec![], "{text}");
        }
    }
}
