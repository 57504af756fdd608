-- Order sync: where each store's order backfill stands, so a stopped one resumes where it was,
-- and the reconciler's "orders changed since" mark. Timestamps TEXT (see 0001).
CREATE TABLE order_sync (
    seller_id        INTEGER PRIMARY KEY,
    org_id           TEXT NOT NULL,
    -- The running (or last) backfill copies orders created up to here: when it started.
    backfill_until   TEXT,
    -- Every order created before window_from is stored; window_offset results of the window
    -- [window_from, window_to] (oldest first) are too.
    window_from      TEXT,
    window_to        TEXT,
    window_offset    INTEGER NOT NULL DEFAULT 0,
    -- Orders the run has stored so far, and how many it expects (for progress).
    synced           INTEGER NOT NULL DEFAULT 0,
    expected         INTEGER,
    backfill_done_at TEXT,
    -- The reconciler looks for orders changed at or after this.
    changed_since    TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX order_sync_org_idx ON order_sync (org_id);
