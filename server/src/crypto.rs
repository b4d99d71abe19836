//! Secrets at rest and in transit: field encryption (AES-256-GCM), keyed
//! lookup hashes for finding rows by phone without storing the number, one-time
//! code hashes, random tokens and password hashing (argon2id).
//!
//! Everything derives from one 32-byte master key, so operators manage a
//! single secret; the subkeys keep each use separate.

use aes_gcm::aead::Aead;
use aes_gcm::{Aes256Gcm, Key, KeyInit, Nonce};
use anyhow::{anyhow, bail, Context};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::OnceLock;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Prefix of every encrypted value: lets a later format or key change be told apart.
const ENC_PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Keys derived from the master key. Not `Clone`, and `Debug` prints no key
/// material, so keys cannot end up in logs by accident; share it with `Arc`.
pub struct Secrets {
    cipher: Aes256Gcm,
    lookup: [u8; 32],
    otp: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    s
}

impl Secrets {
    pub fn from_key(master: [u8; 32]) -> Secrets {
        let enc = hmac(&master, &[b"bianmin-enc-v1"]);
        let lookup = hmac(&master, &[b"bianmin-lookup-v1"]);
        // A separate key for code hashes, so no lookup_key input can ever
        // produce a valid code hash.
        let otp = hmac(&master, &[b"bianmin-otp-v1"]);
        Secrets {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&enc)),
            lookup,
            otp,
        }
    }

    /// Accepts standard or URL-safe base64, padded or not. Errors never echo
    /// the value: it is the master key.
    pub fn from_base64(s: &str) -> anyhow::Result<Secrets> {
        let s = s.trim();
        let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|e| e.decode(s).ok())
            .ok_or_else(|| anyhow!("the secret key is not valid base64"))?;
        let master: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            anyhow!(
                "the secret key must be base64 of exactly 32 bytes, it decodes to {} bytes",
                bytes.len()
            )
        })?;
        Ok(Secrets::from_key(master))
    }

    /// Reads the key file, or creates it with a fresh random key (mode 0600).
    /// Only for the embedded SQLite default, where the key lives beside the data.
    pub fn load_or_create_key_file(path: &Path) -> anyhow::Result<Secrets> {
        match std::fs::read_to_string(path) {
            Ok(s) => {
                warn_if_loose(path);
                return Secrets::from_base64(&s)
                    .with_context(|| format!("reading the key file {}", path.display()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("reading the key file {}", path.display()))
            }
        }
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        let mut master = [0u8; 32];
        rand::rng().fill_bytes(&mut master);
        let encoded = STANDARD.encode(master);
        match create_owner_only(path) {
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(encoded.as_bytes())
                    .and_then(|_| f.write_all(b"\n"))
                    .and_then(|_| f.sync_all())
                    .with_context(|| format!("writing the key file {}", path.display()))?;
                tracing::info!(path = %path.display(), "created a new secret key file");
                Ok(Secrets::from_key(master))
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let s = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the key file {}", path.display()))?;
                Secrets::from_base64(&s)
                    .with_context(|| format!("reading the key file {}", path.display()))
            }
            Err(e) => Err(e).with_context(|| format!("creating the key file {}", path.display())),
        }
    }

    /// A fresh random nonce per call, so equal plaintexts give unrelated outputs.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        format!("{ENC_PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// Fails on a wrong key, tampering or a bad format; errors say which, never what.
    pub fn decrypt(&self, stored: &str) -> anyhow::Result<String> {
        let Some(b64) = stored.strip_prefix(ENC_PREFIX) else {
            bail!("encrypted value has an unknown format");
        };
        let raw = URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|_| anyhow!("encrypted value is not valid base64"))?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            bail!("encrypted value is too short");
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let pt = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| anyhow!("cannot decrypt: wrong key or tampered value"))?;
        String::from_utf8(pt).map_err(|_| anyhow!("decrypted value is not UTF-8"))
    }

    /// Deterministic keyed hash (hex) to find rows by a value that is only
    /// stored encrypted. `domain` keeps uses apart (e.g. "phone").
    pub fn lookup_key(&self, domain: &str, value: &str) -> String {
        hex(&hmac(
            &self.lookup,
            &[domain.as_bytes(), &[0], value.as_bytes()],
        ))
    }

    /// Keyed hash of a one-time code bound to its challenge: without the key,
    /// a copy of the database does not let anyone try the 10^6 codes offline.
    pub fn code_hash(&self, challenge: &str, code: &str) -> String {
        hex(&hmac(
            &self.otp,
            &[challenge.as_bytes(), &[0], code.as_bytes()],
        ))
    }
}

/// Creates a new file only its owner may read (0600 on Unix); fails if it exists.
pub fn create_owner_only(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

#[cfg(unix)]
fn warn_if_loose(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "the secret key file is readable by others; chmod 600 it");
        }
    }
}

#[cfg(not(unix))]
fn warn_if_loose(_path: &Path) {}

/// Characters no one misreads aloud or in print: no 0/O, 1/I/L.
pub const READABLE: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// `len` random characters of [`READABLE`]: booking codes, short links.
pub fn readable_code(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| READABLE[*b as usize % READABLE.len()] as char)
        .collect()
}

