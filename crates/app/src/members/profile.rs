//! A customer's profile in clear: parsed from input, sealed into a `StoredCustomer`, opened back
//! and masked for readers without the PII permission.

use super::model::StoredCustomer;
use crate::error::AppResult;
use crate::pii::{Field, Pii};
use chrono::{DateTime, Datelike, NaiveDate};
use patron_domain::channel::Channel;
use patron_domain::ids::{CustomerId, TenantId};
use patron_domain::person::{self, Gender, Phone};
use patron_domain::user::parse_email;
use patron_domain::ValidationError;

/// Profile fields as they arrive; `None` means "not given".
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
    pub accepts_marketing: Option<bool>,
    pub is_employee: Option<bool>,
    pub is_test: Option<bool>,
}

/// A validated profile. Fields left out of the input stay `None` so that an update or a merge
/// touches only what was given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub name: Option<String>,
    pub gender: Option<Gender>,
    pub birthday: Option<NaiveDate>,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
    pub accepts_marketing: Option<bool>,
    pub is_employee: Option<bool>,
    pub is_test: Option<bool>,
}

/// Today's date wherever it is latest (UTC+14), so that nobody's birthday of today is refused.
fn latest_today(now_ms: i64) -> NaiveDate {
    DateTime::from_timestamp_millis(now_ms + 14 * 3_600_000)
        .map(|d| d.date_naive())
        .unwrap_or(NaiveDate::MAX)
}

fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => patron_domain::text::bounded(field, v, 1, max).map(Some),
    }
}

impl Profile {
    pub fn parse(input: &ProfileInput, now_ms: i64) -> Result<Self, ValidationError> {
        let phone = match input
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => Some(Phone::parse(p)?),
            None => None,
        };
        let birthday = match input.birthday.as_deref() {
            Some(b) => person::parse_birthday(b, latest_today(now_ms))?,
            None => None,
        };
        // Emails are kept lowercase: people type them in any case and mean one address.
        let email = match input.email.as_deref() {
            Some(e) => parse_email(e)?.map(|e| e.to_lowercase()),
            None => None,
        };
        let gender = match input.gender.as_deref() {
            Some(g) => Some(Gender::parse(g)?),
            None => None,
        };
        Ok(Self {
            name: match input.name.as_deref() {
                Some(n) => person::parse_name(n)?,
                None => None,
            },
            gender,
            birthday,
            phone,
            email,
            province: optional_text("province", input.province.as_deref(), 32)?,
            city: optional_text("city", input.city.as_deref(), 32)?,
            address: optional_text("address", input.address.as_deref(), 200)?,
            id_number: optional_text("id_number", input.id_number.as_deref(), 32)?,
            accepts_marketing: input.accepts_marketing,
            is_employee: input.is_employee,
            is_test: input.is_test,
        })
    }
}

/// How a name is compared: case and inner spaces do not matter.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A new customer row from a profile.
pub fn new_customer(
    pii: &Pii,
    t: TenantId,
    id: CustomerId,
    profile: &Profile,
    source: Channel,
    now_ms: i64,
) -> StoredCustomer {
    let mut c = StoredCustomer {
        tenant_id: t,
        id,
        name_enc: None,
        name_index: None,
        phone_enc: None,
        phone_index: None,
        email_enc: None,
        email_index: None,
        birthday_enc: None,
        birth_month: None,
        address_enc: None,
        id_number_enc: None,
        gender: Gender::Unknown,
        province: None,
        city: None,
        source_channel: source,
        accepts_marketing: false,
        is_employee: false,
        is_test: false,
        erased_at_ms: None,
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    };
    apply(pii, &mut c, profile, false);
    c
}

/// Writes the given fields of `profile` onto `c`. With `only_missing`, fields the customer
/// already has are kept (a second channel fills gaps, it does not overwrite).
pub fn apply(pii: &Pii, c: &mut StoredCustomer, p: &Profile, only_missing: bool) {
    let t = c.tenant_id;
    let take = |has: bool| !(only_missing && has);
    if let Some(name) = &p.name {
        if take(c.name_enc.is_some()) {
            c.name_enc = Some(pii.seal(t, Field::Name, name));
            c.name_index = Some(pii.index(t, Field::Name, &name_key(name)));
        }
    }
    if let Some(phone) = &p.phone {
        if take(c.phone_enc.is_some()) {
            c.phone_enc = Some(pii.seal(t, Field::Phone, phone.as_str()));
            c.phone_index = Some(pii.index(t, Field::Phone, phone.as_str()));
        }
    }
    if let Some(email) = &p.email {
        if take(c.email_enc.is_some()) {
            c.email_enc = Some(pii.seal(t, Field::Email, email));
            c.email_index = Some(pii.index(t, Field::Email, &email.to_lowercase()));
        }
    }
    if let Some(b) = p.birthday {
        if take(c.birthday_enc.is_some()) {
            c.birthday_enc = Some(pii.seal(t, Field::Birthday, &b.format("%Y-%m-%d").to_string()));
            c.birth_month = Some(i64::from(b.month()));
        }
    }
    if let Some(a) = &p.address {
        if take(c.address_enc.is_some()) {
            c.address_enc = Some(pii.seal(t, Field::Address, a));
        }
    }
    if let Some(n) = &p.id_number {
        if take(c.id_number_enc.is_some()) {
            c.id_number_enc = Some(pii.seal(t, Field::IdNumber, n));
        }
    }
    if let Some(g) = p.gender {
        if take(c.gender != Gender::Unknown) {
            c.gender = g;
        }
    }
    if let Some(v) = &p.province {
        if take(c.province.is_some()) {
            c.province = Some(v.clone());
        }
    }
    if let Some(v) = &p.city {
        if take(c.city.is_some()) {
            c.city = Some(v.clone());
        }
    }
    // Flags are always given by whoever knows them; a merge keeps the customer's own.
    if !only_missing {
        if let Some(v) = p.accepts_marketing {
            c.accepts_marketing = v;
        }
        if let Some(v) = p.is_employee {
            c.is_employee = v;
        }
        if let Some(v) = p.is_test {
            c.is_test = v;
        }
    }
}

