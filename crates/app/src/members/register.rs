//! Registration from any channel (loyalty-core §7.1, §8; cdp-canvas-guide §4 id mapping).
//!
//! Within a tenant a phone number, or a bound channel account, identifies one customer. A
//! registration that names a known person attaches to that customer (binding the new channel);
//! one that names a known member of the program returns that member unchanged, so repeating a
//! registration is harmless. A new member gets its base tier record and one point account per
//! point group in the same transaction.

use super::model::{Binding, MemberAccount, PointAccount, StoredCustomer, TierRecord};
use super::profile::{self, Profile, ProfileInput};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::pii::{Field, Pii};
use crate::ports::{Reads, Tx};
use crate::secrets::new_uuid;
use patron_domain::channel::Channel;
use patron_domain::ids::{BindingId, CustomerId, MemberId, TenantId};
use patron_domain::member::{self, MemberStatus, TierRecordType};
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;

#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// The program's code.
    pub program: String,
    /// The channel code the member registers through.
    pub channel: String,
    /// The registering store's code (the channel's virtual store for online channels).
    pub store: Option<String>,
    /// A card number supplied by the channel; generated when absent.
    pub card_no: Option<String>,
    /// When the member registered, if earlier than now (imports, late deliveries).
    pub registered_at_ms: Option<i64>,
    pub profile: ProfileInput,
    pub binding: Option<BindingInput>,
    pub home_store: Option<String>,
    pub guide: Option<String>,
}

/// A platform account given with a registration or bound later.
#[derive(Debug, Clone, Default)]
pub struct BindingInput {
    pub external_id: String,
    pub openid: Option<String>,
    pub unionid: Option<String>,
    pub nickname: Option<String>,
}

/// A binding after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBinding {
    pub external_id: String,
    pub openid: Option<String>,
    pub unionid: Option<String>,
    pub nickname: Option<String>,
}

fn platform_id(field: &'static str, raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => patron_domain::text::bounded(field, v, 1, 128).map(Some),
    }
}

impl BindingInput {
    pub fn parse(&self) -> Result<ParsedBinding, ValidationError> {
        Ok(ParsedBinding {
            external_id: patron_domain::text::bounded(
                "binding.external_id",
                &self.external_id,
                1,
                128,
            )?,
            openid: platform_id("binding.openid", self.openid.as_deref())?,
            unionid: platform_id("binding.unionid", self.unionid.as_deref())?,
            nickname: platform_id("binding.nickname", self.nickname.as_deref())?,
        })
    }
}

/// A registration whose fields are valid; references are resolved in the transaction.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub program: String,
    pub channel: Channel,
    pub store: Option<String>,
    pub card_no: Option<String>,
    pub registered_at_ms: i64,
    pub profile: Profile,
    pub binding: Option<ParsedBinding>,
    pub home_store: Option<String>,
    pub guide: Option<String>,
}

/// The earliest registration time accepted (older data is almost certainly a unit mistake).
const EARLIEST_MS: i64 = 946_684_800_000; // 2000-01-01
/// How far in the future a sender's clock may be.
const CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

fn code_ref(field: &'static str, raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => patron_domain::text::bounded(field, v, 1, 64).map(Some),
    }
}

/// Checks every field; nothing is read or written.
pub fn prepare(input: &Registration, now_ms: i64) -> Result<Prepared, ValidationError> {
    let program = patron_domain::text::bounded("program", &input.program, 1, 64)?;
    let channel = Channel::parse_field("channel", &input.channel)?;
    let profile = Profile::parse(&input.profile, now_ms)?;
    let binding = input
        .binding
        .as_ref()
        .map(BindingInput::parse)
        .transpose()?;
    if profile.phone.is_none() && binding.is_none() {
        return Err(ValidationError::new(
            "phone",
            "identity_required",
            "give a phone number or a channel account to identify the member",
        ));
    }
    let registered_at_ms = input.registered_at_ms.unwrap_or(now_ms);
    if !(EARLIEST_MS..=now_ms + CLOCK_SKEW_MS).contains(&registered_at_ms) {
        return Err(ValidationError::new(
            "registered_at",
            "registered_at_out_of_range",
            "must be after 2000-01-01 and not in the future",
        ));
    }
    Ok(Prepared {
        program,
        channel,
        store: code_ref("store", input.store.as_deref())?,
        card_no: input
            .card_no
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(member::parse_card_no)
            .transpose()?,
        registered_at_ms,
        profile,
        binding,
        home_store: code_ref("home_store", input.home_store.as_deref())?,
        guide: code_ref("guide", input.guide.as_deref())?,
    })
}

