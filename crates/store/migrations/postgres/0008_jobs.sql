-- The daily jobs (loyalty-core §7.3, §7.5): one row per run of a job for a tenant and a business
-- date ('YYYY-MM-DD' in the tenant's zone). The unique key makes a (job, tenant, date) run once:
-- asking again reports this row. A failed run, or one whose heartbeat stopped (the process
-- died), is taken over by the next attempt, which counts in `attempts`.
--
-- status: 'running', 'succeeded' or 'failed'; trigger_kind: 'cli', 'schedule', 'console' or
-- 'api'; triggered_by names the user, key or process. processed and changed are the job's
-- counts so far (updated with each batch), summary a small JSON object of job-specific figures.
CREATE TABLE job_runs (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    job TEXT NOT NULL,
    business_date TEXT NOT NULL,
    status TEXT NOT NULL,
    processed BIGINT NOT NULL,
    changed BIGINT NOT NULL,
    summary TEXT,
    error TEXT,
    trigger_kind TEXT NOT NULL,
    triggered_by TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    heartbeat_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT job_runs_once UNIQUE (tenant_id, job, business_date)
);

-- The retention job's scan: active tier records by expiry (the base tier's have none).
CREATE INDEX tier_records_expiring ON tier_records (tenant_id, expires_at_ms)
    WHERE status = 'active' AND expires_at_ms IS NOT NULL;
