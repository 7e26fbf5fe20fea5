//! One appeal: page or card, receipt, attachment download, the steps on it, complaints about
//! its answer; and the user's notices.

use super::applicant::{appeal_form, appeal_form_page};
use super::{ok, unprocessable};
use crate::domain::appeal::{Appeal, AppealId, AttachmentId};
use crate::domain::field::FieldErrors;
use crate::domain::institution::{Category, Unit};
use crate::domain::lifecycle::Action;
use crate::domain::user::User;
use crate::service::appeals::{self, AppealForm, Reading};
use crate::service::security::Origin;
use crate::service::{self, lifecycle, notices, pages};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::forms::Form;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::{AnyUser, ApplicantUser};
use crate::web::views;
use crate::web::views::actions::ActionPanel;
use crate::web::views::appeal::AppealPage;
use crate::web::views::applicant::Names;

/// The names of the appeal's unit and category in the page's language.
fn names_among(call: &Call, units: &[Unit], categories: &[Category], appeal: &Appeal) -> Names {
    let lang = call.visitor.lang;
    Names {
        unit: units
            .iter()
            .find(|u| u.id == appeal.unit)
            .map(|u| u.names.get(lang).to_owned())
            .unwrap_or_default(),
        category: categories
            .iter()
            .find(|c| c.id == appeal.category)
            .map(|c| c.names.get(lang).to_owned())
            .unwrap_or_default(),
    }
}

/// The appeal page; `refused` re-shows one action's form with its values and errors.
fn render(
    call: &Call,
    viewer: &User,
    id: AppealId,
    refused: Option<(Action, &Form, &FieldErrors)>,
) -> Result<maud::Markup, WebError> {
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    let page = pages::appeal(&call.app.ctx, viewer, id, Reading::Page, origin)?;
    let c = call.chrome_of(&page.chrome);
    let a = &page.view.appeal;
    let lang = call.visitor.lang;
    let signatures = super::ecp::signature_lines(call, &c, &page.signatures);
    let empty = Form::default();
    let no_errors = FieldErrors::default();
    let (values, errors, refused_action) = match refused {
        Some((action, values, errors)) => (values, errors, Some(action)),
        None => (&empty, &no_errors, None),
    };
    let panel = ActionPanel {
        available: page.available.clone(),
        may_complain: page.may_complain,
        executors: page
            .executors
            .iter()
            .map(|u| (u.id.0.to_string(), u.full_name.as_str().to_owned()))
            .collect(),
        units: page
            .units
            .iter()
            .filter(|u| u.active)
            .map(|u| (u.id.0.to_string(), u.names.get(lang).to_owned()))
            .collect(),
        higher_body: page.chrome.institution.higher_body.clone(),
        values,
        errors,
        refused: refused_action,
        ecp_sign: page.ecp_sign.clone(),
    };
    Ok(views::appeal::appeal_page(
        &c,
        &AppealPage {
            appeal: a,
            events: &page.view.events,
            personal: &page.view.personal,
            names: names_among(call, &page.units, &page.categories, a),
            today: page.today,
            staff: !viewer.is_applicant(),
            panel,
            signatures,
            procedure: procedure_facts(viewer, &page),
            done: Action::from_code(call.query().get("done")).map(views::actions::done_key),
        },
    ))
}

/// The card's procedural notes: contested answer, late filing, 3-working-day windows.
fn procedure_facts(viewer: &User, page: &pages::AppealPage) -> views::procedure::ProcedureFacts {
    views::procedure::ProcedureFacts {
        contested: page
            .contested
            .as_ref()
            .map(|c| super::applicant::contested_summary(&c.appeal, None)),
        filed_late: Appeal::filed_late(&page.view.events).map(|(day, why)| (day, why.to_owned())),
        pass_up_by: page
            .pass_up_by
            .filter(|_| !viewer.is_applicant())
            .map(|day| (day, page.today > day)),
        late_letters: page.late_letters.clone(),
    }
}

/// GET /appeals/{id}
/// GET /appeals/{id} (`?done=<step>` after a step: the page says it was done)
pub fn show(call: &Call, who: &AnyUser, id: AppealId) -> Result<Response, WebError> {
    Ok(ok(render(call, &who.0, id, None)?))
}

