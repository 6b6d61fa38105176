//! The customer 360° view (loyalty-core §8.3): the customer, each member account with its tier
//! records and point accounts, the channel bindings, and the names of the programs, tiers,
//! tier rules, point groups and stores they refer to.

use super::accounts::{self, MemberDetails};
use super::customers::{self, CustomerDetails};
use super::model::{Named, NamedRef};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::pii::Pii;
use crate::ports::Store;
use patron_domain::ids::{CustomerId, TierRuleId};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Portrait {
    pub details: CustomerDetails,
    pub members: Vec<MemberDetails>,
    /// Names by id, whatever their kind (ids are unique across tables).
    pub names: HashMap<String, NamedRef>,
}

impl Portrait {
    /// The name of a referenced record, or its id when it is gone.
    pub fn name_of(&self, id: &str) -> String {
        self.names
            .get(id)
            .map_or_else(|| id.to_string(), |n| n.name.clone())
    }
}

pub async fn get(store: &dyn Store, ctx: &Ctx, pii: &Pii, id: CustomerId) -> AppResult<Portrait> {
    let details = customers::get(store, ctx, pii, id).await?;
    let mut members = Vec::with_capacity(details.members.len());
    for m in &details.members {
        members.push(accounts::get(store, ctx, m.id).await?);
    }
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let mut names = HashMap::new();
    let programs: Vec<String> = members
        .iter()
        .map(|m| m.member.program_id.clone())
        .collect();
    let tiers: Vec<String> = members
        .iter()
        .flat_map(|m| m.tier_records.iter().map(|r| r.tier_id.clone()))
        .collect();
    let groups: Vec<String> = members
        .iter()
        .flat_map(|m| m.point_accounts.iter().map(|a| a.point_group_id.clone()))
        .collect();
    let stores: Vec<String> = members
        .iter()
        .flat_map(|m| {
            [
                m.member.registration_store_id.clone(),
                m.member.home_store_id.clone(),
            ]
        })
        .chain(details.bindings.iter().map(|b| b.store_id.clone()))
        .flatten()
        .collect();
    // Tier records name the rule that produced them; rules have names but no codes.
    let mut rules: Vec<String> = members
        .iter()
        .flat_map(|m| m.tier_records.iter().filter_map(|r| r.tier_rule_id.clone()))
        .collect();
    rules.sort();
    rules.dedup();
    for id in rules {
        let Some(rule_id) = TierRuleId::parse(&id) else {
            continue;
        };
        if let Some(rule) = r.tier_rule(t, rule_id).await? {
            names.insert(
                id.clone(),
                NamedRef {
                    id,
                    code: String::new(),
                    name: rule.name,
                },
            );
        }
    }
    for (kind, ids) in [
        (Named::Program, programs),
        (Named::Tier, tiers),
        (Named::PointGroup, groups),
        (Named::Store, stores),
    ] {
        for n in r.named(t, kind, &ids).await? {
            names.insert(n.id.clone(), n);
        }
    }
    Ok(Portrait {
        details,
        members,
        names,
    })
}
