//! Electronic signature (ЭЦП) through `NCALayer`: the NCA RK certificates the admin installs,
//! sign-in with the AUTH key over a server nonce, and the director's signature of an answer,
//! verified and kept with the step it signs.
//!
//! Owns: reading `data_dir/nca/roots` and `data_dir/nca/intermediates` (at start and when the
//! admin asks); the sign-in nonces; the canonical text of an answer. Verification itself is
//! `crypto::cms`; this module decides whose signature counts.
//!
//! Invariants:
//! * a nonce is random, used at most once, lives 5 minutes and only for the browser (CSRF
//!   token) it was shown to. Nonces live in memory: they are minutes long, and a restart only
//!   voids the pending ones;
//! * a signature that does not verify refuses the sign-in or blocks the step, with the reason;
//!   nothing is stored for it;
//! * every ЭЦП sign-in and every refusal goes into the security audit trail.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use base64::Engine as _;
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::appeals::{AppealForm, Upload};
use super::security::{self, Origin};
use super::{Ctx, Error, Result, new_token};
use crate::crypto::cms::{self, CertificateInfo, CmsError, Purpose, Signer, TrustStore};
use crate::domain::appeal::{Appeal, AppealId};
use crate::domain::field::FieldErrors;
use crate::domain::tax_id::ApplicantKind;
use crate::domain::user::{Account, User};
use crate::store::{
    AttachmentReads, LoginKey, ReadTx, SettingsReads, SignatureReads, SignerSummary, StaffIinReads,
    UserReads,
};
pub use crate::store::{SignedDocument, StoredSignature};

/// How long a sign-in nonce may be used.
pub const NONCE_LIFETIME: SignedDuration = SignedDuration::from_mins(5);
/// Pending nonces kept at most; the oldest go first (a flood cannot grow memory).
const MAX_NONCES: usize = 10_000;
/// The OID `NCALayer` filters keys by for sign-in (id-kp-clientAuth: the AUTH key).
pub const AUTH_EKU: &str = "1.3.6.1.5.5.7.3.2";
/// The OID `NCALayer` filters keys by for signing documents (id-kp-emailProtection).
pub const SIGN_EKU: &str = "1.3.6.1.5.5.7.3.4";
/// NCA user types that may sign for the organisation: its first head, and an employee with the
/// right to sign (domain.md §5.2).
const SIGNING_RIGHTS: [&str; 2] = ["1.2.398.3.3.4.1.2.1", "1.2.398.3.3.4.1.2.2"];

/// One certificate file of the trust store, as read.
#[derive(Debug, Clone)]
pub struct TrustFile {
    /// File name inside `roots/` or `intermediates/`.
    pub name: String,
    /// A root (trust anchor) or an intermediate.
    pub root: bool,
    /// Its certificates, or why the file was not used.
    pub certificates: std::result::Result<Vec<CertificateInfo>, String>,
}

/// The NCA certificates as loaded from the data directory.
#[derive(Debug, Clone, Default)]
pub struct TrustReport {
    /// The directory read (`data_dir/nca`).
    pub dir: PathBuf,
    /// What `crypto::cms::verify` trusts.
    pub store: TrustStore,
    /// Every file found, usable or not, roots first.
    pub files: Vec<TrustFile>,
}

impl TrustReport {
    /// Reads `dir/roots/*` and `dir/intermediates/*` (PEM or DER; a PEM file may hold several
    /// certificates). Missing folders are empty; files that do not parse are listed with why.
    pub fn load(dir: &Path) -> Self {
        let mut report = Self {
            dir: dir.to_owned(),
            ..Self::default()
        };
        report.read_folder("roots", true);
        report.read_folder("intermediates", false);
        report
    }

