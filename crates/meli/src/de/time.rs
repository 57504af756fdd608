//! Timestamps as `DateTime<FixedOffset>`, keeping the offset MeLi sent.
//!
//! Seen in samples: `Z` with millis or nanoseconds
//! (`2021-02-08T17:51:21.746608612Z`), `-04:00` offsets, `-0400` offsets,
//! and a documentation page that inserted spaces after every colon
//! (`2016-02-24T15: 18: 42.000-04: 00`). Anything else is an error that
//! quotes the value.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::de::{self, Deserializer, Visitor};

const EXPECTING: &str = "an RFC 3339 timestamp like 2021-02-08T17:51:21.746Z";

/// Parses every timestamp shape Mercado Libre is known to send.
pub fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    let t = s.trim();
    parse_strict(t).or_else(|| {
        // Only the "space after colon" typo is repaired; the result must
        // still be a complete timestamp.
        t.contains(": ")
            .then(|| t.replace(": ", ":"))
            .and_then(|r| parse_strict(&r))
    })
}

fn parse_strict(t: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(t)
        .ok()
        .or_else(|| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z").ok())
        .or_else(|| {
            // MeLi documents its timestamps as UTC; a missing offset means UTC.
            NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc().fixed_offset())
        })
}

struct TsVisitor;

impl<'de> Visitor<'de> for TsVisitor {
    type Value = DateTime<FixedOffset>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_timestamp(v).ok_or_else(|| E::custom(format!("expected {EXPECTING}, got {v:?}")))
    }
}

struct OptTsVisitor;

impl<'de> Visitor<'de> for OptTsVisitor {
    type Value = Option<DateTime<FixedOffset>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{EXPECTING} or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        TsVisitor.visit_str(v).map(Some)
    }
}

/// A required timestamp.
pub fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    d.deserialize_any(TsVisitor)
}

/// An optional timestamp: missing, `null` and `""` are `None`; a present but
/// unreadable value is still an error, so bad data is never silently dropped.
pub fn opt_timestamp<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    d.deserialize_option(OptTsVisitor)
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    fn rfc(s: &str) -> Option<String> {
        parse_timestamp(s).map(|t| t.to_rfc3339())
    }

    #[test]
    fn shapes_seen_in_the_wild() {
        assert_eq!(
            rfc("2021-02-08T17:51:21.746608612Z").as_deref(),
            Some("2021-02-08T17:51:21.746608612+00:00")
        );
        assert_eq!(
            rfc("2021-02-16T14:52:13.580-04:00").as_deref(),
            Some("2021-02-16T14:52:13.580-04:00")
        );
        assert_eq!(
            rfc("2015-07-01T00:00:00.000-0400").as_deref(),
            Some("2015-07-01T00:00:00-04:00")
        );
        assert_eq!(
            rfc("2016-02-24T15: 18: 42.000-04: 00").as_deref(),
            Some("2016-02-24T15:18:42-04:00")
        );
        assert_eq!(
            rfc("2020-12-05T20:01:46.000").as_deref(),
            Some("2020-12-05T20:01:46+00:00")
        );
    }

    #[test]
    fn garbage_is_rejected() {
        assert_eq!(rfc("timestamp_envio"), None);
        assert_eq!(rfc("2021-02-30T00:00:00Z"), None);
        assert_eq!(rfc(""), None);
        assert_eq!(rfc("2021-02-08"), None);
    }
}
