//! The forms of the steps a viewer may take on an appeal (the card's actions), one per step.
//!
//! Every form posts to `/appeals/{id}/act` with its `action`; the page offers only the steps
//! the state machine would accept now (the service works that out).

use maud::{Markup, html};

use super::components::{Input, csrf, error_summary, files, input, select, textarea};
use super::layout::Chrome;
use crate::domain::appeal::Appeal;
use crate::domain::field::FieldErrors;
use crate::domain::kind::{Ground, Outcome, Score, Status};
use crate::web::forms::Form;
use crate::web::paths;

/// What the action forms need.
#[derive(Debug, Clone)]
pub struct ActionPanel<'a> {
    /// Steps offered, by action code.
    pub available: Vec<&'static str>,
    /// Whether the applicant may complain about the answer.
    pub may_complain: bool,
    /// Staff who can be routed to, as (id, name).
    pub executors: Vec<(String, String)>,
    /// Units, as (id, name).
    pub units: Vec<(String, String)>,
    /// The higher body complaints go to.
    pub higher_body: String,
    /// Values of a refused form.
    pub values: &'a Form,
    /// Its refused fields.
    pub errors: &'a FieldErrors,
    /// Which form was refused.
    pub refused: Option<String>,
    /// The draft answer's canonical text (base64) for the director's ЭЦП, when ЭЦП is set up.
    pub ecp_sign: Option<String>,
}

fn options<T: Copy>(
    c: &Chrome,
    items: &[T],
    code: impl Fn(T) -> &'static str,
    key: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| (code(*i).to_owned(), c.t(key(*i)).to_owned()))
        .collect()
}

fn date_input(
    c: &Chrome,
    errors: &FieldErrors,
    name: &'static str,
    label: &'static str,
    value: &str,
) -> Markup {
    input(c, errors, Input::text(name, label, value).kind("date"))
}

fn files_input(c: &Chrome, errors: &FieldErrors) -> Markup {
    files(c, errors, None)
}

