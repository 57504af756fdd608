//! Deterministic seed data: sellers, buyers, listings, pre-existing questions, and the
//! ready-made buyer questions the demo's simulated buyers ask.
//!
//! User ids are fixed (so documentation and tests can name them); item ids and question ids
//! derive from [`SimConfig::seed`](crate::SimConfig::seed). Some ids exceed 2^32 and one buyer
//! id (9007199254740993) exceeds 2^53, so a client that round-trips ids through `f64` breaks.

use rand::Rng;
use rand::rngs::StdRng;
use serde::Serialize;

/// A seller seeded in the simulator. Sellers have no password: the authorization page lets
/// the tester pick one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeededSeller {
    /// Mercado Libre user id.
    pub id: i64,
    /// Public nickname (upper case, as Mercado Libre shows it).
    pub nickname: String,
    /// Site the seller sells on (`MLA`, `MLB`, `MLM`).
    pub site_id: String,
    /// The site's currency (`ARS`, `BRL`, `MXN`).
    pub currency_id: String,
}

/// A buyer seeded in the simulator; buyers ask questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeededBuyer {
    /// Mercado Libre user id (one of them is above 2^53).
    pub id: i64,
    /// Public nickname.
    pub nickname: String,
    /// The buyer's site.
    pub site_id: String,
}

/// Language of a site's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Spanish (MLA, MLM and the other Spanish-speaking sites).
    Es,
    /// Brazilian Portuguese (MLB).
    Pt,
}

impl Lang {
    /// The language spoken on a site (`MLB` → Portuguese, anything else → Spanish).
    pub fn for_site(site_id: &str) -> Self {
        if site_id.eq_ignore_ascii_case("MLB") {
            Lang::Pt
        } else {
            Lang::Es
        }
    }
}

/// Realistic pre-sale questions buyers ask, per language (for simulated buyers in the demo).
pub fn sample_questions(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => SAMPLE_ES,
        Lang::Pt => SAMPLE_PT,
    }
}

const SAMPLE_ES: &[&str] = &[
    "Hola, ¿tenés stock disponible?",
    "¿Hacen factura A?",
    "Buenas tardes, ¿cuánto tarda el envío a Córdoba?",
    "¿Viene en otro color?",
    "¿Es original y tiene garantía oficial?",
    "Hola! Si compro hoy, ¿llega antes del viernes?",
    "¿Puedo retirar en persona? ¿Dónde están ubicados?",
    "¿Aceptan cuotas sin interés con tarjeta?",
    "¿El precio es por unidad o por el pack?",
    "Hola, ¿me hacen descuento si llevo dos?",
    "¿Qué medidas tiene exactamente?",
    "¿Es compatible con el modelo anterior?",
    "¿Trae cargador incluido?",
    "Compré hace una semana y todavía no me llegó, ¿me pueden ayudar?",
    "¿Tienen talle M?",
    "¿Cuánto dura la batería?",
    "¿Es nuevo o reacondicionado?",
    "Hola, ¿hacen envíos a Tierra del Fuego?",
    "¿La garantía es de fábrica o del vendedor?",
    "¿Viene con manual en español?",
];

const SAMPLE_PT: &[&str] = &[
    "Olá, tem em estoque?",
    "Vocês emitem nota fiscal?",
    "Boa tarde, quanto tempo demora a entrega para Belo Horizonte?",
    "Tem em outra cor?",
    "É original? Tem garantia?",
    "Se eu comprar hoje, chega até sexta?",
    "Posso retirar pessoalmente? Onde vocês ficam?",
    "Dá para parcelar sem juros no cartão?",
    "O preço é por unidade ou pelo kit?",
    "Fazem desconto se eu levar duas unidades?",
    "Quais são as medidas exatas?",
    "É compatível com o modelo anterior?",
    "Vem com carregador?",
    "Comprei há uma semana e ainda não chegou, podem me ajudar?",
    "Tem no tamanho M?",
    "Quanto dura a bateria?",
    "É novo ou recondicionado?",
    "Vocês enviam para o Nordeste?",
    "A garantia é de fábrica ou do vendedor?",
    "Vem com manual em português?",
];

