//! The configuration every order reads — its store, its payment methods, its program's rules and
//! tiers, its products' category chains — kept in memory per tenant, so an order reads only what
//! is its own (the member, the products) and the tenant row.
//!
//! The database bumps a tenant's `config_version` on every change to those tables (triggers of
//! migration 0009, whoever writes). Each order reads the tenant first and uses a cached entry only
//! at exactly that version; an entry at another version is dropped and filled again. A value read
//! after the version can only be as new or newer than it, so a stale value never outlives the
//! version that announced its change.
//!
//! Store group membership is cached too, per group and store code, for stores that exist only.
//! A rule may name only an enabled group, whose members never change, and a named group cannot
//! be deleted, so a membership read at a version stays true at it.

use super::resolve::ProgramRules;
use crate::members::model::StoreRef;
use patron_domain::ids::TenantId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// One tenant's cached configuration at one version. Only values that exist are kept, so codes
/// sent by mistake cannot grow it.
#[derive(Debug, Default)]
struct Entry {
    version: i64,
    stores: HashMap<String, StoreRef>,
    earning_methods: HashMap<String, bool>,
    programs: HashMap<String, Arc<ProgramRules>>,
    category_chains: HashMap<String, Vec<String>>,
    /// Store group id → store code → whether the store is a member.
    group_members: HashMap<String, HashMap<String, bool>>,
}

#[derive(Debug, Default)]
pub struct ConfigCache {
    tenants: Mutex<HashMap<TenantId, Entry>>,
}

impl ConfigCache {
    /// Reads the entry of `t` if it is at `version`.
    fn get<T>(
        &self,
        t: TenantId,
        version: i64,
        read: impl FnOnce(&Entry) -> Option<T>,
    ) -> Option<T> {
        let tenants = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        tenants
            .get(&t)
            .filter(|e| e.version == version)
            .and_then(read)
    }

    /// Adds to the entry of `t` what was read at `version`: an older entry is replaced, and a
    /// value read at an older version than the entry's is not kept.
    fn put(&self, t: TenantId, version: i64, write: impl FnOnce(&mut Entry)) {
        let mut tenants = self.tenants.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = tenants.entry(t).or_default();
        if entry.version < version {
            *entry = Entry {
                version,
                ..Entry::default()
            };
        }
        if entry.version == version {
            write(entry);
        }
    }

    pub fn store(&self, t: TenantId, version: i64, code: &str) -> Option<StoreRef> {
        self.get(t, version, |e| e.stores.get(code).cloned())
    }

    pub fn put_store(&self, t: TenantId, version: i64, store: &StoreRef) {
        self.put(t, version, |e| {
            e.stores.insert(store.code.clone(), store.clone());
        });
    }

    /// Whether each method earns points, for the methods cached; the others are missing.
    pub fn earning_methods(
        &self,
        t: TenantId,
        version: i64,
        codes: &[String],
    ) -> HashMap<String, bool> {
        self.get(t, version, |e| {
            Some(
                codes
                    .iter()
                    .filter_map(|c| e.earning_methods.get(c).map(|v| (c.clone(), *v)))
                    .collect(),
            )
        })
        .unwrap_or_default()
    }

    pub fn put_earning_methods(&self, t: TenantId, version: i64, methods: &HashMap<String, bool>) {
        self.put(t, version, |e| {
            e.earning_methods
                .extend(methods.iter().map(|(k, v)| (k.clone(), *v)));
        });
    }

    pub fn program(&self, t: TenantId, version: i64, program: &str) -> Option<Arc<ProgramRules>> {
        self.get(t, version, |e| e.programs.get(program).cloned())
    }

    pub fn put_program(&self, t: TenantId, version: i64, program: &str, rules: Arc<ProgramRules>) {
        self.put(t, version, |e| {
            e.programs.insert(program.to_string(), rules);
        });
    }

    pub fn category_chain(&self, t: TenantId, version: i64, code: &str) -> Option<Vec<String>> {
        self.get(t, version, |e| e.category_chains.get(code).cloned())
    }

    pub fn put_category_chain(&self, t: TenantId, version: i64, code: &str, chain: &[String]) {
        self.put(t, version, |e| {
            e.category_chains.insert(code.to_string(), chain.to_vec());
        });
    }

    /// Whether each code is a member of `group`, for the codes cached; the others are missing.
    pub fn group_members(
        &self,
        t: TenantId,
        version: i64,
        group: &str,
        codes: &[String],
    ) -> HashMap<String, bool> {
        self.get(t, version, |e| {
            let known = e.group_members.get(group)?;
            Some(
                codes
                    .iter()
                    .filter_map(|c| known.get(c).map(|v| (c.clone(), *v)))
                    .collect(),
            )
        })
        .unwrap_or_default()
    }

    pub fn put_group_members(
        &self,
        t: TenantId,
        version: i64,
        group: &str,
        members: &HashMap<String, bool>,
    ) {
        self.put(t, version, |e| {
            e.group_members
                .entry(group.to_string())
                .or_default()
                .extend(members.iter().map(|(k, v)| (k.clone(), *v)));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(code: &str, name: &str) -> StoreRef {
        StoreRef {
            id: format!("id-{code}"),
            code: code.into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_value_is_used_only_at_the_version_it_was_read_at() {
        let cache = ConfigCache::default();
        let t = TenantId::new(1);
        cache.put_store(t, 3, &store("S1", "Old"));
        assert_eq!(cache.store(t, 3, "S1"), Some(store("S1", "Old")));
        // The configuration changed: version 4 does not see what was read at 3.
        assert_eq!(cache.store(t, 4, "S1"), None);
        cache.put_store(t, 4, &store("S1", "New"));
        assert_eq!(cache.store(t, 4, "S1"), Some(store("S1", "New")));
        // A slow request that read at 3 does not put its value back.
        cache.put_store(t, 3, &store("S1", "Old"));
        assert_eq!(cache.store(t, 4, "S1"), Some(store("S1", "New")));
        assert_eq!(cache.store(t, 3, "S1"), None);
        // Other tenants are apart.
        assert_eq!(cache.store(TenantId::new(2), 4, "S1"), None);
    }

    #[test]
    fn methods_come_back_only_for_the_codes_cached() {
        let cache = ConfigCache::default();
        let t = TenantId::new(1);
        let known = HashMap::from([("wechat".to_string(), true), ("gift".to_string(), false)]);
        cache.put_earning_methods(t, 1, &known);
        let asked = ["gift".to_string(), "cash".to_string()];
        assert_eq!(
            cache.earning_methods(t, 1, &asked),
            HashMap::from([("gift".to_string(), false)])
        );
        assert!(cache.earning_methods(t, 2, &asked).is_empty());
    }

    #[test]
    fn memberships_are_kept_per_group_and_version() {
        let cache = ConfigCache::default();
        let t = TenantId::new(1);
        let read = HashMap::from([("WX01".to_string(), true), ("POS1".to_string(), false)]);
        cache.put_group_members(t, 5, "online", &read);
        let asked = ["WX01".to_string(), "POS1".to_string(), "TM01".to_string()];
        assert_eq!(cache.group_members(t, 5, "online", &asked), read);
        assert!(cache.group_members(t, 5, "offline", &asked).is_empty());
        assert!(cache.group_members(t, 6, "online", &asked).is_empty());
    }
}