    fn read_folder(&mut self, folder: &str, root: bool) {
        let path = self.dir.join(folder);
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return,
            Err(err) => {
                self.files.push(TrustFile {
                    name: format!("{folder}/"),
                    root,
                    certificates: Err(err.to_string()),
                });
                return;
            }
        };
        let mut names: Vec<(String, PathBuf)> = entries
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .filter(|(name, _)| !name.starts_with('.'))
            .collect();
        names.sort();
        for (name, file) in names {
            let certificates = std::fs::read(&file)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    let infos = cms::describe_certificates(&bytes).map_err(|e| e.to_string())?;
                    let added = if root {
                        self.store.add_root(&bytes)
                    } else {
                        self.store.add_intermediate(&bytes)
                    };
                    added.map(|_| infos).map_err(|e| e.to_string())
                });
            if let Err(reason) = &certificates {
                log::warn!("NCA certificate {}: not used: {reason}", file.display());
            }
            self.files.push(TrustFile {
                name,
                root,
                certificates,
            });
        }
    }

    /// Whether a signature can be verified at all (at least one root is installed).
    pub fn ready(&self) -> bool {
        !self.store.is_empty()
    }
}

/// A nonce handed out and not yet used.
#[derive(Debug, Clone)]
struct Pending {
    csrf_hash: [u8; 32],
    expires_at: Timestamp,
}

/// The ЭЦП state a context shares between requests.
#[derive(Debug)]
pub struct EcpState {
    trust: RwLock<Arc<TrustReport>>,
    nonces: Mutex<HashMap<String, Pending>>,
}

impl EcpState {
    /// Loads the certificates under `nca_dir`.
    pub fn load(nca_dir: &Path) -> Self {
        let report = TrustReport::load(nca_dir);
        let roots = report
            .files
            .iter()
            .filter(|f| f.root && f.certificates.is_ok())
            .count();
        if report.ready() {
            log::info!(
                "ЭЦП: {roots} NCA root file(s) loaded from {}",
                nca_dir.display()
            );
        }
        Self {
            trust: RwLock::new(Arc::new(report)),
            nonces: Mutex::new(HashMap::new()),
        }
    }
}

/// The certificates trusted now.
pub fn trust(ctx: &Ctx) -> Arc<TrustReport> {
    Arc::clone(&ctx.ecp.trust.read().unwrap_or_else(PoisonError::into_inner))
}

/// Whether ЭЦП can be offered (roots are installed).
pub fn available(ctx: &Ctx) -> bool {
    trust(ctx).ready()
}

/// The admin re-reads the certificate folders (after adding or removing files).
pub fn reload(ctx: &Ctx, admin: &User) -> Result<Arc<TrustReport>> {
    super::require_admin(admin)?;
    let dir = trust(ctx).dir.clone();
    let report = Arc::new(TrustReport::load(&dir));
    *ctx.ecp
        .trust
        .write()
        .unwrap_or_else(PoisonError::into_inner) = Arc::clone(&report);
    log::info!("ЭЦП: certificates reloaded from {}", dir.display());
    Ok(report)
}

fn csrf_hash(csrf: &str) -> [u8; 32] {
    Sha256::digest(csrf.as_bytes()).into()
}

/// A new sign-in nonce for the browser whose CSRF token is `csrf`.
pub fn new_nonce(ctx: &Ctx, csrf: &str) -> String {
    let now = ctx.now();
    let nonce = new_token();
    let mut nonces = ctx
        .ecp
        .nonces
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    nonces.retain(|_, p| p.expires_at > now);
    if nonces.len() >= MAX_NONCES
        && let Some(oldest) = nonces
            .iter()
            .min_by_key(|(_, p)| p.expires_at)
            .map(|(k, _)| k.clone())
    {
        nonces.remove(&oldest);
    }
    nonces.insert(
        nonce.clone(),
        Pending {
            csrf_hash: csrf_hash(csrf),
            expires_at: now.checked_add(NONCE_LIFETIME).unwrap_or(now),
        },
    );
    nonce
}

/// Uses up a nonce: true if it was handed out to this browser and has not expired.
fn take_nonce(ctx: &Ctx, nonce: &str, csrf: &str) -> bool {
    let now = ctx.now();
    let pending = ctx
        .ecp
        .nonces
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(nonce);
    pending.is_some_and(|p| p.expires_at > now && p.csrf_hash == csrf_hash(csrf))
}

