//! Ready-made post-sale texts for simulated buyers: messages after a purchase and claims.

use crate::seed::Lang;

/// Realistic post-sale messages buyers write, per language.
pub fn sample_post_sale_messages(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => POST_SALE_ES,
        Lang::Pt => POST_SALE_PT,
    }
}

/// Realistic first messages of a claim, per language.
pub fn sample_claim_messages(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => CLAIM_ES,
        Lang::Pt => CLAIM_PT,
    }
}

const POST_SALE_ES: &[&str] = &[
    "Hola, ¿cuándo despachan mi compra?",
    "Buenas, ¿me pueden mandar la factura A? Les dejo los datos en el perfil.",
    "Hola! Ya me llegó, muchas gracias. ¿Cómo se activa la garantía?",
    "¿Me confirman el número de seguimiento del envío?",
    "Hola, me equivoqué de color, ¿lo puedo cambiar antes de que lo envíen?",
    "El paquete dice entregado pero no lo recibí, ¿me ayudan?",
    "¿Viene con la caja original? Es para regalo.",
    "Buenas tardes, ¿pueden enviarlo en una caja sin logo? Gracias.",
];

const POST_SALE_PT: &[&str] = &[
    "Olá, quando vocês enviam minha compra?",
    "Boa tarde, podem me mandar a nota fiscal?",
    "Oi! Já chegou, obrigado. Como faço para acionar a garantia?",
    "Podem me confirmar o código de rastreamento?",
    "Olá, escolhi a cor errada, dá para trocar antes do envio?",
    "O rastreio diz entregue mas não recebi, podem me ajudar?",
    "Vem na caixa original? É para presente.",
    "Boa tarde, conseguem enviar numa embalagem sem logo? Obrigado.",
];

const CLAIM_ES: &[&str] = &[
    "El producto llegó roto, la caja estaba aplastada.",
    "Me llegó un modelo distinto al que compré.",
    "Pasaron diez días y el envío no llegó.",
    "No funciona, no enciende desde que lo recibí.",
];

const CLAIM_PT: &[&str] = &[
    "O produto chegou quebrado, a caixa estava amassada.",
    "Recebi um modelo diferente do que comprei.",
    "Já se passaram dez dias e a entrega não chegou.",
    "Não funciona, não liga desde que recebi.",
];
