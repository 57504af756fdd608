//! The named segments: a customer's (R, F, M) labels read as a kind of customer.

use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// A customer's segment. The codes ([`Segment::code`], and the serde form) are stable: the CLI's
/// output and the pandas script use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Champions,
    Promising,
    Loyal,
    PotentialLoyalist,
    New,
    LowSpenders,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    Lost,
    /// What no rule above takes. Every combination of labels within 1..=5 is taken by one of
    /// them, so only labels outside that range land here.
    Others,
}

type Labels = RangeInclusive<u8>;

/// The rules, tried in this order; the first that holds wins. The ranges overlap on purpose
/// (a recent, frequent, big spender is also loyal): the order says which reading matters more.
const RULES: [(Segment, Labels, Labels, Labels); 10] = [
    (Segment::Champions, 4..=5, 4..=5, 4..=5),
    (Segment::Promising, 4..=5, 1..=2, 3..=5),
    (Segment::Loyal, 3..=5, 3..=5, 3..=5),
    (Segment::PotentialLoyalist, 3..=5, 2..=3, 2..=4),
    (Segment::New, 5..=5, 1..=1, 1..=5),
    (Segment::LowSpenders, 3..=5, 1..=5, 1..=2),
    (Segment::NeedAttention, 2..=3, 1..=2, 4..=5),
    (Segment::AboutToSleep, 2..=3, 1..=2, 1..=3),
    (Segment::AtRisk, 1..=2, 1..=5, 3..=5),
    (Segment::Lost, 1..=2, 1..=5, 1..=2),
];

impl Segment {
    /// Every segment, in rule order (`Others` last).
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Promising,
        Segment::Loyal,
        Segment::PotentialLoyalist,
        Segment::New,
        Segment::LowSpenders,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::Lost,
        Segment::Others,
    ];

    /// The segment of labels `r`, `f`, `m`: the first rule that holds, else `Others`.
    pub fn classify(r: u8, f: u8, m: u8) -> Segment {
        RULES
            .iter()
            .find(|(_, rr, ff, mm)| rr.contains(&r) && ff.contains(&f) && mm.contains(&m))
            .map_or(Segment::Others, |(segment, ..)| *segment)
    }

    pub fn code(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::Promising => "promising",
            Segment::Loyal => "loyal",
            Segment::PotentialLoyalist => "potential_loyalist",
            Segment::New => "new",
            Segment::LowSpenders => "low_spenders",
            Segment::NeedAttention => "need_attention",
            Segment::AboutToSleep => "about_to_sleep",
            Segment::AtRisk => "at_risk",
            Segment::Lost => "lost",
            Segment::Others => "others",
        }
    }

    pub fn from_code(code: &str) -> Option<Segment> {
        Segment::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The name people read, in `lang` (`es`, `pt` or `en`; anything else gets Spanish, the
    /// language of most Mercado Libre sites).
    pub fn name(self, lang: &str) -> &'static str {
        let (es, pt, en) = match self {
            Segment::Champions => ("Campeones", "Campeões", "Champions"),
            Segment::Promising => ("Prometedores", "Promissores", "Promising"),
            Segment::Loyal => ("Leales", "Fiéis", "Loyal"),
            Segment::PotentialLoyalist => (
                "Potencialmente leales",
                "Potencialmente fiéis",
                "Potential loyalists",
            ),
            Segment::New => ("Nuevos", "Novos", "New"),
            Segment::LowSpenders => ("Gasto bajo", "Gasto baixo", "Low spenders"),
            Segment::NeedAttention => (
                "Necesitan atención",
                "Precisam de atenção",
                "Need attention",
            ),
            Segment::AboutToSleep => ("Por dormirse", "Quase dormindo", "About to sleep"),
            Segment::AtRisk => ("En riesgo", "Em risco", "At risk"),
            Segment::Lost => ("Perdidos", "Perdidos", "Lost"),
            Segment::Others => ("Otros", "Outros", "Others"),
        };
        match lang {
            "pt" => pt,
            "en" => en,
            _ => es,
        }
    }
}