/// Why an electronic signature was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum EcpError {
    /// No NCA root is installed.
    #[error("no NCA root certificates are installed")]
    NotSetUp,
    /// The nonce is unknown, used, expired or was shown to another browser.
    #[error("the sign-in request expired or was already used")]
    StaleNonce,
    /// The signature itself was refused.
    #[error("{0}")]
    Signature(#[from] CmsError),
    /// The certificate names neither an IIN nor a BIN.
    #[error("the certificate names no IIN or BIN")]
    NoIdentity,
    /// Nobody has an account with the certificate's IIN or BIN.
    #[error("no account for IIN/BIN {0}")]
    NoAccount(String),
    /// The account is switched off.
    #[error("the account is disabled")]
    Disabled,
    /// The institution profile has no BIN to compare the signer's with.
    #[error("the institution's BIN is not set in its profile")]
    NoInstitutionBin,
    /// The certificate is not one of this institution's (BIN in OU).
    #[error("the certificate's BIN {0:?} is not the institution's")]
    NotInstitution(Option<String>),
    /// The institution's certificate is not its head's nor one with the right to sign.
    #[error("the certificate gives no right to sign for the institution")]
    NoSigningRight,
    /// The certificate names someone else than the applicant (IIN, or BIN for a legal entity).
    #[error("the certificate names someone else than the applicant")]
    NotApplicant,
    /// The store failed.
    #[error(transparent)]
    Service(#[from] Error),
}

impl EcpError {
    /// The message key shown to the user (in the `ecp.error` group).
    pub fn key(&self) -> &'static str {
        match self {
            EcpError::NotSetUp => "ecp.error.not_set_up",
            EcpError::StaleNonce => "ecp.error.stale",
            EcpError::Signature(err) => match err {
                CmsError::ContentMismatch => "ecp.error.content_mismatch",
                CmsError::BadSignature => "ecp.error.bad_signature",
                CmsError::UntrustedChain { .. } => "ecp.error.untrusted",
                CmsError::Expired { .. } => "ecp.error.expired",
                CmsError::NotYetValid { .. } => "ecp.error.not_yet_valid",
                CmsError::UnsupportedAlgorithm { .. } => "ecp.error.unsupported",
                CmsError::NotForSigning => "ecp.error.not_for_signing",
                CmsError::NotForAuthentication => "ecp.error.not_for_authentication",
                CmsError::NoTrustAnchors => "ecp.error.not_set_up",
                CmsError::Malformed(_)
                | CmsError::NoSigner
                | CmsError::MultipleSigners(_)
                | CmsError::SignerCertificateMissing => "ecp.error.malformed",
            },
            EcpError::NoIdentity => "ecp.error.no_identity",
            EcpError::NoAccount(_) => "ecp.error.no_account",
            EcpError::Disabled => "ecp.error.disabled",
            EcpError::NoInstitutionBin => "ecp.error.no_institution_bin",
            EcpError::NotInstitution(_) => "ecp.error.not_institution",
            EcpError::NotApplicant => "ecp.error.not_applicant",
            EcpError::NoSigningRight => "ecp.error.no_signing_right",
            EcpError::Service(_) => "error.internal_text",
        }
    }

    /// The algorithm a GOST (or other unsupported) signature needs, for the message.
    pub fn algorithm(&self) -> Option<&'static str> {
        match self {
            EcpError::Signature(CmsError::UnsupportedAlgorithm { name, .. }) => Some(name),
            _ => None,
        }
    }

    /// The refusal as field errors of the form's `cms` field; store failures pass through.
    fn into_service(self) -> Error {
        match self {
            EcpError::Service(err) => err,
            other => {
                let mut errors = FieldErrors::default();
                errors.add("cms", other.key());
                Error::Invalid(errors)
            }
        }
    }
}

fn summary(signer: &Signer) -> SignerSummary {
    SignerSummary {
        common_name: signer.common_name.clone(),
        iin: signer.iin.clone(),
        bin: signer.bin.clone(),
        organization: signer.organization.clone(),
        serial_hex: signer.serial_hex.clone(),
        issuer: signer.issuer.clone(),
        not_before: signer.not_before,
        not_after: signer.not_after,
        signing_time: signer.signing_time,
        algorithm: signer.algorithm.to_owned(),
    }
}

