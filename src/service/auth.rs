//! Accounts and sign-in: applicant registration, staff creation, passwords, sessions.
//!
//! Passwords are hashed with Argon2id; session tokens are random, and only their SHA-256 is
//! stored. A wrong name and a wrong password give the same answer.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::security::{self, Origin};
use super::{Ctx, Error, Result, new_token};
use crate::domain::field::{
    Email, FieldErrors, FullName, Login, NewPassword, Phone, optional_text,
};
use crate::domain::lang::Lang;
use crate::domain::security::AuditKind;
use crate::domain::tax_id::{ApplicantKind, TaxId};
use crate::domain::user::{Account, Role, Roles, User, UserId};
use crate::store::{Credentials, LanguageChoiceReads, LoginKey, Session, SessionReads, UserReads};

/// What an applicant types on the registration form.
#[derive(Debug, Clone, Default)]
pub struct RegistrationForm {
    /// `individual` or `legal`.
    pub kind: String,
    /// IIN or BIN.
    pub tax_id: String,
    /// Full name or organisation name.
    pub full_name: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Postal address.
    pub address: String,
    /// Password.
    pub password: String,
    /// Password again.
    pub password_again: String,
}

/// A new staff account.
#[derive(Debug, Clone)]
pub struct StaffForm {
    /// Sign-in name.
    pub login: String,
    /// Full name.
    pub full_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Initial password.
    pub password: String,
    /// Whether the first sign-in must choose a new password (true when someone else set it).
    pub must_change_password: bool,
}

/// A signed-in browser: who, and the token its forms carry.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Whether the user chose their language themselves (else the account's language is only
    /// what was shown when it was made, and the visitor's or the default language wins).
    pub lang_chosen: bool,
    /// Whether the user must add a second factor before anything else
    /// ([`super::authenticator::must_enrol`], read with the session).
    pub must_enrol: bool,
}

