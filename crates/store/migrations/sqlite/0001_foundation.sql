-- Tenants, platform administrators, users, roles, API keys, sessions, login throttling, the
-- audit log and idempotency keys. Instants are unix milliseconds UTC (BIGINT, suffix _ms);
-- entity ids are UUIDv7 text chosen by the application; tenant data is keyed by tenant first.

CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    CONSTRAINT tenants_code_key UNIQUE (code)
);

CREATE TABLE platform_admins (
    id TEXT PRIMARY KEY,
    login_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    CONSTRAINT platform_admins_login_name_key UNIQUE (login_name)
);

-- permissions: comma-separated permission keys; builtin roles store none and take theirs from code.
CREATE TABLE roles (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    role_key TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    builtin TEXT,
    permissions TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT roles_role_key_key UNIQUE (tenant_id, role_key)
);

CREATE TABLE users (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    login_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    locale TEXT NOT NULL,
    status TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    password_changed_at_ms BIGINT NOT NULL,
    last_login_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT users_login_name_key UNIQUE (tenant_id, login_name)
);

CREATE TABLE user_roles (
    tenant_id BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, role_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE INDEX user_roles_role_idx ON user_roles (tenant_id, role_id);

CREATE TABLE api_keys (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    role_id TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE INDEX api_keys_role_idx ON api_keys (tenant_id, role_id);

-- Sessions are looked up by the digest of the cookie token; tenant_id is NULL for the platform.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    tenant_id BIGINT,
    user_id TEXT,
    platform_admin_id TEXT,
    csrf_token TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    seen_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);

-- scope: the tenant id, or 0 for the platform administrator's logins.
CREATE TABLE login_throttle (
    scope BIGINT NOT NULL,
    login_name TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until_ms BIGINT,
    PRIMARY KEY (scope, login_name)
);

-- Append-only. tenant_id 0 holds the platform's own entries (tenants).
CREATE TABLE audit_log (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    ip TEXT,
    request_id TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_object_idx ON audit_log (tenant_id, object_type, object_id);
CREATE INDEX audit_log_at_idx ON audit_log (tenant_id, at_ms);

-- One row per (tenant, principal, key); the response is saved in the request's own transaction.
CREATE TABLE idempotency_keys (
    tenant_id BIGINT NOT NULL,
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, scope, idem_key)
);
