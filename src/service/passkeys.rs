//! Passkeys (`WebAuthn`): registering them in the profile, signing in with them, removing them.
//!
//! Every ceremony answers a challenge issued here: 32 random bytes, valid five minutes, taken
//! (removed) by the first answer whatever its outcome, and stored under the SHA-256 of the
//! browser's CSRF token, so an answer posted from another browser finds no challenge. The
//! relying party is the host name the browser used, accepted only when it is `localhost` or
//! one of `host_names`: an IP address or an unknown name gets no ceremony at all. The
//! cryptography is `crypto::webauthn`'s; refusals are field errors whose keys the pages show.

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::security::{self, Origin};
use super::{Ctx, Error, Result};
use crate::crypto::webauthn::{self, RelyingParty, WebauthnError, decode_b64url, encode_b64url};
use crate::domain::security::AuditKind;
use crate::domain::user::{User, UserId};
use crate::store::{ChallengePurpose, Passkey, PasskeyChallenge, PasskeyReads, UserReads, WriteTx};

/// How long a challenge is accepted.
pub const CHALLENGE_LIFETIME: SignedDuration = SignedDuration::from_mins(5);
/// Passkeys one account may hold.
pub const MAX_PER_USER: usize = 20;
/// Longest name of a passkey, in characters.
pub const MAX_NAME: usize = 60;

/// The form field every ceremony refusal is reported on.
pub const FIELD: &str = "passkey";

/// The relying party for a request that named `host` (its `Host` header): the host name
/// without the port, if it is `localhost` or a configured host name; `None` for an IP address,
/// an unknown name or a malformed header.
pub fn relying_party(ctx: &Ctx, host: &str) -> Option<RelyingParty> {
    let host = host.trim().to_ascii_lowercase();
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host.as_str(), None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None; // also every IPv6 literal, which has more colons
    }
    let name = name.trim_end_matches('.');
    if name.is_empty() || name.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let known = name == "localhost"
        || ctx
            .rules
            .host_names
            .iter()
            .any(|h| h.trim().trim_end_matches('.').eq_ignore_ascii_case(name));
    if !known {
        return None;
    }
    let origin = match port {
        Some(port) if port != "443" => format!("https://{name}:{port}"),
        _ => format!("https://{name}"),
    };
    Some(RelyingParty {
        id: name.to_owned(),
        origin,
    })
}

/// A passkey as its owner sees it in the list.
#[derive(Debug, Clone)]
pub struct PasskeyView {
    /// Opaque id for the remove button (the first bytes of the credential id's hash, hex).
    pub id: String,
    /// The name the owner gave it.
    pub name: String,
    /// When it was added.
    pub created_at: Timestamp,
    /// When it last signed in.
    pub last_used: Option<Timestamp>,
}

fn view_id(credential_id: &[u8]) -> String {
    crate::hex::encode(&Sha256::digest(credential_id)[..12])
}

/// The user's passkeys, oldest first.
pub fn list(ctx: &Ctx, user: &User) -> Result<Vec<PasskeyView>> {
    Ok(ctx
        .store
        .read(|tx| tx.passkeys_of(user.id))?
        .into_iter()
        .map(|(id, p)| PasskeyView {
            id: view_id(&id),
            name: p.name,
            created_at: p.created_at,
            last_used: p.last_used,
        })
        .collect())
}

/// Removes one of the user's own passkeys, by the id shown in the list.
pub fn remove(ctx: &Ctx, user: &User, id: &str) -> Result<()> {
    let now = ctx.now();
    ctx.store.write(|tx| -> Result<()> {
        let found = tx
            .passkeys_of(user.id)?
            .into_iter()
            .find(|(credential_id, _)| view_id(credential_id) == id);
        let Some((credential_id, passkey)) = found else {
            return Err(Error::NotFound);
        };
        tx.delete_passkey(&credential_id)?;
        security::record(
            tx,
            now,
            AuditKind::SecondFactorChanged,
            (Some(user.id), user.sign_in_name()),
            "",
            &format!("passkey '{}' removed", passkey.name),
        )
    })
}

/// The `WebAuthn` user handle of an account: its id, 8 bytes big-endian (nothing personal).
pub fn user_handle(user: UserId) -> [u8; 8] {
    user.0.to_be_bytes()
}

/// What the page hands `navigator.credentials.create`, base64url-encoded.
#[derive(Debug, Clone)]
pub struct RegistrationOptions {
    /// The challenge.
    pub challenge: String,
    /// The user handle.
    pub user_handle: String,
    /// The credential ids the account already has (the authenticator must not add another).
    pub exclude: Vec<String>,
}