/// The outcome of a registration.
#[derive(Debug, Clone)]
pub struct Registered {
    pub customer: StoredCustomer,
    pub member: MemberAccount,
    /// A new member account was opened (else the existing one is returned).
    pub created_member: bool,
    /// A new customer was created (else the person was known).
    pub created_customer: bool,
}

fn unknown(field: &'static str, code: &'static str, what: &str, value: &str) -> AppError {
    ValidationError::new(field, code, format!("no {what} '{value}'")).into()
}

/// Registers (or finds) the member. See the module documentation.
/// What a registration refers to, resolved from its codes: the program (with its base tier and
/// point groups) and the stores. Configuration, so an import resolves it once per code and reads
/// it outside its transactions.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub program: crate::members::model::ProgramRefs,
    pub base_tier: String,
    pub store_id: Option<String>,
    pub home_store_id: Option<String>,
}

/// Resolves a registration's program and store codes; unknown ones are refused, naming the field.
pub async fn resolve(r: &mut dyn Reads, t: TenantId, p: &Prepared) -> AppResult<Resolved> {
    let program = r
        .program_refs(t, &p.program)
        .await?
        .ok_or_else(|| unknown("program", "unknown_program", "program", &p.program))?;
    let base_tier = program.base_tier_id.clone().ok_or_else(|| {
        AppError::conflict(
            "program_not_ready",
            Some("program"),
            "the program has no base tier yet; configure its tiers first",
        )
    })?;
    let store_id = match &p.store {
        Some(code) => Some(
            r.store_ref(t, code)
                .await?
                .ok_or_else(|| unknown("store", "unknown_store", "store", code))?
                .id,
        ),
        None => None,
    };
    let home_store_id = match &p.home_store {
        Some(code) => Some(
            r.store_ref(t, code)
                .await?
                .ok_or_else(|| unknown("home_store", "unknown_store", "store", code))?
                .id,
        ),
        None => None,
    };
    Ok(Resolved {
        program,
        base_tier,
        store_id,
        home_store_id,
    })
}

/// Registers (or finds) the member. See the module documentation.
pub async fn register(tx: &mut dyn Tx, ctx: &Ctx, pii: &Pii, p: Prepared) -> AppResult<Registered> {
    ctx.principal.require(Permission::CustomersRegister)?;
    let t = ctx.principal.tenant()?;
    let resolved = resolve(&mut *tx, t, &p).await?;
    register_resolved(tx, ctx, pii, p, &resolved).await
}

