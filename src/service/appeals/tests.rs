//! Intake and reading: filing, numbers, deadlines, files, complaints, access, history.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::domain::lang::Lang;
use crate::domain::lifecycle::Action;
use crate::service::admin::{self, SetupForm};
use crate::service::auth::{self, RegistrationForm, StaffForm};
use crate::service::lifecycle::{self, FieldList};
use crate::service::testing::ctx_at;

const ORIGIN: Origin<'static> = Origin {
    address: "10.0.0.5",
    device: "test",
};

pub(crate) struct World {
    pub ctx: Ctx,
    pub applicant: User,
    pub clerk: User,
    pub executor: User,
    pub director: User,
}

impl World {
    /// The clerk routes the appeal to the executor.
    pub(crate) fn route(&self, id: AppealId) -> Appeal {
        let executor = self.executor.id.0.to_string();
        lifecycle::act(
            &self.ctx,
            &self.clerk,
            id,
            Action::Route,
            &FieldList::of(&[("executor", &executor)]),
            &[],
        )
        .unwrap()
    }

    /// The executor drafts an answer and the director signs it.
    pub(crate) fn answer(&self, id: AppealId, outcome: &str, text: &str) -> Appeal {
        let draft = FieldList::of(&[
            ("outcome", outcome),
            ("text", text),
            ("appeal_clause", "yes"),
        ]);
        lifecycle::act(
            &self.ctx,
            &self.executor,
            id,
            Action::SubmitDraft,
            &draft,
            &[],
        )
        .unwrap();
        lifecycle::act(
            &self.ctx,
            &self.director,
            id,
            Action::Sign,
            &FieldList::default(),
            &[],
        )
        .unwrap()
    }
}

pub(crate) fn world() -> World {
    // Monday 2 March 2026, 10:00 in Kazakhstan.
    let ctx = ctx_at("2026-03-02T05:00:00Z");
    admin::setup_if_empty(&ctx, &SetupForm::sample()).unwrap();
    let id = auth::register_applicant(
        &ctx,
        &RegistrationForm {
            kind: "individual".into(),
            tax_id: "900101300126".into(),
            full_name: "Айгүл Серікова".into(),
            phone: "87012345678".into(),
            email: "aigul@example.kz".into(),
            address: "Қарасу".into(),
            password: "correct horse battery".into(),
            password_again: "correct horse battery".into(),
        },
        Lang::Kk,
    )
    .unwrap();
    let user = |id| ctx.store.read(|tx| tx.user(id)).unwrap().unwrap();
    let applicant = user(id);
    auth::accept_terms(&ctx, &applicant).unwrap();
    let applicant = user(id);
    let staff = |login: &str, role| {
        let id = auth::create_staff(
            &ctx,
            None,
            &StaffForm {
                login: login.into(),
                full_name: format!("{login} person"),
                roles: vec![role],
                password: "a long password".into(),
                must_change_password: false,
            },
        )
        .unwrap();
        user(id)
    };
    let clerk = staff("clerk", Role::Clerk);
    let executor = staff("executor", Role::Executor);
    let director = staff("director", Role::Director);
    World {
        ctx,
        applicant,
        clerk,
        executor,
        director,
    }
}

pub(crate) fn appeal_form() -> AppealForm {
    AppealForm {
        kind: "application".into(),
        unit: "1".into(),
        category: "1".into(),
        subject: "Үйірмеге жазылу".into(),
        description: "Балама орын сұраймын.".into(),
        name: "Айгүл Серікова".into(),
        phone: "+77012345678".into(),
        email: "aigul@example.kz".into(),
        ..AppealForm::default()
    }
}

#[test]
fn filing_registers_with_a_number_and_a_deadline() {
    let w = world();
    let mut form = appeal_form();
    form.tax_id = "000000000000".into(); // ignored: identity comes from the account
    let pdf = Upload {
        file_name: "скан.pdf".into(),
        bytes: b"%PDF-1.4 test".to_vec().into(),
    };
    let appeal = file(&w.ctx, &w.applicant, &form, &[pdf]).unwrap();
    assert_eq!(appeal.number.to_string(), "ЖТ-2026-00000001");
    assert_eq!(appeal.applicant.tax_id.as_str(), "900101300126");
    assert_eq!(appeal.registered_on, jiff::civil::date(2026, 3, 2));
    // 15 working days from 3 March, skipping 8-9 March and Nauryz (21-23 March + transfers).
    assert!(appeal.due > jiff::civil::date(2026, 3, 20));
    assert_eq!(appeal.attachments.len(), 1);
    let second = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    assert_eq!(second.number.to_string(), "ЖТ-2026-00000002");
}

