//! The success monitor, what a store owner opens first: revenue, orders and average ticket per
//! currency against the previous period, revenue per day, the period's orders (with a CSV
//! export) and who the best buyers are (RFM). Numbers come from [`crate::figures`], which the
//! JSON API serves too.

use super::chart::revenue_svg;
use super::{Choice, Page, Ui, render};
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::figures::{self, Changes, CurrencyFigures, MonitorQuery, Scope, StoreRfm};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use domain::Person;
use domain::rfm::{Group, Segment};
use rust_decimal::Decimal;

pub(super) struct BigNumber {
    pub id: String,
    pub label: String,
    pub value: String,
    pub previous: String,
    pub change: String,
    /// `up`, `down` or `flat`, for colour.
    pub trend: &'static str,
}

pub(super) struct CurrencyView {
    pub currency_id: String,
    pub numbers: Vec<BigNumber>,
    pub chart: String,
}

pub(super) struct SegmentRow {
    pub code: &'static str,
    pub name: String,
    pub customers: u64,
    pub orders: u64,
    pub revenue: String,
    pub ticket: String,
}

pub(super) struct HeatCell {
    pub count: u64,
    /// 0..=5, how full the cell is next to the fullest.
    pub level: u64,
}

pub(super) struct RfmView {
    pub currency_id: String,
    pub customers: u64,
    pub groups: Vec<SegmentRow>,
    pub segments: Vec<SegmentRow>,
    /// Rows R = 5 down to 1, columns F = 1 to 5.
    pub heat: Vec<(u8, Vec<HeatCell>)>,
}

#[derive(Template)]
#[template(path = "monitor.html")]
struct MonitorPage {
    ui: Ui,
    person: Person,
    /// `None`: the organization has no store yet.
    scope: Option<ScopeView>,
    currencies: Vec<CurrencyView>,
    rfm: Option<RfmView>,
}

pub(super) struct ScopeView {
    pub stores: Vec<Choice>,
    pub periods: Vec<Choice>,
    pub from: String,
    pub to: String,
    pub range: String,
    pub previous: String,
    pub time_zone: String,
    /// The query string that reproduces this view (for the orders links).
    pub query: String,
}

#[derive(Template)]
#[template(path = "monitor_orders.html")]
struct OrdersPage {
    ui: Ui,
    person: Person,
    scope: ScopeView,
    store: String,
    rows: Vec<OrderRow>,
    total: i64,
    page: i64,
    pages: i64,
}

pub(super) struct OrderRow {
    pub id: i64,
    pub date: String,
    pub status: String,
    pub value: String,
    pub revenue: String,
}

fn day(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Es | Lang::PtBr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%b %-d, %Y").to_string(),
    }
}

fn money(amount: Decimal, currency_id: &str) -> String {
    domain::money::display(amount, currency_id)
}

fn percent(change: Option<Decimal>) -> (String, &'static str) {
    match change {
        None => ("—".to_string(), "flat"),
        Some(c) if c.is_sign_positive() && !c.is_zero() => (format!("+{c}%"), "up"),
        Some(c) if c.is_zero() => ("0%".to_string(), "flat"),
        Some(c) => (format!("{c}%"), "down"),
    }
}

fn scope_view(ui: &Ui, scope: &Scope) -> ScopeView {
    let seller = scope.store.seller_id.0.to_string();
    let preset = scope.preset.code();
    let mut query = format!("seller_id={seller}&period={preset}");
    if scope.preset == domain::period::Preset::Custom {
        query.push_str(&format!(
            "&from={}&to={}",
            scope.period.from, scope.period.to
        ));
    }
    ScopeView {
        stores: scope
            .stores
            .iter()
            .map(|s| {
                Choice::new(
                    s.seller_id.0.to_string(),
                    format!("{} ({})", s.nickname, s.site_id),
                    &seller,
                )
            })
            .collect(),
        periods: domain::period::Preset::ALL
            .iter()
            .map(|p| Choice::new(p.code(), ui.tc("monitor-period", p.code()), preset))
            .collect(),
        from: scope.period.from.to_string(),
        to: scope.period.to.to_string(),
        range: format!(
            "{} – {}",
            day(ui.lang, scope.period.from),
            day(ui.lang, scope.period.to)
        ),
        previous: format!(
            "{} – {}",
            day(ui.lang, scope.previous.from),
            day(ui.lang, scope.previous.to)
        ),
        time_zone: scope.time_zone.clone(),
        query,
    }
}

fn currency_view(ui: &Ui, c: &CurrencyFigures) -> CurrencyView {
    let cur = &c.currency_id;
    let Changes {
        revenue,
        orders,
        average_ticket,
    } = &c.change;
    let ticket = |t: Option<Decimal>| t.map_or_else(|| "—".to_string(), |t| money(t, cur));
    let number = |key: &str, value: String, previous: String, change: Option<Decimal>| {
        let (change, trend) = percent(change);
        BigNumber {
            id: format!("fig-{key}-{cur}"),
            label: ui.t(&format!("monitor-{key}")),
            value,
            previous,
            change,
            trend,
        }
    };
    let points: Vec<(String, Decimal)> = c
        .series
        .iter()
        .map(|d| (day(ui.lang, d.date), d.revenue))
        .collect();
    CurrencyView {
        currency_id: cur.clone(),
        numbers: vec![
            number(
                "revenue",
                money(c.current.revenue, cur),
                money(c.previous.revenue, cur),
                *revenue,
            ),
            number(
                "orders",
                c.current.orders.to_string(),
                c.previous.orders.to_string(),
                *orders,
            ),
            number(
                "ticket",
                ticket(c.current.average_ticket),
                ticket(c.previous.average_ticket),
                *average_ticket,
            ),
        ],
        chart: revenue_svg(
            &format!("{} · {cur}", ui.t("monitor-chart")),
            &points,
            |v| money(v, cur),
        ),
    }
}

