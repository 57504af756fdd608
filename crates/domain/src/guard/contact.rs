//! E-mail addresses, `@handles` and social networks named as a channel.

use super::Reason;
use super::text::{Pattern, blank, has_stem, is_any, sentences, words};

static EMAILS: [Pattern; 5] = [
    // The plain address.
    Pattern::new(r"[a-z0-9][a-z0-9._%+\-]*@[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b"),
    // Spaces around `@` and dots (`juan @ gmail . com`), ending in a common top-level domain:
    // `seguinos en instagram @tienda.ok` is a handle, not an address.
    Pattern::new(concat!(
        r"[a-z0-9][a-z0-9._%+\-]* ?@ ?[a-z0-9][a-z0-9\-]*(?: ?\. ?[a-z0-9\-]+)*",
        r" ?\. ?(?:com|net|org|edu|gov|io|ar|br|mx|cl|co|pe|uy|ec|bo|py|ve)\b",
    )),
    // Spelled or bracketed: `ventas arroba tienda punto com`, `juan [at] gmail [dot] com`. The
    // `@` may be `arroba`, `[at]`, `(at)`, `{arroba}`, `(@)`; the dot `punto`, `ponto`, `dot`,
    // `[.]`, `(dot)`.
    Pattern::new(concat!(
        r"[a-z0-9][a-z0-9._\-]* ?",
        r"(?:\barroba\b|[\[({<] ?(?:at|arroba|@) ?[\])}>])",
        r" ?[a-z0-9][a-z0-9\-]*(?: ?",
        r"(?:\.|\bpunto\b|\bponto\b|\bdot\b|[\[({<] ?(?:dot|punto|ponto|\.) ?[\])}>])",
        r" ?[a-z0-9\-]+)+\b",
    )),
    // English words: `juan at gmail dot com` (a bare `at` only together with `dot`).
    Pattern::new(r"\b[a-z0-9][a-z0-9._\-]* at [a-z0-9\-]+ (?:dot|punto|ponto) [a-z]{2,6}\b"),
    // The `@` with a mail provider and nothing more: `juan arroba gmail`.
    Pattern::new(concat!(
        r"(?:@|\barroba\b|[\[({<] ?(?:at|arroba|@) ?[\])}>]) ?",
        r"(?:gmail|hotmail|outlook|yahoo|live|icloud|uol|bol|terra|msn|aol|proton(?:mail)?)\b",
    )),
];

/// Naming a mail provider is giving an address away (`mi gmail es juanperez`).
static MAIL_PROVIDER: Pattern =
    Pattern::new(r"\b(?:gmail|hotmail|outlook|yahoo|icloud|protonmail)\b");

/// Flags e-mail addresses and returns the text with them blanked out.
pub(crate) fn detect_emails(text: &str, reasons: &mut Vec<Reason>) -> String {
    let ranges: Vec<_> = EMAILS.iter().flat_map(|p| p.ranges(text)).collect();
    if !ranges.is_empty() || MAIL_PROVIDER.is_match(text) {
        reasons.push(Reason::Email);
    }
    blank(text, &ranges)
}

/// `@mitienda` (after e-mails are gone, an `@` before a name is a handle), or `arroba mitienda`.
static HANDLE: Pattern =
    Pattern::new(r"(?:^|[^a-z0-9._%+\-])(?:@|\barroba\b) ?[a-z0-9_.]*[a-z_][a-z0-9_.]*");

static NETWORK: Pattern = Pattern::new(concat!(
    r"\b(?:instagram|insta|ig|facebook|fb|tiktok|whatsapp|whats|wpp|wsp|zap|zapzap|telegram",
    r"|twitter|youtube|messenger|snapchat|kwai|linkedin|pinterest|discord)\b",
    // `face` alone is also a face or a side; as a channel it follows `no`, `pelo`, `por`.
    r"|\b(?:no|pelo|por|en|el|al|mi|meu|nuestro|nosso) face\b",
    // Private channels, which on Mercado Libre can only be outside it: `por privado`, `un DM`.
    r"|\b(?:por|al|en|no|pelo|via|un|una|mensaje|mensagem|chat) (?:privado|privada|interno|dm|md|inbox|direct)\b",
));

