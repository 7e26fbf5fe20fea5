//! Electronic signature (ЭЦП): the sign-in page and its post, and the admin's NCA certificate
//! page. The answer's signature rides on the appeal's "sign" step (`handlers::appeals`).

use base64::Engine as _;

use super::ok;
use crate::service::ecp::{self, EcpError, SignedDocument, StoredSignature, TrustReport};
use crate::service::security::Origin;
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::{self, AdminUser};
use crate::web::views;
use crate::web::views::ecp::{
    CertificateFile, CertificateRow, CertificatesPage, LoginPage, SignatureLine,
};
use crate::web::views::layout::Chrome;

/// The sign-in page with a fresh nonce for this browser, and the refusal of the last attempt.
fn login_page(call: &Call, refusal: Option<String>) -> maud::Markup {
    let ctx = &call.app.ctx;
    let nonce = ecp::new_nonce(ctx, &call.visitor.csrf);
    let nonce_b64 = base64::engine::general_purpose::STANDARD.encode(nonce.as_bytes());
    views::ecp::login(
        &call.chrome(),
        &LoginPage {
            nonce,
            nonce_b64,
            refusal,
            available: ecp::available(ctx),
        },
    )
}

/// The refusal in the page's language; a GOST signature names the algorithm it needs.
pub(super) fn refusal_text(c: &Chrome, err: &EcpError) -> String {
    match err.algorithm() {
        Some(name) => c.tr.fmt(err.key(), &[("name", name)]),
        None => c.t(err.key()).to_owned(),
    }
}

/// GET /login/ecp
pub fn login_form(call: &Call) -> Result<Response, WebError> {
    if call.visitor.user().is_some() {
        return Ok(Response::see_other(paths::HOME));
    }
    Ok(ok(login_page(call, None)))
}

/// POST /login/ecp: the CMS `NCALayer` made over the nonce.
pub fn login(call: &Call) -> Result<Response, WebError> {
    let form = call.form();
    let address = call.req.peer.ip().to_string();
    let origin = Origin {
        address: &address,
        device: call.req.header("user-agent").unwrap_or_default(),
    };
    match ecp::sign_in(
        &call.app.ctx,
        form.get("nonce"),
        &call.visitor.csrf,
        form.get("cms"),
        origin,
    ) {
        Ok((token, user)) => {
            call.set_cookie(session::cookie(
                session::SESSION_COOKIE,
                &token,
                call.app.session_secs,
            ));
            Ok(Response::see_other(if user.is_applicant() {
                paths::CABINET
            } else {
                paths::REGISTRY
            }))
        }
        Err(EcpError::Service(err)) => Err(err.into()),
        Err(err) => {
            let text = refusal_text(&call.chrome(), &err);
            Ok(Response::html(
                401,
                login_page(call, Some(text)).into_string(),
            ))
        }
    }
}

fn certificates_page(call: &Call, report: &TrustReport, reloaded: bool) -> maud::Markup {
    let c = call.chrome();
    let day = |t: jiff::Timestamp| {
        call.app
            .ctx
            .local(t)
            .date()
            .strftime("%d.%m.%Y")
            .to_string()
    };
    let files = report
        .files
        .iter()
        .map(|f| CertificateFile {
            name: f.name.clone(),
            root: f.root,
            certificates: f.certificates.as_ref().map_err(Clone::clone).map(|list| {
                list.iter()
                    .map(|info| CertificateRow {
                        subject: info.subject.clone(),
                        serial: info.serial_hex.clone(),
                        valid_from: day(info.not_before),
                        valid_until: day(info.not_after),
                    })
                    .collect()
            }),
        })
        .collect();
    views::ecp::certificates(
        &c,
        &CertificatesPage {
            dir: report.dir.display().to_string(),
            files,
            ready: report.ready(),
            reloaded,
        },
    )
}

/// GET /admin/ecp (`?reloaded=1` after a reload)
pub fn certificates(call: &Call, _admin: &AdminUser) -> Result<Response, WebError> {
    let report = ecp::trust(&call.app.ctx);
    let reloaded = call.query().get("reloaded") == "1";
    Ok(ok(certificates_page(call, &report, reloaded)))
}

/// POST /admin/ecp: reads the certificate folders again.
pub fn reload(call: &Call, admin: &AdminUser) -> Result<Response, WebError> {
    ecp::reload(&call.app.ctx, &admin.0)?;
    Ok(Response::see_other(&format!(
        "{}?reloaded=1",
        paths::ADMIN_ECP
    )))
}

/// The appeal page's lines for its stored signatures.
pub(super) fn signature_lines(
    call: &Call,
    c: &crate::web::views::layout::Chrome,
    stored: &[StoredSignature],
) -> Vec<SignatureLine> {
    let day = |t: jiff::Timestamp| {
        call.app
            .ctx
            .local(t)
            .date()
            .strftime("%d.%m.%Y")
            .to_string()
    };
    stored
        .iter()
        .map(|s| SignatureLine {
            answer: s.document == SignedDocument::Answer,
            name: s.signer.common_name.clone(),
            iin: s.signer.iin.clone(),
            organization: match (&s.signer.organization, &s.signer.bin) {
                (Some(org), Some(bin)) => Some(format!("{org} ({bin})")),
                (None, Some(bin)) => Some(bin.clone()),
                (org, None) => org.clone(),
            },
            serial: s.signer.serial_hex.clone(),
            issuer: s.signer.issuer.clone(),
            valid_from: day(s.signer.not_before),
            valid_until: day(s.signer.not_after),
            verified_at: c.time(s.verified_at),
        })
        .collect()
}
