//! Idempotency keys, chosen by the client for each mutating request. The same key with the same
//! request replays the stored answer; with a different request it is refused.

use crate::ValidationError;

/// A client-chosen key: 1 to 200 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let ok =
            !raw.is_empty() && raw.len() <= 200 && raw.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(ValidationError::new(
                "Idempotency-Key",
                "invalid_idempotency_key",
                "must be 1 to 200 printable ASCII characters without spaces",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_printable_ascii() {
        assert!(IdempotencyKey::parse("order-2026-0001").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse(&"x".repeat(201)).is_err());
    }
}
