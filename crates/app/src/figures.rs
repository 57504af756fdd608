//! The success monitor's figures for a store (README "Revenue rules"): revenue, sales and
//! average ticket per currency for a period of the store's days against the period before it,
//! revenue per day, the period's orders, and the store's RFM (the same [`domain::rfm`] scoring as
//! `mostrador rfm`). Other pages call [`store_rfm`] and [`customer_segment`].
//!
//! Everything is scoped to the organization: a store of another one is `NotFound`.

use crate::error::{AppError, AppResult};
use crate::localtime::site_zone;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::period::{Period, Preset, day_runs};
use domain::rfm::{self, CustomerRfm, CustomerTotals, Groups, Segment};
use domain::sales::{average_ticket, hour_of};
use domain::{MeliUserId, OrgId, SellerId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use store::{Connection, CurrencyTotals, OrderPage};

/// What the monitor is asked for (query string of the page and the API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MonitorQuery {
    pub seller_id: Option<i64>,
    /// `today`, `7d`, `30d` (default), `90d`, `month` or `custom`.
    pub period: Option<String>,
    /// Custom periods: first and last day, `YYYY-MM-DD`, in the store's zone.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Orders list page, from 1.
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoreChoice {
    pub seller_id: SellerId,
    pub nickname: String,
    pub site_id: String,
}

/// The store, its zone and the two periods a request resolves to.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub store: StoreChoice,
    pub stores: Vec<StoreChoice>,
    pub preset: Preset,
    pub period: Period,
    pub previous: Period,
    pub time_zone: String,
    /// The store's local date now.
    pub today: NaiveDate,
    #[serde(skip)]
    pub zone: Tz,
    #[serde(skip)]
    pub currency_id: String,
}

/// Sales, revenue and average ticket of one currency over one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub revenue: Decimal,
    pub orders: i64,
    /// Revenue ÷ orders, exact; `None` without orders.
    pub average_ticket: Option<Decimal>,
    /// Every order placed in the period, sales or not.
    pub all_orders: i64,
}

impl Figures {
    fn of(t: &CurrencyTotals) -> Figures {
        Figures {
            revenue: t.revenue,
            orders: t.sales,
            average_ticket: average_ticket(t.revenue, u64::try_from(t.sales).unwrap_or(0)),
            all_orders: t.all_orders,
        }
    }
}

/// Change against the previous period, in percent (one decimal); `None` when the previous
/// figure is zero or missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub revenue: Option<Decimal>,
    pub orders: Option<Decimal>,
    pub average_ticket: Option<Decimal>,
}

pub fn change(now: Decimal, before: Decimal) -> Option<Decimal> {
    if before.is_zero() {
        return None;
    }
    let diff = now.checked_sub(before)?;
    Some(
        diff.checked_mul(Decimal::ONE_HUNDRED)?
            .checked_div(before)?
            .round_dp(1),
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct CurrencyFigures {
    pub currency_id: String,
    pub current: Figures,
    pub previous: Figures,
    pub change: Changes,
    /// Revenue per day of the period (every day, zeros included).
    pub series: Vec<DayRevenue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayRevenue {
    pub date: NaiveDate,
    pub revenue: Decimal,
    pub orders: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Monitor {
    #[serde(flatten)]
    pub scope: Scope,
    /// One entry per currency sold in either period, never added across currencies.
    pub currencies: Vec<CurrencyFigures>,
}

fn bad(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::bad_request(code, message.into())
}

fn choice(c: &Connection) -> StoreChoice {
    StoreChoice {
        seller_id: c.seller_id,
        nickname: c.nickname.clone(),
        site_id: c.site_id.clone(),
    }
}

fn parse_day(value: Option<&str>, name: &str) -> AppResult<Option<NaiveDate>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad("invalid_period", format!("`{name}` must be YYYY-MM-DD"))),
    }
}

/// Resolves the store (the organization's; the first one when none is named) and the periods.
/// `None` when the organization has no store yet.
pub async fn scope(
    state: &AppState,
    org: OrgId,
    q: &MonitorQuery,
    now: DateTime<Utc>,
) -> AppResult<Option<Scope>> {
    let connections = state.store.org_connections(org).await?;
    let chosen = match q.seller_id {
        Some(id) => Some(
            connections
                .iter()
                .find(|c| c.seller_id == SellerId(id))
                .ok_or(AppError::NotFound("store"))?,
        ),
        None => connections.first(),
    };
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let preset = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => Preset::Last30,
        Some(p) => Preset::parse(p).ok_or_else(|| bad("invalid_period", "unknown period"))?,
    };
    let zone = site_zone(&chosen.site_id);
    let today = now.with_timezone(&zone).date_naive();
    let period = Period::of(
        preset,
        today,
        parse_day(q.from.as_deref(), "from")?,
        parse_day(q.to.as_deref(), "to")?,
    )
    .map_err(|e| bad("invalid_period", e.to_string()))?;
    Ok(Some(Scope {
        store: choice(chosen),
        stores: connections.iter().map(choice).collect(),
        preset,
        previous: period.previous(),
        period,
        time_zone: zone.name().to_string(),
        today,
        zone,
        currency_id: chosen.currency_id.clone(),
    }))
}

