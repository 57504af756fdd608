//! The open conversation as the page shows it: its messages (with Mercado Libre's moderation
//! verdict and, for claims, who each message went to), the context panel (listing, order, the
//! products of the pack, the claim), the composer with the channel's rules, and where the
//! conversation sits (module, team or person, status).

use super::{Choice, ChoiceGroup, Ui};
use crate::i18n::Lang;
use crate::localtime::{format_local, site_zone};
use crate::service::{Composer, ConversationDetail};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::routing::{Module, Team, TeamKind};
use domain::*;
use fluent_templates::fluent_bundle::FluentValue;

pub(super) struct ThreadMessage {
    pub author: String,
    pub outbound: bool,
    pub text: String,
    /// In the store's zone and the reader's date format.
    pub at: String,
    /// The instant, for `<time datetime>`.
    pub at_iso: String,
    pub delivery: &'static str,
    pub delivery_label: String,
    /// Why delivery failed, as the worker recorded it (stored text, not translated).
    pub error: Option<String>,
    /// Mercado Libre's moderation verdict, worded ("Rejected: personal data").
    pub moderation: Option<String>,
    /// `clean`, `rejected`… (lowercase), for styling.
    pub moderation_status: String,
    /// Claims: who the message went to, worded.
    pub receiver: Option<String>,
}

pub(super) struct OrderView {
    pub id: i64,
    pub date: String,
    pub status: String,
    pub total: String,
    pub shipping: Option<String>,
}

pub(super) struct ProductLine {
    pub order_id: i64,
    pub title: String,
    pub quantity: i64,
    pub unit_price: String,
}

pub(super) struct ClaimActionView {
    pub label: String,
    pub due: Option<String>,
    pub mandatory: bool,
}

pub(super) struct ClaimView {
    pub id: i64,
    pub reason: String,
    pub kind: Option<String>,
    pub stage: String,
    pub status: String,
    pub reputation: String,
    /// `unknown`, `yes` or `no`, for styling.
    pub reputation_code: &'static str,
    pub actions: Vec<ClaimActionView>,
    pub opened: String,
}

pub(super) struct GuideOption {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub cap_label: String,
    pub char_limit: usize,
    pub available: bool,
    /// Pre-selects the first option that can be sent.
    pub checked: bool,
}

pub(super) struct ComposerView {
    pub open: bool,
    pub max_chars: usize,
    pub placeholder: String,
    pub send_label: String,
    /// Claims: who the reply goes to, as a sentence.
    pub receiver: Option<String>,
    /// Why nothing can be sent now, as a sentence.
    pub closed: Option<String>,
    /// The seller may start this post-sale conversation only through these options.
    pub guide: Option<Vec<GuideOption>>,
    /// Whether any option has cap left.
    pub guide_sendable: bool,
    /// The limit of the option chosen first.
    pub guide_max: usize,
}

pub(super) struct Placement {
    pub module: String,
    pub assignee: String,
    pub status: &'static str,
    pub status_label: String,
    pub moves: Vec<ChoiceGroup>,
    pub statuses: Vec<Choice>,
}

pub(super) struct Thread {
    pub id: i64,
    pub detail: ConversationDetail,
    pub messages: Vec<ThreadMessage>,
    pub category: String,
    /// Question, Help or Claim.
    pub interaction: String,
    pub interaction_code: &'static str,
    pub buyer: String,
    pub price: String,
    pub zone: String,
    pub order: Option<OrderView>,
    pub products: Vec<ProductLine>,
    pub claim: Option<ClaimView>,
    pub composer: ComposerView,
    pub placement: Placement,
    /// How long the first answer took, worded, or that none went out yet.
    pub first_answer: String,
}

/// The organization's people and teams, for naming assignees and offering moves.
pub(super) struct Staff {
    pub people: Vec<Person>,
    pub teams: Vec<Team>,
}

impl Staff {
    fn team_name(&self, id: TeamId) -> String {
        self.teams
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| format!("#{id}"), |t| t.name.clone())
    }

    fn person_name(&self, id: PersonId) -> String {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name.clone())
    }
}