/// Signs in with a CMS made by the AUTH key over `nonce`: the certificate's BIN (a legal
/// entity's employee acting for it) or else its IIN names the applicant account. Returns a
/// new session token. Every success and refusal is audited.
pub fn sign_in(
    ctx: &Ctx,
    nonce: &str,
    csrf: &str,
    cms: &str,
    origin: Origin<'_>,
) -> std::result::Result<(String, User), EcpError> {
    security::refuse_if_throttled(ctx, origin)?;
    let mut who: (Option<crate::domain::user::UserId>, String) = (None, String::new());
    let outcome = try_sign_in(ctx, nonce, csrf, cms, origin, &mut who);
    if let Err(err) = &outcome
        && !matches!(err, EcpError::Service(_))
    {
        security::sign_in_failed(ctx, (who.0, &who.1), origin, &format!("ЭЦП: {err}"))?;
    }
    outcome
}

fn try_sign_in(
    ctx: &Ctx,
    nonce: &str,
    csrf: &str,
    cms: &str,
    origin: Origin<'_>,
    who: &mut (Option<crate::domain::user::UserId>, String),
) -> std::result::Result<(String, User), EcpError> {
    let trust = trust(ctx);
    if !trust.ready() {
        return Err(EcpError::NotSetUp);
    }
    if !take_nonce(ctx, nonce, csrf) {
        return Err(EcpError::StaleNonce);
    }
    let now = ctx.now();
    let signer = cms::verify(
        cms.as_bytes(),
        nonce.as_bytes(),
        &trust.store,
        now,
        Purpose::Authenticate,
    )?;
    let ids: Vec<&String> = signer.bin.iter().chain(signer.iin.iter()).collect();
    if ids.is_empty() {
        return Err(EcpError::NoIdentity);
    }
    let mut found = None;
    for id in &ids {
        // Only a certificate field that is exactly an IIN/BIN can be an applicant's key.
        let Some(key) = LoginKey::exact_tax_id(id) else {
            continue;
        };
        if let Some(user) = ctx.store.read(|tx| {
            let Some(uid) = tx.user_id_by_login(&key)? else {
                return Ok::<_, Error>(None);
            };
            Ok(tx.user(uid)?)
        })? {
            found = Some(user);
            break;
        }
    }
    // Staff members sign in with the IIN the admin recorded for them.
    if found.is_none()
        && let Some(iin) = &signer.iin
    {
        found = ctx.store.read(|tx| {
            let Some(uid) = tx.staff_by_iin(iin)? else {
                return Ok::<_, Error>(None);
            };
            Ok(tx.user(uid)?)
        })?;
    }
    let Some(user) = found else {
        who.1 = ids.first().map(|s| (*s).clone()).unwrap_or_default();
        return Err(EcpError::NoAccount(who.1.clone()));
    };
    *who = (Some(user.id), user.sign_in_name().to_owned());
    if !user.active {
        return Err(EcpError::Disabled);
    }
    let how = format!("ЭЦП {}", signer.serial_hex);
    let token = super::auth::start_session(ctx, &user, origin, &how)?;
    Ok((token, user))
}

/// The canonical text of an appeal's draft answer: what the director's ЭЦП signs. UTF-8 lines:
/// a heading with the registration number, the outcome code, whether the appeal clause is
/// included, the text, then one line per attached file with its SHA-256 and name. `None`
/// without a draft.
pub fn answer_text<T: AttachmentReads>(
    tx: &T,
    appeal: &Appeal,
) -> crate::store::Result<Option<String>> {
    let Some(draft) = &appeal.draft else {
        return Ok(None);
    };
    let mut text = format!(
        "Otinish answer\nappeal: {}\noutcome: {}\nappeal clause: {}\ntext:\n{}\n",
        appeal.number,
        draft.outcome.code(),
        if draft.appeal_clause { "yes" } else { "no" },
        draft.text
    );
    for file in &draft.attachments {
        let sha256 = tx
            .attachment(file.id)?
            .map(|meta| meta.sha256)
            .unwrap_or_default();
        let _ = writeln!(text, "file: {sha256} {}", file.name);
    }
    Ok(Some(text))
}

/// The answer text to sign, base64 as `NCALayer` takes it, when ЭЦП is set up and the appeal
/// has a draft.
pub fn answer_to_sign(ctx: &Ctx, appeal: &Appeal) -> Result<Option<String>> {
    if !available(ctx) {
        return Ok(None);
    }
    let text = ctx.store.read(|tx| answer_text(tx, appeal))?;
    Ok(text.map(|t| base64::engine::general_purpose::STANDARD.encode(t.as_bytes())))
}

