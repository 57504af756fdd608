-- Organizations: every store, person and conversation belongs to one, and so do the
-- notifications and jobs of a known store.
CREATE TABLE organizations (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    -- Trimmed and lower-cased in Rust, so names are unique regardless of case.
    name_key   TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What existed before organizations joins one, created only when there is something to hold.
INSERT INTO organizations (id, name, name_key)
SELECT '00000000-0000-7000-8000-000000000001', 'Default', 'default'
WHERE EXISTS (SELECT 1 FROM people) OR EXISTS (SELECT 1 FROM connections);

ALTER TABLE people ADD COLUMN org_id UUID NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001'
    REFERENCES organizations (id);
ALTER TABLE people ALTER COLUMN org_id DROP DEFAULT;
ALTER TABLE people ADD COLUMN language TEXT;
CREATE INDEX people_org_idx ON people (org_id, name);

ALTER TABLE connections ADD COLUMN org_id UUID NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001';
ALTER TABLE connections ALTER COLUMN org_id DROP DEFAULT;
CREATE INDEX connections_org_idx ON connections (org_id, seller_id);

ALTER TABLE oauth_states ADD COLUMN org_id UUID NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001';
ALTER TABLE oauth_states ALTER COLUMN org_id DROP DEFAULT;

ALTER TABLE conversations ADD COLUMN org_id UUID NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001';
ALTER TABLE conversations ALTER COLUMN org_id DROP DEFAULT;
CREATE INDEX conversations_org_inbox_idx ON conversations (org_id, last_inbound_at DESC, id DESC);
CREATE INDEX conversations_org_status_inbox_idx
    ON conversations (org_id, status, last_inbound_at DESC, id DESC);

-- NULL for notifications of unknown sellers and for jobs that span organizations.
ALTER TABLE notifications ADD COLUMN org_id UUID;
-- The job doing the notification's work (its own, or a queued twin): its state is the
-- notification's state.
ALTER TABLE notifications ADD COLUMN job_id BIGINT;
UPDATE notifications n SET org_id = c.org_id FROM connections c WHERE c.seller_id = n.user_id;
CREATE INDEX notifications_org_idx ON notifications (org_id, received_at);

ALTER TABLE jobs ADD COLUMN org_id UUID;
UPDATE jobs j SET org_id = c.org_id FROM connections c
WHERE c.seller_id::text = j.payload ->> 'seller_id';
CREATE INDEX jobs_org_idx ON jobs (org_id, id);
