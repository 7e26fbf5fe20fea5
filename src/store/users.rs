//! Users, their sign-in names and their credentials (kept apart so exports can leave them out).

use serde::{Deserialize, Serialize};

use redb::ReadableTable;

use super::codec::{Record, decode, encode};
use super::schema::{CREDENTIALS, USER_BY_LOGIN, USERS};
use super::{Error, Result, Tx, WriteTx, decode_guard};
use crate::domain::user::{Account, User, UserId};

impl Record for User {
    const VERSION: u8 = 1;
    const NAME: &'static str = "user";
}

/// Secrets of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// Argon2id hash in PHC string format.
    pub password_hash: String,
}

impl Record for Credentials {
    const VERSION: u8 = 1;
    const NAME: &'static str = "credentials";
}

/// The key under which a user is found at sign-in.
pub fn login_key_for(account: &Account) -> String {
    match account {
        Account::Applicant { tax_id, .. } => format!("taxid:{tax_id}"),
        Account::Staff { login, .. } => format!("login:{}", login.as_str()),
    }
}

/// Reading users.
pub trait UserReads: Tx {
    /// A user by id.
    fn user(&self, id: UserId) -> Result<Option<User>> {
        let Some(table) = self.view(USERS)? else {
            return Ok(None);
        };
        decode_guard(table.get(id.0)?)
    }

    /// A user by sign-in key (`taxid:…` or `login:…`, see [`login_key_for`]).
    fn user_id_by_login(&self, key: &str) -> Result<Option<UserId>> {
        let Some(table) = self.view(USER_BY_LOGIN)? else {
            return Ok(None);
        };
        Ok(table.get(key)?.map(|v| UserId(v.value())))
    }

    /// A user's secrets.
    fn credentials(&self, id: UserId) -> Result<Option<Credentials>> {
        let Some(table) = self.view(CREDENTIALS)? else {
            return Ok(None);
        };
        decode_guard(table.get(id.0)?)
    }

    /// Every staff account, in id order (a small institution has a handful).
    fn staff(&self) -> Result<Vec<User>> {
        let Some(table) = self.view(USER_BY_LOGIN)? else {
            return Ok(Vec::new());
        };
        let ids: Vec<u64> = table
            .range("login:".."login;")?
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
        let key = login_key_for(&user.account);
        {
            let mut by_login = self.table(USER_BY_LOGIN)?;
            if by_login.get(key.as_str())?.is_some() {
                return Err(Error::Duplicate("sign-in name"));
            }
            by_login.insert(key.as_str(), user.id.0)?;
        }
        self.table(USERS)?
            .insert(user.id.0, encode(user)?.as_slice())?;
        self.table(CREDENTIALS)?
            .insert(user.id.0, encode(credentials)?.as_slice())?;
        Ok(())
    }

    /// Replaces a user's profile (the sign-in name cannot change).
    pub fn update_user(&mut self, user: &User) -> Result<()> {
        let mut users = self.table(USERS)?;
        let old: User = match users.get(user.id.0)? {
            Some(v) => decode(v.value())?,
            None => {
                return Err(Error::Corrupt {
                    record: "user",
                    detail: format!("no user {}", user.id.0),
                });
            }
        };
        if login_key_for(&old.account) != login_key_for(&user.account) {
            return Err(Error::Duplicate("sign-in name cannot change"));
        }
        users.insert(user.id.0, encode(user)?.as_slice())?;
        Ok(())
    }

    /// Replaces a user's secrets.
    pub fn set_credentials(&mut self, id: UserId, credentials: &Credentials) -> Result<()> {
        self.table(CREDENTIALS)?
            .insert(id.0, encode(credentials)?.as_slice())?;
        Ok(())
    }
}
