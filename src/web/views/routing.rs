//! The admin's routing rules: for each category, the unit and the executors (in turn).

use maud::{Markup, html};

use super::components::csrf;
use super::layout::{Chrome, page};
use crate::domain::routing::RoutingRule;
use crate::web::paths;

/// One category's row.
#[derive(Debug, Clone)]
pub struct RuleRow {
    /// Category id.
    pub category: String,
    /// Category name.
    pub name: String,
    /// The current rule.
    pub rule: Option<RoutingRule>,
}

/// The routing page.
pub fn routing(
    c: &Chrome,
    rows: &[RuleRow],
    units: &[(String, String)],
    executors: &[(String, String)],
    saved: bool,
) -> Markup {
    page(
        c,
        c.t("routing.title"),
        html! {
            h1 { (c.t("routing.title")) }
            p { (c.t("routing.intro")) }
            @if saved { p.notice.success role="status" { (c.t("admin.saved")) } }
            @for row in rows {
                section.card {
                    h2 { (row.name) }
                    form.stack method="post" action=(paths::ADMIN_ROUTING) {
                        (csrf(c))
                        input type="hidden" name="category" value=(row.category);
                        div.field {
                            label for=(format!("unit-{}", row.category)) { (c.t("appeal.unit")) }
                            select id=(format!("unit-{}", row.category)) name="unit" {
                                option value="" { (c.t("routing.none")) }
                                @for (id, name) in units {
                                    option value=(id) selected[row.rule.as_ref().is_some_and(|r| r.unit.0.to_string() == *id)] { (name) }
                                }
                            }
                        }
                        fieldset {
                            legend { (c.t("routing.executors")) }
                            @for (id, name) in executors {
                                div.check {
                                    input type="checkbox" id=(format!("ex-{}-{id}", row.category)) name="executors" value=(id)
                                        checked[row.rule.as_ref().is_some_and(|r| r.executors.iter().any(|e| e.0.to_string() == *id))];
                                    label for=(format!("ex-{}-{id}", row.category)) { (name) }
                                }
                            }
                        }
                        p.actions { button type="submit" { (c.t("admin.save")) } }
                    }
                }
            }
        },
    )
}
