//! Phone numbers, told apart from the other numbers an answer is full of.
//!
//! A candidate is a *digit chain*: digits with at most a short separator between groups (space,
//! `-`, `.`, brackets, a leading `+`), so `+54 9 11 5555-0000`, `(21) 99999-0000` and
//! `1 1 5 5 5 5 0 0 0 0` are one chain each; `/`, `,`, `:` and `x` end a chain, which keeps
//! `38/40`, `R$ 189,90`, `14:30` and `30x40x15` apart. A chain is a phone when, in order:
//! 1. it has 8 to 15 digits (the shortest local numbers to E.164's longest);
//! 2. it is not glued to letters (`SM-A546E`, `2000mah`, `MLA1234567890`), does not follow a
//!    currency (`$`, `R$`, `precio`) nor precede a unit (`cm`, `kg`, `%`, `meses`);
//! 3. it is not shaped like a date (`12.05.2025`), a list of years, a range (`1500-2000`), an
//!    increasing list (`36 38 40 42`, `100 200 300`), a document (`123.456.789-09`,
//!    `20-12345678-9`) or a postcode (`01310-100`);
//! 4. then the nearest context word decides: a phone word (`tel`, `cel`, `whatsapp`, `ligue`,
//!    `llamame`, up to four words before or three after) makes it a phone; an id word (`pedido`,
//!    `envío`, `EAN`, `código`, `NF`, `serie`, …) or a measure word (`talle`, `medidas`) does not;
//! 5. without context, the shape decides. A `+` or an area code in brackets is a phone.
//!    Grouped digits (`11 5555 0000`, `21 99999-0000`, `987 654 321`) are a phone, except
//!    thousands written with dots (`12.500.000`). A single run of digits is a phone only where
//!    phone numbers have that length and order ids or EANs do not: 9 digits starting with 9
//!    (Chile, Peru, Uruguay mobiles), 10 (Argentina, Mexico, Colombia), 11 shaped as a Brazilian
//!    mobile (area code, then 9) or starting with 0, 12–13 starting with a Latin American
//!    country code (5x) — EANs there start with 7 (`789…`, `779…`, `750…`), and Mercado Libre's
//!    order and pack ids have 16 digits.
//!
//! Accepted misses: a bare run of 8 digits (`45551234`), an 11-digit run not shaped like a
//! Brazilian mobile and a 12–13 digit one not starting with a country code pass unless a phone
//! word is near, since shipment and question ids have those lengths. Accepted false alarms: a
//! bare 10-digit id with no context word (`5012345678`).

use super::Reason;
use super::text::{Pattern, has_stem, is_any, words};

static CHAIN: Pattern =
    Pattern::new(r"(?:\+ ?)?\(?[0-9](?:[0-9()]|(?: - | -|- |-| \. |\.| )\(?[0-9])*\)?");

const PHONE_WORDS: &[&str] = &[
    "tel",
    "tels",
    "telefono",
    "telefonos",
    "telefone",
    "telefones",
    "fono",
    "fone",
    "cel",
    "celu",
    "celular",
    "celulares",
    "movil",
    "whatsapp",
    "whats",
    "wpp",
    "wsp",
    "zap",
    "contacto",
    "contato",
    "fijo",
    "phone",
    "call",
    "mobile",
    "sms",
];

/// Verb stems that mean calling or texting (`llamame`, `ligue`, `chama`).
/// Verbs that, right before a number, offer it to be called or written to ("escribime al …",
/// "me manda no …").
const PHONE_STEMS: &[&str] = &[
    "llam", "lig", "chama", "chame", "contact", "contat", "escrib", "escrev", "mand",
];

const ID_WORDS: &[&str] = &[
    "pedido",
    "pedidos",
    "orden",
    "ordem",
    "compra",
    "venta",
    "venda",
    "envio",
    "envios",
    "seguimiento",
    "rastreo",
    "rastreio",
    "rastreamento",
    "tracking",
    "codigo",
    "cod",
    "ean",
    "gtin",
    "upc",
    "isbn",
    "sku",
    "serie",
    "serial",
    "imei",
    "factura",
    "nota",
    "nf",
    "nfe",
    "reclamo",
    "reclamacao",
    "mediacion",
    "id",
    "mla",
    "mlb",
    "mlm",
    "mlc",
    "mco",
    "mlu",
    "mpe",
    "mec",
    "mlv",
    "publicacion",
    "publicacao",
    "anuncio",
    "item",
    "articulo",
    "pack",
    "paquete",
    "pacote",
    "guia",
    "operacion",
    "operacao",
    "transaccion",
    "comprobante",
    "ticket",
    "protocolo",
    "lote",
    "modelo",
    "ref",
    "referencia",
    "pn",
    "part",
    "cuit",
    "cuil",
    "cpf",
    "cnpj",
    "dni",
    "rut",
    "rfc",
    "curp",
    "nit",
    "ruc",
    "chasis",
    "motor",
    "version",
    "firmware",
    "cupon",
    "cupom",
    "objeto",
    "cep",
    "postal",
];