/// Issues a registration challenge for the signed-in `user` in the browser whose CSRF token is
/// `binding`.
pub fn begin_registration(ctx: &Ctx, user: &User, binding: &str) -> Result<RegistrationOptions> {
    let challenge = issue(ctx, binding, ChallengePurpose::Register(user.id))?;
    let exclude = ctx
        .store
        .read(|tx| tx.passkeys_of(user.id))?
        .into_iter()
        .map(|(id, _)| encode_b64url(&id))
        .collect();
    Ok(RegistrationOptions {
        challenge: encode_b64url(&challenge),
        user_handle: encode_b64url(&user_handle(user.id)),
        exclude,
    })
}

/// Issues a sign-in challenge for the browser whose CSRF token is `binding`; returns it
/// base64url-encoded.
pub fn begin_sign_in(ctx: &Ctx, binding: &str) -> Result<String> {
    Ok(encode_b64url(&issue(
        ctx,
        binding,
        ChallengePurpose::SignIn,
    )?))
}

fn binding_key(binding: &str) -> [u8; 32] {
    Sha256::digest(binding.as_bytes()).into()
}

fn issue(ctx: &Ctx, binding: &str, purpose: ChallengePurpose) -> Result<[u8; 32]> {
    let mut challenge = [0u8; 32];
    getrandom::fill(&mut challenge).map_err(|e| {
        Error::Store(crate::store::Error::Database(format!(
            "random challenge: {e}"
        )))
    })?;
    let now = ctx.now();
    let record = PasskeyChallenge {
        purpose,
        challenge: challenge.to_vec(),
        expires_at: now.checked_add(CHALLENGE_LIFETIME).unwrap_or(now),
    };
    let key = binding_key(binding);
    ctx.store
        .write(|tx| Ok::<_, Error>(tx.put_passkey_challenge(&key, &record, now)?))?;
    Ok(challenge)
}

/// Takes the browser's challenge if it is for `purpose` and still valid.
fn take_challenge(
    tx: &mut WriteTx,
    binding: &str,
    purpose: ChallengePurpose,
    now: Timestamp,
) -> Result<Option<Vec<u8>>> {
    Ok(tx
        .take_passkey_challenge(&binding_key(binding))?
        .filter(|c| c.purpose == purpose && c.expires_at > now)
        .map(|c| c.challenge))
}

fn refused(key: &'static str) -> Error {
    Error::field(FIELD, key)
}

/// What the page posts after `navigator.credentials.create`, base64url as sent.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    /// The name the user gives the passkey.
    pub name: &'a str,
    /// `response.clientDataJSON`.
    pub client_data_json: &'a str,
    /// `response.attestationObject`.
    pub attestation_object: &'a str,
}

/// Verifies a new passkey against the challenge issued to this browser and stores it for
/// `user`. Refusals are field errors: `name`, or [`FIELD`] for the ceremony.
pub fn register(
    ctx: &Ctx,
    user: &User,
    rp: &RelyingParty,
    binding: &str,
    form: &Registration<'_>,
) -> Result<()> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(Error::field("name", "passkeys.error.name"));
    }
    let now = ctx.now();
    let outcome = ctx.store.write(|tx| -> Result<Result<(), &'static str>> {
        let Some(challenge) =
            take_challenge(tx, binding, ChallengePurpose::Register(user.id), now)?
        else {
            return Ok(Err("passkeys.error.expired"));
        };
        let (Ok(client_data), Ok(attestation)) = (
            decode_b64url(form.client_data_json),
            decode_b64url(form.attestation_object),
        ) else {
            return Ok(Err("passkeys.error.malformed"));
        };
        let new = match webauthn::verify_registration(rp, &challenge, &client_data, &attestation) {
            Ok(new) => new,
            Err(err) => {
                log::info!("passkey registration refused for user {}: {err}", user.id.0);
                return Ok(Err("passkeys.error.not_verified"));
            }
        };
        if tx.passkey(&new.credential_id)?.is_some() {
            return Ok(Err("passkeys.error.taken"));
        }
        if tx.passkeys_of(user.id)?.len() >= MAX_PER_USER {
            return Ok(Err("passkeys.error.too_many"));
        }
        let passkey = Passkey {
            user: user.id,
            name: name.to_owned(),
            public_key: new.public_key,
            sign_count: new.sign_count,
            created_at: now,
            last_used: None,
            user_verified: new.user_verified,
            backup_eligible: new.backup_eligible,
        };
        tx.put_passkey(&new.credential_id, &passkey)?;
        security::record(
            tx,
            now,
            AuditKind::SecondFactorChanged,
            (Some(user.id), user.sign_in_name()),
            "",
            &format!("passkey '{name}' added"),
        )?;
        Ok(Ok(()))
    })?;
    outcome.map_err(refused)
}