impl std::fmt::Display for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn all_labels() -> impl Iterator<Item = (u8, u8, u8)> {
        (1..=5).flat_map(|r| (1..=5).flat_map(move |f| (1..=5).map(move |m| (r, f, m))))
    }

    #[test]
    fn every_named_segment_is_reachable_and_others_only_outside_the_labels() {
        let reached: BTreeSet<Segment> = all_labels()
            .map(|(r, f, m)| Segment::classify(r, f, m))
            .collect();
        let named: BTreeSet<Segment> = Segment::ALL[..10].iter().copied().collect();
        assert_eq!(reached, named, "all ten named segments, and never Others");
        assert_eq!(Segment::classify(0, 3, 3), Segment::Others);
        assert_eq!(Segment::classify(3, 6, 3), Segment::Others);
        assert_eq!(Segment::classify(3, 3, 0), Segment::Others);
    }

    #[test]
    fn one_example_per_segment() {
        for (labels, segment) in [
            ((5, 5, 5), Segment::Champions),
            ((4, 1, 3), Segment::Promising),
            ((3, 4, 3), Segment::Loyal),
            ((3, 2, 2), Segment::PotentialLoyalist),
            ((5, 1, 1), Segment::New),
            ((4, 1, 1), Segment::LowSpenders),
            ((3, 1, 4), Segment::NeedAttention),
            ((2, 1, 1), Segment::AboutToSleep),
            ((1, 5, 5), Segment::AtRisk),
            ((1, 1, 1), Segment::Lost),
        ] {
            let (r, f, m) = labels;
            assert_eq!(Segment::classify(r, f, m), segment, "{labels:?}");
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        for ((r, f, m), winner, also) in [
            ((5, 5, 5), Segment::Champions, Segment::Loyal),
            ((5, 1, 3), Segment::Promising, Segment::New),
            ((4, 2, 3), Segment::Promising, Segment::PotentialLoyalist),
            ((3, 3, 3), Segment::Loyal, Segment::PotentialLoyalist),
            ((4, 3, 2), Segment::PotentialLoyalist, Segment::LowSpenders),
            ((5, 2, 2), Segment::PotentialLoyalist, Segment::LowSpenders),
            ((3, 2, 2), Segment::PotentialLoyalist, Segment::LowSpenders),
            (
                (3, 2, 4),
                Segment::PotentialLoyalist,
                Segment::NeedAttention,
            ),
            ((3, 2, 3), Segment::PotentialLoyalist, Segment::AboutToSleep),
            ((5, 1, 2), Segment::New, Segment::LowSpenders),
            ((3, 1, 2), Segment::LowSpenders, Segment::AboutToSleep),
            ((2, 1, 4), Segment::NeedAttention, Segment::AtRisk),
            ((2, 2, 3), Segment::AboutToSleep, Segment::AtRisk),
            ((2, 1, 2), Segment::AboutToSleep, Segment::Lost),
        ] {
            assert_eq!(Segment::classify(r, f, m), winner, "({r}, {f}, {m})");
            let matching: Vec<Segment> = RULES
                .iter()
                .filter(|(_, rr, ff, mm)| rr.contains(&r) && ff.contains(&f) && mm.contains(&m))
                .map(|(s, ..)| *s)
                .collect();
            assert_eq!(matching.first(), Some(&winner));
            assert!(
                matching.contains(&also),
                "({r}, {f}, {m}) also reads as {also:?}"
            );
        }
    }

    #[test]
    fn codes_round_trip_and_names_exist_in_each_language() {
        for segment in Segment::ALL {
            assert_eq!(Segment::from_code(segment.code()), Some(segment));
            assert_eq!(
                serde_json::to_value(segment).unwrap(),
                serde_json::json!(segment.code())
            );
            for lang in ["es", "pt", "en"] {
                assert!(!segment.name(lang).is_empty());
            }
            assert_eq!(segment.name("fr"), segment.name("es"));
        }
        assert_eq!(Segment::PotentialLoyalist.name("en"), "Potential loyalists");
        assert_eq!(Segment::from_code("hibernating"), None);
    }
}
