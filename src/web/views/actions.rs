//! The forms of the steps a viewer may take on an appeal (the card's actions), one per step.
//!
//! Every form posts to `/appeals/{id}/act` with its `action` code; the page offers only the
//! steps the guard allows now (the service works that out). Every choice per step here is an
//! exhaustive `match` on [`Action`], so a new step must be placed in each.

mod step_fields;

pub(super) use step_fields::text_label_key;

use maud::{Markup, html};

use super::components::{csrf, error_summary};
use super::layout::Chrome;
use crate::domain::appeal::Appeal;
use crate::domain::field::FieldErrors;
use crate::domain::lifecycle::Action;
use crate::web::forms::Form;
use crate::web::paths;

/// What the action forms need.
#[derive(Debug, Clone)]
pub struct ActionPanel<'a> {
    /// Steps offered, in card order.
    pub available: Vec<Action>,
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
    pub refused: Option<Action>,
    /// The draft answer's canonical text (base64) for the director's ЭЦП, when ЭЦП is set up.
    pub ecp_sign: Option<String>,
}

/// How pressing a step is when it is offered (lower first): the first one available is the
/// card's main step. Steps that end an appeal, and side steps, are never the main one.
fn main_rank(action: Action) -> Option<u8> {
    match action {
        Action::Sign => Some(0),
        Action::Route => Some(1),
        Action::Correct => Some(2),
        Action::AddDocuments => Some(3),
        Action::SubmitDraft => Some(4),
        Action::DecideComplaint => Some(5),
        Action::RecordHearing => Some(6),
        Action::Rate => Some(7),
        Action::SendUp => Some(8),
        Action::ReturnDraft => Some(9),
        Action::RequestCorrection => Some(10),
        Action::RequestDocuments => Some(11),
        Action::StartHearing => Some(12),
        Action::Extend
        | Action::Forward
        | Action::Return
        | Action::Withdraw
        | Action::Terminate
        | Action::Note => None,
    }
}

/// The card's main step among the `available` ones, if any.
pub fn main_step(available: &[Action]) -> Option<Action> {
    available
        .iter()
        .filter_map(|action| main_rank(*action).map(|rank| (rank, *action)))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, action)| action)
}

/// What the "I confirm" box of a step that cannot be undone says (a ticked box the server
/// requires, so it works without JavaScript; signing with ЭЦП confirms by itself); `None` for
/// the steps that need no confirmation ([`Action::needs_confirmation`]).
fn confirm_key(action: Action) -> Option<&'static str> {
    match action {
        Action::Withdraw => Some("pages.confirm_withdraw"),
        Action::Return => Some("pages.confirm_return"),
        Action::Terminate => Some("pages.confirm_terminate"),
        Action::Sign => Some("pages.confirm_sign"),
        Action::Route
        | Action::RequestCorrection
        | Action::Correct
        | Action::RequestDocuments
        | Action::AddDocuments
        | Action::StartHearing
        | Action::RecordHearing
        | Action::SubmitDraft
        | Action::ReturnDraft
        | Action::Extend
        | Action::Forward
        | Action::SendUp
        | Action::DecideComplaint
        | Action::Rate
        | Action::Note => None,
    }
}