/// Money as the store's buyers read it, with its currency code (`R$ 189,90 · BRL`).
pub(super) fn money(amount: rust_decimal::Decimal, currency_id: &str) -> String {
    format!(
        "{} · {currency_id}",
        domain::money::display(amount, currency_id)
    )
}

pub(super) fn build(ui: &Ui, id: i64, detail: ConversationDetail, staff: &Staff) -> Thread {
    let site = detail
        .context
        .store
        .as_ref()
        .map(|s| s.site_id.as_str())
        .or(detail.context.listing.as_ref().map(|l| l.site_id.as_str()))
        .unwrap_or_default();
    let zone = site_zone(site);
    let messages = detail
        .messages
        .iter()
        .map(|m| message(ui, m, zone))
        .collect();
    let buyer = detail
        .context
        .buyer
        .nickname
        .clone()
        .unwrap_or_else(|| detail.context.buyer.id.to_string());
    // Prices read as the listing's buyers read them (their country's style, exact amounts): the
    // agent quotes that figure back to them.
    let price = detail
        .context
        .listing
        .as_ref()
        .map(|l| money(l.price, &l.currency_id))
        .unwrap_or_default();
    let order = detail.context.order.as_ref().map(|o| OrderView {
        id: o.order_id.0,
        date: format_local(o.date_created, zone, ui.lang),
        status: ui.word("order-status", &o.status.to_ascii_lowercase()),
        total: money(o.total_amount, &o.currency_id),
        shipping: o
            .shipping_status
            .as_deref()
            .map(|s| ui.word("shipping", &s.to_ascii_lowercase())),
    });
    let products = detail
        .context
        .pack_orders
        .iter()
        .flat_map(|o| {
            o.items.iter().map(|i| ProductLine {
                order_id: o.order_id.0,
                title: i.title.clone(),
                quantity: i.quantity,
                unit_price: money(i.unit_price, &i.currency_id),
            })
        })
        .collect();
    let claim = detail
        .context
        .claim
        .as_ref()
        .map(|c| claim_view(ui, c, zone));
    let composer = composer_view(ui, &detail.conversation, &detail.composer);
    let placement = placement(ui, &detail.conversation, staff);
    let interaction_code = detail.context.interaction_type;
    let first_answer = match detail.conversation.first_response_secs() {
        Some(secs) => duration(ui.lang, secs),
        None => ui.t("context-first-answer-none"),
    };
    Thread {
        id,
        category: ui.tc("category", detail.conversation.category.as_str()),
        interaction: ui.tc("interaction", interaction_code),
        interaction_code,
        messages,
        buyer,
        price,
        zone: zone.name().to_string(),
        order,
        products,
        claim,
        composer,
        placement,
        first_answer,
        detail,
    }
}

fn message(ui: &Ui, m: &Message, zone: Tz) -> ThreadMessage {
    let moderation_status = m
        .moderation_status
        .as_deref()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let moderation = match (&m.moderation_status, &m.moderation_reason) {
        (None, None) => None,
        (status, reason) => {
            let status = status
                .as_deref()
                .map(|s| ui.word("moderation-status", &s.to_ascii_lowercase()));
            let reason = reason
                .as_deref()
                .map(|r| ui.word("moderation-reason", &r.to_ascii_uppercase()));
            let verdict = [status, reason]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            Some(format!("{}: {verdict}", ui.t("moderation-label")))
        }
    };
    ThreadMessage {
        author: ui.tc("author", m.author.as_str()),
        outbound: m.direction == Direction::Outbound,
        text: m.text.clone(),
        at: format_local(m.created_at, zone, ui.lang),
        at_iso: m.created_at.to_rfc3339(),
        delivery: m.delivery.as_str(),
        delivery_label: ui.tc("delivery", m.delivery.as_str()),
        error: m.error.clone(),
        moderation,
        moderation_status,
        receiver: m.receiver_role.as_deref().map(|r| {
            format!(
                "{} {}",
                ui.t("message-to"),
                ui.word("receiver", &r.to_ascii_lowercase())
            )
        }),
    }
}

