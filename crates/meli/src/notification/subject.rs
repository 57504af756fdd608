//! [`Subject`]: which conversation (or classifieds lead) a notification is about, read from its
//! topic and resource together.
//!
//! The topic decides the kind and the resource gives the id, so a resource
//! that does not fit its topic is `Other` rather than a guess. Without a
//! topic (one short sample) the resource's shape alone decides.

use serde::Serialize;

use super::{Notification, Resource};

/// What a notification asks the worker to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// Topic `questions`: `GET /questions/{id}?api_version=4`.
    Question(i64),
    /// Topic `messages`: the resource is a bare message id (opaque text,
    /// usually 32 hex characters); `GET /messages/{id}`, whose
    /// `message_resources` name the pack and seller.
    Message(String),
    /// Topic `orders_v2` (or legacy `orders`): `GET /orders/{id}`.
    Order(i64),
    /// Topic `post_purchase` (actions `claims`, `claims_actions`) or the legacy
    /// `claims`, resource `/post-purchase/v1/claims/{id}` or `/v1/claims/{id}`
    /// (a sub-path after the id is allowed): `GET /post-purchase/v1/claims/{id}`.
    Claim(i64),
    /// Topic `vis_leads` (its `actions` name the contact type), resource
    /// `/vis/leads/{id}` or, in one sample, `/vis_leads/{id}`:
    /// `GET /vis/leads/{id}`. The id is opaque text (a UUID, or digits).
    Lead(String),
    /// Anything the inbox does not follow (items, payments, shipments, …).
    Other,
}

impl Notification {
    /// The conversation this notification is about.
    pub fn subject(&self) -> Subject {
        let topic = self.topic.as_deref().map(str::trim).unwrap_or_default();
        let topic = topic.strip_prefix("marketplace_").unwrap_or(topic);
        let target = self.target();
        match topic {
            "questions" => question(target),
            "messages" => message(&self.resource),
            "orders_v2" | "orders" => order(&self.resource),
            "post_purchase" | "claims" => {
                claim_id(&self.resource).map_or(Subject::Other, Subject::Claim)
            }
            "vis_leads" => lead(target),
            "" => match target {
                Resource::Question(_) => question(target),
                Resource::Message(_) => message(&self.resource),
                Resource::Order(_) => order(&self.resource),
                Resource::Claim(id) => Subject::Claim(id),
                Resource::VisLead(_) => lead(target),
                _ => Subject::Other,
            },
            _ => Subject::Other,
        }
    }
}

fn question(target: Resource<'_>) -> Subject {
    match target {
        Resource::Question(id) => Subject::Question(id),
        _ => Subject::Other,
    }
}

/// Only ids that can go back into `/vis/leads/{id}` unchanged.
fn lead(target: Resource<'_>) -> Subject {
    match target {
        Resource::VisLead(id)
            if id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                && id.bytes().any(|b| b.is_ascii_alphanumeric()) =>
        {
            Subject::Lead(id.to_owned())
        }
        _ => Subject::Other,
    }
}

/// A bare message id, or `/messages/{id}`; anything longer is not a message.
fn message(resource: &str) -> Subject {
    match segments(resource).as_slice() {
        [id] | ["messages", id] => Subject::Message((*id).to_owned()),
        _ => Subject::Other,
    }
}

fn order(resource: &str) -> Subject {
    match segments(resource).as_slice() {
        ["orders", id] | ["marketplace", "orders", id] => {
            id.parse().map_or(Subject::Other, Subject::Order)
        }
        _ => Subject::Other,
    }
}

/// The claim id in any claims path: `/post-purchase/v{n}/claims/{id}[/…]`,
/// `/v1/claims/{id}[/…]`, `/marketplace/claims/{id}[/…]`, `/claims/{id}[/…]`.
fn claim_id(resource: &str) -> Option<i64> {
    let segs = segments(resource);
    let rest = match segs.as_slice() {
        ["post-purchase", version, "claims", rest @ ..] if is_version(version) => rest,
        [version, "claims", rest @ ..] if is_version(version) => rest,
        ["marketplace", "claims", rest @ ..] | ["claims", rest @ ..] => rest,
        _ => return None,
    };
    rest.first()?.parse().ok()
}

