//! Personal data at rest (ARCHITECTURE §5): every PII field is sealed with AES-256-GCM, and the
//! fields people are looked up by (phone, email, name) also get a blind index, a keyed HMAC of
//! the normalised value, so an exact lookup never needs the clear text in the database.
//!
//! One 32-byte master key comes from configuration. Two keys are derived from it, one to
//! encrypt and one to index, so that the index reveals nothing about the ciphertexts. The tenant
//! and the field name are bound into both (as associated data, and into the HMAC), so a value
//! copied to another tenant's row or another column neither decrypts nor matches.

use crate::error::{AppError, AppResult};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use patron_domain::ids::TenantId;
use rand::RngCore;
use sha2::Sha256;

/// Format version of a sealed value, its first byte.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

/// The PII fields, each with its own associated data and index domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Phone,
    Email,
    Birthday,
    Address,
    IdNumber,
    /// An uploaded import file or its failure file: whole rows of personal data.
    ImportFile,
}

impl Field {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Name => b"name",
            Self::Phone => b"phone",
            Self::Email => b"email",
            Self::Birthday => b"birthday",
            Self::Address => b"address",
            Self::IdNumber => b"id_number",
            Self::ImportFile => b"import_file",
        }
    }
}

/// The PII cipher and blind index of one deployment.
#[derive(Clone)]
pub struct Pii {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
}

impl std::fmt::Debug for Pii {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pii(..)")
    }
}

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).unwrap_or_else(|_| unreachable!());
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

impl Pii {
    pub fn new(master: [u8; 32]) -> Self {
        let enc = derive(&master, b"patron pii encryption v1");
        Self {
            cipher: Aes256Gcm::new(&enc.into()),
            index_key: derive(&master, b"patron pii blind index v1"),
        }
    }

    /// Reads a key written as 64 hex digits or as standard base64 of 32 bytes.
    pub fn parse_key(text: &str) -> AppResult<[u8; 32]> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| AppError::Store("the PII key is not valid hex".into()))?
        } else {
            STANDARD
                .decode(text)
                .map_err(|_| AppError::Store("the PII key is neither hex nor base64".into()))?
        };
        bytes
            .try_into()
            .map_err(|_| AppError::Store("the PII key must be 32 bytes".into()))
    }

    /// A new random key, base64.
    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        STANDARD.encode(key)
    }

    fn aad(tenant: TenantId, field: Field) -> Vec<u8> {
        let mut aad = tenant.get().to_be_bytes().to_vec();
        aad.extend_from_slice(field.label());
        aad
    }

    /// Encrypts `plain`: version byte, random 96-bit nonce, ciphertext and tag.
    pub fn seal(&self, tenant: TenantId, field: Field, plain: &str) -> Vec<u8> {
        self.seal_bytes(tenant, field, plain.as_bytes())
    }

    /// Decrypts a value sealed by [`Pii::seal`] for the same tenant and field.
    pub fn open(&self, tenant: TenantId, field: Field, sealed: &[u8]) -> AppResult<String> {
        String::from_utf8(self.open_bytes(tenant, field, sealed)?)
            .map_err(|_| AppError::Store("a stored PII value is not text".into()))
    }

    /// [`Pii::seal`] for bytes (files).
    pub fn seal_bytes(&self, tenant: TenantId, field: Field, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = Self::aad(tenant, field);
        let payload = Payload {
            msg: plain,
            aad: &aad,
        };
        // Encryption fails only for messages of gigabytes; PII fields are short.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// [`Pii::open`] for bytes (files).
    pub fn open_bytes(&self, tenant: TenantId, field: Field, sealed: &[u8]) -> AppResult<Vec<u8>> {
        let broken = || AppError::Store("a stored PII value does not decrypt (wrong key?)".into());
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return Err(broken());
        }
        let aad = Self::aad(tenant, field);
        self.cipher
            .decrypt(
                Nonce::from_slice(&sealed[1..=NONCE_LEN]),
                Payload {
                    msg: &sealed[1 + NONCE_LEN..],
                    aad: &aad,
                },
            )
            .map_err(|_| broken())
    }

    /// The blind index of a normalised value: equal values of one tenant and field give equal
    /// bytes; nothing else can be learnt from it without the key.
    pub fn index(&self, tenant: TenantId, field: Field, normalised: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key)
            .unwrap_or_else(|_| unreachable!());
        mac.update(&tenant.get().to_be_bytes());
        mac.update(field.label());
        mac.update(&[0]);
        mac.update(normalised.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pii() -> Pii {
        Pii::new([7u8; 32])
    }

    #[test]
    fn sealed_values_open_only_for_their_tenant_and_field() {
        let p = pii();
        let t = TenantId::new(1);
        let sealed = p.seal(t, Field::Phone, "13812345678");
        assert!(!sealed.windows(11).any(|w| w == b"13812345678"));
        assert_eq!(p.open(t, Field::Phone, &sealed).unwrap(), "13812345678");
        assert!(p.open(TenantId::new(2), Field::Phone, &sealed).is_err());
        assert!(p.open(t, Field::Email, &sealed).is_err());
        assert!(Pii::new([8u8; 32]).open(t, Field::Phone, &sealed).is_err());
        // A fresh nonce each time: equal values do not give equal ciphertexts.
        assert_ne!(sealed, p.seal(t, Field::Phone, "13812345678"));
    }

    #[test]
    fn blind_indexes_are_deterministic_per_tenant_and_field() {
        let p = pii();
        let t = TenantId::new(1);
        let a = p.index(t, Field::Phone, "13812345678");
        assert_eq!(a, p.index(t, Field::Phone, "13812345678"));
        assert_ne!(a, p.index(TenantId::new(2), Field::Phone, "13812345678"));
        assert_ne!(a, p.index(t, Field::Email, "13812345678"));
        assert_ne!(a, p.index(t, Field::Phone, "13812345679"));
    }

    #[test]
    fn keys_parse_from_hex_or_base64() {
        let hex = "07".repeat(32);
        assert_eq!(Pii::parse_key(&hex).unwrap(), [7u8; 32]);
        let b64 = Pii::generate_key();
        assert_eq!(Pii::parse_key(&b64).unwrap().len(), 32);
        assert!(Pii::parse_key("c2hvcnQ=").is_err());
        assert!(Pii::parse_key("not a key").is_err());
    }
}