fn hours(period: &Period, zone: Tz) -> (i64, i64) {
    let (start, end) = period.bounds(zone);
    (hour_of(start), hour_of(end))
}

/// The monitor's numbers for the scope: totals of both periods and the daily series.
pub async fn monitor(state: &AppState, org: OrgId, scope: Scope) -> AppResult<Monitor> {
    let seller = scope.store.seller_id;
    let (from, to) = hours(&scope.period, scope.zone);
    let (prev_from, prev_to) = hours(&scope.previous, scope.zone);
    let current = state.store.sales_totals(org, seller, from, to).await?;
    let previous = state
        .store
        .sales_totals(org, seller, prev_from, prev_to)
        .await?;
    let series = series(state, org, seller, &scope.period, scope.zone).await?;
    let mut currencies: Vec<String> = current
        .iter()
        .chain(&previous)
        .map(|t| t.currency_id.clone())
        .collect();
    currencies.sort();
    currencies.dedup();
    let find = |list: &[CurrencyTotals], c: &str| {
        list.iter()
            .find(|t| t.currency_id == c)
            .map(Figures::of)
            .unwrap_or_default()
    };
    let currencies = currencies
        .into_iter()
        .map(|c| {
            let now = find(&current, &c);
            let before = find(&previous, &c);
            let change = Changes {
                revenue: change(now.revenue, before.revenue),
                orders: change(Decimal::from(now.orders), Decimal::from(before.orders)),
                average_ticket: match (now.average_ticket, before.average_ticket) {
                    (Some(a), Some(b)) => change(a, b),
                    _ => None,
                },
            };
            CurrencyFigures {
                series: series.get(&c).cloned().unwrap_or_else(|| {
                    scope
                        .period
                        .each_day()
                        .map(|date| DayRevenue {
                            date,
                            revenue: Decimal::ZERO,
                            orders: 0,
                        })
                        .collect()
                }),
                currency_id: c,
                current: now,
                previous: before,
                change,
            }
        })
        .collect();
    Ok(Monitor { scope, currencies })
}

/// Revenue per local day and currency, every day present.
async fn series(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    period: &Period,
    zone: Tz,
) -> AppResult<HashMap<String, Vec<DayRevenue>>> {
    let days: Vec<NaiveDate> = period.each_day().collect();
    let mut out: HashMap<String, Vec<DayRevenue>> = HashMap::new();
    let mut offset = 0usize;
    for run in day_runs(period, zone) {
        let end = run.start_hour + run.day_hours * i64::try_from(run.days).unwrap_or(0);
        let buckets = state
            .store
            .revenue_buckets(org, seller, run.start_hour, end, run.day_hours)
            .await?;
        for b in buckets {
            let series = out.entry(b.currency_id.clone()).or_insert_with(|| {
                days.iter()
                    .map(|&date| DayRevenue {
                        date,
                        revenue: Decimal::ZERO,
                        orders: 0,
                    })
                    .collect()
            });
            let index = usize::try_from(b.bucket).ok().map(|i| offset + i);
            if let Some(day) = index.and_then(|i| series.get_mut(i)) {
                day.revenue = b.revenue;
                day.orders = b.sales;
            }
        }
        offset += usize::try_from(run.days).unwrap_or(0);
    }
    Ok(out)
}

/// Orders per page of the monitor's list.
pub const PAGE_SIZE: i64 = 50;

/// One page (from 1) of the period's orders, newest first.
pub async fn orders(
    state: &AppState,
    org: OrgId,
    scope: &Scope,
    page: i64,
) -> AppResult<OrderPage> {
    let (from, to) = scope.period.bounds(scope.zone);
    let offset = (page.max(1) - 1).saturating_mul(PAGE_SIZE);
    Ok(state
        .store
        .period_orders(org, scope.store.seller_id, from, to, PAGE_SIZE, offset)
        .await?)
}

/// Every order of the period, for the CSV export (in pages, newest first).
pub async fn orders_csv(state: &AppState, org: OrgId, scope: &Scope) -> AppResult<String> {
    let (from, to) = scope.period.bounds(scope.zone);
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "order_id",
        "date",
        "status",
        "currency_id",
        "total_amount",
        "refunded_amount",
        "revenue",
        "buyer_id",
    ];
    out.write_record(header).map_err(internal)?;
    const BATCH: i64 = 5_000;
    let mut offset = 0;
    loop {
        let page = state
            .store
            .period_orders(org, scope.store.seller_id, from, to, BATCH, offset)
            .await?;
        for o in &page.orders {
            out.write_record([
                o.order_id.0.to_string(),
                o.sale_at.with_timezone(&scope.zone).to_rfc3339(),
                o.status.clone(),
                o.currency_id.clone(),
                o.total_amount.to_string(),
                o.refunded_amount.to_string(),
                o.revenue().map(|r| r.to_string()).unwrap_or_default(),
                o.buyer_id.0.to_string(),
            ])
            .map_err(internal)?;
        }
        if i64::try_from(page.orders.len()).unwrap_or(0) < BATCH {
            break;
        }
        offset += BATCH;
    }
    let bytes = out.into_inner().map_err(|e| internal(e.into_error()))?;
    String::from_utf8(bytes).map_err(internal)
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("writing CSV: {e}"))
}

