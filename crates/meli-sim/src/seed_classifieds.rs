//! Classified listings (a vehicle, a property, a service) for the Argentine and Brazilian
//! sellers, and the leads buyers left on them before the simulator started.
//!
//! Categories and listing types are the ones Mercado Libre documents for classifieds
//! (`users/user-available-listing-types.json`: `MLA1743` vehicles with `gold_premium`,
//! `MLA1459` real estate with `silver`, `MLA1540` services with `gold`); the domain ids and
//! the permalink hosts are believed, not documented. Their ids come from a random stream of
//! their own, so adding them changed no other seeded id.

use chrono::{TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::market::leads::{self, Asker, NewLead};
use crate::seed::{Attr, Item, Lang, User, site, slugify};
use crate::state::Shared;

/// Mixed into the configured seed to get the classifieds' own random stream.
const STREAM: u64 = 0x6c65_6164_735f_7669;

struct Classified {
    site_id: &'static str,
    title: &'static str,
    price: &'static str,
    /// Real estate in Argentina is priced in dollars; `None` is the site's currency.
    currency_id: Option<&'static str>,
    category_id: &'static str,
    domain_id: &'static str,
    listing_type_id: &'static str,
    condition: &'static str,
    host: &'static str,
    attributes: &'static [(&'static str, &'static str, &'static str)],
}

#[rustfmt::skip]
const CLASSIFIEDS: &[Classified] = &[
    Classified {
        site_id: "MLA", title: "Volkswagen Gol Trend 1.6 Trendline 2019 5 Puertas", price: "14500000",
        currency_id: None, category_id: "MLA1743", domain_id: "MLA-CARS_AND_VANS",
        listing_type_id: "gold_premium", condition: "used", host: "auto.mercadolibre.com.ar",
        attributes: &[("BRAND", "Marca", "Volkswagen"), ("MODEL", "Modelo", "Gol Trend"), ("VEHICLE_YEAR", "Año", "2019"), ("KILOMETERS", "Kilómetros", "68000 km")],
    },
    Classified {
        site_id: "MLA", title: "Departamento 2 Ambientes En Venta Palermo 48 M²", price: "118000",
        currency_id: Some("USD"), category_id: "MLA1459", domain_id: "MLA-APARTMENTS_FOR_SALE",
        listing_type_id: "silver", condition: "used", host: "departamento.mercadolibre.com.ar",
        attributes: &[("OPERATION", "Operación", "Venta"), ("PROPERTY_TYPE", "Inmueble", "Departamento"), ("COVERED_AREA", "Superficie cubierta", "48 m²"), ("ROOMS", "Ambientes", "2")],
    },
    Classified {
        site_id: "MLA", title: "Plomero Gasista Matriculado Caba Y Gba Urgencias 24 Hs", price: "25000",
        currency_id: None, category_id: "MLA1540", domain_id: "MLA-HOME_REPAIR_SERVICES",
        listing_type_id: "gold", condition: "not_specified", host: "servicio.mercadolibre.com.ar",
        attributes: &[("SERVICE_TYPE", "Tipo de servicio", "Plomería y gas")],
    },
    Classified {
        site_id: "MLB", title: "Fiat Argo Drive 1.0 2021 Flex Manual", price: "69900",
        currency_id: None, category_id: "MLB1743", domain_id: "MLB-CARS_AND_VANS",
        listing_type_id: "gold_premium", condition: "used", host: "carro.mercadolivre.com.br",
        attributes: &[("BRAND", "Marca", "Fiat"), ("MODEL", "Modelo", "Argo"), ("VEHICLE_YEAR", "Ano", "2021"), ("KILOMETERS", "Quilômetros", "41000 km")],
    },
    Classified {
        site_id: "MLB", title: "Apartamento 2 Quartos Para Alugar Pinheiros 65 M²", price: "3800",
        currency_id: None, category_id: "MLB1459", domain_id: "MLB-APARTMENTS_FOR_RENT",
        listing_type_id: "silver", condition: "used", host: "apartamento.mercadolivre.com.br",
        attributes: &[("OPERATION", "Operação", "Aluguel"), ("PROPERTY_TYPE", "Imóvel", "Apartamento"), ("COVERED_AREA", "Área útil", "65 m²"), ("ROOMS", "Quartos", "2")],
    },
];

