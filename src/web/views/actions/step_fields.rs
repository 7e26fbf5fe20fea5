//! The fields of each step's form on the card, one `match` arm per [`Action`]: what the
//! executor, clerk, director or applicant fills in before the step is taken.

use maud::{Markup, html};

use super::ActionPanel;
use crate::domain::appeal::Appeal;
use crate::domain::field::FieldErrors;
use crate::domain::kind::{Ground, Outcome, Score, Status};
use crate::domain::lifecycle::Action;
use crate::web::forms::Form;
use crate::web::views::components::{Input, files, input, select, textarea};
use crate::web::views::layout::Chrome;

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

/// The label of a step's `text` field, or `None` when it has none; the error summary names
/// the field with the same label.
pub(in crate::web::views) fn text_label_key(action: Action) -> Option<&'static str> {
    match action {
        Action::Extend
        | Action::ReturnDraft
        | Action::Return
        | Action::Note
        | Action::Terminate
        | Action::Withdraw => Some("field.reason"),
        Action::RequestCorrection | Action::RequestDocuments => Some("field.request"),
        Action::StartHearing => Some("field.preliminary"),
        Action::RecordHearing => Some("field.protocol"),
        Action::SubmitDraft | Action::DecideComplaint => Some("card.answer_text"),
        Action::Forward | Action::SendUp => Some("field.letter"),
        Action::Route | Action::Correct | Action::AddDocuments | Action::Sign | Action::Rate => {
            None
        }
    }
}

/// The label of a step's `text` field (every step that shows one has one).
fn text_label(action: Action) -> &'static str {
    text_label_key(action).unwrap_or("field.reason")
}

/// The fields of one action's form.
#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // one arm per step; c, a, p, v, e as in every view
pub(super) fn fields(
    c: &Chrome,
    a: &Appeal,
    action: Action,
    p: &ActionPanel,
    v: &Form,
    e: &FieldErrors,
) -> Markup {
    let track = a.kind.track();
    let text = text_label(action);
    match action {
        Action::Route => html! {
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
        Action::RequestCorrection | Action::RequestDocuments | Action::Extend => html! {
            (textarea(c, e, "text", text, v.get("text"), 4))
            (date_input(c, e, "until", "field.until", v.get("until")))
        },
        Action::Correct | Action::AddDocuments => html! {
            (textarea(c, e, "note", "field.note", v.get("note"), 3))
            (files_input(c, e))
        },
        Action::StartHearing => html! {
            (textarea(c, e, "text", text, v.get("text"), 6))
            (date_input(c, e, "until", "field.objections_until", v.get("until")))
        },
        Action::RecordHearing => html! { (textarea(c, e, "text", text, v.get("text"), 6)) },
        Action::SubmitDraft => html! {
            (select(c, e, "outcome", "appeal.outcome", &options(c, Outcome::for_track(track), Outcome::code, Outcome::label_key), v.get("outcome"), true))
            (textarea(c, e, "text", text, v.get("text"), 8))
            div.check {
                input type="checkbox" id="appeal_clause" name="appeal_clause" value="yes" checked;
                label for="appeal_clause" { (c.t("field.appeal_clause")) }
            }
            (input(c, e, Input::text("hearing_waiver", "field.hearing_waiver", v.get("hearing_waiver")).optional()))
            (files_input(c, e))
        },
        Action::ReturnDraft | Action::Return | Action::Note => {
            html! { (textarea(c, e, "text", text, v.get("text"), 3)) }
        }
        Action::Withdraw => {
            html! { (input(c, e, Input::text("text", text, v.get("text")).optional())) }
        }
        Action::Sign => html! {
            p { (c.t("action.sign_text")) }
            @if let Some(content) = &p.ecp_sign { (crate::web::views::ecp::sign_answer(c, content)) }
        },
        Action::Forward | Action::SendUp => html! {
            (input(c, e, Input::text("to", "field.to", if v.get("to").is_empty() && action == Action::SendUp { &p.higher_body } else { v.get("to") })))
            (input(c, e, Input::text("letter_number", "field.letter_number", v.get("letter_number"))))
            (textarea(c, e, "text", text, v.get("text"), 5))
            @if action == Action::Forward {
                @let id = c.field_id("part");
                div.field {
                    label for=(id) { (c.t("field.part")) }
                    textarea id=(id) name="part" rows="3" aria-describedby=(format!("{id}-hint")) { (v.get("part")) }
                    p.hint id=(format!("{id}-hint")) { (c.t("field.part_hint")) }
                }
            }
        },
        Action::Terminate => html! {
            (select(c, e, "ground", "field.ground", &options(c, Ground::for_track(track), Ground::code, Ground::label_key), v.get("ground"), true))
            (textarea(c, e, "text", text, v.get("text"), 3))
        },
        Action::DecideComplaint => {
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
                (textarea(c, e, "text", text, v.get("text"), 6))
                (files_input(c, e))
            }
        }
        Action::Rate => html! {
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
    }
}
