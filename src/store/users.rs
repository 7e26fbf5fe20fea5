//! Users, their sign-in names and their credentials (kept apart so exports can leave them out).

use redb::ReadableTable;

use super::codec::{decode_as, encode_as};
use super::schema::{CREDENTIALS, USER_BY_LOGIN, USERS};
use super::{Error, Result, Tx, WriteTx, decode_guard_as};
use crate::domain::tax_id::TaxId;
use crate::domain::user::{Account, User, UserId};

/// Secrets of one user (stored as `records::sign_in_v1::CredentialsV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Argon2id hash in PHC string format.
    pub password_hash: String,
}

/// The key a user is found by at sign-in (`user_by_login`), which also names a sign-in
/// name's failures (`sign_in_failures`) and its one-time codes. Stored as text:
/// `taxid:<12 digits>` for an applicant's IIN/BIN, `login:<lower-case login>` for staff;
/// [`LoginKey::encode`] and [`LoginKey::decode`] are the only code that knows the prefixes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LoginKey {
    /// An applicant, by IIN/BIN.
    TaxId(TaxId),
    /// A member of staff, by login (lower case).
    Login(String),
}

impl LoginKey {
    const TAX_ID: &'static str = "taxid:";
    const LOGIN: &'static str = "login:";
    /// The first key after every `login:` key (`;` follows `:`), bounding the staff range.
    const AFTER_LOGINS: &'static str = "login;";

    /// The key of an account.
    pub fn of(account: &Account) -> Self {
        match account {
            Account::Applicant { tax_id, .. } => Self::TaxId(tax_id.clone()),
            Account::Staff { login, .. } => Self::Login(login.as_str().to_owned()),
        }
    }

    /// The key a typed sign-in name is looked up by: an IIN/BIN if it parses as one, else a
    /// staff login, lower-cased (surrounding space ignored).
    pub fn from_sign_in_name(name: &str) -> Self {
        let name = name.trim();
        match TaxId::parse(name) {
            Ok(tax_id) => Self::TaxId(tax_id),
            Err(_) => Self::Login(name.to_lowercase()),
        }
    }

    /// An applicant's key for text that is exactly a valid IIN/BIN (no space, no other
    /// characters), such as a certificate field.
    pub fn exact_tax_id(digits: &str) -> Option<Self> {
        TaxId::parse(digits)
            .ok()
            .filter(|t| t.as_str() == digits)
            .map(Self::TaxId)
    }

    /// A staff login's key (the login as given, already lower case).
    pub fn staff(login: &str) -> Self {
        Self::Login(login.to_owned())
    }

    /// The stored text.
    pub fn encode(&self) -> String {
        match self {
            Self::TaxId(tax_id) => format!("{}{tax_id}", Self::TAX_ID),
            Self::Login(login) => format!("{}{login}", Self::LOGIN),
        }
    }

    /// The key of a stored text; `None` for text no [`LoginKey`] encodes to.
    pub fn decode(text: &str) -> Option<Self> {
        if let Some(digits) = text.strip_prefix(Self::TAX_ID) {
            Self::exact_tax_id(digits)
        } else {
            text.strip_prefix(Self::LOGIN)
                .map(|login| Self::Login(login.to_owned()))
        }
    }
}

impl std::fmt::Display for LoginKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.encode())
    }
}

/// Reading users.
pub trait UserReads: Tx {
    /// A user by id.
    fn user(&self, id: UserId) -> Result<Option<User>> {
        let Some(table) = self.view(USERS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(id.0)?)
    }

    /// A user by sign-in key.
    fn user_id_by_login(&self, key: &LoginKey) -> Result<Option<UserId>> {
        let Some(table) = self.view(USER_BY_LOGIN)? else {
            return Ok(None);
        };
        Ok(table.get(key.encode().as_str())?.map(|v| UserId(v.value())))
    }

    /// A user's secrets.
    fn credentials(&self, id: UserId) -> Result<Option<Credentials>> {
        let Some(table) = self.view(CREDENTIALS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(id.0)?)
    }

