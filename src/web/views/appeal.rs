//! One appeal: facts, files, history and answer; for staff also the actions (the card).

use jiff::civil::Date;
use maud::{Markup, html};

use super::applicant::Names;
use super::components::{csrf, date, error_summary, select, size, status, textarea};
use super::layout::{Chrome, page};
use crate::domain::appeal::{Appeal, AttachmentRef, Change, Event};
use crate::domain::field::FieldErrors;
use crate::domain::kind::Outcome;
use crate::web::forms::Form;
use crate::web::paths;

/// What staff may do on the card.
#[derive(Debug, Clone)]
pub struct StaffActions<'a> {
    /// Executors as (user id, name), when the viewer may assign.
    pub executors: Option<Vec<(String, String)>>,
    /// Whether the viewer may answer.
    pub can_answer: bool,
    /// Values of a refused answer form.
    pub values: &'a Form,
    /// Refused fields.
    pub errors: &'a FieldErrors,
}

/// Everything the appeal page shows.
#[derive(Debug, Clone)]
pub struct AppealPage<'a> {
    /// The appeal.
    pub appeal: &'a Appeal,
    /// Its history.
    pub events: &'a [Event],
    /// Unit and category names.
    pub names: Names,
    /// Today (for the overdue mark).
    pub today: Date,
    /// Staff actions (None for the applicant).
    pub staff: Option<StaffActions<'a>>,
}

fn files(c: &Chrome, list: &[AttachmentRef]) -> Markup {
    html! {
        @if list.is_empty() {
            p.muted { (c.t("appeal.no_files")) }
        } @else {
            ul.files {
                @for f in list {
                    li {
                        a href=(paths::file(f.id)) download=(f.name) { (f.name) }
                        " " span.muted { (f.file_type.extension().to_uppercase()) ", " (size(f.size)) }
                    }
                }
            }
        }
    }
}

fn history_line(c: &Chrome, e: &Event) -> Markup {
    html! {
        li {
            time datetime=(e.at.to_string()) { (c.time(e.at)) }
            " · " strong { (e.actor.name) } " · "
            (c.t(e.change.label_key()))
            @match &e.change {
                Change::Assigned { executor } => { ": " (executor.name) }
                Change::Answered(answer) => { ": " (c.t(answer.outcome.label_key())) }
                Change::Registered(_) => {}
            }
            @if e.from.is_some_and(|from| from != e.to) { " → " (status(c, e.to)) }
        }
    }
}

/// The appeal page (applicant) or card (staff).
pub fn appeal_page(c: &Chrome, p: &AppealPage) -> Markup {
    let a = p.appeal;
    page(
        c,
        &a.number.to_string(),
        html! {
            h1 { (c.t("appeal.title")) " " (a.number) }
            p {
                (status(c, a.status))
                @if a.is_overdue(p.today) { " " span.tag.overdue { (c.t("appeal.overdue")) } }
                @if a.due_provisional && p.staff.is_some() { " " span.tag.provisional { (c.t("appeal.provisional")) } }
            }
            dl.facts {
                dt { (c.t("appeal.kind")) } dd { (c.t(a.kind.label_key())) }
                dt { (c.t("appeal.registered_on")) } dd { (date(a.registered_on)) }
                dt { (c.t("appeal.due")) } dd { (date(a.due)) }
                dt { (c.t("appeal.unit")) } dd { (p.names.unit) }
                dt { (c.t("appeal.category")) } dd { (p.names.category) }
                dt { (c.t("appeal.channel")) } dd { (c.t(a.channel.label_key())) }
                dt { (c.t("appeal.applicant")) } dd { (a.applicant.name) " · " (a.applicant.tax_id) }
                dt { (c.t("register.phone")) } dd { (a.applicant.phone) }
                @if !a.applicant.email.is_empty() { dt { (c.t("register.email")) } dd { (a.applicant.email) } }
                @if let Some(executor) = &a.executor { dt { (c.t("appeal.executor")) } dd { (executor.name) } }
            }
            p.actions.no-print { a.btn.secondary href=(paths::receipt(a.id)) { (c.t("appeal.receipt")) } }
            section {
                h2 { (a.subject) }
                @for para in a.description.split("\n\n") { p { (para) } }
                h3 { (c.t("appeal.files")) }
                (files(c, &a.attachments))
            }
            @if let Some(answer) = &a.answer {
                section.answer {
                    h2 { (c.t("appeal.answer")) }
                    p { strong { (c.t("appeal.outcome")) ": " (c.t(answer.outcome.label_key())) } }
                    @for para in answer.text.split("\n\n") { p { (para) } }
                    (files(c, &answer.attachments))
                    p.muted { (answer.by.name) ", " (c.time(answer.at)) }
                }
            }
            @if let Some(staff) = &p.staff { (actions(c, a, staff)) }
            section {
                h2 { (c.t("appeal.history")) }
                ol.history { @for e in p.events { (history_line(c, e)) } }
            }
        },
    )
}

fn actions(c: &Chrome, a: &Appeal, s: &StaffActions) -> Markup {
    let outcomes: Vec<(String, String)> = Outcome::ALL
        .iter()
        .map(|o| (o.code().to_owned(), c.t(o.label_key()).to_owned()))
        .collect();
    html! {
        @if let Some(executors) = &s.executors {
            section.card.no-print {
                h2 { (c.t("card.assign")) }
                form.stack method="post" action=(paths::assign(a.id)) {
                    (csrf(c))
                    (select(c, s.errors, "executor", "appeal.executor", executors,
                        &a.executor.as_ref().map(|e| e.user.0.to_string()).unwrap_or_default(), true))
                    p.actions { button.primary type="submit" { (c.t("card.assign_submit")) } }
                }
            }
        }
        @if s.can_answer {
            section.card.no-print {
                h2 { (c.t("card.answer")) }
                (error_summary(c, s.errors))
                form.stack method="post" action=(paths::answer(a.id)) enctype="multipart/form-data" novalidate {
                    (csrf(c))
                    (select(c, s.errors, "outcome", "appeal.outcome", &outcomes, s.values.get("outcome"), true))
                    (textarea(c, s.errors, "text", "card.answer_text", s.values.get("text"), 8))
                    div.field {
                        label for="f-files" { (c.t("form.files")) }
                        input id="f-files" name="files" type="file" multiple accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx";
                        @if let Some(key) = s.errors.for_field("files") { p.error role="alert" { (c.t(key)) } }
                    }
                    p.actions { button.primary type="submit" { (c.t("card.answer_submit")) } }
                }
            }
        }
    }
}
