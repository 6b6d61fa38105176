-- Store groups and product groups (marketing-analytics-admin §3–4): static lists of store codes
-- or product SKU codes, the codes orders carry. kind: 'store' or 'product'. A group is built
-- while not enabled (enabled_at_ms NULL); enabling freezes its members (an "all items" group
-- takes a snapshot of every item at that moment) and only then may rules refer to it.
CREATE TABLE item_groups (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    all_items BIGINT NOT NULL,
    description TEXT NOT NULL,
    enabled_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT item_groups_name_key UNIQUE (tenant_id, kind, name)
);

-- The members of a group, by code. Checking an order's codes against a group is a primary-key
-- lookup per code.
CREATE TABLE item_group_members (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    group_id TEXT NOT NULL,
    code TEXT NOT NULL,
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, group_id, code)
);