/// A step the person may not take now is refused for that reason before its form is read,
/// so a stale or forged form gets no field errors for a step the card does not offer.
/// See: issue 13.
#[test]
fn a_step_not_offered_is_refused_by_its_guard_before_its_form_is_checked() {
    let w = world();
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    // The executor may not route, and the form names no executor either.
    let refused = lifecycle::act(
        &w.ctx,
        &w.executor,
        appeal.id,
        Action::Route,
        &FieldList::default(),
        &[],
    );
    assert!(
        matches!(
            refused,
            Err(Error::Refused(crate::domain::lifecycle::Refusal::WrongRole))
        ),
        "{refused:?}"
    );
    // Allowed to the clerk, the same empty form is refused for its input, next to the field.
    let invalid = lifecycle::act(
        &w.ctx,
        &w.clerk,
        appeal.id,
        Action::Route,
        &FieldList::default(),
        &[],
    );
    assert!(
        matches!(&invalid, Err(Error::Invalid(errors)) if errors.for_field("executor").is_some()),
        "{invalid:?}"
    );
}

#[test]
fn the_counter_restarts_with_the_year() {
    let w = world();
    w.ctx.clock.set("2026-12-31T05:00:00Z".parse().unwrap());
    let _ = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    w.ctx.clock.set("2027-01-05T05:00:00Z".parse().unwrap());
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    assert_eq!(appeal.number.to_string(), "ЖТ-2027-00000001");
}

#[test]
fn filing_needs_the_terms_accepted() {
    let w = world();
    let mut applicant = w.applicant.clone();
    applicant.terms_accepted_at = None;
    assert!(matches!(
        file(&w.ctx, &applicant, &appeal_form(), &[]),
        Err(Error::Forbidden)
    ));
}

#[test]
fn files_are_checked_by_content() {
    let w = world();
    let exe = Upload {
        file_name: "scan.pdf".into(),
        bytes: b"MZ not a pdf".to_vec().into(),
    };
    let Err(Error::Invalid(errors)) = file(&w.ctx, &w.applicant, &appeal_form(), &[exe]) else {
        panic!("expected refusal");
    };
    assert_eq!(errors.for_field("files"), Some("error.file_type"));
    let many: Vec<Upload> = (0..11)
        .map(|i| Upload {
            file_name: format!("{i}.pdf"),
            bytes: b"%PDF-1.4".to_vec().into(),
        })
        .collect();
    let Err(Error::Invalid(errors)) = file(&w.ctx, &w.applicant, &appeal_form(), &many) else {
        panic!("expected refusal");
    };
    assert_eq!(errors.for_field("files"), Some("error.too_many_files"));
}

#[test]
fn the_whole_story_keeps_a_verified_history() {
    let w = world();
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    w.route(appeal.id);
    let answered = w.answer(appeal.id, "satisfied", "Орын бар.");
    assert_eq!(answered.status, Status::Closed);
    let seen = view(&w.ctx, &w.applicant, appeal.id, Reading::Page, ORIGIN).unwrap();
    // Routing and the draft are internal; the applicant sees registration, the answer and
    // that it reached them (recorded on this first look, art. 92 ч.1).
    assert_eq!(seen.events.len(), 3);
    assert!(matches!(
        seen.events[2].change,
        Change::AnswerReceived { on } if on == jiff::civil::date(2026, 3, 2)
    ));
    let all = w.ctx.store.read(|tx| tx.events(appeal.id)).unwrap();
    assert_eq!(all.len(), 5);
    // Only the first look is recorded.
    view(&w.ctx, &w.applicant, appeal.id, Reading::Page, ORIGIN).unwrap();
    assert_eq!(
        w.ctx.store.read(|tx| tx.events(appeal.id)).unwrap().len(),
        5
    );
    assert_eq!(seen.appeal.answer.unwrap().text, "Орын бар.");
    // Each step keeps its message in Kazakh and Russian.
    assert_eq!(
        all[1].message.kk,
        "clerk person: Орындаушыға жолданды: executor person"
    );
    assert_eq!(
        all[1].message.ru,
        "clerk person: Направлено исполнителю: executor person"
    );
    assert!(all[3].message.ru.contains("Ответ подписан и направлен"));
    let changes: Vec<Change> = all.iter().map(|e| e.change.clone()).collect();
    let stored = w
        .ctx
        .store
        .read(|tx| tx.appeal(appeal.id))
        .unwrap()
        .unwrap();
    assert_eq!(Appeal::fold(&changes), Some(stored));
    assert_eq!(
        w.ctx.store.read(|tx| tx.verify_chain(appeal.id)).unwrap(),
        None
    );
}

#[test]
fn a_rewritten_event_breaks_the_chain() {
    let w = world();
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    w.route(appeal.id);
    let mut events = w.ctx.store.read(|tx| tx.events(appeal.id)).unwrap();
    events[1].actor.name = "someone else".into();
    w.ctx
        .store
        .write(|tx| tx.tamper_event(appeal.id, &events[1]))
        .unwrap();
    let broken = w
        .ctx
        .store
        .read(|tx| tx.verify_chain(appeal.id))
        .unwrap()
        .unwrap();
    assert_eq!(broken.seq, 1);
}