/// What the page posts after `navigator.credentials.get`, base64url as sent.
#[derive(Debug, Clone, Copy)]
pub struct Assertion<'a> {
    /// `rawId`.
    pub credential_id: &'a str,
    /// `response.clientDataJSON`.
    pub client_data_json: &'a str,
    /// `response.authenticatorData`.
    pub authenticator_data: &'a str,
    /// `response.signature`.
    pub signature: &'a str,
    /// `response.userHandle` (may be empty).
    pub user_handle: &'a str,
}

/// Why a sign-in was refused: the message key shown, and who and what the audit records.
struct Refusal {
    key: &'static str,
    who: Option<(UserId, String)>,
    detail: String,
}

impl Refusal {
    fn anonymous(key: &'static str, detail: &str) -> Self {
        Self {
            key,
            who: None,
            detail: format!("passkey: {detail}"),
        }
    }

    fn of(user: &User, passkey: &Passkey, key: &'static str, detail: &str) -> Self {
        Self {
            key,
            who: Some((user.id, user.sign_in_name().to_owned())),
            detail: format!("passkey '{}': {detail}", passkey.name),
        }
    }
}

/// Signs in with a passkey: checks the answer against the challenge issued to this browser,
/// the stored key and counter, and the account; then starts a session exactly as a password
/// sign-in does. Returns the new session token. Every success and refusal is audited; a
/// refusal is a field error on [`FIELD`].
pub fn sign_in(
    ctx: &Ctx,
    rp: &RelyingParty,
    binding: &str,
    answer: &Assertion<'_>,
    origin: Origin<'_>,
) -> Result<(String, User)> {
    security::refuse_if_throttled(ctx, origin)?;
    let now = ctx.now();
    let outcome = ctx.store.write(|tx| -> Result<Result<_, Refused>> {
        let checked = check_assertion(tx, rp, binding, answer, now)?;
        match checked {
            Ok(Verified {
                credential_id,
                mut passkey,
                user,
            }) => {
                let how = format!("passkey '{}'", passkey.name);
                passkey.last_used = Some(now);
                tx.put_passkey(&credential_id, &passkey)?;
                let token = super::auth::open_session(tx, ctx, &user, origin, &how, now)?;
                Ok(Ok((token, user)))
            }
            Err(refusal) => {
                let (id, name) = refusal.who.unzip();
                let attempt = security::record_failure(
                    tx,
                    now,
                    AuditKind::SignInFailed,
                    (id, name.as_deref().unwrap_or_default()),
                    origin.address,
                    &refusal.detail,
                )?;
                Ok(Err((refusal.key, attempt)))
            }
        }
    })?;
    outcome.map_err(|(key, attempt)| {
        attempt.count(ctx);
        refused(key)
    })
}

