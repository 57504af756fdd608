//! Two organizations in one database: nothing of one is visible to, or writable by, the other,
//! through any route; and an agent is refused every admin route.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const B_ADMIN: &str = "admin@globex.test";
const A_AGENT: &str = "agent@test.mostrador";
const PASSWORD: &str = "another good password";

struct Who<'a> {
    app: &'a TestApp,
    token: String,
}

impl Who<'_> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut req = self
            .app
            .http
            .request(method, format!("{}{path}", self.app.url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.unwrap()
    }

    async fn status(&self, method: Method, path: &str, body: Option<Value>) -> StatusCode {
        self.send(method, path, body).await.status()
    }

    async fn json(&self, path: &str) -> Value {
        let resp = self.send(Method::GET, path, None).await;
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    async fn text(&self, path: &str) -> (StatusCode, String) {
        let resp = self.send(Method::GET, path, None).await;
        (resp.status(), resp.text().await.unwrap())
    }

    async fn form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.app
            .http
            .post(format!("{}{path}", self.app.url))
            .bearer_auth(&self.token)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

async fn login<'a>(app: &'a TestApp, email: &str, password: &str) -> Who<'a> {
    let out: Value = app
        .post_json(
            "/api/login",
            &json!({ "email": email, "password": password }),
        )
        .await
        .json()
        .await
        .unwrap();
    Who {
        app,
        token: out["token"].as_str().expect("a login token").to_string(),
    }
}

