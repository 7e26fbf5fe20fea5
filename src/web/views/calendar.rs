//! The admin's working-day calendar page for one year: the built-in holidays and transferred
//! days off, the admin's changes with a remove button each, the form to add a change and the
//! confirmation of the year. Pure function of [`CalendarPage`]; every form posts to one address
//! with a field `action` (`add`, `remove`, `confirm`).

use jiff::civil::{Date, Weekday};
use maud::{Markup, html};

use super::components::{Input, csrf, date, error_summary, input};
use super::layout::{Chrome, page};
use crate::domain::calendar::{DayKind, DayOverride};
use crate::domain::field::FieldErrors;
use crate::web::forms::Form;
use crate::web::paths;

/// The calendar page (GET shows a year, POST changes the calendar).
pub const ADMIN_CALENDAR: &str = "/admin/calendar";

/// The calendar page showing `year`.
pub fn year_path(year: i16) -> String {
    format!("{ADMIN_CALENDAR}?year={year}")
}

/// The calendar page's model.
#[derive(Debug, Clone)]
pub struct CalendarPage<'a> {
    /// The year shown.
    pub year: i16,
    /// Whether an admin confirmed it.
    pub confirmed: bool,
    /// The built-in holidays and transferred days off of the year, in date order.
    pub builtin: &'a [(Date, DayKind)],
    /// The admin's changes in the year, in date order.
    pub overrides: &'a [(Date, DayOverride)],
    /// The year before, if it can be shown.
    pub previous: Option<i16>,
    /// The year after, if it can be shown.
    pub next: Option<i16>,
    /// The add form's values (as typed before a refusal).
    pub values: &'a Form,
    /// The add form's refused fields.
    pub errors: &'a FieldErrors,
    /// A notice after a change (translation key).
    pub notice: Option<&'static str>,
}

fn weekday_key(d: Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "calendar.mon",
        Weekday::Tuesday => "calendar.tue",
        Weekday::Wednesday => "calendar.wed",
        Weekday::Thursday => "calendar.thu",
        Weekday::Friday => "calendar.fri",
        Weekday::Saturday => "calendar.sat",
        Weekday::Sunday => "calendar.sun",
    }
}

/// What a built-in day off is, in the page language.
fn builtin_name(c: &Chrome, kind: DayKind) -> String {
    match kind {
        DayKind::Holiday(holiday) => c.t(holiday.key()).to_owned(),
        DayKind::TransferredDayOff(holiday) => {
            c.tr.fmt("calendar.transferred", &[("name", c.t(holiday.key()))])
        }
        DayKind::Working
        | DayKind::WorkingByOverride
        | DayKind::Weekend
        | DayKind::DayOffByOverride => String::new(),
    }
}

fn year_nav(c: &Chrome, p: &CalendarPage) -> Markup {
    html! {
        nav.pager aria-label=(c.t("calendar.years")) {
            @if let Some(year) = p.previous {
                a href=(year_path(year)) { (c.tr.fmt("calendar.previous_year", &[("year", &year.to_string())])) }
            }
            @if let Some(year) = p.next {
                a href=(year_path(year)) { (c.tr.fmt("calendar.next_year", &[("year", &year.to_string())])) }
            }
        }
    }
}

fn confirmation(c: &Chrome, p: &CalendarPage) -> Markup {
    let year = p.year.to_string();
    html! {
        @if p.confirmed {
            p.notice.success { (c.tr.fmt("calendar.confirmed", &[("year", &year)])) }
        } @else {
            div.notice {
                p { (c.tr.fmt("calendar.not_confirmed", &[("year", &year)])) }
                p { (c.t("calendar.confirm_hint")) }
                form method="post" action=(ADMIN_CALENDAR) {
                    (csrf(c))
                    input type="hidden" name="action" value="confirm";
                    input type="hidden" name="year" value=(year);
                    button type="submit" { (c.tr.fmt("calendar.confirm", &[("year", &year)])) }
                }
            }
        }
    }
}

