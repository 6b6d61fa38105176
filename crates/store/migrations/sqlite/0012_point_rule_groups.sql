-- Base point rules may name a store group and a product group (loyalty-core §10.1: 适用门店
-- "a store group or list"). The group's members join the codes listed; NULL = no group. Only an
-- enabled group, whose members are frozen, may be named, and a named group cannot be deleted.
ALTER TABLE point_rules ADD COLUMN store_group_id TEXT;
ALTER TABLE point_rules ADD COLUMN product_group_id TEXT;
