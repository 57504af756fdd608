//! `mostrador bench monitor`: the success monitor's figures over a big history, on SQLite and
//! (given a URL) PostgreSQL. The history is `bench rfm`'s synthetic one (deterministic for a
//! seed) turned into orders of one store: two years up to now, most paid, some partially
//! refunded, some cancelled. It is bulk-loaded (`insert_new_orders`) and the rollups rebuilt
//! (`rebuild_figures`), both timed; then each period's figures are read as the monitor reads
//! them: both periods' totals, the daily series (one query per run of 24-hour days) and the
//! first page of orders with its count. The target is 50 ms per period; the RFM read (every
//! buyer's totals, scored) is reported beside it. Timings are the median of several reads;
//! nothing here passes or fails on a time, only on wrong figures.

use crate::bench::BenchDb;
use crate::cli::BenchMonitorArgs;
use crate::rfm::synth;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::period::{Period, Preset, day_runs};
use domain::rfm::{CustomerTotals, score_totals};
use domain::sales::hour_of;
use domain::*;
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;
use store::Store;

const ZONE: chrono_tz::Tz = chrono_tz::America::Sao_Paulo;
const SELLER: SellerId = SellerId(1_000_001);
const READS: usize = 7;

pub async fn monitor(args: BenchMonitorArgs) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let today = now.with_timezone(&ZONE).date_naive();
    let org = OrgId(uuid::Uuid::from_u128(0xB0));
    let orders = orders_of(&args, org, now, today);
    let expected = expected_revenue(&orders);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "monitor figures: {} orders, {} customers, one store (America/Sao_Paulo); median of {READS} reads; target ≤ 50 ms per period\n",
        orders.len(),
        args.customers
    );
    let mut ok = true;
    let mut urls: Vec<Option<String>> = vec![None];
    if let Some(pg) = &args.postgres_url {
        urls.push(Some(pg.clone()));
    }
    for url in urls {
        let db = BenchDb::open(url.as_deref()).await?;
        let outcome = measure(db.store.as_ref(), org, &orders, now, today, expected).await;
        let label = db.label.clone();
        db.discard().await;
        let (table, right) = outcome?;
        ok &= right;
        let _ = writeln!(out, "{label}\n{table}");
    }
    print!("{out}");
    if ok {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: the figures read back differ from the history's");
        Ok(ExitCode::FAILURE)
    }
}

fn orders_of(
    args: &BenchMonitorArgs,
    org: OrgId,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Vec<Order> {
    let lines = synth::history(
        args.orders as usize,
        args.customers as usize,
        args.seed,
        today,
    );
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let i = i as i64;
            // A time of day from the index; today's orders stay in the past.
            let minute = (i * 7919) % (24 * 60);
            let day_start = domain::period::day_start(line.date, ZONE);
            let mut at = day_start + Duration::minutes(minute);
            if at > now {
                at = now - Duration::seconds(1 + i % 3600);
            }
            let (status, refunded) = match i % 20 {
                0 | 1 => ("cancelled", Decimal::ZERO),
                2 => (
                    "partially_refunded",
                    (line.amount / Decimal::TWO).round_dp(2),
                ),
                _ => ("paid", Decimal::ZERO),
            };
            Order {
                order_id: OrderId(2_000_000_000_000 + i),
                org_id: org,
                seller_id: SELLER,
                pack_id: None,
                status: status.into(),
                status_detail: None,
                date_created: at - Duration::minutes(2),
                date_closed: Some(at),
                last_updated: at,
                total_amount: line.amount,
                paid_amount: line.amount,
                refunded_amount: refunded,
                currency_id: "BRL".into(),
                buyer_id: MeliUserId(line.customer_id.parse().unwrap_or(0) + 1),
                shipment_id: None,
                shipping_status: None,
                items: Vec::new(),
            }
        })
        .collect()
}

