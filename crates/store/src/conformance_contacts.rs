//! Conformance cases for contacts and leads, run by both backends through
//! [`crate::conformance_contacts_tests!`] next to the main suite.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::*;
use chrono::{Duration, TimeZone};
use rust_decimal::Decimal;

const BIG_ID: i64 = crate::conformance::BIG_ID;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap() + Duration::seconds(secs)
}

fn org_a() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0xA1))
}

fn org_b() -> OrgId {
    OrgId(uuid::Uuid::from_u128(0xB2))
}

fn buyer_order(id: i64, buyer: i64, secs: i64) -> Order {
    Order {
        order_id: OrderId(id),
        org_id: org_a(),
        seller_id: SellerId(BIG_ID),
        pack_id: None,
        status: "paid".to_string(),
        status_detail: None,
        date_created: at(secs),
        date_closed: Some(at(secs + 5)),
        last_updated: at(secs + 5),
        total_amount: Decimal::new(1999, 2),
        paid_amount: Decimal::new(1999, 2),
        refunded_amount: Decimal::ZERO,
        currency_id: "BRL".to_string(),
        buyer_id: MeliUserId(buyer),
        shipment_id: None,
        shipping_status: None,
        items: vec![],
    }
}

fn lead(id: &str, buyer: Option<i64>, secs: i64) -> Lead {
    Lead {
        org_id: org_a(),
        seller_id: SellerId(BIG_ID),
        lead_id: id.to_string(),
        item_id: Some(ItemId("MLB3404674016".to_string())),
        buyer_id: buyer.map(MeliUserId),
        contact_type: "whatsapp".to_string(),
        status: Some("active".to_string()),
        external_id: None,
        name: Some("Ana Souza".to_string()),
        phone: Some("+55 11 5555-0101".to_string()),
        email: Some("ana@example.com".to_string()),
        doc_type: None,
        doc_number: None,
        contacted_at: at(secs),
    }
}