const MEASURE_WORDS: &[&str] = &[
    "talle",
    "talles",
    "talla",
    "tallas",
    "tamanho",
    "tamanhos",
    "tamano",
    "tamanos",
    "numeracion",
    "numeracao",
    "medida",
    "medidas",
    "mide",
    "miden",
    "mede",
    "medem",
    "dimensiones",
    "dimensoes",
    "size",
    "sizes",
    "calce",
    "largo",
    "ancho",
    "alto",
    "comprimento",
    "largura",
    "altura",
    "profundidad",
    "profundidade",
    "diametro",
    "capacidad",
    "capacidade",
    "peso",
    "pesa",
    "voltaje",
    "voltagem",
    "potencia",
    "resolucion",
    "resolucao",
    "stock",
    "estoque",
    "cantidad",
    "quantidade",
    "cuotas",
    "parcelas",
    "anos",
    "ano",
];

const CURRENCY_WORDS: &[&str] = &[
    "usd", "ars", "brl", "mxn", "clp", "cop", "pen", "uyu", "precio", "precios", "preco", "precos",
    "valor", "valores", "cuesta", "cuestan", "custa", "custam", "total", "costo", "custo", "pesos",
    "reais", "dolares", "cobro", "pagas", "paga", "pague",
];

const UNIT_WORDS: &[&str] = &[
    "cm",
    "mm",
    "m",
    "mts",
    "metros",
    "metro",
    "km",
    "kg",
    "kgs",
    "g",
    "gr",
    "grs",
    "gramos",
    "gramas",
    "ml",
    "l",
    "lt",
    "lts",
    "litros",
    "w",
    "watts",
    "v",
    "volts",
    "hz",
    "mah",
    "gb",
    "tb",
    "mb",
    "kb",
    "rpm",
    "pulgadas",
    "polegadas",
    "pol",
    "x",
    "unidades",
    "unidad",
    "un",
    "u",
    "pcs",
    "piezas",
    "pecas",
    "meses",
    "dias",
    "anos",
    "horas",
    "hs",
    "h",
    "min",
    "minutos",
    "cuotas",
    "parcelas",
    "pesos",
    "reais",
    "mil",
    "k",
    "lumens",
    "btu",
    "btus",
    "kcal",
    "cc",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Phone,
    Id,
    Measure,
    Price,
    None,
}

fn word_context(word: &str) -> Context {
    if is_any(word, PHONE_WORDS) || has_stem(word, PHONE_STEMS) {
        Context::Phone
    } else if is_any(word, ID_WORDS) {
        Context::Id
    } else if is_any(word, MEASURE_WORDS) {
        Context::Measure
    } else if is_any(word, CURRENCY_WORDS) {
        Context::Price
    } else {
        Context::None
    }
}

/// The context of a chain: a currency sign right before it, else the nearest telling word up to
/// four words before (within the sentence), else a phone word up to three words after.
fn context(before: &str, after: &str) -> Context {
    // A full stop followed by a space ends a sentence too ("Hay stock. Escribime al …"); a dot
    // between digits (12.500) does not.
    let before = before
        .rsplit(['\n', '?', '!', ';'])
        .next()
        .unwrap_or(before);
    let before = before.rsplit(". ").next().unwrap_or(before);
    let trimmed = before.trim_end();
    if trimmed.ends_with('$') || trimmed.ends_with("u$s") {
        return Context::Price;
    }
    let found = words(before)
        .into_iter()
        .rev()
        .take(4)
        .map(word_context)
        .find(|c| *c != Context::None);
    if let Some(found) = found {
        return found;
    }
    let after = after.split(['\n', '?', '!', ';']).next().unwrap_or(after);
    if words(after)
        .into_iter()
        .take(3)
        .any(|w| word_context(w) == Context::Phone)
    {
        return Context::Phone;
    }
    Context::None
}

struct Chain<'a> {
    text: &'a str,
    digits: String,
    groups: Vec<&'a str>,
}