/// [`register`] with the references already resolved.
pub async fn register_resolved(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    pii: &Pii,
    p: Prepared,
    resolved: &Resolved,
) -> AppResult<Registered> {
    ctx.principal.require(Permission::CustomersRegister)?;
    let t = ctx.principal.tenant()?;
    let program = &resolved.program;
    let store_id = resolved.store_id.clone();

    // Every refusal comes before the first write, so a refused registration leaves nothing
    // behind even inside a larger transaction (imports register many rows in one).
    let supplied_card = match &p.card_no {
        Some(card) => match tx.member_by_card(t, card).await? {
            Some(m) if !same_person(tx, pii, t, &p, &m).await? => return Err(card_taken(card)),
            _ => Some(card.clone()),
        },
        None => None,
    };
    let found = find_or_create_customer(tx, ctx, pii, t, &p).await?;
    let (mut customer, created_customer) = (found.customer, found.created);
    if let (Some(b), false) = (&p.binding, found.by_binding) {
        let binding = new_binding(t, customer.id, p.channel, b, store_id.clone(), ctx.now_ms);
        tx.insert_binding(&binding).await?;
    }
    if !created_customer {
        // A known person registering again fills the gaps of their profile.
        let before = customer.clone();
        profile::apply(pii, &mut customer, &p.profile, true);
        if customer != before && customer.erased_at_ms.is_none() {
            customer.updated_at_ms = ctx.now_ms;
            tx.update_customer(&customer).await?;
        }
        if let Some(m) = tx.member_of(t, &program.program_id, customer.id).await? {
            return Ok(Registered {
                customer,
                member: m,
                created_member: false,
                created_customer,
            });
        }
    }

    let generated = supplied_card.is_none();
    let card_no = match supplied_card {
        Some(card) => card,
        None => tx.next_card_no(t).await?.to_string(),
    };
    let mut member = new_member(t, &customer, &p, resolved, card_no, ctx.now_ms);
    // The card number's unique index decides: a generated number a supplied card holds already
    // is skipped (no read before each insert); a supplied one taken since the check above is a
    // conflict.
    let mut tries = 0;
    while !tx.insert_member(&member).await? {
        tries += 1;
        if !generated || tries >= CARD_TRIES {
            return Err(card_taken(&member.card_no));
        }
        member.card_no = tx.next_card_no(t).await?.to_string();
    }
    let (tier_record, accounts) = openings(&member, resolved);
    tx.insert_openings(&[tier_record], &accounts, &[]).await?;
    Ok(Registered {
        customer,
        member,
        created_member: true,
        created_customer,
    })
}

/// Whether a refusal is a unique index's answer to a registration that raced another one (two
/// first registrations of one channel account): run again, it finds the winner's customer.
pub fn lost_race(code: &str) -> bool {
    code == "binding_taken" || code == "duplicate"
}

/// Generated card numbers tried before a registration gives up (each one taken means a supplied
/// card number holds it).
pub(crate) const CARD_TRIES: usize = 20;

pub(crate) fn card_taken(card: &str) -> AppError {
    AppError::conflict(
        "card_no_taken",
        Some("card_no"),
        format!("card number {card} belongs to another member"),
    )
}

/// A new member account of `customer` in the registration's program.
pub(crate) fn new_member(
    t: TenantId,
    customer: &StoredCustomer,
    p: &Prepared,
    resolved: &Resolved,
    card_no: String,
    now: i64,
) -> MemberAccount {
    MemberAccount {
        tenant_id: t,
        id: MemberId::from_uuid(new_uuid()),
        customer_id: customer.id,
        program_id: resolved.program.program_id.clone(),
        card_no,
        status: MemberStatus::Normal,
        registered_at_ms: p.registered_at_ms,
        registration_channel: p.channel,
        registration_store_id: resolved.store_id.clone(),
        home_store_id: resolved.home_store_id.clone(),
        guide: p.guide.clone(),
        first_purchase_at_ms: None,
        last_purchase_at_ms: None,
        retention_points: 0,
        retention_spend_fen: 0,
        retention_purchase_count: 0,
        created_at_ms: now,
        updated_at_ms: now,
    }
}

