//! Signals and shared pauses for every driver: the pause is plain SQL both dialects run; signals
//! are `pg_notify` where the driver names a channel (PostgreSQL) and nothing elsewhere.

use super::{Driver, ReadAs};
use crate::coordination::{PauseStore, SignalListener, Signals};
use crate::{StoreResult, args};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
impl<D: Driver> Signals for D {
    fn signals_across_processes(&self) -> bool {
        self.signal_channel().is_some()
    }

    async fn signal(&self, payload: &str) -> StoreResult<()> {
        let Some(channel) = self.signal_channel() else {
            return Ok(());
        };
        // `pg_notify` rather than `NOTIFY`, so the channel and payload are bound, not spliced.
        // Executed, not fetched: its one column is of type `void`, which no cell reads.
        self.write_count(
            "SELECT pg_notify($1, $2)",
            args![channel.to_owned(), payload.to_owned()],
        )
        .await
        .map(|_| ())
    }

    async fn listen(&self) -> StoreResult<Option<Box<dyn SignalListener>>> {
        self.signal_listener().await
    }
}

#[async_trait]
impl<D: Driver> PauseStore for D {
    async fn pause_meli(
        &self,
        scope: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<DateTime<Utc>> {
        // A pause only ever grows: a shorter Retry-After seen later must not cut a longer one.
        let row = self
            .write_one(
                "INSERT INTO meli_pauses (scope, paused_until, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (scope) DO UPDATE SET
                     paused_until = CASE WHEN meli_pauses.paused_until > excluded.paused_until
                         THEN meli_pauses.paused_until ELSE excluded.paused_until END,
                     updated_at = excluded.updated_at
                 RETURNING paused_until",
                args![scope, until, now],
            )
            .await?;
        row.time("paused_until")
    }

    async fn meli_pause(
        &self,
        scope: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        self.read_as(
            "SELECT paused_until FROM meli_pauses WHERE scope = $1 AND paused_until > $2",
            args![scope, now],
            |row| row.time("paused_until"),
        )
        .await
    }
}
