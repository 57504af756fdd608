//! The answer-time panel of the inbox: our median first-response time per store and per agent
//! ([`crate::desk::answer_times_of`]), beside Mercado Libre's own figure for each store
//! (`/users/{id}/questions/response_time`, as the worker last read it).

use super::Ui;
use super::thread::duration;
use crate::desk::AnswerTimes;

pub(super) struct StoreFigure {
    pub name: String,
    pub median: String,
    pub conversations: usize,
    /// Mercado Libre's figures, labelled; empty when not read yet.
    pub meli: Vec<(String, String)>,
}

pub(super) struct AgentFigure {
    pub name: String,
    pub median: String,
    pub conversations: usize,
}

pub(super) struct Figures {
    pub overall: String,
    pub conversations: usize,
    pub stores: Vec<StoreFigure>,
    pub agents: Vec<AgentFigure>,
}

/// The parts of Mercado Libre's figure we show, in the order a seller reads them. Its
/// `response_time` values are minutes.
const MELI_PARTS: [&str; 4] = [
    "total",
    "weekdays_working_hours",
    "weekdays_extra_hours",
    "weekend",
];

fn meli_figures(ui: &Ui, figure: Option<&serde_json::Value>) -> Vec<(String, String)> {
    let Some(figure) = figure else {
        return Vec::new();
    };
    MELI_PARTS
        .iter()
        .filter_map(|part| {
            let minutes = figure[*part]["response_time"].as_f64()?;
            Some((
                ui.tc("meli-time", part),
                duration(ui.lang, (minutes * 60.0).round() as i64),
            ))
        })
        .collect()
}

pub(super) fn figures(ui: &Ui, times: AnswerTimes) -> Figures {
    let median = |secs: Option<i64>| match secs {
        Some(s) => duration(ui.lang, s),
        None => ui.t("figures-none"),
    };
    Figures {
        overall: median(times.median_secs),
        conversations: times.conversations,
        stores: times
            .stores
            .into_iter()
            .map(|s| StoreFigure {
                meli: meli_figures(ui, s.meli_response_time.as_ref()),
                median: median(s.median_secs),
                conversations: s.conversations,
                name: s.name,
            })
            .collect(),
        agents: times
            .agents
            .into_iter()
            .map(|a| AgentFigure {
                median: median(a.median_secs),
                conversations: a.conversations,
                name: a.name,
            })
            .collect(),
    }
}
