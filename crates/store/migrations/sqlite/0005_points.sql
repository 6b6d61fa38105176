-- The points ledger (loyalty-core §10.3-10.6): append-only point records and the relations that
-- say which earning records each deduction was taken from.
CREATE TABLE point_records (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    point_group_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    change BIGINT NOT NULL,
    -- Increase records: the points not yet consumed, expired or reversed.
    remaining BIGINT,
    -- Decrease records: the part no earning covered, not yet paid back.
    debt BIGINT NOT NULL DEFAULT 0,
    effective_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT,
    counts_for_upgrade BIGINT NOT NULL,
    source_channel TEXT,
    point_rule_id TEXT,
    cost_center_id TEXT,
    order_id TEXT,
    order_line_id TEXT,
    reason TEXT,
    -- A redemption-cancellation return: the redemption it gives points back for.
    cancels_record_id TEXT,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- A member's records, newest first (the console and the API list; ids are time-ordered).
CREATE INDEX point_records_member ON point_records (tenant_id, member_id, id);
-- The open earnings of an account (FIFO candidates) and the open debts.
CREATE INDEX point_records_open ON point_records (tenant_id, account_id) WHERE remaining > 0;
CREATE INDEX point_records_debt ON point_records (tenant_id, account_id) WHERE debt > 0;
-- Whether a redemption was cancelled already.
CREATE INDEX point_records_cancels ON point_records (tenant_id, cancels_record_id)
    WHERE cancels_record_id IS NOT NULL;
-- The expiry job's scan.
CREATE INDEX point_records_expiring ON point_records (tenant_id, expires_at_ms) WHERE remaining > 0;

CREATE TABLE point_relations (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    -- The deduction (or, for a debt paid back, the earning that paid it).
    target_record_id TEXT NOT NULL,
    source_record_id TEXT NOT NULL,
    points BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX point_relations_target ON point_relations (tenant_id, target_record_id);
CREATE INDEX point_relations_source ON point_relations (tenant_id, source_record_id);
