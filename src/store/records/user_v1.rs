//! Accounts (`users` table), record version 1.
//!
//! Names, phones, e-mail addresses and logins are stored as the text they were checked into
//! and read back without checking again ([`FullName::from_stored`] …); a tax id is checked
//! again, as its serde form always did.

use jiff::Timestamp;

use super::values_v1::ApplicantKindV1;
use super::{Freeze, ThawError, frozen_enum, frozen_struct};
use crate::domain::field::{Email, FullName, Login, Phone};
use crate::domain::lang::Lang;
use crate::domain::user::{Account, User};
use crate::store::codec::Record;

/// Checked text fields: stored as their text.
macro_rules! frozen_text {
    ($($t:ident),*) => {$(
        impl Freeze for $t {
            type Record = String;
            fn freeze(&self) -> String {
                self.as_str().to_owned()
            }
            fn thaw(record: String) -> Result<Self, ThawError> {
                Ok($t::from_stored(record))
            }
        }
    )*};
}

frozen_text!(FullName, Phone, Email, Login);

frozen_enum! {
    /// [`Lang`], version 1.
    #[derive(Copy)]
    LangV1 = Lang { Kk, Ru, En }
}

frozen_enum! {
    /// [`Account`], version 1.
    AccountV1 = Account {
        Applicant { kind: ApplicantKindV1, tax_id: String },
        Staff { login: String, roles: u8 },
    }
}

frozen_struct! {
    /// [`User`], version 1.
    UserV1 = User {
        id: u64,
        account: AccountV1,
        full_name: String,
        phone: Option<String>,
        email: Option<String>,
        address: String,
        lang: LangV1,
        terms_accepted_at: Option<Timestamp>,
        created_at: Timestamp,
        must_change_password: bool,
        active: bool,
    }
}

impl Record for UserV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "user";
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::tax_id::{ApplicantKind, TaxId};
    use crate::domain::user::{Roles, UserId};
    use crate::store::codec::{decode_as, encode_as};

    proptest::proptest! {
        #[test]
        fn users_round_trip(
            id in proptest::num::u64::ANY,
            staff in proptest::bool::ANY,
            digits in "[0-9]{11}",
            texts in ("\\PC{1,8}", "\\PC{0,8}", "\\PC{0,8}", "\\PC{0,8}"),
            roles in proptest::num::u8::ANY,
            lang in proptest::sample::select(Lang::ALL.to_vec()),
            seconds in (0i64..4_000_000_000, proptest::option::of(0i64..4_000_000_000)),
            flags in (proptest::bool::ANY, proptest::bool::ANY, proptest::bool::ANY),
        ) {
            let account = match TaxId::with_check_digit(&digits) {
                Some(tax_id) if !staff => Account::Applicant { kind: ApplicantKind::Individual, tax_id },
                _ => Account::Staff { login: Login::from_stored(texts.0.clone()), roles: Roles::from_bits(roles) },
            };
            let user = User {
                id: UserId(id),
                account,
                full_name: FullName::from_stored(texts.0),
                phone: flags.2.then(|| Phone::from_stored(texts.1)),
                email: flags.2.then(|| Email::from_stored(texts.2)),
                address: texts.3,
                lang,
                terms_accepted_at: seconds.1.map(|s| Timestamp::from_second(s).unwrap()),
                created_at: Timestamp::from_second(seconds.0).unwrap(),
                must_change_password: flags.0,
                active: flags.1,
            };
            let back: User = decode_as(&encode_as(&user).unwrap()).unwrap();
            proptest::prop_assert_eq!(back, user);
        }
    }
}
