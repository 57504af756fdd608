-- Mostrador on PostgreSQL. Append-only: never edit a released migration, add the next one.
-- Unqualified names: the store sets `search_path`, so the same file serves any schema.

CREATE TABLE people (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL,
    -- Lower-cased in Rust, the same way as on SQLite, so both backends agree on what collides.
    email_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sessions_person_idx ON sessions (person_id);

CREATE TABLE connections (
    seller_id           BIGINT PRIMARY KEY,
    site_id             TEXT NOT NULL,
    nickname            TEXT NOT NULL,
    currency_id         TEXT NOT NULL,
    -- Sealed by the app; NULL once the store is disconnected.
    access_token        BYTEA,
    refresh_token       BYTEA,
    access_expires_at   TIMESTAMPTZ,
    health              TEXT NOT NULL,
    health_detail       TEXT,
    refresh_lock_holder TEXT,
    refresh_lock_until  TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE oauth_states (
    state         TEXT PRIMARY KEY,
    pkce_verifier TEXT NOT NULL,
    site_id       TEXT NOT NULL,
    created_by    BIGINT,
    expires_at    TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE notifications (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key      TEXT NOT NULL UNIQUE,
    topic          TEXT NOT NULL,
    resource       TEXT NOT NULL,
    user_id        BIGINT NOT NULL,
    application_id BIGINT,
    raw            JSONB NOT NULL,
    state          TEXT NOT NULL,
    ignore_reason  TEXT,
    deliveries     BIGINT NOT NULL DEFAULT 1,
    received_at    TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX notifications_received_idx ON notifications (received_at);

CREATE TABLE jobs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    payload     JSONB NOT NULL,
    dedup_key   TEXT,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    run_at      TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    -- A fresh random token per claim; the outcome writes only match the claim they were given,
    -- so a worker whose lease expired cannot overwrite the run of the worker that reclaimed it.
    claim_id    TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- At most one queued job per dedup key; running and finished jobs keep their key. A running job
-- does not block a new one: it may already have read the data a newer notification is about.
CREATE UNIQUE INDEX jobs_queued_dedup_idx ON jobs (dedup_key) WHERE state = 'queued';
-- Claiming touches only live jobs, so the claim indexes skip the (ever-growing) finished ones.
-- Each matches one probe of the claim exactly (equality on state, then the ORDER BY columns), so
-- a claim reads the first due entry of one index instead of sorting the whole due backlog.
CREATE INDEX jobs_claim_idx ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (lease_until, id) WHERE state = 'running';

CREATE TABLE listings (
    item_id     TEXT PRIMARY KEY,
    seller_id   BIGINT NOT NULL,
    site_id     TEXT NOT NULL,
    title       TEXT NOT NULL,
    -- Unconstrained NUMERIC keeps the scale it was given (12345678.90 stays .90).
    price       NUMERIC NOT NULL,
    currency_id TEXT NOT NULL,
    thumbnail   TEXT,
    permalink   TEXT,
    status      TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
    seller_id    BIGINT NOT NULL,
    meli_user_id BIGINT NOT NULL,
    nickname     TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, meli_user_id)
);

-- No foreign keys to connections/listings/contacts: conversations may arrive before (or
-- without) the context they point at, and the inbox joins whatever is known.
CREATE TABLE conversations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seller_id       BIGINT NOT NULL,
    category        TEXT NOT NULL,
    meli_ref        TEXT NOT NULL,
    status          TEXT NOT NULL,
    meli_status     TEXT,
    buyer_id        BIGINT NOT NULL,
    item_id         TEXT,
    reply_locked    BOOLEAN NOT NULL DEFAULT false,
    last_inbound_at TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (seller_id, category, meli_ref)
);
-- The inbox lists newest first with id as tie-breaker (ORDER BY last_inbound_at DESC, id DESC),
-- unfiltered, by store, or by store and status: one index per shape, each read in order.
CREATE INDEX conversations_inbox_idx ON conversations (last_inbound_at DESC, id DESC);
CREATE INDEX conversations_seller_inbox_idx ON conversations (seller_id, last_inbound_at DESC, id DESC);
CREATE INDEX conversations_seller_status_inbox_idx
    ON conversations (seller_id, status, last_inbound_at DESC, id DESC);

CREATE TABLE messages (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id  BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    meli_ref         TEXT NOT NULL,
    direction        TEXT NOT NULL,
    author           TEXT NOT NULL,
    author_person_id BIGINT,
    text             TEXT NOT NULL,
    delivery         TEXT NOT NULL,
    error            TEXT,
    sent_at          TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (conversation_id, meli_ref)
);
CREATE INDEX messages_thread_idx ON messages (conversation_id, created_at, id);
