//! The JSON API's OpenAPI description, generated from the handlers' annotations and served at
//! `/api/openapi.json`.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mostrador API",
        description = "The JSON API of Mostrador's inboxes."
    ),
    paths(
        crate::api::login,
        crate::api::me,
        crate::api::conversations,
        crate::api::conversation,
        crate::api::answer,
        crate::api::stores,
        crate::api::disconnect,
        crate::api::sync_orders,
        crate::api::order_sync_status,
        crate::api::notifications,
        crate::api::jobs,
        crate::people::list,
        crate::people::create,
        crate::people::set_language,
        crate::desk::teams,
        crate::desk::create_team,
        crate::desk::delete_team,
        crate::desk::set_members,
        crate::desk::routing_table,
        crate::desk::set_route,
        crate::desk::assign,
        crate::desk::set_status,
        crate::desk::start_with_option,
        crate::desk::answer_times,
        crate::monitor_api::monitor,
        crate::monitor_api::orders,
        crate::monitor_api::orders_csv,
        crate::monitor_api::rfm,
        crate::contacts_api::contacts,
        crate::contacts_api::contact,
        crate::contacts_api::leads,
        document,
        crate::healthz,
        crate::ingest::webhook
    ),
    components(schemas(
        crate::api::LoginBody,
        crate::api::AnswerBody,
        crate::people::NewPersonBody,
        crate::people::LanguageBody,
        crate::desk::NewTeam,
        crate::desk::Members,
        crate::desk::RouteChoice,
        crate::desk::AssignBody,
        crate::desk::StatusBody,
        crate::desk::OptionBody
    ))
)]
pub struct ApiDoc;

/// This description.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    summary = "This description of the JSON API (OpenAPI 3.1).",
    responses((status = 200, description = "the OpenAPI document", body = serde_json::Value))
)]
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::collections::BTreeSet;

    /// Every `(method, path)` the JSON routers declare, read from the source so that a route
    /// added without its annotation fails here.
    fn declared_routes() -> BTreeSet<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = BTreeSet::new();
        let method = regex::Regex::new(r"\b(get|post|put|delete|patch)\(").unwrap();
        let mut files = vec![dir.clone()];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            // Test modules declare routes of their own (slow handlers and the like).
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.extension().is_none_or(|e| e != "rs") || name == "tests.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Each `.route("path", methods…)` up to the next route or the statement's end.
            for chunk in text.split(".route(").skip(1) {
                let chunk = chunk.split(';').next().unwrap_or_default();
                let Some(path) = chunk
                    .trim_start()
                    .strip_prefix('"')
                    .and_then(|c| c.split('"').next())
                else {
                    continue;
                };
                if !(path.starts_with("/api/") || path == "/healthz" || path == "/webhooks/meli") {
                    continue;
                }
                for m in method.captures_iter(chunk) {
                    found.insert((m[1].to_string(), path.to_string()));
                }
            }
        }
        found
    }

    fn documented_routes() -> BTreeSet<(String, String)> {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut found = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                found.insert((method.clone(), path.clone()));
            }
        }
        found
    }

    #[test]
    fn every_json_route_is_described() {
        let declared = declared_routes();
        assert!(
            declared.len() >= 20,
            "the scan found the routes: {declared:?}"
        );
        let documented = documented_routes();
        let missing: Vec<_> = declared.difference(&documented).collect();
        assert!(
            missing.is_empty(),
            "routes without a description: {missing:?}"
        );
        let stale: Vec<_> = documented.difference(&declared).collect();
        assert!(
            stale.is_empty(),
            "described routes that do not exist: {stale:?}"
        );
    }

    #[test]
    fn the_document_is_openapi_with_request_schemas() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(schemas.contains_key("RouteChoice"), "{schemas:?}");
        assert_eq!(
            doc["paths"]["/api/routing/{seller_id}/{category}"]["put"]["requestBody"]["content"]["application/json"]
                ["schema"]["$ref"],
            "#/components/schemas/RouteChoice"
        );
    }
}
