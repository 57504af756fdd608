//! Two years of sales per seller ([`SimConfig::history_orders`](crate::SimConfig) orders each),
//! from [`crate::history`], so an order backfill and a success monitor have something real to
//! chew on. The site's seeded buyers are the most loyal customers; the others are generated
//! buyers with names in the site's language. Past sales carry no notifications and no messages
//! (their conversations exist, empty, so a buyer may still write about an old order).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;

use crate::history::{self, HistoryConfig, HistoryIds, HistoryOrder, Outcome};
use crate::market::{Conversation, Market, Order, Pack, Shipment};
use crate::seed::{Seed, User};

/// Generated buyers per seller: one for every ~3.5 orders.
const ORDERS_PER_CUSTOMER: usize = 7;

const FIRST_ES: &[&str] = &[
    "Camila",
    "Valentina",
    "Julieta",
    "Martín",
    "Santiago",
    "Agustina",
    "Tomás",
    "Florencia",
    "Lucas",
    "Milagros",
    "Facundo",
    "Rocío",
    "Joaquín",
    "Carolina",
    "Gonzalo",
    "Paula",
];
const LAST_ES: &[&str] = &[
    "Rojas", "López", "Sosa", "Herrera", "Medina", "Castro", "Vega", "Ruiz", "Molina", "Suárez",
    "Ortiz", "Silva", "Núñez", "Romero", "Torres", "Flores",
];
const FIRST_PT: &[&str] = &[
    "Lucas",
    "Mariana",
    "Gabriel",
    "Beatriz",
    "Rafaela",
    "Thiago",
    "Larissa",
    "Felipe",
    "Camila",
    "Bruno",
    "Juliana",
    "Gustavo",
    "Letícia",
    "Vinícius",
    "Aline",
    "Rodrigo",
];
const LAST_PT: &[&str] = &[
    "Santos",
    "Pereira",
    "Almeida",
    "Ferreira",
    "Rodrigues",
    "Lima",
    "Carvalho",
    "Gomes",
    "Ribeiro",
    "Martins",
    "Araújo",
    "Barbosa",
    "Rocha",
    "Dias",
    "Moreira",
    "Cardoso",
];
const REGISTERED: &[&str] = &[
    "2011-04-18T10:12:00.000-04:00",
    "2016-09-02T19:40:31.000-04:00",
    "2019-01-23T08:05:12.000-04:00",
    "2021-11-30T22:47:09.000-04:00",
    "2023-06-14T13:30:55.000-04:00",
];

fn plain_upper(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'ã' | 'â' => 'a',
            'é' | 'ê' => 'e',
            'í' => 'i',
            'ó' | 'õ' | 'ô' => 'o',
            'ú' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect::<String>()
        .to_uppercase()
}

/// A generated buyer of `site_id`, number `k` of its seller (`n` picks the seller's id range).
fn customer(site_id: &'static str, n: usize, k: usize) -> User {
    let (first, last) = if site_id == "MLB" {
        (FIRST_PT, LAST_PT)
    } else {
        (FIRST_ES, LAST_ES)
    };
    let first = first.get(k % first.len()).copied().unwrap_or("Ana");
    let last = last.get((k / 7 + k) % last.len()).copied().unwrap_or("Paz");
    let id = 600_000_000 + i64::try_from(n * 1_000_000 + k).unwrap_or(0);
    User {
        id,
        nickname: format!("{}{}{}", plain_upper(first), plain_upper(last), k),
        site_id,
        first_name: first,
        last_name: last,
        is_seller: false,
        registration_date: REGISTERED.get(k % REGISTERED.len()).copied().unwrap_or(""),
        transactions: u32::try_from(k % 97 + 1).unwrap_or(1),
    }
}

