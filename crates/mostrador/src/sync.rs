//! `mostrador sync orders --store SELLER_ID`: copies a connected store's order history from
//! Mercado Libre, with a progress bar. Stopped at any point (Ctrl-C, a failure), it resumes
//! where it was when run again (see `app::backfill`).

use crate::cli::{RetentionArgs, SyncOrdersArgs};
use crate::runtime;
use app::backfill::{BackfillOptions, BackfillOutcome, BackfillProgress, backfill_orders};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;
use store::OrderSync;

/// The bar: orders stored of those the run found, with a rate and an estimate.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Self {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} orders ({per_sec}, {eta} left) {msg}",
        ) {
            bar.set_style(style);
        }
        Bar(bar)
    }
}

impl BackfillProgress for Bar {
    fn started(&self, s: &OrderSync) {
        self.0
            .set_length(u64::try_from(s.expected.unwrap_or(0)).unwrap_or(0));
        self.0.set_position(u64::try_from(s.synced).unwrap_or(0));
        if s.synced > 0 {
            self.0.println(format!(
                "resuming: {} orders already stored by this run",
                s.synced
            ));
        }
    }

    fn page(&self, s: &OrderSync) {
        self.0.set_position(u64::try_from(s.synced).unwrap_or(0));
        if let Some(at) = s.window_from {
            self.0.set_message(format!("at {}", at.format("%Y-%m-%d")));
        }
    }

    fn retrying(&self, error: &str, wait: Duration) {
        self.0.println(format!(
            "Mercado Libre failed ({error}); trying again in {:.1} s",
            wait.as_secs_f64()
        ));
    }
}

pub async fn orders(args: SyncOrdersArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    let retention = RetentionArgs {
        keep_jobs_days: app::config::DEFAULT_KEEP_DAYS,
        keep_notifications_days: app::config::DEFAULT_KEEP_DAYS,
    };
    let state = runtime::production_state(
        retention,
        &args.meli,
        &args.public_url,
        &url,
        &args.db.data_dir,
    )
    .await?;
    let seller = domain::SellerId(args.store);
    let bar = Bar::new();
    let result = backfill_orders(&state, seller, &BackfillOptions::default(), &bar).await;
    bar.0.finish_and_clear();
    match result? {
        BackfillOutcome::Done(s) | BackfillOutcome::Paused(s) => {
            println!(
                "store {seller}: {} orders copied (orders created up to {})",
                s.synced,
                s.backfill_until
                    .map_or_else(|| "now".to_string(), |t| t.to_rfc3339())
            );
        }
    }
    Ok(())
}
