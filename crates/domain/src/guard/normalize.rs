//! Folding a text into the one spelling the detectors read, so that accents, capitals, look-alike
//! characters, spaced-out letters and digits written as words do not hide contact data.

use super::lexicon;
use super::text::Pattern;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The folded form of `text`:
/// - compatibility decomposition (full-width `１`, `＠`, circled and styled letters and digits
///   become plain ones), combining marks dropped (`é` → `e`, `ç` → `c`), lowercase;
/// - invisible characters (zero-width spaces and joiners, soft hyphens) removed, Cyrillic and
///   Greek letters that look Latin read as Latin, every dash read as `-`, runs of spaces as one;
/// - a space after a full stop that starts a capitalised word (`stock.Me avisas`), so sentences
///   typed without a space are not read as domains;
/// - four or more single letters in a row joined (`w h a t s a p p`, `i.n.s.t.a`);
/// - `o`, `i`, `l` read as digits inside numbers (`11 5555 OOOO`, `1l5555`);
/// - digits written as words read as digits when three or more numbers come in a row
///   (`once cinco cinco…`, `nove nove oito…`), tens joined with their units (`cuarenta y dos`);
/// - split spellings joined: `e-mail`, `whats app`, `insta gram`, `g mail`.
pub fn normalize(text: &str) -> String {
    let folded = fold(text);
    let mut tokens = join_spaced_letters(tokenize(&folded));
    read_look_alike_digits(&mut tokens);
    let text = read_number_words(&tokens);
    join_split_spellings(text)
}

fn fold(text: &str) -> String {
    let chars: Vec<char> = text.nfkd().filter_map(fold_char).collect();
    let mut out = String::with_capacity(text.len());
    let mut last = '\n';
    for (i, &c) in chars.iter().enumerate() {
        let starts_sentence = c.is_uppercase()
            && i >= 2
            && chars.get(i - 1) == Some(&'.')
            && chars.get(i - 2).is_some_and(|p| p.is_lowercase())
            && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        if starts_sentence {
            out.push(' ');
            last = ' ';
        }
        for lower in c.to_lowercase() {
            if is_combining_mark(lower) {
                continue;
            }
            // One space between words, one line end between lines.
            if (lower == ' ' || lower == '\n') && (last == ' ' || last == '\n') {
                if lower == '\n' && last == ' ' {
                    out.pop();
                    out.push('\n');
                    last = '\n';
                }
                continue;
            }
            out.push(lower);
            last = lower;
        }
    }
    out.trim().to_string()
}

fn fold_char(c: char) -> Option<char> {
    if is_combining_mark(c) || is_invisible(c) {
        return None;
    }
    Some(match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => '\n',
        c if c.is_whitespace() => ' ',
        c if c.is_control() => return None,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        '\u{B7}' | '\u{2022}' | '\u{2219}' | '\u{30FB}' => '.',
        c => lexicon::latin_look_alike(c).unwrap_or(c),
    })
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
    )
}

/// A run of ASCII letters and digits (`word`), or of anything else.
struct Token {
    text: String,
    word: bool,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    for c in text.chars() {
        let word = c.is_ascii_alphanumeric();
        match tokens.last_mut() {
            Some(last) if last.word == word => last.text.push(c),
            _ => tokens.push(Token {
                text: c.to_string(),
                word,
            }),
        }
    }
    tokens
}

/// A separator short and plain enough to sit inside a spelled-out word or a number.
fn is_tight_separator(token: &Token) -> bool {
    !token.word
        && token.text.len() <= 3
        && token
            .text
            .chars()
            .all(|c| matches!(c, ' ' | '.' | '-' | '_' | '*' | ','))
}

fn is_single_letter(token: &Token) -> bool {
    token.word && token.text.len() == 1 && token.text.chars().all(|c| c.is_ascii_lowercase())
}