pub async fn contacts_merge_sightings_and_stay_in_their_organization(store: &dyn Store) {
    let buyer = MeliUserId(BIG_ID - 7);
    let seller = SellerId(BIG_ID);
    store
        .upsert_contact(&Contact {
            nickname: Some("COMPRADOR_AB".to_string()),
            ..Contact::new(org_a(), seller, buyer)
        })
        .await
        .unwrap();
    assert_eq!(
        store.contact_billing_order(seller, buyer).await.unwrap(),
        None
    );

    let billed = Contact {
        name: Some("Juan Sanchez".to_string()),
        doc_type: Some("DNI".to_string()),
        doc_number: Some("030772273".to_string()),
        // Blank text is unknown, not a value that erases one.
        email: Some("  ".to_string()),
        ..Contact::new(org_a(), seller, buyer)
    };
    store
        .upsert_contact_from_billing(&billed, OrderId(BIG_ID))
        .await
        .unwrap();
    assert_eq!(
        store.contact_billing_order(seller, buyer).await.unwrap(),
        Some(OrderId(BIG_ID))
    );
    // A later sighting with only a nickname keeps everything, the billing order included.
    store
        .upsert_contact(&Contact::new(org_a(), seller, buyer))
        .await
        .unwrap();
    let known = store.contact(seller, buyer).await.unwrap().unwrap();
    assert_eq!(known.nickname.as_deref(), Some("COMPRADOR_AB"));
    assert_eq!(known.name.as_deref(), Some("Juan Sanchez"));
    assert_eq!(
        known.doc_number.as_deref(),
        Some("030772273"),
        "leading zero kept"
    );
    assert_eq!(known.email, None);
    assert_eq!(
        store.contact_billing_order(seller, buyer).await.unwrap(),
        Some(OrderId(BIG_ID))
    );

    let list = store
        .org_contacts(org_a(), &ContactFilter::default())
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let id = list[0].id;
    assert_eq!(list[0].contact, known);
    assert_eq!(
        store
            .org_contact(org_a(), id)
            .await
            .unwrap()
            .unwrap()
            .contact,
        known
    );
    assert_eq!(
        store
            .org_contact_of(org_a(), seller, buyer)
            .await
            .unwrap()
            .map(|c| c.id),
        Some(id)
    );

    // Another organization sees nothing, by list, id or buyer.
    assert!(
        store
            .org_contacts(org_b(), &ContactFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.org_contact(org_b(), id).await.unwrap().is_none());
    assert!(
        store
            .org_contact_of(org_b(), seller, buyer)
            .await
            .unwrap()
            .is_none()
    );

    let search = async |text: &str| {
        store
            .org_contacts(
                org_a(),
                &ContactFilter {
                    search: Some(text.to_string()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .len()
    };
    assert_eq!(search("sánchez").await, 0, "accents are not folded");
    assert_eq!(search("SANCHEZ").await, 1, "case is");
    assert_eq!(search("0307722").await, 1, "by document");
    assert_eq!(search("comprador_ab").await, 1, "by nickname");
    assert_eq!(search(&(BIG_ID - 7).to_string()).await, 1, "by user id");
    assert_eq!(search("%").await, 0, "wildcards are literal");
    assert_eq!(
        store
            .org_contacts(
                org_a(),
                &ContactFilter {
                    seller_id: Some(SellerId(1)),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .len(),
        0
    );
}

pub async fn a_contacts_orders_stay_in_its_organization(store: &dyn Store) {
    let seller = SellerId(BIG_ID);
    let buyer = BIG_ID - 3;
    for (id, who, secs) in [(101, buyer, 0), (102, buyer, 60), (103, 42, 30)] {
        store
            .upsert_order(&buyer_order(id, who, secs))
            .await
            .unwrap();
    }
    store
        .upsert_contact(&Contact::new(org_a(), seller, MeliUserId(buyer)))
        .await
        .unwrap();
    let record = store
        .org_contact_of(org_a(), seller, MeliUserId(buyer))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.orders, 2);
    assert_eq!(record.last_order_at, Some(at(60)));
    assert_eq!(record.conversations, 0);
    let orders = store
        .org_contact_orders(org_a(), record.id, 10)
        .await
        .unwrap();
    assert_eq!(
        orders.iter().map(|o| o.order_id.0).collect::<Vec<_>>(),
        vec![102, 101],
        "newest first, only this buyer's"
    );
    assert!(
        store
            .org_contact_orders(org_b(), record.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn leads_merge_reads_and_stay_in_their_organization(store: &dyn Store) {
    let buyer = BIG_ID - 1;
    let first = store
        .upsert_lead(&lead("b711e264", Some(buyer), 10))
        .await
        .unwrap();
    // The search's copy of the same lead may lack the contact data: it keeps what is known.
    let bare = Lead {
        name: None,
        phone: None,
        email: None,
        status: None,
        ..lead("b711e264", Some(buyer), 10)
    };
    assert_eq!(store.upsert_lead(&bare).await.unwrap(), first);
    let guest = Lead {
        buyer_id: None,
        name: None,
        phone: None,
        email: None,
        ..lead("44115522", None, 20)
    };
    store.upsert_lead(&guest).await.unwrap();

    let all = store
        .org_leads(org_a(), &LeadFilter::default())
        .await
        .unwrap();
    assert_eq!(
        all.iter()
            .map(|l| l.lead.lead_id.as_str())
            .collect::<Vec<_>>(),
        vec!["44115522", "b711e264"],
        "newest first"
    );
    let kept = &all[1];
    assert_eq!(kept.id, first);
    assert_eq!(kept.lead.name.as_deref(), Some("Ana Souza"));
    assert_eq!(kept.lead.phone.as_deref(), Some("+55 11 5555-0101"));
    assert_eq!(kept.lead.status.as_deref(), Some("active"));
    assert_eq!(kept.lead.buyer_id, Some(MeliUserId(buyer)));
    assert_eq!(kept.lead.contacted_at, at(10));
    assert_eq!(kept.contact_id, None, "no contact yet");

    store
        .upsert_contact(&Contact::new(org_a(), SellerId(BIG_ID), MeliUserId(buyer)))
        .await
        .unwrap();
    let contact = store
        .org_contact_of(org_a(), SellerId(BIG_ID), MeliUserId(buyer))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.leads, 1);
    let theirs = store
        .org_leads(
            org_a(),
            &LeadFilter {
                contact: Some(contact.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].contact_id, Some(contact.id));

    assert!(
        store
            .org_leads(org_b(), &LeadFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .org_leads(
                org_b(),
                &LeadFilter {
                    contact: Some(contact.id),
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
    let paged = store
        .org_leads(
            org_a(),
            &LeadFilter {
                limit: Some(1),
                offset: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(paged.len(), 1);
    assert_eq!(paged[0].id, first);
}

/// Generates one `#[tokio::test]` per contacts-and-leads case, like
/// [`crate::conformance_tests!`] (same two forms).
#[macro_export]
macro_rules! conformance_contacts_tests {
    (maybe: $make:expr, finish: $finish:expr $(,)?) => {
        $crate::__conformance_contacts_fns!($make, $finish;
            contacts_merge_sightings_and_stay_in_their_organization,
            a_contacts_orders_stay_in_its_organization,
            leads_merge_reads_and_stay_in_their_organization,
        );
    };
    ($make:expr $(,)?) => {
        $crate::conformance_contacts_tests!(
            maybe: async { ::core::option::Option::Some($make.await) },
            finish: |_store| async {}
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_contacts_fns {
    ($make:expr, $finish:expr; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            let ::core::option::Option::Some(store) = $make.await else {
                return;
            };
            $crate::conformance_contacts::$case(&store).await;
            ($finish)(store).await;
        }
    )*};
}
