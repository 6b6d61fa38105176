-- The transaction center (loyalty-core §9): orders with their lines, payments and discounts,
-- and the outbox of domain events written in the same transaction as the change.
--
-- direction: 'normal' or 'refund'. Amounts are in fen and stored signed by direction (a refund's
-- amounts and quantities are negative, §9.5), so aggregates simply sum. A sale whose member is
-- unknown keeps the identity it named (identity_kind, identity_value; a phone as its blind
-- index) for matching later. status: 'completed'.
CREATE TABLE orders (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    channel TEXT NOT NULL,
    external_no TEXT NOT NULL,
    direction TEXT NOT NULL,
    original_order_id TEXT,
    store_id TEXT NOT NULL,
    member_id TEXT,
    customer_id TEXT,
    program_id TEXT,
    identity_kind TEXT,
    identity_value TEXT,
    order_type TEXT,
    ordered_at_ms BIGINT NOT NULL,
    paid_at_ms BIGINT,
    employee TEXT,
    salesperson TEXT,
    guest_count BIGINT,
    remark TEXT,
    item_quantity BIGINT NOT NULL,
    total_fen BIGINT NOT NULL,
    receivable_fen BIGINT NOT NULL,
    discount_fen BIGINT NOT NULL,
    paid_fen BIGINT NOT NULL,
    -- The net points this order's records moved, for lists (the records are the truth).
    points_change BIGINT NOT NULL,
    -- Lines whose product master data did not know, to follow up.
    unknown_products BIGINT NOT NULL,
    -- Normal orders: 'none', 'partial' or 'full', as refunds return them.
    refund_status TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT orders_external_key UNIQUE (tenant_id, channel, external_no)
);
CREATE INDEX orders_member ON orders (tenant_id, member_id, ordered_at_ms);
CREATE INDEX orders_time ON orders (tenant_id, ordered_at_ms);
CREATE INDEX orders_store ON orders (tenant_id, store_id, ordered_at_ms);
CREATE INDEX orders_original ON orders (tenant_id, original_order_id)
    WHERE original_order_id IS NOT NULL;
CREATE INDEX orders_identity ON orders (tenant_id, identity_kind, identity_value)
    WHERE identity_value IS NOT NULL;

-- The point records an order produced (its detail page, and a refund's backtracking).
CREATE INDEX point_records_order ON point_records (tenant_id, order_id, id) WHERE order_id IS NOT NULL;

-- A refund line names the original line it returns (original_line_no). refunded_quantity and
-- refunded_fen on a normal line are how much of it refunds have returned so far.
CREATE TABLE order_lines (
    tenant_id BIGINT NOT NULL,
    order_id TEXT NOT NULL,
    line_no BIGINT NOT NULL,
    product_code TEXT NOT NULL,
    product_title TEXT,
    product_known BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price_fen BIGINT NOT NULL,
    original_fen BIGINT NOT NULL,
    receivable_fen BIGINT NOT NULL,
    coupon_fen BIGINT NOT NULL,
    discount_fen BIGINT NOT NULL,
    net_fen BIGINT NOT NULL,
    net_ex_tax_fen BIGINT,
    points_amount_fen BIGINT NOT NULL,
    original_line_no BIGINT,
    refunded_quantity BIGINT NOT NULL,
    refunded_fen BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, order_id, line_no)
);

CREATE TABLE order_payments (
    tenant_id BIGINT NOT NULL,
    order_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    method_code TEXT NOT NULL,
    method_name TEXT,
    paid_fen BIGINT NOT NULL,
    received_fen BIGINT NOT NULL,
    coupon_code TEXT,
    PRIMARY KEY (tenant_id, order_id, seq)
);

CREATE TABLE order_discounts (
    tenant_id BIGINT NOT NULL,
    order_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    code TEXT,
    amount_fen BIGINT NOT NULL,
    reference TEXT,
    PRIMARY KEY (tenant_id, order_id, seq)
);

-- Domain events, written in the transaction of the change they announce; consumers read them
-- in id order (ids are time-ordered) and record how far they got.
CREATE TABLE outbox (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    topic TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX outbox_order ON outbox (id);
