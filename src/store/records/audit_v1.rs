//! The security audit trail (`audit` table) and sign-in failures (`sign_in_failures`),
//! record version 1.
//!
//! To add an audit kind: append it at the end of `domain::security::AuditKind` and add ONE
//! line at the end of the `frozen_enum!` for [`AuditKindV1`] below.

use jiff::Timestamp;

use super::{frozen_enum, frozen_struct};
use crate::domain::security::{AuditEntry, AuditKind, Failures};
use crate::store::codec::Record;

frozen_enum! {
    /// [`AuditKind`], version 1. Written by index: append only.
    #[derive(Copy)]
    AuditKindV1 = AuditKind {
        SignIn,
        SignInFailed,
        LockedOut,
        RefusedWhileLocked,
        SignOut,
        SessionEnded,
        PasswordChanged,
        PasswordReset,
        AccountCreated,
        RolesChanged,
        SecondFactorChanged,
        PersonalDataViewed,
    }
}

frozen_struct! {
    /// [`AuditEntry`], version 1.
    AuditEntryV1 = AuditEntry {
        at: Timestamp,
        kind: AuditKindV1,
        user: Option<u64>,
        name: String,
        address: String,
        detail: String,
    }
}

impl Record for AuditEntryV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "audit entry";
}

frozen_struct! {
    /// [`Failures`], version 1.
    FailuresV1 = Failures {
        count: u32,
        window_start: Option<Timestamp>,
        locked_until: Option<Timestamp>,
        lockouts: u32,
    }
}

impl Record for FailuresV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "sign-in failures";
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::user::UserId;
    use crate::store::codec::{decode_as, encode_as};
    use crate::store::records::Freeze;

    #[test]
    fn audit_kinds_keep_their_position_in_all() {
        for (index, kind) in AuditKind::ALL.iter().enumerate() {
            let bytes = postcard::to_allocvec(&kind.freeze()).unwrap();
            assert_eq!(bytes, vec![u8::try_from(index).unwrap()], "{kind:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn audit_entries_round_trip(
            second in 0i64..4_000_000_000,
            kind in proptest::sample::select(AuditKind::ALL),
            user in proptest::option::of(proptest::num::u64::ANY),
            texts in ("\\PC{0,8}", "\\PC{0,8}", "\\PC{0,8}"),
        ) {
            let entry = AuditEntry {
                at: Timestamp::from_second(second).unwrap(),
                kind,
                user: user.map(UserId),
                name: texts.0,
                address: texts.1,
                detail: texts.2,
            };
            let back: AuditEntry = decode_as(&encode_as(&entry).unwrap()).unwrap();
            proptest::prop_assert_eq!(back, entry);
        }
    }
}