#[test]
fn another_applicant_cannot_see_the_appeal_or_its_files() {
    let w = world();
    let pdf = Upload {
        file_name: "a.pdf".into(),
        bytes: b"%PDF-1.4 x".to_vec().into(),
    };
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[pdf]).unwrap();
    let mut stranger = w.applicant.clone();
    stranger.id = UserId(999);
    assert!(matches!(
        view(&w.ctx, &stranger, appeal.id, Reading::Page, ORIGIN),
        Err(Error::NotFound)
    ));
    let file_id = appeal.attachments[0].id;
    assert!(matches!(
        attachment(&w.ctx, &stranger, file_id, ORIGIN),
        Err(Error::NotFound)
    ));
    assert_eq!(
        attachment(&w.ctx, &w.applicant, file_id, ORIGIN).unwrap().1,
        b"%PDF-1.4 x"
    );
    assert_eq!(
        attachment(&w.ctx, &w.clerk, file_id, ORIGIN).unwrap().1,
        b"%PDF-1.4 x"
    );
}

#[test]
fn a_clerk_registers_a_paper_appeal_for_someone_without_an_account() {
    let w = world();
    let form = AppealForm {
        applicant_kind: "legal".into(),
        tax_id: "150340001236".into(),
        name: "ЖШС Болашақ".into(),
        phone: "+77142000000".into(),
        channel: "paper".into(),
        ..appeal_form()
    };
    let appeal = register_on_behalf(&w.ctx, &w.clerk, &form, &[]).unwrap();
    assert_eq!(appeal.number.to_string(), "ЗТ-2026-00000001");
    assert_eq!(appeal.channel, Channel::Paper);
    assert_eq!(appeal.owner, None);
    assert!(matches!(
        register_on_behalf(&w.ctx, &w.executor, &form, &[]),
        Err(Error::Forbidden)
    ));
}

#[test]
fn after_hours_on_friday_registers_on_monday() {
    let w = world();
    // Friday 6 March 2026, 18:45 local (+05).
    w.ctx.clock.set("2026-03-06T13:45:00Z".parse().unwrap());
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    // Monday 9 March is the day off for 8 March (a Sunday), so Tuesday 10 March.
    assert_eq!(appeal.registered_on, jiff::civil::date(2026, 3, 10));
}

fn complaint_form() -> AppealForm {
    AppealForm {
        subject: "Жауапқа шағым".into(),
        description: "Жауап толық емес.".into(),
        ..appeal_form()
    }
}

/// An answered appeal the applicant first opens on `seen_at` (or never).
fn answered(w: &World, seen_at: Option<&str>) -> Appeal {
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
    w.route(appeal.id);
    let answered = w.answer(appeal.id, "explained", "Түсіндірілді.");
    if let Some(at) = seen_at {
        w.ctx.clock.set(at.parse().unwrap());
        view(&w.ctx, &w.applicant, appeal.id, Reading::Page, ORIGIN).unwrap();
    }
    answered
}

#[test]
fn a_complaint_is_linked_both_ways_with_the_complaint_term() {
    let w = world();
    let original = answered(&w, None);
    let complaint = file_complaint(
        &w.ctx,
        &w.applicant,
        original.id,
        &complaint_form(),
        "",
        &[],
    )
    .unwrap();
    assert_eq!(complaint.kind, AppealKind::Complaint);
    assert_eq!(complaint.basis.term, AppealKind::Complaint.term());
    let contested = complaint.links.contested.as_ref().unwrap();
    assert_eq!(contested.appeal, original.id);
    assert_eq!(contested.signer, Some(w.director.id));
    let original = w
        .ctx
        .store
        .read(|tx| tx.appeal(original.id))
        .unwrap()
        .unwrap();
    assert_eq!(
        original.links.complaints,
        vec![(complaint.id, complaint.number)]
    );
    // The signer of the contested answer is not offered as an executor, nor accepted.
    let director = w.director.id.0.to_string();
    let refused = lifecycle::act(
        &w.ctx,
        &w.clerk,
        complaint.id,
        Action::Route,
        &FieldList::of(&[("executor", &director)]),
        &[],
    );
    assert!(matches!(
        refused,
        Err(Error::Refused(
            crate::domain::lifecycle::Refusal::ConflictOfInterest
        ))
    ));
}

