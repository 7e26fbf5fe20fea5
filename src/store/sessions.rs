//! Sign-in sessions, keyed by the SHA-256 of the token (the token itself is never stored).

use jiff::Timestamp;

use super::access::Access;
use super::codec::{decode_as, encode_as};
use super::schema::{SESSION_SEEN, SESSIONS};
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::user::UserId;

/// A signed-in browser (stored as `records::sign_in_v1::SessionV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub user: UserId,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// When it started.
    pub created_at: Timestamp,
    /// When it ends.
    pub expires_at: Timestamp,
    /// The browser's address at sign-in.
    pub address: String,
    /// The browser's User-Agent at sign-in (shortened).
    pub device: String,
}

/// Reading sessions.
pub trait SessionReads: Tx {
    /// The session whose token hashes to `token_hash`.
    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<Session>> {
        let Some(table) = self.view(SESSIONS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(token_hash.as_slice())?)
    }

    /// When the session was last used, if recorded.
    fn session_seen(&self, token_hash: &[u8; 32]) -> Result<Option<Timestamp>> {
        let Some(table) = self.view(SESSION_SEEN)? else {
            return Ok(None);
        };
        Ok(table
            .get(token_hash.as_slice())?
            .and_then(|seconds| Timestamp::from_second(seconds.value()).ok()))
    }

    /// Every stored session of `user`, with its token hash (a scan: sessions are few).
    fn sessions_of(&self, user: UserId) -> Result<Vec<([u8; 32], Session)>> {
        let Some(table) = self.view(SESSIONS)? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for entry in table.range::<&[u8]>(..)? {
            let (key, value) = entry?;
            let session: Session = decode_as(value.value())?;
            if session.user == user
                && let Ok(hash) = <[u8; 32]>::try_from(key.value())
            {
                found.push((hash, session));
            }
        }
        Ok(found)
    }
}

impl<T: Tx> SessionReads for T {}

impl WriteTx {
    /// Stores a new session.
    pub fn insert_session(&mut self, token_hash: &[u8; 32], session: &Session) -> Result<()> {
        self.table(SESSIONS)?
            .insert(token_hash.as_slice(), encode_as(session)?.as_slice())?;
        Ok(())
    }

    /// Ends a session.
    pub fn delete_session(&mut self, token_hash: &[u8; 32]) -> Result<()> {
        self.table(SESSIONS)?.remove(token_hash.as_slice())?;
        self.table(SESSION_SEEN)?.remove(token_hash.as_slice())?;
        Ok(())
    }

    /// Removes every session that has ended by `now`, with its last-seen time; returns how
    /// many went. Sessions are few once swept (the live ones), so this reads them all.
    pub fn remove_expired_sessions(&mut self, now: Timestamp) -> Result<usize> {
        let mut ended = Vec::new();
        if let Some(table) = self.view(SESSIONS)? {
            for entry in table.range::<&[u8]>(..)? {
                let (key, value) = entry?;
                let session: Session = decode_as(value.value())?;
                if session.expires_at <= now {
                    ended.push(key.value().to_vec());
                }
            }
        }
        let mut sessions = self.table(SESSIONS)?;
        for key in &ended {
            sessions.remove(key.as_slice())?;
        }
        drop(sessions);
        let mut seen = self.table(SESSION_SEEN)?;
        for key in &ended {
            seen.remove(key.as_slice())?;
        }
        Ok(ended.len())
    }

    /// Records that the session was used at `at`.
    pub fn touch_session(&mut self, token_hash: &[u8; 32], at: Timestamp) -> Result<()> {
        self.table(SESSION_SEEN)?
            .insert(token_hash.as_slice(), at.as_second())?;
        Ok(())
    }
}
