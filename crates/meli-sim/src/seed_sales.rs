//! The post-sale part of the seed, so a fresh simulator shows every kind of interaction. Per
//! seller, all in the past and without notifications:
//!
//! 1. a delivered single-listing order (no pack) whose buyer wrote, unread;
//! 2. a two-listing pack, shipped: buyer wrote, the seller answered, the buyer wrote again;
//! 3. a delivered single-listing order with an open claim (stage `claim`);
//! 4. a fresh two-listing pack nobody wrote in (the seller may only use the action guide).

use chrono::{DateTime, TimeDelta, Utc};

use crate::market::claims;
use crate::market::messaging::buyer_writes;
use crate::market::orders::{Purchase, buy};
use crate::samples::{sample_claim_messages, sample_post_sale_messages};
use crate::seed::Lang;
use crate::state::{Inner, Shared};

fn seller_reply(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "¡Hola! Tu compra ya fue despachada, te llega en 48 a 72 horas hábiles. ¡Saludos!"
        }
        Lang::Pt => "Olá! Sua compra já foi enviada, chega em 48 a 72 horas úteis. Abraços!",
    }
}

fn purchase(
    shared: &Shared,
    inner: &mut Inner,
    items: &[String],
    buyer: Option<i64>,
    when: DateTime<Utc>,
    shipment_status: (&'static str, Option<&'static str>),
) -> Option<Purchase> {
    let p = buy(&shared.seed, inner, items, buyer, when).ok()?;
    if let Some(s) = inner.market.shipments.get_mut(&p.shipment_id) {
        s.status = shipment_status.0;
        s.substatus = shipment_status.1;
        s.last_updated = when + TimeDelta::hours(20);
    }
    Some(p)
}

/// Marks every buyer message of a conversation up to `until` as read at `at`.
fn mark_read(inner: &mut Inner, key: i64, at: DateTime<Utc>) {
    if let Some(c) = inner.market.conversations.get_mut(&key) {
        let buyer = c.buyer_id;
        for m in c
            .messages
            .iter_mut()
            .filter(|m| m.from == buyer && m.created <= at)
        {
            m.read = Some(at);
        }
    }
}

/// Seeds the post-sale records of every seller.
pub(crate) fn seed(shared: &Shared) {
    let now = Utc::now();
    let mut guard = shared.lock();
    let inner = &mut *guard;
    for seller in &shared.seed.sellers {
        let lang = Lang::for_site(seller.site_id);
        let messages = sample_post_sale_messages(lang);
        let items: Vec<String> = shared
            .seed
            .items
            .iter()
            .filter(|i| i.seller_id == seller.id)
            .map(|i| i.id.clone())
            .collect();
        if items.is_empty() {
            continue;
        }
        let item = |n: usize| items.get(n % items.len()).cloned().unwrap_or_default();
        let buyers: Vec<i64> = shared
            .seed
            .buyers
            .iter()
            .filter(|b| b.site_id == seller.site_id)
            .map(|b| b.id)
            .collect();
        let buyer = |n: usize| buyers.get(n % buyers.len().max(1)).copied();
        let text = |n: usize| messages.get(n % messages.len()).copied().unwrap_or("?");

        // 1. Delivered, buyer wrote, unread.
        let t = now - TimeDelta::days(3);
        if let Some(p) = purchase(shared, inner, &[item(0)], buyer(0), t, ("delivered", None)) {
            let _ = buyer_writes(inner, p.conversation_id, text(2), now - TimeDelta::hours(5));
        }
        // 2. A pack: buyer, seller, buyer again.
        let t = now - TimeDelta::days(2);
        let cart = [item(1), item(2)];
        if let Some(p) = purchase(
            shared,
            inner,
            &cart,
            buyer(1),
            t,
            ("shipped", Some("in_hub")),
        ) {
            let key = p.conversation_id;
            let first = now - TimeDelta::hours(30);
            let _ = buyer_writes(inner, key, text(0), first);
            mark_read(inner, key, first + TimeDelta::minutes(50));
            let Inner { rng, market, .. } = &mut *inner;
            if let Some(c) = market.conversations.get_mut(&key) {
                let reply = c.push(
                    rng,
                    seller.id,
                    seller_reply(lang),
                    Vec::new(),
                    first + TimeDelta::hours(1),
                );
                market.message_index.insert(reply.id, key);
            }
            let _ = buyer_writes(inner, key, text(3), now - TimeDelta::hours(3));
        }
        // 3. A claim on a delivered order.
        let t = now - TimeDelta::days(6);
        if let Some(p) = purchase(shared, inner, &[item(3)], buyer(2), t, ("delivered", None))
            && let Some(order) = p.order_ids.first()
        {
            let claim_text = sample_claim_messages(lang).first().copied().unwrap_or("?");
            let _ = claims::open(
                inner,
                *order,
                None,
                claim_text,
                false,
                now - TimeDelta::hours(20),
            );
        }
        // 4. A fresh pack nobody wrote in.
        let cart = [item(4), item(5)];
        let _ = purchase(
            shared,
            inner,
            &cart,
            buyer(3),
            now - TimeDelta::hours(5),
            ("ready_to_ship", Some("ready_to_print")),
        );
    }
}
