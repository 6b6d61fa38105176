-- Loyalty configuration (spec loyalty-core §5): programs and, inside each, point groups, cost
-- centers, tiers and tier rules. Booleans are BIGINT 0/1 as elsewhere. Tier-rule ranges are in
-- the condition's minor unit: points, fen (spend amount) or orders (purchase count); a NULL end
-- is unbounded.

CREATE TABLE programs (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT programs_code_key UNIQUE (tenant_id, code)
);

CREATE TABLE point_groups (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT point_groups_code_key UNIQUE (tenant_id, program_id, code)
);

CREATE TABLE cost_centers (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT cost_centers_code_key UNIQUE (tenant_id, program_id, code)
);

-- validity_type: NULL (never expires: the base tier), 'fixed_period' (validity_days) or
-- 'fixed_date' (validity_years, validity_month, validity_day).
CREATE TABLE tiers (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    rank BIGINT NOT NULL,
    is_base BIGINT NOT NULL,
    validity_type TEXT,
    validity_days BIGINT,
    validity_years BIGINT,
    validity_month BIGINT,
    validity_day BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT tiers_code_key UNIQUE (tenant_id, program_id, code),
    CONSTRAINT tiers_rank_key UNIQUE (tenant_id, program_id, rank)
);
-- Exactly one base tier per program: the database refuses a second one even under a race.
CREATE UNIQUE INDEX tiers_one_base ON tiers (tenant_id, program_id) WHERE is_base = 1;

-- condition: 'accumulated_points', 'spend_amount' or 'purchase_count'.
CREATE TABLE tier_rules (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    name TEXT NOT NULL,
    tier_id TEXT NOT NULL,
    point_group_id TEXT,
    condition TEXT NOT NULL,
    window_days BIGINT NOT NULL,
    range_start BIGINT NOT NULL,
    range_end BIGINT,
    enabled BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tier_rules_program ON tier_rules (tenant_id, program_id);
