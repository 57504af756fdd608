//! Classifieds leads: what is seeded, the search's filters and paging, who sees what, the
//! quota, and contacting a listing through the control API.

use std::time::Duration;

use meli_sim::{SimConfig, SimError};
use serde_json::{Value, json};

use super::{BIG_BUYER, MLA_SELLER, MLB_SELLER};
use crate::common::*;

const MLM_SELLER: i64 = 7_398_465_021;

fn path(seller: i64, query: &str) -> String {
    format!("/vis/users/{seller}/leads/buyers?{query}")
}

/// `(buyer id, item id, [contact types])` of each result entry.
fn entries(body: &Value) -> Vec<(i64, String, Vec<String>)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let types = r["leads"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["contact_type"].as_str().unwrap().to_owned())
                .collect();
            (
                r["id"].as_i64().unwrap(),
                r["item_id"].as_str().unwrap().to_owned(),
                types,
            )
        })
        .collect()
}

#[tokio::test]
async fn seeded_leads_and_classified_listings() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let listings = sim.classifieds_of(MLA_SELLER);
    assert_eq!(listings.len(), 3, "a vehicle, a property, a service");
    assert_eq!(sim.classifieds_of(MLB_SELLER).len(), 2);
    assert!(sim.classifieds_of(MLM_SELLER).is_empty());
    for id in &listings {
        assert!(
            !sim.items_of(MLA_SELLER).contains(id),
            "kept out of items_of"
        );
    }
    let mut shown = Vec::new();
    for id in &listings {
        let (status, item) = get_json(&sim, None, &format!("/items/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(item["buying_mode"], "classified");
        assert_eq!(item["shipping"]["mode"], "not_specified");
        assert_eq!(item["accepts_mercadopago"], false);
        shown.push((
            item["category_id"].as_str().unwrap().to_owned(),
            item["listing_type_id"].as_str().unwrap().to_owned(),
        ));
    }
    let expected = [
        ("MLA1743", "gold_premium"),
        ("MLA1459", "silver"),
        ("MLA1540", "gold"),
    ];
    assert_eq!(
        shown,
        expected.map(|(c, l)| (c.to_owned(), l.to_owned())),
        "vehicle, real estate, service"
    );

    let (status, body) =
        get_json(&sim, Some(&token), &path(MLA_SELLER, "include_guest=true")).await;
    assert_eq!(status, 200);
    let found = entries(&body);
    assert_eq!(
        body["paging"],
        json!({"offset": 0, "limit": 10, "total": 5})
    );
    let mut types: Vec<&str> = found
        .iter()
        .flat_map(|(_, _, t)| t.iter().map(String::as_str))
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        ["call", "question", "quotation", "visit_request", "whatsapp"]
    );
    let big: Vec<&String> = found
        .iter()
        .filter(|(b, _, _)| *b == BIG_BUYER)
        .map(|(_, i, _)| i)
        .collect();
    assert_eq!(big.len(), 2, "one buyer on two listings is two entries");
    let first = &body["results"][0];
    for key in ["name", "email", "phone", "identification_number"] {
        assert!(
            first[key].as_str().is_some_and(|s| !s.is_empty()),
            "{key}: {first}"
        );
    }
    assert_eq!(body["guest"][0]["item_id"], listings[0].as_str());
    assert_eq!(body["guest"][0]["leads"][0]["contact_type"], "whatsapp");
    let vehicle = body["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["item_id"] == listings[0].as_str())
        .unwrap();
    assert_eq!(
        (&vehicle["total"], &vehicle["user"], &vehicle["guest"]),
        (&json!(3), &json!(2), &json!(1))
    );

    // The question lead points at an answered question on the property, by the same buyer.
    let question = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["leads"].as_array().unwrap())
        .find(|l| l["contact_type"] == "question")
        .unwrap();
    let qid = question["external_id"].as_str().unwrap();
    let (status, q) = get_json(
        &sim,
        Some(&token),
        &format!("/questions/{qid}?api_version=4"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(q["item_id"], listings[1].as_str());
    assert_eq!(
        q["status"], "ANSWERED",
        "not waiting in the unanswered sweep"
    );
    assert_eq!(
        q["from"]["id"].as_i64().or(q["buyer_id"].as_i64()),
        Some(BIG_BUYER)
    );

    // The same seed gives the same listings.
    let again = start(config()).await;
    assert_eq!(again.classifieds_of(MLA_SELLER), listings);
    let other = start(SimConfig {
        seed: 8,
        ..config()
    })
    .await;
    assert_ne!(other.classifieds_of(MLA_SELLER), listings);
}

#[tokio::test]
async fn search_filters_and_pages() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let listings = sim.classifieds_of(MLA_SELLER);
    let search = |q: String| {
        let (sim, token) = (sim.clone(), token.clone());
        async move { get_json(&sim, Some(&token), &path(MLA_SELLER, &q)).await }
    };
    let (_, calls) = search("contact_types=call,whatsapp".into()).await;
    let mut types: Vec<String> = entries(&calls).into_iter().flat_map(|e| e.2).collect();
    types.sort();
    assert_eq!(types, ["call", "whatsapp"], "the guest is not a result");
    let (_, vehicle) = search(format!("item_id={}", listings[0])).await;
    assert!(entries(&vehicle).iter().all(|e| e.1 == listings[0]));
    assert_eq!(vehicle["paging"]["total"], 2);
    let (_, big) = search(format!("buyer_ids={BIG_BUYER},1")).await;
    assert!(entries(&big).iter().all(|e| e.0 == BIG_BUYER));
    assert_eq!(big["paging"]["total"], 2);

    let (_, old) = search("date_from=2020-01-01&date_to=2020-12-31".into()).await;
    assert_eq!(
        (old["paging"]["total"].as_u64(), old["date_to"].as_str()),
        (Some(0), Some("2020-12-31"))
    );
    let today = chrono::Utc::now().date_naive();
    let (_, recent) = search(format!("date_from={today}")).await;
    assert_eq!(recent["date_from"], today.to_string());
    assert!(recent["paging"]["total"].as_u64().unwrap() < 5);
    let (_, only_to) = search(format!("date_to={today}")).await;
    let week = today - chrono::TimeDelta::days(7);
    assert_eq!(
        only_to["date_from"],
        week.to_string(),
        "7 days back by default"
    );

    let (_, all) = search(String::new()).await;
    let (_, page) = search("offset=1&limit=2".into()).await;
    assert_eq!(page["paging"], json!({"offset": 1, "limit": 2, "total": 5}));
    assert_eq!(entries(&page), entries(&all)[1..3].to_vec());
    let (_, zero) = search("limit=0".into()).await;
    assert_eq!(zero["paging"]["limit"], 10);
    assert!(all.get("guest").is_none(), "guests only when asked for");
    let (_, no_guest) = search("include_guest=false".into()).await;
    assert!(no_guest.get("summary").is_none());

    for (q, message) in [
        ("date_from=22-01-2026", "invalid start date"),
        ("date_to=2026-02-30", "invalid end date"),
        (
            "date_from=2026-01-02&date_to=2026-01-01",
            "invalid date range",
        ),
        ("contact_types=whatsapp,fax", "invalid lead type"),
        ("offset=-1", "error decoding search params"),
        ("buyer_ids=abc", "error decoding search params"),
        ("include_guest=maybe", "error decoding search params"),
        ("seller_id=1", "error decoding search params"),
    ] {
        let (status, body) = search(q.into()).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some(message)),
            "{q}"
        );
        assert_eq!(body["error"], "bad_request", "{q}");
    }
    let (status, _) = search("access_token=ignored&limit=1".into()).await;
    assert_eq!(
        status, 200,
        "the legacy token parameter is not a search parameter"
    );
}

