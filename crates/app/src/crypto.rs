//! Tokens at rest are sealed with ChaCha20-Poly1305 under a key from configuration, so a copy of
//! the database alone does not hand out API access to the stores.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct Sealer {
    cipher: ChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("sealed value is truncated")]
    Truncated,
    #[error(
        "sealed value does not open with this key for this store (wrong MOSTRADOR_SECRET_KEY, or copied from another store?)"
    )]
    WrongKey,
    #[error("sealed value is not UTF-8")]
    NotText,
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Sealer {
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
        }
    }

    /// nonce ‖ ciphertext. A fresh random nonce per value keeps equal tokens from looking equal.
    /// `context` is bound as associated data: the blob opens only with the same context, so a
    /// token sealed for one store cannot be copied onto another store's row and used there.
    pub fn seal(&self, plaintext: &str, context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: context,
        };
        // Encryption only fails for plaintexts beyond ~256 GiB; tokens are tiny.
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<String, SealError> {
        if sealed.len() < NONCE_LEN {
            return Err(SealError::Truncated);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: context,
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| SealError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SealError::NotText)
    }
}

/// Parses a 32-byte key given as 64 hex characters.
pub fn parse_key(hex: &str) -> Result<[u8; 32], String> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("the secret key must be 64 hexadecimal characters (32 bytes)".into());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(key)
}

pub fn generate_key_hex() -> String {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    key.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_keys() {
        let key = parse_key(&generate_key_hex()).unwrap();
        let sealer = Sealer::new(&key);
        let ctx = b"store:1:access";
        let sealed = sealer.seal("APP_USR-123", ctx);
        assert_ne!(sealed, sealer.seal("APP_USR-123", ctx), "nonces differ");
        assert_eq!(sealer.open(&sealed, ctx).unwrap(), "APP_USR-123");
        let other = Sealer::new(&parse_key(&generate_key_hex()).unwrap());
        assert!(matches!(other.open(&sealed, ctx), Err(SealError::WrongKey)));
        assert!(matches!(
            sealer.open(&sealed[..5], ctx),
            Err(SealError::Truncated)
        ));
        assert!(parse_key("abc").is_err());
    }

    #[test]
    fn a_blob_moved_to_another_store_or_slot_does_not_open() {
        let sealer = Sealer::new(&parse_key(&generate_key_hex()).unwrap());
        let sealed = sealer.seal("APP_USR-123", b"store:1:access");
        assert!(matches!(
            sealer.open(&sealed, b"store:2:access"),
            Err(SealError::WrongKey)
        ));
        assert!(matches!(
            sealer.open(&sealed, b"store:1:refresh"),
            Err(SealError::WrongKey)
        ));
    }
}
