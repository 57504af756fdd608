//! Paying outside the order: bank transfers, deposits, CBU/CVU/alias, Pix, payment links, cash in
//! hand, "por fuera". Mercado Libre moderates these (`LINK_MERCADOPAGO`, `EVASION_*`) and the
//! buyer loses its purchase protection.
//!
//! Words with an innocent meaning need company: `depósito` is also the seller's warehouse and
//! `alias` any nickname, so they count only with money around them; `transferencia` is also how
//! fast a USB cable moves data, so it counts unless data or heat is around; `Pix` is a checkout
//! option Mercado Livre itself offers, so it counts unless the platform is named.

use super::Reason;
use super::text::{Pattern, has_stem, is_any, sentences, words};

/// Always off-platform, wherever they appear.
static ALWAYS: Pattern = Pattern::new(concat!(
    r"\b(?:cbu|cvu|clabe|spei|paypal|zelle|nequi|daviplata|yape|picpay|western union",
    r"|bitcoin|usdt|criptomonedas?|transferencia bancaria|transferencia electronica",
    r"|transferencia a (?:mi|nuestra|la) cuenta|chave pix|chave do pix|meu pix",
    r"|datos bancarios|dados bancarios|cuenta bancaria|conta bancaria|numero de cuenta",
    r"|agencia e conta|caja de ahorro|conta corrente|cuenta corriente|deposito bancario",
    // Payment links and the seller's own Mercado Pago account.
    r"|(?:link|enlace|linkcito) (?:de|do|del) (?:pago|pagamento|cobro|cobranca|mercado ?pago)",
    r"|(?:mi|meu|minha|nuestra|nossa|nuestro|nosso) (?:cuenta (?:de )?|conta (?:do |de )?)?mercado ?pago",
    r"|(?:pagame|pagarme|pagarnos|me pagas|me paga|me pague|transferime) (?:por|pelo|via|con|com|a|al) (?:mercado ?pago|mp)",
    // Outside the marketplace, said plainly.
    r"|(?:pag|compr|vend|arregl|negoci|cobr|trat|combin|fech|cerr|hac|faz)\w* (?:\w+ ){0,2}(?:por|pra|para) (?:fuera|afuera|fora)\b",
    r"|(?:fuera|afuera|fora) (?:de|del|do|da) (?:mercado ?libre|mercado ?livre|ml|la plataforma|a plataforma)",
    r"|(?:pag|abon|cobr)\w*.{0,40}(?:fuera|afuera|fora) (?:de|del|do|da) (?:la |a |o )?(?:compra|orden|ordem|pedido|publicacion|anuncio)",
    r"|sin (?:pasar por|usar) mercado ?libre|sem (?:passar pelo|usar o) mercado ?livre",
    r"|sin comision|sem (?:a )?(?:comissao|taxa do mercado)",
    // Cash in hand, a deposit to hold the item, a boleto the seller makes.
    r"|(?:pago|pagas|pagar|pagos|paga|abonas|abonar|efectivo|dinheiro) (?:en mano|em maos|contra (?:entrega|reembolso))",
    r"|(?:descuento|desconto|precio especial|mas barato|te hago|[0-9] ?%).{0,40}(?:en efectivo|em dinheiro)",
    r"|(?:en efectivo|em dinheiro).{0,40}(?:descuento|desconto|mas barato|te hago|[0-9] ?%)",
    // The CBU alias: `mi alias`, `te paso el alias`, or its dotted shape (`alias: tienda.ok.mp`).
    r"|(?:mi|nuestro|te paso el|te mando el|pasame el|paso el) alias\b",
    r"|\balias:? [a-z0-9]+(?:\.[a-z0-9]+)+",
    r"|(?:dejar|deja|dejame|dejas|dejes|mandar|manda|mandame|pasar|pasame|con|una) (?:una )?sena\b",
    r"|(?:mando|envio|gero|passo|mandar|enviar|gerar) (?:o |um )?boleto\b",
    r"|(?:faz|faca|fazer|manda|mande|mandar) (?:o |um )?pix\b",
    r")",
));

/// Verbs of moving money that are always about money (`depositame`, `transferime`).
static MONEY_VERBS: Pattern = Pattern::new(concat!(
    r"\b(?:deposit(?:a|ame|anos|as|ar|arme|arnos|e|es|en|em)|transferi|transferime|transferinos",
    r"|transfira|transfere|transferir(?:me|nos)?|transferis)\b",
));

/// Words that make `deposito` and `alias` about money.
const MONEY_WORDS: &[&str] = &[
    "pago",
    "pagos",
    "pagar",
    "pagas",
    "pagamento",
    "plata",
    "dinero",
    "dinheiro",
    "cuenta",
    "conta",
    "banco",
    "bancaria",
    "bancario",
    "alias",
    "cbu",
    "cvu",
    "pix",
    "sena",
    "adelanto",
    "transferencia",
    "transferir",
    "deposito",
    "depositar",
    "precio",
    "preco",
    "descuento",
    "desconto",
    "total",
    "monto",
    "valor",
];