/// Removes a person's PII (loyalty-core §8.2 one-click delete, widened to address and id
/// number); the customer row, its members, orders and points stay, now anonymous.
pub fn erase(c: &mut StoredCustomer, now_ms: i64) {
    c.name_enc = None;
    c.name_index = None;
    c.phone_enc = None;
    c.phone_index = None;
    c.email_enc = None;
    c.email_index = None;
    c.birthday_enc = None;
    c.birth_month = None;
    c.address_enc = None;
    c.id_number_enc = None;
    c.erased_at_ms = Some(now_ms);
    c.updated_at_ms = now_ms;
}

/// A customer's PII as shown: in clear or masked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShownPii {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub birthday: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
    /// Whether the values are in clear.
    pub clear: bool,
}

/// Opens the sealed fields and masks them unless `clear`.
pub fn show(pii: &Pii, c: &StoredCustomer, clear: bool) -> AppResult<ShownPii> {
    let t = c.tenant_id;
    let open = |field: Field, v: &Option<Vec<u8>>| -> AppResult<Option<String>> {
        v.as_deref().map(|b| pii.open(t, field, b)).transpose()
    };
    let name = open(Field::Name, &c.name_enc)?;
    let phone = open(Field::Phone, &c.phone_enc)?;
    let email = open(Field::Email, &c.email_enc)?;
    let birthday = open(Field::Birthday, &c.birthday_enc)?;
    let address = open(Field::Address, &c.address_enc)?;
    let id_number = open(Field::IdNumber, &c.id_number_enc)?;
    if clear {
        return Ok(ShownPii {
            name,
            phone,
            email,
            birthday,
            address,
            id_number,
            clear,
        });
    }
    Ok(ShownPii {
        name: name.as_deref().map(person::mask_name),
        phone: phone.as_deref().map(person::mask_phone),
        email: email.as_deref().map(person::mask_email),
        birthday: birthday
            .as_deref()
            .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
            .map(person::mask_birthday),
        address: address.as_deref().map(person::mask_address),
        id_number: id_number.map(|n| {
            let tail: String = n
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("****{tail}")
        }),
        clear,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn input() -> ProfileInput {
        ProfileInput {
            name: Some("张三".into()),
            phone: Some("+86 138 1234 5678".into()),
            email: Some("Zhang@Brand.cn".into()),
            birthday: Some("1997-11-11".into()),
            gender: Some("男".into()),
            address: Some("广东省深圳市南山区科技园1号".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_profile_is_sealed_and_shown_masked_or_clear() {
        let pii = Pii::new([1u8; 32]);
        let p = Profile::parse(&input(), 1_795_000_000_000).unwrap();
        let c = new_customer(
            &pii,
            TenantId::new(3),
            CustomerId::from_uuid(uuid::Uuid::nil()),
            &p,
            Channel::Website,
            1,
        );
        assert_eq!(c.birth_month, Some(11));
        assert_eq!(c.gender, Gender::Male);
        let masked = show(&pii, &c, false).unwrap();
        assert_eq!(masked.phone.as_deref(), Some("138****5678"));
        assert_eq!(masked.name.as_deref(), Some("张*"));
        assert_eq!(masked.email.as_deref(), Some("z***@brand.cn"));
        assert_eq!(masked.birthday.as_deref(), Some("****-11-**"));
        let clear = show(&pii, &c, true).unwrap();
        assert_eq!(clear.phone.as_deref(), Some("13812345678"));
        assert_eq!(clear.email.as_deref(), Some("zhang@brand.cn"));
        assert_eq!(clear.birthday.as_deref(), Some("1997-11-11"));
    }

    #[test]
    fn merging_fills_gaps_only() {
        let pii = Pii::new([1u8; 32]);
        let p = Profile::parse(&input(), 1_795_000_000_000).unwrap();
        let t = TenantId::new(3);
        let mut c = new_customer(
            &pii,
            t,
            CustomerId::from_uuid(uuid::Uuid::nil()),
            &p,
            Channel::Pos,
            1,
        );
        let other = Profile::parse(
            &ProfileInput {
                name: Some("李四".into()),
                city: Some("深圳".into()),
                ..Default::default()
            },
            1,
        )
        .unwrap();
        apply(&pii, &mut c, &other, true);
        let shown = show(&pii, &c, true).unwrap();
        assert_eq!(shown.name.as_deref(), Some("张三"));
        assert_eq!(c.city.as_deref(), Some("深圳"));
    }

    #[test]
    fn erasure_removes_every_pii_field() {
        let pii = Pii::new([1u8; 32]);
        let p = Profile::parse(&input(), 1_795_000_000_000).unwrap();
        let mut c = new_customer(
            &pii,
            TenantId::new(3),
            CustomerId::from_uuid(uuid::Uuid::nil()),
            &p,
            Channel::Pos,
            1,
        );
        erase(&mut c, 9);
        assert_eq!(
            show(&pii, &c, true).unwrap(),
            ShownPii {
                clear: true,
                ..Default::default()
            }
        );
        assert_eq!(c.birth_month, None);
        assert_eq!(c.erased_at_ms, Some(9));
    }
}
