//! Requests for the buyer's personal data: phone, e-mail, name, address, document numbers.
//!
//! Per sentence, a *data word* (`telefono`, `email`, `dni`, `cpf`, `endereco`, …) counts as asked
//! for when a *request word* comes up to six words before it (`pasame`, `mandame`, `necesitamos`,
//! `cual`, `me passa`, `informe`, `qual`, `send`), or when the sentence is a question with a
//! second-person possessive right before it (`¿tu DNI?`) or a question word (`¿a qué
//! dirección…?`). It does not count when:
//! - a negation comes before the request (`no hace falta que nos pases tu teléfono`,
//!   `nunca te vamos a pedir el DNI`);
//! - the sentence points at Mercado Libre itself (`revisá tu dirección en tu cuenta de Mercado
//!   Libre`): the buyer updates it there, nobody sends it to us;
//! - the word is about a thing, not a person: `número de pedido`, `nombre del producto`, and for
//!   the words that also name a device (`teléfono`, `celular`) any device word between request
//!   and noun (`¿qué modelo es tu celular?`) or a question without a giving verb (`¿tu teléfono
//!   tiene NFC?`);
//! - the seller is the one giving (`te mando el documento`) or the data word is where something
//!   goes (`te lo mandamos a tu domicilio`).

use super::Reason;
use super::text::{Sentence, is_any, sentences, words};

/// Data that is always personal when asked for.
const DATA_WORDS: &[&str] = &[
    "email",
    "emails",
    "mail",
    "correo",
    "dni",
    "cpf",
    "cuit",
    "cuil",
    "rut",
    "rfc",
    "curp",
    "cnpj",
    "rg",
    "cedula",
    "documento",
    "identidad",
    "pasaporte",
    "passaporte",
    "direccion",
    "domicilio",
    "endereco",
    "morada",
    "apellido",
    "apellidos",
    "sobrenome",
    "whatsapp",
    "whats",
    "wpp",
    "wsp",
    "zap",
    "instagram",
    "insta",
    "facebook",
    "cbu",
    "cvu",
    "cvv",
    "address",
    "surname",
];

/// Words that name a device as well as its number: asked for only with a giving verb.
const DEVICE_WORDS: &[&str] = &[
    "telefono",
    "telefonos",
    "telefone",
    "tel",
    "celular",
    "cel",
    "celu",
    "movil",
    "fone",
    "phone",
];

/// Words personal only with a possessive (`tu nombre`, `seu nome`), since `el nombre del
/// producto` and `o número do pedido` are not.
const POSSESSED_WORDS: &[&str] = &[
    "nombre", "nome", "name", "numero", "nro", "number", "datos", "dados", "contacto", "contato",
];

/// What may follow `número`/`nombre`/`datos` to make them about a thing.
const THING_WORDS: &[&str] = &[
    "pedido",
    "orden",
    "ordem",
    "compra",
    "venta",
    "venda",
    "envio",
    "seguimiento",
    "rastreio",
    "rastreo",
    "reclamo",
    "reclamacao",
    "serie",
    "modelo",
    "producto",
    "produto",
    "articulo",
    "publicacion",
    "anuncio",
    "talle",
    "tamanho",
    "calzado",
    "operacion",
    "factura",
    "nota",
    "order",
    "tracking",
    "marca",
    "color",
    "cor",
    "item",
    "paquete",
    "pacote",
    "tecnicos",
    "tecnico",
];

/// Words between a request and a device noun that make the device the subject.
const DEVICE_CONTEXT: &[&str] = &[
    "modelo",
    "marca",
    "tipo",
    "version",
    "versao",
    "pantalla",
    "tela",
    "cargador",
    "carregador",
    "funda",
    "capa",
    "bateria",
    "cable",
    "cabo",
    "chip",
    "sistema",
    "model",
];

const POSSESSIVES: &[&str] = &[
    "tu", "tus", "su", "sus", "seu", "sua", "seus", "suas", "teu", "tua", "teus", "tuas", "vos",
    "your",
];