/// Static facts about a site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SiteInfo {
    pub site_id: &'static str,
    pub country_id: &'static str,
    pub currency_id: &'static str,
    pub permalink_host: &'static str,
    pub profile_host: &'static str,
    pub city: &'static str,
    pub state: &'static str,
    pub state_name: &'static str,
    pub doc_type: &'static str,
    /// International calling code, as lead phones are written (`+54 …`).
    pub phone_prefix: &'static str,
}

pub(crate) const SITES: &[SiteInfo] = &[
    SiteInfo {
        site_id: "MLA",
        country_id: "AR",
        currency_id: "ARS",
        permalink_host: "articulo.mercadolibre.com.ar",
        profile_host: "perfil.mercadolibre.com.ar",
        city: "Palermo",
        state: "AR-C",
        state_name: "Capital Federal",
        doc_type: "DNI",
        phone_prefix: "54",
    },
    SiteInfo {
        site_id: "MLB",
        country_id: "BR",
        currency_id: "BRL",
        permalink_host: "produto.mercadolivre.com.br",
        profile_host: "perfil.mercadolivre.com.br",
        city: "São Paulo",
        state: "BR-SP",
        state_name: "São Paulo",
        doc_type: "CPF",
        phone_prefix: "55",
    },
    SiteInfo {
        site_id: "MLM",
        country_id: "MX",
        currency_id: "MXN",
        permalink_host: "articulo.mercadolibre.com.mx",
        profile_host: "perfil.mercadolibre.com.mx",
        city: "Monterrey",
        state: "MX-NLE",
        state_name: "Nuevo León",
        doc_type: "RFC",
        phone_prefix: "52",
    },
];

/// Looks a site up by id (case-insensitive).
pub(crate) fn site(site_id: &str) -> Option<&'static SiteInfo> {
    SITES
        .iter()
        .find(|s| s.site_id.eq_ignore_ascii_case(site_id))
}

/// A user of the simulated marketplace (seller or buyer), with the private data `/users/me` shows.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: i64,
    pub nickname: String,
    pub site_id: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub is_seller: bool,
    pub registration_date: &'static str,
    pub transactions: u32,
}

/// One attribute of a listing (`BRAND`, `MODEL`, `COLOR`, …).
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    pub id: &'static str,
    pub name: &'static str,
    pub value: &'static str,
}

/// A listing as stored by the simulator; rendered to JSON by `handlers::items`.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub id: String,
    pub site_id: &'static str,
    pub seller_id: i64,
    pub title: &'static str,
    /// Exact decimal as written (e.g. `45999.99`), emitted as a JSON number.
    pub price: &'static str,
    pub original_price: Option<&'static str>,
    pub currency_id: &'static str,
    pub category_id: &'static str,
    pub domain_id: &'static str,
    pub attributes: Vec<Attr>,
    pub condition: &'static str,
    pub listing_type_id: &'static str,
    pub warranty: &'static str,
    pub available_quantity: u32,
    pub sold_quantity: u32,
    pub date_created: String,
    pub permalink: String,
    pub picture_url: String,
    pub free_shipping: bool,
    /// `buy_it_now`, or `classified` for vehicles, real estate and services, which are not
    /// sold through Mercado Libre (no orders; buyers become leads).
    pub buying_mode: &'static str,
}

struct Listing {
    title: &'static str,
    price: &'static str,
    original_price: Option<&'static str>,
    category_id: &'static str,
    domain_id: &'static str,
    brand: &'static str,
    model: &'static str,
    color: &'static str,
    condition: &'static str,
    listing_type_id: &'static str,
    warranty: &'static str,
    available_quantity: u32,
    sold_quantity: u32,
}