/// GET /appeals/{id}/receipt
pub fn receipt(call: &Call, who: &AnyUser, id: AppealId) -> Result<Response, WebError> {
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    let page = pages::receipt(&call.app.ctx, &who.0, id, origin)?;
    let fresh = call.query().get("new") == "1";
    Ok(ok(views::applicant::receipt(
        &call.chrome_of(&page.chrome),
        &page.view.appeal,
        &page.view.personal,
        &page.chrome.institution,
        &names_among(call, &page.units, &page.categories, &page.view.appeal),
        fresh,
    )))
}

/// GET /files/{id}
pub fn download(call: &Call, who: &AnyUser, id: AttachmentId) -> Result<Response, WebError> {
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    let (meta, bytes) = appeals::attachment(&call.app.ctx, &who.0, id, origin)?;
    let ascii: String = meta
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(Response::bytes(meta.file_type.mime(), bytes)
        .with_header(
            "content-disposition",
            format!(
                "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                crate::web::forms::encode(&meta.name)
            ),
        )
        .with_header("cache-control", "private, no-store"))
}

/// POST /appeals/{id}/act: one step, named by the form's `action`.
pub fn act(call: &Call, who: &AnyUser, id: AppealId) -> Result<Response, WebError> {
    let (form, uploads) = call.multipart()?;
    let action = Action::from_code(form.get("action")).ok_or(service::Error::NotFound)?;
    // A step that cannot be undone needs its "I confirm" box (or the ЭЦП signature itself).
    if action.needs_confirmation() && !form.checked("confirm") && form.get("cms").trim().is_empty()
    {
        let mut errors = FieldErrors::default();
        errors.add("confirm", "pages.confirm_required");
        return Ok(unprocessable(render(
            call,
            &who.0,
            id,
            Some((action, &form, &errors)),
        )?));
    }
    let done = super::refuse_too_long(&form)
        .and_then(|()| lifecycle::act(&call.app.ctx, &who.0, id, action, &form, &uploads));
    match done {
        // The page landed on says what was done (`?done=<step>`).
        Ok(appeal) => Ok(Response::see_other(&format!(
            "{}?done={}",
            paths::appeal(appeal.id),
            action.code()
        ))),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(render(
            call,
            &who.0,
            id,
            Some((action, &form, &errors)),
        )?)),
        Err(other) => Err(other.into()),
    }
}

/// GET /appeals/{id}/complaint: the complaint form, prefilled.
pub fn complaint_form(
    call: &Call,
    who: &ApplicantUser,
    id: AppealId,
) -> Result<Response, WebError> {
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    let view = appeals::view(&call.app.ctx, &who.0, id, Reading::Page, origin)?;
    if !lifecycle::may_complain(&who.0, &view.appeal) {
        return Err(WebError::Refused(
            crate::domain::lifecycle::Refusal::TooLate,
        ));
    }
    let own = AppealForm::prefilled(&who.0);
    let values = Form::from_pairs(vec![
        ("kind".into(), "complaint".into()),
        ("unit".into(), view.appeal.unit.0.to_string()),
        ("category".into(), view.appeal.category.0.to_string()),
        (
            "subject".into(),
            call.chrome().tr.fmt(
                "complaint.subject",
                &[("number", &view.appeal.number.to_string())],
            ),
        ),
        ("tax_id".into(), own.tax_id),
        ("name".into(), own.name),
        ("phone".into(), own.phone),
        ("email".into(), own.email),
        ("address".into(), own.address),
    ]);
    Ok(ok(appeal_form_page(
        call,
        &values,
        &FieldErrors::default(),
        super::applicant::FormMode::Complaint(id),
    )?))
}

/// POST /appeals/{id}/complaint
pub fn file_complaint(
    call: &Call,
    who: &ApplicantUser,
    id: AppealId,
) -> Result<Response, WebError> {
    let (form, uploads) = call.multipart()?;
    let filed = super::refuse_too_long(&form).and_then(|()| {
        appeals::file_complaint(
            &call.app.ctx,
            &who.0,
            id,
            &appeal_form(&form),
            form.get("late_reason"),
            &uploads,
        )
    });
    match filed {
        Ok(complaint) => Ok(Response::see_other(&format!(
            "{}?new=1",
            paths::receipt(complaint.id)
        ))),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(appeal_form_page(
            call,
            &form,
            &errors,
            super::applicant::FormMode::Complaint(id),
        )?)),
        Err(other) => Err(other.into()),
    }
}

/// GET /notices: the user's notices (marks them read).
pub fn notices(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let list = notices::list_and_mark_read(&call.app.ctx, &who.0)?;
    Ok(ok(views::notices::notices(&call.chrome(), &list)))
}
