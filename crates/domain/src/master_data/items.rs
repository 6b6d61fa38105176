//! One item of a bulk upsert, checked field by field: every fault of the item is reported, not
//! only the first, so the sender fixes a batch in one round.

use super::{
    category_level, master_code, master_name, optional_code, optional_text, parent_presence,
    source, ProductStatus, StoreKind, StoreStatus,
};
use crate::channel::Channel;
use crate::money::parse_yuan;
use crate::ValidationError;

/// Collects the errors of one item.
#[derive(Default)]
struct Check(Vec<ValidationError>);

impl Check {
    fn take<T>(&mut self, r: Result<T, ValidationError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    fn optional<T, U>(
        &mut self,
        raw: Option<T>,
        parse: impl FnOnce(T) -> Result<U, ValidationError>,
    ) -> Option<Option<U>> {
        match raw {
            None => Some(None),
            Some(v) => self.take(parse(v)).map(Some),
        }
    }
}

/// A category as sent.
#[derive(Debug, Clone, Default)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent_code: Option<String>,
    pub source: Option<String>,
}

/// A category whose own fields are valid; its parent is checked against the batch and the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFields {
    pub code: String,
    pub name: String,
    pub level: u8,
    pub parent_code: Option<String>,
    pub source: String,
}

pub fn category(input: &CategoryInput) -> Result<CategoryFields, Vec<ValidationError>> {
    let mut c = Check::default();
    let code = c.take(master_code("code", &input.code));
    let name = c.take(master_name(&input.name));
    let level = c.take(category_level(input.level));
    let parent_code = c.take(optional_code("parent_code", input.parent_code.as_deref()));
    let source = c.take(source(input.source.as_deref()));
    if let (Some(level), Some(parent)) = (level, &parent_code) {
        c.take(parent_presence(level, parent.as_deref()));
    }
    match (code, name, level, parent_code, source) {
        (Some(code), Some(name), Some(level), Some(parent_code), Some(source))
            if c.0.is_empty() =>
        {
            Ok(CategoryFields {
                code,
                name,
                level,
                parent_code,
                source,
            })
        }
        _ => Err(c.0),
    }
}

/// A product as sent. `price` is decimal yuan as text; `status` is kept when absent.
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub code: String,
    pub name: String,
    pub brand: Option<String>,
    pub category_code: Option<String>,
    pub price: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFields {
    pub code: String,
    pub name: String,
    pub brand: Option<String>,
    pub category_code: Option<String>,
    pub price_fen: Option<i64>,
    /// `None`: keep the stored status (active for a new product).
    pub status: Option<ProductStatus>,
    pub source: String,
}

pub fn product(input: &ProductInput) -> Result<ProductFields, Vec<ValidationError>> {
    let mut c = Check::default();
    let code = c.take(master_code("code", &input.code));
    let name = c.take(master_name(&input.name));
    let brand = c.take(optional_text("brand", input.brand.as_deref(), 64));
    let category_code = c.take(optional_code(
        "category_code",
        input.category_code.as_deref(),
    ));
    let price_fen = c.optional(input.price.as_deref(), |p| parse_yuan("price", p));
    let status = c.optional(input.status.as_deref(), ProductStatus::parse);
    let source = c.take(source(input.source.as_deref()));
    match (code, name, brand, category_code, price_fen, status, source) {
        (
            Some(code),
            Some(name),
            Some(brand),
            Some(category_code),
            Some(price_fen),
            Some(status),
            Some(source),
        ) => Ok(ProductFields {
            code,
            name,
            brand,
            category_code,
            price_fen,
            status,
            source,
        }),
        _ => Err(c.0),
    }
}

/// A store as sent. `kind` defaults to physical; a physical store's channel to `pos`.
#[derive(Debug, Clone, Default)]
pub struct StoreInput {
    pub code: String,
    pub name: String,
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub parent_code: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreFields {
    pub code: String,
    pub name: String,
    pub kind: StoreKind,
    pub channel: Channel,
    pub parent_code: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    /// `None`: keep the stored status (open for a new store).
    pub status: Option<StoreStatus>,
    pub source: String,
}

/// A virtual store stands for an online channel (spec §11.3), so it must name one: campaign
/// store scopes and reports split online from offline sales by it.
pub fn store_channel(kind: StoreKind, channel: Option<&str>) -> Result<Channel, ValidationError> {
    let given = channel.map(str::trim).filter(|c| !c.is_empty());
    match (kind, given) {
        (StoreKind::Physical, None) => Ok(Channel::Pos),
        (StoreKind::Physical, Some(code)) => Channel::parse_field("channel", code),
        (StoreKind::Virtual, None) => Err(needs_online()),
        (StoreKind::Virtual, Some(code)) => {
            let channel = Channel::parse_field("channel", code)?;
            if channel.is_online() {
                Ok(channel)
            } else {
                Err(needs_online())
            }
        }
    }
}

fn needs_online() -> ValidationError {
    ValidationError::new(
        "channel",
        "virtual_store_needs_online_channel",
        "a virtual store needs an online channel such as tmall or wechat_mini",
    )
}

pub fn store(input: &StoreInput) -> Result<StoreFields, Vec<ValidationError>> {
    let mut c = Check::default();
    let code = c.take(master_code("code", &input.code));
    let name = c.take(master_name(&input.name));
    let kind = c
        .optional(input.kind.as_deref(), StoreKind::parse)
        .map(|k| k.unwrap_or(StoreKind::Physical));
    let channel = kind.and_then(|k| c.take(store_channel(k, input.channel.as_deref())));
    let parent_code = c.take(optional_code("parent_code", input.parent_code.as_deref()));
    let province = c.take(optional_text("province", input.province.as_deref(), 32));
    let city = c.take(optional_text("city", input.city.as_deref(), 32));
    let status = c.optional(input.status.as_deref(), StoreStatus::parse);
    let source = c.take(source(input.source.as_deref()));
    match (
        code,
        name,
        kind,
        channel,
        parent_code,
        province,
        city,
        status,
        source,
    ) {
        (
            Some(code),
            Some(name),
            Some(kind),
            Some(channel),
            Some(parent_code),
            Some(province),
            Some(city),
            Some(status),
            Some(source),
        ) => Ok(StoreFields {
            code,
            name,
            kind,
            channel,
            parent_code,
            province,
            city,
            status,
            source,
        }),
        _ => Err(c.0),
    }
}

/// A payment method as sent. `earns_points` is Patron's own flag (spec §11.4): kept when absent.
#[derive(Debug, Clone, Default)]
pub struct PaymentMethodInput {
    pub code: String,
    pub name: String,
    pub earns_points: Option<bool>,
    pub category: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethodFields {
    pub code: String,
    pub name: String,
    /// `None`: keep the stored flag (false for a new method).
    pub earns_points: Option<bool>,
    pub category: Option<String>,
    pub source: String,
}

pub fn payment_method(
    input: &PaymentMethodInput,
) -> Result<PaymentMethodFields, Vec<ValidationError>> {
    let mut c = Check::default();
    let code = c.take(master_code("code", &input.code));
    let name = c.take(master_name(&input.name));
    let category = c.take(optional_text("category", input.category.as_deref(), 64));
    let source = c.take(source(input.source.as_deref()));
    match (code, name, category, source) {
        (Some(code), Some(name), Some(category), Some(source)) => Ok(PaymentMethodFields {
            code,
            name,
            earns_points: input.earns_points,
            category,
            source,
        }),
        _ => Err(c.0),
    }
}
