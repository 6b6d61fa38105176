-- Coupon rules (loyalty-core §11.1–11.3). Money in fen. coupon_type: 'cash_off' (benefit_fen off),
-- 'discount' (pay discount_percent % of the eligible amount: 8折 = 80) or 'exchange' (one unit of
-- exchange_sku free). threshold_fen NULL = no threshold. validity_type: 'date_range'
-- (valid_from_date .. valid_to_date), 'duration' (start_after_days after the claim, for
-- valid_days days) or 'delayed_fixed_end' (start_after_days after the claim, until
-- valid_to_date); dates are local days YYYY-MM-DD. weekdays: bit 0 = Monday … bit 6 = Sunday;
-- usable_from_s .. usable_to_s: seconds of the local day, inclusive. store_group_id /
-- product_group_id NULL = all. Rule numbers come from the daily sequence 'coupon_rule:YYYYMMDD'
-- of the sequences table. issued counts coupons handed out: remaining = total_stock − issued,
-- and a claim takes stock with one conditional UPDATE, so stock is never oversold.
CREATE TABLE coupon_rules (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    rule_no TEXT NOT NULL,
    name TEXT NOT NULL,
    coupon_type TEXT NOT NULL,
    program_id TEXT NOT NULL,
    cost_center_id TEXT NOT NULL,
    cost_fen BIGINT NOT NULL,
    total_stock BIGINT NOT NULL,
    issued BIGINT NOT NULL,
    threshold_fen BIGINT,
    benefit_fen BIGINT,
    discount_percent BIGINT,
    exchange_sku TEXT,
    public_claim BIGINT NOT NULL,
    campaign_issue BIGINT NOT NULL,
    instructions TEXT NOT NULL,
    validity_type TEXT NOT NULL,
    valid_from_date TEXT,
    valid_to_date TEXT,
    start_after_days BIGINT,
    valid_days BIGINT,
    weekdays BIGINT NOT NULL,
    usable_from_s BIGINT NOT NULL,
    usable_to_s BIGINT NOT NULL,
    store_group_id TEXT,
    product_group_id TEXT,
    refund_returns BIGINT NOT NULL,
    refund_valid_days BIGINT,
    stackable BIGINT NOT NULL,
    transferable BIGINT NOT NULL,
    transfer_claim_hours BIGINT,
    per_member_limit BIGINT,
    approval_status TEXT NOT NULL,
    rule_status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT coupon_rules_rule_no_key UNIQUE (tenant_id, rule_no)
);
CREATE INDEX coupon_rules_status ON coupon_rules (tenant_id, rule_status, approval_status);

-- Approval decisions (§11.5 tab 5): decision 'submitted', 'approved' or 'rejected'.
CREATE TABLE coupon_rule_approvals (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    actor TEXT NOT NULL,
    comment TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX coupon_rule_approvals_rule ON coupon_rule_approvals (tenant_id, rule_id, at_ms);

-- Extra issuance (§11.4): stock added to a published rule.
CREATE TABLE coupon_rule_issuances (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    cost_fen BIGINT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX coupon_rule_issuances_rule ON coupon_rule_issuances (tenant_id, rule_id, at_ms);

-- Coupon instances (§11.6). code: 16 digits, the last a check digit. status: 'issued', 'used',
-- 'transferring', 'expired' or 'void' (bought with points and the purchase cancelled). source:
-- 'claim', 'issue' or 'points'. The usage columns are set when an order uses the coupon;
-- first_purchase says whether that order was the customer's first (new vs old customers, §11.5).
CREATE TABLE coupons (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    campaign TEXT,
    valid_from_ms BIGINT NOT NULL,
    valid_to_ms BIGINT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    redemption_id TEXT,
    used_at_ms BIGINT,
    order_id TEXT,
    order_paid_fen BIGINT,
    deduction_fen BIGINT,
    first_purchase BIGINT,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT coupons_code_key UNIQUE (tenant_id, code)
);
CREATE INDEX coupons_rule ON coupons (tenant_id, rule_id, status);
CREATE INDEX coupons_customer ON coupons (tenant_id, customer_id, rule_id);
CREATE INDEX coupons_order ON coupons (tenant_id, order_id);
CREATE INDEX coupons_redemption ON coupons (tenant_id, redemption_id);
CREATE INDEX coupons_expiry ON coupons (tenant_id, status, valid_to_ms);

-- Transfers to a friend (§11.7). status: 'pending', 'succeeded' or 'returned' (the friend's
-- claim window lapsed). log: a JSON array of {at_ms, scene, from, to}. At most one pending
-- transfer per coupon, enforced by the partial unique index.
CREATE TABLE coupon_transfers (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    coupon_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    giver_id TEXT NOT NULL,
    receiver_id TEXT,
    status TEXT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    received_at_ms BIGINT,
    log TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX coupon_transfers_open ON coupon_transfers (tenant_id, coupon_id)
    WHERE status = 'pending';
CREATE INDEX coupon_transfers_started ON coupon_transfers (tenant_id, started_at_ms);
CREATE INDEX coupon_transfers_lapse ON coupon_transfers (tenant_id, status, expires_at_ms);
