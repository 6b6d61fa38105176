//! API keys for integrations. A key is shown once, as `ptk_<tenant>_<id>_<secret>`: the tenant and
//! id parts find the stored record with one read by primary key (tenant first, like every key of
//! tenant data), and only a SHA-256 digest of the secret is stored. A slow
//! password hash is not needed because the secret is 256 random bits, not something a person chose.

use crate::ids::{ApiKeyId, TenantId};
use crate::{text, ValidationError};
use uuid::Uuid;

const PREFIX: &str = "ptk_";

/// Formats the token handed to the user once. `secret` is URL-safe base64 of random bytes.
pub fn format_token(tenant: TenantId, id: ApiKeyId, secret: &str) -> String {
    format!("{PREFIX}{tenant}_{}_{secret}", id.as_uuid().simple())
}

/// Splits a presented token into the key id and the secret; `None` when it is not of our shape.
pub fn parse_token(token: &str) -> Option<(TenantId, ApiKeyId, &str)> {
    let rest = token.strip_prefix(PREFIX)?;
    let (tenant, rest) = rest.split_once('_')?;
    let (id, secret) = rest.split_once('_')?;
    if id.len() != 32 || secret.is_empty() || secret.len() > 100 {
        return None;
    }
    let tenant = tenant.parse::<i64>().ok().filter(|t| *t > 0)?;
    let uuid = Uuid::try_parse(id).ok()?;
    Some((TenantId::new(tenant), ApiKeyId::from_uuid(uuid), secret))
}

/// A key's label, e.g. "POS integration".
pub fn parse_name(raw: &str) -> Result<String, ValidationError> {
    text::bounded("name", raw, 1, 80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        let id = ApiKeyId::from_uuid(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef));
        let token = format_token(TenantId::new(7), id, "c2VjcmV0");
        assert_eq!(token, "ptk_7_0123456789abcdef0123456789abcdef_c2VjcmV0");
        assert_eq!(
            parse_token(&token),
            Some((TenantId::new(7), id, "c2VjcmV0"))
        );
    }

    #[test]
    fn foreign_tokens_are_not_parsed() {
        assert_eq!(parse_token("Bearer xyz"), None);
        assert_eq!(parse_token("ptk_1_short_secret"), None);
        assert_eq!(parse_token("ptk_1_0123456789abcdef0123456789abcdef_"), None);
        assert_eq!(
            parse_token("ptk_x_0123456789abcdef0123456789abcdef_s"),
            None
        );
    }
}
