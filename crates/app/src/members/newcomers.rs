//! Registering many people the tenant does not know yet, with a few statements for all of them.
//!
//! An import batch, or a burst of registrations through the API, is mostly new people: a phone no
//! customer has, no card number, and at most a channel account nobody holds. One registration of
//! such a person is two reads and five inserts; on PostgreSQL each is a round trip, so a batch of
//! 500 would be 3,500. Here the batch's phones and channel accounts are looked up in one read
//! each and the new customers, members, tier records, point accounts and bindings are inserted
//! many rows per statement. Everything else (known people or accounts, supplied card numbers, a
//! phone or an account twice in the batch) is left to
//! [`super::register::register_resolved`], which has the rules for it.

use super::profile;
use super::register::{self, Prepared, Registered, Resolved};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::pii::{Field, Pii};
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::channel::Channel;
use patron_domain::ids::{CustomerId, MemberId, TenantId};
use patron_domain::rbac::Permission;
use std::collections::{HashMap, HashSet};

/// A registration whose references are resolved.
#[derive(Debug, Clone, Copy)]
pub struct Newcomer<'a> {
    pub prepared: &'a Prepared,
    pub resolved: &'a Resolved,
}

/// Whether a registration can only be a new person, if its phone and channel account are
/// unknown.
fn simple(p: &Prepared) -> bool {
    p.profile.phone.is_some() && p.card_no.is_none()
}

/// A registration's channel account, as the unique index of bound accounts keys it.
fn account_key<'a>(n: &Newcomer<'a>) -> Option<(&'static str, &'a str)> {
    let b = n.prepared.binding.as_ref()?;
    Some((n.prepared.channel.code(), b.external_id.as_str()))
}

/// Registers, as new customers and members, the newcomers with a phone no customer of the
/// tenant has, a channel account (if any) nobody holds, neither shared with another newcomer,
/// and no card number; returns for each the registration made here, if any. The others are
/// untouched: the caller registers them one by one, after these.
pub async fn register_newcomers(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    pii: &Pii,
    people: &[Newcomer<'_>],
) -> AppResult<Vec<Option<Registered>>> {
    ctx.principal.require(Permission::CustomersRegister)?;
    let t = ctx.principal.tenant()?;
    let mut done: Vec<Option<Registered>> = vec![None; people.len()];

    // The candidates: simple registrations whose phone no other one of the batch has.
    let index: Vec<Option<Vec<u8>>> = people
        .iter()
        .map(|n| {
            let phone = n.prepared.profile.phone.as_ref()?;
            simple(n.prepared).then(|| pii.index(t, Field::Phone, phone.as_str()))
        })
        .collect();
    let mut seen: HashMap<&[u8], usize> = HashMap::new();
    for ix in index.iter().flatten() {
        *seen.entry(ix.as_slice()).or_default() += 1;
    }
    let mut accounts_seen: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, n) in people.iter().enumerate() {
        if let (Some(key), Some(_)) = (account_key(n), &index[i]) {
            *accounts_seen.entry(key).or_default() += 1;
        }
    }
    let unique: Vec<usize> = (0..people.len())
        .filter(|&i| {
            index[i]
                .as_ref()
                .is_some_and(|ix| seen.get(ix.as_slice()) == Some(&1))
                && account_key(&people[i]).is_none_or(|k| accounts_seen.get(&k) == Some(&1))
        })
        .collect();
    if unique.is_empty() {
        return Ok(done);
    }
    let phones: Vec<Vec<u8>> = unique.iter().filter_map(|&i| index[i].clone()).collect();
    let known: HashSet<Vec<u8>> = tx.known_phones(t, &phones).await?.into_iter().collect();
    let bound = bound_accounts(tx, t, people, &unique).await?;
    let mut chosen: Vec<usize> = unique
        .into_iter()
        .filter(|&i| index[i].as_ref().is_some_and(|ix| !known.contains(ix)))
        .filter(|&i| {
            account_key(&people[i]).is_none_or(|(c, e)| !bound.contains(&(c, e.to_string())))
        })
        .collect();
    // In the order of the phones' index: two batches running at once that share a phone then
    // take its unique key in the same order, and one waits for the other instead of deadlocking.
    chosen.sort_by(|&a, &b| index[a].cmp(&index[b]));

    // Customers: one whose phone was taken since the read (a concurrent registration) is not
    // inserted, and is left to the caller, which attaches the row to that customer.
    let customers: Vec<_> = chosen
        .iter()
        .map(|&i| {
            let p = people[i].prepared;
            profile::new_customer(
                pii,
                t,
                CustomerId::from_uuid(new_uuid()),
                &p.profile,
                p.channel,
                ctx.now_ms,
            )
        })
        .collect();
    let inserted: HashSet<CustomerId> =
        tx.insert_customers(&customers).await?.into_iter().collect();

    // Members, with generated card numbers; a number a supplied card holds already is replaced.
    let mut members = Vec::with_capacity(chosen.len());
    let mut registered = Vec::with_capacity(chosen.len());
    for (&i, customer) in chosen.iter().zip(&customers) {
        if !inserted.contains(&customer.id) {
            continue;
        }
        let n = people[i];
        let card_no = tx.next_card_no(t).await?.to_string();
        members.push(register::new_member(
            t, customer, n.prepared, n.resolved, card_no, ctx.now_ms,
        ));
        registered.push((i, customer));
    }
    let mut pending: Vec<usize> = (0..members.len()).collect();
    for attempt in 0.. {
        let batch: Vec<_> = pending.iter().map(|&m| members[m].clone()).collect();
        let inserted: HashSet<MemberId> = tx.insert_members(&batch).await?.into_iter().collect();
        pending.retain(|&m| !inserted.contains(&members[m].id));
        let Some(&first) = pending.first() else { break };
        if attempt + 1 >= register::CARD_TRIES {
            return Err(register::card_taken(&members[first].card_no));
        }
        for &m in &pending {
            members[m].card_no = tx.next_card_no(t).await?.to_string();
        }
    }

    let mut tier_records = Vec::with_capacity(members.len());
    let mut accounts = Vec::new();
    let mut bindings = Vec::new();
    for (member, &(i, customer)) in members.iter().zip(&registered) {
        let n = people[i];
        let (record, opened) = register::openings(member, n.resolved);
        tier_records.push(record);
        accounts.extend(opened);
        if let Some(b) = &n.prepared.binding {
            bindings.push(register::new_binding(
                t,
                member.customer_id,
                n.prepared.channel,
                b,
                n.resolved.store_id.clone(),
                ctx.now_ms,
            ));
        }
        done[i] = Some(Registered {
            customer: customer.clone(),
            member: member.clone(),
            created_member: true,
            created_customer: true,
        });
    }
    tx.insert_openings(&tier_records, &accounts, &bindings)
        .await?;
    Ok(done)
}

/// Which of the candidates' channel accounts are bound already, as (channel, external id).
async fn bound_accounts(
    tx: &mut dyn Tx,
    t: TenantId,
    people: &[Newcomer<'_>],
    candidates: &[usize],
) -> AppResult<HashSet<(&'static str, String)>> {
    let mut by_channel: HashMap<Channel, Vec<String>> = HashMap::new();
    for &i in candidates {
        let p = people[i].prepared;
        if let Some(b) = &p.binding {
            by_channel
                .entry(p.channel)
                .or_default()
                .push(b.external_id.clone());
        }
    }
    let mut bound = HashSet::new();
    for (channel, ids) in by_channel {
        for id in tx.bound_external_ids(t, channel, &ids).await? {
            bound.insert((channel.code(), id));
        }
    }
    Ok(bound)
}
