//! Mercado Libre sites. Unknown site codes are kept (the list grows) rather than rejected.

use serde::{Deserialize, Serialize};

/// A site code such as `MLB`, kept as Mercado Libre spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Site(pub String);

/// What we know about a site without asking the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteInfo {
    pub code: &'static str,
    pub country: &'static str,
    pub currency: &'static str,
    /// BCP-47 language of the site's buyers (`es` or `pt`).
    pub language: &'static str,
    /// The IANA zone the store's day runs in (the capital's, for countries with several).
    pub time_zone: &'static str,
}

pub const SITES: &[SiteInfo] = &[
    SiteInfo {
        code: "MLB",
        country: "Brasil",
        currency: "BRL",
        language: "pt",
        time_zone: "America/Sao_Paulo",
    },
    SiteInfo {
        code: "MLA",
        country: "Argentina",
        currency: "ARS",
        language: "es",
        time_zone: "America/Argentina/Buenos_Aires",
    },
    SiteInfo {
        code: "MLM",
        country: "México",
        currency: "MXN",
        language: "es",
        time_zone: "America/Mexico_City",
    },
    SiteInfo {
        code: "MLC",
        country: "Chile",
        currency: "CLP",
        language: "es",
        time_zone: "America/Santiago",
    },
    SiteInfo {
        code: "MCO",
        country: "Colombia",
        currency: "COP",
        language: "es",
        time_zone: "America/Bogota",
    },
    SiteInfo {
        code: "MLU",
        country: "Uruguay",
        currency: "UYU",
        language: "es",
        time_zone: "America/Montevideo",
    },
    SiteInfo {
        code: "MPE",
        country: "Perú",
        currency: "PEN",
        language: "es",
        time_zone: "America/Lima",
    },
    SiteInfo {
        code: "MEC",
        country: "Ecuador",
        currency: "USD",
        language: "es",
        time_zone: "America/Guayaquil",
    },
    SiteInfo {
        code: "MLV",
        country: "Venezuela",
        currency: "VES",
        language: "es",
        time_zone: "America/Caracas",
    },
    SiteInfo {
        code: "MCR",
        country: "Costa Rica",
        currency: "CRC",
        language: "es",
        time_zone: "America/Costa_Rica",
    },
    SiteInfo {
        code: "MPA",
        country: "Panamá",
        currency: "PAB",
        language: "es",
        time_zone: "America/Panama",
    },
    SiteInfo {
        code: "MRD",
        country: "República Dominicana",
        currency: "DOP",
        language: "es",
        time_zone: "America/Santo_Domingo",
    },
    SiteInfo {
        code: "MBO",
        country: "Bolivia",
        currency: "BOB",
        language: "es",
        time_zone: "America/La_Paz",
    },
    SiteInfo {
        code: "MPY",
        country: "Paraguay",
        currency: "PYG",
        language: "es",
        time_zone: "America/Asuncion",
    },
];

impl Site {
    pub fn new(code: impl Into<String>) -> Self {
        Site(code.into())
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// Static facts when the site is one we list.
    pub fn info(&self) -> Option<&'static SiteInfo> {
        SITES.iter().find(|s| s.code == self.0)
    }

    /// Parses user input such as `mlb` into a known site.
    pub fn parse_known(input: &str) -> Result<Site, String> {
        let code = input.trim().to_ascii_uppercase();
        if SITES.iter().any(|s| s.code == code) {
            Ok(Site(code))
        } else {
            let known: Vec<&str> = SITES.iter().map(|s| s.code).collect();
            Err(format!(
                "unknown site {input:?}; known sites: {}",
                known.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_sites_case_insensitively() {
        assert_eq!(
            Site::parse_known(" mlb ").map(|s| s.0),
            Ok("MLB".to_string())
        );
        assert!(Site::parse_known("XXX").unwrap_err().contains("MLA"));
        assert_eq!(Site::new("MLA").info().map(|i| i.currency), Some("ARS"));
    }
}
