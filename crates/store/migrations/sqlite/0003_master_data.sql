-- Master data (spec marketing-analytics-admin §11), synced from the brand's systems and upserted
-- by code: product categories (three levels), products, stores (physical, or virtual for an
-- online channel) and payment methods. Prices are in fen.

CREATE TABLE categories (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level BIGINT NOT NULL,
    parent_code TEXT,
    source TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT categories_code_key UNIQUE (tenant_id, code)
);
CREATE INDEX categories_parent ON categories (tenant_id, parent_code);

-- status: 'active' or 'inactive'.
CREATE TABLE products (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    brand TEXT,
    category_code TEXT,
    price_fen BIGINT,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT products_code_key UNIQUE (tenant_id, code)
);
CREATE INDEX products_category ON products (tenant_id, category_code);

-- kind: 'physical' or 'virtual'; channel: a channel code (every virtual store has one);
-- status: 'open' or 'closed'.
CREATE TABLE stores (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    parent_code TEXT,
    province TEXT,
    city TEXT,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT stores_code_key UNIQUE (tenant_id, code)
);

CREATE TABLE payment_methods (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    earns_points BIGINT NOT NULL,
    category TEXT,
    source TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT payment_methods_code_key UNIQUE (tenant_id, code)
);
