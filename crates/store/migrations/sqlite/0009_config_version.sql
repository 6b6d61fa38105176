-- The configuration orders read (stores, payment methods, categories, programs, point groups,
-- tiers, tier rules, point rules) is cached in the server per tenant; every change to it bumps
-- the tenant's config_version, which each order reads with the tenant, so a cached copy is used
-- only while nothing it holds has changed, whoever changed it (the API, an import, a script).
-- Triggers, not application code, so that no write path can forget.
ALTER TABLE tenants ADD COLUMN config_version BIGINT NOT NULL DEFAULT 0;
CREATE TRIGGER programs_config_insert AFTER INSERT ON programs BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER programs_config_update AFTER UPDATE ON programs BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER programs_config_delete AFTER DELETE ON programs BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER point_groups_config_insert AFTER INSERT ON point_groups BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER point_groups_config_update AFTER UPDATE ON point_groups BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER point_groups_config_delete AFTER DELETE ON point_groups BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER tiers_config_insert AFTER INSERT ON tiers BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER tiers_config_update AFTER UPDATE ON tiers BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER tiers_config_delete AFTER DELETE ON tiers BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER tier_rules_config_insert AFTER INSERT ON tier_rules BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER tier_rules_config_update AFTER UPDATE ON tier_rules BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER tier_rules_config_delete AFTER DELETE ON tier_rules BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER categories_config_insert AFTER INSERT ON categories BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER categories_config_update AFTER UPDATE ON categories BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER categories_config_delete AFTER DELETE ON categories BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER stores_config_insert AFTER INSERT ON stores BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER stores_config_update AFTER UPDATE ON stores BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER stores_config_delete AFTER DELETE ON stores BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER payment_methods_config_insert AFTER INSERT ON payment_methods BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER payment_methods_config_update AFTER UPDATE ON payment_methods BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER payment_methods_config_delete AFTER DELETE ON payment_methods BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER point_rules_config_insert AFTER INSERT ON point_rules BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER point_rules_config_update AFTER UPDATE ON point_rules BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER point_rules_config_delete AFTER DELETE ON point_rules BEGIN
    UPDATE tenants SET config_version = config_version + 1 WHERE id = OLD.tenant_id;
END;

-- The upgrade check sums a member's upgrade-counting points over a window, for every order:
-- with this index it reads only that group's records in the window, however long the history.
CREATE INDEX point_records_upgrade ON point_records
    (tenant_id, member_id, point_group_id, effective_at_ms, operation, change)
    WHERE counts_for_upgrade = 1;
