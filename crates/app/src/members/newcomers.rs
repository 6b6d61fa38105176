//! Registering many people the tenant does not know yet, with a few statements for all of them.
//!
//! An import batch is mostly new people: a phone no customer has, no card number, no channel
//! account. One registration of such a row is a read and four inserts; on PostgreSQL each is a
//! round trip, so a batch of 500 rows would be 2,500. Here the batch's phones are looked up in
//! one read and the new customers, members, tier records and point accounts are inserted many
//! rows per statement. Everything else (known people, supplied card numbers, channel accounts,
//! a phone twice in the batch) is left to [`super::register::register_resolved`], which has the
//! rules for it.

use super::profile;
use super::register::{self, Prepared, Resolved};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::pii::{Field, Pii};
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::ids::{CustomerId, MemberId};
use patron_domain::rbac::Permission;
use std::collections::{HashMap, HashSet};

/// A registration whose references are resolved.
#[derive(Debug, Clone, Copy)]
pub struct Newcomer<'a> {
    pub prepared: &'a Prepared,
    pub resolved: &'a Resolved,
}

/// Whether a registration can only be a new person, if its phone is unknown.
fn simple(p: &Prepared) -> bool {
    p.profile.phone.is_some() && p.card_no.is_none() && p.binding.is_none()
}

/// Registers, as new customers and members, the newcomers with a phone no customer of the
/// tenant has (and no other newcomer), no card number and no channel account; returns for each
/// whether it was registered here. The others are untouched: the caller registers them one by
/// one, after these.
pub async fn register_newcomers(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    pii: &Pii,
    people: &[Newcomer<'_>],
) -> AppResult<Vec<bool>> {
    ctx.principal.require(Permission::CustomersRegister)?;
    let t = ctx.principal.tenant()?;
    let mut done = vec![false; people.len()];

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
    let unique: Vec<usize> = (0..people.len())
        .filter(|&i| {
            index[i]
                .as_ref()
                .is_some_and(|ix| seen.get(ix.as_slice()) == Some(&1))
        })
        .collect();
    if unique.is_empty() {
        return Ok(done);
    }
    let phones: Vec<Vec<u8>> = unique.iter().filter_map(|&i| index[i].clone()).collect();
    let known: HashSet<Vec<u8>> = tx.known_phones(t, &phones).await?.into_iter().collect();
    let chosen: Vec<usize> = unique
        .into_iter()
        .filter(|&i| index[i].as_ref().is_some_and(|ix| !known.contains(ix)))
        .collect();

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
        registered.push(i);
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
    for (member, &i) in members.iter().zip(&registered) {
        let (record, opened) = register::openings(member, people[i].resolved);
        tier_records.push(record);
        accounts.extend(opened);
        done[i] = true;
    }
    tx.insert_openings(&tier_records, &accounts).await?;
    Ok(done)
}