#[test]
fn the_complaint_window_counts_from_the_day_the_applicant_opened_the_answer() {
    let w = world();
    // Signed Mon 2 March; first opened Wed 1 April: in time until 1 July, not 2 June.
    let original = answered(&w, Some("2026-04-01T05:00:00Z"));
    w.ctx.clock.set("2026-06-15T05:00:00Z".parse().unwrap());
    let in_time = file_complaint(
        &w.ctx,
        &w.applicant,
        original.id,
        &complaint_form(),
        "",
        &[],
    )
    .unwrap();
    let events = w.ctx.store.read(|tx| tx.events(in_time.id)).unwrap();
    assert_eq!(Appeal::filed_late(&events), None);
}

#[test]
fn a_late_complaint_is_registered_and_marked_late_with_its_reason() {
    let w = world();
    let original = answered(&w, None);
    // Never opened online: the window runs from signing (2 March) to 2 June.
    w.ctx.clock.set("2026-07-06T05:00:00Z".parse().unwrap());
    let late = file_complaint(
        &w.ctx,
        &w.applicant,
        original.id,
        &complaint_form(),
        "Ауырып қалдым",
        &[],
    )
    .unwrap();
    assert_eq!(late.status, Status::Registered);
    let seen = view(&w.ctx, &w.clerk, late.id, Reading::Page, ORIGIN).unwrap();
    assert_eq!(
        Appeal::filed_late(&seen.events),
        Some((jiff::civil::date(2026, 6, 2), "Ауырып қалдым"))
    );
    let stored = w.ctx.store.read(|tx| tx.appeal(late.id)).unwrap().unwrap();
    let changes: Vec<Change> = seen.events.iter().map(|e| e.change.clone()).collect();
    assert_eq!(Appeal::fold(&changes), Some(stored));
}

fn personal_data_views(w: &World) -> Vec<(String, String)> {
    use crate::store::{AuditFilter, SecurityReads};
    let filter = AuditFilter {
        kind: Some(AuditKind::PersonalDataViewed),
        ..AuditFilter::default()
    };
    let mut rows: Vec<(String, String)> = w
        .ctx
        .store
        .read(|tx| tx.audit_entries(&filter, 100))
        .unwrap()
        .into_iter()
        .map(|(_, e)| (e.name, e.detail))
        .collect();
    rows.reverse();
    rows
}

#[test]
fn an_unassigned_executor_reads_the_appeal_without_the_applicants_data_or_files() {
    let w = world();
    let pdf = Upload {
        file_name: "a.pdf".into(),
        bytes: b"%PDF-1.4 x".to_vec().into(),
    };
    let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[pdf]).unwrap();
    let file_id = appeal.attachments[0].id;
    // Not yet routed: the executor has no part in it.
    let seen = view(&w.ctx, &w.executor, appeal.id, Reading::Page, ORIGIN).unwrap();
    assert_eq!(seen.personal, Personal::Withheld { anonymous: false });
    assert_eq!(seen.appeal.subject, appeal.subject);
    assert_eq!(seen.appeal.applicant.name, appeal.applicant.name);
    for (field, value) in [
        ("phone", &seen.appeal.applicant.phone),
        ("email", &seen.appeal.applicant.email),
        ("address", &seen.appeal.applicant.address),
    ] {
        assert!(value.is_empty(), "{field} = {value}");
    }
    assert!(
        seen.appeal.applicant.tax_id.is_anonymous(),
        "the IIN is gone"
    );
    assert!(seen.appeal.attachments.is_empty());
    let Change::Registered(initial) = &seen.events[0].change else {
        panic!("the first step registers");
    };
    assert!(initial.applicant.email.is_empty() && initial.attachments.is_empty());
    assert!(matches!(
        attachment(&w.ctx, &w.executor, file_id, ORIGIN),
        Err(Error::NotFound)
    ));
    assert!(
        personal_data_views(&w).is_empty(),
        "nothing seen, nothing audited"
    );

    // Once routed to them, they see it all, and each view is audited.
    w.route(appeal.id);
    let seen = view(&w.ctx, &w.executor, appeal.id, Reading::Receipt, ORIGIN).unwrap();
    let Personal::Visible(data) = &seen.personal else {
        panic!("visible to the assigned executor");
    };
    assert_eq!(data.email, "aigul@example.kz");
    assert_eq!(seen.appeal.attachments.len(), 1);
    attachment(&w.ctx, &w.executor, file_id, ORIGIN).unwrap();
    // The applicant's own reading is not audited; the director's is.
    view(&w.ctx, &w.applicant, appeal.id, Reading::Page, ORIGIN).unwrap();
    view(&w.ctx, &w.director, appeal.id, Reading::Page, ORIGIN).unwrap();
    let number = appeal.number.to_string();
    let id = appeal.id.0;
    assert_eq!(
        personal_data_views(&w),
        [
            ("executor".to_owned(), format!("{number} (#{id}): receipt")),
            (
                "executor".to_owned(),
                format!("{number} (#{id}): file a.pdf")
            ),
            ("director".to_owned(), format!("{number} (#{id}): page")),
        ]
    );
}