/// Checks the director's ЭЦП posted with the "sign" step, on the read snapshot the step is
/// decided on (never inside the shared write: a refusal there would abort other writers, and
/// verification would hold the writer): it must verify over the draft's canonical text with a
/// signing key, and carry the institution's BIN. Returns the signature to keep with the step's
/// event (`None` when no CMS was posted).
pub(super) fn check_answer(
    ctx: &Ctx,
    tx: &ReadTx,
    before: &Appeal,
    by: &User,
    cms: &str,
) -> Result<Option<StoredSignature>> {
    let cms: String = cms.split_whitespace().collect();
    if cms.is_empty() {
        return Ok(None);
    }
    let Some(content) = answer_text(tx, before)? else {
        return Ok(None);
    };
    let now = ctx.now();
    let signer =
        institution_signer(ctx, tx, &cms, &content, now).map_err(EcpError::into_service)?;
    Ok(Some(StoredSignature {
        appeal: before.id,
        event: before.events,
        document: SignedDocument::Answer,
        by: by.id,
        content,
        cms,
        signer: summary(&signer),
        verified_at: now,
    }))
}

/// Verifies a CMS made with a signing key over `content` against the installed NCA roots.
fn verify_signing(
    ctx: &Ctx,
    cms: &str,
    content: &str,
    now: Timestamp,
) -> std::result::Result<Signer, EcpError> {
    let trust = trust(ctx);
    if !trust.ready() {
        return Err(EcpError::NotSetUp);
    }
    Ok(cms::verify(
        cms.as_bytes(),
        content.as_bytes(),
        &trust.store,
        now,
        Purpose::Sign,
    )?)
}

/// Verifies a signing-key CMS over `content` whose certificate carries the institution's BIN
/// and its first head's or a signing right's user type (staff accounts have no IIN of their
/// own, so the organisation's certificate is what counts).
fn institution_signer(
    ctx: &Ctx,
    tx: &ReadTx,
    cms: &str,
    content: &str,
    now: Timestamp,
) -> std::result::Result<Signer, EcpError> {
    let signer = verify_signing(ctx, cms, content, now)?;
    let institution = tx.institution().map_err(Error::from)?;
    let Some(bin) = institution.bin else {
        return Err(EcpError::NoInstitutionBin);
    };
    if signer.bin.as_deref() != Some(bin.as_str()) {
        return Err(EcpError::NotInstitution(signer.bin));
    }
    if !signer
        .roles
        .iter()
        .any(|role| SIGNING_RIGHTS.contains(&role.as_str()))
    {
        return Err(EcpError::NoSigningRight);
    }
    Ok(signer)
}

/// The canonical text of an appeal as the applicant files it ("Sign and send"), built from the
/// form as posted: each field with CR LF made LF and trimmed, then one line per uploaded file
/// with its SHA-256. `assets/ncalayer.js` builds the same text in the browser before signing.
pub fn appeal_text(form: &AppealForm, uploads: &[Upload]) -> String {
    let clean = |value: &str| value.replace("\r\n", "\n").trim().to_owned();
    let mut text = String::from("Otinish appeal\n");
    for (label, value) in [
        ("kind", &form.kind),
        ("unit", &form.unit),
        ("category", &form.category),
        ("subject", &form.subject),
        ("co-applicants", &form.co_applicants),
        ("name", &form.name),
        ("phone", &form.phone),
        ("email", &form.email),
        ("address", &form.address),
    ] {
        let _ = writeln!(text, "{label}: {}", clean(value));
    }
    let _ = writeln!(text, "text:\n{}", clean(&form.description));
    for upload in uploads.iter().filter(|u| !u.bytes.is_empty()) {
        let _ = writeln!(
            text,
            "file: {}",
            crate::hex::encode(&Sha256::digest(&upload.bytes))
        );
    }
    text
}