    /// Every staff account, in id order (a small institution has a handful).
    fn staff(&self) -> Result<Vec<User>> {
        let Some(table) = self.view(USER_BY_LOGIN)? else {
            return Ok(Vec::new());
        };
        let ids: Vec<u64> = table
            .range(LoginKey::LOGIN..LoginKey::AFTER_LOGINS)?
            .map(|entry| entry.map(|(_, v)| v.value()))
            .collect::<Result<_, _>>()?;
        drop(table);
        let mut users = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(user) = self.user(UserId(id))? {
                users.push(user);
            }
        }
        users.sort_by_key(|u| u.id);
        Ok(users)
    }

    /// Number of user accounts.
    fn user_count(&self) -> Result<u64> {
        self.view(USERS)?.map_or(Ok(0), |t| t.len())
    }
}

impl<T: Tx> UserReads for T {}

impl WriteTx {
    /// Stores a new user; refuses a sign-in name that is taken.
    pub fn insert_user(&mut self, user: &User, credentials: &Credentials) -> Result<()> {
        let key = LoginKey::of(&user.account).encode();
        {
            let mut by_login = self.table(USER_BY_LOGIN)?;
            if by_login.get(key.as_str())?.is_some() {
                return Err(Error::Duplicate("sign-in name"));
            }
            by_login.insert(key.as_str(), user.id.0)?;
        }
        self.table(USERS)?
            .insert(user.id.0, encode_as(user)?.as_slice())?;
        self.table(CREDENTIALS)?
            .insert(user.id.0, encode_as(credentials)?.as_slice())?;
        Ok(())
    }

    /// Replaces a user's profile (the sign-in name cannot change).
    pub fn update_user(&mut self, user: &User) -> Result<()> {
        let mut users = self.table(USERS)?;
        let old: User = match users.get(user.id.0)? {
            Some(v) => decode_as(v.value())?,
            None => {
                return Err(Error::Corrupt {
                    record: "user",
                    detail: format!("no user {}", user.id.0),
                });
            }
        };
        if LoginKey::of(&old.account) != LoginKey::of(&user.account) {
            return Err(Error::Duplicate("sign-in name cannot change"));
        }
        users.insert(user.id.0, encode_as(user)?.as_slice())?;
        Ok(())
    }

    /// Replaces a user's secrets.
    pub fn set_credentials(&mut self, id: UserId, credentials: &Credentials) -> Result<()> {
        self.table(CREDENTIALS)?
            .insert(id.0, encode_as(credentials)?.as_slice())?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn login_keys_keep_the_stored_text_they_always_had() {
        let applicant = LoginKey::from_sign_in_name(" 150340001236 ");
        assert_eq!(applicant.encode(), "taxid:150340001236");
        let staff = LoginKey::from_sign_in_name(" Clerk ");
        assert_eq!(staff, LoginKey::staff("clerk"));
        assert_eq!(staff.encode(), "login:clerk");
        assert_eq!(staff.to_string(), "login:clerk");
        for key in [applicant, staff] {
            assert_eq!(LoginKey::decode(&key.encode()), Some(key));
        }
        assert_eq!(LoginKey::decode("taxid:150340001237"), None);
        assert_eq!(LoginKey::decode("session:x"), None);
    }

    #[test]
    fn staff_keys_sort_between_the_staff_range_bounds() {
        let key = LoginKey::staff("zz~\u{10ffff}").encode();
        assert!(LoginKey::LOGIN <= key.as_str() && key.as_str() < LoginKey::AFTER_LOGINS);
        let applicant = LoginKey::from_sign_in_name("150340001236").encode();
        assert!(applicant.as_str() >= LoginKey::AFTER_LOGINS);
    }

    proptest::proptest! {
        #[test]
        fn a_login_key_decodes_from_its_encoding(login in "\\PC{0,16}") {
            let key = LoginKey::staff(&login);
            proptest::prop_assert_eq!(LoginKey::decode(&key.encode()), Some(key));
        }
    }
}