/// Organization A ("Test Org": the admin, an agent, the MLA and MLB stores) and organization B
/// (its admin and the MLM store), in one database.
async fn two_organizations() -> TestApp {
    let app = TestApp::spawn_unconnected().await;
    let globex = app.state.store.create_org("Globex").await.unwrap().id;
    app::auth::create_person(
        &app.state,
        globex,
        B_ADMIN,
        "Bea",
        PASSWORD,
        domain::Role::Admin,
    )
    .await
    .unwrap();
    let a = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = a
        .send(
            Method::POST,
            "/api/people",
            Some(
                json!({ "email": A_AGENT, "name": "Alma", "password": PASSWORD, "role": "agent" }),
            ),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    for (site, email, password) in [
        ("MLA", ADMIN_EMAIL, ADMIN_PASSWORD),
        ("MLB", ADMIN_EMAIL, ADMIN_PASSWORD),
        ("MLM", B_ADMIN, PASSWORD),
    ] {
        let seller = app.seller(site);
        app::scripted_connect::connect_through_oauth(&app.url, email, password, site, seller.id)
            .await
            .expect("connecting a seeded seller");
    }
    app.drain().await;
    app
}

/// Asks on the site's store and waits until the question is in `who`'s inbox; returns its
/// conversation id.
async fn asked(app: &TestApp, who: &Who<'_>, site: &str, text: &str) -> i64 {
    let (qid, _) = app.ask(site, text).await;
    for _ in 0..200 {
        app.drain().await;
        let list = who.json("/api/conversations?limit=500").await;
        if let Some(found) = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["meli_ref"].as_str() == Some(qid.to_string().as_str()))
        {
            return found["id"].as_i64().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("question {qid} never reached the inbox");
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn nothing_of_one_organization_reaches_another() {
    let app = two_organizations().await;
    let a = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let b = login(&app, B_ADMIN, PASSWORD).await;
    let mla = app.seller("MLA").id;
    let mlm = app.seller("MLM").id;

    let jobs_a_before = a.json("/api/jobs").await;
    let theirs = asked(&app, &b, "MLM", "¿Tienen factura?").await;
    assert_eq!(
        a.json("/api/jobs").await,
        jobs_a_before,
        "their jobs never count in ours"
    );
    let ours = asked(&app, &a, "MLA", "¿Hay talle M?").await;

    // Lists: each sees its own (non-empty) inbox and never the other's.
    let list_a = ids(&a.json("/api/conversations?limit=500").await);
    let list_b = ids(&b.json("/api/conversations?limit=500").await);
    assert!(
        list_a.contains(&ours) && !list_a.contains(&theirs),
        "{list_a:?}"
    );
    assert!(
        list_b.contains(&theirs) && !list_b.contains(&ours),
        "{list_b:?}"
    );
    let filtered = a.json(&format!("/api/conversations?seller_id={mlm}")).await;
    assert_eq!(
        filtered,
        json!([]),
        "filtering by their store finds nothing"
    );

    // By id, in the API and the pages.
    assert_eq!(
        a.status(Method::GET, &format!("/api/conversations/{theirs}"), None)
            .await,
        StatusCode::NOT_FOUND
    );
    assert!(
        b.status(Method::GET, &format!("/api/conversations/{theirs}"), None)
            .await
            .is_success()
    );
    let (status, _) = a.text(&format!("/inbox/{theirs}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = a.text("/inbox").await;
    assert!(status.is_success());
    assert!(page.contains("¿Hay talle M?"), "our question is listed");
    assert!(!page.contains("¿Tienen factura?"), "theirs is not");

    // Answer: refused through the API and the web form, and their box stays open.
    assert_eq!(
        a.status(
            Method::POST,
            &format!("/api/conversations/{theirs}/answer"),
            Some(json!({ "text": "Sí" })),
        )
        .await,
        StatusCode::NOT_FOUND
    );
    let web = a
        .form(&format!("/inbox/{theirs}/answer"), &[("text", "Sí")])
        .await;
    assert!(!web.status().is_success(), "{}", web.status());
    let detail = b.json(&format!("/api/conversations/{theirs}")).await;
    assert_eq!(detail["composer"]["open"], true, "{detail}");
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1);

    // Stores: listed, disconnected (API and web) only within the organization.
    let sellers = |v: Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["seller_id"].as_i64().unwrap())
            .collect()
    };
    let stores_a = sellers(a.json("/api/stores").await);
    assert!(
        stores_a.contains(&mla) && !stores_a.contains(&mlm),
        "{stores_a:?}"
    );
    assert_eq!(sellers(b.json("/api/stores").await), vec![mlm]);
    assert_eq!(
        a.status(Method::DELETE, &format!("/api/stores/{mlm}"), None)
            .await,
        StatusCode::NOT_FOUND
    );
    let web = a.form(&format!("/stores/{mlm}/disconnect"), &[]).await;
    assert_eq!(web.status(), StatusCode::NOT_FOUND);
    assert_eq!(b.json("/api/stores").await[0]["health"], "connected");

    // Notifications: each admin sees only their organization's.
    let resources = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| n["user_id"].to_string())
            .collect()
    };
    let notes_a = resources(a.json("/api/notifications").await);
    let notes_b = resources(b.json("/api/notifications").await);
    assert!(!notes_a.is_empty() && !notes_b.is_empty());
    assert!(!notes_a.contains(&mlm.to_string()), "{notes_a:?}");
    assert!(notes_b.iter().all(|u| *u == mlm.to_string()), "{notes_b:?}");

    // People: an admin adds people only to their own organization.
    let people = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["email"].as_str().unwrap().to_string())
            .collect()
    };
    let people_a = people(a.json("/api/people").await);
    assert!(people_a.contains(&A_AGENT.to_string()) && !people_a.contains(&B_ADMIN.to_string()));
    assert_eq!(
        people(b.json("/api/people").await),
        vec![B_ADMIN.to_string()]
    );

    // OAuth: a round trip started in one organization cannot be finished from the other.
    let started = a.form("/stores/connect", &[("site", "MLA")]).await;
    let location = started.headers()["location"].to_str().unwrap().to_string();
    let state = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.to_string())
        .expect("a state in the authorization URL");
    let callback = b
        .send(
            Method::GET,
            &format!("/oauth/callback?code=stolen&state={state}"),
            None,
        )
        .await;
    assert!(!callback.status().is_success(), "{}", callback.status());
    assert_eq!(sellers(b.json("/api/stores").await), vec![mlm]);
}