/// Checks the applicant's ЭЦП over the appeal's canonical text: it must verify with a signing
/// key and name the applicant (IIN; BIN for a legal entity). Returns the signature to keep with
/// the registration step (its appeal id is set once the appeal has one).
pub(super) fn check_appeal(
    ctx: &Ctx,
    applicant: &User,
    form: &AppealForm,
    uploads: &[Upload],
    cms: &str,
) -> Result<StoredSignature> {
    let cms: String = cms.split_whitespace().collect();
    let content = appeal_text(form, uploads);
    let now = ctx.now();
    let signer =
        applicant_signer(ctx, applicant, &cms, &content, now).map_err(EcpError::into_service)?;
    Ok(StoredSignature {
        appeal: AppealId(0),
        event: 0,
        document: SignedDocument::Appeal,
        by: applicant.id,
        content,
        cms,
        signer: summary(&signer),
        verified_at: now,
    })
}

fn applicant_signer(
    ctx: &Ctx,
    applicant: &User,
    cms: &str,
    content: &str,
    now: Timestamp,
) -> std::result::Result<Signer, EcpError> {
    let signer = verify_signing(ctx, cms, content, now)?;
    let named = match &applicant.account {
        Account::Applicant {
            kind: ApplicantKind::Individual,
            tax_id,
        } => signer.iin.as_deref() == Some(tax_id.as_str()),
        Account::Applicant {
            kind: ApplicantKind::Legal,
            tax_id,
        } => signer.bin.as_deref() == Some(tax_id.as_str()),
        Account::Staff { .. } => false,
    };
    if !named {
        return Err(EcpError::NotApplicant);
    }
    Ok(signer)
}

/// The signatures kept with an appeal (the caller has checked the viewer may see it).
pub fn signatures(ctx: &Ctx, appeal: AppealId) -> Result<Vec<StoredSignature>> {
    Ok(ctx.store.read(|tx| tx.signatures_of(appeal))?)
}

/// The signatures kept with an appeal as `view`'s reader may see them: the applicant's own,
/// whose certificate names their IIN, only where the applicant's personal data is visible.
pub fn signatures_seen(
    ctx: &Ctx,
    view: &super::appeals::AppealView,
) -> Result<Vec<StoredSignature>> {
    let mut list = signatures(ctx, view.appeal.id)?;
    keep_seen(view, &mut list);
    Ok(list)
}

/// Keeps of an appeal's signatures those `view`'s reader may see ([`signatures_seen`]).
pub(super) fn keep_seen(view: &super::appeals::AppealView, list: &mut Vec<StoredSignature>) {
    if view.personal.visible().is_none() {
        list.retain(|s| s.document != SignedDocument::Appeal);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::service::testing::ctx_at;

    #[test]
    fn a_nonce_is_single_use_and_bound_to_its_browser() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let nonce = new_nonce(&ctx, "browser-a");
        assert!(!take_nonce(&ctx, &nonce, "browser-b"));
        let nonce = new_nonce(&ctx, "browser-a");
        assert!(take_nonce(&ctx, &nonce, "browser-a"));
        assert!(!take_nonce(&ctx, &nonce, "browser-a"), "used twice");
    }

    #[test]
    fn a_nonce_expires_after_five_minutes() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let nonce = new_nonce(&ctx, "browser");
        ctx.clock.set("2026-03-02T05:05:00Z".parse().unwrap());
        assert!(!take_nonce(&ctx, &nonce, "browser"));
    }

    #[test]
    fn without_roots_ecp_is_not_offered_and_sign_in_is_refused() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        assert!(!available(&ctx));
        let origin = Origin {
            address: "127.0.0.1",
            device: "test",
        };
        assert!(matches!(
            sign_in(&ctx, "n", "c", "MIIB", origin),
            Err(EcpError::NotSetUp)
        ));
    }

    #[test]
    fn unreadable_files_are_listed_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("roots")).unwrap();
        std::fs::write(dir.path().join("roots/broken.cer"), b"not a certificate").unwrap();
        std::fs::write(dir.path().join("roots/.hidden"), b"x").unwrap();
        let report = TrustReport::load(dir.path());
        assert!(!report.ready());
        assert_eq!(report.files.len(), 1);
        assert_eq!(report.files[0].name, "broken.cer");
        assert!(report.files[0].certificates.is_err());
    }
}
