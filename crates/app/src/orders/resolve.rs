//! What an order needs to know before its transaction: its store, its member, its products and
//! payment methods, and the program's rules. Read on a reader first, so the transaction only
//! writes (and re-reads what concurrency could change: the member's state, the ledger).

use super::config_cache::ConfigCache;
use crate::error::{AppError, AppResult};
use crate::loyalty::model::{Tier, TierRule};
use crate::members::model::{MemberAccount, StoreRef};
use crate::pii::{Field, Pii};
use crate::ports::Reads;
use patron_domain::ids::{CustomerId, ProgramId, TenantId};
use patron_domain::orders::input::{MemberRef, NewOrder};
use patron_domain::person::Phone;
use patron_domain::points::rule::{PointRule, RuleStatus};
use patron_domain::ValidationError;
use std::collections::HashMap;
use std::sync::Arc;

/// A program's rules, as orders apply them.
#[derive(Debug, Clone, Default)]
pub struct ProgramRules {
    pub point_rules: Vec<PointRule<String>>,
    pub tier_rules: Vec<TierRule>,
    pub tiers: Vec<Tier>,
}

impl ProgramRules {
    /// The store groups and the product groups the point rules name, each once.
    pub fn named_groups(&self) -> (Vec<String>, Vec<String>) {
        let mut stores: Vec<String> = Vec::new();
        let mut products: Vec<String> = Vec::new();
        for rule in &self.point_rules {
            for (named, into) in [
                (&rule.scope.store_group, &mut stores),
                (&rule.scope.product_group, &mut products),
            ] {
                if let Some(g) = named {
                    if !into.contains(g) {
                        into.push(g.clone());
                    }
                }
            }
        }
        (stores, products)
    }
}

/// An order with everything it refers to resolved.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub order: NewOrder,
    pub store: StoreRef,
    pub member: Option<MemberAccount>,
    /// A non-member sale: the identity it named, to match later.
    pub identity: Option<(String, String)>,
    /// Known products: code → the product's category and the categories above it.
    pub products: HashMap<String, Vec<String>>,
    /// Payment method code → whether it earns points.
    pub earning_methods: HashMap<String, bool>,
    /// The store groups the rules name that hold the store.
    pub store_groups: Vec<String>,
    /// Known product code → the product groups the rules name that hold it.
    pub product_groups: HashMap<String, Vec<String>>,
    pub rules: ProgramRules,
    pub tz: chrono_tz::Tz,
}

fn unknown(field: &'static str, code: &'static str, what: &str, value: &str) -> AppError {
    ValidationError::new(field, code, format!("no {what} '{value}'")).into()
}