/// A new member's base tier record, effective from registration, and its empty point accounts,
/// one per point group of the program.
pub(crate) fn openings(
    member: &MemberAccount,
    resolved: &Resolved,
) -> (TierRecord, Vec<PointAccount>) {
    let now = member.created_at_ms;
    let tier_record = TierRecord {
        tenant_id: member.tenant_id,
        id: new_uuid().to_string(),
        member_id: member.id,
        customer_id: member.customer_id,
        program_id: member.program_id.clone(),
        tier_id: resolved.base_tier.clone(),
        record_type: TierRecordType::Base,
        change_mode: "automatic".into(),
        tier_rule_id: None,
        effective_at_ms: member.registered_at_ms,
        expires_at_ms: None,
        active: true,
        created_at_ms: now,
    };
    let accounts = resolved
        .program
        .point_group_ids
        .iter()
        .map(|group| PointAccount {
            tenant_id: member.tenant_id,
            id: new_uuid().to_string(),
            member_id: member.id,
            customer_id: member.customer_id,
            point_group_id: group.clone(),
            accumulated: 0,
            available: 0,
            expired: 0,
            created_at_ms: now,
            updated_at_ms: now,
        })
        .collect();
    (tier_record, accounts)
}

/// Whether an existing member is the person this registration names (then repeating the
/// registration with its card number is not a conflict).
async fn same_person(
    tx: &mut dyn Tx,
    pii: &Pii,
    t: TenantId,
    p: &Prepared,
    m: &MemberAccount,
) -> AppResult<bool> {
    let Some(phone) = &p.profile.phone else {
        return Ok(false);
    };
    let ix = pii.index(t, Field::Phone, phone.as_str());
    Ok(tx
        .customer_by_phone(t, &ix)
        .await?
        .is_some_and(|c| c.id == m.customer_id))
}

/// The customer a registration names.
struct Found {
    customer: StoredCustomer,
    /// A new customer was created.
    created: bool,
    /// The registration's channel account is bound already (to this customer).
    by_binding: bool,
}

/// The customer this registration names, or a new one.
async fn find_or_create_customer(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    pii: &Pii,
    t: TenantId,
    p: &Prepared,
) -> AppResult<Found> {
    let phone_index = p
        .profile
        .phone
        .as_ref()
        .map(|ph| pii.index(t, Field::Phone, ph.as_str()));
    let by_binding = match &p.binding {
        Some(b) => match tx.active_binding(t, p.channel, &b.external_id).await? {
            Some(found) => tx.customer(t, found.customer_id).await?,
            None => None,
        },
        None => None,
    };
    let by_phone = match &phone_index {
        Some(ix) => tx.customer_by_phone(t, ix).await?,
        None => None,
    };
    let bound = by_binding.is_some();
    match (by_binding, by_phone) {
        (Some(a), Some(b)) if a.id != b.id => Err(AppError::conflict(
            "identity_conflict",
            Some("phone"),
            "the channel account and the phone number belong to two different customers",
        )),
        (Some(c), _) | (None, Some(c)) => Ok(Found {
            customer: c,
            created: false,
            by_binding: bound,
        }),
        (None, None) => {
            let c = profile::new_customer(
                pii,
                t,
                CustomerId::from_uuid(new_uuid()),
                &p.profile,
                p.channel,
                ctx.now_ms,
            );
            if tx.insert_customer(&c).await? {
                return Ok(Found {
                    customer: c,
                    created: true,
                    by_binding: false,
                });
            }
            // Another registration of the same phone committed first: that is our customer.
            let ix = phone_index.unwrap_or_default();
            let existing = tx
                .customer_by_phone(t, &ix)
                .await?
                .ok_or_else(|| AppError::Store("customer insert refused but not found".into()))?;
            Ok(Found {
                customer: existing,
                created: false,
                by_binding: false,
            })
        }
    }
}

pub(crate) fn new_binding(
    t: TenantId,
    customer: CustomerId,
    channel: Channel,
    b: &ParsedBinding,
    store_id: Option<String>,
    now_ms: i64,
) -> Binding {
    Binding {
        tenant_id: t,
        id: BindingId::from_uuid(new_uuid()),
        customer_id: customer,
        channel,
        account_type: channel.account_type().to_string(),
        external_id: b.external_id.clone(),
        openid: b.openid.clone(),
        unionid: b.unionid.clone(),
        nickname: b.nickname.clone(),
        store_id,
        bound: true,
        bound_at_ms: now_ms,
        unbound_at_ms: None,
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    }
}