/// The "I confirm" box of a step that cannot be undone.
fn confirm_box(c: &Chrome, text: &'static str, e: &FieldErrors) -> Markup {
    let id = c.field_id("confirm");
    let error = e.for_field("confirm").map(|key| c.tr.t(key));
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
fn step(c: &Chrome, a: &Appeal, p: &ActionPanel, action: Action, main: bool) -> Markup {
    let empty_form = Form::default();
    let no_errors = FieldErrors::default();
    let refused = p.refused == Some(action);
    let (v, e) = if refused {
        (p.values, p.errors)
    } else {
        (&empty_form, &no_errors)
    };
    // Several forms share field names: each gets its own control ids.
    let sc = c.scoped(action.code());
    let confirm = confirm_key(action);
    let confirmed = confirm.is_some();
    html! {
        section.card.no-print.main-step[main] id=(format!("action-{}", action.code())) {
            @if main { h2 { (c.t("pages.next_step")) ": " (c.t(action.label_key())) } }
            @else { h2 { (c.t(action.label_key())) } }
            @if refused { (error_summary(&sc, e)) }
            form.stack method="post" action=(paths::with_csrf(&paths::act(a.id), &c.csrf)) enctype="multipart/form-data" novalidate {
                (csrf(c))
                input type="hidden" name="action" value=(action.code());
                (step_fields::fields(&sc, a, action, p, v, e))
                @if let Some(text) = confirm { (confirm_box(&sc, text, e)) }
                p.actions {
                    button.primary[!confirmed].danger[confirmed] type="submit" { (c.t(action.label_key())) }
                }
            }
        }
    }
}

/// The card's steps: the main one for the stage in full, the others folded under
/// "Other actions" (a `<details>`, open when one of them was just refused).
pub fn actions(c: &Chrome, a: &Appeal, p: &ActionPanel) -> Markup {
    let main = main_step(&p.available);
    let others: Vec<Action> = p
        .available
        .iter()
        .copied()
        .filter(|s| Some(*s) != main)
        .collect();
    let other_refused = p.refused.is_some_and(|r| others.contains(&r));
    html! {
        @if p.may_complain {
            p.actions.no-print { a.btn.secondary href=(paths::complaint(a.id)) { (c.t("action.complain")) } }
        }
        @if let Some(main) = main { (step(c, a, p, main, true)) }
        @if !others.is_empty() {
            details.other-actions.no-print open[other_refused || main.is_none() && others.len() == 1 && !others[0].needs_confirmation()] {
                summary { (c.t("pages.other_actions")) " (" (others.len()) ")" }
                @for action in &others { (step(c, a, p, *action, false)) }
            }
        }
    }
}

/// The message shown after `action` was done, for the `?done=` of the page landed on.
pub fn done_key(action: Action) -> &'static str {
    match action {
        Action::Route => "pages.done_route",
        Action::RequestCorrection => "pages.done_request_correction",
        Action::Correct => "pages.done_correct",
        Action::RequestDocuments => "pages.done_request_documents",
        Action::AddDocuments => "pages.done_add_documents",
        Action::StartHearing => "pages.done_start_hearing",
        Action::RecordHearing => "pages.done_record_hearing",
        Action::SubmitDraft => "pages.done_submit_draft",
        Action::ReturnDraft => "pages.done_return_draft",
        Action::Sign => "pages.done_sign",
        Action::Extend => "pages.done_extend",
        Action::Forward => "pages.done_forward",
        Action::Return => "pages.done_return",
        Action::Withdraw => "pages.done_withdraw",
        Action::Terminate => "pages.done_terminate",
        Action::SendUp => "pages.done_send_up",
        Action::DecideComplaint => "pages.done_decide_complaint",
        Action::Rate => "pages.done_rate",
        Action::Note => "pages.done_note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The view's confirmation boxes and the server's check (`Action::needs_confirmation`)
    /// name the same steps. See: issue 13.
    #[test]
    fn every_step_that_needs_confirmation_has_a_confirm_box_and_no_other() {
        for action in Action::ALL {
            assert_eq!(
                confirm_key(action).is_some(),
                action.needs_confirmation(),
                "{action}"
            );
        }
    }

    /// Steps that end an appeal are never the card's main step, and the main step is the
    /// most pressing one offered. See: issue 11, issue 13.
    #[test]
    fn the_main_step_is_the_most_pressing_offered_and_never_one_that_ends_the_appeal() {
        for action in Action::ALL.into_iter().filter(|a| a.needs_confirmation()) {
            assert_eq!(
                main_step(&[action]),
                (action == Action::Sign).then_some(action)
            );
        }
        assert_eq!(
            main_step(&[Action::Withdraw, Action::RequestCorrection, Action::Route]),
            Some(Action::Route)
        );
        assert_eq!(main_step(&[Action::Note, Action::Extend]), None);
    }
}
