//! The inbox's list as the API serves it to the UI.

use crate::helpers::TestApp;
use serde_json::{Value, json};

/// The inbox entries `GET /api/conversations?{query}` lists.
async fn list(app: &TestApp, query: &str) -> Vec<Value> {
    let body = app.get_json(&format!("/api/conversations?{query}")).await;
    body.as_array().unwrap().clone()
}

fn ids(list: &[Value]) -> Vec<i64> {
    list.iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

/// Each filter is checked against a list that holds more than it selects, so it must narrow
/// (an empty inbox would make every "all entries match" vacuous). The store, status and
/// combination checks run over the questions (`Q`); the category check over everything.
#[tokio::test]
async fn the_inbox_filters_by_store_category_and_status() {
    let app = TestApp::spawn().await;
    let sellers = app.sim.sellers();
    assert!(sellers.len() >= 2, "stores to tell apart: {sellers:?}");
    const Q: &str = "category=pre_sale_question&limit=500";
    let swept = list(&app, Q).await;
    assert!(
        swept.len() > sellers.len(),
        "the questions asked before connecting fill the inbox: {swept:?}"
    );

    // Answer one, so two statuses are present.
    let answered = swept[0]["id"].as_i64().unwrap();
    let resp = app
        .post_json(
            &format!("/api/conversations/{answered}/answer"),
            &json!({ "text": "¡Hola! Sí, lo tenemos. Saludos." }),
        )
        .await;
    assert_eq!(resp.status(), 202);
    app.drain().await;
    let all = list(&app, Q).await;
    assert_eq!(all.len(), swept.len(), "answering adds no entry");

    let mut per_store = 0;
    for seller in &sellers {
        let mine = list(&app, &format!("seller_id={}&{Q}", seller.id)).await;
        assert!(
            !mine.is_empty(),
            "{} has questions in the inbox",
            seller.nickname
        );
        assert!(mine.len() < all.len(), "the store filter narrows the list");
        assert!(mine.iter().all(|c| c["seller_id"] == seller.id), "{mine:?}");
        per_store += mine.len();
    }
    assert_eq!(per_store, all.len(), "every entry belongs to one store");
    assert_eq!(
        ids(&list(
            &app,
            "seller_id=&category=&status=&module=&assignee=&limit=500"
        )
        .await),
        ids(&list(&app, "limit=500").await),
        "empty form fields mean no filter"
    );

    assert_eq!(
        ids(&list(&app, &format!("status=resolved&{Q}")).await),
        [answered],
        "only the answered question is resolved"
    );
    let open = list(&app, &format!("status=open&{Q}")).await;
    assert_eq!(open.len(), all.len() - 1);
    assert!(open.iter().all(|c| c["status"] == "open"), "{open:?}");
    assert!(!ids(&open).contains(&answered));
    assert_eq!(
        list(&app, &format!("status=waiting&{Q}")).await,
        Vec::<Value>::new()
    );

    // The seeded sales bring post-sale conversations and claims beside the questions.
    let everything = list(&app, "limit=500").await;
    for category in ["pre_sale_question", "post_sale_help", "claim"] {
        let some = list(&app, &format!("category={category}&limit=500")).await;
        assert!(!some.is_empty(), "{category} in the inbox");
        assert!(
            some.len() < everything.len(),
            "the {category} filter narrows"
        );
        assert!(some.iter().all(|c| c["category"] == category), "{some:?}");
    }

    // Filters combine.
    let owner = all.iter().find(|c| c["id"] == answered).unwrap()["seller_id"]
        .as_i64()
        .unwrap();
    let other = sellers.iter().find(|s| s.id != owner).unwrap().id;
    assert_eq!(
        ids(&list(&app, &format!("seller_id={owner}&status=resolved&{Q}")).await),
        [answered]
    );
    assert_eq!(
        list(&app, &format!("seller_id={other}&status=resolved&{Q}")).await,
        Vec::<Value>::new()
    );

    for bad in ["seller_id=abc", "status=closed", "category=nope"] {
        let resp = app.get(&format!("/api/conversations?{bad}")).await;
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_filter");
    }
}