#[allow(clippy::too_many_arguments)]
const fn l(
    title: &'static str,
    price: &'static str,
    original_price: Option<&'static str>,
    category_id: &'static str,
    domain_id: &'static str,
    brand: &'static str,
    model: &'static str,
    color: &'static str,
    condition: &'static str,
    listing_type_id: &'static str,
    warranty: &'static str,
    available_quantity: u32,
    sold_quantity: u32,
) -> Listing {
    Listing {
        title,
        price,
        original_price,
        category_id,
        domain_id,
        brand,
        model,
        color,
        condition,
        listing_type_id,
        warranty,
        available_quantity,
        sold_quantity,
    }
}

#[rustfmt::skip]
const MLA_LISTINGS: &[Listing] = &[
    l("Auriculares Inalámbricos Sony Wh-ch520 Bluetooth Azul", "45999.99", Some("52999.99"), "MLA1276", "MLA-HEADPHONES", "Sony", "WH-CH520", "Azul", "new", "gold_special", "Garantía de fábrica: 12 meses", 37, 152),
    l("Pava Eléctrica Atma Pe8120 1.7 Litros Acero Inoxidable", "21499", None, "MLA1577", "MLA-ELECTRIC_KETTLES", "Atma", "PE8120", "Plateado", "new", "gold_special", "Garantía de fábrica: 6 meses", 120, 981),
    l("Mate Imperial Calabaza Forrado En Cuero Con Virola Alpaca", "18750.5", None, "MLA409431", "MLA-MATES", "Pampa Mates", "Imperial", "Negro", "new", "gold_pro", "Garantía del vendedor: 30 días", 14, 63),
    l("Zapatillas Topper Boro Ii Urbanas Hombre Negro", "38999", Some("44999"), "MLA109027", "MLA-SNEAKERS", "Topper", "Boro II", "Negro", "new", "gold_special", "Garantía del vendedor: 30 días", 52, 310),
    l("Yerba Mate Playadito Suave 1 Kg Pack X 3", "12990", None, "MLA409415", "MLA-YERBA_MATE", "Playadito", "Suave 1kg", "Verde", "new", "gold_special", "Sin garantía", 200, 1540),
    l("Celular Samsung Galaxy A15 128gb 4gb Ram Negro", "289999", Some("319999"), "MLA1055", "MLA-CELLPHONES", "Samsung", "Galaxy A15", "Negro", "new", "gold_pro", "Garantía de fábrica: 12 meses", 9, 47),
    l("Parlante Portátil Jbl Go 3 Bluetooth Resistente Al Agua Rojo", "54999.9", None, "MLA3835", "MLA-SPEAKERS", "JBL", "GO 3", "Rojo", "new", "gold_special", "Garantía de fábrica: 12 meses", 23, 88),
    l("Termo Stanley Clásico 1 Litro Acero Verde", "89990", None, "MLA1586", "MLA-THERMOSES", "Stanley", "Classic 1L", "Verde", "new", "gold_pro", "Garantía de fábrica: de por vida", 31, 204),
    l("Notebook Lenovo Ideapad 3 15.6 Ryzen 5 8gb 512gb Ssd Reacondicionada", "649999", None, "MLA1652", "MLA-NOTEBOOKS", "Lenovo", "IdeaPad 3", "Gris", "refurbished", "gold_special", "Garantía del vendedor: 6 meses", 3, 12),
];

