//! Helpers the detectors share: patterns compiled once, words, sentences, blanking.

use regex::Regex;
use std::sync::OnceLock;

/// A pattern from this crate's source, compiled on first use. A literal that failed to compile
/// would make its detector match nothing rather than panic; each detector's tests compile all of
/// its patterns, so that cannot ship.
pub(crate) struct Pattern {
    src: &'static str,
    cell: OnceLock<Option<Regex>>,
}

impl Pattern {
    pub(crate) const fn new(src: &'static str) -> Pattern {
        Pattern {
            src,
            cell: OnceLock::new(),
        }
    }

    #[cfg(test)]
    pub(crate) fn src(&self) -> &'static str {
        self.src
    }

    pub(crate) fn get(&self) -> Option<&Regex> {
        self.cell.get_or_init(|| Regex::new(self.src).ok()).as_ref()
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.get().is_some_and(|re| re.is_match(text))
    }

    /// Byte ranges of every match.
    pub(crate) fn ranges(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        match self.get() {
            Some(re) => re.find_iter(text).map(|m| m.range()).collect(),
            None => Vec::new(),
        }
    }
}

/// What blanked-out spans are filled with: neither a word character, a digit separator nor a
/// sentence end, so nothing that was removed can glue its neighbours into a number or a word.
pub(crate) const BLANK: char = '|';

/// Overwrites the given byte ranges (match ranges, so on character boundaries) with [`BLANK`],
/// keeping every other offset where it was.
pub(crate) fn blank(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        if let Some(span) = bytes.get_mut(range.clone()) {
            span.fill(BLANK as u8);
        }
    }
    // Whole characters were replaced by ASCII, so this is UTF-8; the fallback only keeps the
    // function total.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The words of a folded text: runs of ASCII letters and digits.
pub(crate) fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// One sentence of a folded text and whether it was asked (`¿…?`).
pub(crate) struct Sentence<'a> {
    pub text: &'a str,
    pub question: bool,
}

/// Splits a folded text at `? ! ; ¿ ¡`, line ends and a full stop followed by a space (not the
/// dot inside a number or a domain).
pub(crate) fn sentences(text: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut opened_as_question = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|&(_, n)| n == ' ');
        let ends = matches!(c, '?' | '!' | ';' | '\n' | '¿' | '¡') || (c == '.' && next_is_space);
        if ends {
            let piece = &text[start..i];
            if !piece.trim().is_empty() {
                out.push(Sentence {
                    text: piece,
                    question: c == '?' || opened_as_question,
                });
            }
            opened_as_question = c == '¿';
            start = i + c.len_utf8();
        }
    }
    let piece = &text[start..];
    if !piece.trim().is_empty() {
        out.push(Sentence {
            text: piece,
            question: opened_as_question,
        });
    }
    out
}

/// Whether `word` is one of `list`.
pub(crate) fn is_any(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
}

/// Whether `word` starts with one of `stems`.
pub(crate) fn has_stem(word: &str, stems: &[&str]) -> bool {
    stems.iter().any(|s| word.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_ends_but_not_inside_numbers_or_domains() {
        let s = sentences("hola. ¿me pasas tu mail? precio 1.500 en mercadolibre.com.ar\nchau");
        let texts: Vec<(&str, bool)> = s.iter().map(|s| (s.text.trim(), s.question)).collect();
        assert_eq!(
            texts,
            vec![
                ("hola", false),
                ("me pasas tu mail", true),
                ("precio 1.500 en mercadolibre.com.ar", false),
                ("chau", false)
            ]
        );
    }

    #[test]
    fn blanking_keeps_offsets() {
        let t = "a ñb c d";
        let out = blank(t, &[2..5, 6..7]);
        assert_eq!(out.len(), t.len());
        assert_eq!(out, "a ||| | d");
    }
}