/// Each seller's past orders, with the item each one bought.
pub(crate) struct SeedHistory {
    pub buyers: HashMap<i64, User>,
    orders: Vec<(HistoryOrder, String, &'static str)>,
}

/// Generates the history of every seller; `end` is the simulator's start.
pub(crate) fn build(
    seed: &Seed,
    per_seller: usize,
    sim_seed: u64,
    end: DateTime<Utc>,
) -> SeedHistory {
    let mut out = SeedHistory {
        buyers: HashMap::new(),
        orders: Vec::new(),
    };
    let mut ids = HistoryIds::default();
    for (n, seller) in seed.sellers.iter().enumerate() {
        let items: Vec<(&str, Decimal)> = seed
            .items
            .iter()
            .filter(|i| i.seller_id == seller.id)
            .filter_map(|i| Some((i.id.as_str(), i.price.parse().ok()?)))
            .collect();
        let Some(currency) = seed
            .items
            .iter()
            .find(|i| i.seller_id == seller.id)
            .map(|i| i.currency_id)
        else {
            continue;
        };
        let mut customers: Vec<i64> = seed
            .buyers
            .iter()
            .filter(|b| b.site_id == seller.site_id)
            .map(|b| b.id)
            .collect();
        for k in 0..(per_seller * 2 / ORDERS_PER_CUSTOMER).max(1) {
            let user = customer(seller.site_id, n, k);
            customers.push(user.id);
            out.buyers.insert(user.id, user);
        }
        let catalog: Vec<Decimal> = items.iter().map(|(_, p)| *p).collect();
        let cfg = HistoryConfig {
            orders: per_seller,
            customers: &customers,
            seed: sim_seed ^ u64::try_from(seller.id).unwrap_or(0),
            seller_id: seller.id,
            currency_id: currency,
            catalog: &catalog,
            end,
            days: 730,
        };
        for o in history::generate_with(&cfg, &mut ids) {
            let item = items.get(o.item).map_or("", |(id, _)| id).to_owned();
            out.orders.push((o, item, seller.site_id));
        }
    }
    out
}

/// The shipment's state today: cancelled with its order, else delivered after a week.
fn shipment_status(o: &HistoryOrder, now: DateTime<Utc>) -> (&'static str, Option<&'static str>) {
    match o.outcome {
        Outcome::Unpaid | Outcome::Refunded => ("cancelled", None),
        _ if now - o.date_created > TimeDelta::days(7) => ("delivered", None),
        _ if now - o.date_created > TimeDelta::days(1) => ("shipped", Some("in_hub")),
        _ => ("ready_to_ship", Some("ready_to_print")),
    }
}

const LOGISTIC_TYPES: [&str; 3] = ["drop_off", "cross_docking", "self_service"];

/// Stores the generated orders with their packs, shipments and (empty) conversations.
pub(crate) fn insert(market: &mut Market, history: SeedHistory, now: DateTime<Utc>) {
    let mut packs: BTreeMap<i64, Pack> = BTreeMap::new();
    for (o, item_id, site_id) in history.orders {
        let logistic_type = LOGISTIC_TYPES
            .get(usize::try_from(o.shipment_id.rem_euclid(3)).unwrap_or(0))
            .copied()
            .unwrap_or("drop_off");
        let (status, substatus) = shipment_status(&o, now);
        let shipment = market.shipments.entry(o.shipment_id).or_insert(Shipment {
            id: o.shipment_id,
            seller_id: o.seller_id,
            buyer_id: o.buyer_id,
            site_id,
            logistic_type,
            status,
            substatus,
            tracking_number: format!("{site_id}{:X}", o.shipment_id),
            declared_value: Decimal::ZERO,
            date_created: o.date_created,
            last_updated: o.last_updated,
        });
        shipment.declared_value += o.total_amount;
        if let Some(pack_id) = o.pack_id {
            let pack = packs.entry(pack_id).or_insert(Pack {
                id: pack_id,
                seller_id: o.seller_id,
                buyer_id: o.buyer_id,
                order_ids: Vec::new(),
                shipment_id: o.shipment_id,
                status: if o.outcome == Outcome::Paid || o.outcome == Outcome::PartiallyRefunded {
                    "released"
                } else {
                    "cancelled"
                },
                date_created: o.date_created,
                last_updated: o.last_updated,
            });
            pack.order_ids.push(o.id);
            pack.last_updated = pack.last_updated.max(o.last_updated);
        }
        let key = o.pack_id.unwrap_or(o.id);
        market.conversations.entry(key).or_insert_with(|| {
            Conversation::new(
                key,
                o.seller_id,
                o.buyer_id,
                site_id,
                logistic_type,
                o.date_created,
            )
        });
        let unit_price = o.unit_price;
        market.orders.insert(
            o.id,
            Order {
                id: o.id,
                pack_id: o.pack_id,
                seller_id: o.seller_id,
                buyer_id: o.buyer_id,
                site_id,
                currency_id: o.currency_id,
                item_id,
                quantity: o.quantity,
                unit_price,
                full_unit_price: unit_price,
                status: o.outcome.status(),
                date_created: o.date_created,
                date_closed: o.date_closed,
                last_updated: o.last_updated,
                shipment_id: o.shipment_id,
                payment_id: o.payment_id,
                billing_info_id: (677_000_000_000_000_000 + o.id % 1_000_000_000_000_000)
                    .to_string(),
                claim_ids: Vec::new(),
                refunded: o.refunded_amount,
                unpaid: o.outcome == Outcome::Unpaid,
            },
        );
    }
    market.packs.extend(packs);
}
