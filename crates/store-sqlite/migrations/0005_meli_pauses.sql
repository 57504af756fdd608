-- Mercado Libre's 429 pauses, shared by every instance on this database: before calling Mercado
-- Libre for a scope (today `seller:<id>`, one store's calls), an instance checks that the scope
-- is not paused. One row per scope, only ever moved later, so the table stays as small as the
-- number of stores. It holds no organization data beyond the store's public seller id.

CREATE TABLE meli_pauses (
    scope        TEXT PRIMARY KEY,
    paused_until TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