/// 32 random bytes, base64url without padding: session and challenge tokens.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// Hex SHA-256: we keep token hashes so a database copy holds no live tokens.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Six uniform decimal digits, leading zeros kept.
pub fn random_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// argon2id with the crate defaults, as a PHC string (parameters and salt included).
pub fn hash_password(pw: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow!("password salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map_err(|e| anyhow!("hashing the password: {e}"))?
        .to_string())
}

/// False on a wrong password and on a malformed hash alike.
pub fn verify_password(pw: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Costs what a real check costs, so a login for an unknown user takes as
/// long as one with a wrong password and does not reveal who exists.
pub fn burn_password_check(pw: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        hash_password("bianmin-timing-equaliser").expect("hashing a fixed password")
    });
    let _ = std::hint::black_box(verify_password(pw, phc));
}

/// Equality whose time does not depend on where the inputs differ (only on length).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(b: u8) -> Secrets {
        Secrets::from_key([b; 32])
    }

    #[test]
    fn round_trip() {
        let s = secrets(1);
        for text in ["", "13812341234", "张三 110101199003071234"] {
            assert_eq!(s.decrypt(&s.encrypt(text)).unwrap(), text);
        }
        assert!(s.encrypt("x").starts_with("v1:"));
    }

    #[test]
    fn encryptions_differ() {
        let s = secrets(1);
        assert_ne!(s.encrypt("13812341234"), s.encrypt("13812341234"));
    }

    #[test]
    fn wrong_key_fails() {
        let enc = secrets(1).encrypt("13812341234");
        let err = secrets(2).decrypt(&enc).unwrap_err().to_string();
        assert!(!err.contains("13812341234"));
    }

    #[test]
    fn tampering_fails() {
        let s = secrets(1);
        let enc = s.encrypt("13812341234");
        let mut raw = URL_SAFE_NO_PAD.decode(&enc[3..]).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("v1:{}", URL_SAFE_NO_PAD.encode(&raw));
        assert!(s.decrypt(&tampered).is_err());
        raw[last] ^= 1;
        raw[NONCE_LEN] ^= 0x80;
        assert!(s
            .decrypt(&format!("v1:{}", URL_SAFE_NO_PAD.encode(&raw)))
            .is_err());
        for bad in ["", "v1:", "v1:!!!", "v2:AAAA", "13812341234", "v1:AAAA"] {
            assert!(s.decrypt(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lookup_key_deterministic_and_separated() {
        let s = secrets(1);
        let k = s.lookup_key("phone", "13812341234");
        assert_eq!(k, s.lookup_key("phone", "13812341234"));
        assert_eq!(k.len(), 64);
        assert!(k.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(k, s.lookup_key("rate", "13812341234"));
        assert_ne!(k, s.lookup_key("phone", "13812341235"));
        // The separator stops ("ab","c") and ("a","bc") from colliding.
        assert_ne!(s.lookup_key("ab", "c"), s.lookup_key("a", "bc"));
        assert_ne!(k, secrets(2).lookup_key("phone", "13812341234"));
    }

    #[test]
    fn code_hash_bound_to_challenge() {
        let s = secrets(1);
        let h = s.code_hash("chal", "123456");
        assert_eq!(h, s.code_hash("chal", "123456"));
        assert_ne!(h, s.code_hash("chal", "123457"));
        assert_ne!(h, s.code_hash("other", "123456"));
        assert_ne!(h, s.lookup_key("chal", "123456"));
        assert_ne!(h, secrets(2).code_hash("chal", "123456"));
    }

    #[test]
    fn from_base64_checks_length() {
        let key = [7u8; 32];
        for e in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
            let s = Secrets::from_base64(&format!(" {}\n", e.encode(key))).unwrap();
            assert_eq!(
                s.lookup_key("d", "v"),
                Secrets::from_key(key).lookup_key("d", "v")
            );
        }
        let short = STANDARD.encode([7u8; 31]);
        let err = Secrets::from_base64(&short).unwrap_err().to_string();
        assert!(err.contains("31 bytes"), "{err}");
        assert!(!err.contains(&short));
        let err = Secrets::from_base64("not base64 at all!")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("not base64 at all"));
    }

    #[test]
    fn key_file_created_private_and_reread() {
        let dir = std::env::temp_dir().join(format!(
            "bianmin_crypto_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let path = dir.join("nested").join("secret.key");
        let a = Secrets::load_or_create_key_file(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = Secrets::load_or_create_key_file(&path).unwrap();
        assert_eq!(a.lookup_key("phone", "1"), b.lookup_key("phone", "1"));
        assert_eq!(b.decrypt(&a.encrypt("hello")).unwrap(), "hello");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn passwords() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(h, hash_password("correct horse").unwrap());
        burn_password_check("anything");
    }

    #[test]
    fn random_codes_are_six_digits() {
        for _ in 0..1000 {
            let c = random_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn tokens() {
        let t = new_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t), token_hash(&t));
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }

    #[test]
    fn debug_hides_keys() {
        let key = [0xABu8; 32];
        let d = format!("{:?}", Secrets::from_key(key));
        assert_eq!(d, "Secrets(..)");
        assert!(!d.contains(&STANDARD.encode(key)));
        assert!(!d.to_lowercase().contains("abab"));
    }
}
