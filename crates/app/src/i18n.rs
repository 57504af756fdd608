//! The web UI's languages: Spanish, Brazilian Portuguese and English, with Fluent messages under
//! `crates/app/locales/{es,pt-BR,en}/` compiled into the binary.
//!
//! Which language a page speaks ([`resolve_lang`]): the choice made with the language switcher in
//! this browser (cookie), then the language saved on the person's account, then the browser's
//! `Accept-Language`, then Spanish — most of Mercado Libre's sites, and so most of the agents who
//! answer their buyers, are Spanish-speaking (13 of the 14 sites we list).

use axum::http::{HeaderMap, header};
use axum_extra::extract::CookieJar;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es",
        // Unicode isolation marks around placeables would end up inside attributes and test
        // assertions; our placeables are numbers and codes, never right-to-left text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie the language switcher sets.
pub const LANG_COOKIE: &str = "mostrador_lang";

/// A language of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Es,
    PtBr,
    En,
}

/// The language nobody asked against: see the module docs.
pub const DEFAULT_LANG: Lang = Lang::Es;

/// How many `Accept-Language` entries are looked at; real browsers send a handful.
const MAX_ACCEPT_ENTRIES: usize = 32;

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Es, Lang::PtBr, Lang::En];

    /// The BCP-47 tag: the cookie's value, the `lang` attribute and the locales folder.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::PtBr => "pt-BR",
            Lang::En => "en",
        }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Es => langid!("es"),
            Lang::PtBr => langid!("pt-BR"),
            Lang::En => langid!("en"),
        }
    }

    /// A language tag as a person or a browser writes it: `es`, `es-AR`, `pt`, `PT-br`, `en_US`.
    /// Any Portuguese reads Brazilian Portuguese: Brazil is Mercado Libre's only Portuguese site.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Lang::Es),
            "pt" => Some(Lang::PtBr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The message `key` in this language. A missing key shows itself rather than failing the
    /// page; a unit test keeps every key used present in every language.
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(&self.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with its variables.
    pub fn t_with(self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES
            .try_lookup_with_args(&self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// How dates and times read in this language (numeric day first in Spanish and Portuguese).
    pub fn datetime_pattern(self) -> &'static str {
        match self {
            Lang::Es | Lang::PtBr => "%d/%m/%Y %H:%M",
            Lang::En => "%b %-d, %Y, %H:%M",
        }
    }
}

/// The page's language: the browser's explicit choice (`cookie`), else the person's saved
/// language (`saved`), else the best of `Accept-Language`, else [`DEFAULT_LANG`]. Values that name
/// no language of ours are skipped, never an error.
pub fn resolve_lang(
    saved: Option<&str>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
) -> Lang {
    cookie
        .and_then(Lang::from_tag)
        .or_else(|| saved.and_then(Lang::from_tag))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or(DEFAULT_LANG)
}

/// The most preferred language of ours in an `Accept-Language` header (`pt-BR,pt;q=0.9,en;q=0.8`).
/// Ties keep the header's order; `q=0` means "not this one"; malformed weights count as 1.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for entry in header.split(',').take(MAX_ACCEPT_ENTRIES) {
        let mut parts = entry.split(';');
        let Some(lang) = parts.next().and_then(Lang::from_tag) else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        if q > 0.0 && best.is_none_or(|(top, _)| q > top) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// What the request says about its language, before anyone is signed in: the switcher's cookie and
/// `Accept-Language`. [`LangPrefs::resolve`] adds the person's saved language once it is known.
#[derive(Debug, Clone, Default)]
pub struct LangPrefs {
    cookie: Option<String>,
    accept_language: Option<String>,
}

impl LangPrefs {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        LangPrefs {
            cookie: CookieJar::from_headers(headers)
                .get(LANG_COOKIE)
                .map(|c| c.value().to_string()),
            accept_language: headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        }
    }

    pub fn resolve(&self, saved: Option<&str>) -> Lang {
        resolve_lang(
            saved,
            self.cookie.as_deref(),
            self.accept_language.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests;