#[rustfmt::skip]
const MLB_LISTINGS: &[Listing] = &[
    l("Fone De Ouvido Bluetooth Jbl Tune 520bt Preto", "189.9", Some("249.9"), "MLB196208", "MLB-HEADPHONES", "JBL", "Tune 520BT", "Preto", "new", "gold_special", "Garantia de fábrica: 12 meses", 64, 412),
    l("Cafeteira Elétrica Mondial Dolce Arome 30 Xícaras Preta", "129.99", None, "MLB260651", "MLB-COFFEE_MAKERS", "Mondial", "C-30", "Preto", "new", "gold_special", "Garantia de fábrica: 12 meses", 88, 730),
    l("Camiseta Masculina Básica Algodão Kit 3 Peças", "79.9", Some("99.9"), "MLB31447", "MLB-T_SHIRTS", "Hering", "Básica", "Branco", "new", "gold_special", "Garantia do vendedor: 30 dias", 150, 2210),
    l("Tênis Olympikus Corre 3 Masculino Corrida Azul", "299.99", None, "MLB23332", "MLB-SNEAKERS", "Olympikus", "Corre 3", "Azul", "new", "gold_pro", "Garantia do vendedor: 90 dias", 41, 356),
    l("Smartphone Motorola Moto G84 5g 256gb Grafite", "1399", Some("1599"), "MLB1055", "MLB-CELLPHONES", "Motorola", "Moto G84", "Grafite", "new", "gold_pro", "Garantia de fábrica: 12 meses", 12, 95),
    l("Air Fryer Fritadeira Elétrica Philco 4 Litros Preta 127v", "349.9", None, "MLB255062", "MLB-AIR_FRYERS", "Philco", "PFR15P", "Preto", "new", "gold_special", "Garantia de fábrica: 12 meses", 27, 640),
    l("Garrafa Térmica Stanley Classic 1 Litro Verde", "499", None, "MLB7076", "MLB-THERMOSES", "Stanley", "Classic 1L", "Verde", "new", "gold_special", "Garantia de fábrica: vitalícia", 19, 133),
    l("Caixa De Som Portátil Bluetooth Jbl Flip 6 À Prova D'água", "629.05", None, "MLB3835", "MLB-SPEAKERS", "JBL", "Flip 6", "Azul", "new", "gold_pro", "Garantia de fábrica: 12 meses", 8, 77),
    l("Notebook Dell Inspiron 15 I5 8gb 256gb Ssd Recondicionado", "2499.5", None, "MLB1652", "MLB-NOTEBOOKS", "Dell", "Inspiron 15", "Prata", "refurbished", "gold_special", "Garantia do vendedor: 6 meses", 2, 9),
];

#[rustfmt::skip]
const MLM_LISTINGS: &[Listing] = &[
    l("Audífonos Inalámbricos Xiaomi Redmi Buds 4 Lite Blanco", "349", Some("499"), "MLM1276", "MLM-HEADPHONES", "Xiaomi", "Redmi Buds 4 Lite", "Blanco", "new", "gold_special", "Garantía del vendedor: 3 meses", 75, 522),
    l("Licuadora Oster Clásica 10 Velocidades 1.25 L Cromada", "1299.9", None, "MLM177998", "MLM-BLENDERS", "Oster", "BLSTMG-C", "Cromado", "new", "gold_pro", "Garantía de fábrica: 12 meses", 22, 180),
    l("Tenis Nike Revolution 6 Para Hombre Negro", "1549", None, "MLM23332", "MLM-SNEAKERS", "Nike", "Revolution 6", "Negro", "new", "gold_special", "Garantía del vendedor: 30 días", 30, 245),
    l("Termo Hidratante 1.2 L Acero Inoxidable Doble Pared Azul", "459.5", None, "MLM1586", "MLM-THERMOSES", "Hydro Max", "HM-12", "Azul", "new", "gold_special", "Sin garantía", 64, 98),
];

/// Everything the simulator starts with.
#[derive(Debug, Clone)]
pub(crate) struct Seed {
    pub sellers: Vec<User>,
    pub buyers: Vec<User>,
    /// Listings sold through Mercado Libre.
    pub items: Vec<Item>,
    /// Classified listings (`seed_classifieds`), kept apart so that buying and the demo's
    /// random questions never pick one.
    pub classifieds: Vec<Item>,
    /// The generated buyers of the sales history (`seed_history`), by id; never picked as
    /// random buyers.
    pub history_buyers: std::collections::HashMap<i64, User>,
}

