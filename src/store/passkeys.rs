//! Passkeys (`WebAuthn` credentials) by credential id, and the short-lived challenges of their
//! ceremonies, keyed by the SHA-256 of the token that binds them to one browser.
//!
//! The store keeps what the service verified; it checks no signature and no expiry rule
//! besides dropping challenges whose time has passed.

use jiff::Timestamp;

use super::codec::{decode_as, encode_as};
use super::schema::{PASSKEY_CHALLENGES, PASSKEYS};
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::crypto::webauthn::PublicKey;
use crate::domain::user::UserId;

/// A passkey registered to an account (stored as `records::passkey_v1::PasskeyV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passkey {
    /// Whose.
    pub user: UserId,
    /// The name its owner gave it ("Phone").
    pub name: String,
    /// The credential's public key.
    pub public_key: PublicKey,
    /// The last signature counter the authenticator reported.
    pub sign_count: u32,
    /// When it was registered.
    pub created_at: Timestamp,
    /// When it last signed in.
    pub last_used: Option<Timestamp>,
    /// Whether the authenticator verified the user at registration (PIN, biometrics).
    pub user_verified: bool,
    /// Whether the credential may be synced between devices.
    pub backup_eligible: bool,
}

/// What a challenge was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengePurpose {
    /// Registering a passkey for this signed-in user.
    Register(UserId),
    /// Signing in with any passkey.
    SignIn,
}

/// A challenge waiting for its answer: used once, then removed (stored as
/// `records::passkey_v1::PasskeyChallengeV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyChallenge {
    /// What it is for.
    pub purpose: ChallengePurpose,
    /// The random bytes the authenticator must sign.
    pub challenge: Vec<u8>,
    /// When it stops being accepted.
    pub expires_at: Timestamp,
}

/// Reading passkeys.
pub trait PasskeyReads: Tx {
    /// The passkey with this credential id.
    fn passkey(&self, credential_id: &[u8]) -> Result<Option<Passkey>> {
        let Some(table) = self.view(PASSKEYS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(credential_id)?)
    }

    /// Every passkey of `user` with its credential id, oldest first (a scan: passkeys are few).
    fn passkeys_of(&self, user: UserId) -> Result<Vec<(Vec<u8>, Passkey)>> {
        let Some(table) = self.view(PASSKEYS)? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for entry in table.range::<&[u8]>(..)? {
            let (key, value) = entry?;
            let passkey: Passkey = decode_as(value.value())?;
            if passkey.user == user {
                found.push((key.value().to_vec(), passkey));
            }
        }
        found.sort_by_key(|(_, p)| p.created_at);
        Ok(found)
    }
}

impl<T: Tx> PasskeyReads for T {}

impl WriteTx {
    /// Stores a passkey (new, or with a new counter and time of use).
    pub fn put_passkey(&mut self, credential_id: &[u8], passkey: &Passkey) -> Result<()> {
        self.table(PASSKEYS)?
            .insert(credential_id, encode_as(passkey)?.as_slice())?;
        Ok(())
    }

    /// Removes a passkey.
    pub fn delete_passkey(&mut self, credential_id: &[u8]) -> Result<()> {
        self.table(PASSKEYS)?.remove(credential_id)?;
        Ok(())
    }

    /// Stores the challenge for the browser `binding` identifies (replacing its earlier one),
    /// and drops every challenge that expired before `now`.
    pub fn put_passkey_challenge(
        &mut self,
        binding: &[u8; 32],
        challenge: &PasskeyChallenge,
        now: Timestamp,
    ) -> Result<()> {
        let mut table = self.table(PASSKEY_CHALLENGES)?;
        table.retain(|_, value| {
            decode_as::<PasskeyChallenge>(value).is_ok_and(|c| c.expires_at > now)
        })?;
        table.insert(binding.as_slice(), encode_as(challenge)?.as_slice())?;
        Ok(())
    }