/// The fields of one action's form.
#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // one arm per step; c, a, p, v, e as in every view
fn fields(
    c: &Chrome,
    a: &Appeal,
    action: &str,
    p: &ActionPanel,
    v: &Form,
    e: &FieldErrors,
) -> Markup {
    let track = a.kind.track();
    match action {
        "route" => html! {
            (select(c, e, "unit", "appeal.unit", &p.units, if v.get("unit").is_empty() { "" } else { v.get("unit") }, false))
            (select(c, e, "executor", "appeal.executor", &p.executors, a.executor.as_ref().map(|x| x.user.0.to_string()).as_deref().unwrap_or(v.get("executor")), true))
            fieldset {
                legend { (c.t("field.co_executors")) }
                @for (id, name) in &p.executors {
                    div.check {
                        input type="checkbox" id=(format!("co-{id}")) name="co_executors" value=(id)
                            checked[a.co_executors.iter().any(|x| x.user.0.to_string() == *id)];
                        label for=(format!("co-{id}")) { (name) }
                    }
                }
            }
        },
        "request-correction" | "request-documents" | "extend" => html! {
            (textarea(c, e, "text", if action == "extend" { "field.reason" } else { "field.request" }, v.get("text"), 4))
            (date_input(c, e, "until", "field.until", v.get("until")))
        },
        "correct" | "add-documents" => html! {
            (textarea(c, e, "note", "field.note", v.get("note"), 3))
            (files_input(c, e))
        },
        "start-hearing" => html! {
            (textarea(c, e, "text", "field.preliminary", v.get("text"), 6))
            (date_input(c, e, "until", "field.objections_until", v.get("until")))
        },
        "record-hearing" => html! { (textarea(c, e, "text", "field.protocol", v.get("text"), 6)) },
        "submit-draft" => html! {
            (select(c, e, "outcome", "appeal.outcome", &options(c, Outcome::for_track(track), Outcome::code, Outcome::label_key), v.get("outcome"), true))
            (textarea(c, e, "text", "card.answer_text", v.get("text"), 8))
            div.check {
                input type="checkbox" id="appeal_clause" name="appeal_clause" value="yes" checked;
                label for="appeal_clause" { (c.t("field.appeal_clause")) }
            }
            (input(c, e, Input::text("hearing_waiver", "field.hearing_waiver", v.get("hearing_waiver")).optional()))
            (files_input(c, e))
        },
        "return-draft" | "return" | "note" => {
            html! { (textarea(c, e, "text", "field.reason", v.get("text"), 3)) }
        }
        "withdraw" => {
            html! { (input(c, e, Input::text("text", "field.reason", v.get("text")).optional())) }
        }
        "sign" => html! {
            p { (c.t("action.sign_text")) }
            @if let Some(content) = &p.ecp_sign { (super::ecp::sign_answer(c, content)) }
        },
        "forward" | "send-up" => html! {
            (input(c, e, Input::text("to", "field.to", if v.get("to").is_empty() && action == "send-up" { &p.higher_body } else { v.get("to") })))
            (input(c, e, Input::text("letter_number", "field.letter_number", v.get("letter_number"))))
            (textarea(c, e, "text", "field.letter", v.get("text"), 5))
            @if action == "forward" {
                @let id = c.field_id("part");
                div.field {
                    label for=(id) { (c.t("field.part")) }
                    textarea id=(id) name="part" rows="3" aria-describedby=(format!("{id}-hint")) { (v.get("part")) }
                    p.hint id=(format!("{id}-hint")) { (c.t("field.part_hint")) }
                }
            }
        },
        "terminate" => html! {
            (select(c, e, "ground", "field.ground", &options(c, Ground::for_track(track), Ground::code, Ground::label_key), v.get("ground"), true))
            (textarea(c, e, "text", "field.reason", v.get("text"), 3))
        },
        "decide-complaint" => {
            let outcomes: Vec<Outcome> = if a.status == Status::ComplaintSentUp {
                Outcome::for_track(track)
                    .iter()
                    .copied()
                    .filter(|o| *o != Outcome::SelfRemedied)
                    .collect()
            } else {
                vec![Outcome::SelfRemedied]
            };
            html! {
                (select(c, e, "outcome", "appeal.outcome", &options(c, &outcomes, Outcome::code, Outcome::label_key), v.get("outcome"), true))
                (textarea(c, e, "text", "card.answer_text", v.get("text"), 6))
                (files_input(c, e))
            }
        }
        "rate" => html! {
            fieldset {
                legend { (c.t("field.score")) }
                @for score in Score::ALL {
                    div.check {
                        input type="radio" id=(format!("score-{}", score.code())) name="score" value=(score.code()) required;
                        label for=(format!("score-{}", score.code())) { (c.t(score.label_key())) }
                    }
                }
            }
            (input(c, e, Input::text("comment", "field.comment", v.get("comment")).optional()))
        },
        _ => html! {},
    }
}

/// Steps that cannot be undone: their form asks the person to confirm (a ticked box the
/// server requires, so it works without JavaScript). Signing with ЭЦП confirms by itself.
pub const CONFIRMED_STEPS: [&str; 4] = ["withdraw", "return", "terminate", "sign"];

/// The steps that move an appeal on at each stage, most pressing first: the first one
/// available is the card's main step. Steps that end an appeal are never the main one.
const MAIN_STEPS: [&str; 13] = [
    "sign",
    "route",
    "correct",
    "add-documents",
    "submit-draft",
    "decide-complaint",
    "record-hearing",
    "rate",
    "send-up",
    "return-draft",
    "request-correction",
    "request-documents",
    "start-hearing",
];

/// The card's main step among the `available` ones, if any.
pub fn main_step<'s>(available: &[&'s str]) -> Option<&'s str> {
    MAIN_STEPS
        .iter()
        .find_map(|m| available.iter().copied().find(|a| a == m))
}

/// The "I confirm" box of a step that cannot be undone.
fn confirm_box(c: &Chrome, action: &str, e: &FieldErrors) -> Markup {
    let id = c.field_id("confirm");
    let error = e.for_field("confirm").map(|key| c.tr.t(key));
    let text = match action {
        "withdraw" => "pages.confirm_withdraw",
        "return" => "pages.confirm_return",
        "terminate" => "pages.confirm_terminate",
        _ => "pages.confirm_sign",
    };
    html! {
        div.field.confirm.invalid[error.is_some()] {
            div.check {
                input type="checkbox" id=(id) name="confirm" value="yes" required
                    aria-invalid=[error.is_some().then_some("true")]
                    aria-describedby=[error.is_some().then(|| format!("{id}-error"))];
                label for=(id) { (c.t(text)) }
            }
            @if let Some(error) = error { p.error id=(format!("{id}-error")) role="alert" { (error) } }
        }
    }
}