fn user(
    id: i64,
    nickname: &str,
    site_id: &'static str,
    names: (&'static str, &'static str),
    is_seller: bool,
    registration_date: &'static str,
    transactions: u32,
) -> User {
    User {
        id,
        nickname: nickname.to_owned(),
        site_id,
        first_name: names.0,
        last_name: names.1,
        is_seller,
        registration_date,
        transactions,
    }
}

/// A user's private contact data, the same wherever it shows (`/users/me`, leads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contact {
    pub email: String,
    pub area_code: &'static str,
    pub number: String,
    pub phone_prefix: &'static str,
    pub doc_type: &'static str,
    pub doc_number: String,
}

impl Contact {
    /// The phone as a lead shows it, e.g. `+54 011 4123-4567`.
    pub fn phone(&self) -> String {
        format!("+{} {} {}", self.phone_prefix, self.area_code, self.number)
    }
}

/// `user`'s contact data, derived from the id so it never changes between runs.
pub(crate) fn contact(user: &User) -> Contact {
    let site = site(user.site_id);
    let digits = user.id.unsigned_abs() % 100_000_000;
    Contact {
        email: format!(
            "{}@mail.example.com",
            user.nickname.to_lowercase().replace('.', "_")
        ),
        area_code: "011",
        number: format!("4{:03}-{:04}", digits % 1000, digits % 10_000),
        phone_prefix: site.map_or("54", |s| s.phone_prefix),
        doc_type: site.map_or("DNI", |s| s.doc_type),
        doc_number: format!("{digits:08}"),
    }
}

/// Builds the seed. `base_url` is the simulator's own address (pictures point at `/_sim/img`).
pub(crate) fn build(rng: &mut StdRng, base_url: &str) -> Seed {
    #[rustfmt::skip]
    let sellers = vec![
        user(5_283_746_190, "TIENDA_PAMPA", "MLA", ("Martina", "Acosta"), true, "2014-03-11T10:22:31.000-04:00", 4_310),
        user(2_876_543_210, "LOJA_PAULISTA", "MLB", ("Rafael", "Oliveira"), true, "2016-07-02T15:04:12.000-04:00", 8_952),
        user(7_398_465_021, "TIENDA_ANAHUAC", "MLM", ("Alejandra", "Garza"), true, "2019-11-20T09:41:55.000-04:00", 1_204),
    ];
    #[rustfmt::skip]
    let buyers = vec![
        user(9_007_199_254_740_993, "LUCIAFERNANDEZ_AR", "MLA", ("Lucía", "Fernández"), false, "2021-05-14T18:02:11.000-04:00", 12),
        user(4_412_983_377, "MATIASGOMEZ1987", "MLA", ("Matías", "Gómez"), false, "2012-09-30T21:15:40.000-04:00", 87),
        user(238_817_455, "SOFI.RAMIREZ", "MLA", ("Sofía", "Ramírez"), false, "2009-02-17T12:00:03.000-04:00", 154),
        user(6_102_938_475, "NAHUELPAZ22", "MLA", ("Nahuel", "Paz"), false, "2023-01-08T08:45:19.000-04:00", 3),
        user(5_561_234_987, "JOAOSILVA_SP", "MLB", ("João", "Silva"), false, "2018-06-21T14:30:00.000-04:00", 41),
        user(1_987_654_321, "ANACAROLINA.RJ", "MLB", ("Ana Carolina", "Souza"), false, "2015-10-10T10:10:10.000-04:00", 230),
        user(8_800_112_233, "PEDROHENRIQUE77", "MLB", ("Pedro Henrique", "Costa"), false, "2020-12-24T23:59:01.000-04:00", 19),
        user(3_300_998_877, "DIEGO_MTY", "MLM", ("Diego", "Treviño"), false, "2017-04-04T16:20:45.000-04:00", 66),
    ];
    let mut items = Vec::new();
    for seller in &sellers {
        let listings = match seller.site_id {
            "MLA" => MLA_LISTINGS,
            "MLB" => MLB_LISTINGS,
            _ => MLM_LISTINGS,
        };
        let Some(info) = site(seller.site_id) else {
            continue;
        };
        for (n, listing) in listings.iter().enumerate() {
            let number: u64 = rng.random_range(1_000_000_000..10_000_000_000);
            items.push(make_item(info, seller.id, listing, number, n, base_url));
        }
    }
    Seed {
        sellers,
        buyers,
        items,
        classifieds: Vec::new(),
        history_buyers: std::collections::HashMap::new(),
    }
}

