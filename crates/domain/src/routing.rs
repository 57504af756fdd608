//! Where each category of a store's conversations goes (SPEC §4, "Configure integration"), and
//! which combinations Mercado Libre's rules allow. Validation lives here so the API refuses an
//! invalid choice with a clear code, not only the UI hiding it.

use crate::conversation::Category;
use crate::ids::{PersonId, TeamId};
use serde::{Deserialize, Serialize};

/// The part of Mostrador a conversation is handled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    /// The commercial inbox (sales teams: groups or single agents).
    Commercial,
    /// The support desk (departments).
    Support,
    /// A chatbot; until bots exist, a visible queue of its own.
    Bot,
}

impl Module {
    pub fn as_str(self) -> &'static str {
        match self {
            Module::Commercial => "commercial",
            Module::Support => "support",
            Module::Bot => "bot",
        }
    }

    pub fn parse(s: &str) -> Option<Module> {
        [Module::Commercial, Module::Support, Module::Bot]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// Groups staff the commercial inbox; departments staff the support desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamKind {
    Group,
    Department,
}

impl TeamKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TeamKind::Group => "group",
            TeamKind::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Option<TeamKind> {
        [TeamKind::Group, TeamKind::Department]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A group or a department of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub kind: TeamKind,
    pub name: String,
    pub members: Vec<PersonId>,
}

/// Where a category goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "target", rename_all = "snake_case")]
pub enum Route {
    /// Commercial inbox, to a group.
    CommercialGroup { team_id: TeamId },
    /// Commercial inbox, to a single agent.
    CommercialAgent { person_id: PersonId },
    /// Commercial inbox, unassigned (anyone may take it).
    Commercial,
    /// Support desk, to a department.
    SupportDepartment { team_id: TeamId },
    /// Support desk, unassigned.
    Support,
    /// The flow chatbot (menus answered from order and shipment data).
    FlowBot,
    /// The generative-AI chatbot.
    GenerativeBot,
}

impl Route {
    /// Where a category goes when the admin chose nothing: questions are sales work, post-sale
    /// help and claims are support work.
    pub fn default_for(category: Category) -> Route {
        match category {
            Category::PreSaleQuestion => Route::Commercial,
            Category::PostSaleHelp | Category::Claim => Route::Support,
        }
    }

    pub fn module(self) -> Module {
        match self {
            Route::CommercialGroup { .. } | Route::CommercialAgent { .. } | Route::Commercial => {
                Module::Commercial
            }
            Route::SupportDepartment { .. } | Route::Support => Module::Support,
            Route::FlowBot | Route::GenerativeBot => Module::Bot,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Route::CommercialGroup { .. } => "commercial_group",
            Route::CommercialAgent { .. } => "commercial_agent",
            Route::Commercial => "commercial",
            Route::SupportDepartment { .. } => "support_department",
            Route::Support => "support",
            Route::FlowBot => "flow_bot",
            Route::GenerativeBot => "generative_bot",
        }
    }

    pub fn team(self) -> Option<TeamId> {
        match self {
            Route::CommercialGroup { team_id } | Route::SupportDepartment { team_id } => {
                Some(team_id)
            }
            _ => None,
        }
    }

    pub fn person(self) -> Option<PersonId> {
        match self {
            Route::CommercialAgent { person_id } => Some(person_id),
            _ => None,
        }
    }

    /// Rebuilds a stored route from its kind word and ids.
    pub fn from_parts(kind: &str, team: Option<TeamId>, person: Option<PersonId>) -> Option<Route> {
        Some(match (kind, team, person) {
            ("commercial_group", Some(team_id), _) => Route::CommercialGroup { team_id },
            ("commercial_agent", _, Some(person_id)) => Route::CommercialAgent { person_id },
            ("commercial", _, _) => Route::Commercial,
            ("support_department", Some(team_id), _) => Route::SupportDepartment { team_id },
            ("support", _, _) => Route::Support,
            ("flow_bot", _, _) => Route::FlowBot,
            ("generative_bot", _, _) => Route::GenerativeBot,
            _ => return None,
        })
    }
}

/// Why a route is refused, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error(
        "the flow chatbot cannot take pre-sale questions; choose the commercial inbox or the generative-AI chatbot"
    )]
    FlowBotOnPreSale,
    #[error(
        "pre-sale questions go to the commercial inbox or the generative-AI chatbot, not the support desk"
    )]
    SupportOnPreSale,
    #[error("an automated-classification chatbot is not offered for Mercado Libre")]
    ClassificationBot,
    #[error("unknown routing target {0:?}")]
    UnknownTarget(String),
    #[error("the team is not a {0} of this organization")]
    WrongTeam(&'static str),
    #[error("the agent is not a person of this organization")]
    UnknownAgent,
}

