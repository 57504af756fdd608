-- Organizations: every store, person and conversation belongs to one, and so do the
-- notifications and jobs of a known store. Uuids are TEXT (hyphenated).
CREATE TABLE organizations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    -- Trimmed and lower-cased in Rust, so names are unique regardless of case.
    name_key   TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- What existed before organizations joins one, created only when there is something to hold.
INSERT INTO organizations (id, name, name_key, created_at, updated_at)
SELECT '00000000-0000-7000-8000-000000000001', 'Default', 'default',
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE EXISTS (SELECT 1 FROM people) OR EXISTS (SELECT 1 FROM connections);

-- SQLite cannot add a column with both REFERENCES and a non-NULL default; the store checks that
-- a person's organization exists before inserting.
ALTER TABLE people ADD COLUMN org_id TEXT NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001';
ALTER TABLE people ADD COLUMN language TEXT;
CREATE INDEX people_org_idx ON people (org_id, name);

ALTER TABLE connections ADD COLUMN org_id TEXT NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001';
CREATE INDEX connections_org_idx ON connections (org_id, seller_id);

ALTER TABLE oauth_states ADD COLUMN org_id TEXT NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001';

ALTER TABLE conversations ADD COLUMN org_id TEXT NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001';
CREATE INDEX conversations_org_inbox_idx ON conversations (org_id, last_inbound_at DESC, id DESC);
CREATE INDEX conversations_org_status_inbox_idx
    ON conversations (org_id, status, last_inbound_at DESC, id DESC);

-- NULL for notifications of unknown sellers and for jobs that span organizations.
ALTER TABLE notifications ADD COLUMN org_id TEXT;
-- The job doing the notification's work (its own, or a queued twin): its state is the
-- notification's state.
ALTER TABLE notifications ADD COLUMN job_id INTEGER;
UPDATE notifications SET org_id = (
    SELECT c.org_id FROM connections c WHERE c.seller_id = notifications.user_id);
CREATE INDEX notifications_org_idx ON notifications (org_id, received_at);

ALTER TABLE jobs ADD COLUMN org_id TEXT;
UPDATE jobs SET org_id = (
    SELECT c.org_id FROM connections c WHERE c.seller_id = json_extract(jobs.payload, '$.seller_id'));
CREATE INDEX jobs_org_idx ON jobs (org_id, id);
