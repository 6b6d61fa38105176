-- Customers and member accounts (spec loyalty-core §7.1, §8), channel bindings and imports.
--
-- Personal data is never stored in clear: *_enc columns hold AES-256-GCM ciphertexts and
-- *_index columns a keyed HMAC of the normalised value, for exact lookups. Only the birth month
-- is kept in clear (the birthday services select on it); erasure clears it with the rest.

CREATE TABLE customers (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    name_enc BLOB,
    name_index BLOB,
    phone_enc BLOB,
    phone_index BLOB,
    email_enc BLOB,
    email_index BLOB,
    birthday_enc BLOB,
    birth_month BIGINT,
    address_enc BLOB,
    id_number_enc BLOB,
    gender TEXT NOT NULL,
    province TEXT,
    city TEXT,
    source_channel TEXT NOT NULL,
    accepts_marketing BIGINT NOT NULL,
    is_employee BIGINT NOT NULL,
    is_test BIGINT NOT NULL,
    erased_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- One customer per phone in a tenant, enforced by the database so that two channels
-- registering the same person at the same moment still end with one customer.
CREATE UNIQUE INDEX customers_phone ON customers (tenant_id, phone_index);
CREATE INDEX customers_email ON customers (tenant_id, email_index);
CREATE INDEX customers_name ON customers (tenant_id, name_index);

-- Per-tenant counters (card numbers).
CREATE TABLE sequences (
    tenant_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    next_value BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- status: 'normal', 'frozen' or 'cancelled'. Money in fen.
CREATE TABLE member_accounts (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    card_no TEXT NOT NULL,
    status TEXT NOT NULL,
    registered_at_ms BIGINT NOT NULL,
    registration_channel TEXT NOT NULL,
    registration_store_id TEXT,
    home_store_id TEXT,
    guide TEXT,
    first_purchase_at_ms BIGINT,
    last_purchase_at_ms BIGINT,
    retention_points BIGINT NOT NULL,
    retention_spend_fen BIGINT NOT NULL,
    retention_purchase_count BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT member_accounts_card_no_key UNIQUE (tenant_id, card_no),
    CONSTRAINT member_accounts_customer_key UNIQUE (tenant_id, program_id, customer_id)
);
CREATE INDEX member_accounts_customer ON member_accounts (tenant_id, customer_id);

-- record_type: 'base', 'upgrade', 'retention', 'downgrade'; change_mode: 'automatic', 'manual';
-- status: 'active' or 'inactive'.
CREATE TABLE tier_records (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    tier_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    change_mode TEXT NOT NULL,
    tier_rule_id TEXT,
    effective_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT,
    status TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tier_records_member ON tier_records (tenant_id, member_id);
-- TR-1: at most one active tier record per member, enforced by the database.
CREATE UNIQUE INDEX tier_records_one_active ON tier_records (tenant_id, member_id) WHERE status = 'active';

CREATE TABLE point_accounts (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    point_group_id TEXT NOT NULL,
    accumulated BIGINT NOT NULL,
    available BIGINT NOT NULL,
    expired BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT point_accounts_group_key UNIQUE (tenant_id, member_id, point_group_id)
);

-- A platform account of a customer. Unbinding keeps the row (bound = 0, unbound_at_ms).
CREATE TABLE channel_bindings (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    account_type TEXT NOT NULL,
    external_id TEXT NOT NULL,
    openid TEXT,
    unionid TEXT,
    nickname TEXT,
    store_id TEXT,
    bound BIGINT NOT NULL,
    bound_at_ms BIGINT NOT NULL,
    unbound_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX channel_bindings_active ON channel_bindings (tenant_id, channel, external_id) WHERE bound = 1;
CREATE INDEX channel_bindings_customer ON channel_bindings (tenant_id, customer_id);
CREATE INDEX channel_bindings_openid ON channel_bindings (tenant_id, openid);
CREATE INDEX channel_bindings_unionid ON channel_bindings (tenant_id, unionid);

-- status: 'queued', 'running', 'done' or 'failed'. The uploaded file and the failure file live
-- in import_files so listing jobs stays light.
CREATE TABLE import_jobs (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    program_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    status TEXT NOT NULL,
    total_rows BIGINT NOT NULL,
    processed_rows BIGINT NOT NULL,
    created_rows BIGINT NOT NULL,
    merged_rows BIGINT NOT NULL,
    failed_rows BIGINT NOT NULL,
    error TEXT,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    started_at_ms BIGINT,
    finished_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE import_files (
    tenant_id BIGINT NOT NULL,
    job_id TEXT NOT NULL,
    content BLOB NOT NULL,
    failures BLOB,
    PRIMARY KEY (tenant_id, job_id)
);
