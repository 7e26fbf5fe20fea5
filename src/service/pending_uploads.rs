//! Files sent with a form that was refused: held server-side for two hours under a random
//! token that the re-shown form carries, so the corrected form files them without a second
//! upload (a browser never re-fills a file input).
//!
//! A holding belongs to one user and one session (the session's CSRF token); another user or
//! session presenting the token gets nothing. Holdings are dropped when their form goes through,
//! replaced when it is refused again, and swept by housekeeping once expired.

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::appeals::Upload;
use super::{Ctx, Result};
use crate::domain::file_type::{FileType, clean_file_name};
use crate::domain::user::User;
use crate::store::{PendingFile, PendingUploadReads, PendingUploads};

/// How long a refused form's files are held.
pub const HOLD_FOR: SignedDuration = SignedDuration::from_hours(2);

/// A held file as the form lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFile {
    /// Its position in the holding (what the form's "remove" checkbox sends).
    pub index: usize,
    /// Cleaned file name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
}

/// The files held for a re-shown form, and the token that claims them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// The token for the form's hidden field; empty when nothing is held.
    pub token: String,
    /// What is held.
    pub files: Vec<HeldFile>,
}

fn hash(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// The holding of `token`, when it is this user's and this session's and has not expired.
fn own(ctx: &Ctx, user: &User, session_csrf: &str, token: &str) -> Result<Option<PendingUploads>> {
    if token.is_empty() {
        return Ok(None);
    }
    let held = ctx.store.read(|tx| tx.pending_uploads(&hash(token)))?;
    let now = ctx.now();
    Ok(
        held.filter(|h| {
            h.owner == user.id && h.session == hash(session_csrf) && h.expires_at > now
        }),
    )
}

/// The held files of `token` the form still wants (all but the `removed` positions), as
/// uploads to file together with the new ones. Someone else's, another session's or an expired
/// token claims nothing.
pub fn claim(
    ctx: &Ctx,
    user: &User,
    session_csrf: &str,
    token: &str,
    removed: &[usize],
) -> Result<Vec<Upload>> {
    Ok(own(ctx, user, session_csrf, token)?
        .map(|h| {
            h.files
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !removed.contains(i))
                .map(|(_, f)| Upload {
                    file_name: f.name,
                    bytes: f.bytes.into(),
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Holds the acceptable files among `uploads` (non-empty, within the size limit, of a type
/// the desk takes) for the re-shown form, replacing the holding of `previous`. Files the
/// service would refuse anyway are not held: the form says why they were refused.
pub fn hold(
    ctx: &Ctx,
    user: &User,
    session_csrf: &str,
    previous: &str,
    uploads: &[Upload],
) -> Result<Held> {
    let files: Vec<PendingFile> = uploads
        .iter()
        .filter(|u| !u.bytes.is_empty() && u.bytes.len() <= ctx.rules.max_attachment_bytes)
        .filter_map(|u| {
            let file_type = FileType::sniff(&u.bytes)?;
            Some(PendingFile {
                name: clean_file_name(&u.file_name, file_type),
                file_type,
                // A refused form's files go into a stored record, which encodes a copy anyway.
                bytes: u.bytes.to_vec(),
            })
        })
        .collect();
    let previous_hash = (!previous.is_empty()).then(|| hash(previous));
    if files.is_empty() {
        if let Some(old) = previous_hash {
            ctx.store.write(|tx| tx.delete_pending_uploads(&old))?;
        }
        return Ok(Held::default());
    }
    let token = super::new_token();
    let now = ctx.now();
    let listed = files
        .iter()
        .enumerate()
        .map(|(index, f)| HeldFile {
            index,
            name: f.name.clone(),
            size: f.bytes.len() as u64,
        })
        .collect();
    let record = PendingUploads {
        owner: user.id,
        session: hash(session_csrf),
        created_at: now,
        expires_at: now.saturating_add(HOLD_FOR).unwrap_or(Timestamp::MAX),
        files,
    };
    ctx.store.write(|tx| {
        if let Some(old) = previous_hash {
            tx.delete_pending_uploads(&old)?;
        }
        tx.put_pending_uploads(&hash(&token), &record)
    })?;
    Ok(Held {
        token,
        files: listed,
    })
}

/// Drops the holding of `token` once its form went through; someone else's token drops
/// nothing.
pub fn release(ctx: &Ctx, user: &User, session_csrf: &str, token: &str) -> Result<()> {
    if own(ctx, user, session_csrf, token)?.is_none() {
        return Ok(());
    }
    ctx.store
        .write(|tx| tx.delete_pending_uploads(&hash(token)))?;
    Ok(())
}

/// Drops every expired holding (housekeeping); returns how many went.
pub fn sweep(ctx: &Ctx) -> Result<usize> {
    let now = ctx.now();
    Ok(ctx.store.write(|tx| tx.sweep_pending_uploads(now))?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::domain::user::UserId;
    use crate::service::Rules;
    use crate::store::Store;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

    fn ctx_at(now: &str) -> Ctx {
        Ctx::new(
            Store::in_memory().unwrap(),
            Clock::fixed(now.parse().unwrap()),
            Rules::from_config(&Config::default()),
        )
    }

    fn user(id: u64) -> User {
        use crate::domain::field::FullName;
        use crate::domain::tax_id::{ApplicantKind, TaxId};
        use crate::domain::user::Account;
        User {
            id: UserId(id),
            account: Account::Applicant {
                kind: ApplicantKind::Individual,
                tax_id: TaxId::parse("900101300126").unwrap(),
            },
            full_name: FullName::parse("Айгүл Серікова").unwrap(),
            phone: None,
            email: None,
            address: String::new(),
            lang: crate::domain::lang::Lang::Kk,
            terms_accepted_at: None,
            created_at: Timestamp::UNIX_EPOCH,
            must_change_password: false,
            active: true,
        }
    }

    fn upload(name: &str, bytes: &[u8]) -> Upload {
        Upload {
            file_name: name.into(),
            bytes: bytes.to_vec().into(),
        }
    }

    #[test]
    fn held_files_are_claimed_by_their_session_only_and_not_after_removal() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let me = user(1);
        let held = hold(
            &ctx,
            &me,
            "csrf-a",
            "",
            &[
                upload("өтініш.pdf", PDF),
                upload("junk.exe", b"MZ..."),
                upload("empty.pdf", b""),
            ],
        )
        .unwrap();
        assert_eq!(held.files.len(), 1, "only the acceptable file is held");
        assert_eq!(held.files[0].name, "өтініш.pdf");
        let mine = claim(&ctx, &me, "csrf-a", &held.token, &[]).unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(&*mine[0].bytes, PDF);
        assert!(
            claim(&ctx, &me, "csrf-b", &held.token, &[])
                .unwrap()
                .is_empty()
        );
        assert!(
            claim(&ctx, &user(2), "csrf-a", &held.token, &[])
                .unwrap()
                .is_empty()
        );
        assert!(
            claim(&ctx, &me, "csrf-a", &held.token, &[0])
                .unwrap()
                .is_empty()
        );
        assert!(claim(&ctx, &me, "csrf-a", "", &[]).unwrap().is_empty());
    }

    #[test]
    fn holding_again_replaces_the_old_token_and_release_drops_it() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let me = user(1);
        let first = hold(&ctx, &me, "s", "", &[upload("a.pdf", PDF)]).unwrap();
        let second = hold(&ctx, &me, "s", &first.token, &[upload("a.pdf", PDF)]).unwrap();
        assert_ne!(first.token, second.token);
        assert!(claim(&ctx, &me, "s", &first.token, &[]).unwrap().is_empty());
        assert_eq!(claim(&ctx, &me, "s", &second.token, &[]).unwrap().len(), 1);
        release(&ctx, &user(2), "s", &second.token).unwrap();
        assert_eq!(
            claim(&ctx, &me, "s", &second.token, &[]).unwrap().len(),
            1,
            "another user's release drops nothing"
        );
        release(&ctx, &me, "s", &second.token).unwrap();
        assert!(
            claim(&ctx, &me, "s", &second.token, &[])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn expired_holdings_claim_nothing_and_are_swept() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let me = user(1);
        let held = hold(&ctx, &me, "s", "", &[upload("a.pdf", PDF)]).unwrap();
        let later = Ctx::new(
            ctx.store.clone(),
            Clock::fixed("2026-03-02T07:00:01Z".parse().unwrap()),
            Rules::from_config(&Config::default()),
        );
        assert!(
            claim(&later, &me, "s", &held.token, &[])
                .unwrap()
                .is_empty()
        );
        assert_eq!(sweep(&ctx).unwrap(), 0);
        assert_eq!(sweep(&later).unwrap(), 1);
    }
}
