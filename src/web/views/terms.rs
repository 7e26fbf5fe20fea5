//! The admin's table of statutory terms per appeal type (domain.md §2.3).

use maud::{Markup, html};

use super::components::csrf;
use super::layout::{Chrome, page};
use crate::domain::deadline::{DayUnit, Term};
use crate::domain::kind::AppealKind;
use crate::web::paths;

/// The terms page, with who may extend deadlines.
pub fn terms(
    c: &Chrome,
    rows: &[(AppealKind, Term)],
    saved: bool,
    error: Option<&'static str>,
) -> Markup {
    page(
        c,
        c.t("terms_table.title"),
        html! {
            h1 { (c.t("terms_table.title")) }
            p { (c.t("terms_table.intro")) }
            @if saved { p.notice.success role="status" { (c.t("admin.saved")) } }
            @if let Some(key) = error { p.notice.error role="alert" { (c.t(key)) } }
            @for (kind, term) in rows {
                form.filters method="post" action=(paths::ADMIN_TERMS) {
                    (csrf(c))
                    input type="hidden" name="kind" value=(kind.code());
                    div.field {
                        label for=(format!("days-{}", kind.code())) { (c.t(kind.label_key())) }
                        input id=(format!("days-{}", kind.code())) name="days" type="number" min="1" max="365" value=(term.days) required;
                    }
                    div.field {
                        label for=(format!("unit-{}", kind.code())) { (c.t("terms_table.unit")) }
                        select id=(format!("unit-{}", kind.code())) name="unit" {
                            option value="working" selected[term.unit == DayUnit::Working] { (c.t("deadline.working_days")) }
                            option value="calendar" selected[term.unit == DayUnit::Calendar] { (c.t("deadline.calendar_days")) }
                        }
                    }
                    button type="submit" { (c.t("admin.save")) }
                }
            }
            section.card {
                h2 { (c.t("law.extenders_title")) }
                p { (c.t("law.extenders_note")) }
            }
        },
    )
}
