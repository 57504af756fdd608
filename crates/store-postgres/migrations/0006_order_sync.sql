-- Order sync: where each store's order backfill stands, so a stopped one resumes where it was,
-- and the reconciler's "orders changed since" mark. Timestamps TIMESTAMPTZ.
CREATE TABLE order_sync (
    seller_id        BIGINT PRIMARY KEY,
    org_id           UUID NOT NULL,
    -- The running (or last) backfill copies orders created up to here: when it started.
    backfill_until   TIMESTAMPTZ,
    -- Every order created before window_from is stored; window_offset results of the window
    -- [window_from, window_to] (oldest first) are too.
    window_from      TIMESTAMPTZ,
    window_to        TIMESTAMPTZ,
    window_offset    BIGINT NOT NULL DEFAULT 0,
    -- Orders the run has stored so far, and how many it expects (for progress).
    synced           BIGINT NOT NULL DEFAULT 0,
    expected         BIGINT,
    backfill_done_at TIMESTAMPTZ,
    -- The reconciler looks for orders changed at or after this.
    changed_since    TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_sync_org_idx ON order_sync (org_id);