/// Request words, whole (`cual`, `qual`, `dame`, `necesitamos`).
const REQUEST_WORDS: &[&str] = &[
    "cual",
    "cuales",
    "qual",
    "quais",
    "dame",
    "danos",
    "deme",
    "denos",
    "dar",
    "darme",
    "darnos",
    "dime",
    "dinos",
    "decime",
    "deci",
    "decinos",
    "decir",
    "decirme",
    "decirnos",
    "digas",
    "diga",
    "digame",
    "diz",
    "fala",
    "fale",
    "falar",
    "escribi",
    "escribime",
    "escribinos",
    "escribir",
    "escribeme",
    "escreve",
    "escreva",
    "escrever",
    "necesito",
    "necesitamos",
    "necesitaria",
    "necesitariamos",
    "preciso",
    "precisamos",
    "precisaria",
    "precisariamos",
    "necessito",
    "necessitamos",
    "requiero",
    "requerimos",
    "requiere",
    "solicito",
    "solicitamos",
    "pedir",
    "pedimos",
    "pido",
    "peco",
    "pedi",
    "pedira",
    "pediremos",
    "pedirte",
    "pedirle",
    "tenes",
    "tienes",
    "tem",
    "what",
    "send",
    "give",
    "share",
    "tell",
    "provide",
    "need",
];

/// Verbs whose imperative and second-person forms ask (`pasame`, `pasás`, `passa`,
/// `mandanos`, `informe`), as root and ending. First-person forms (`mandamos`, `envío`) are the
/// seller sending something and do not count.
const REQUEST_ROOTS: &[&str] = &[
    "pas",
    "pass",
    "repass",
    "mand",
    "envi",
    "dej",
    "deix",
    "indic",
    "inform",
    "anot",
    "compart",
    "facilit",
    "confirm",
    "coloc",
    "proporcion",
    "brind",
    "solicit",
    "digit",
    "ingres",
];
const REQUEST_ENDINGS: &[&str] = &[
    "a", "ame", "anos", "as", "ar", "arme", "arnos", "e", "eme", "enos", "es", "en", "em",
];

/// Words that, before `no`, make it Portuguese `no` (in the) rather than Spanish `no` (not).
const PLACES: &[&str] = &[
    "zap",
    "whats",
    "whatsapp",
    "privado",
    "direct",
    "chat",
    "anuncio",
    "site",
    "pix",
    "insta",
    "face",
    "email",
    "numero",
    "telefone",
    "celular",
    "pedido",
    "mercado",
    "app",
    "aplicativo",
];

/// Prepositions that make the data word a destination (`te lo mandamos a tu domicilio`).
const DESTINATIONS: &[&str] = &["a", "al", "para", "pra", "pro", "en", "ao", "hasta", "ate"];

/// Pronouns that, before the verb, make the seller the giver (`te mando el documento`).
const TO_THE_BUYER: &[&str] = &["te", "le", "lhe", "les", "vos", "you"];

const NEGATIONS: &[&str] = &[
    "no", "nao", "nunca", "jamas", "jamais", "nem", "ni", "sin", "sem", "not", "never",
];

/// Phrases that place the data on Mercado Libre: the buyer checks it there.
const PLATFORM_WORDS: &[&str] = &[
    "mercadolibre",
    "mercadolivre",
    "publicacion",
    "anuncio",
    "checkout",
    "plataforma",
];

fn is_request(word: &str) -> bool {
    is_any(word, REQUEST_WORDS)
        || REQUEST_ROOTS.iter().any(|root| {
            word.strip_prefix(root)
                .is_some_and(|ending| is_any(ending, REQUEST_ENDINGS))
        })
}

fn is_negation(words: &[&str], i: usize) -> bool {
    let word = words[i];
    if word == "no" {
        return !words.get(i + 1).is_some_and(|next| is_any(next, PLACES));
    }
    is_any(word, NEGATIONS)
}

/// Whether the sentence sends the buyer to Mercado Libre (`en tu cuenta de Mercado Libre`,
/// `no anúncio`), without also saying `fuera`/`fora` (outside of it).
fn points_at_platform(words: &[&str]) -> bool {
    let meli = words
        .windows(2)
        .any(|w| w[0] == "mercado" && (w[1] == "libre" || w[1] == "livre"));
    let platform = meli || words.iter().any(|w| is_any(w, PLATFORM_WORDS));
    let outside = words
        .iter()
        .any(|w| matches!(*w, "fuera" | "fora" | "afuera" | "outside"));
    platform && !outside
}