/// A refused passkey sign-in: the message key for the page, and the failure to count.
type Refused = (&'static str, security::FailedAttempt);

/// A sign-in that passed every check: the passkey with its new counter, and its owner.
struct Verified {
    credential_id: Vec<u8>,
    passkey: Passkey,
    user: User,
}

/// The checks of a sign-in, in the caller's transaction; the challenge is consumed whatever
/// they find. `Ok(Err(_))` is a refusal to audit.
fn check_assertion(
    tx: &mut WriteTx,
    rp: &RelyingParty,
    binding: &str,
    answer: &Assertion<'_>,
    now: Timestamp,
) -> Result<Result<Verified, Refusal>> {
    let Some(challenge) = take_challenge(tx, binding, ChallengePurpose::SignIn, now)? else {
        return Ok(Err(Refusal::anonymous(
            "passkeys.error.expired",
            "no valid challenge for this browser",
        )));
    };
    let decoded = (
        decode_b64url(answer.credential_id),
        decode_b64url(answer.client_data_json),
        decode_b64url(answer.authenticator_data),
        decode_b64url(answer.signature),
        decode_b64url(answer.user_handle),
    );
    let (Ok(credential_id), Ok(client_data), Ok(auth_data), Ok(signature), Ok(handle)) = decoded
    else {
        return Ok(Err(Refusal::anonymous(
            "passkeys.error.malformed",
            "malformed answer",
        )));
    };
    let Some(mut passkey) = tx.passkey(&credential_id)? else {
        return Ok(Err(Refusal::anonymous(
            "passkeys.error.unknown",
            "unknown credential",
        )));
    };
    let Some(user) = tx.user(passkey.user)? else {
        return Ok(Err(Refusal::anonymous(
            "passkeys.error.unknown",
            "credential of a missing account",
        )));
    };
    if !handle.is_empty() && handle != user_handle(user.id) {
        return Ok(Err(Refusal::of(
            &user,
            &passkey,
            "passkeys.error.not_verified",
            "user handle of another account",
        )));
    }
    let verified = webauthn::verify_assertion(
        rp,
        &challenge,
        &passkey.public_key,
        passkey.sign_count,
        &client_data,
        &auth_data,
        &signature,
    );
    let count = match verified {
        Ok(count) => count,
        Err(err @ WebauthnError::CounterWentBack { .. }) => {
            log::warn!(
                "passkey of user {} refused: {err}; it may have been cloned",
                user.id.0
            );
            return Ok(Err(Refusal::of(
                &user,
                &passkey,
                "passkeys.error.counter",
                &err.to_string(),
            )));
        }
        Err(err) => {
            return Ok(Err(Refusal::of(
                &user,
                &passkey,
                "passkeys.error.not_verified",
                &err.to_string(),
            )));
        }
    };
    if !user.active {
        return Ok(Err(Refusal::of(
            &user,
            &passkey,
            "passkeys.error.refused",
            "account disabled",
        )));
    }
    passkey.sign_count = count;
    Ok(Ok(Verified {
        credential_id,
        passkey,
        user,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::service::testing::ctx_at;

    const ORIGIN: Origin<'static> = Origin {
        address: "10.0.0.9",
        device: "test browser",
    };

    fn desk(host_names: &[&str]) -> Ctx {
        let mut ctx = ctx_at("2026-03-02T05:00:00Z");
        ctx.rules.host_names = host_names.iter().map(|h| (*h).to_owned()).collect();
        ctx
    }

    #[test]
    fn the_relying_party_is_the_host_name_the_browser_used() {
        let ctx = desk(&["Desk.Akimat.kz"]);
        let rp = |host: &str| relying_party(&ctx, host).map(|rp| (rp.id, rp.origin));
        assert_eq!(
            rp("localhost:8443"),
            Some(("localhost".into(), "https://localhost:8443".into()))
        );
        assert_eq!(
            rp("desk.akimat.kz"),
            Some(("desk.akimat.kz".into(), "https://desk.akimat.kz".into()))
        );
        assert_eq!(
            rp("DESK.akimat.kz:443"),
            Some(("desk.akimat.kz".into(), "https://desk.akimat.kz".into()))
        );
        for refused in [
            "127.0.0.1:8443",
            "10.0.0.5",
            "[::1]:8443",
            "::1",
            "other.example",
            "localhost:",
            "localhost:84x3",
            "",
        ] {
            assert_eq!(rp(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_challenge_serves_only_its_browser_and_purpose_once() {
        let ctx = desk(&[]);
        let now = ctx.now();
        begin_sign_in(&ctx, "browser-a").unwrap();
        let taken = |binding: &str, purpose| {
            ctx.store
                .write(|tx| take_challenge(tx, binding, purpose, now))
                .unwrap()
        };
        assert_eq!(taken("browser-b", ChallengePurpose::SignIn), None);
        assert!(taken("browser-a", ChallengePurpose::SignIn).is_some());
        assert_eq!(
            taken("browser-a", ChallengePurpose::SignIn),
            None,
            "used once"
        );
        begin_sign_in(&ctx, "browser-a").unwrap();
        assert_eq!(
            taken("browser-a", ChallengePurpose::Register(UserId(1))),
            None,
            "a sign-in challenge registers nothing"
        );
    }

    #[test]
    fn a_challenge_expires_after_five_minutes() {
        let ctx = desk(&[]);
        begin_sign_in(&ctx, "browser-a").unwrap();
        ctx.clock
            .set(ctx.now().checked_add(CHALLENGE_LIFETIME).unwrap());
        let rp = relying_party(&ctx, "localhost").unwrap();
        let answer = Assertion {
            credential_id: "AAAA",
            client_data_json: "AAAA",
            authenticator_data: "AAAA",
            signature: "AAAA",
            user_handle: "",
        };
        let Err(Error::Invalid(errors)) = sign_in(&ctx, &rp, "browser-a", &answer, ORIGIN) else {
            panic!("expected a refusal");
        };
        assert_eq!(errors.for_field(FIELD), Some("passkeys.error.expired"));
    }
}
