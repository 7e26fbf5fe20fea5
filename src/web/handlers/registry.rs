//! The registry and the clerk's registration of paper, e-mail and walk-in appeals.

use super::applicant::{
    FormMode, appeal_form, appeal_form_page, appeal_form_page_holding, hold_uploads,
    release_uploads, with_held_uploads,
};
use super::{ok, unprocessable};
use crate::domain::deadline::add_working_days;
use crate::domain::field::FieldErrors;
use crate::service::registry::{self, RegistryQuery};
use crate::service::{self, admin, appeals};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::forms::Form;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::StaffUser;
use crate::web::views;
use crate::web::views::registry::RegistryPage;

/// The registry's filters as the query string gives them.
pub(super) fn registry_query(q: &Form) -> RegistryQuery {
    RegistryQuery {
        status: q.string("status"),
        kind: q.string("kind"),
        due: q.string("due"),
        unit: q.string("unit"),
        executor: q.string("executor"),
        q: q.string("q"),
        before: q.string("before"),
        open: q.string("open"),
    }
}

/// GET /registry
pub fn list(call: &Call, who: &StaffUser) -> Result<Response, WebError> {
    let q = call.query();
    let query = registry_query(&q);
    let ctx = &call.app.ctx;
    let page = registry::list(ctx, &who.0, &query)?;
    let counts = registry::queue_counts(ctx, &who.0)?;
    let (units, _) = admin::units_and_categories(ctx)?;
    let lang = call.visitor.lang;
    let executors = registry::executors(ctx)?
        .iter()
        .map(|u| (u.id.0.to_string(), u.full_name.as_str().to_owned()))
        .collect();
    let today = ctx.today();
    Ok(ok(views::registry::registry(
        &call.chrome(),
        &RegistryPage {
            query: &q,
            appeals: &page.appeals,
            next: page.next,
            units: units
                .iter()
                .map(|u| (u.id.0.to_string(), u.names.get(lang).to_owned()))
                .collect(),
            executors,
            today,
            me: who.0.id.0,
            counts,
            soon_until: add_working_days(today, 3, &ctx.calendar()),
            pass_up: page
                .appeals
                .iter()
                .filter_map(|a| crate::service::lifecycle::pass_up_due(ctx, a).map(|d| (a.id, d)))
                .collect(),
        },
    )))
}

/// GET /registry/new
pub fn new_form(call: &Call, _who: &StaffUser) -> Result<Response, WebError> {
    let values = Form::from_pairs(vec![
        ("channel".into(), "paper".into()),
        ("applicant_kind".into(), "individual".into()),
    ]);
    Ok(ok(appeal_form_page(
        call,
        &values,
        &FieldErrors::default(),
        FormMode::OnBehalf,
    )?))
}

/// POST /registry/new
pub fn register(call: &Call, who: &StaffUser) -> Result<Response, WebError> {
    let (form, uploads) = call.multipart()?;
    let (token, uploads) = with_held_uploads(call, &who.0, &form, uploads)?;
    let registered = super::refuse_too_long(&form).and_then(|()| {
        appeals::register_on_behalf(&call.app.ctx, &who.0, &appeal_form(&form), &uploads)
    });
    match registered {
        Ok(appeal) => {
            release_uploads(call, &who.0, &token);
            Ok(Response::see_other(&format!(
                "{}?new=1",
                paths::receipt(appeal.id)
            )))
        }
        Err(service::Error::Invalid(errors)) => {
            let held = hold_uploads(call, &who.0, &token, &uploads)?;
            Ok(unprocessable(appeal_form_page_holding(
                call,
                &form,
                &errors,
                FormMode::OnBehalf,
                &held,
            )?))
        }
        Err(other) => Err(other.into()),
    }
}