#[tokio::test]
async fn a_seller_reads_only_their_own_leads() {
    let sim = start(config()).await;
    let mla = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let mlb = token_of(&login(&sim, "MLB", MLB_SELLER).await);
    let lead = sim.leads_of(MLA_SELLER)[0].clone();
    let code = |v: &Value| v["message"].as_str().unwrap_or_default().to_owned();

    let (status, body) = get_json(&sim, Some(&mlb), &path(MLA_SELLER, "")).await;
    assert_eq!((status, code(&body)), (403, "invalid token caller".into()));
    let (status, body) = get_json(&sim, Some(&mlb), &format!("/vis/leads/{lead}")).await;
    assert_eq!((status, code(&body)), (403, "invalid token caller".into()));
    let (status, body) = get_json(&sim, None, &path(MLA_SELLER, "")).await;
    assert_eq!((status, code(&body)), (403, "invalid token".into()));
    let (status, body) = get_json(&sim, None, "/vis/leads/").await;
    assert_eq!((status, code(&body)), (403, "invalid token".into()));
    let (status, _) = get_json(&sim, Some("APP_USR-unknown"), &path(MLA_SELLER, "")).await;
    assert_eq!(status, 401, "an unknown token is the common 401");
    for bad in ["abc", "-5", "0"] {
        let (status, body) =
            get_json(&sim, Some(&mla), &format!("/vis/users/{bad}/leads/buyers")).await;
        assert_eq!(
            (status, code(&body)),
            (400, "invalid format USER_ID".into()),
            "{bad}"
        );
    }
    let (status, body) = get_json(&sim, Some(&mla), "/vis/leads").await;
    assert_eq!((status, code(&body)), (400, "missing lead_id".into()));
    let (status, body) = get_json(&sim, Some(&mla), "/vis/leads/%20").await;
    assert_eq!((status, code(&body)), (400, "missing lead_id".into()));
    let (status, lead_body) = get_json(&sim, Some(&mla), &format!("/vis/leads/{lead}")).await;
    assert_eq!(status, 200);
    assert_eq!(lead_body["id"], lead.as_str());

    // A seller without classifieds gets an empty search, not an error.
    let mlm = token_of(&login(&sim, "MLM", MLM_SELLER).await);
    let (status, body) = get_json(&sim, Some(&mlm), &path(MLM_SELLER, "")).await;
    assert_eq!((status, body["paging"]["total"].as_u64()), (200, Some(0)));
}

