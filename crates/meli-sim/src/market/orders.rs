//! Orders, packs and shipments, and what a purchase creates.
//!
//! An order is always one listing (possibly several units). A purchase of several listings
//! from one seller is a cart: one order per listing grouped in a pack, one shipment for all.
//! A single-listing purchase gets no pack (`pack_id: null`), so clients exercise Mercado
//! Libre's "no pack → use the order id" rule.

use chrono::{DateTime, Utc};
use rand::Rng;
use rust_decimal::Decimal;
use serde::Serialize;

use super::messaging::Conversation;
use super::{Market, next_id};
use crate::errors::SimError;
use crate::seed::{Item, Seed};
use crate::state::{Inner, hex, pick_buyer};

/// An order as stored.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: i64,
    pub pack_id: Option<i64>,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub site_id: &'static str,
    pub currency_id: &'static str,
    pub item_id: String,
    pub quantity: u32,
    pub unit_price: Decimal,
    /// Price before the listing's discount (its `original_price`), else the unit price.
    pub full_unit_price: Decimal,
    pub status: &'static str,
    pub date_created: DateTime<Utc>,
    /// When the payment was approved; `None` while (or because) it never was.
    pub date_closed: Option<DateTime<Utc>>,
    pub last_updated: DateTime<Utc>,
    pub shipment_id: i64,
    pub payment_id: i64,
    pub billing_info_id: String,
    pub claim_ids: Vec<i64>,
    /// Given back to the buyer (`payments[].transaction_amount_refunded`).
    pub refunded: Decimal,
    /// Cancelled before the payment went through (payment `cancelled`, nothing paid).
    pub unpaid: bool,
}

impl Order {
    pub fn total(&self) -> Decimal {
        self.unit_price * Decimal::from(self.quantity)
    }

    /// Mercado Libre's fee per unit: 13% on `gold_special`, 17% on `gold_pro`, cents rounded.
    pub fn sale_fee(&self, item: Option<&Item>) -> Decimal {
        let rate = match item.map(|i| i.listing_type_id) {
            Some("gold_pro") => Decimal::new(17, 2),
            _ => Decimal::new(13, 2),
        };
        (self.unit_price * rate).round_dp(2)
    }
}

/// A pack (cart) as stored.
#[derive(Debug, Clone)]
pub(crate) struct Pack {
    pub id: i64,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub order_ids: Vec<i64>,
    pub shipment_id: i64,
    pub status: &'static str,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

/// A shipment as stored.
#[derive(Debug, Clone)]
pub(crate) struct Shipment {
    pub id: i64,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub site_id: &'static str,
    /// `drop_off`, `cross_docking` or `self_service` (Flex): decides the action-guide options.
    pub logistic_type: &'static str,
    pub status: &'static str,
    pub substatus: Option<&'static str>,
    pub tracking_number: String,
    pub declared_value: Decimal,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

/// What a purchase created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purchase {
    /// The seller of every listing bought.
    pub seller_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// One order per listing.
    pub order_ids: Vec<i64>,
    /// The pack grouping the orders; `None` for a single-listing purchase.
    pub pack_id: Option<i64>,
    /// The one shipment of the purchase.
    pub shipment_id: i64,
    /// Id of the post-sale conversation: the pack id, or the order id when there is no pack.
    pub conversation_id: i64,
}

const LOGISTIC_TYPES: [&str; 3] = ["drop_off", "cross_docking", "self_service"];

/// A buyer (a seeded one of the seller's site when `buyer_id` is `None`) buys `item_ids` (all
/// from one seller; repeating an id buys more units) at `when`. Creates the orders, the pack
/// when there are several listings, the shipment and the (empty) conversation.
pub(crate) fn buy(
    seed: &Seed,
    inner: &mut Inner,
    item_ids: &[String],
    buyer_id: Option<i64>,
    when: DateTime<Utc>,
) -> Result<Purchase, SimError> {
    let mut lines: Vec<(&Item, u32)> = Vec::new();
    for id in item_ids {
        let item = seed.items.iter().find(|i| &i.id == id).ok_or_else(|| {
            if seed.classifieds.iter().any(|i| &i.id == id) {
                SimError::NotForSale(id.clone())
            } else {
                SimError::ItemNotFound(id.clone())
            }
        })?;
        match lines.iter_mut().find(|(i, _)| i.id == item.id) {
            Some((_, qty)) => *qty += 1,
            None => lines.push((item, 1)),
        }
    }
    let Some((first, _)) = lines.first() else {
        return Err(SimError::EmptyPurchase);
    };
    let seller_id = first.seller_id;
    let site_id = first.site_id;
    if lines.iter().any(|(i, _)| i.seller_id != seller_id) {
        return Err(SimError::MixedSellers);
    }
    let buyer_id = pick_buyer(seed, &mut inner.rng, site_id, seller_id, buyer_id)?;

    let ids = &mut inner.market.ids;
    let rng = &mut inner.rng;
    let pack_id = (lines.len() > 1).then(|| next_id(&mut ids.pack, rng));
    let shipment_id = next_id(&mut ids.shipment, rng);
    let mut order_ids = Vec::new();
    let mut orders = Vec::new();
    for (item, quantity) in &lines {
        let id = next_id(&mut ids.order, rng);
        let unit_price: Decimal = item.price.parse().unwrap_or_default();
        let full_unit_price = item
            .original_price
            .and_then(|p| p.parse().ok())
            .unwrap_or(unit_price);
        orders.push(Order {
            id,
            pack_id,
            seller_id,
            buyer_id,
            site_id,
            currency_id: item.currency_id,
            item_id: item.id.clone(),
            quantity: *quantity,
            unit_price,
            full_unit_price,
            status: "paid",
            date_created: when,
            date_closed: Some(when),
            last_updated: when,
            shipment_id,
            payment_id: next_id(&mut ids.payment, rng),
            billing_info_id: rng
                .random_range(100_000_000_000_000_000_u64..1_000_000_000_000_000_000)
                .to_string(),
            claim_ids: Vec::new(),
            refunded: Decimal::ZERO,
            unpaid: false,
        });
        order_ids.push(id);
    }
    let logistic_type = LOGISTIC_TYPES
        .get(rng.random_range(0..LOGISTIC_TYPES.len()))
        .copied()
        .unwrap_or("drop_off");
    let tracking_number = format!("{}{}", site_id, hex(rng, 10).to_uppercase());
    let declared_value = orders.iter().map(Order::total).sum();
    let market: &mut Market = &mut inner.market;
    market.shipments.insert(
        shipment_id,
        Shipment {
            id: shipment_id,
            seller_id,
            buyer_id,
            site_id,
            logistic_type,
            status: "ready_to_ship",
            substatus: Some("ready_to_print"),
            tracking_number,
            declared_value,
            date_created: when,
            last_updated: when,
        },
    );
    if let Some(pack_id) = pack_id {
        market.packs.insert(
            pack_id,
            Pack {
                id: pack_id,
                seller_id,
                buyer_id,
                order_ids: order_ids.clone(),
                shipment_id,
                status: "released",
                date_created: when,
                last_updated: when,
            },
        );
    }
    for order in orders {
        market.orders.insert(order.id, order);
    }
    let conversation_id = pack_id.unwrap_or_else(|| order_ids.first().copied().unwrap_or(0));
    market.conversations.insert(
        conversation_id,
        Conversation::new(
            conversation_id,
            seller_id,
            buyer_id,
            site_id,
            logistic_type,
            when,
        ),
    );
    Ok(Purchase {
        seller_id,
        buyer_id,
        order_ids,
        pack_id,
        shipment_id,
        conversation_id,
    })
}