fn builtin_table(c: &Chrome, p: &CalendarPage) -> Markup {
    html! {
        section.card {
            h2 { (c.t("calendar.builtin")) }
            p { (c.t("calendar.builtin_hint")) }
            div.table-wrap {
                table.list {
                    thead { tr {
                        th scope="col" { (c.t("calendar.date")) }
                        th scope="col" { (c.t("calendar.weekday")) }
                        th scope="col" { (c.t("calendar.day")) }
                        th scope="col" { (c.t("calendar.note")) }
                    } }
                    tbody {
                        @for &(d, kind) in p.builtin {
                            tr {
                                td { time datetime=(d.to_string()) { (date(d)) } }
                                td { (c.t(weekday_key(d))) }
                                td { (builtin_name(c, kind)) }
                                td { @if p.overrides.iter().any(|(o, _)| *o == d) { (c.t("calendar.overridden")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn overrides_table(c: &Chrome, p: &CalendarPage) -> Markup {
    html! {
        section.card {
            h2 { (c.t("calendar.overrides")) }
            p { (c.t("calendar.overrides_hint")) }
            @if p.overrides.is_empty() {
                p { (c.t("calendar.none")) }
            } @else {
                div.table-wrap {
                    table.list {
                        thead { tr {
                            th scope="col" { (c.t("calendar.date")) }
                            th scope="col" { (c.t("calendar.weekday")) }
                            th scope="col" { (c.t("calendar.kind")) }
                            th scope="col" { (c.t("calendar.reason")) }
                            th scope="col" { span.visually-hidden { (c.t("calendar.remove")) } }
                        } }
                        tbody {
                            @for (d, day) in p.overrides {
                                tr {
                                    td { time datetime=(d.to_string()) { (date(*d)) } }
                                    td { (c.t(weekday_key(*d))) }
                                    td { (c.t(if day.is_working() { "calendar.working_day" } else { "calendar.day_off" })) }
                                    td { (day.reason()) }
                                    td {
                                        form method="post" action=(ADMIN_CALENDAR) {
                                            (csrf(c))
                                            input type="hidden" name="action" value="remove";
                                            input type="hidden" name="date" value=(d.to_string());
                                            button.secondary type="submit"
                                                aria-label=(c.tr.fmt("calendar.remove_date", &[("date", &date(*d))])) {
                                                (c.t("calendar.remove"))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn kind_radio(c: &Chrome, value: &str, label: &'static str, chosen: &str) -> Markup {
    let id = format!("f-kind-{value}");
    html! {
        div.check {
            input type="radio" id=(id) name="kind" value=(value) checked[chosen == value] required;
            label for=(id) { (c.t(label)) }
        }
    }
}

fn add_form(c: &Chrome, p: &CalendarPage) -> Markup {
    let v = p.values;
    let kind_error = p.errors.for_field("kind");
    html! {
        section.card {
            h2 { (c.t("calendar.add")) }
            (error_summary(c, p.errors))
            form.stack method="post" action=(ADMIN_CALENDAR) novalidate {
                (csrf(c))
                input type="hidden" name="action" value="add";
                input type="hidden" name="year" value=(p.year);
                (input(c, p.errors, Input::text("date", "calendar.date", v.get("date")).kind("date")))
                fieldset.invalid[kind_error.is_some()] id="f-kind"
                    aria-describedby=[kind_error.is_some().then_some("f-kind-error")] {
                    legend { (c.t("calendar.kind")) " *" }
                    (kind_radio(c, "day-off", "calendar.day_off", v.get("kind")))
                    (kind_radio(c, "working-day", "calendar.working_day", v.get("kind")))
                    @if let Some(key) = kind_error { p.error id="f-kind-error" role="alert" { (c.t(key)) } }
                }
                (input(c, p.errors, Input::text("reason", "calendar.reason", v.get("reason")).hint("calendar.reason_hint")))
                p.actions { button.primary type="submit" { (c.t("calendar.add_button")) } }
            }
        }
    }
}

/// One year of the calendar with the forms that change it.
pub fn calendar(c: &Chrome, p: &CalendarPage) -> Markup {
    let heading =
        c.tr.fmt("calendar.heading", &[("year", &p.year.to_string())]);
    page(
        c,
        &heading,
        html! {
            p { a href=(paths::ADMIN) { "← " (c.t("admin.title")) } }
            h1 { (heading) }
            @if let Some(key) = p.notice { p.notice.success role="status" { (c.t(key)) } }
            (year_nav(c, p))
            (confirmation(c, p))
            (overrides_table(c, p))
            (add_form(c, p))
            (builtin_table(c, p))
        },
    )
}