/// One step's card with its form.
#[allow(clippy::many_single_char_names)] // c, a, p, v, e as in every view
fn step(c: &Chrome, a: &Appeal, p: &ActionPanel, action: &'static str, main: bool) -> Markup {
    let empty_form = Form::default();
    let no_errors = FieldErrors::default();
    let refused = p.refused.as_deref() == Some(action);
    let (v, e) = if refused {
        (p.values, p.errors)
    } else {
        (&empty_form, &no_errors)
    };
    // Several forms share field names: each gets its own control ids.
    let sc = c.scoped(action);
    let confirmed = CONFIRMED_STEPS.contains(&action);
    html! {
        section.card.no-print.main-step[main] id=(format!("action-{action}")) {
            @if main { h2 { (c.t("pages.next_step")) ": " (c.t(title_key(action))) } }
            @else { h2 { (c.t(title_key(action))) } }
            @if refused { (error_summary(&sc, e)) }
            form.stack method="post" action=(paths::with_csrf(&paths::act(a.id), &c.csrf)) enctype="multipart/form-data" novalidate {
                (csrf(c))
                input type="hidden" name="action" value=(action);
                (fields(&sc, a, action, p, v, e))
                @if confirmed { (confirm_box(&sc, action, e)) }
                p.actions {
                    button.primary[!confirmed].danger[confirmed] type="submit" { (c.t(title_key(action))) }
                }
            }
        }
    }
}

/// The card's steps: the main one for the stage in full, the others folded under
/// "Other actions" (a `<details>`, open when one of them was just refused).
pub fn actions(c: &Chrome, a: &Appeal, p: &ActionPanel) -> Markup {
    let main = main_step(&p.available);
    let others: Vec<&'static str> = p
        .available
        .iter()
        .copied()
        .filter(|s| Some(*s) != main)
        .collect();
    let other_refused = p.refused.as_deref().is_some_and(|r| others.contains(&r));
    html! {
        @if p.may_complain {
            p.actions.no-print { a.btn.secondary href=(paths::complaint(a.id)) { (c.t("action.complain")) } }
        }
        @if let Some(main) = main { (step(c, a, p, main, true)) }
        @if !others.is_empty() {
            details.other-actions.no-print open[other_refused || main.is_none() && others.len() == 1 && !CONFIRMED_STEPS.contains(&others[0])] {
                summary { (c.t("pages.other_actions")) " (" (others.len()) ")" }
                @for action in &others { (step(c, a, p, action, false)) }
            }
        }
    }
}

/// The message shown after `action` was done, for the `?done=` of the page landed on;
/// `None` for anything else.
pub fn done_key(action: &str) -> Option<&'static str> {
    Some(match action {
        "route" => "pages.done_route",
        "request-correction" => "pages.done_request_correction",
        "correct" => "pages.done_correct",
        "request-documents" => "pages.done_request_documents",
        "add-documents" => "pages.done_add_documents",
        "start-hearing" => "pages.done_start_hearing",
        "record-hearing" => "pages.done_record_hearing",
        "submit-draft" => "pages.done_submit_draft",
        "return-draft" => "pages.done_return_draft",
        "sign" => "pages.done_sign",
        "extend" => "pages.done_extend",
        "forward" => "pages.done_forward",
        "return" => "pages.done_return",
        "withdraw" => "pages.done_withdraw",
        "terminate" => "pages.done_terminate",
        "send-up" => "pages.done_send_up",
        "decide-complaint" => "pages.done_decide_complaint",
        "rate" => "pages.done_rate",
        "note" => "pages.done_note",
        _ => return None,
    })
}

/// The translation key naming an action.
pub fn title_key(action: &str) -> &'static str {
    match action {
        "route" => "action.route",
        "request-correction" => "action.request_correction",
        "correct" => "action.correct",
        "request-documents" => "action.request_documents",
        "add-documents" => "action.add_documents",
        "start-hearing" => "action.start_hearing",
        "record-hearing" => "action.record_hearing",
        "submit-draft" => "action.submit_draft",
        "return-draft" => "action.return_draft",
        "sign" => "action.sign",
        "extend" => "action.extend",
        "forward" => "action.forward",
        "return" => "action.return",
        "withdraw" => "action.withdraw",
        "terminate" => "action.terminate",
        "send-up" => "action.send_up",
        "decide-complaint" => "action.decide_complaint",
        "rate" => "action.rate",
        _ => "action.note",
    }
}