fn is_version(s: &str) -> bool {
    s.strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn segments(resource: &str) -> Vec<&str> {
    resource
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split('/')
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(topic: Option<&str>, resource: &str, actions: &[&str]) -> Notification {
        let mut v = serde_json::json!({"resource": resource, "user_id": 1, "actions": actions});
        if let Some(t) = topic {
            v["topic"] = t.into();
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn topic_and_resource_together() {
        let s = |t, r| n(Some(t), r, &[]).subject();
        assert_eq!(
            s("questions", "/questions/5036111111"),
            Subject::Question(5_036_111_111)
        );
        assert_eq!(s("questions", "/items/MLA1"), Subject::Other);
        assert_eq!(
            s("messages", "3f6da1e35ac84f70a24af7360d24c7bc"),
            Subject::Message("3f6da1e35ac84f70a24af7360d24c7bc".into())
        );
        assert_eq!(
            s("messages", "/messages/abc"),
            Subject::Message("abc".into())
        );
        assert_eq!(s("messages", "/packs/1/sellers/2"), Subject::Other);
        assert_eq!(
            s("orders_v2", "/orders/2195160686"),
            Subject::Order(2_195_160_686)
        );
        assert_eq!(
            s("orders_v2", "/orders/2195160686/feedback"),
            Subject::Other
        );
        assert_eq!(
            s("marketplace_orders", "/marketplace/orders/7"),
            Subject::Order(7)
        );
        assert_eq!(s("items", "/orders/7"), Subject::Other, "the topic decides");
        assert_eq!(s("shipments", "/shipments/40546549876"), Subject::Other);
    }

    #[test]
    fn every_claims_form() {
        for (topic, actions, resource) in [
            (
                "post_purchase",
                &["claims"][..],
                "/post-purchase/v1/claims/5108684499",
            ),
            (
                "post_purchase",
                &["claims_actions"][..],
                "post-purchase/v1/claims/5108684499",
            ),
            (
                "post_purchase",
                &["claims_actions"][..],
                "/post-purchase/v1/claims/5108684499/actions",
            ),
            ("claims", &[][..], "/v1/claims/5108684499"),
            ("claims", &[][..], "/post-purchase/v1/claims/5108684499"),
            (
                "marketplace_claims",
                &[][..],
                "/marketplace/claims/5108684499",
            ),
        ] {
            assert_eq!(
                n(Some(topic), resource, actions).subject(),
                Subject::Claim(5_108_684_499),
                "{topic} {resource}"
            );
        }
        assert_eq!(
            n(Some("claims"), "/v1/claims/search", &[]).subject(),
            Subject::Other
        );
        assert_eq!(
            n(Some("post_purchase"), "/post-purchase/v1/returns/1", &[]).subject(),
            Subject::Other
        );
    }

    #[test]
    fn without_a_topic_the_resource_decides() {
        let s = |r| n(None, r, &[]).subject();
        assert_eq!(s("/questions/1"), Subject::Question(1));
        assert_eq!(s("/orders/2"), Subject::Order(2));
        assert_eq!(s("/v1/claims/3"), Subject::Claim(3));
        assert_eq!(
            s("a35cf79864a845ca9a3bf6aee59bb4d7"),
            Subject::Message("a35cf79864a845ca9a3bf6aee59bb4d7".into())
        );
        assert_eq!(s("/vis_leads/93a14ee6"), Subject::Lead("93a14ee6".into()));
        assert_eq!(s("/vis/loan/66e93589"), Subject::Other);
    }

    #[test]
    fn leads_in_both_resource_forms() {
        fn s(topic: &str, resource: &str) -> Subject {
            n(Some(topic), resource, &["whatsapp"]).subject()
        }
        let uuid = "14b52fd8-85dc-11eb-8436-2753cb1f9665";
        assert_eq!(
            s("vis_leads", &format!("/vis/leads/{uuid}")),
            Subject::Lead(uuid.into())
        );
        assert_eq!(
            s("vis_leads", &format!("vis_leads/{uuid}")),
            Subject::Lead(uuid.into())
        );
        assert_eq!(
            s("vis_leads", "/vis/leads/44115522"),
            Subject::Lead("44115522".into())
        );
        assert_eq!(s("vis_leads", "/vis/leads/a%2Fb"), Subject::Other);
        assert_eq!(s("vis_leads", "/vis/leads/a/details"), Subject::Other);
        assert_eq!(s("vis_leads", "/questions/1"), Subject::Other);
        assert_eq!(
            s("leads-credits", "/vis/leads/1"),
            Subject::Other,
            "the topic decides"
        );
    }

    /// The official `vis_leads` notification samples, the broken ones once their slips are
    /// repaired.
    #[test]
    fn leads_of_the_official_samples() {
        let read = |text: &str, fixes: &[(&str, &str)]| {
            let mut text = text.to_owned();
            for (from, to) in fixes {
                assert!(text.contains(from), "{from}");
                text = text.replace(from, to);
            }
            serde_json::from_str::<Notification>(&text).unwrap()
        };
        let n = read(
            include_str!("../../tests/fixtures/notifications/subtopic-example-vis-leads.json"),
            &[],
        );
        assert_eq!(
            n.subject(),
            Subject::Lead("93a14ee6-0356-4e20-b0c6-f4ad8f80bfff".into())
        );
        let alternatives = r#"["whatsapp"], |  ["call"], | ["question"], | ["visit_request"], | ["contact_request"], |  ["reservation"], |  ["quotations"]"#;
        for action in ["whatsapp", "call", "question", "quotations"] {
            let one = format!("[\"{action}\"],");
            let n = read(
                include_str!("../../tests/fixtures/notifications/vis-leads.json-broken"),
                &[(alternatives, &one)],
            );
            assert_eq!(
                n.subject(),
                Subject::Lead("14b52fd8-85dc-11eb-8436-2753cb1f9665".into()),
                "{action}"
            );
            assert_eq!(n.actions, [action]);
        }
        let n = read(
            include_str!(
                "../../tests/fixtures/notifications/vis-leads-visit-request-short.json-broken"
            ),
            &[("}'", "}")],
        );
        assert_eq!(n.topic, None, "no topic: the resource decides");
        assert_eq!(
            n.subject(),
            Subject::Lead("93a14ee6-0356-4e20-b0c6-f4ad8f80bkikfff".into())
        );
    }

    #[test]
    fn serializes_with_its_kind() {
        assert_eq!(
            serde_json::to_value(Subject::Claim(5)).unwrap(),
            serde_json::json!({"kind": "claim", "id": 5})
        );
        assert_eq!(
            serde_json::to_value(Subject::Lead("b711e264".into())).unwrap(),
            serde_json::json!({"kind": "lead", "id": "b711e264"})
        );
        assert_eq!(
            serde_json::to_value(Subject::Other).unwrap(),
            serde_json::json!({"kind": "other"})
        );
    }
}