#[tokio::test]
async fn the_quota_refuses_every_call_once_used_up() {
    let sim = start(config()).await;
    let token = token_of(&login(&sim, "MLA", MLA_SELLER).await);
    let lead = sim.leads_of(MLA_SELLER)[0].clone();
    sim.set_leads_quota(Some(2)).await;
    assert_eq!(
        get_json(&sim, Some(&token), &path(MLA_SELLER, "")).await.0,
        200
    );
    assert_eq!(
        get_json(&sim, Some(&token), &format!("/vis/leads/{lead}"))
            .await
            .0,
        200
    );
    for p in [path(MLA_SELLER, ""), format!("/vis/leads/{lead}")] {
        let (status, body) = get_json(&sim, Some(&token), &p).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("too_many_requests")),
            "{p}"
        );
    }
    assert_eq!(
        get_json(&sim, Some(&token), "/users/me").await.0,
        200,
        "only /vis counts"
    );
    let resp = http()
        .put(format!("{}/_sim/leads/quota", sim.base_url()))
        .json(&json!({"remaining": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(
        get_json(&sim, Some(&token), &path(MLA_SELLER, "")).await.0,
        200
    );
}

#[tokio::test]
async fn contacting_a_listing_leaves_a_lead_and_notifies() {
    let rx = receiver(0).await;
    let sim = start(config()).await;
    sim.set_notification_url(Some(rx.url.clone())).await;
    let token = token_of(&login(&sim, "MLB", MLB_SELLER).await);
    let [car, flat] = [0, 1].map(|n| sim.classifieds_of(MLB_SELLER)[n].clone());
    let base = sim.base_url();

    let resp = http()
        .post(format!("{base}/_sim/leads"))
        .json(&json!({"item_id": flat, "contact_type": "question", "text": "Aceita pet?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let made: Value = resp.json().await.unwrap();
    let (lead, qid) = (
        made["lead_id"].as_str().unwrap().to_owned(),
        made["question_id"].as_i64().unwrap(),
    );
    let q = sim.question_json(qid).await.unwrap();
    assert_eq!(
        (q["text"].as_str(), q["status"].as_str()),
        (Some("Aceita pet?"), Some("UNANSWERED"))
    );
    let first = notification(&rx, |b| b["topic"] == "questions").await;
    assert_eq!(first["resource"], format!("/questions/{qid}"));
    let body = notification(&rx, |b| b["topic"] == "vis_leads").await;
    assert_eq!(body["resource"], format!("/vis/leads/{lead}"));
    assert_eq!(body["actions"], json!(["question"]));
    let (_, shown) = get_json(&sim, Some(&token), &format!("/vis/leads/{lead}")).await;
    assert_eq!(shown["external_id"], qid.to_string());
    assert_eq!(shown["contact_type"], "question");
    let control: Value = http()
        .get(format!("{base}/_sim/leads/{lead}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(control, shown);

    let guest = sim.create_guest_lead(&car, "whatsapp").await.unwrap();
    let (_, g) = get_json(&sim, Some(&token), &format!("/vis/leads/{guest}")).await;
    assert_eq!((g["buyer_id"].is_null(), g["name"].is_null()), (true, true));
    let buyer = sim
        .buyers()
        .into_iter()
        .find(|b| b.site_id == "MLB")
        .unwrap()
        .id;
    let visit = sim
        .create_lead(&flat, "visit_request", Some(buyer))
        .await
        .unwrap();
    let (_, search) = get_json(
        &sim,
        Some(&token),
        &path(
            MLB_SELLER,
            &format!("include_guest=true&buyer_ids={buyer}&contact_types=visit_request"),
        ),
    )
    .await;
    assert_eq!(search["results"][0]["leads"][0]["id"], visit.as_str());
    assert_eq!(
        sim.leads_of(MLB_SELLER).last(),
        Some(&visit),
        "oldest first"
    );
    let bodies = rx.bodies.clone();
    assert!(
        eventually(Duration::from_secs(5), || async {
            bodies
                .lock()
                .await
                .iter()
                .filter(|b| b["topic"] == "vis_leads")
                .count()
                == 3
        })
        .await,
        "one vis_leads per lead"
    );

    // What cannot be contacted, or bought.
    let sold = sim.items_of(MLB_SELLER)[0].clone();
    assert_eq!(
        sim.create_lead(&sold, "call", None).await,
        Err(SimError::NotClassified(sold.clone()))
    );
    assert_eq!(
        sim.create_lead(&car, "fax", None).await,
        Err(SimError::UnknownContactType("fax".into()))
    );
    assert_eq!(
        sim.create_guest_lead(&car, "question").await,
        Err(SimError::GuestQuestion)
    );
    assert_eq!(
        sim.create_lead("MLB1", "call", None).await,
        Err(SimError::ItemNotFound("MLB1".into()))
    );
    assert_eq!(
        sim.create_lead(&car, "call", Some(MLB_SELLER)).await,
        Err(SimError::OwnItem)
    );
    assert_eq!(
        sim.buy(&[car.as_str()], None).await.err(),
        Some(SimError::NotForSale(car.clone()))
    );
    for (body, status) in [
        (json!({"item_id": sold, "contact_type": "call"}), 400),
        (json!({"item_id": "MLB1", "contact_type": "call"}), 404),
        (
            json!({"item_id": car, "contact_type": "question", "guest": true}),
            400,
        ),
        (json!({"contact_type": "call"}), 400),
    ] {
        let resp = http()
            .post(format!("{base}/_sim/leads"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), status, "{body}");
    }
}