/// `w h a t s a p p` → `whatsapp`. Four letters at least: shorter runs occur in ordinary
/// Spanish and Portuguese (`y o`, `e a`).
fn join_spaced_letters(mut tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut end = i;
        let mut letters = 0;
        while tokens.get(end).is_some_and(is_single_letter) {
            letters += 1;
            if tokens.get(end + 1).is_some_and(is_tight_separator)
                && tokens.get(end + 2).is_some_and(is_single_letter)
            {
                end += 2;
            } else {
                break;
            }
        }
        if letters >= 4 {
            // A dot set apart from the run's usual separator is a real dot:
            // `g m a i l . c o m` → `gmail.com`, while `i.n.s.t.a` → `insta`.
            let usual = tokens.get(i + 1).map(|t| t.text.as_str()).unwrap_or("");
            let joined: String = tokens[i..=end]
                .iter()
                .filter(|t| t.word || (t.text != usual && t.text.contains('.')))
                .map(|t| if t.word { t.text.as_str() } else { "." })
                .collect();
            out.push(Token {
                text: joined,
                word: true,
            });
            i = end + 1;
        } else {
            out.push(Token {
                text: std::mem::take(&mut tokens[i].text),
                word: tokens[i].word,
            });
            i += 1;
        }
    }
    out
}

fn look_alike_digit(c: char) -> char {
    match c {
        'o' => '0',
        'i' | 'l' => '1',
        c => c,
    }
}

fn is_digits(token: &Token) -> bool {
    token.word && token.text.chars().all(|c| c.is_ascii_digit())
}

/// `1l5555` → `115555` and, beside a number, `1l` and `OOOO` → `11`, `0000`. A token mixing
/// digits and look-alikes is read as digits when it has two digits or stands beside a number
/// (`2l`, two litres, stays); a letters-only one needs three letters and a number beside it
/// (`oi 11…` stays).
fn read_look_alike_digits(tokens: &mut [Token]) {
    for i in 0..tokens.len() {
        let token = &tokens[i];
        let digits = token.text.chars().filter(|c| c.is_ascii_digit()).count();
        let only_look_alikes = token.word
            && token
                .text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'o' | 'i' | 'l'))
            && digits < token.text.len();
        if !only_look_alikes {
            continue;
        }
        let beside_number = |sep: Option<&Token>, other: Option<&Token>| {
            sep.is_some_and(is_tight_separator)
                && other.is_some_and(|t| is_digits(t) && t.text.len() >= 2)
        };
        let beside = (i >= 2 && beside_number(tokens.get(i - 1), tokens.get(i - 2)))
            || beside_number(tokens.get(i + 1), tokens.get(i + 2));
        let read = match digits {
            0 => token.text.len() >= 3 && beside,
            1 => beside,
            _ => true,
        };
        if read {
            tokens[i].text = tokens[i].text.chars().map(look_alike_digit).collect();
        }
    }
}

/// One number read at `tokens[i]`: its digits and how many tokens it took.
fn number_at(tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let token = tokens.get(i)?;
    if is_digits(token) {
        return Some((token.text.clone(), 1));
    }
    if !token.word {
        return None;
    }
    let value = lexicon::number_word(&token.text)?;
    // "cuarenta y dos", "vinte e um": a ten, a conjunction, a unit.
    if value >= 20 && value.is_multiple_of(10) {
        let joined = tokens.get(i + 1).is_some_and(|t| t.text == " ")
            && tokens
                .get(i + 2)
                .is_some_and(|t| t.text == "y" || t.text == "e")
            && tokens.get(i + 3).is_some_and(|t| t.text == " ");
        if joined
            && let Some(unit) = tokens
                .get(i + 4)
                .and_then(|t| lexicon::number_word(&t.text))
                .filter(|u| (1..=9).contains(u))
        {
            return Some(((value + unit).to_string(), 5));
        }
    }
    Some((value.to_string(), 1))
}

