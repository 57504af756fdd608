//! Times as the store lives them: each Mercado Libre site's IANA zone, written the way the reader's
//! language writes dates. A question asked at 23:50 in São Paulo reads 23:50, wherever the agent
//! and the server are.

use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The zone of a site (`MLB` → `America/Sao_Paulo`); UTC for a site we do not list.
pub fn site_zone(site_id: &str) -> Tz {
    domain::Site::new(site_id)
        .info()
        .and_then(|info| info.time_zone.parse().ok())
        .unwrap_or(Tz::UTC)
}

/// `at` in `zone`, in the language's date format (`21/01/2025 10:44`, `Jan 21, 2025, 10:44`).
pub fn format_local(at: DateTime<Utc>, zone: Tz, lang: Lang) -> String {
    at.with_timezone(&zone)
        .format(lang.datetime_pattern())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_listed_site_has_a_real_zone() {
        for site in domain::site::SITES {
            assert!(
                site.time_zone.parse::<Tz>().is_ok(),
                "{}: {}",
                site.code,
                site.time_zone
            );
            assert_ne!(site_zone(site.code), Tz::UTC, "{}", site.code);
        }
        assert_eq!(site_zone("XXX"), Tz::UTC);
    }

    #[test]
    fn formats_in_the_store_zone_and_the_reader_language() {
        let at = Utc.with_ymd_and_hms(2025, 1, 21, 13, 44, 0).unwrap();
        assert_eq!(
            format_local(at, site_zone("MLB"), Lang::PtBr),
            "21/01/2025 10:44"
        );
        assert_eq!(
            format_local(at, site_zone("MLM"), Lang::Es),
            "21/01/2025 07:44"
        );
        assert_eq!(
            format_local(at, site_zone("MLA"), Lang::En),
            "Jan 21, 2025, 10:44"
        );
        // Past midnight in the store, still the previous day in UTC.
        let late = Utc.with_ymd_and_hms(2025, 3, 1, 2, 30, 0).unwrap();
        assert_eq!(
            format_local(late, site_zone("MLC"), Lang::Es),
            "28/02/2025 23:30"
        );
    }
}
