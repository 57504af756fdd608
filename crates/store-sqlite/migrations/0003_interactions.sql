-- Every interaction kind: orders (post-sale context), claims, teams and routing, and what the
-- inbox needs to show and filter them. Timestamps TEXT, money TEXT, JSON TEXT (see 0001).

CREATE TABLE orders (
    order_id        INTEGER PRIMARY KEY,
    org_id          TEXT NOT NULL,
    seller_id       INTEGER NOT NULL,
    pack_id         INTEGER,
    status          TEXT NOT NULL,
    status_detail   TEXT,
    date_created    TEXT NOT NULL,
    date_closed     TEXT,
    last_updated    TEXT NOT NULL,
    total_amount    TEXT NOT NULL,
    paid_amount     TEXT NOT NULL,
    currency_id     TEXT NOT NULL,
    buyer_id        INTEGER NOT NULL,
    shipment_id     INTEGER,
    shipping_status TEXT,
    -- [{item_id, title, quantity, unit_price, currency_id}]
    items           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX orders_pack_idx ON orders (pack_id);
CREATE INDEX orders_org_seller_idx ON orders (org_id, seller_id, date_created);

CREATE TABLE claims (
    claim_id           INTEGER PRIMARY KEY,
    org_id             TEXT NOT NULL,
    seller_id          INTEGER NOT NULL,
    order_id           INTEGER,
    reason_id          TEXT,
    claim_type         TEXT,
    stage              TEXT NOT NULL,
    status             TEXT NOT NULL,
    affects_reputation INTEGER,
    -- The seller's [{action, due_date, mandatory}] as Mercado Libre last showed them.
    available_actions  TEXT NOT NULL,
    date_created       TEXT NOT NULL,
    last_updated       TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, kind, name_key)
);

CREATE TABLE team_members (
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (team_id, person_id)
);

CREATE TABLE routes (
    seller_id  INTEGER NOT NULL,
    category   TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    team_id    INTEGER,
    person_id  INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (seller_id, category)
);

ALTER TABLE conversations ADD COLUMN module TEXT NOT NULL DEFAULT 'commercial';
ALTER TABLE conversations ADD COLUMN assigned_team_id INTEGER;
ALTER TABLE conversations ADD COLUMN assigned_person_id INTEGER;
ALTER TABLE conversations ADD COLUMN order_id INTEGER;
ALTER TABLE conversations ADD COLUMN pack_id INTEGER;
ALTER TABLE conversations ADD COLUMN claim_id INTEGER;
-- Why Mercado Libre refuses sends here (a blocked post-sale conversation's substatus), if it does.
ALTER TABLE conversations ADD COLUMN blocked_reason TEXT;
-- A post-sale conversation the buyer started: the seller may reply freely.
ALTER TABLE conversations ADD COLUMN buyer_started INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN first_inbound_at TEXT;
-- When the first answer after the first inbound message went out: the first-response time.
ALTER TABLE conversations ADD COLUMN first_response_at TEXT;
ALTER TABLE conversations ADD COLUMN first_responder_id INTEGER;
UPDATE conversations SET first_inbound_at = last_inbound_at;
CREATE INDEX conversations_org_module_idx
    ON conversations (org_id, module, last_inbound_at DESC, id DESC);

ALTER TABLE messages ADD COLUMN moderation_status TEXT;
ALTER TABLE messages ADD COLUMN moderation_reason TEXT;
ALTER TABLE messages ADD COLUMN attachments TEXT;
ALTER TABLE messages ADD COLUMN receiver_role TEXT;

-- Mercado Libre's own answer-time figure for the store (`/users/{id}/questions/response_time`),
-- as a worker last read it, shown beside ours.
ALTER TABLE connections ADD COLUMN meli_response_time TEXT;

-- Post-sale conversations the buyer has not started: the action-guide options Mercado Libre
-- offers the seller and the cap left on each, as a worker last read them.
ALTER TABLE conversations ADD COLUMN action_guide TEXT;