/// Argon2id hash of a password.
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes)
        .map_err(|e| Error::Store(crate::store::Error::Database(format!("random salt: {e}"))))?;
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| Error::Store(crate::store::Error::Database(format!("salt: {e}"))))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            Error::Store(crate::store::Error::Database(format!(
                "password hashing: {e}"
            )))
        })
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Registers an applicant; refuses field by field, and a taken IIN/BIN.
pub fn register_applicant(ctx: &Ctx, form: &RegistrationForm, lang: Lang) -> Result<UserId> {
    let mut errors = FieldErrors::default();
    let kind = errors.take(
        "kind",
        ApplicantKind::from_code(&form.kind).ok_or("error.required"),
    );
    let tax_id = errors.take("tax_id", TaxId::parse(&form.tax_id).map_err(|e| e.key()));
    let full_name = errors.take("full_name", FullName::parse(&form.full_name));
    let phone = errors.take("phone", Phone::parse(&form.phone));
    let email = errors.take("email", Email::parse(&form.email));
    let address = errors.take("address", optional_text(&form.address, 300));
    let password = errors.take("password", NewPassword::parse(&form.password));
    if password.is_some() && form.password != form.password_again {
        errors.add("password_again", "error.password_mismatch");
    }
    let (
        Some(kind),
        Some(tax_id),
        Some(full_name),
        Some(phone),
        Some(email),
        Some(address),
        Some(password),
    ) = (kind, tax_id, full_name, phone, email, address, password)
    else {
        return Err(Error::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let account = Account::Applicant { kind, tax_id };
    if ctx
        .store
        .read(|tx| tx.user_id_by_login(&LoginKey::of(&account)))?
        .is_some()
    {
        let mut taken = FieldErrors::default();
        taken.add("tax_id", "error.taxid.taken");
        return Err(Error::Invalid(taken));
    }
    let user = User {
        id: UserId(0),
        account,
        full_name,
        phone: Some(phone),
        email: Some(email),
        address,
        lang,
        terms_accepted_at: None,
        created_at: ctx.now(),
        must_change_password: false,
        active: true,
    };
    insert_new_user(
        ctx,
        user,
        password.expose(),
        ("tax_id", "error.taxid.taken"),
        None,
    )
}

/// Hashes the password and stores a new user under a fresh id; a taken sign-in name becomes
/// the field error `taken` = (field, message key).
/// Stores a new account; `created_by` is the admin's sign-in name (or `command line`) for a
/// staff account, which the audit trail records in the same transaction.
fn insert_new_user(
    ctx: &Ctx,
    mut user: User,
    password: &str,
    taken: (&'static str, &'static str),
    created_by: Option<&str>,
) -> Result<UserId> {
    let credentials = Credentials {
        password_hash: hash_password(password)?,
    };
    let now = ctx.now();
    ctx.store.write(|tx| {
        user.id = UserId(tx.next_in_sequence("user")?);
        tx.insert_user(&user, &credentials)
            .map_err(|err| match err {
                crate::store::Error::Duplicate(_) => {
                    let mut errors = FieldErrors::default();
                    errors.add(taken.0, taken.1);
                    Error::Invalid(errors)
                }
                other => Error::Store(other),
            })?;
        if let Some(by) = created_by {
            let roles: Vec<&str> = Role::ALL
                .iter()
                .filter(|r| user.roles().has(**r))
                .map(|r| r.code())
                .collect();
            let detail = format!("{} by {by}", roles.join("+"));
            security::record(
                tx,
                now,
                AuditKind::AccountCreated,
                (Some(user.id), user.sign_in_name()),
                "",
                &detail,
            )?;
        }
        Ok(user.id)
    })
}

/// Creates a staff account (admin only, or the installer through the CLI).
pub fn create_staff(ctx: &Ctx, by: Option<&User>, form: &StaffForm) -> Result<UserId> {
    if let Some(admin) = by {
        super::require_admin(admin)?;
    }
    let mut errors = FieldErrors::default();
    let login = errors.take("login", Login::parse(&form.login));
    let full_name = errors.take("full_name", FullName::parse(&form.full_name));
    let password = errors.take("password", NewPassword::parse(&form.password));
    if form.roles.is_empty() {
        errors.add("roles", "error.required");
    }
    let (Some(login), Some(full_name), Some(password)) = (login, full_name, password) else {
        return Err(Error::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let user = User {
        id: UserId(0),
        account: Account::Staff {
            login,
            roles: Roles::of(&form.roles),
        },
        full_name,
        phone: None,
        email: None,
        address: String::new(),
        lang: Lang::Kk,
        terms_accepted_at: None,
        created_at: ctx.now(),
        must_change_password: form.must_change_password,
        active: true,
    };
    let by = by.map_or("command line", |admin| admin.sign_in_name());
    insert_new_user(
        ctx,
        user,
        password.expose(),
        ("login", "error.login_taken"),
        Some(by),
    )
}

/// Creates the first admin with a random one-time password, if the store has no staff yet.
/// Returns the login and password to print once.
pub fn ensure_first_admin(ctx: &Ctx) -> Result<Option<(String, String)>> {
    let has_staff = ctx
        .store
        .read(|tx| Ok::<_, Error>(!tx.staff()?.is_empty()))?;
    if has_staff {
        return Ok(None);
    }
    let password = new_token()[..20].to_owned();
    create_staff(
        ctx,
        None,
        &StaffForm {
            login: "admin".into(),
            full_name: "Administrator".into(),
            roles: vec![Role::Admin],
            password: password.clone(),
            must_change_password: true,
        },
    )?;
    Ok(Some(("admin".into(), password)))
}

/// Whether `password` is the user's password (for confirming sensitive changes).
pub(super) fn password_is(ctx: &Ctx, user: &User, password: &str) -> Result<bool> {
    let credentials = ctx
        .store
        .read(|tx| tx.credentials(user.id))?
        .ok_or(Error::NotFound)?;
    Ok(password_matches(password, &credentials.password_hash))
}

pub(super) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Checks a sign-in name (IIN/BIN or staff login) and password; returns a new session token.
/// An address with too many recent failures is refused first, checking nothing
/// ([`security::limit`]). A name with [`FAILURES_BEFORE_LOCK`](crate::domain::security::FAILURES_BEFORE_LOCK) recent
/// failures is refused without checking the password until its back-off ends; every success
/// and failure is audited.
pub fn sign_in(
    ctx: &Ctx,
    name: &str,
    password: &str,
    address: &str,
    device: &str,
) -> Result<(String, User)> {
    let name = name.trim();
    let key = LoginKey::from_sign_in_name(name);
    let origin = Origin { address, device };
    security::refuse_if_throttled(ctx, origin)?;
    let found = ctx.store.read(|tx| {
        let Some(id) = tx.user_id_by_login(&key)? else {
            return Ok::<_, Error>(None);
        };
        Ok(tx.user(id)?.zip(tx.credentials(id)?))
    })?;
    let who = (found.as_ref().map(|(u, _)| u.id), name);
    security::refuse_if_locked(ctx, &key, who, origin)?;
    let Some((user, credentials)) = found else {
        // Spend the same time as a real check, so timing does not reveal which names exist.
        let _ = password_matches(password, DUMMY_HASH);
        return Err(security::count_failure(ctx, &key, who, origin));
    };
    if !user.active || !password_matches(password, &credentials.password_hash) {
        return Err(security::count_failure(ctx, &key, who, origin));
    }
    if let Some(factor) = super::authenticator::factor(ctx, &user)? {
        ctx.store.write(|tx| tx.clear_sign_in_failures(&key))?;
        return Err(Error::SecondFactor {
            pending: super::authenticator::begin_pending(ctx, &user, factor, origin)?,
        });
    }
    let token = start_session(ctx, &user, origin, "password")?;
    Ok((token, user))
}

/// Starts a session for a user who has proven who they are (password, code, passkey, ЭЦП);
/// returns its token. `how` goes into the audit entry.
pub(crate) fn start_session(
    ctx: &Ctx,
    user: &User,
    origin: Origin<'_>,
    how: &str,
) -> Result<String> {
    let now = ctx.now();
    ctx.store
        .write(|tx| open_session(tx, ctx, user, origin, how, now))
}

/// [`start_session`] inside the caller's transaction: the session (with the configured
/// lifetime, the address and browser clipped), the name's failures forgotten, one audit entry.
pub(crate) fn open_session(
    tx: &mut crate::store::WriteTx,
    ctx: &Ctx,
    user: &User,
    origin: Origin<'_>,
    how: &str,
    now: Timestamp,
) -> Result<String> {
    let token = new_token();
    let session = Session {
        user: user.id,
        csrf_token: new_token(),
        created_at: now,
        expires_at: now
            .checked_add(
                jiff::SignedDuration::try_from(ctx.rules.session_lifetime).unwrap_or_default(),
            )
            .unwrap_or(now),
        address: origin.address.chars().take(64).collect(),
        device: origin.device.chars().take(120).collect(),
    };
    let detail = format!(
        "{how}; {}",
        origin.device.chars().take(120).collect::<String>()
    );
    tx.insert_session(&token_hash(&token), &session)?;
    tx.clear_sign_in_failures(&LoginKey::of(&user.account))?;
    security::record(
        tx,
        now,
        AuditKind::SignIn,
        (Some(user.id), user.sign_in_name()),
        origin.address,
        &detail,
    )?;
    Ok(token)
}

/// An Argon2id hash of a random string, checked when the name is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J3Mw0pQkPQmvnA3hQ6pGQ5wm5mYF8bkxkEj3cWb8y4g";

/// The signed-in user behind a session token, if the session is valid now.
pub fn session(ctx: &Ctx, token: &str) -> Result<Option<SignedIn>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let now: Timestamp = ctx.now();
    let found = ctx.store.read(|tx| {
        let Some(session) = tx.session(&hash)? else {
            return Ok::<_, Error>(None);
        };
        if session.expires_at <= now {
            return Ok(None);
        }
        let seen = tx.session_seen(&hash)?;
        let lang_chosen = tx.language_chosen(session.user)?;
        let Some(user) = tx.user(session.user)?.filter(|u| u.active) else {
            return Ok(None);
        };
        let must_enrol = super::authenticator::must_enrol_in(tx, &user)?;
        Ok(Some((
            SignedIn {
                user,
                csrf_token: session.csrf_token,
                lang_chosen,
                must_enrol,
            },
            seen,
        )))
    })?;
    let Some((signed_in, seen)) = found else {
        return Ok(None);
    };
    // "Last seen" for the sessions list, written at most every five minutes; a failed write
    // (disk full) must not turn a reader away.
    if seen.is_none_or(|at| now.duration_since(at) > jiff::SignedDuration::from_mins(5))
        && let Err(err) = ctx.store.write(|tx| tx.touch_session(&hash, now))
    {
        log::debug!("session last-seen not recorded: {err}");
    }
    Ok(Some(signed_in))
}

/// Removes the sessions that have ended (housekeeping, every ten minutes), so the sessions
/// table holds the live ones only; returns how many went.
pub fn sweep_expired_sessions(ctx: &Ctx) -> Result<usize> {
    let now = ctx.now();
    Ok(ctx.store.write(|tx| tx.remove_expired_sessions(now))?)
}

/// Ends a session.
pub fn sign_out(ctx: &Ctx, token: &str) -> Result<()> {
    let hash = token_hash(token);
    let now = ctx.now();
    ctx.store.write(|tx| {
        if let Some(session) = tx.session(&hash)? {
            let name = tx
                .user(session.user)?
                .map(|u| u.sign_in_name().to_owned())
                .unwrap_or_default();
            security::record(
                tx,
                now,
                AuditKind::SignOut,
                (Some(session.user), &name),
                &session.address,
                "",
            )?;
        }
        Ok::<_, Error>(tx.delete_session(&hash)?)
    })?;
    Ok(())
}

/// Records the applicant's agreement to the terms of use.
pub fn accept_terms(ctx: &Ctx, user: &User) -> Result<()> {
    let now = ctx.now();
    ctx.store.write(|tx| {
        let mut stored = tx.user(user.id)?.ok_or(Error::NotFound)?;
        if stored.terms_accepted_at.is_none() {
            stored.terms_accepted_at = Some(now);
            tx.update_user(&stored)?;
        }
        Ok(())
    })
}

/// Remembers the language a user chose (from now on it follows them to other browsers).
pub fn set_language(ctx: &Ctx, user: &User, lang: Lang) -> Result<()> {
    ctx.store.write(|tx| {
        let mut stored = tx.user(user.id)?.ok_or(Error::NotFound)?;
        if stored.lang != lang {
            stored.lang = lang;
            tx.update_user(&stored)?;
        }
        tx.mark_language_chosen(user.id)?;
        Ok(())
    })
}

/// Changes a user's own password (also clears the admin's "must change" flag).
/// Changes the user's own password; every other session of theirs ends (`keep_token` is the
/// session making the change).
pub fn change_password(
    ctx: &Ctx,
    user: &User,
    current: &str,
    new: &str,
    again: &str,
    keep_token: Option<&str>,
) -> Result<()> {
    let mut errors = FieldErrors::default();
    let credentials = ctx
        .store
        .read(|tx| tx.credentials(user.id))?
        .ok_or(Error::NotFound)?;
    if !password_matches(current, &credentials.password_hash) {
        errors.add("current", "error.password_wrong");
    }
    let new = errors.take("password", NewPassword::parse(new));
    if new.is_some() && new.as_ref().map(NewPassword::expose) != Some(again) {
        errors.add("password_again", "error.password_mismatch");
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let password_hash = hash_password(new.expose())?;
    let keep = keep_token.map(token_hash);
    let now = ctx.now();
    ctx.store.write(|tx| {
        let address = match &keep {
            Some(hash) => tx.session(hash)?.map(|s| s.address).unwrap_or_default(),
            None => String::new(),
        };
        security::replace_password(
            tx,
            now,
            user.id,
            &password_hash,
            &security::Replacement {
                kind: AuditKind::PasswordChanged,
                must_change: false,
                keep: keep.as_ref(),
                address: &address,
                detail: "",
            },
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::service::testing::ctx_at;

    pub(crate) fn form() -> RegistrationForm {
        RegistrationForm {
            kind: "individual".into(),
            tax_id: "900101300126".into(),
            full_name: "Айгүл Серікова".into(),
            phone: "+7 701 234 56 78".into(),
            email: "aigul@example.kz".into(),
            address: "Қарасу ауылы".into(),
            password: "correct horse battery".into(),
            password_again: "correct horse battery".into(),
        }
    }

    #[test]
    fn the_dummy_hash_is_a_valid_argon2id_hash() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn an_applicant_registers_and_signs_in_with_the_iin() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        register_applicant(&ctx, &form(), Lang::Kk).unwrap();
        let (token, user) = sign_in(
            &ctx,
            " 900101300126 ",
            "correct horse battery",
            "127.0.0.1",
            "test",
        )
        .unwrap();
        assert!(user.is_applicant());
        let signed_in = session(&ctx, &token).unwrap().unwrap();
        assert_eq!(signed_in.user.id, user.id);
        sign_out(&ctx, &token).unwrap();
        assert!(session(&ctx, &token).unwrap().is_none());
    }

    /// Housekeeping removes the rows of ended sessions (with their last-seen time) and keeps
    /// the live ones, so the sessions table grows only with the people signed in.
    /// See: issue 12.
    #[test]
    fn sweeping_removes_the_row_of_an_expired_session_and_keeps_a_live_one() {
        use crate::store::SessionReads;
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        register_applicant(&ctx, &form(), Lang::Kk).unwrap();
        let sign = |ctx: &Ctx| {
            sign_in(
                ctx,
                "900101300126",
                "correct horse battery",
                "127.0.0.1",
                "t",
            )
            .unwrap()
            .0
        };
        let old = sign(&ctx);
        session(&ctx, &old).unwrap().unwrap();
        let lifetime = jiff::SignedDuration::try_from(ctx.rules.session_lifetime).unwrap();
        let start = ctx.now();
        ctx.clock.set(start.checked_add(lifetime / 2).unwrap());
        let live = sign(&ctx);
        ctx.clock.set(start.checked_add(lifetime).unwrap());
        assert_eq!(sweep_expired_sessions(&ctx).unwrap(), 1);
        let row = |token: &str| {
            let hash = token_hash(token);
            ctx.store
                .read(|tx| Ok::<_, Error>((tx.session(&hash)?, tx.session_seen(&hash)?)))
                .unwrap()
        };
        assert_eq!(row(&old), (None, None), "the ended session's rows are gone");
        assert!(row(&live).0.is_some());
        assert!(session(&ctx, &live).unwrap().is_some());
        assert_eq!(sweep_expired_sessions(&ctx).unwrap(), 0);
    }

    #[test]
    fn a_wrong_password_or_unknown_name_is_refused_alike() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        register_applicant(&ctx, &form(), Lang::Kk).unwrap();
        assert!(matches!(
            sign_in(&ctx, "900101300126", "wrong password", "", ""),
            Err(Error::BadCredentials)
        ));
        assert!(matches!(
            sign_in(&ctx, "nobody", "correct horse battery", "", ""),
            Err(Error::BadCredentials)
        ));
    }

    #[test]
    fn invalid_fields_are_all_reported_together() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let mut bad = form();
        bad.tax_id = "900101300127".into();
        bad.email = "nope".into();
        bad.password_again = "something else".into();
        let Err(Error::Invalid(errors)) = register_applicant(&ctx, &bad, Lang::Kk) else {
            panic!("expected field errors");
        };
        assert_eq!(errors.for_field("tax_id"), Some("error.taxid.check"));
        assert_eq!(errors.for_field("email"), Some("error.email"));
        assert_eq!(
            errors.for_field("password_again"),
            Some("error.password_mismatch")
        );
    }

    #[test]
    fn the_same_iin_cannot_register_twice() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        register_applicant(&ctx, &form(), Lang::Kk).unwrap();
        let Err(Error::Invalid(errors)) = register_applicant(&ctx, &form(), Lang::Kk) else {
            panic!("expected a refusal");
        };
        assert_eq!(errors.for_field("tax_id"), Some("error.taxid.taken"));
    }

    #[test]
    fn sessions_expire() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        register_applicant(&ctx, &form(), Lang::Kk).unwrap();
        let (token, _) = sign_in(&ctx, "900101300126", "correct horse battery", "", "").unwrap();
        ctx.clock.set("2026-03-02T17:00:01Z".parse().unwrap());
        assert!(session(&ctx, &token).unwrap().is_none());
        assert!(session(&ctx, "not a token").unwrap().is_none());
    }

    #[test]
    fn the_first_admin_is_created_once_and_must_change_the_password() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let (login, password) = ensure_first_admin(&ctx).unwrap().unwrap();
        assert!(ensure_first_admin(&ctx).unwrap().is_none());
        let (_, admin) = sign_in(&ctx, &login, &password, "", "").unwrap();
        assert!(admin.roles().has(Role::Admin));
        assert!(admin.must_change_password);
        change_password(
            &ctx,
            &admin,
            &password,
            "a new long password",
            "a new long password",
            None,
        )
        .unwrap();
        let (_, admin) = sign_in(&ctx, &login, "a new long password", "", "").unwrap();
        assert!(!admin.must_change_password);
    }

    #[test]
    fn only_an_admin_creates_staff() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let clerk_id = create_staff(
            &ctx,
            None,
            &StaffForm {
                login: "clerk".into(),
                full_name: "Гүлнар Ахметова".into(),
                roles: vec![Role::Clerk],
                password: "a long password".into(),
                must_change_password: false,
            },
        )
        .unwrap();
        let clerk = ctx.store.read(|tx| tx.user(clerk_id)).unwrap().unwrap();
        let result = create_staff(
            &ctx,
            Some(&clerk),
            &StaffForm {
                login: "other".into(),
                full_name: "Other Person".into(),
                roles: vec![Role::Admin],
                password: "a long password".into(),
                must_change_password: false,
            },
        );
        assert!(matches!(result, Err(Error::Forbidden)));
    }
}
