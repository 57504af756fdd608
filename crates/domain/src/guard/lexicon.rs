//! Character and word tables the folding uses.

/// Cyrillic and Greek letters drawn like Latin ones, as the Latin letter: `gmаil` with a
/// Cyrillic `а` is still `gmail`.
pub(crate) fn latin_look_alike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'с' => 'c',
        'С' => 'C',
        'е' => 'e',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'і' | 'ι' => 'i',
        'І' | 'Ι' => 'I',
        'ј' => 'j',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'о' | 'ο' => 'o',
        'О' | 'Ο' => 'O',
        'р' | 'ρ' => 'p',
        'Р' | 'Ρ' => 'P',
        'ѕ' => 's',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'ν' => 'v',
        'у' => 'y',
        'х' | 'χ' => 'x',
        'Х' | 'Χ' => 'X',
        _ => return None,
    })
}

/// The value of a number word in Spanish, Portuguese or English, up to the tens a phone number
/// is dictated in. `un`, `una`, `uma` are left out: as articles they are everywhere. `meia` is
/// how Brazilians say six when dictating (`meia meia`), and stays a word outside runs.
pub(crate) fn number_word(word: &str) -> Option<u32> {
    Some(match word {
        "cero" | "zero" => 0,
        "uno" | "um" | "one" => 1,
        "dos" | "dois" | "duas" | "two" => 2,
        "tres" | "three" => 3,
        "cuatro" | "quatro" | "four" => 4,
        "cinco" | "five" => 5,
        "seis" | "meia" | "six" => 6,
        "siete" | "sete" | "seven" => 7,
        "ocho" | "oito" | "eight" => 8,
        "nueve" | "nove" | "nine" => 9,
        "diez" | "dez" | "ten" => 10,
        "once" | "onze" => 11,
        "doce" | "doze" => 12,
        "trece" | "treze" => 13,
        "catorce" | "catorze" | "quatorze" => 14,
        "quince" | "quinze" => 15,
        "dieciseis" | "dezesseis" | "dezasseis" => 16,
        "diecisiete" | "dezessete" | "dezassete" => 17,
        "dieciocho" | "dezoito" => 18,
        "diecinueve" | "dezenove" | "dezanove" => 19,
        "veinte" | "vinte" => 20,
        "veintiuno" => 21,
        "veintidos" => 22,
        "veintitres" => 23,
        "veinticuatro" => 24,
        "veinticinco" => 25,
        "veintiseis" => 26,
        "veintisiete" => 27,
        "veintiocho" => 28,
        "veintinueve" => 29,
        "treinta" | "trinta" => 30,
        "cuarenta" | "quarenta" => 40,
        "cincuenta" | "cinquenta" => 50,
        "sesenta" | "sessenta" => 60,
        "setenta" => 70,
        "ochenta" | "oitenta" => 80,
        "noventa" => 90,
        _ => return None,
    })
}
