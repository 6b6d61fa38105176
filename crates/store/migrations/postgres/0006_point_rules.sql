-- Base point rules (loyalty-core §10.1). award: 'amount' (points per yuan of a line's amount
-- counted for points) or 'quantity' (points per unit); rate_scaled is that rate × 10,000, so
-- rates are exact. validity_type: 'fixed_period' (validity_days) or 'fixed_date'
-- (validity_years, validity_month, validity_day), as for tiers. The scope columns hold JSON
-- arrays (empty = all): tier ids, and store, product, category and payment method codes, the
-- codes orders carry. status: 'draft' (only simulated), 'enabled' or 'disabled'.
CREATE TABLE point_rules (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    name TEXT NOT NULL,
    point_group_id TEXT NOT NULL,
    cost_center_id TEXT,
    award TEXT NOT NULL,
    rate_scaled BIGINT NOT NULL,
    counts_for_upgrade BIGINT NOT NULL,
    validity_type TEXT NOT NULL,
    validity_days BIGINT,
    validity_years BIGINT,
    validity_month BIGINT,
    validity_day BIGINT,
    scope_tiers TEXT NOT NULL,
    scope_stores TEXT NOT NULL,
    scope_products TEXT NOT NULL,
    scope_categories TEXT NOT NULL,
    scope_payment_methods TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT point_rules_name_key UNIQUE (tenant_id, program_id, name)
);
CREATE INDEX point_rules_program ON point_rules (tenant_id, program_id, status);