    /// Removes and returns the challenge of the browser `binding` identifies, expired or not.
    pub fn take_passkey_challenge(
        &mut self,
        binding: &[u8; 32],
    ) -> Result<Option<PasskeyChallenge>> {
        let mut table = self.table(PASSKEY_CHALLENGES)?;
        let removed = table.remove(binding.as_slice())?;
        removed.map(|guard| decode_as(guard.value())).transpose()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::{Error, ExportOptions, Store};
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn passkey(user: u64, name: &str) -> Passkey {
        Passkey {
            user: UserId(user),
            name: name.into(),
            public_key: PublicKey::Es256 {
                x: [1; 32],
                y: [2; 32],
            },
            sign_count: 3,
            created_at: at("2026-03-02T05:00:00Z"),
            last_used: None,
            user_verified: true,
            backup_eligible: false,
        }
    }

    #[test]
    fn passkeys_are_found_by_credential_id_and_by_owner() {
        let store = Store::in_memory().unwrap();
        store
            .write(|tx| {
                tx.put_passkey(b"cred-a", &passkey(1, "Phone"))?;
                tx.put_passkey(b"cred-b", &passkey(2, "Laptop"))?;
                Ok::<_, Error>(())
            })
            .unwrap();
        let found = store.read(|tx| tx.passkey(b"cred-b")).unwrap().unwrap();
        assert_eq!(found.name, "Laptop");
        let mine = store.read(|tx| tx.passkeys_of(UserId(1))).unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].0, b"cred-a");
        store.write(|tx| tx.delete_passkey(b"cred-a")).unwrap();
        assert!(store.read(|tx| tx.passkey(b"cred-a")).unwrap().is_none());
    }

    #[test]
    fn a_challenge_is_taken_once_and_expired_ones_are_dropped() {
        let store = Store::in_memory().unwrap();
        let old = PasskeyChallenge {
            purpose: ChallengePurpose::SignIn,
            challenge: vec![7; 32],
            expires_at: at("2026-03-02T05:05:00Z"),
        };
        let new = PasskeyChallenge {
            expires_at: at("2026-03-02T05:15:00Z"),
            ..old.clone()
        };
        store
            .write(|tx| tx.put_passkey_challenge(&[1; 32], &old, at("2026-03-02T05:00:00Z")))
            .unwrap();
        // A later challenge for another browser sweeps the expired one away.
        store
            .write(|tx| tx.put_passkey_challenge(&[2; 32], &new, at("2026-03-02T05:10:00Z")))
            .unwrap();
        assert_eq!(
            store
                .write(|tx| tx.take_passkey_challenge(&[1; 32]))
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .write(|tx| tx.take_passkey_challenge(&[2; 32]))
                .unwrap(),
            Some(new)
        );
        assert_eq!(
            store
                .write(|tx| tx.take_passkey_challenge(&[2; 32]))
                .unwrap(),
            None
        );
    }

    #[test]
    fn passkeys_are_exported_as_secrets_and_imported_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::integrity::tests::populated_store();
        store
            .write(|tx| tx.put_passkey(b"cred-a", &passkey(1, "Phone")))
            .unwrap();
        let options = |with_secrets| ExportOptions {
            with_secrets,
            created_at: at("2026-03-02T05:00:00Z"),
        };
        store
            .read(|tx| tx.export_to(&dir.path().join("with"), &options(true)))
            .unwrap();
        store
            .read(|tx| tx.export_to(&dir.path().join("without"), &options(false)))
            .unwrap();
        assert!(dir.path().join("with/passkeys.jsonl").exists());
        assert!(!dir.path().join("without/passkeys.jsonl").exists());
        let copy = Store::in_memory().unwrap();
        copy.import_from(&dir.path().join("with")).unwrap();
        assert_eq!(
            copy.read(|tx| tx.passkey(b"cred-a")).unwrap(),
            Some(passkey(1, "Phone"))
        );
        assert_eq!(copy.check().unwrap().problems, vec![]);
    }

    #[test]
    fn check_reports_a_passkey_of_a_missing_user() {
        let store = crate::store::integrity::tests::populated_store();
        store
            .write(|tx| tx.put_passkey(b"cred-z", &passkey(999, "Stray")))
            .unwrap();
        let problems = store.check().unwrap().problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].detail.contains("missing user 999"),
            "{problems:?}"
        );
    }
}
