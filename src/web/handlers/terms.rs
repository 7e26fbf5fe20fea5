//! The admin's table of statutory terms.

use super::{ok, unprocessable};
use crate::service::{self, admin, pages};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::AdminUser;
use crate::web::views;

/// GET /admin/terms
pub fn show(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let page = pages::terms(&call.app.ctx, &who.0)?;
    let saved = call.query().get("saved") == "1";
    Ok(ok(views::terms::terms(
        &call.chrome_of(&page.chrome),
        &page.terms,
        saved,
        None,
    )))
}

/// POST /admin/terms: one type's term.
pub fn save(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let form = call.form();
    match admin::set_term(
        &call.app.ctx,
        &who.0,
        form.get("kind"),
        form.get("days"),
        form.get("unit"),
    ) {
        Ok(()) => Ok(Response::see_other(&format!(
            "{}?saved=1",
            paths::ADMIN_TERMS
        ))),
        Err(service::Error::Invalid(errors)) => {
            let page = pages::terms(&call.app.ctx, &who.0)?;
            let key = errors.0.first().map_or("error.required", |e| e.key);
            Ok(unprocessable(views::terms::terms(
                &call.chrome_of(&page.chrome),
                &page.terms,
                false,
                Some(key),
            )))
        }
        Err(other) => Err(other.into()),
    }
}
