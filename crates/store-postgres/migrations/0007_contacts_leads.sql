-- Contacts and leads. A contact is one buyer as one store knows them (SPEC: store + Mercado
-- Libre user id); it now carries an id for its page and API, its organization (every person-facing
-- read filters on it), and what the order's billing data or a lead told us. Phone and e-mail are
-- only ever what the buyer gave (a lead) or the invoice data holds; Mercado Libre does not expose
-- them for marketplace buyers.
ALTER TABLE contacts ADD COLUMN id BIGSERIAL;
ALTER TABLE contacts ADD CONSTRAINT contacts_id_key UNIQUE (id);
ALTER TABLE contacts ADD COLUMN org_id UUID;
UPDATE contacts SET org_id = COALESCE(
    (SELECT cn.org_id FROM connections cn WHERE cn.seller_id = contacts.seller_id),
    '00000000-0000-7000-8000-000000000001');
ALTER TABLE contacts ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE contacts ADD COLUMN name TEXT;
ALTER TABLE contacts ADD COLUMN doc_type TEXT;
ALTER TABLE contacts ADD COLUMN doc_number TEXT;
ALTER TABLE contacts ADD COLUMN phone TEXT;
ALTER TABLE contacts ADD COLUMN email TEXT;
-- The order whose billing data was read last: a later sync of the same order reads no more.
ALTER TABLE contacts ADD COLUMN billing_order_id BIGINT;
CREATE INDEX contacts_org_idx ON contacts (org_id, updated_at DESC, id DESC);

-- A buyer's contact on a classified listing (vehicles, real estate, services). Lead ids are
-- Mercado Libre's opaque text; a guest's lead has no buyer.
CREATE TABLE leads (
    id           BIGSERIAL PRIMARY KEY,
    org_id       UUID NOT NULL,
    seller_id    BIGINT NOT NULL,
    lead_id      TEXT NOT NULL,
    item_id      TEXT,
    buyer_id     BIGINT,
    contact_type TEXT NOT NULL,
    status       TEXT,
    external_id  TEXT,
    name         TEXT,
    phone        TEXT,
    email        TEXT,
    doc_type     TEXT,
    doc_number   TEXT,
    contacted_at TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (seller_id, lead_id)
);
CREATE INDEX leads_org_idx ON leads (org_id, contacted_at DESC, id DESC);
CREATE INDEX leads_contact_idx ON leads (seller_id, buyer_id);
CREATE INDEX orders_contact_idx ON orders (seller_id, buyer_id, date_created);
CREATE INDEX conversations_contact_idx ON conversations (seller_id, buyer_id);