/// Rewrites runs of three numbers or more, one of them in words, as digits separated by
/// spaces: `once cinco cinco cinco cinco cero…` → `11 5 5 5 5 0…`. Single number words stay
/// (`dos unidades`), and so do runs in digits only (the phone detector reads their separators).
fn read_number_words(tokens: &[Token]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut numbers = Vec::new();
        let mut has_word = false;
        let mut j = i;
        while let Some((digits, taken)) = number_at(tokens, j) {
            has_word |= !is_digits(&tokens[j]);
            numbers.push(digits);
            j += taken;
            if tokens.get(j).is_some_and(is_tight_separator) && number_at(tokens, j + 1).is_some() {
                j += 1;
            } else {
                break;
            }
        }
        if numbers.len() >= 3 && has_word {
            out.push_str(&numbers.join(" "));
            i = j;
        } else {
            out.push_str(&tokens[i].text);
            i += 1;
        }
    }
    out
}

static SPLIT_SPELLINGS: [(Pattern, &str); 7] = [
    (Pattern::new(r"\be[ ._-]?mails?\b"), "email"),
    (
        Pattern::new(r"\b(?:wh?ats?|guas|wass?)[ ._-]?ap+\b"),
        "whatsapp",
    ),
    (Pattern::new(r"\binsta[ ._-]?gram\b"), "instagram"),
    (Pattern::new(r"\bface[ ._-]?book\b"), "facebook"),
    (Pattern::new(r"\btik[ ._-]?tok\b"), "tiktok"),
    (Pattern::new(r"\bg[ ._-]?mail\b"), "gmail"),
    (Pattern::new(r"\bhot[ ._-]?mail\b"), "hotmail"),
];

fn join_split_spellings(mut text: String) -> String {
    for (pattern, spelling) in &SPLIT_SPELLINGS {
        if let Some(re) = pattern.get()
            && re.is_match(&text)
        {
            text = re.replace_all(&text, *spelling).into_owned();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for (pattern, _) in &SPLIT_SPELLINGS {
            assert!(pattern.get().is_some(), "{}", pattern.src());
        }
    }

    #[test]
    fn folds_case_accents_widths_and_invisibles() {
        assert_eq!(
            normalize("¿Cuál es tu DIRECCIÓN?"),
            "¿cual es tu direccion?"
        );
        assert_eq!(normalize("ｍｅｕ  ＣＰＦ"), "meu cpf");
        assert_eq!(normalize("wh\u{200B}ats\u{AD}app"), "whatsapp");
        assert_eq!(normalize("gmаil"), "gmail", "Cyrillic а");
        assert_eq!(normalize("hay stock.Me avisás"), "hay stock. me avisas");
        assert_eq!(normalize("Línea 1\r\n\r\nLínea 2"), "linea 1\nlinea 2");
    }

    #[test]
    fn joins_spaced_letters_and_split_spellings() {
        assert_eq!(normalize("w h a t s a p p"), "whatsapp");
        assert_eq!(normalize("I.N.S.T.A.G.R.A.M"), "instagram");
        assert_eq!(normalize("J U A N @ G M A I L . C O M"), "juan @ gmail.com");
        assert_eq!(normalize("mandá tu e-mail"), "manda tu email");
        assert_eq!(normalize("por whats app"), "por whatsapp");
        assert_eq!(normalize("y o a"), "y o a", "short runs are ordinary words");
    }

    #[test]
    fn reads_look_alike_digits_only_inside_numbers() {
        assert_eq!(normalize("11 5555 OOOO"), "11 5555 0000");
        assert_eq!(normalize("1l 5555 0o0o"), "11 5555 0000");
        assert_eq!(
            normalize("Oi, tudo bem? 2l de agua"),
            "oi, tudo bem? 2l de agua"
        );
        assert_eq!(normalize("el modelo SM-A546E"), "el modelo sm-a546e");
    }

    #[test]
    fn reads_digits_written_as_words() {
        assert_eq!(
            normalize("once cinco cinco cinco cinco, cero cero cero cero"),
            "11 5 5 5 5 0 0 0 0"
        );
        assert_eq!(normalize("nove nove oito sete"), "9 9 8 7");
        assert_eq!(normalize("cuarenta y dos, treinta y uno, 15"), "42 31 15");
        assert_eq!(
            normalize("llegan dos o tres cajas"),
            "llegan dos o tres cajas"
        );
        assert_eq!(normalize("um dos melhores"), "um dos melhores");
    }
}