fn claim_view(ui: &Ui, c: &Claim, zone: Tz) -> ClaimView {
    let reason = match c.reason_id.as_deref() {
        None => ui.t("claim-reason-unknown"),
        // The id names the reason's family by its prefix (PNR: not received; PDD: different
        // or defective); the digits are Mercado Libre's own sub-reason.
        Some(id) => {
            let family: String = id.chars().take_while(char::is_ascii_alphabetic).collect();
            match ui.word("claim-reason", &family.to_ascii_uppercase()) {
                same if same.eq_ignore_ascii_case(&family) => id.to_string(),
                worded => format!("{worded} ({id})"),
            }
        }
    };
    let reputation_code = match c.affects_reputation {
        None => "unknown",
        Some(true) => "yes",
        Some(false) => "no",
    };
    ClaimView {
        id: c.claim_id.0,
        reason,
        kind: c
            .claim_type
            .as_deref()
            .map(|t| ui.word("claim-type", &t.to_ascii_lowercase())),
        stage: ui.word("claim-stage", &c.stage.to_ascii_lowercase()),
        status: ui.word("claim-status", &c.status.to_ascii_lowercase()),
        reputation: ui.tc("claim-reputation", reputation_code),
        reputation_code,
        actions: c
            .available_actions
            .iter()
            .map(|a| ClaimActionView {
                label: ui.word("claim-action", &a.action.to_ascii_lowercase()),
                due: a.due_date.map(|d| format_local(d, zone, ui.lang)),
                mandatory: a.mandatory,
            })
            .collect(),
        opened: format_local(c.date_created, zone, ui.lang),
    }
}

/// Why the composer cannot send, worded; `None` when it can.
fn closed_sentence(ui: &Ui, conversation: &Conversation, composer: &Composer) -> Option<String> {
    if composer.open {
        return None;
    }
    let reason = composer.closed_reason.as_deref().unwrap_or_default();
    Some(match reason.split_once(':') {
        Some(("blocked", substatus)) => ui.lang.t_with(
            "composer-blocked",
            &[(
                "reason",
                FluentValue::from(ui.word("blocked", &substatus.to_ascii_lowercase())),
            )],
        ),
        _ => match reason {
            "not_buyer_started" => ui.t("composer-not_buyer_started"),
            "no_claim_action" => ui.t("composer-no_claim_action"),
            // Questions: why the single answer can no longer be given, from Mercado Libre's status.
            _ => ui.tc(
                "locked",
                domain::rules::question_locked_code(conversation.meli_status.as_deref()),
            ),
        },
    })
}

fn composer_view(ui: &Ui, conversation: &Conversation, composer: &Composer) -> ComposerView {
    let question = conversation.category == Category::PreSaleQuestion;
    let guide = (composer.closed_reason.as_deref() == Some("not_buyer_started"))
        .then(|| guide_options(ui, composer.action_guide.as_ref()));
    let guide_sendable = guide.iter().flatten().any(|o| o.available);
    let guide_max = guide
        .iter()
        .flatten()
        .find(|o| o.checked)
        .map_or(composer.max_chars, |o| o.char_limit);
    ComposerView {
        open: composer.open,
        max_chars: composer.max_chars,
        placeholder: ui.t(if question {
            "composer-placeholder"
        } else {
            "composer-placeholder-message"
        }),
        send_label: ui.t(if question {
            "composer-send"
        } else {
            "composer-send-message"
        }),
        receiver: composer.receiver_role.map(|role| {
            ui.lang.t_with(
                "composer-receiver",
                &[("role", FluentValue::from(ui.word("receiver", role)))],
            )
        }),
        closed: closed_sentence(ui, conversation, composer),
        guide,
        guide_sendable,
        guide_max,
    }
}

/// The action-guide options as Mercado Libre listed them (`id` in the options list, `option_id`
/// in the caps list); a text option never exceeds the post-sale limit whatever `char_limit` says.
fn guide_options(ui: &Ui, guide: Option<&serde_json::Value>) -> Vec<GuideOption> {
    let mut first = true;
    guide
        .and_then(|g| g["options"].as_array().or_else(|| g.as_array()))
        .into_iter()
        .flatten()
        .filter_map(|o| {
            let id = o["id"].as_str().or_else(|| o["option_id"].as_str())?;
            let cap = o["cap_available"].as_i64().unwrap_or(0);
            let char_limit = o["char_limit"]
                .as_u64()
                .map_or(domain::channels::POST_SALE_MAX_CHARS, |l| {
                    (l as usize).min(domain::channels::POST_SALE_MAX_CHARS)
                });
            let available = cap > 0;
            let checked = available && first;
            if checked {
                first = false;
            }
            Some(GuideOption {
                id: id.to_string(),
                label: ui.word("guide-option", &id.to_ascii_uppercase()),
                kind: o["type"]
                    .as_str()
                    .map(|t| ui.word("guide-type", &t.to_ascii_lowercase()))
                    .unwrap_or_default(),
                cap_label: ui
                    .lang
                    .t_with("guide-cap", &[("n", FluentValue::from(cap.max(0)))]),
                char_limit,
                available,
                checked,
            })
        })
        .collect()
}