fn make_item(
    info: &'static SiteInfo,
    seller_id: i64,
    listing: &'static Listing,
    number: u64,
    n: usize,
    base_url: &str,
) -> Item {
    let id = format!("{}{}", info.site_id, number);
    let slug = slugify(listing.title);
    let lang = Lang::for_site(info.site_id);
    let (brand, model, color, cond) = match lang {
        Lang::Es => ("Marca", "Modelo", "Color", "Condición del ítem"),
        Lang::Pt => ("Marca", "Modelo", "Cor", "Condição do item"),
    };
    let cond_value = match (lang, listing.condition) {
        (Lang::Es, "new") => "Nuevo",
        (Lang::Pt, "new") => "Novo",
        (Lang::Es, _) => "Reacondicionado",
        (Lang::Pt, _) => "Recondicionado",
    };
    let day = 1 + (n as u32 * 7) % 28;
    let month = 1 + (n as u32 * 5) % 12;
    Item {
        permalink: format!(
            "https://{}/{}-{}-{}-_JM",
            info.permalink_host, info.site_id, number, slug
        ),
        picture_url: format!("{base_url}/_sim/img/{id}.svg"),
        id,
        site_id: info.site_id,
        seller_id,
        title: listing.title,
        price: listing.price,
        original_price: listing.original_price,
        currency_id: info.currency_id,
        category_id: listing.category_id,
        domain_id: listing.domain_id,
        attributes: vec![
            Attr {
                id: "BRAND",
                name: brand,
                value: listing.brand,
            },
            Attr {
                id: "MODEL",
                name: model,
                value: listing.model,
            },
            Attr {
                id: "COLOR",
                name: color,
                value: listing.color,
            },
            Attr {
                id: "ITEM_CONDITION",
                name: cond,
                value: cond_value,
            },
        ],
        condition: listing.condition,
        listing_type_id: listing.listing_type_id,
        warranty: listing.warranty,
        available_quantity: listing.available_quantity,
        sold_quantity: listing.sold_quantity,
        date_created: format!(
            "2025-{month:02}-{day:02}T1{}:2{}:0{}.000Z",
            n % 10,
            n % 10,
            n % 10
        ),
        free_shipping: n.is_multiple_of(2),
        buying_mode: "buy_it_now",
    }
}

/// `"Pava Eléctrica 1.7 Litros"` → `"pava-electrica-17-litros"`, as Mercado Libre permalinks do.
pub(crate) fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if c == '.' || c == '\'' {
            // dropped without a separator ("1.7" → "17", "d'água" → "dagua")
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn slugs_fold_accents() {
        assert_eq!(
            slugify("Pava Eléctrica 1.7 Litros"),
            "pava-electrica-17-litros"
        );
        assert_eq!(slugify("À Prova D'água!"), "a-prova-dagua");
    }

    #[test]
    fn seed_is_deterministic_and_large_enough() {
        let a = build(&mut StdRng::seed_from_u64(7), "http://x");
        let b = build(&mut StdRng::seed_from_u64(7), "http://x");
        let ids_a: Vec<_> = a.items.iter().map(|i| i.id.clone()).collect();
        let ids_b: Vec<_> = b.items.iter().map(|i| i.id.clone()).collect();
        assert_eq!(ids_a, ids_b);
        assert!(a.items.len() >= 20);
        assert!(a.buyers.iter().any(|b| b.id > (1_i64 << 53)));
    }
}