/// The live stream of one organization stays quiet while another's inbox changes, and speaks
/// when its own does.
#[tokio::test]
async fn the_live_stream_speaks_only_of_its_own_organization() {
    let app = two_organizations().await;
    let a = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let b = login(&app, B_ADMIN, PASSWORD).await;
    let mut stream = a.send(Method::GET, "/events", None).await;
    assert!(stream.status().is_success());
    let first = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
        .await
        .expect("the first event comes at once")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: inbox"));

    asked(&app, &b, "MLM", "¿Envían a Monterrey?").await;
    // The stream looks every 2 s; give it two looks.
    let quiet = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let chunk = stream.chunk().await.unwrap().unwrap();
            if String::from_utf8_lossy(&chunk).contains("event: inbox") {
                return chunk;
            }
        }
    })
    .await;
    assert!(
        quiet.is_err(),
        "another organization's question woke our stream"
    );

    asked(&app, &a, "MLB", "Tem nota fiscal?").await;
    let woke = tokio::time::timeout(Duration::from_secs(8), async {
        loop {
            let chunk = stream.chunk().await.unwrap().unwrap();
            if String::from_utf8_lossy(&chunk).contains("event: inbox") {
                return chunk;
            }
        }
    })
    .await;
    assert!(woke.is_ok(), "our own question must wake our stream");
}

#[tokio::test]
async fn an_agent_reads_and_answers_but_every_admin_route_is_refused() {
    let app = two_organizations().await;
    let agent = login(&app, A_AGENT, PASSWORD).await;
    let mla = app.seller("MLA").id;
    let ours = asked(&app, &agent, "MLA", "¿Tiene garantía?").await;
    assert!(
        agent
            .status(Method::GET, &format!("/api/conversations/{ours}"), None)
            .await
            .is_success()
    );
    for (method, path, body) in [
        (Method::GET, "/api/notifications".to_string(), None),
        (Method::GET, "/api/jobs".to_string(), None),
        (Method::GET, "/api/people".to_string(), None),
        (
            Method::POST,
            "/api/people".to_string(),
            Some(json!({ "email": "x@y.z", "name": "X", "password": PASSWORD, "role": "admin" })),
        ),
        (Method::DELETE, format!("/api/stores/{mla}"), None),
    ] {
        assert_eq!(
            agent.status(method.clone(), &path, body).await,
            StatusCode::FORBIDDEN,
            "{method} {path}"
        );
    }
    for path in [
        "/stores/connect".to_string(),
        format!("/stores/{mla}/disconnect"),
    ] {
        let resp = agent.form(&path, &[("site", "MLA")]).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "POST {path}");
    }
    // The desk's admin routes: teams writes, routing read and write, the settings pages.
    let admin = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let created = admin
        .send(
            Method::POST,
            "/api/teams",
            Some(json!({ "kind": "department", "name": "Postventa" })),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let team = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let teams_before = admin.json("/api/teams").await;
    let routing_before = admin.json("/api/routing").await;
    for (method, path, body) in [
        (
            Method::POST,
            "/api/teams".to_string(),
            Some(json!({ "kind": "group", "name": "Ventas" })),
        ),
        (Method::DELETE, format!("/api/teams/{team}"), None),
        (
            Method::PUT,
            format!("/api/teams/{team}/members"),
            Some(json!({ "members": [] })),
        ),
        (Method::GET, "/api/routing".to_string(), None),
        (
            Method::PUT,
            format!("/api/routing/{mla}/claim"),
            Some(json!({ "target": "flow_bot" })),
        ),
    ] {
        assert_eq!(
            agent.status(method.clone(), &path, body).await,
            StatusCode::FORBIDDEN,
            "{method} {path}"
        );
    }
    for path in ["/settings/routing", "/settings/teams"] {
        let (status, page) = agent.text(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "GET {path}");
        assert!(
            page.contains("No tienes permiso para hacer esto."),
            "{page}"
        );
    }
    for (path, form) in [
        (
            format!("/settings/routing/{mla}/claim"),
            vec![("route", "flow_bot".to_string())],
        ),
        (
            "/settings/teams".to_string(),
            vec![
                ("kind", "group".to_string()),
                ("name", "Ventas".to_string()),
            ],
        ),
        (
            format!("/settings/teams/{team}/members"),
            vec![("member", "1".to_string())],
        ),
        (format!("/settings/teams/{team}/delete"), vec![]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = agent.form(&path, &form).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "POST {path}");
    }
    assert_eq!(admin.json("/api/teams").await, teams_before);
    assert_eq!(admin.json("/api/routing").await, routing_before);
    let (_, inbox) = agent.text("/inbox").await;
    assert!(
        !inbox.contains("id=\"nav-settings\""),
        "no settings link for agents"
    );
    let (_, inbox) = admin.text("/inbox").await;
    assert!(
        inbox.contains("id=\"nav-settings\""),
        "admins get the settings link"
    );
    // Agents do move conversations and set their status.
    assert_eq!(
        agent
            .status(
                Method::POST,
                &format!("/api/conversations/{ours}/assign"),
                Some(json!({ "team_id": team })),
            )
            .await,
        StatusCode::OK
    );
    let moved = agent
        .form(&format!("/inbox/{ours}/status"), &[("status", "waiting")])
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);

    let answered = agent
        .send(
            Method::POST,
            &format!("/api/conversations/{ours}/answer"),
            Some(json!({ "text": "Sí, 12 meses." })),
        )
        .await;
    assert_eq!(answered.status(), StatusCode::ACCEPTED);
    assert_eq!(admin.json("/api/stores").await[0]["health"], "connected");
}