/// The classified listings of the seeded sellers; `taken` are the ids already in use.
pub(crate) fn listings(seed: u64, base_url: &str, sellers: &[User], taken: &[Item]) -> Vec<Item> {
    let mut rng = StdRng::seed_from_u64(seed ^ STREAM);
    let mut out: Vec<Item> = Vec::new();
    for (n, c) in CLASSIFIEDS.iter().enumerate() {
        let (Some(seller), Some(info)) = (
            sellers.iter().find(|s| s.site_id == c.site_id),
            site(c.site_id),
        ) else {
            continue;
        };
        let (number, id) = loop {
            let number: u64 = rng.random_range(1_000_000_000..10_000_000_000);
            let id = format!("{}{number}", c.site_id);
            if !taken.iter().chain(&out).any(|i| i.id == id) {
                break (number, id);
            }
        };
        out.push(Item {
            permalink: format!(
                "https://{}/{}-{number}-{}-_JM",
                c.host,
                c.site_id,
                slugify(c.title)
            ),
            picture_url: format!("{base_url}/_sim/img/{id}.svg"),
            id,
            site_id: info.site_id,
            seller_id: seller.id,
            title: c.title,
            price: c.price,
            original_price: None,
            currency_id: c.currency_id.unwrap_or(info.currency_id),
            category_id: c.category_id,
            domain_id: c.domain_id,
            attributes: c
                .attributes
                .iter()
                .map(|&(id, name, value)| Attr { id, name, value })
                .collect(),
            condition: c.condition,
            listing_type_id: c.listing_type_id,
            warranty: "",
            available_quantity: 1,
            sold_quantity: 0,
            date_created: format!("2025-1{}-0{}T15:30:00.000Z", n % 3, 1 + n % 9),
            free_shipping: false,
            buying_mode: "classified",
        });
    }
    out
}

/// A question a buyer asks on a classified listing, in the site's language.
pub(crate) fn sample_question(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "Hola, ¿sigue disponible? ¿Se puede ver este fin de semana?",
        Lang::Pt => "Olá, ainda está disponível? Dá para visitar no fim de semana?",
    }
}

/// The seller's reply to the seeded question lead: answered, so it is not waiting in anyone's
/// inbox of unanswered questions.
fn sample_answer(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "¡Hola! Sí, sigue disponible. Coordinemos la visita por este medio.",
        Lang::Pt => "Olá! Sim, está disponível. Vamos combinar a visita por aqui.",
    }
}

/// Per seller with classifieds, leads of several contact types over the last days, without
/// notifications: a WhatsApp and a call on the vehicle, a guest's WhatsApp there too, an
/// answered question and a visit request on the property, a quotation on the service. The
/// first buyer contacts two listings, so the search shows them twice.
pub(crate) fn seed_leads(shared: &Shared) {
    let now = Utc::now();
    for seller in &shared.seed.sellers {
        let listings: Vec<&str> = shared
            .seed
            .classifieds
            .iter()
            .filter(|i| i.seller_id == seller.id)
            .map(|i| i.id.as_str())
            .collect();
        if listings.is_empty() {
            continue;
        }
        let buyers: Vec<i64> = shared
            .seed
            .buyers
            .iter()
            .filter(|b| b.site_id == seller.site_id)
            .map(|b| b.id)
            .collect();
        let item = |n: usize| listings.get(n % listings.len()).copied().unwrap_or("");
        let buyer = |n: usize| Asker::Buyer(buyers.get(n % buyers.len().max(1)).copied());
        let lang = Lang::for_site(seller.site_id);
        let plan = [
            (item(0), "whatsapp", buyer(0), 50),
            (item(0), "call", buyer(1), 30),
            (item(0), "whatsapp", Asker::Guest, 5),
            (item(1), "question", buyer(0), 70),
            (item(1), "visit_request", buyer(2), 20),
            (item(2), "quotation", buyer(1), 10),
        ];
        for (item_id, contact_type, asker, hours_ago) in plan {
            let at = now - TimeDelta::hours(hours_ago);
            let new = NewLead {
                item_id,
                contact_type,
                asker,
                question: sample_question(lang),
                at,
            };
            let Ok(lead) = leads::create(shared, &new) else {
                continue;
            };
            if let Some(q) = lead.question_id() {
                leads::answer_question(shared, q, sample_answer(lang), at + TimeDelta::hours(2));
            }
        }
    }
}
