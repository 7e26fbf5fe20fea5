//! The applicant's pages: terms, cabinet, the appeal form and filing.

use super::{ok, unprocessable};
use crate::domain::field::FieldErrors;
use crate::domain::institution::{Category, Unit};
use crate::domain::lang::Lang;
use crate::domain::user::User;
use crate::service::appeals::{self, AppealForm, Upload};
use crate::service::pending_uploads::{self, Held};
use crate::service::{self, auth, pages};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::forms::Form;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::ApplicantUser;
use crate::web::views;
use crate::web::views::applicant::{AppealFormPage, HeldUpload};

/// Select options: (value, shown text).
pub(super) type Options = Vec<(String, String)>;

/// Active units and categories as select options in `lang`.
pub(super) fn options(units: &[Unit], categories: &[Category], lang: Lang) -> (Options, Options) {
    (
        units
            .iter()
            .filter(|u| u.active)
            .map(|u| (u.id.0.to_string(), u.names.get(lang).to_owned()))
            .collect(),
        categories
            .iter()
            .filter(|c| c.active)
            .map(|c| (c.id.0.to_string(), c.names.get(lang).to_owned()))
            .collect(),
    )
}

/// Which appeal form is shown.
#[derive(Debug, Clone, Copy)]
pub(super) enum FormMode {
    /// The applicant's own appeal.
    Own,
    /// The clerk registers someone else's.
    OnBehalf,
    /// The applicant's complaint about an appeal's answer.
    Complaint(crate::domain::appeal::AppealId),
}

/// The appeal form page, for the applicant, the clerk, or a complaint.
pub(super) fn appeal_form_page(
    call: &Call,
    values: &Form,
    errors: &FieldErrors,
    mode: FormMode,
) -> Result<maud::Markup, WebError> {
    appeal_form_page_holding(call, values, errors, mode, &Held::default())
}

/// The files a posted appeal form files: those held for it from an earlier refusal (less the
/// ones it unticks) followed by the new uploads; and the holding's token.
pub(super) fn with_held_uploads(
    call: &Call,
    who: &User,
    form: &Form,
    uploads: Vec<Upload>,
) -> Result<(String, Vec<Upload>), WebError> {
    let token = form.string("uploads_token");
    let removed: Vec<usize> = form
        .all("remove_upload")
        .iter()
        .filter_map(|i| i.parse().ok())
        .collect();
    let mut all = pending_uploads::claim(&call.app.ctx, who, &call.visitor.csrf, &token, &removed)?;
    all.extend(uploads);
    Ok((token, all))
}

/// Holds a refused form's files for the re-shown form.
pub(super) fn hold_uploads(
    call: &Call,
    who: &User,
    token: &str,
    uploads: &[Upload],
) -> Result<Held, WebError> {
    Ok(pending_uploads::hold(
        &call.app.ctx,
        who,
        &call.visitor.csrf,
        token,
        uploads,
    )?)
}

/// Drops the holding of a form that went through (it would expire anyway: a failure is
/// only logged).
pub(super) fn release_uploads(call: &Call, who: &User, token: &str) {
    if let Err(err) = pending_uploads::release(&call.app.ctx, who, &call.visitor.csrf, token) {
        log::error!("dropping held uploads: {err}");
    }
}

/// The appeal form page, listing the files held from a refused attempt.
pub(super) fn appeal_form_page_holding(
    call: &Call,
    values: &Form,
    errors: &FieldErrors,
    mode: FormMode,
    held: &Held,
) -> Result<maud::Markup, WebError> {
    let (action, title) = match mode {
        FormMode::Own => (paths::NEW_APPEAL.to_owned(), "form.title"),
        FormMode::OnBehalf => (paths::REGISTRY_NEW.to_owned(), "form.title_on_behalf"),
        FormMode::Complaint(id) => (paths::complaint(id), "complaint.title"),
    };
    let on_behalf = matches!(mode, FormMode::OnBehalf);
    let (address, device) = call.client();
    let complaint = match mode {
        FormMode::Complaint(id) => Some((
            id,
            crate::service::security::Origin {
                address: &address,
                device: &device,
            },
        )),
        _ => None,
    };
    let page = pages::appeal_form(&call.app.ctx, call.visitor.user(), complaint)?;
    let contested = page.contested.as_ref().map(|view| {
        contested_summary(&view.appeal, appeals::complaint_window(&call.app.ctx, view))
    });
    let (units, categories) = options(&page.units, &page.categories, call.visitor.lang);
    let rules = &call.app.ctx.rules;
    Ok(views::applicant::appeal_form(
        &call.chrome_of(&page.chrome),
        &AppealFormPage {
            values,
            errors,
            units,
            categories,
            on_behalf,
            action,
            title,
            max_files: rules.max_attachments,
            max_mib: rules.max_attachment_bytes / (1024 * 1024),
            sign_and_send: matches!(mode, FormMode::Own)
                && crate::service::ecp::available(&call.app.ctx),
            contested,
            held_token: held.token.clone(),
            held: held
                .files
                .iter()
                .map(|f| HeldUpload {
                    index: f.index,
                    name: f.name.clone(),
                    size: f.size,
                })
                .collect(),
        },
    ))
}