/// A store's RFM as of a day: every customer scored, the segments and groups, and the R×F grid.
#[derive(Debug, Clone, Serialize)]
pub struct StoreRfm {
    pub as_of: NaiveDate,
    /// The currency scored (the store's own when it sold in it); `None` without sales.
    pub currency_id: Option<String>,
    #[serde(skip)]
    pub customers: Vec<CustomerRfm>,
    pub groups: Groups,
    /// Customers per R (row, index R−1) and F (column, index F−1).
    pub heat_map: [[u64; 5]; 5],
}

/// Stores with more customers than this keep their scores a few minutes (the context panel asks
/// on every conversation opened); smaller ones are scored afresh each time.
const CACHE_FROM_CUSTOMERS: usize = 5_000;
const CACHE_FOR: Duration = Duration::from_secs(300);

type CacheKey = (OrgId, SellerId, NaiveDate);
type Cache = Mutex<HashMap<CacheKey, (Instant, Arc<StoreRfm>)>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The store's RFM as of `as_of` (a day of the store's zone), over its sales in its own
/// currency (RFM adds up amounts, so it never mixes currencies). `NotFound` when the store is
/// not the organization's.
pub async fn store_rfm(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    as_of: NaiveDate,
) -> AppResult<Arc<StoreRfm>> {
    let key = (org, seller, as_of);
    if let Ok(cached) = cache().lock()
        && let Some((at, rfm)) = cached.get(&key)
        && at.elapsed() < CACHE_FOR
    {
        return Ok(rfm.clone());
    }
    let connection = state
        .store
        .org_connection(org, seller)
        .await?
        .ok_or(AppError::NotFound("store"))?;
    let zone = site_zone(&connection.site_id);
    let currencies = state.store.sale_currencies(org, seller).await?;
    let currency = if currencies.contains(&connection.currency_id) {
        Some(connection.currency_id.clone())
    } else {
        currencies.into_iter().next()
    };
    let totals = match &currency {
        Some(c) => state.store.buyer_totals(org, seller, c).await?,
        None => Vec::new(),
    };
    let input: Vec<CustomerTotals> = totals
        .iter()
        .map(|b| CustomerTotals {
            customer_id: b.buyer_id.0.to_string(),
            last_order: b.last_sale_at.with_timezone(&zone).date_naive(),
            orders: u64::try_from(b.sales).unwrap_or(0),
            monetary: b.revenue,
        })
        .collect();
    let customers = rfm::score_totals(&input, as_of);
    let groups = rfm::groups(&customers)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("scoring the store: {e}")))?;
    let mut heat_map = [[0u64; 5]; 5];
    for c in &customers {
        let (r, f) = (usize::from(c.r), usize::from(c.f));
        if let Some(cell) = heat_map
            .get_mut(r.wrapping_sub(1))
            .and_then(|row| row.get_mut(f.wrapping_sub(1)))
        {
            *cell += 1;
        }
    }
    let rfm = Arc::new(StoreRfm {
        as_of,
        currency_id: currency,
        customers,
        groups,
        heat_map,
    });
    if rfm.customers.len() > CACHE_FROM_CUSTOMERS
        && let Ok(mut cached) = cache().lock()
    {
        cached.retain(|_, (at, _)| at.elapsed() < CACHE_FOR);
        cached.insert(key, (Instant::now(), rfm.clone()));
    }
    Ok(rfm)
}

/// The buyer's RFM segment in the store as of the store's today; `None` when they bought
/// nothing that counts as a sale. `NotFound` when the store is not the organization's.
pub async fn customer_segment(
    state: &AppState,
    org: OrgId,
    seller: SellerId,
    buyer: MeliUserId,
) -> AppResult<Option<Segment>> {
    let Some(connection) = state.store.org_connection(org, seller).await? else {
        return Err(AppError::NotFound("store"));
    };
    let today = Utc::now()
        .with_timezone(&site_zone(&connection.site_id))
        .date_naive();
    let rfm = store_rfm(state, org, seller, today).await?;
    let id = buyer.0.to_string();
    // Scores come in customer-id order (numeric: every id is an integer).
    Ok(rfm
        .customers
        .binary_search_by(|c| {
            c.customer_id
                .parse::<i64>()
                .unwrap_or(i64::MIN)
                .cmp(&buyer.0)
        })
        .ok()
        .and_then(|i| rfm.customers.get(i))
        .filter(|c| c.customer_id == id)
        .map(|c| c.segment))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::str::FromStr;

    #[test]
    fn changes_are_percent_of_the_previous_figure() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(change(d("150"), d("100")), Some(d("50.0")));
        assert_eq!(change(d("50"), d("150")), Some(d("-66.7")));
        assert_eq!(change(d("10"), Decimal::ZERO), None);
    }
}
