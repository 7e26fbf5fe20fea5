//! One appeal: facts, deadline basis, files, requests, answer and history; below them the
//! steps the viewer may take now (`views::actions`).

use jiff::civil::Date;
use maud::{Markup, html};

use super::actions::{ActionPanel, actions};
use super::applicant::Names;
use super::components::{date, size, status};
use super::layout::{Chrome, page};
use crate::domain::appeal::{Appeal, AttachmentRef, Change, Event};
use crate::domain::deadline::{CountingRule, DayUnit};
use crate::domain::privacy::Personal;
use crate::web::paths;

/// Everything the appeal page shows.
#[derive(Debug, Clone)]
pub struct AppealPage<'a> {
    /// The appeal.
    pub appeal: &'a Appeal,
    /// Its history (already filtered for the viewer).
    pub events: &'a [Event],
    /// The applicant's personal data, or that this viewer's work does not need it.
    pub personal: &'a Personal,
    /// Unit and category names.
    pub names: Names,
    /// Today (for the overdue mark).
    pub today: Date,
    /// Whether the viewer is staff (sees internal details).
    pub staff: bool,
    /// The steps the viewer may take, with what their forms need.
    pub panel: ActionPanel<'a>,
    /// Electronic signatures kept with the appeal's steps.
    pub signatures: Vec<super::ecp::SignatureLine>,
    /// Contested answer, late filing, 3-working-day windows (АППК arts. 65, 91-92).
    pub procedure: super::procedure::ProcedureFacts,
    /// The message of the step just taken (`?done=…` after the redirect).
    pub done: Option<&'static str>,
}