fn module_label(ui: &Ui, module: Module) -> String {
    ui.tc("module", module.as_str())
}

fn placement(ui: &Ui, c: &Conversation, staff: &Staff) -> Placement {
    let assignee = match (c.assigned_person_id, c.assigned_team_id) {
        (Some(p), _) => staff.person_name(p),
        (None, Some(t)) => staff.team_name(t),
        (None, None) => ui.t("assignee-nobody"),
    };
    let current = match (c.assigned_person_id, c.assigned_team_id) {
        (Some(p), _) => format!("person:{p}"),
        (None, Some(t)) => format!("team:{t}"),
        (None, None) => format!("module:{}", c.module.as_str()),
    };
    let modules = ChoiceGroup {
        label: ui.t("move-modules"),
        choices: [Module::Commercial, Module::Support, Module::Bot]
            .map(|m| {
                Choice::new(
                    format!("module:{}", m.as_str()),
                    module_label(ui, m),
                    &current,
                )
            })
            .into_iter()
            .collect(),
    };
    let teams_of = |kind: TeamKind, heading: &str| ChoiceGroup {
        label: ui.t(heading),
        choices: staff
            .teams
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| Choice::new(format!("team:{}", t.id), t.name.clone(), &current))
            .collect(),
    };
    let people = ChoiceGroup {
        label: ui.t("move-people"),
        choices: staff
            .people
            .iter()
            .map(|p| Choice::new(format!("person:{}", p.id), p.name.clone(), &current))
            .collect(),
    };
    let moves = [
        modules,
        teams_of(TeamKind::Group, "move-groups"),
        teams_of(TeamKind::Department, "move-departments"),
        people,
    ]
    .into_iter()
    .filter(|g| !g.choices.is_empty())
    .collect();
    Placement {
        module: module_label(ui, c.module),
        assignee,
        status: c.status.as_str(),
        status_label: ui.tc("status", c.status.as_str()),
        moves,
        statuses: [
            ConversationStatus::Open,
            ConversationStatus::Waiting,
            ConversationStatus::Resolved,
        ]
        .map(|s| Choice::new(s.as_str(), ui.tc("status", s.as_str()), c.status.as_str()))
        .into_iter()
        .collect(),
    }
}

/// A duration in words (`45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`).
pub(super) fn duration(lang: Lang, secs: i64) -> String {
    let secs = secs.max(0);
    let n = |key: &str, n: i64| lang.t_with(key, &[("n", FluentValue::from(n))]);
    match secs {
        0..=59 => n("duration-seconds", secs),
        60..=3599 => n("duration-minutes", secs / 60),
        3600..=86_399 => match (secs % 3600) / 60 {
            0 => n("duration-hours", secs / 3600),
            m => format!(
                "{} {}",
                n("duration-hours", secs / 3600),
                n("duration-minutes", m)
            ),
        },
        _ => match (secs % 86_400) / 3600 {
            0 => n("duration-days", secs / 86_400),
            h => format!(
                "{} {}",
                n("duration-days", secs / 86_400),
                n("duration-hours", h)
            ),
        },
    }
}

/// How long ago `since` was, for the list ("waiting 5 min").
pub(super) fn waiting_label(lang: Lang, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    let (key, n) = match minutes {
        0 => ("waiting-now", 0),
        1..=59 => ("waiting-minutes", minutes),
        60..=1439 => ("waiting-hours", minutes / 60),
        _ => ("waiting-days", minutes / 1440),
    };
    lang.t_with(key, &[("n", FluentValue::from(n))])
}