/// Finds the member an order names; `Ok(None)` with the identity when nobody matches.
async fn member(
    r: &mut dyn Reads,
    pii: &Pii,
    t: TenantId,
    o: &NewOrder,
) -> AppResult<(Option<MemberAccount>, Option<(String, String)>)> {
    let MemberRef {
        card_no,
        phone,
        channel_id,
        customer_id,
    } = &o.member;
    if let Some(card) = card_no {
        let m = r.member_by_card(t, card).await?;
        return Ok(match m {
            Some(m) => (Some(m), None),
            None => (None, Some(("card_no".into(), card.clone()))),
        });
    }
    let (customer, identity) = if let Some(raw) = phone {
        let phone = Phone::parse(raw).map_err(|mut e| {
            e.field = "member";
            e
        })?;
        let index = pii.index(t, Field::Phone, phone.as_str());
        let found = r.customer_by_phone(t, &index).await?.map(|c| c.id);
        (found, ("phone".to_string(), hex(&index)))
    } else if let Some(ext) = channel_id {
        let found = r
            .active_binding(t, o.channel, ext)
            .await?
            .map(|b| b.customer_id);
        (found, ("channel_id".to_string(), ext.clone()))
    } else if let Some(id) = customer_id {
        let found = match CustomerId::parse(id) {
            Some(c) => r.customer(t, c).await?.map(|c| c.id),
            None => None,
        };
        (found, ("customer_id".to_string(), id.clone()))
    } else {
        return Ok((None, None));
    };
    let Some(customer) = customer else {
        return Ok((None, Some(identity)));
    };
    // A person with accounts in several programs: the oldest account takes the order.
    let member = r.members_of(t, customer).await?.into_iter().next();
    Ok(match member {
        Some(m) => (Some(m), None),
        None => (None, Some(identity)),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The enabled point rules and the tier configuration of a program.
pub async fn program_rules(
    r: &mut dyn Reads,
    t: TenantId,
    program: &str,
) -> AppResult<ProgramRules> {
    let point_rules = r
        .point_rules_of(t, program, RuleStatus::Enabled)
        .await?
        .iter()
        .map(|s| s.rule())
        .collect();
    let (tier_rules, tiers) = match ProgramId::parse(program) {
        Some(p) => (r.tier_rules_of(t, p).await?, r.tiers_of(t, p).await?),
        None => (Vec::new(), Vec::new()),
    };
    Ok(ProgramRules {
        point_rules,
        tier_rules,
        tiers,
    })
}

/// Resolves a checked order. An unknown store or payment method is refused, naming the field;
/// unknown products and members are kept (an order is a fact).
pub async fn prepare(
    r: &mut dyn Reads,
    pii: &Pii,
    t: TenantId,
    order: NewOrder,
) -> AppResult<Prepared> {
    prepare_with(r, pii, &ConfigCache::default(), t, order).await
}

/// [`prepare`] taking the tenant's configuration from `cache` while it is current.
pub async fn prepare_with(
    r: &mut dyn Reads,
    pii: &Pii,
    cache: &ConfigCache,
    t: TenantId,
    order: NewOrder,
) -> AppResult<Prepared> {
    // The tenant first: its configuration version says which cached values are current.
    let tenant = r.tenant(t).await?;
    let version = tenant.as_ref().map_or(0, |x| x.config_version);
    let tz = tenant
        .and_then(|x| x.time_zone.parse().ok())
        .unwrap_or(chrono_tz::Tz::Asia__Shanghai);

    let store = match cache.store(t, version, &order.store) {
        Some(s) => s,
        None => {
            let s = r
                .store_ref(t, &order.store)
                .await?
                .ok_or_else(|| unknown("store", "unknown_store", "store", &order.store))?;
            cache.put_store(t, version, &s);
            s
        }
    };
    let (member, identity) = member(r, pii, t, &order).await?;

    let mut codes: Vec<String> = order.lines.iter().map(|l| l.product_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let products = r.products_by_codes(t, &codes).await?;

    let mut methods: Vec<String> = order.payments.iter().map(|p| p.method.clone()).collect();
    methods.sort();
    methods.dedup();
    let mut earning_methods = cache.earning_methods(t, version, &methods);
    let missing: Vec<String> = methods
        .iter()
        .filter(|m| !earning_methods.contains_key(*m))
        .cloned()
        .collect();
    if !missing.is_empty() {
        let found: HashMap<String, bool> = r
            .payment_methods_by_codes(t, &missing)
            .await?
            .iter()
            .map(|m| (m.code.clone(), m.earns_points))
            .collect();
        cache.put_earning_methods(t, version, &found);
        earning_methods.extend(found);
    }
    if let Some(missing) = methods.iter().find(|m| !earning_methods.contains_key(*m)) {
        return Err(unknown(
            "payments",
            "unknown_payment_method",
            "payment method",
            missing,
        ));
    }

    let rules = match &member {
        Some(m) => match cache.program(t, version, &m.program_id) {
            Some(rules) => (*rules).clone(),
            None => {
                let rules = program_rules(r, t, &m.program_id).await?;
                cache.put_program(t, version, &m.program_id, Arc::new(rules.clone()));
                rules
            }
        },
        None => ProgramRules::default(),
    };
    let names_categories = rules
        .point_rules
        .iter()
        .any(|rule| !rule.scope.categories.is_empty());
    let mut products_map = HashMap::new();
    for p in &products {
        let chain = match (&p.category_code, names_categories) {
            (Some(c), true) => match cache.category_chain(t, version, c) {
                Some(chain) => chain,
                None => {
                    let chain = category_chain(r, t, c).await?;
                    cache.put_category_chain(t, version, c, &chain);
                    chain
                }
            },
            _ => Vec::new(),
        };
        products_map.insert(p.code.clone(), chain);
    }
    // Stores are few: their memberships are cached. Products can be millions, so an order asks
    // about its own (one primary-key lookup per named product group), like its products.
    let (store_groups, product_groups) = rules.named_groups();
    let here = std::slice::from_ref(&store.code);
    let store_groups = memberships(r, Some((cache, version)), t, &store_groups, here)
        .await?
        .remove(&store.code)
        .unwrap_or_default();
    let product_groups = if product_groups.is_empty() {
        HashMap::new()
    } else {
        let known: Vec<String> = products.iter().map(|p| p.code.clone()).collect();
        memberships(r, None, t, &product_groups, &known).await?
    };
    Ok(Prepared {
        order,
        store,
        member,
        identity,
        products: products_map,
        earning_methods,
        store_groups,
        product_groups,
        rules,
        tz,
    })
}

/// Which of `groups` hold each of `codes` (codes that exist in master data): code → group ids,
/// codes in no group left out. With a cache, per group and code (see [`ConfigCache`]).
async fn memberships(
    r: &mut dyn Reads,
    cache: Option<(&ConfigCache, i64)>,
    t: TenantId,
    groups: &[String],
    codes: &[String],
) -> AppResult<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if codes.is_empty() || groups.is_empty() {
        return Ok(out);
    }
    for group in groups {
        let mut known = match cache {
            Some((cache, version)) => cache.group_members(t, version, group, codes),
            None => HashMap::new(),
        };
        let missing: Vec<String> = codes
            .iter()
            .filter(|c| !known.contains_key(*c))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let members = r.group_members_among(t, group, &missing).await?;
            let read: HashMap<String, bool> = missing
                .into_iter()
                .map(|c| {
                    let member = members.contains(&c);
                    (c, member)
                })
                .collect();
            if let Some((cache, version)) = cache {
                cache.put_group_members(t, version, group, &read);
            }
            known.extend(read);
        }
        for (code, member) in known {
            if member {
                out.entry(code).or_default().push(group.clone());
            }
        }
    }
    Ok(out)
}

/// A category and the categories above it (three levels at most).
async fn category_chain(r: &mut dyn Reads, t: TenantId, code: &str) -> AppResult<Vec<String>> {
    let mut chain = vec![code.to_string()];
    let mut next = code.to_string();
    for _ in 0..3 {
        let found = r
            .categories_by_codes(t, std::slice::from_ref(&next))
            .await?;
        match found.into_iter().next().and_then(|c| c.parent_code) {
            Some(parent) if !chain.contains(&parent) => {
                chain.push(parent.clone());
                next = parent;
            }
            _ => break,
        }
    }
    Ok(chain)
}