/// A file list; where the viewer's work does not need the files, only a line saying so.
fn files(c: &Chrome, list: &[AttachmentRef], personal: &Personal) -> Markup {
    html! {
        @if personal.visible().is_none() {
            p.muted { (c.t("privacy.files_withheld")) }
        } @else if list.is_empty() {
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

#[allow(clippy::collapsible_match)] // maud's `@if` inside an arm reads better than guards
fn detail(c: &Chrome, change: &Change) -> Markup {
    html! {
        @match change {
            Change::Routed { executor, co_executors, .. } => {
                ": " (executor.name)
                @for co in co_executors { ", " (co.name) }
            }
            Change::CorrectionRequested(r) | Change::DocumentsRequested(r) => {
                ": " (r.text) " (" (c.t("field.until")) " " (date(r.until)) ")"
            }
            Change::Corrected { note, .. } | Change::DocumentsAdded { note, .. } => @if !note.is_empty() { ": " (note) },
            Change::HearingStarted(h) => { " (" (c.t("field.objections_until")) " " (date(h.objections_until)) ")" }
            Change::DraftSubmitted(a) | Change::ComplaintDecided(a) => { ": " (c.t(a.outcome.label_key())) }
            Change::DraftReturned { comment } => { ": " (comment) }
            Change::Extended(e) => { ": " (date(e.previous_due)) " → " (date(e.new_due)) " — " (e.reason) }
            Change::Forwarded(f) => {
                ": " (f.letter.to) " (" (c.t("field.letter_number")) " " (f.letter.number) ")"
                @if let Some((_, child, number)) = &f.part { " · " a href=(paths::appeal(*child)) { (number) } }
            }
            Change::Returned(e) | Change::Withdrawn(e) => @if !e.reason.is_empty() { ": " (e.reason) },
            Change::Terminated(e) => {
                @if let Some(g) = e.ground { ": " (c.t(g.label_key())) }
                " — " (e.reason)
            }
            Change::SentUp(l) => { ": " (l.to) " (" (c.t("field.letter_number")) " " (l.number) ")" }
            Change::ComplaintFiled { complaint, number } => { ": " a href=(paths::appeal(*complaint)) { (number) } }
            Change::Rated(r) => { ": " (c.t(r.score.label_key())) }
            Change::NoteAdded { text } => { ": " (text) }
            Change::DeadlineRecomputed { due, .. } => { ": " (date(*due)) }
            Change::FiledLate { reason, .. } => @if !reason.is_empty() { ": " (reason) },
            _ => {}
        }
    }
}

fn history_line(c: &Chrome, e: &Event) -> Markup {
    html! {
        li {
            time datetime=(e.at.to_string()) { (c.time(e.at)) }
            " · " strong { (e.actor.name) } " · "
            (c.t(e.change.label_key()))
            (detail(c, &e.change))
            @if e.from.is_some_and(|from| from != e.to) { " → " (status(c, e.to)) }
        }
    }
}

/// Why the deadline is what it is.
fn basis(c: &Chrome, a: &Appeal) -> Markup {
    let unit = match a.basis.term.unit {
        DayUnit::Working => c.t("deadline.working_days"),
        DayUnit::Calendar => c.t("deadline.calendar_days"),
    };
    let rule = match a.basis.rule {
        CountingRule::FromNextDay => c.t("deadline.from_next_day"),
        CountingRule::RegistrationDayCounts => c.t("deadline.registration_day_counts"),
    };
    html! {
        p.muted {
            (c.tr.fmt("deadline.basis", &[
                ("registered", &date(a.registered_on)),
                ("days", &a.basis.term.days.to_string()),
                ("unit", unit),
                ("skipped", &a.basis.skipped_days_off.to_string()),
            ]))
            " " (rule)
            @for e in &a.extensions {
                " " (c.tr.fmt("deadline.extended", &[("date", &date(e.new_due)), ("reason", &e.reason)]))
                " " (c.tr.fmt("deadline.notice", &[("date", &date(e.notify_by))]))
                @if let Some(at) = e.notified_at { " " (c.tr.fmt("deadline.notified", &[("at", &c.time(at))])) }
            }
        }
    }
}

/// The lines linking related appeals; `contested_line` is false when the contested-answer box
/// (`procedure::card_notes`) already names the contested appeal, which is then not said twice.
fn links(c: &Chrome, a: &Appeal, personal: &Personal, contested_line: bool) -> Markup {
    let l = &a.links;
    html! {
        @if personal.is_anonymous() {
            p.notice { strong { (c.t("appeal.anonymous")) } " " (c.t("appeal.anonymous_text")) }
        }
        @if let Some((id, number)) = &l.repeated_of {
            p.notice { (c.t("appeal.repeated_of")) " " a href=(paths::appeal(*id)) { (number) } }
        }
        @if let Some((id, number)) = &l.duplicate_of {
            p.notice { (c.t("appeal.duplicate_of")) " " a href=(paths::appeal(*id)) { (number) } }
        }
        @if let Some((id, number)) = &l.parent {
            p.notice { (c.t("appeal.part_of")) " " a href=(paths::appeal(*id)) { (number) } }
        }
        @if let Some(contested) = l.contested.as_ref().filter(|_| contested_line) {
            p.notice { (c.t("appeal.contests")) " " a href=(paths::appeal(contested.appeal)) { (contested.number) } }
        }
        @if !l.complaints.is_empty() {
            p.notice {
                (c.t("appeal.complaints"))
                @for (id, number) in &l.complaints { " " a href=(paths::appeal(*id)) { (number) } }
            }
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
            // On paper the page header is not printed; the institution heads the document.
            p.print-only { (c.institution) }
            @if let Some(done) = p.done { p.notice.success.no-print #done role="status" { (c.t(done)) } }
            h1 { (c.t("appeal.title")) " " (a.number) }
            p {
                (status(c, a.status))
                @if a.is_overdue(p.today) { " " span.tag.overdue { (c.t("appeal.overdue")) } }
                @if a.due_provisional && p.staff { " " span.tag.provisional { (c.t("appeal.provisional")) } }
            }
            (links(c, a, p.personal, p.procedure.contested.is_none()))
            (super::procedure::card_notes(c, &p.procedure))
            @if p.personal.visible().is_none() {
                p.notice role="note" { (c.t("privacy.withheld")) }
            }
            dl.facts {
                dt { (c.t("appeal.kind")) } dd { (c.t(a.kind.label_key())) }
                dt { (c.t("appeal.registered_on")) } dd { (date(a.registered_on)) }
                dt { (c.t("appeal.due")) } dd { strong { (date(a.due)) } }
                dt { (c.t("appeal.unit")) } dd { (p.names.unit) }
                dt { (c.t("appeal.category")) } dd { (p.names.category) }
                dt { (c.t("appeal.channel")) } dd { (c.t(a.channel.label_key())) }
                dt { (c.t("appeal.applicant")) }
                dd {
                    (a.applicant.name)
                    @if let Some(data) = p.personal.visible() { " · " (data.tax_id) }
                }
                @if !a.co_applicants.is_empty() {
                    dt { (c.t("appeal.co_applicants")) } dd { (a.co_applicants.join(", ")) }
                }
                @if let Some(data) = p.personal.visible() {
                    dt { (c.t("register.phone")) } dd { (data.phone) }
                    @if !data.email.is_empty() { dt { (c.t("register.email")) } dd { (data.email) } }
                    @if !data.address.is_empty() { dt { (c.t("register.address")) } dd { (data.address) } }
                }
                @if let Some(executor) = &a.executor {
                    dt { (c.t("appeal.executor")) }
                    dd { (executor.name) @for co in &a.co_executors { ", " (co.name) } }
                }
            }
            (basis(c, a))
            p.actions.no-print { a.btn.secondary href=(paths::receipt(a.id)) { (c.t("appeal.receipt")) } }
            section {
                h2 { (a.subject) }
                @for para in a.description.split("\n\n") { p { (para) } }
                h3 { (c.t("appeal.files")) }
                (files(c, &a.attachments, p.personal))
            }
            @if let Some(r) = &a.correction {
                section.notice.error { h2 { (c.t("appeal.correction")) } p { (r.text) } p { (c.t("field.until")) " " strong { (date(r.until)) } } }
            }
            @if let Some(r) = &a.documents {
                section.notice.error { h2 { (c.t("appeal.documents")) } p { (r.text) } p { (c.t("field.until")) " " strong { (date(r.until)) } } }
            }
            @if let Some(h) = &a.hearing {
                section.card {
                    h2 { (c.t("appeal.hearing")) }
                    p { (h.preliminary) }
                    p { (c.t("field.objections_until")) " " strong { (date(h.objections_until)) } }
                    @if let Some(protocol) = &h.protocol { h3 { (c.t("appeal.protocol")) } p { (protocol) } }
                }
            }
            @if let Some(draft) = a.draft.as_ref().filter(|_| p.staff) {
                section.card {
                    h2 { (c.t("appeal.draft")) }
                    p { strong { (c.t("appeal.outcome")) ": " (c.t(draft.outcome.label_key())) } }
                    @for para in draft.text.split("\n\n") { p { (para) } }
                    (files(c, &draft.attachments, p.personal))
                    p.muted { (draft.by.name) ", " (c.time(draft.at)) }
                }
            }
            @if let Some(answer) = &a.answer {
                section.answer {
                    h2 { (c.t("appeal.answer")) }
                    p { strong { (c.t("appeal.outcome")) ": " (c.t(answer.outcome.label_key())) } }
                    @for para in answer.text.split("\n\n") { p { (para) } }
                    (files(c, &answer.attachments, p.personal))
                    @if let Some(s) = &answer.signed { p.muted { (c.t("appeal.signed_by")) " " (s.by.name) ", " (c.time(s.at)) } }
                }
            }
            (super::ecp::signatures(c, &p.signatures))
            @if let Some(ending) = &a.ending {
                section.card { h2 { (c.t(a.status.label_key())) } @if !ending.reason.is_empty() { p { (ending.reason) } } }
            }
            @if let Some(rating) = &a.rating {
                p { (c.t("appeal.rating")) ": " strong { (c.t(rating.score.label_key())) } @if !rating.comment.is_empty() { " — " (rating.comment) } }
            }
            (actions(c, a, &p.panel))
            section {
                h2 { (c.t("appeal.history")) }
                ol.history { @for e in p.events { (history_line(c, e)) } }
            }
        },
    )
}
