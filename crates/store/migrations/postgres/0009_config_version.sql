-- The configuration orders read (stores, payment methods, categories, programs, point groups,
-- tiers, tier rules, point rules) is cached in the server per tenant; every change to it bumps
-- the tenant's config_version, which each order reads with the tenant, so a cached copy is used
-- only while nothing it holds has changed, whoever changed it (the API, an import, a script).
-- Triggers, not application code, so that no write path can forget.
ALTER TABLE tenants ADD COLUMN config_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants SET config_version = config_version + 1
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
    RETURN NULL;
END;
$$;
CREATE TRIGGER programs_config AFTER INSERT OR UPDATE OR DELETE ON programs
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER point_groups_config AFTER INSERT OR UPDATE OR DELETE ON point_groups
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER tiers_config AFTER INSERT OR UPDATE OR DELETE ON tiers
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER tier_rules_config AFTER INSERT OR UPDATE OR DELETE ON tier_rules
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER categories_config AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER stores_config AFTER INSERT OR UPDATE OR DELETE ON stores
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER payment_methods_config AFTER INSERT OR UPDATE OR DELETE ON payment_methods
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();
CREATE TRIGGER point_rules_config AFTER INSERT OR UPDATE OR DELETE ON point_rules
    FOR EACH ROW EXECUTE FUNCTION bump_config_version();

-- The upgrade check sums a member's upgrade-counting points over a window, for every order:
-- with this index it reads only that group's records in the window, however long the history.
CREATE INDEX point_records_upgrade ON point_records
    (tenant_id, member_id, point_group_id, effective_at_ms, operation, change)
    WHERE counts_for_upgrade = 1;