fn asks(sentence: &Sentence) -> bool {
    let words = words(sentence.text);
    if points_at_platform(&words) {
        return false;
    }
    (0..words.len()).any(|i| asks_at(&words, i, sentence.question))
}

/// Whether `words[i]` is a data word asked for.
fn asks_at(words: &[&str], i: usize, question: bool) -> bool {
    let word = words[i];
    let device = is_any(word, DEVICE_WORDS);
    let possessed = is_any(word, POSSESSED_WORDS);
    if !device && !possessed && !is_any(word, DATA_WORDS) {
        return false;
    }
    let next = words.get(i + 1).copied().unwrap_or("");
    let after_next = words.get(i + 2).copied().unwrap_or("");
    let about_a_thing = (matches!(next, "de" | "do" | "da" | "del" | "of")
        && is_any(after_next, THING_WORDS))
        || is_any(next, THING_WORDS);
    if about_a_thing {
        return false;
    }
    let start = i.saturating_sub(6);
    let window = &words[start..i];
    let possessive = window.iter().rev().take(3).any(|w| is_any(w, POSSESSIVES));
    if possessed && !possessive {
        return false;
    }
    // `¿a qué dirección…?`, `qual endereço?`: the question word right before the data.
    let asked_which = question && i > 0 && matches!(words[i - 1], "que" | "cual" | "qual");
    if asked_which && !device && !possessed {
        return true;
    }
    let Some(request_at) = window.iter().rposition(|w| is_request(w)) else {
        return question && possessive && !device;
    };
    let request = start + request_at;
    if request > 0 && is_any(words[request - 1], TO_THE_BUYER) {
        return false;
    }
    if (request.saturating_sub(5)..request).any(|j| is_negation(words, j)) {
        return false;
    }
    let between = &words[request + 1..i];
    if between.iter().any(|w| is_any(w, DESTINATIONS)) {
        return false;
    }
    if device {
        let giving = !matches!(words[request], "tenes" | "tienes" | "tem");
        return giving && !between.iter().any(|w| is_any(w, DEVICE_CONTEXT));
    }
    true
}

/// Flags requests for the buyer's personal data.
pub(crate) fn detect(text: &str, reasons: &mut Vec<Reason>) {
    if sentences(text).iter().any(asks) {
        reasons.push(Reason::AsksPersonalData);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::normalize;

    fn asks_for(text: &str) -> bool {
        let mut reasons = Vec::new();
        detect(&normalize(text), &mut reasons);
        !reasons.is_empty()
    }

    #[test]
    fn finds_requests_in_spanish_portuguese_and_english() {
        for text in [
            "¿Me pasás tu teléfono para coordinar el envío?",
            "Pasame tu teléfono",
            "me manda seu CPF",
            "¿Cuál es tu dirección?",
            "Informe seu e-mail",
            "Necesitamos tu DNI para la factura",
            "Qual o seu telefone?",
            "Manda seu e-mail que eu envio o catálogo",
            "Me informa seu CPF, por favor",
            "Qual é o seu endereço completo?",
            "Decime tu nombre completo y apellido",
            "¿Tu CUIT?",
            "Indicanos tu RUT y RFC",
            "Dejame tu número y te llamo",
            "Me passa seu zap",
            "Please send me your phone number",
            "Mandame tus datos",
            "¿A qué dirección te lo mando?",
        ] {
            assert!(asks_for(text), "{text}");
        }
    }

    #[test]
    fn leaves_things_devices_and_the_platform_alone() {
        for text in [
            "¿Nos indicás el número de pedido?",
            "Este teléfono inalámbrico trae identificador de llamadas",
            "Qual problema o produto apresentou?",
            "¿Qué modelo es tu celular? Así te digo si la funda sirve",
            "Qual o modelo do seu celular?",
            "¿Tu teléfono tiene NFC?",
            "No hace falta que nos pases tu teléfono",
            "Nunca te vamos a pedir el DNI",
            "Revisá tu dirección en tu cuenta de Mercado Libre",
            "Confirme o endereço no anúncio antes de comprar",
            "El nombre del producto es Zapatilla Runner",
            "Mandanos el número de serie",
            "La dirección hidráulica anda perfecto",
        ] {
            assert!(!asks_for(text), "{text}");
        }
    }
}
