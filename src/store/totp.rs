//! Second factors: each account's authenticator-app secret (TOTP) or its choice of a one-time
//! code by SMS or e-mail after the password, sign-ins waiting for their second factor, and the
//! admin's policy requiring one of staff.

use jiff::Timestamp;

use super::DeliveryChannel;
use super::codec::encode_as;
use super::schema::{CODE_FACTORS, PENDING_SIGN_INS, SETTINGS, TOTP};
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::user::UserId;

/// An account's authenticator secret (stored as `records::sign_in_v1::TotpV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpRecord {
    /// The shared secret (RFC 6238, 160 bits).
    pub secret: [u8; 20],
    /// When a first code confirmed it; until then it is not asked for.
    pub confirmed_at: Option<Timestamp>,
    /// The last time step a code was accepted for (a code is never accepted twice).
    pub last_step: Option<i64>,
}

/// An account's choice of a code by SMS or e-mail as its second factor (stored as
/// `records::delivery_v1::CodeFactorV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFactor {
    /// Where the code goes.
    pub channel: DeliveryChannel,
    /// Since when.
    pub since: Timestamp,
}

/// A password accepted, waiting for the authenticator code (stored as
/// `records::sign_in_v1::PendingSignInV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// Who.
    pub user: UserId,
    /// Until then.
    pub expires_at: Timestamp,
    /// Wrong codes still allowed.
    pub attempts_left: u32,
}

/// The admin's sign-in policy (stored as `records::sign_in_v1::SignInPolicyV1`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInPolicy {
    /// Staff must use an authenticator app as a second factor.
    pub staff_need_authenticator: bool,
}

/// The settings key of [`SignInPolicy`].
pub(super) const POLICY_KEY: &str = "sign_in_policy";

/// Reading second-factor state.
pub trait TotpReads: Tx {
    /// The authenticator of `user`, confirmed or not.
    fn totp(&self, user: UserId) -> Result<Option<TotpRecord>> {
        let Some(table) = self.view(TOTP)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(user.0)?)
    }

    /// The account's choice of a code as second factor.
    fn code_factor(&self, user: UserId) -> Result<Option<CodeFactor>> {
        let Some(table) = self.view(CODE_FACTORS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(user.0)?)
    }

    /// A sign-in waiting for its second factor.
    fn pending_sign_in(&self, token_hash: &[u8; 32]) -> Result<Option<PendingSignIn>> {
        let Some(table) = self.view(PENDING_SIGN_INS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(token_hash.as_slice())?)
    }

    /// The admin's sign-in policy.
    fn sign_in_policy(&self) -> Result<SignInPolicy> {
        let Some(table) = self.view(SETTINGS)? else {
            return Ok(SignInPolicy::default());
        };
        Ok(decode_guard_as(table.get(POLICY_KEY)?)?.unwrap_or_default())
    }
}

impl<T: Tx> TotpReads for T {}

impl WriteTx {
    /// Stores the authenticator of `user`.
    pub fn put_totp(&mut self, user: UserId, record: &TotpRecord) -> Result<()> {
        self.table(TOTP)?
            .insert(user.0, encode_as(record)?.as_slice())?;
        Ok(())
    }

    /// Removes the authenticator of `user`.
    pub fn remove_totp(&mut self, user: UserId) -> Result<()> {
        self.table(TOTP)?.remove(user.0)?;
        Ok(())
    }

    /// Sets (or with `None` removes) the account's code second factor.
    pub fn put_code_factor(&mut self, user: UserId, factor: Option<&CodeFactor>) -> Result<()> {
        let mut table = self.table(CODE_FACTORS)?;
        match factor {
            Some(factor) => {
                table.insert(user.0, encode_as(factor)?.as_slice())?;
            }
            None => {
                table.remove(user.0)?;
            }
        }
        Ok(())
    }

    /// Stores (or replaces) a sign-in waiting for its second factor.
    pub fn put_pending_sign_in(
        &mut self,
        token_hash: &[u8; 32],
        pending: &PendingSignIn,
    ) -> Result<()> {
        self.table(PENDING_SIGN_INS)?
            .insert(token_hash.as_slice(), encode_as(pending)?.as_slice())?;
        Ok(())
    }

    /// Forgets a waiting sign-in.
    pub fn remove_pending_sign_in(&mut self, token_hash: &[u8; 32]) -> Result<()> {
        self.table(PENDING_SIGN_INS)?
            .remove(token_hash.as_slice())?;
        Ok(())
    }

    /// Sets the admin's sign-in policy.
    pub fn put_sign_in_policy(&mut self, policy: SignInPolicy) -> Result<()> {
        self.table(SETTINGS)?
            .insert(POLICY_KEY, encode_as(&policy)?.as_slice())?;
        Ok(())
    }
}
