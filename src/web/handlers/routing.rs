//! The admin's routing rules page.

use super::ok;
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::routing::RoutingRule;
use crate::domain::user::UserId;
use crate::service::{pages, routing};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::AdminUser;
use crate::web::views;
use crate::web::views::routing::RuleRow;

/// GET /admin/routing
pub fn show(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let lang = call.visitor.lang;
    let page = pages::routing(&call.app.ctx, &who.0)?;
    let rows: Vec<RuleRow> = page
        .categories
        .iter()
        .filter(|c| c.active)
        .map(|c| RuleRow {
            category: c.id.0.to_string(),
            name: c.names.get(lang).to_owned(),
            rule: page.rules.iter().find(|r| r.category == c.id).cloned(),
        })
        .collect();
    let units: Vec<(String, String)> = page
        .units
        .iter()
        .filter(|u| u.active)
        .map(|u| (u.id.0.to_string(), u.names.get(lang).to_owned()))
        .collect();
    let executors: Vec<(String, String)> = page
        .executors
        .iter()
        .map(|u| (u.id.0.to_string(), u.full_name.as_str().to_owned()))
        .collect();
    let saved = call.query().get("saved") == "1";
    Ok(ok(views::routing::routing(
        &call.chrome_of(&page.chrome),
        &rows,
        &units,
        &executors,
        saved,
    )))
}

/// POST /admin/routing: sets one category's rule (no unit removes it).
pub fn save(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let form = call.form();
    let category = CategoryId(
        form.get("category")
            .parse()
            .map_err(|_| WebError::BadRequest)?,
    );
    let rule = form.get("unit").parse().ok().map(|unit| RoutingRule {
        category,
        unit: UnitId(unit),
        executors: form
            .all("executors")
            .iter()
            .filter_map(|id| id.parse().ok())
            .map(UserId)
            .collect(),
    });
    routing::set_rule(&call.app.ctx, &who.0, rule.as_ref(), category)?;
    Ok(Response::see_other(&format!(
        "{}?saved=1",
        paths::ADMIN_ROUTING
    )))
}