/// Words that make `transferencia` about data, heat or ownership.
const TECH_WORDS: &[&str] = &[
    "garantia",
    "titularidad",
    "titularidade",
    "propiedad",
    "dominio",
    "datos",
    "dados",
    "archivos",
    "arquivos",
    "velocidad",
    "velocidade",
    "usb",
    "bluetooth",
    "gbps",
    "mbps",
    "calor",
    "termica",
    "imagen",
    "imagem",
    "fotos",
    "contactos",
    "contatos",
    "wifi",
    "tasa",
    "taxa",
    "energia",
];

/// Places Pix is offered on the platform itself.
const PLATFORM_WORDS: &[&str] = &["mercadolivre", "checkout", "anuncio"];

fn technical(words: &[&str]) -> bool {
    words.iter().any(|w| is_any(w, TECH_WORDS))
}

fn on_platform(words: &[&str]) -> bool {
    let meli = words
        .windows(2)
        .any(|w| w[0] == "mercado" && (w[1] == "livre" || w[1] == "libre" || w[1] == "pago"));
    meli || words.iter().any(|w| is_any(w, PLATFORM_WORDS))
}

fn off_platform(sentence: &str) -> bool {
    if ALWAYS.is_match(sentence) || MONEY_VERBS.is_match(sentence) {
        return true;
    }
    let words = words(sentence);
    let technical = technical(&words);
    // The money words present, once each, so a word is not its own company (`depósito` alone
    // is a warehouse).
    let mut money: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| is_any(w, MONEY_WORDS) || w.starts_with("pag") || w.starts_with("abon"))
        .collect();
    money.sort_unstable();
    money.dedup();
    let money_besides = |w: &str| !technical && money.iter().any(|m| *m != w);
    words.iter().any(|&w| match w {
        "deposito" | "depositos" | "alias" => money_besides(w),
        "pix" => !on_platform(&words),
        _ => has_stem(w, &["transferenc", "transferir"]) && !technical,
    })
}

/// Flags proposals to pay outside the order.
pub(crate) fn detect(text: &str, reasons: &mut Vec<Reason>) {
    if sentences(text).iter().any(|s| off_platform(s.text)) {
        reasons.push(Reason::OffPlatformPayment);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::normalize;

    fn off(text: &str) -> bool {
        let mut reasons = Vec::new();
        detect(&normalize(text), &mut reasons);
        !reasons.is_empty()
    }

    #[test]
    fn patterns_compile() {
        assert!(ALWAYS.get().is_some() && MONEY_VERBS.get().is_some());
    }

    #[test]
    fn finds_payment_outside_the_order() {
        for text in [
            "Te paso el alias para transferir y te hago precio",
            "Faz o pix que eu libero hoje",
            "Aceito transferência bancária",
            "Hacé el depósito en la cuenta y te lo mando",
            "Depositame y lo despacho",
            "Mi CBU es 0170099220000067797370",
            "Te mando el link de pago de Mercado Pago",
            "Si pagás por fuera te hago descuento",
            "Podemos arreglar por fuera de Mercado Libre",
            "Pix direto comigo, chave pix no perfil",
            "Me dejás una seña y te lo guardo",
            "Pagás en mano cuando lo retirás",
            "Transferencia o depósito, como prefieras",
            "Aceitamos pix",
            "Mandá el dinero por transferencia",
            "Te paso el alias: tienda.ok",
            "Pagás con Mercado Pago fuera de la compra y te descuento",
            "Te hago 10% si es en efectivo",
            "Pasame por transferencia y te mando el producto",
        ] {
            assert!(off(text), "{text}");
        }
    }

    #[test]
    fn leaves_platform_payment_and_other_meanings_alone() {
        for text in [
            "Vamos reembolsar pelo Mercado Pago ainda hoje",
            "El reembolso se acredita en tu cuenta de Mercado Pago",
            "Despachamos desde nuestro depósito en Palermo",
            "Velocidad de transferencia de datos de 5 Gbps",
            "Transferência de arquivos via USB 3.0",
            "Pode pagar com Pix no checkout do Mercado Livre",
            "Podés pagar con tarjeta en 12 cuotas",
            "La funda es de cuero por fuera y de tela por dentro",
            "Es el depósito de agua de repuesto",
            "También se lo conoce por el alias Rayo",
            "El alias del modelo es Titan",
            "Transferencia de garantía: se transfiere al nuevo dueño",
            "Podés pagar en efectivo en Rapipago o Pago Fácil desde Mercado Pago",
        ] {
            assert!(!off(text), "{text}");
        }
    }
}