impl Chain<'_> {
    fn has(&self, c: char) -> bool {
        self.text.contains(c)
    }

    fn values(&self) -> Vec<u64> {
        self.groups
            .iter()
            .map(|g| g.parse::<u64>().unwrap_or(u64::MAX))
            .collect()
    }

    fn lengths(&self) -> Vec<usize> {
        self.groups.iter().map(|g| g.len()).collect()
    }

    /// `12.05.2025`, `2025-05-12`.
    fn is_date(&self) -> bool {
        let (l, v) = (self.lengths(), self.values());
        if l.len() != 3 || v.len() != 3 {
            return false;
        }
        let day_first = l[0] <= 2 && l[1] <= 2 && (l[2] == 2 || l[2] == 4) && v[0] <= 31;
        let year_first = l[0] == 4 && l[1] <= 2 && l[2] <= 2 && v[2] <= 31 && v[1] <= 12;
        (day_first && (v[1] <= 12 || v[0] <= 12)) || year_first
    }

    fn is_years(&self) -> bool {
        self.groups
            .iter()
            .all(|g| g.len() == 4 && (g.starts_with("19") || g.starts_with("20")))
    }

    /// `1500-2000`, `1000 2000`: two round numbers, the second larger.
    fn is_range(&self) -> bool {
        let v = self.values();
        v.len() == 2 && v[0].is_multiple_of(10) && v[1].is_multiple_of(10) && v[0] < v[1]
    }

    /// `36 38 40 42`, `100 200 300`: sizes and quantities listed in order.
    fn is_increasing_list(&self) -> bool {
        let (l, v) = (self.lengths(), self.values());
        if l.len() < 3 || !v.windows(2).all(|w| w[0] < w[1]) {
            return false;
        }
        let short = l.iter().all(|&n| n <= 2);
        let even = l.windows(2).all(|w| w[0] == w[1]) && !self.groups[0].starts_with('0');
        short || even
    }

    /// `123.456.789-09` (CPF), `20-12345678-9` (CUIT/CUIL): numbers of a document the seller may
    /// put on an invoice, not a way to reach anyone; `01310-100`, a Brazilian postcode (CEP).
    fn is_document(&self) -> bool {
        let l = self.lengths();
        l == [3, 3, 3, 2] || (self.has('-') && (l == [2, 8, 1] || l == [5, 3]))
    }

    /// `12.500.000`, `1.500 2.000`: every space-separated part is a number with dots every three
    /// digits.
    fn is_thousands(&self) -> bool {
        if !self.has('.') || self.has('-') || self.has('(') || self.has('+') {
            return false;
        }
        self.text.split(' ').filter(|p| !p.is_empty()).all(|part| {
            let groups: Vec<&str> = part.split('.').collect();
            groups.len() >= 2
                && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
                && groups.iter().skip(1).all(|g| g.len() == 3)
        })
    }

    /// `(11) 5555-0000`, `+55 (21) 99999-0000`: an area code in brackets.
    fn has_area_code(&self) -> bool {
        let after_plus = self.text.trim_start_matches(['+', ' ']);
        let inside = after_plus
            .split_once('(')
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(inside, _)| inside.trim());
        inside.is_some_and(|a| (2..=4).contains(&a.len()) && a.chars().all(|c| c.is_ascii_digit()))
    }
}

/// Country codes of Latin America, as written before a national number.
fn starts_with_country_code(digits: &str) -> bool {
    ["54", "55", "52", "56", "57", "51", "58", "59", "50"]
        .iter()
        .any(|cc| digits.starts_with(cc))
}

/// Area code (two digits, no zero) then the 9 of a mobile: `11 9 8765 4321`.
fn is_brazilian_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11 && b[0] != b'0' && b[1] != b'0' && b[2] == b'9'
}

/// A run of digits without separators or context: see the module's step 5.
fn run_is_phone(digits: &str) -> bool {
    match digits.len() {
        9 => digits.starts_with('9') || digits.starts_with("09"),
        10 => true,
        11 => {
            is_brazilian_mobile(digits)
                || digits.starts_with('0')
                || ((digits.starts_with("56") || digits.starts_with("51"))
                    && digits.as_bytes().get(2) == Some(&b'9'))
        }
        12 | 13 => starts_with_country_code(digits),
        14 | 15 => digits.starts_with("00"),
        _ => false,
    }
}

