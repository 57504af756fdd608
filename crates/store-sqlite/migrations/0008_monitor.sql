-- The success monitor (README "Revenue rules"): what was refunded of each order, the instant
-- that places it in a period, and two rollups kept in step with `orders` by the store's
-- `upsert_order` (and rebuilt by `rebuild_figures`), so any period over a million orders is a
-- few thousand rows away. Money in the rollups is whole ten-thousandths of the currency
-- (`domain::sales::to_units`): SQLite adds decimal text as floating point, integers exactly.
ALTER TABLE orders ADD COLUMN refunded_amount TEXT NOT NULL DEFAULT '0';
ALTER TABLE orders ADD COLUMN sale_at TEXT;
UPDATE orders SET sale_at = COALESCE(date_closed, date_created);
-- With order_id, so the orders list (newest first, ties by id) reads the index backwards
-- instead of sorting every order of the period.
CREATE INDEX orders_sale_idx ON orders (org_id, seller_id, sale_at, order_id);
CREATE INDEX orders_buyer_idx ON orders (org_id, seller_id, buyer_id);

-- Per store, UTC hour (hours since the Unix epoch) and currency.
CREATE TABLE order_hours (
    org_id      TEXT NOT NULL,
    seller_id   INTEGER NOT NULL,
    hour        INTEGER NOT NULL,
    currency_id TEXT NOT NULL,
    -- Every order placed in the hour, whatever its status (the orders list counts them).
    all_orders  INTEGER NOT NULL,
    sales       INTEGER NOT NULL,
    revenue     INTEGER NOT NULL,
    PRIMARY KEY (org_id, seller_id, hour, currency_id)
) WITHOUT ROWID;

-- Per store, currency and buyer with at least one sale: the RFM inputs.
CREATE TABLE order_buyers (
    org_id       TEXT NOT NULL,
    seller_id    INTEGER NOT NULL,
    currency_id  TEXT NOT NULL,
    buyer_id     INTEGER NOT NULL,
    last_sale_at TEXT NOT NULL,
    sales        INTEGER NOT NULL,
    revenue      INTEGER NOT NULL,
    PRIMARY KEY (org_id, seller_id, currency_id, buyer_id)
) WITHOUT ROWID;

-- Orders stored before this migration. Their amounts have at most two decimals, which the
-- floating-point detour below keeps exact.
INSERT INTO order_hours (org_id, seller_id, hour, currency_id, all_orders, sales, revenue)
SELECT org_id, seller_id, CAST(strftime('%s', sale_at) AS INTEGER) / 3600, currency_id, COUNT(*),
       SUM(CASE WHEN lower(status) IN ('paid', 'partially_refunded') THEN 1 ELSE 0 END),
       SUM(CASE WHEN lower(status) IN ('paid', 'partially_refunded')
           THEN MAX(CAST(ROUND((CAST(total_amount AS REAL) - CAST(refunded_amount AS REAL))
                * 10000) AS INTEGER), 0) ELSE 0 END)
FROM orders
GROUP BY org_id, seller_id, CAST(strftime('%s', sale_at) AS INTEGER) / 3600, currency_id;

INSERT INTO order_buyers (org_id, seller_id, currency_id, buyer_id, last_sale_at, sales, revenue)
SELECT org_id, seller_id, currency_id, buyer_id, MAX(sale_at), COUNT(*),
       SUM(MAX(CAST(ROUND((CAST(total_amount AS REAL) - CAST(refunded_amount AS REAL)) * 10000)
           AS INTEGER), 0))
FROM orders
WHERE lower(status) IN ('paid', 'partially_refunded')
GROUP BY org_id, seller_id, currency_id, buyer_id;