impl RouteError {
    pub fn code(&self) -> &'static str {
        match self {
            RouteError::FlowBotOnPreSale => "flow_bot_on_pre_sale",
            RouteError::SupportOnPreSale => "support_on_pre_sale",
            RouteError::ClassificationBot => "classification_bot_not_offered",
            RouteError::UnknownTarget(_) => "unknown_target",
            RouteError::WrongTeam(_) => "wrong_team",
            RouteError::UnknownAgent => "unknown_agent",
        }
    }
}

/// Parses what an admin chose (a target word plus an optional team or person) for `category`,
/// refusing what Mercado Libre's rules or SPEC §4 do not allow. Team and person membership in the
/// organization is checked by the caller, which knows them.
pub fn choose(
    category: Category,
    target: &str,
    team: Option<TeamId>,
    person: Option<PersonId>,
) -> Result<Route, RouteError> {
    let target = target.trim();
    if target == "classification_bot" {
        return Err(RouteError::ClassificationBot);
    }
    let route = match (target, team, person) {
        ("commercial", Some(team_id), _) => Route::CommercialGroup { team_id },
        ("commercial", None, Some(person_id)) => Route::CommercialAgent { person_id },
        ("commercial", None, None) => Route::Commercial,
        ("support", Some(team_id), _) => Route::SupportDepartment { team_id },
        ("support", None, _) => Route::Support,
        ("flow_bot", _, _) => Route::FlowBot,
        ("generative_bot", _, _) => Route::GenerativeBot,
        (other, _, _) => match Route::from_parts(other, team, person) {
            Some(route) => route,
            None => return Err(RouteError::UnknownTarget(other.to_string())),
        },
    };
    match (category, route.module(), route) {
        (Category::PreSaleQuestion, _, Route::FlowBot) => Err(RouteError::FlowBotOnPreSale),
        (Category::PreSaleQuestion, Module::Support, _) => Err(RouteError::SupportOnPreSale),
        _ => Ok(route),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_sale_takes_the_commercial_inbox_or_the_generative_bot_only() {
        let c = Category::PreSaleQuestion;
        assert_eq!(choose(c, "commercial", None, None), Ok(Route::Commercial));
        assert_eq!(
            choose(c, "commercial", Some(TeamId(3)), None),
            Ok(Route::CommercialGroup { team_id: TeamId(3) })
        );
        assert_eq!(
            choose(c, "commercial", None, Some(PersonId(4))),
            Ok(Route::CommercialAgent {
                person_id: PersonId(4)
            })
        );
        assert_eq!(
            choose(c, "generative_bot", None, None),
            Ok(Route::GenerativeBot)
        );
        assert_eq!(
            choose(c, "flow_bot", None, None),
            Err(RouteError::FlowBotOnPreSale)
        );
        assert_eq!(
            choose(c, "support", Some(TeamId(1)), None),
            Err(RouteError::SupportOnPreSale)
        );
    }

    #[test]
    fn post_sale_and_claims_take_every_module_but_classification() {
        for c in [Category::PostSaleHelp, Category::Claim] {
            for (target, module) in [
                ("commercial", Module::Commercial),
                ("support", Module::Support),
                ("flow_bot", Module::Bot),
                ("generative_bot", Module::Bot),
            ] {
                assert_eq!(choose(c, target, None, None).map(Route::module), Ok(module));
            }
            assert_eq!(
                choose(c, "classification_bot", None, None),
                Err(RouteError::ClassificationBot)
            );
            assert!(matches!(
                choose(c, "telepathy", None, None),
                Err(RouteError::UnknownTarget(_))
            ));
        }
        assert_eq!(
            choose(Category::PreSaleQuestion, "classification_bot", None, None)
                .map_err(|e| e.code()),
            Err("classification_bot_not_offered")
        );
    }

    #[test]
    fn stored_routes_round_trip() {
        for route in [
            Route::CommercialGroup { team_id: TeamId(1) },
            Route::CommercialAgent {
                person_id: PersonId(2),
            },
            Route::Commercial,
            Route::SupportDepartment { team_id: TeamId(3) },
            Route::Support,
            Route::FlowBot,
            Route::GenerativeBot,
        ] {
            assert_eq!(
                Route::from_parts(route.kind(), route.team(), route.person()),
                Some(route)
            );
        }
        assert_eq!(
            Route::default_for(Category::Claim).module(),
            Module::Support
        );
        assert_eq!(
            Route::default_for(Category::PreSaleQuestion).module(),
            Module::Commercial
        );
    }
}
