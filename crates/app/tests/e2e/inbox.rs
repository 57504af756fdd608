//! The inbox's list as the API serves it to the UI.

use crate::helpers::TestApp;
use serde_json::Value;

#[tokio::test]
async fn the_inbox_filters_by_store_category_and_status() {
    let app = TestApp::spawn().await;
    let all = app
        .get_json("/api/conversations?limit=500")
        .await
        .as_array()
        .unwrap()
        .len();
    let mut per_store = 0;
    for seller in app.sim.sellers() {
        let mine = app
            .get_json(&format!(
                "/api/conversations?seller_id={}&limit=500",
                seller.id
            ))
            .await;
        let mine = mine.as_array().unwrap();
        assert!(mine.iter().all(|c| c["seller_id"] == seller.id));
        per_store += mine.len();
    }
    assert_eq!(per_store, all);
    assert_eq!(
        app.get_json("/api/conversations?seller_id=&category=&status=&limit=500")
            .await
            .as_array()
            .unwrap()
            .len(),
        all,
        "empty form fields mean no filter"
    );
    assert_eq!(
        app.get_json("/api/conversations?status=resolved")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        app.get_json("/api/conversations?category=claim")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    for bad in ["seller_id=abc", "status=closed", "category=nope"] {
        let resp = app.get(&format!("/api/conversations?{bad}")).await;
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_filter");
    }
}
