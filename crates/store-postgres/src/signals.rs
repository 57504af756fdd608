//! `LISTEN` for [`store::Signals`]. The listener gets a one-connection pool of its own (same
//! options as the store's), so it never holds one of the store's connections for good; sqlx's
//! `PgListener` re-connects and re-listens after a lost connection.

use crate::codec;
use async_trait::async_trait;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use store::{SignalListener, StoreResult};

/// PostgreSQL's longest identifier, in bytes; `pg_notify` refuses longer channel names.
const MAX_CHANNEL: usize = 63;

/// One channel per schema, so stores confined to different schemas of one database (tests in
/// parallel) never hear each other. Schema names are ASCII, so cutting at a byte is safe.
pub(crate) fn channel_for(schema: Option<&str>) -> String {
    let mut channel = match schema {
        Some(schema) => format!("mostrador_{schema}"),
        None => "mostrador".to_owned(),
    };
    channel.truncate(MAX_CHANNEL);
    channel
}

pub(crate) struct Listener(PgListener);

impl Listener {
    pub(crate) async fn connect(store_pool: &PgPool, channel: &str) -> StoreResult<Listener> {
        let options = store_pool.connect_options().as_ref().clone();
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_with(options)
            .await
            .map_err(codec::db_err)?;
        let mut listener = PgListener::connect_with(&pool)
            .await
            .map_err(codec::db_err)?;
        listener.listen(channel).await.map_err(codec::db_err)?;
        Ok(Listener(listener))
    }
}

#[async_trait]
impl SignalListener for Listener {
    async fn recv(&mut self) -> StoreResult<Option<String>> {
        match self.0.try_recv().await.map_err(codec::db_err)? {
            Some(notification) => Ok(Some(notification.payload().to_owned())),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_per_schema_and_never_too_long() {
        assert_eq!(channel_for(None), "mostrador");
        assert_eq!(channel_for(Some("test_ab")), "mostrador_test_ab");
        assert_eq!(channel_for(Some(&"a".repeat(63))).len(), MAX_CHANNEL);
    }
}
