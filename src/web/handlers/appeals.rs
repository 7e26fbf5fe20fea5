//! One appeal: page or card, receipt, attachment download, assignment and answer.

use super::{ok, unprocessable};
use crate::domain::appeal::{Appeal, AppealId, AttachmentId};
use crate::domain::field::FieldErrors;
use crate::domain::user::{Role, User};
use crate::service::appeals::{self, AnswerForm};
use crate::service::{self, admin, registry};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::forms::Form;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::{AnyUser, StaffUser};
use crate::web::views;
use crate::web::views::appeal::{AppealPage, StaffActions};
use crate::web::views::applicant::Names;

fn names(call: &Call, appeal: &Appeal) -> Result<Names, WebError> {
    let (units, categories) = admin::units_and_categories(&call.app.ctx)?;
    let lang = call.visitor.lang;
    Ok(Names {
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
    })
}

fn render(
    call: &Call,
    viewer: &User,
    id: AppealId,
    values: &Form,
    errors: &FieldErrors,
) -> Result<maud::Markup, WebError> {
    let view = appeals::view(&call.app.ctx, viewer, id)?;
    let a = &view.appeal;
    let staff = if viewer.is_applicant() {
        None
    } else {
        let roles = viewer.roles();
        let open = !a.status.is_terminal();
        let executors = (open && roles.any(&[Role::Clerk, Role::Director]))
            .then(|| registry::executors(&call.app.ctx))
            .transpose()?
            .map(|list| {
                list.iter()
                    .map(|u| (u.id.0.to_string(), u.full_name.as_str().to_owned()))
                    .collect()
            });
        let assigned_to_me = a.executor.as_ref().is_some_and(|e| e.user == viewer.id);
        let can_answer = a.status == crate::domain::kind::Status::InProgress
            && (assigned_to_me || roles.has(Role::Director));
        Some(StaffActions {
            executors,
            can_answer,
            values,
            errors,
        })
    };
    Ok(views::appeal::appeal_page(
        &call.chrome(),
        &AppealPage {
            appeal: a,
            events: &view.events,
            names: names(call, a)?,
            today: call.app.ctx.today(),
            staff,
        },
    ))
}

/// GET /appeals/{id}
pub fn show(call: &Call, who: &AnyUser, id: AppealId) -> Result<Response, WebError> {
    Ok(ok(render(
        call,
        &who.0,
        id,
        &Form::default(),
        &FieldErrors::default(),
    )?))
}

/// GET /appeals/{id}/receipt
pub fn receipt(call: &Call, who: &AnyUser, id: AppealId) -> Result<Response, WebError> {
    let view = appeals::view(&call.app.ctx, &who.0, id)?;
    let institution = admin::institution(&call.app.ctx)?;
    let fresh = call.query().get("new") == "1";
    Ok(ok(views::applicant::receipt(
        &call.chrome(),
        &view.appeal,
        &institution,
        &names(call, &view.appeal)?,
        fresh,
    )))
}

/// GET /files/{id}
pub fn download(call: &Call, who: &AnyUser, id: AttachmentId) -> Result<Response, WebError> {
    let (meta, bytes) = appeals::attachment(&call.app.ctx, &who.0, id)?;
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

/// POST /appeals/{id}/assign
pub fn assign(call: &Call, who: &StaffUser, id: AppealId) -> Result<Response, WebError> {
    let form = call.form();
    match appeals::assign(&call.app.ctx, &who.0, id, form.get("executor")) {
        Ok(_) => Ok(Response::see_other(&paths::appeal(id))),
        Err(service::Error::Invalid(errors)) => {
            Ok(unprocessable(render(call, &who.0, id, &form, &errors)?))
        }
        Err(other) => Err(other.into()),
    }
}

/// POST /appeals/{id}/answer
pub fn answer(call: &Call, who: &StaffUser, id: AppealId) -> Result<Response, WebError> {
    let (form, uploads) = call.multipart()?;
    let input = AnswerForm {
        text: form.string("text"),
        outcome: form.string("outcome"),
    };
    match appeals::answer(&call.app.ctx, &who.0, id, &input, &uploads) {
        Ok(_) => Ok(Response::see_other(&paths::appeal(id))),
        Err(service::Error::Invalid(errors)) => {
            Ok(unprocessable(render(call, &who.0, id, &form, &errors)?))
        }
        Err(other) => Err(other.into()),
    }
}