/// Words saying the network is a feature of the product (`compatible con WhatsApp`, `instala
/// Instagram`), not a way to reach the seller.
const FEATURE_WORDS: &[&str] = &[
    "app",
    "apps",
    "aplicativo",
    "aplicativos",
    "aplicacion",
    "aplicaciones",
    "aplicacao",
    "aplicacoes",
    "instalar",
    "instala",
    "instalado",
    "instalada",
    "compatible",
    "compatibles",
    "compativel",
    "compativeis",
    "soporta",
    "suporta",
    "roda",
    "corre",
    "funciona",
    "funcionan",
    "funcionam",
    "descargar",
    "baixar",
    "android",
    "ios",
    "notificaciones",
    "notificacoes",
    "reloj",
    "relogio",
    "smartwatch",
    "pantalla",
    "tela",
    "tv",
    "tele",
    "televisor",
    "televisao",
    "smart",
    "smartphone",
    "netflix",
    "spotify",
    "incorporado",
    "incorporados",
    "incluido",
    "incluidos",
    "instalados",
    "instaladas",
];

/// Words that turn a network into a channel: following, writing, a profile, a link.
const CHANNEL_STEMS: &[&str] = &[
    "segui", "siga", "sigue", "segue", "chama", "chame", "escrib", "escrev", "mand", "contact",
    "contat", "agreg", "adicion", "busca", "encontra", "procur", "perfil", "pagina", "grupo",
    "canal", "link", "nuestr", "noss", "numero", "habl", "fal", "llam", "lig", "respond", "atend",
];

/// Flags `@handles` and social networks or messengers named as a channel.
pub(crate) fn detect_social(text: &str, reasons: &mut Vec<Reason>) {
    if HANDLE.is_match(text) {
        reasons.push(Reason::SocialMedia);
        return;
    }
    for sentence in sentences(text) {
        if !NETWORK.is_match(sentence.text) {
            continue;
        }
        let words = words(sentence.text);
        let feature = words.iter().any(|w| is_any(w, FEATURE_WORDS));
        let channel = words.iter().any(|w| has_stem(w, CHANNEL_STEMS));
        if !feature || channel {
            reasons.push(Reason::SocialMedia);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::normalize;

    fn emails(text: &str) -> bool {
        let mut reasons = Vec::new();
        detect_emails(&normalize(text), &mut reasons);
        reasons.contains(&Reason::Email)
    }

    fn social(text: &str) -> bool {
        let mut reasons = Vec::new();
        let rest = detect_emails(&normalize(text), &mut reasons);
        detect_social(&rest, &mut reasons);
        reasons.contains(&Reason::SocialMedia)
    }

    #[test]
    fn every_pattern_compiles() {
        for p in EMAILS.iter().chain([&MAIL_PROVIDER, &HANDLE, &NETWORK]) {
            assert!(p.get().is_some(), "{}", p.src());
        }
    }

    #[test]
    fn finds_addresses_however_written() {
        for text in [
            "Escribinos a info@mitienda.com",
            "ventas @ tienda . com . ar",
            "Escribime a ventas arroba tienda punto com",
            "juan [at] gmail [dot] com",
            "juan (arroba) hotmail (punto) com",
            "juan at gmail dot com",
            "meu email: joao arroba gmail ponto com",
            "mi mail es juanperez arroba gmail",
            "mandame al gmail",
            "JUAN＠GMAIL．COM",
        ] {
            assert!(emails(text), "{text}");
        }
        for text in [
            "Llega al punto de retiro en 48 hs",
            "Mide 1.5 m",
            "Usá el e-mail de tu cuenta de Mercado Libre",
        ] {
            assert!(!emails(text), "{text}");
        }
    }

    #[test]
    fn finds_handles_and_channels_not_features() {
        for text in [
            "Seguinos en instagram @mitienda",
            "Seguinos en Instagram @mitienda.ok",
            "Buscanos como @mi.tienda_ok",
            "Chama no whats",
            "Nos encontrás en Facebook",
            "Tenemos más fotos en el insta",
            "Me chama no face",
            "Búscanos en Face: TiendaOK",
            "Te paso mi número por privado",
            "Mandame un DM",
            "Seguinos arroba mitienda",
            "Compatible con WhatsApp, escribinos al whatsapp de la tienda",
        ] {
            assert!(social(text), "{text}");
        }
        for text in [
            "Sí, el reloj muestra notificaciones de WhatsApp e Instagram",
            "O aplicativo roda WhatsApp normalmente",
            "Escribinos a ventas@tienda.com",
            "La cara frontal (face) es de vidrio",
            "Tiene memoria interna de 128 GB",
        ] {
            assert!(!social(text), "{text}");
        }
    }
}