fn is_phone(chain: &Chain, before: &str, after: &str) -> bool {
    let n = chain.digits.len();
    if !(8..=15).contains(&n) {
        return false;
    }
    let left_word = words(before).last().copied().unwrap_or("");
    let glued_left = before.ends_with(|c: char| c.is_ascii_alphanumeric());
    if glued_left && word_context(left_word) != Context::Phone {
        return false;
    }
    if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return false;
    }
    let next = after.trim_start();
    let unit_after = next.starts_with(['%', '"', '\''])
        || words(next)
            .first()
            .is_some_and(|w| is_any(w, UNIT_WORDS) && next.starts_with(w));
    if unit_after
        || chain.is_date()
        || chain.is_years()
        || chain.is_range()
        || chain.is_increasing_list()
        || chain.is_document()
    {
        return false;
    }
    match context(before, after) {
        Context::Phone => return true,
        Context::Price => return false,
        Context::Id | Context::Measure => return chain.has('+') && n >= 10,
        Context::None => {}
    }
    if chain.has('+') {
        return n >= 10;
    }
    if chain.groups.len() == 1 {
        return run_is_phone(&chain.digits);
    }
    if chain.has_area_code() {
        return n <= 13;
    }
    if chain.is_thousands() {
        return false;
    }
    match n {
        8..=13 => true,
        _ => chain.digits.starts_with("00"),
    }
}

/// How many bytes around a chain its context is read from: four words and some.
const NEAR: usize = 80;

/// The nearest character boundary at or before `at` (or the end of `text`).
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Flags phone numbers: in digits, in look-alikes or in words (the folding turned both into
/// digits).
pub(crate) fn detect(text: &str, reasons: &mut Vec<Reason>) {
    for range in CHAIN.ranges(text) {
        // Context is read near the chain only, which also keeps a long text of many numbers
        // linear.
        let (Some(before), Some(matched), Some(after)) = (
            text.get(floor_boundary(text, range.start.saturating_sub(NEAR))..range.start),
            text.get(range.clone()),
            text.get(range.end..floor_boundary(text, range.end + NEAR)),
        ) else {
            continue;
        };
        let chain = Chain {
            text: matched,
            digits: matched.chars().filter(|c| c.is_ascii_digit()).collect(),
            groups: matched
                .split(|c: char| !c.is_ascii_digit())
                .filter(|g| !g.is_empty())
                .collect(),
        };
        if is_phone(&chain, before, after) {
            reasons.push(Reason::PhoneNumber);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::normalize;

    fn phone(text: &str) -> bool {
        let mut reasons = Vec::new();
        detect(&normalize(text), &mut reasons);
        !reasons.is_empty()
    }

    #[test]
    fn the_pattern_compiles() {
        assert!(CHAIN.get().is_some());
    }

    #[test]
    fn finds_phones_in_latin_american_formats() {
        for text in [
            "Nuestro whatsapp: 11 5555 0000",
            "Chama no whats (21) 99999-0000",
            "+54 9 11 5555-0000",
            "+55 11 98765-4321",
            "011 4555-1234",
            "15-5555-0000",
            "11.5555.0000",
            "1155550000",
            "11987654321",
            "5491155550000",
            "Llamame al 4555-1234",
            "55 1234 5678",
            "300 123 4567",
            "987 654 321",
            "099 123 456",
            "9 8765 4321",
            "0800-555-1234",
            "cel:1155550000",
            "once cinco cinco cinco cinco cero cero cero cero",
            "nove nove oito sete seis cinco quatro tres dois",
            "11 5555 OOOO",
            "1 1 5 5 5 5 0 0 0 0",
            "mi cel 987.654.321",
        ] {
            assert!(phone(text), "{text}");
        }
    }

    #[test]
    fn ordinary_numbers_are_not_phones() {
        for text in [
            "Talle 42, también 38/40",
            "Talles 36 38 40 42 44",
            "Precio R$ 189,90 ou $ 12.500",
            "Sale $ 12.999.900",
            "Modelo SM-A546E y XRT-2000",
            "Tu pedido 2000003456789012 ya salió",
            "EAN 7891234567895",
            "7891234567895",
            "Vence el 12/05/2025, o 12.05.2025",
            "Mide 30x40x15 cm",
            "Pesa 1,2 kg",
            "Llega a las 14:30",
            "Garantía de 12 meses, 15% de descuento",
            "Compatible 2019 2020 2021",
            "Funciona entre 1500-2000 rpm",
            "Stock 100 200 300 400",
            "Envío 41234567890",
            "CPF 123.456.789-09",
            "Factura a nombre de CUIT 20-12345678-9",
            "MLA1234567890",
            "Entregamos no CEP 01310-100 em 2 dias",
            "Rua Augusta 01310-100",
            "Potencia 1200 1500 W",
            "Capacidad 12000 BTU",
            "Pack de 12345678 unidades",
            "Código 12345678",
        ] {
            assert!(!phone(text), "{text}");
        }
    }
}