/// What a complaint's page says of the answer it contests; `window` is the complaint's
/// term, when the page shows it.
pub(super) fn contested_summary(
    appeal: &crate::domain::appeal::Appeal,
    window: Option<(jiff::civil::Date, bool)>,
) -> views::procedure::ContestedAnswer {
    let answer = appeal.answer.as_ref();
    views::procedure::ContestedAnswer {
        appeal: appeal.id,
        number: appeal.number,
        signed: answer
            .and_then(|a| a.signed.as_ref())
            .map(|s| (s.at, s.by.name.clone())),
        excerpt: answer.map_or_else(String::new, |a| views::procedure::excerpt(&a.text, 300)),
        window,
    }
}

/// The service's form from the posted one.
pub(super) fn appeal_form(form: &Form) -> AppealForm {
    AppealForm {
        kind: form.string("kind"),
        unit: form.string("unit"),
        category: form.string("category"),
        subject: form.string("subject"),
        description: form.string("description"),
        applicant_kind: form.string("applicant_kind"),
        tax_id: form.string("tax_id"),
        name: form.string("name"),
        phone: form.string("phone"),
        email: form.string("email"),
        address: form.string("address"),
        channel: form.string("channel"),
        co_applicants: form.string("co_applicants"),
        anonymous: form.checked("anonymous"),
    }
}

/// GET /terms
pub fn terms(call: &Call) -> Result<Response, WebError> {
    let accepted = call
        .visitor
        .user()
        .is_some_and(|u| u.terms_accepted_at.is_some());
    Ok(ok(views::applicant::terms(&call.chrome(), accepted)))
}

/// POST /terms
pub fn accept_terms(call: &Call, who: &ApplicantUser) -> Result<Response, WebError> {
    if !call.form().checked("agree") {
        return Ok(unprocessable(views::applicant::terms(
            &call.chrome(),
            false,
        )));
    }
    auth::accept_terms(&call.app.ctx, &who.0)?;
    Ok(Response::see_other(paths::NEW_APPEAL))
}

/// GET /cabinet
pub fn cabinet(call: &Call, who: &ApplicantUser) -> Result<Response, WebError> {
    let appeals = appeals::cabinet(&call.app.ctx, &who.0)?;
    Ok(ok(views::applicant::cabinet(
        &call.chrome(),
        &appeals,
        call.app.ctx.today(),
    )))
}

fn prefilled(who: &ApplicantUser) -> Form {
    let own = AppealForm::prefilled(&who.0);
    Form::from_pairs(vec![
        ("tax_id".into(), own.tax_id),
        ("name".into(), own.name),
        ("phone".into(), own.phone),
        ("email".into(), own.email),
        ("address".into(), own.address),
    ])
}

/// GET /appeals/new (the terms come first)
pub fn new_appeal_form(call: &Call, who: &ApplicantUser) -> Result<Response, WebError> {
    if who.0.terms_accepted_at.is_none() {
        return Ok(Response::see_other(paths::TERMS));
    }
    Ok(ok(appeal_form_page(
        call,
        &prefilled(who),
        &FieldErrors::default(),
        FormMode::Own,
    )?))
}

/// POST /appeals/new: registers the appeal, then shows its receipt.
pub fn file_appeal(call: &Call, who: &ApplicantUser) -> Result<Response, WebError> {
    if who.0.terms_accepted_at.is_none() {
        return Ok(Response::see_other(paths::TERMS));
    }
    let (form, uploads) = call.multipart()?;
    let (token, uploads) = with_held_uploads(call, &who.0, &form, uploads)?;
    // "Sign and send" posts the applicant's ЭЦП with the form; it must verify.
    let cms = form.get("cms");
    let filed = super::refuse_too_long(&form).and_then(|()| {
        if cms.trim().is_empty() {
            appeals::file(&call.app.ctx, &who.0, &appeal_form(&form), &uploads)
        } else {
            appeals::file_signed(&call.app.ctx, &who.0, &appeal_form(&form), &uploads, cms)
        }
    });
    match filed {
        Ok(appeal) => {
            release_uploads(call, &who.0, &token);
            Ok(Response::see_other(&format!(
                "{}?new=1",
                paths::receipt(appeal.id)
            )))
        }
        Err(service::Error::Invalid(errors)) => {
            let held = hold_uploads(call, &who.0, &token, &uploads)?;
            // Identity fields always show the account's own values.
            let mut pairs: Vec<(String, String)> = [
                "kind",
                "unit",
                "category",
                "subject",
                "description",
                "co_applicants",
                "name",
                "phone",
                "email",
                "address",
            ]
            .iter()
            .map(|k| ((*k).to_owned(), form.string(k)))
            .collect();
            pairs.push(("tax_id".into(), prefilled(who).string("tax_id")));
            Ok(unprocessable(appeal_form_page_holding(
                call,
                &Form::from_pairs(pairs),
                &errors,
                FormMode::Own,
                &held,
            )?))
        }
        Err(other) => Err(other.into()),
    }
}