/// The support desk across organizations: another organization's teams, routes and
/// conversations answer 404 to every desk route (API and pages) or are absent from lists, one's
/// own conversations and routes cannot be pointed at another's teams or people, and nothing of
/// theirs changes.
#[tokio::test]
async fn the_desk_stays_within_each_organization() {
    use crate::desk::{listed, seed_desk};
    let app = two_organizations().await;
    let a = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let b = login(&app, B_ADMIN, PASSWORD).await;
    let mla = app.seller("MLA").id;
    let mlm = app.seller("MLM").id;
    let b_me = b.json("/api/me").await;
    let b_org: domain::OrgId = serde_json::from_value(b_me["org_id"].clone()).unwrap();
    let b_person = b_me["id"].as_i64().unwrap();
    let a_me = a.json("/api/me").await["id"].as_i64().unwrap();
    let ours = seed_desk(&app, app.org, mla, "ARS", 7_000_000_000).await;
    let theirs = seed_desk(&app, b_org, mlm, "MXN", 8_000_000_000).await;
    let their_ids = [
        theirs.help,
        theirs.unsolicited,
        theirs.blocked,
        theirs.claim,
    ];

    // B sets up a department, its member, a route and an assignment.
    let created = b
        .send(
            Method::POST,
            "/api/teams",
            Some(json!({ "kind": "department", "name": "Soporte Globex" })),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let b_team = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/api/teams/{b_team}/members"),
            json!({ "members": [b_person] }),
        ),
        (
            Method::PUT,
            format!("/api/routing/{mlm}/post_sale_help"),
            json!({ "target": "support", "team_id": b_team }),
        ),
        (
            Method::POST,
            format!("/api/conversations/{}/assign", theirs.claim),
            json!({ "team_id": b_team }),
        ),
    ] {
        let status = b.status(method.clone(), &path, Some(body)).await;
        assert!(status.is_success(), "{method} {path}: {status}");
    }
    let created = a
        .send(
            Method::POST,
            "/api/teams",
            Some(json!({ "kind": "group", "name": "Ventas" })),
        )
        .await;
    let a_team = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let snapshot = || async {
        let mut all = vec![
            b.json("/api/teams").await,
            b.json("/api/routing").await,
            b.json("/api/answer-times").await,
        ];
        for id in their_ids {
            all.push(b.json(&format!("/api/conversations/{id}")).await);
        }
        all
    };
    let before = snapshot().await;

    // Lists: theirs are absent.
    let a_teams = a.json("/api/teams").await;
    assert_eq!(a_teams.as_array().unwrap().len(), 1, "{a_teams}");
    assert!(!a_teams.to_string().contains("Soporte Globex"));
    let routing = a.json("/api/routing").await;
    assert!(!routing.as_array().unwrap().is_empty());
    assert!(
        routing
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["seller_id"] != mlm),
        "{routing}"
    );
    let times = a.json("/api/answer-times").await.to_string();
    assert!(
        !times.contains(&mlm.to_string()) && !times.contains("Bea"),
        "{times}"
    );
    let support = listed(&a.text("/inbox?module=support").await.1);
    assert!(support.contains(&ours.claim));
    assert!(
        support.iter().all(|id| !their_ids.contains(id)),
        "{support:?}"
    );
    for path in ["/settings/routing", "/settings/teams", "/inbox"] {
        let (status, page) = a.text(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains("Soporte Globex"), "{path}");
        assert!(!page.contains(&format!("route-{mlm}-")), "{path}");
        assert!(!page.contains(">Bea<"), "{path}");
    }

    // The API, by id.
    let mut refused = vec![
        (Method::DELETE, format!("/api/teams/{b_team}"), None),
        (
            Method::PUT,
            format!("/api/teams/{b_team}/members"),
            Some(json!({ "members": [] })),
        ),
        (
            Method::PUT,
            format!("/api/teams/{a_team}/members"),
            Some(json!({ "members": [b_person] })),
        ),
        (
            Method::PUT,
            format!("/api/routing/{mlm}/post_sale_help"),
            Some(json!({ "target": "flow_bot" })),
        ),
        (
            Method::PUT,
            format!("/api/routing/{mla}/post_sale_help"),
            Some(json!({ "target": "support", "team_id": b_team })),
        ),
        (
            Method::PUT,
            format!("/api/routing/{mla}/pre_sale_question"),
            Some(json!({ "target": "commercial", "person_id": b_person })),
        ),
        (
            Method::POST,
            format!("/api/conversations/{}/assign", ours.help),
            Some(json!({ "team_id": b_team })),
        ),
        (
            Method::POST,
            format!("/api/conversations/{}/assign", ours.help),
            Some(json!({ "person_id": b_person })),
        ),
        (
            Method::POST,
            format!("/api/conversations/{}/action-guide", theirs.unsolicited),
            Some(json!({ "option_id": "OTHER", "text": "Hola" })),
        ),
    ];
    for id in their_ids {
        refused.push((Method::GET, format!("/api/conversations/{id}"), None));
        refused.push((
            Method::POST,
            format!("/api/conversations/{id}/assign"),
            Some(json!({ "module": "bot" })),
        ));
        refused.push((
            Method::POST,
            format!("/api/conversations/{id}/status"),
            Some(json!({ "status": "resolved" })),
        ));
        refused.push((
            Method::POST,
            format!("/api/conversations/{id}/answer"),
            Some(json!({ "text": "Hola" })),
        ));
    }
    for (method, path, body) in refused {
        assert_eq!(
            a.status(method.clone(), &path, body).await,
            StatusCode::NOT_FOUND,
            "{method} {path}"
        );
    }

    // The pages, by id.
    let me = format!("person:{a_me}");
    let their_team = format!("team:{b_team}");
    let their_person = format!("person:{b_person}");
    let their_route = format!("support/team:{b_team}");
    let b_member = b_person.to_string();
    let mut refused: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/inbox/{}/start", theirs.unsolicited),
            vec![("option_id", "OTHER"), ("text", "Hola")],
        ),
        (
            format!("/inbox/{}/assign", ours.help),
            vec![("to", &their_team)],
        ),
        (
            format!("/inbox/{}/assign", ours.help),
            vec![("to", &their_person)],
        ),
        (
            format!("/settings/routing/{mlm}/post_sale_help"),
            vec![("route", "flow_bot")],
        ),
        (
            format!("/settings/routing/{mla}/post_sale_help"),
            vec![("route", &their_route)],
        ),
        (
            format!("/settings/teams/{b_team}/members"),
            vec![("member", &b_member)],
        ),
        (
            format!("/settings/teams/{a_team}/members"),
            vec![("member", &b_member)],
        ),
        (format!("/settings/teams/{b_team}/delete"), vec![]),
    ];
    for id in their_ids {
        refused.push((format!("/inbox/{id}/answer"), vec![("text", "Hola")]));
        refused.push((format!("/inbox/{id}/assign"), vec![("to", "module:bot")]));
        refused.push((format!("/inbox/{id}/assign"), vec![("to", &me)]));
        refused.push((format!("/inbox/{id}/status"), vec![("status", "resolved")]));
        let (status, _) = a.text(&format!("/inbox/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "GET /inbox/{id}");
    }
    for (path, form) in &refused {
        assert_eq!(
            a.form(path, form).await.status(),
            StatusCode::NOT_FOUND,
            "POST {path}"
        );
    }

    // Nothing of theirs changed, and ours is where we left it.
    assert_eq!(snapshot().await, before);
    let help = a.json(&format!("/api/conversations/{}", ours.help)).await;
    assert_eq!(help["conversation"]["assigned_team_id"], Value::Null);
    assert_eq!(a.json("/api/teams").await[0]["members"], json!([]));
}
