-- The success monitor (README "Revenue rules"): what was refunded of each order, the instant
-- that places it in a period, and two rollups kept in step with `orders` by the store's
-- `upsert_order` (and rebuilt by `rebuild_figures`), so any period over a million orders is a
-- few thousand rows away. Money in the rollups is whole ten-thousandths of the currency
-- (`domain::sales::to_units`), the same on both backends.
ALTER TABLE orders ADD COLUMN refunded_amount NUMERIC NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN sale_at TIMESTAMPTZ;
UPDATE orders SET sale_at = COALESCE(date_closed, date_created);
-- With order_id, so the orders list (newest first, ties by id) reads the index backwards
-- instead of sorting every order of the period.
CREATE INDEX orders_sale_idx ON orders (org_id, seller_id, sale_at, order_id);
CREATE INDEX orders_buyer_idx ON orders (org_id, seller_id, buyer_id);

-- Per store, UTC hour (hours since the Unix epoch) and currency.
CREATE TABLE order_hours (
    org_id      UUID NOT NULL,
    seller_id   BIGINT NOT NULL,
    hour        BIGINT NOT NULL,
    currency_id TEXT NOT NULL,
    -- Every order placed in the hour, whatever its status (the orders list counts them).
    all_orders  BIGINT NOT NULL,
    sales       BIGINT NOT NULL,
    revenue     BIGINT NOT NULL,
    PRIMARY KEY (org_id, seller_id, hour, currency_id)
);

-- Per store, currency and buyer with at least one sale: the RFM inputs.
CREATE TABLE order_buyers (
    org_id       UUID NOT NULL,
    seller_id    BIGINT NOT NULL,
    currency_id  TEXT NOT NULL,
    buyer_id     BIGINT NOT NULL,
    last_sale_at TIMESTAMPTZ NOT NULL,
    sales        BIGINT NOT NULL,
    revenue      BIGINT NOT NULL,
    PRIMARY KEY (org_id, seller_id, currency_id, buyer_id)
);

-- Orders stored before this migration.
INSERT INTO order_hours (org_id, seller_id, hour, currency_id, all_orders, sales, revenue)
SELECT org_id, seller_id, FLOOR(EXTRACT(EPOCH FROM sale_at) / 3600)::BIGINT, currency_id, COUNT(*),
       SUM(CASE WHEN lower(status) IN ('paid', 'partially_refunded') THEN 1 ELSE 0 END),
       SUM(CASE WHEN lower(status) IN ('paid', 'partially_refunded')
           THEN GREATEST(ROUND((total_amount - refunded_amount) * 10000), 0) ELSE 0 END)::BIGINT
FROM orders
GROUP BY 1, 2, 3, 4;

INSERT INTO order_buyers (org_id, seller_id, currency_id, buyer_id, last_sale_at, sales, revenue)
SELECT org_id, seller_id, currency_id, buyer_id, MAX(sale_at), COUNT(*),
       SUM(GREATEST(ROUND((total_amount - refunded_amount) * 10000), 0))::BIGINT
FROM orders
WHERE lower(status) IN ('paid', 'partially_refunded')
GROUP BY 1, 2, 3, 4;