fn rfm_view(ui: &Ui, rfm: &StoreRfm) -> Option<RfmView> {
    let currency = rfm.currency_id.clone()?;
    let row = |code: &'static str, name: String, s: domain::rfm::Summary| SegmentRow {
        code,
        name,
        customers: s.customers,
        orders: s.orders,
        revenue: money(s.revenue, &currency),
        ticket: s
            .average_ticket()
            .map_or_else(|| "—".to_string(), |t| money(t, &currency)),
    };
    let max = rfm.heat_map.iter().flatten().copied().max().unwrap_or(0);
    Some(RfmView {
        customers: rfm.groups.total.customers,
        groups: Group::ALL
            .iter()
            .map(|g| row(g.code(), ui.tc("rfm-group", g.code()), rfm.groups.group(*g)))
            .collect(),
        segments: Segment::ALL
            .iter()
            .map(|s| {
                row(
                    s.code(),
                    ui.tc("rfm-segment", s.code()),
                    rfm.groups.segment(*s),
                )
            })
            .collect(),
        heat: (1..=5u8)
            .rev()
            .map(|r| {
                let cells = rfm
                    .heat_map
                    .get(usize::from(r) - 1)
                    .map(|row| {
                        row.iter()
                            .map(|&count| HeatCell {
                                count,
                                level: if max == 0 {
                                    0
                                } else {
                                    (count * 5).div_ceil(max)
                                },
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (r, cells)
            })
            .collect(),
        currency_id: currency,
    })
}

async fn monitor_page(
    state: &AppState,
    person: Person,
    ui: Ui,
    q: MonitorQuery,
) -> AppResult<Response> {
    let org = person.org_id;
    let Some(scope) = figures::scope(state, org, &q, Utc::now()).await? else {
        return Ok(render(&MonitorPage {
            ui,
            person,
            scope: None,
            currencies: Vec::new(),
            rfm: None,
        }));
    };
    let view = scope_view(&ui, &scope);
    let rfm = figures::store_rfm(state, org, scope.store.seller_id, scope.today).await?;
    let monitor = figures::monitor(state, org, scope).await?;
    Ok(render(&MonitorPage {
        currencies: monitor
            .currencies
            .iter()
            .map(|c| currency_view(&ui, c))
            .collect(),
        rfm: rfm_view(&ui, &rfm),
        scope: Some(view),
        ui,
        person,
    }))
}

pub(super) async fn page(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Query(q): Query<MonitorQuery>,
) -> Response {
    monitor_page(&state, person, ui, q)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn orders_page(
    state: &AppState,
    person: Person,
    ui: Ui,
    q: MonitorQuery,
) -> AppResult<Response> {
    let org = person.org_id;
    let scope = figures::scope(state, org, &q, Utc::now())
        .await?
        .ok_or(AppError::NotFound("store"))?;
    let page = q.page.unwrap_or(1).max(1);
    let orders = figures::orders(state, org, &scope, page).await?;
    let rows = orders
        .orders
        .iter()
        .map(|o| OrderRow {
            id: o.order_id.0,
            date: crate::localtime::format_local(o.sale_at, scope.zone, ui.lang),
            status: ui.word("order-status", &o.status.to_ascii_lowercase()),
            value: money(o.total_amount, &o.currency_id),
            revenue: o
                .revenue()
                .map_or_else(|| "—".to_string(), |r| money(r, &o.currency_id)),
        })
        .collect();
    let pages = (orders.total + figures::PAGE_SIZE - 1) / figures::PAGE_SIZE;
    Ok(render(&OrdersPage {
        scope: scope_view(&ui, &scope),
        store: format!("{} ({})", scope.store.nickname, scope.store.site_id),
        rows,
        total: orders.total,
        page,
        pages: pages.max(1),
        ui,
        person,
    }))
}

pub(super) async fn orders(
    State(state): State<AppState>,
    Page { person, ui }: Page,
    Query(q): Query<MonitorQuery>,
) -> Response {
    orders_page(&state, person, ui, q)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// The period's orders as a CSV download; the JSON API's export answers the same.
pub(crate) async fn csv_response(
    state: &AppState,
    person: &Person,
    q: &MonitorQuery,
) -> AppResult<Response> {
    let scope = figures::scope(state, person.org_id, q, Utc::now())
        .await?
        .ok_or(AppError::NotFound("store"))?;
    let body = figures::orders_csv(state, person.org_id, &scope).await?;
    let name = format!(
        "attachment; filename=\"orders-{}-{}-{}.csv\"",
        scope.store.seller_id.0, scope.period.from, scope.period.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

pub(super) async fn orders_csv(
    State(state): State<AppState>,
    Page { person, .. }: Page,
    Query(q): Query<MonitorQuery>,
) -> Response {
    csv_response(&state, &person, &q)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}