fn expected_revenue(orders: &[Order]) -> Decimal {
    orders
        .iter()
        .filter_map(domain::sales::sale_value)
        .fold(Decimal::ZERO, |a, b| a + b)
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The monitor's reads for one period, as `app::figures` makes them.
async fn read_period(store: &dyn Store, org: OrgId, period: &Period) -> anyhow::Result<Decimal> {
    let hours = |p: &Period| {
        let (a, b) = p.bounds(ZONE);
        (hour_of(a), hour_of(b))
    };
    let (from, to) = hours(period);
    let (pf, pt) = hours(&period.previous());
    let now = store.sales_totals(org, SELLER, from, to).await?;
    store.sales_totals(org, SELLER, pf, pt).await?;
    for run in day_runs(period, ZONE) {
        let end = run.start_hour + run.day_hours * run.days as i64;
        store
            .revenue_buckets(org, SELLER, run.start_hour, end, run.day_hours)
            .await?;
    }
    let (a, b) = period.bounds(ZONE);
    store.period_orders(org, SELLER, a, b, 50, 0).await?;
    Ok(now.iter().map(|t| t.revenue).sum())
}

async fn measure(
    store: &dyn Store,
    org: OrgId,
    orders: &[Order],
    now: DateTime<Utc>,
    today: NaiveDate,
    expected: Decimal,
) -> anyhow::Result<(String, bool)> {
    let mut table = String::new();
    let started = Instant::now();
    store.insert_new_orders(orders).await?;
    let load = ms(started);
    let started = Instant::now();
    store.rebuild_figures(org, SELLER).await?;
    let rebuild = ms(started);
    let _ = writeln!(
        table,
        "  bulk load {:.1} s · rollup rebuild {:.1} s",
        load / 1000.0,
        rebuild / 1000.0
    );
    let _ = writeln!(
        table,
        "  | period | days | ms per read (median) | ≤ 50 ms |"
    );
    let _ = writeln!(table, "  |---|---:|---:|:---:|");
    let custom = |days: u64| {
        Period::of(
            Preset::Custom,
            today,
            today.checked_sub_days(chrono::Days::new(days - 1)),
            Some(today),
        )
    };
    let periods = [
        ("today", Period::of(Preset::Today, today, None, None)?),
        ("7 days", Period::of(Preset::Last7, today, None, None)?),
        ("30 days", Period::of(Preset::Last30, today, None, None)?),
        (
            "this month",
            Period::of(Preset::ThisMonth, today, None, None)?,
        ),
        ("90 days", Period::of(Preset::Last90, today, None, None)?),
        ("1 year", custom(365)?),
        ("2 years", custom(731)?),
    ];
    let mut right = true;
    for (name, period) in &periods {
        let mut times = Vec::new();
        let mut revenue = Decimal::ZERO;
        for _ in 0..READS {
            let started = Instant::now();
            revenue = read_period(store, org, period).await?;
            times.push(ms(started));
        }
        if *name == "2 years" && revenue != expected {
            eprintln!("two years read {revenue}, the history holds {expected}");
            right = false;
        }
        let m = median(times);
        let _ = writeln!(
            table,
            "  | {name} | {} | {m:.1} | {} |",
            period.days(),
            if m <= 50.0 { "yes" } else { "no" }
        );
    }
    let mut times = Vec::new();
    let mut customers = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let buyers = store.buyer_totals(org, SELLER, "BRL").await?;
        let input: Vec<CustomerTotals> = buyers
            .iter()
            .map(|b| CustomerTotals {
                customer_id: b.buyer_id.0.to_string(),
                last_order: b.last_sale_at.with_timezone(&ZONE).date_naive(),
                orders: b.sales as u64,
                monetary: b.revenue,
            })
            .collect();
        customers = score_totals(&input, now.with_timezone(&ZONE).date_naive()).len();
        times.push(ms(started));
    }
    let _ = writeln!(
        table,
        "  store RFM (read {customers} buyers' totals and score them): {:.0} ms (median of 3)",
        median(times)
    );
    Ok((table, right))
}
