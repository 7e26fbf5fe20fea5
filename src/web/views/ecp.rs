//! Electronic signature (ЭЦП) pages and parts: the sign-in page, the button the login page
//! offers, the controls that sign an answer, the signatures shown on an appeal, and the admin's
//! list of NCA certificates. Only these load the `NCALayer` script (`assets/ncalayer.js`).

use maud::{Markup, html};

use super::components::csrf;
use super::layout::{Chrome, page};
use crate::web::paths;

/// The OID `NCALayer` offers keys by for signing in (the AUTH key).
const AUTH_EKU: &str = "1.3.6.1.5.5.7.3.2";
/// The OID `NCALayer` offers keys by for signing documents.
const SIGN_EKU: &str = "1.3.6.1.5.5.7.3.4";

/// The link the login page shows when ЭЦП can work (NCA roots installed).
pub fn sign_in_button(c: &Chrome) -> Markup {
    html! {
        p.actions { a.btn.secondary href=(paths::LOGIN_ECP) { (c.t("ecp.sign_in")) } }
    }
}

/// The script tag; pages and forms that ask `NCALayer` include it once.
fn script(c: &Chrome) -> Markup {
    html! { script src=(c.assets.ncalayer_path) defer {} }
}

/// The button, status line and `cms` field inside an element marked `data-ncalayer`, with the
/// messages the script shows, in the page's language.
fn controls(c: &Chrome, content_b64: &str, eku: &str, button_key: &'static str) -> Markup {
    html! {
        div.ncalayer data-ncalayer="" data-content=(content_b64) data-eku=(eku)
            data-msg-connecting=(c.t("ecp.connecting"))
            data-msg-not-running=(c.t("ecp.not_running"))
            data-msg-choose=(c.t("ecp.choose_key"))
            data-msg-cancelled=(c.t("ecp.cancelled"))
            data-msg-failed=(c.t("ecp.failed"))
            data-msg-sending=(c.t("ecp.sending")) {
            input type="hidden" name="cms" id=(c.field_id("cms")) value="";
            p.notice role="status" aria-live="polite" data-ncalayer-status="" hidden {}
            noscript { p.notice.error { (c.t("ecp.needs_script")) } }
            p.actions { button.primary type="button" data-ncalayer-sign="" hidden { (c.t(button_key)) } }
        }
        (script(c))
    }
}

/// What the ЭЦП sign-in page shows.
#[derive(Debug, Clone)]
pub struct LoginPage {
    /// The nonce to sign (also posted back).
    pub nonce: String,
    /// The nonce as base64, as `NCALayer` takes data.
    pub nonce_b64: String,
    /// Why the last attempt was refused, already in the page's language.
    pub refusal: Option<String>,
    /// Whether ЭЦП can work here (roots installed).
    pub available: bool,
}

/// The ЭЦП sign-in page: the user picks their AUTH key in `NCALayer`, which signs a nonce.
pub fn login(c: &Chrome, p: &LoginPage) -> Markup {
    page(
        c,
        c.t("ecp.title"),
        html! {
            h1 { (c.t("ecp.title")) }
            @if let Some(refusal) = &p.refusal {
                div.notice.error role="alert" tabindex="-1" id="form-errors" { (refusal) }
            }
            @if p.available {
                p { (c.t("ecp.intro")) }
                form.stack method="post" action=(paths::LOGIN_ECP) {
                    (csrf(c))
                    input type="hidden" name="nonce" value=(p.nonce);
                    (controls(c, &p.nonce_b64, AUTH_EKU, "ecp.sign_in_button"))
                }
                p.muted { (c.t("ecp.install_hint")) " " a href="https://ncl.pki.gov.kz/" { "ncl.pki.gov.kz" } }
            } @else {
                p.notice { (c.t("ecp.error.not_set_up")) }
            }
            p { a href=(paths::LOGIN) { (c.t("ecp.other_ways")) } }
        },
    )
}

/// The "sign with ЭЦП" controls inside the answer's "sign" form: they sign `content_b64` (the
/// canonical text of the draft) with a signing key and post it with the step.
pub fn sign_answer(c: &Chrome, content_b64: &str) -> Markup {
    html! {
        p.muted { (c.t("ecp.sign_answer_hint")) }
        (controls(c, content_b64, SIGN_EKU, "ecp.sign_answer"))
    }
}

/// "Sign and send" under the applicant's appeal form: the script builds the appeal's canonical
/// text from the form (and the files' SHA-256), signs it with a signing key and posts the form.
pub fn sign_appeal(c: &Chrome) -> Markup {
    html! {
        div.ncalayer data-ncalayer="" data-build="appeal" data-content="" data-eku=(SIGN_EKU)
            data-msg-connecting=(c.t("ecp.connecting"))
            data-msg-not-running=(c.t("ecp.not_running"))
            data-msg-choose=(c.t("ecp.choose_key"))
            data-msg-cancelled=(c.t("ecp.cancelled"))
            data-msg-failed=(c.t("ecp.failed"))
            data-msg-sending=(c.t("ecp.sending")) {
            input type="hidden" name="cms" id=(c.field_id("cms")) value="";
            p.notice role="status" aria-live="polite" data-ncalayer-status="" hidden {}
            p.muted { (c.t("ecp.sign_appeal_hint")) }
            p.actions { button.secondary type="button" data-ncalayer-sign="" hidden { (c.t("ecp.sign_appeal")) } }
        }
        (script(c))
    }
}

