//! The checks of sign-in state: sessions, passkeys, second factors, codes, the gateway queue,
//! QR sign-ins, staff IINs and the audit trail; each record decodes and names an account that
//! exists.

use std::collections::BTreeSet;

use redb::ReadableTable;

use super::Checker;
use crate::domain::security::{AuditEntry, Failures};
use crate::store::Result;
use crate::store::codec::decode_as;
use crate::store::schema::{
    AUDIT, CODE_FACTORS, CODES, DELIVERIES, PASSKEY_CHALLENGES, PASSKEYS, PENDING_SIGN_INS,
    PENDING_UPLOADS, QR_LOGINS, SESSIONS, SIGN_IN_FAILURES, STAFF_IIN, TOTP,
};
use crate::store::sessions::Session;

impl Checker<'_> {
    /// Files held for refused forms decode.
    fn held_uploads(&mut self) -> Result<()> {
        if let Some(table) = self.open(PENDING_UPLOADS)? {
            for entry in table.iter()? {
                let (_, value) = entry?;
                if let Err(e) =
                    decode_as::<crate::store::pending_uploads::PendingUploads>(value.value())
                {
                    self.problem("held uploads of a refused form".to_owned(), e.to_string());
                }
            }
        }
        Ok(())
    }

    /// Sign-in failures decode; audit entries decode and name accounts that exist.
    pub(super) fn security(&mut self, users: &BTreeSet<u64>) -> Result<()> {
        if let Some(table) = self.open(SIGN_IN_FAILURES)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                if let Err(e) = crate::store::codec::decode_as::<Failures>(value.value()) {
                    self.problem(
                        format!("sign-in failures of {}", key.value()),
                        e.to_string(),
                    );
                }
            }
        }
        if let Some(table) = self.open(TOTP)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                match decode_as::<crate::store::totp::TotpRecord>(value.value()) {
                    Ok(_) if !users.contains(&key.value()) => self.problem(
                        format!("authenticator of user {}", key.value()),
                        "belongs to a missing user",
                    ),
                    Ok(_) => {}
                    Err(e) => self.problem(
                        format!("authenticator of user {}", key.value()),
                        e.to_string(),
                    ),
                }
            }
        }
        if let Some(table) = self.open(STAFF_IIN)? {
            for entry in table.iter()? {
                let (iin, user) = entry?;
                if !users.contains(&user.value()) {
                    self.problem(
                        format!("ЭЦП IIN {}", iin.value()),
                        format!("names missing user {}", user.value()),
                    );
                }
            }
        }
        if let Some(table) = self.open(CODE_FACTORS)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                if let Err(e) = decode_as::<crate::store::totp::CodeFactor>(value.value()) {
                    self.problem(
                        format!("code second factor of user {}", key.value()),
                        e.to_string(),
                    );
                }
            }
        }
        if let Some(table) = self.open(QR_LOGINS)? {
            for entry in table.iter()? {
                let (_, value) = entry?;
                if let Err(e) = decode_as::<crate::store::qr_logins::QrLogin>(value.value()) {
                    self.problem("QR sign-in".to_owned(), e.to_string());
                }
            }
        }
        self.held_uploads()?;
        if let Some(table) = self.open(PENDING_SIGN_INS)? {
            for entry in table.iter()? {
                let (_, value) = entry?;
                if let Err(e) = decode_as::<crate::store::totp::PendingSignIn>(value.value()) {
                    self.problem("pending sign-in".to_owned(), e.to_string());
                }
            }
        }
        if let Some(table) = self.open(CODES)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                if let Err(e) = decode_as::<crate::store::codes::CodeRecord>(value.value()) {
                    self.problem(format!("one-time code {}", key.value()), e.to_string());
                }
            }
        }
        if let Some(table) = self.open(DELIVERIES)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                if let Err(e) = decode_as::<crate::store::deliveries::Delivery>(value.value()) {
                    self.problem(format!("delivery {}", key.value()), e.to_string());
                }
            }
        }
        if let Some(table) = self.open(AUDIT)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                match crate::store::codec::decode_as::<AuditEntry>(value.value()) {
                    Ok(audit) => {
                        if let Some(user) = audit.user.filter(|u| !users.contains(&u.0)) {
                            self.problem(
                                format!("audit entry {}", key.value()),
                                format!("names missing user {}", user.0),
                            );
                        }
                    }
                    Err(e) => self.problem(format!("audit entry {}", key.value()), e.to_string()),
                }
            }
        }
        Ok(())
    }

    pub(super) fn sessions(&mut self, users: &BTreeSet<u64>) -> Result<()> {
        let Some(table) = self.open(SESSIONS)? else {
            return Ok(());
        };
        for entry in table.iter()? {
            let (key, value) = entry?;
            let subject = format!(
                "session {}…",
                crate::hex::encode(&key.value()[..4.min(key.value().len())])
            );
            match decode_as::<Session>(value.value()) {
                Ok(session) if !users.contains(&session.user.0) => {
                    self.problem(
                        subject,
                        format!("belongs to missing user {}", session.user.0),
                    );
                }
                Ok(_) => {}
                Err(e) => self.problem(subject, e.to_string()),
            }
        }
        Ok(())
    }

    /// Passkeys decode and belong to accounts that exist; pending challenges decode.
    pub(super) fn passkeys(&mut self, users: &BTreeSet<u64>) -> Result<()> {
        if let Some(table) = self.open(PASSKEYS)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                let id = key.value();
                let subject = format!("passkey {}…", crate::hex::encode(&id[..8.min(id.len())]));
                match decode_as::<crate::store::passkeys::Passkey>(value.value()) {
                    Ok(passkey) if !users.contains(&passkey.user.0) => {
                        self.problem(
                            subject,
                            format!("belongs to missing user {}", passkey.user.0),
                        );
                    }
                    Ok(_) => {}
                    Err(e) => self.problem(subject, e.to_string()),
                }
            }
        }
        if let Some(table) = self.open(PASSKEY_CHALLENGES)? {
            for entry in table.iter()? {
                let (key, value) = entry?;
                if let Err(e) = decode_as::<crate::store::passkeys::PasskeyChallenge>(value.value())
                {
                    let id = key.value();
                    self.problem(
                        format!(
                            "passkey challenge {}…",
                            crate::hex::encode(&id[..4.min(id.len())])
                        ),
                        e.to_string(),
                    );
                }
            }
        }
        Ok(())
    }
}