/// One electronic signature kept with an appeal, as its page shows it.
#[derive(Debug, Clone)]
pub struct SignatureLine {
    /// The answer (or else the appeal) was signed.
    pub answer: bool,
    /// Signer's name (certificate CN).
    pub name: String,
    /// IIN, if the certificate names one.
    pub iin: Option<String>,
    /// BIN and organisation, for a legal entity's certificate.
    pub organization: Option<String>,
    /// Certificate serial number (hex).
    pub serial: String,
    /// Issuer.
    pub issuer: String,
    /// Validity, local dates.
    pub valid_from: String,
    /// Validity end.
    pub valid_until: String,
    /// When the server verified it (local time).
    pub verified_at: String,
}

/// The signatures of an appeal (nothing when there are none).
pub fn signatures(c: &Chrome, lines: &[SignatureLine]) -> Markup {
    html! {
        @if !lines.is_empty() {
            section.card.signatures {
                h2 { (c.t("ecp.signatures")) }
                ul {
                    @for s in lines {
                        li {
                            strong { (c.t(if s.answer { "ecp.signed_answer" } else { "ecp.signed_appeal" })) }
                            ": " (s.name)
                            @if let Some(iin) = &s.iin { " · " (c.t("ecp.iin")) " " (iin) }
                            @if let Some(org) = &s.organization { " · " (org) }
                            br;
                            span.muted {
                                (c.t("ecp.certificate")) " № " (s.serial) " · " (s.issuer) " · "
                                (c.tr.fmt("ecp.validity", &[("from", &s.valid_from), ("until", &s.valid_until)]))
                                " · " (c.t("ecp.verified_at")) " " (s.verified_at)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One certificate of a trust-store file.
#[derive(Debug, Clone)]
pub struct CertificateRow {
    /// Subject CN.
    pub subject: String,
    /// Serial (hex).
    pub serial: String,
    /// Validity start, local date.
    pub valid_from: String,
    /// Validity end, local date.
    pub valid_until: String,
}

/// One file in `roots/` or `intermediates/`.
#[derive(Debug, Clone)]
pub struct CertificateFile {
    /// File name.
    pub name: String,
    /// Root or intermediate.
    pub root: bool,
    /// Its certificates, or why it is not used.
    pub certificates: Result<Vec<CertificateRow>, String>,
}

/// What the admin's certificate page shows.
#[derive(Debug, Clone)]
pub struct CertificatesPage {
    /// The folder the files are read from.
    pub dir: String,
    /// Files found.
    pub files: Vec<CertificateFile>,
    /// Whether ЭЦП works (a root is installed).
    pub ready: bool,
    /// Shown after a reload.
    pub reloaded: bool,
}

/// Admin: the NCA certificates, how to install them, and a button to read them again.
pub fn certificates(c: &Chrome, p: &CertificatesPage) -> Markup {
    page(
        c,
        c.t("ecp.admin_title"),
        html! {
            h1 { (c.t("ecp.admin_title")) }
            @if p.reloaded { p.notice.success role="status" { (c.t("ecp.reloaded")) } }
            @if p.ready {
                p.notice.success { (c.t("ecp.ready")) }
            } @else {
                p.notice.error { (c.t("ecp.error.not_set_up")) }
            }
            h2 { (c.t("ecp.steps_title")) }
            ol {
                li { (c.t("ecp.step_download")) " " code { "https://pki.gov.kz/cert/" } }
                li { (c.t("ecp.step_roots")) " " code { (p.dir) "/roots/" } }
                li { (c.t("ecp.step_intermediates")) " " code { (p.dir) "/intermediates/" } }
                li { (c.t("ecp.step_reload")) }
            }
            p.muted { (c.t("ecp.gost_note")) }
            div.table-wrap {
                table.list {
                    thead { tr {
                        th scope="col" { (c.t("ecp.file")) }
                        th scope="col" { (c.t("ecp.kind")) }
                        th scope="col" { (c.t("ecp.subject")) }
                        th scope="col" { (c.t("ecp.serial")) }
                        th scope="col" { (c.t("ecp.valid")) }
                    } }
                    tbody {
                        @for f in &p.files {
                            @let kind = c.t(if f.root { "ecp.root" } else { "ecp.intermediate" });
                            @match &f.certificates {
                                Ok(rows) => {
                                    @for row in rows {
                                        tr {
                                            td { (f.name) }
                                            td { (kind) }
                                            td { (row.subject) }
                                            td { code { (row.serial) } }
                                            td { (row.valid_from) " – " (row.valid_until) }
                                        }
                                    }
                                }
                                Err(reason) => {
                                    tr {
                                        td { (f.name) }
                                        td { (kind) }
                                        td colspan="3" { strong { (c.t("ecp.not_used")) } " " (reason) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action=(paths::ADMIN_ECP) {
                (csrf(c))
                p.actions { button.primary type="submit" { (c.t("ecp.reload")) } }
            }
        },
    )
}
