//! Guards of the state machine, one test each, and properties over random command sequences.
#![allow(clippy::unwrap_used)]

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::*;
use crate::domain::appeal::{AppealId, ApplicantData, CategoryId, Contested, DeadlineBasis, Links};
use crate::domain::deadline::{CountingRule, Term};
use crate::domain::kind::{AppealKind, Channel};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::tax_id::{ApplicantKind, TaxId};
use crate::domain::user::{Roles, UserId};

const OWNER: u64 = 10;
const CLERK: u64 = 2;
const EXECUTOR: u64 = 3;
const OTHER_EXECUTOR: u64 = 4;
const DIRECTOR: u64 = 5;

pub(crate) fn appeal_of(kind: AppealKind) -> Appeal {
    let applicant = applicant();
    Appeal {
        id: AppealId(1),
        number: RegistrationNumber {
            kind: ApplicantKind::Individual,
            year: 2026,
            seq: 1,
        },
        kind,
        channel: Channel::Portal,
        applicant: ApplicantData {
            kind: ApplicantKind::Individual,
            tax_id: TaxId::parse("900101300126").unwrap(),
            name: "Айгүл Серікова".into(),
            phone: "+77012345678".into(),
            email: "aigul@example.kz".into(),
            address: "Қарасу".into(),
        },
        co_applicants: Vec::new(),
        owner: Some(UserId(OWNER)),
        unit: UnitId(1),
        category: CategoryId(1),
        subject: "Үйірмеге жазылу".into(),
        description: "Орын сұраймын.".into(),
        attachments: Vec::new(),
        received_at: "2026-03-02T05:00:00Z".parse().unwrap(),
        registered_on: date(2026, 3, 2),
        due: date(2026, 3, 27),
        due_provisional: false,
        basis: DeadlineBasis {
            term: Term {
                days: 15,
                unit: crate::domain::deadline::DayUnit::Working,
            },
            rule: CountingRule::FromNextDay,
            skipped_days_off: 5,
        },
        registered_by: applicant,
        status: Status::Registered,
        executor: None,
        co_executors: Vec::new(),
        correction: None,
        documents: None,
        hearing: None,
        draft: None,
        answer: None,
        extensions: Vec::new(),
        forwardings: Vec::new(),
        sent_up: None,
        ending: None,
        rating: None,
        links: Links::default(),
        events: 1,
    }
}

fn applicant() -> Actor {
    Actor {
        user: Some(UserId(OWNER)),
        name: "Айгүл".into(),
        roles: Roles::default(),
    }
}

fn staff(id: u64, roles: &[Role]) -> Actor {
    Actor {
        user: Some(UserId(id)),
        name: format!("staff {id}"),
        roles: Roles::of(roles),
    }
}

fn clerk() -> Actor {
    staff(CLERK, &[Role::Clerk])
}
fn executor() -> Actor {
    staff(EXECUTOR, &[Role::Executor])
}
fn director() -> Actor {
    staff(DIRECTOR, &[Role::Director])
}

fn at(day: Date) -> Moment<'static> {
    static CALENDAR: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    static ZONE: std::sync::OnceLock<TimeZone> = std::sync::OnceLock::new();
    let calendar = CALENDAR.get_or_init(Calendar::builtin);
    let zone = ZONE.get_or_init(|| TimeZone::fixed(jiff::tz::offset(5)));
    let now = day
        .at(10, 0, 0, 0)
        .to_zoned(zone.clone())
        .unwrap()
        .timestamp();
    Moment {
        now,
        today: day,
        calendar,
        zone,
    }
}

fn today() -> Moment<'static> {
    at(date(2026, 3, 3))
}

fn route_to(id: u64) -> Command {
    Command::Route {
        unit: UnitId(1),
        executor: Assignee {
            user: UserId(id),
            name: format!("staff {id}"),
        },
        executor_roles: Roles::of(&[Role::Executor]),
        co_executors: Vec::new(),
    }
}

fn draft(outcome: Outcome) -> Command {
    Command::SubmitDraft {
        text: "Жауап.".into(),
        outcome,
        appeal_clause: true,
        attachments: Vec::new(),
        hearing_waiver: None,
    }
}

fn run(
    appeal: &mut Appeal,
    command: Command,
    actor: &Actor,
    moment: Moment,
) -> Result<(), Refusal> {
    let change = decide(appeal, command, actor, moment)?;
    appeal.apply(&change);
    Ok(())
}

/// Registered → routed → draft → signed.
fn answered(kind: AppealKind) -> Appeal {
    let mut a = appeal_of(kind);
    run(&mut a, route_to(EXECUTOR), &clerk(), today()).unwrap();
    let outcome = Outcome::for_track(kind.track())[0];
    run(&mut a, draft(outcome), &executor(), today()).unwrap();
    run(&mut a, Command::Sign, &director(), today()).unwrap();
    a
}

#[test]
fn the_general_path_routes_drafts_and_signs() {
    let a = answered(AppealKind::Application);
    assert_eq!(a.status, Status::Closed);
    let answer = a.answer.unwrap();
    assert_eq!(answer.signed.unwrap().by.user, Some(UserId(DIRECTOR)));
    assert!(a.draft.is_none());
}

#[test]
fn only_the_clerk_or_director_routes_and_only_to_executors() {
    let a = appeal_of(AppealKind::Application);
    assert_eq!(
        decide(&a, route_to(EXECUTOR), &executor(), today()),
        Err(Refusal::WrongRole)
    );
    assert_eq!(
        decide(&a, route_to(EXECUTOR), &applicant(), today()),
        Err(Refusal::WrongRole)
    );
    let to_clerk = Command::Route {
        unit: UnitId(1),
        executor: Assignee {
            user: UserId(CLERK),
            name: "clerk".into(),
        },
        executor_roles: Roles::of(&[Role::Clerk]),
        co_executors: Vec::new(),
    };
    assert_eq!(
        decide(&a, to_clerk, &clerk(), today()),
        Err(Refusal::NotAnExecutor)
    );
}

#[test]
fn only_the_assigned_executor_or_the_director_drafts() {
    let mut a = appeal_of(AppealKind::Application);
    run(&mut a, route_to(EXECUTOR), &clerk(), today()).unwrap();
    let other = staff(OTHER_EXECUTOR, &[Role::Executor]);
    assert_eq!(
        decide(&a, draft(Outcome::Satisfied), &other, today()),
        Err(Refusal::NotYourTask)
    );
    assert!(decide(&a, draft(Outcome::Satisfied), &director(), today()).is_ok());
}

#[test]
fn only_the_director_signs_or_returns_a_draft() {
    let mut a = appeal_of(AppealKind::Application);
    run(&mut a, route_to(EXECUTOR), &clerk(), today()).unwrap();
    run(&mut a, draft(Outcome::Explained), &executor(), today()).unwrap();
    assert_eq!(
        decide(&a, Command::Sign, &executor(), today()),
        Err(Refusal::WrongRole)
    );
    run(
        &mut a,
        Command::ReturnDraft {
            comment: "Толықтырыңыз".into(),
        },
        &director(),
        today(),
    )
    .unwrap();
    assert_eq!(a.status, Status::InProgress);
    assert!(a.draft.is_none());
}

#[test]
fn a_burdensome_result_needs_a_hearing_or_a_recorded_exception() {
    let mut a = appeal_of(AppealKind::Application);
    run(&mut a, route_to(EXECUTOR), &clerk(), today()).unwrap();
    assert_eq!(
        decide(&a, draft(Outcome::BurdensomeAct), &executor(), today()),
        Err(Refusal::HearingRequired)
    );
    let waived = Command::SubmitDraft {
        text: "Жауап.".into(),
        outcome: Outcome::Refused,
        appeal_clause: true,
        attachments: Vec::new(),
        hearing_waiver: Some("Өтініш берушінің өз өтініші бойынша (73-б. 2-б.)".into()),
    };
    assert!(decide(&a, waived, &executor(), today()).is_ok());
    let too_soon = Hearing {
        preliminary: "Алдын ала шешім".into(),
        objections_until: date(2026, 3, 4),
        protocol: None,
    };
    assert_eq!(
        decide(&a, Command::StartHearing(too_soon), &executor(), today()),
        Err(Refusal::DateInPast)
    );
    let hearing = Hearing {
        preliminary: "Алдын ала шешім".into(),
        objections_until: date(2026, 3, 6),
        protocol: None,
    };
    run(&mut a, Command::StartHearing(hearing), &executor(), today()).unwrap();
    assert_eq!(a.status, Status::Hearing);
    run(
        &mut a,
        Command::RecordHearing {
            protocol: "Хаттама".into(),
        },
        &executor(),
        at(date(2026, 3, 10)),
    )
    .unwrap();
    assert!(decide(&a, draft(Outcome::BurdensomeAct), &executor(), today()).is_ok());
}

#[test]
fn hearings_belong_to_the_general_procedure() {
    let mut a = appeal_of(AppealKind::Request);
    run(&mut a, route_to(EXECUTOR), &clerk(), today()).unwrap();
    let hearing = Hearing {
        preliminary: "x".into(),
        objections_until: date(2026, 3, 10),
        protocol: None,
    };
    assert_eq!(
        decide(&a, Command::StartHearing(hearing), &executor(), today()),
        Err(Refusal::NoHearingOnTrack)
    );
    assert_eq!(
        decide(&a, draft(Outcome::Satisfied), &executor(), today()).map(|_| ()),
        Ok(())
    );
    assert_eq!(
        decide(&a, draft(Outcome::BurdensomeAct), &executor(), today()),
        Err(Refusal::OutcomeNotForTrack)
    );
}

#[test]
fn forwarding_is_for_the_clerk_or_director_and_late_forwarding_is_marked_not_refused() {
    let a = appeal_of(AppealKind::Application);
    let forward = || {
        Command::Forward(Forwarding {
            letter: Letter {
                number: "01-12/45".into(),
                to: "Аудандық білім бөлімі".into(),
                text: "Қарауға жолдаймыз".into(),
                sent_on: date(2026, 3, 5),
            },
            part: None,
        })
    };
    // Received Mon 2 March: the window ends Thu 5 March. Later it is still forwarded.
    assert!(decide(&a, forward(), &clerk(), at(date(2026, 3, 5))).is_ok());
    assert!(decide(&a, forward(), &clerk(), at(date(2026, 3, 6))).is_ok());
    assert_eq!(
        decide(&a, forward(), &executor(), at(date(2026, 3, 3))),
        Err(Refusal::WrongRole)
    );
    let mut full = a.clone();
    run(&mut full, forward(), &clerk(), today()).unwrap();
    assert_eq!(full.status, Status::Forwarded);
}

#[test]
fn correction_has_a_term_and_return_waits_for_it() {
    let mut a = appeal_of(AppealKind::Application);
    let past = Request {
        text: "Мекенжайды көрсетіңіз".into(),
        until: date(2026, 3, 3),
    };
    assert_eq!(
        decide(&a, Command::RequestCorrection(past), &clerk(), today()),
        Err(Refusal::DateInPast)
    );
    let request = Request {
        text: "Мекенжайды көрсетіңіз".into(),
        until: date(2026, 3, 10),
    };
    run(
        &mut a,
        Command::RequestCorrection(request),
        &clerk(),
        today(),
    )
    .unwrap();
    assert_eq!(a.status, Status::NeedsFix);
    let give_back = || Command::Return {
        reason: "Түзетілмеді".into(),
    };
    assert_eq!(
        decide(&a, give_back(), &clerk(), at(date(2026, 3, 10))),
        Err(Refusal::TooEarly)
    );
    let mut returned = a.clone();
    run(&mut returned, give_back(), &clerk(), at(date(2026, 3, 11))).unwrap();
    assert_eq!(returned.status, Status::Returned);
    run(
        &mut a,
        Command::Correct {
            note: "Мекенжай: Қарасу".into(),
            attachments: Vec::new(),
        },
        &applicant(),
        today(),
    )
    .unwrap();
    assert_eq!(a.status, Status::Registered);
}

#[test]
fn documents_requested_and_added_return_to_work() {
    let mut a = appeal_of(AppealKind::Application);
    run(&mut a, route_to(EXECUTOR), &clerk(), today()).unwrap();
    let request = Request {
        text: "Туу туралы куәлік".into(),
        until: date(2026, 3, 12),
    };
    run(
        &mut a,
        Command::RequestDocuments(request),
        &executor(),
        today(),
    )
    .unwrap();
    assert_eq!(a.status, Status::DocumentsRequested);
    let stranger = Actor {
        user: Some(UserId(99)),
        name: "x".into(),
        roles: Roles::default(),
    };
    assert_eq!(
        decide(
            &a,
            Command::AddDocuments {
                note: String::new(),
                attachments: Vec::new()
            },
            &stranger,
            today()
        ),
        Err(Refusal::WrongRole)
    );
    run(
        &mut a,
        Command::AddDocuments {
            note: "Қоса беріп отырмын".into(),
            attachments: Vec::new(),
        },
        &applicant(),
        today(),
    )
    .unwrap();
    assert_eq!(a.status, Status::InProgress);
}

#[test]
fn extensions_need_the_director_a_reason_and_at_most_two_months() {
    let mut a = appeal_of(AppealKind::Application);
    let extend = |d: Date| Command::Extend {
        new_due: d,
        reason: "Сараптама қажет".into(),
    };
    assert_eq!(
        decide(&a, extend(date(2026, 4, 20)), &clerk(), today()),
        Err(Refusal::WrongRole)
    );
    assert_eq!(
        decide(&a, extend(date(2026, 3, 20)), &director(), today()),
        Err(Refusal::ExtensionNotLater)
    );
    assert_eq!(
        decide(&a, extend(date(2026, 5, 20)), &director(), today()),
        Err(Refusal::ExtensionTooLong)
    );
    run(&mut a, extend(date(2026, 4, 25)), &director(), today()).unwrap();
    // 25 April 2026 is a Saturday: the deadline rolls to Monday 27 April.
    assert_eq!(a.due, date(2026, 4, 27));
    let ext = &a.extensions[0];
    assert_eq!(ext.notify_by, date(2026, 3, 6));
    assert!(ext.notified_at.is_some());
    let complaint = appeal_of(AppealKind::Complaint);
    assert_eq!(
        decide(&complaint, extend(date(2026, 4, 20)), &director(), today()),
        Err(Refusal::NoExtensionForComplaints)
    );
}

#[test]
fn withdrawal_is_possible_until_the_answer_is_signed() {
    let mut a = appeal_of(AppealKind::Application);
    run(&mut a, route_to(EXECUTOR), &clerk(), today()).unwrap();
    run(&mut a, draft(Outcome::Explained), &executor(), today()).unwrap();
    let mut withdrawn = a.clone();
    run(
        &mut withdrawn,
        Command::Withdraw {
            reason: "Қажет емес".into(),
        },
        &applicant(),
        today(),
    )
    .unwrap();
    assert_eq!(withdrawn.status, Status::Withdrawn);
    run(&mut a, Command::Sign, &director(), today()).unwrap();
    assert_eq!(
        decide(
            &a,
            Command::Withdraw {
                reason: "кеш".into()
            },
            &applicant(),
            today()
        ),
        Err(Refusal::WrongStatus(Status::Closed))
    );
}

#[test]
fn termination_grounds_follow_the_track() {
    let a = appeal_of(AppealKind::Request);
    let terminate = |g| Command::Terminate {
        ground: g,
        reason: "негіз".into(),
    };
    assert_eq!(
        decide(&a, terminate(Ground::CourtAct), &director(), today()),
        Err(Refusal::GroundNotForTrack)
    );
    assert!(decide(&a, terminate(Ground::Repeated), &director(), today()).is_ok());
    assert_eq!(
        decide(&a, terminate(Ground::Repeated), &clerk(), today()),
        Err(Refusal::WrongRole)
    );
}

#[test]
fn complaints_are_in_time_within_three_months_or_six_without_the_appeal_clause() {
    let a = answered(AppealKind::Application);
    assert!(!complaint_is_late(&a, None, date(2026, 6, 3)));
    assert!(complaint_is_late(&a, None, date(2026, 6, 4)));
    let mut no_clause = a.clone();
    no_clause.answer.as_mut().unwrap().appeal_clause = false;
    assert!(!complaint_is_late(&no_clause, None, date(2026, 9, 3)));
    assert!(complaint_is_late(&no_clause, None, date(2026, 9, 4)));
    // An appeal without a signed answer has no complaint window.
    assert!(!complaint_is_late(
        &appeal_of(AppealKind::Application),
        None,
        date(2027, 1, 4)
    ));
}

#[test]
fn the_signer_of_the_contested_answer_cannot_decide_the_complaint() {
    let mut complaint = appeal_of(AppealKind::Complaint);
    complaint.links.contested = Some(Contested {
        appeal: AppealId(1),
        number: RegistrationNumber {
            kind: ApplicantKind::Individual,
            year: 2026,
            seq: 1,
        },
        signer: Some(UserId(DIRECTOR)),
    });
    let remedy = || Command::DecideComplaint {
        outcome: Outcome::SelfRemedied,
        text: "Қанағаттандырылды".into(),
        attachments: Vec::new(),
    };
    assert_eq!(
        decide(&complaint, remedy(), &director(), today()),
        Err(Refusal::ConflictOfInterest)
    );
    let deputy = staff(6, &[Role::Director]);
    assert!(decide(&complaint, remedy(), &deputy, today()).is_ok());
    assert_eq!(
        decide(&complaint, remedy(), &deputy, at(date(2026, 3, 6))),
        Err(Refusal::TooLate)
    );
    // Passed up, the higher body's decision is recorded when it comes back.
    let letter = Letter {
        number: "02/7".into(),
        to: "Білім басқармасы".into(),
        text: "Іс қоса беріледі".into(),
        sent_on: date(2026, 3, 3),
    };
    run(&mut complaint, Command::SendUp(letter), &clerk(), today()).unwrap();
    assert_eq!(complaint.status, Status::ComplaintSentUp);
    assert!(!complaint.status.deadline_runs());
    let decided = Command::DecideComplaint {
        outcome: Outcome::ComplaintRejected,
        text: "Қанағаттандырусыз".into(),
        attachments: Vec::new(),
    };
    run(&mut complaint, decided, &clerk(), at(date(2026, 3, 25))).unwrap();
    assert_eq!(complaint.status, Status::Closed);
}

#[test]
fn ratings_come_once_from_the_applicant_after_the_answer() {
    let mut a = answered(AppealKind::Proposal);
    let rate = || Command::Rate {
        score: Score::Positive,
        comment: String::new(),
    };
    assert_eq!(
        decide(&a, rate(), &clerk(), today()),
        Err(Refusal::WrongRole)
    );
    run(&mut a, rate(), &applicant(), today()).unwrap();
    assert_eq!(
        decide(&a, rate(), &applicant(), today()),
        Err(Refusal::AlreadyRated)
    );
    let open = appeal_of(AppealKind::Proposal);
    assert_eq!(
        decide(&open, rate(), &applicant(), today()),
        Err(Refusal::WrongStatus(Status::Registered))
    );
}

#[test]
fn notes_are_staff_only_and_invisible_to_the_applicant() {
    let a = appeal_of(AppealKind::Application);
    let note = || Command::AddNote {
        text: "ішкі".into(),
    };
    assert_eq!(
        decide(&a, note(), &applicant(), today()),
        Err(Refusal::WrongRole)
    );
    assert!(
        !decide(&a, note(), &clerk(), today())
            .unwrap()
            .visible_to_applicant()
    );
}

// ---- properties -------------------------------------------------------------------------

fn any_command() -> impl Strategy<Value = (u8, u8, u8)> {
    (0u8..22, 0u8..5, 0u8..30)
}

fn actor_for(who: u8) -> Actor {
    match who {
        0 => applicant(),
        1 => clerk(),
        2 => executor(),
        3 => director(),
        _ => staff(OTHER_EXECUTOR, &[Role::Executor]),
    }
}

fn command_for(what: u8, day: Date) -> Command {
    let later = day.checked_add(Span::new().days(7)).unwrap();
    match what {
        0 => route_to(EXECUTOR),
        1 => Command::RequestCorrection(Request {
            text: "x".into(),
            until: later,
        }),
        2 => Command::Correct {
            note: "ok".into(),
            attachments: Vec::new(),
        },
        3 => Command::RequestDocuments(Request {
            text: "x".into(),
            until: later,
        }),
        4 => Command::AddDocuments {
            note: "ok".into(),
            attachments: Vec::new(),
        },
        5 => Command::StartHearing(Hearing {
            preliminary: "p".into(),
            objections_until: later,
            protocol: None,
        }),
        6 => Command::RecordHearing {
            protocol: "p".into(),
        },
        7 => draft(Outcome::Satisfied),
        8 => draft(Outcome::BurdensomeAct),
        9 => Command::ReturnDraft {
            comment: "c".into(),
        },
        10 => Command::Sign,
        11 => Command::Extend {
            new_due: later.checked_add(Span::new().days(20)).unwrap(),
            reason: "r".into(),
        },
        12 => Command::Forward(Forwarding {
            letter: Letter {
                number: "1".into(),
                to: "body".into(),
                text: "t".into(),
                sent_on: day,
            },
            part: None,
        }),
        13 => Command::Return { reason: "r".into() },
        14 => Command::Withdraw { reason: "r".into() },
        15 => Command::Terminate {
            ground: Ground::Other,
            reason: "r".into(),
        },
        16 => Command::SendUp(Letter {
            number: "1".into(),
            to: "higher".into(),
            text: "t".into(),
            sent_on: day,
        }),
        17 => Command::DecideComplaint {
            outcome: Outcome::SelfRemedied,
            text: "t".into(),
            attachments: Vec::new(),
        },
        18 => Command::DecideComplaint {
            outcome: Outcome::ComplaintRejected,
            text: "t".into(),
            attachments: Vec::new(),
        },
        19 => Command::Rate {
            score: Score::Neutral,
            comment: String::new(),
        },
        20 => Command::AddNote { text: "n".into() },
        _ => Command::LinkComplaint {
            complaint: AppealId(9),
            number: RegistrationNumber {
                kind: ApplicantKind::Individual,
                year: 2026,
                seq: 9,
            },
        },
    }
}

proptest! {
    /// For random command sequences: the snapshot equals the fold of the recorded changes; a
    /// terminal status is never left; every deadline is a working day; the applicant's view of
    /// the history never holds a staff-only step.
    #[test]
    fn random_histories_keep_the_invariants(
        complaint in any::<bool>(),
        steps in proptest::collection::vec(any_command(), 0..40),
    ) {
        let kind = if complaint { AppealKind::Complaint } else { AppealKind::Application };
        let mut appeal = appeal_of(kind);
        let mut changes = vec![Change::Registered(Box::new(appeal.clone()))];
        let calendar = Calendar::builtin();
        for (what, who, offset) in steps {
            let day = date(2026, 3, 2).checked_add(Span::new().days(i64::from(offset))).unwrap();
            let before = appeal.status;
            if let Ok(change) = decide(&appeal, command_for(what, day), &actor_for(who), at(day)) {
                appeal.apply(&change);
                if before.is_terminal() {
                    prop_assert_eq!(appeal.status, before, "left terminal status {:?} by {:?}", before, change);
                }
                let internal = matches!(change, Change::NoteAdded { .. } | Change::Routed { .. } | Change::DraftSubmitted(_) | Change::DraftReturned { .. });
                prop_assert_eq!(change.visible_to_applicant(), !internal);
                changes.push(change);
            }
            prop_assert!(calendar.is_working_day(appeal.due), "deadline {} is not a working day", appeal.due);
        }
        prop_assert_eq!(Appeal::fold(&changes), Some(appeal));
    }
}

// ---- АППК windows (issue 11) ---------------------------------------------------------------

fn zone5() -> TimeZone {
    TimeZone::fixed(jiff::tz::offset(5))
}

fn letter_on(day: Date) -> Letter {
    Letter {
        number: "01-12/45".into(),
        to: "Аудандық білім бөлімі".into(),
        text: "Қарауға жолдаймыз".into(),
        sent_on: day,
    }
}

/// Received on Saturday 28 February 2026 at noon, registered on Monday 2 March (art. 64 ч.3).
fn received_on_saturday(kind: AppealKind) -> Appeal {
    let mut a = appeal_of(kind);
    a.received_at = "2026-02-28T07:00:00Z".parse().unwrap();
    a
}

#[test]
fn forwarding_counts_three_working_days_from_receipt_not_registration() {
    let a = received_on_saturday(AppealKind::Application);
    let zone = zone5();
    let calendar = Calendar::builtin();
    assert_eq!(received_on(&a, &zone), date(2026, 2, 28));
    // From Saturday: Mon 2, Tue 3, Wed 4 (from Monday's registration it would be Thu 5).
    assert_eq!(receipt_window_end(&a, &zone, &calendar), date(2026, 3, 4));
    assert!(!sent_late(
        &a,
        &letter_on(date(2026, 3, 4)),
        &zone,
        &calendar
    ));
    assert!(sent_late(
        &a,
        &letter_on(date(2026, 3, 5)),
        &zone,
        &calendar
    ));
    // Late forwarding is still possible; the letter is then marked late.
    let late = Command::Forward(Forwarding {
        letter: letter_on(date(2026, 3, 10)),
        part: None,
    });
    let mut forwarded = a.clone();
    run(&mut forwarded, late, &clerk(), at(date(2026, 3, 10))).unwrap();
    assert_eq!(forwarded.status, Status::Forwarded);
    assert!(sent_late(
        &forwarded,
        &forwarded.forwardings[0].letter,
        &zone,
        &calendar
    ));
}

#[test]
fn self_remedy_window_counts_from_receipt() {
    let complaint = received_on_saturday(AppealKind::Complaint);
    let remedy = || Command::DecideComplaint {
        outcome: Outcome::SelfRemedied,
        text: "Толық қанағаттандырылды".into(),
        attachments: Vec::new(),
    };
    assert!(decide(&complaint, remedy(), &director(), at(date(2026, 3, 4))).is_ok());
    // Thu 5 March is within 3 working days of Monday's registration, not of Saturday's receipt.
    assert_eq!(
        decide(&complaint, remedy(), &director(), at(date(2026, 3, 5))),
        Err(Refusal::TooLate)
    );
}

#[test]
fn a_complaint_is_due_to_the_higher_body_three_working_days_from_receipt() {
    let zone = zone5();
    let calendar = Calendar::builtin();
    let mut complaint = received_on_saturday(AppealKind::Complaint);
    assert_eq!(
        pass_up_due(&complaint, &zone, &calendar),
        Some(date(2026, 3, 4))
    );
    assert_eq!(
        pass_up_due(&appeal_of(AppealKind::Application), &zone, &calendar),
        None
    );
    // Passed up late: accepted, marked late, and no longer due.
    let up = letter_on(date(2026, 3, 6));
    run(
        &mut complaint,
        Command::SendUp(up.clone()),
        &clerk(),
        at(date(2026, 3, 6)),
    )
    .unwrap();
    assert!(sent_late(&complaint, &up, &zone, &calendar));
    assert_eq!(pass_up_due(&complaint, &zone, &calendar), None);
}

#[test]
fn the_complaint_window_runs_from_when_the_applicant_learned_of_the_answer() {
    // Signed Tue 3 March 2026 with the appeal clause: 3 months.
    let a = answered(AppealKind::Application);
    assert_eq!(complaint_deadline(&a, None), Some(date(2026, 6, 3)));
    // Opened by the applicant on 20 March: the window runs to 20 June.
    let learned = Some(date(2026, 3, 20));
    assert_eq!(complaint_deadline(&a, learned), Some(date(2026, 6, 20)));
    assert!(!complaint_is_late(&a, learned, date(2026, 6, 10)));
    assert!(complaint_is_late(&a, learned, date(2026, 6, 21)));
    let mut no_clause = a.clone();
    no_clause.answer.as_mut().unwrap().appeal_clause = false;
    assert_eq!(
        complaint_deadline(&no_clause, learned),
        Some(date(2026, 9, 20))
    );
}

#[test]
fn a_late_complaint_is_still_linked_to_the_answer() {
    let a = answered(AppealKind::Application);
    let link = Command::LinkComplaint {
        complaint: AppealId(2),
        number: RegistrationNumber {
            kind: ApplicantKind::Individual,
            year: 2026,
            seq: 2,
        },
    };
    // A year later: the window has long closed, the complaint is accepted all the same.
    let mut contested = a.clone();
    run(&mut contested, link, &applicant(), at(date(2027, 3, 3))).unwrap();
    assert_eq!(contested.links.complaints.len(), 1);
}

#[test]
fn a_complaint_cannot_be_routed_to_the_signer_of_the_contested_answer() {
    let mut complaint = appeal_of(AppealKind::Complaint);
    complaint.links.contested = Some(Contested {
        appeal: AppealId(1),
        number: complaint.number,
        signer: Some(UserId(DIRECTOR)),
    });
    let to_director = Command::Route {
        unit: UnitId(1),
        executor: Assignee {
            user: UserId(DIRECTOR),
            name: "director".into(),
        },
        executor_roles: Roles::of(&[Role::Director]),
        co_executors: Vec::new(),
    };
    assert_eq!(
        decide(&complaint, to_director, &clerk(), today()),
        Err(Refusal::ConflictOfInterest)
    );
    let mut with_signer_as_co = route_to(EXECUTOR);
    if let Command::Route { co_executors, .. } = &mut with_signer_as_co {
        co_executors.push(Assignee {
            user: UserId(DIRECTOR),
            name: "director".into(),
        });
    }
    assert_eq!(
        decide(&complaint, with_signer_as_co, &clerk(), today()),
        Err(Refusal::ConflictOfInterest)
    );
    assert!(decide(&complaint, route_to(EXECUTOR), &clerk(), today()).is_ok());
}

#[test]
fn an_overdue_appeal_cannot_be_extended_after_its_deadline() {
    let a = appeal_of(AppealKind::Application); // due Fri 27 March 2026
    let extend = || Command::Extend {
        new_due: date(2026, 4, 20),
        reason: "Сараптама қажет".into(),
    };
    assert!(decide(&a, extend(), &director(), at(date(2026, 3, 27))).is_ok());
    assert_eq!(
        decide(&a, extend(), &director(), at(date(2026, 3, 30))),
        Err(Refusal::DeadlinePassed)
    );
}

#[test]
fn only_the_director_or_a_deputy_may_extend_never_clerk_executor_or_admin() {
    let a = appeal_of(AppealKind::Application);
    let extend = || Command::Extend {
        new_due: date(2026, 4, 20),
        reason: "Тексеру".into(),
    };
    for role in [Role::Clerk, Role::Executor, Role::Admin] {
        assert_eq!(
            decide(&a, extend(), &staff(7, &[role]), today()),
            Err(Refusal::WrongRole),
            "{role:?}"
        );
    }
    assert!(decide(&a, extend(), &staff(8, &[Role::Deputy]), today()).is_ok());
    assert!(decide(&a, extend(), &director(), today()).is_ok());
}

// ---- the guard and the commands agree (issue 13) -----------------------------------------

const OTHER_APPLICANT: u64 = 11;
const DEPUTY: u64 = 6;
const ADMIN: u64 = 7;

/// Everyone who might open a card: the owner, another applicant, and each staff role (the
/// assigned executor and one who is not assigned).
fn every_actor() -> Vec<Actor> {
    vec![
        applicant(),
        Actor {
            user: Some(UserId(OTHER_APPLICANT)),
            name: "Басқа".into(),
            roles: Roles::default(),
        },
        clerk(),
        executor(),
        staff(OTHER_EXECUTOR, &[Role::Executor]),
        director(),
        staff(DEPUTY, &[Role::Deputy]),
        staff(ADMIN, &[Role::Admin]),
    ]
}

/// An appeal of `kind` in `status`, with the facts the guards look at switched on by the bits
/// of `facts`: assigned, answered, rated, a correction term, a contested answer signed by the
/// director, anonymous, heard. The combinations need not be reachable: the guard and the
/// command must agree on any appeal.
fn appeal_in(kind: AppealKind, status: Status, facts: u8) -> Appeal {
    let mut a = appeal_of(kind);
    a.status = status;
    let signed = Signature {
        by: director(),
        at: today().now,
        on: date(2026, 3, 3),
    };
    if facts & 1 != 0 {
        a.executor = Some(Assignee {
            user: UserId(EXECUTOR),
            name: "staff 3".into(),
        });
    }
    if facts & 2 != 0 {
        a.answer = Some(Answer {
            text: "Жауап.".into(),
            outcome: Outcome::for_track(kind.track())[0],
            attachments: Vec::new(),
            appeal_clause: true,
            by: executor(),
            at: today().now,
            hearing_waiver: None,
            signed: Some(signed),
        });
    }
    if facts & 4 != 0 {
        a.rating = Some(Rating {
            score: Score::Neutral,
            comment: String::new(),
            at: today().now,
        });
    }
    if facts & 8 != 0 {
        a.correction = Some(Request {
            text: "Мекенжайды көрсетіңіз".into(),
            until: date(2026, 3, 10),
        });
    }
    if facts & 16 != 0 {
        a.links.contested = Some(Contested {
            appeal: AppealId(9),
            number: a.number,
            signer: Some(UserId(DIRECTOR)),
        });
    }
    if facts & 32 != 0 {
        a.applicant.tax_id = TaxId::anonymous();
    }
    if facts & 64 != 0 {
        a.hearing = Some(Hearing {
            preliminary: "Алдын ала шешім".into(),
            objections_until: date(2026, 3, 6),
            protocol: Some("Хаттама".into()),
        });
    }
    a
}

/// Days around the terms of [`appeal_in`]: in time, after the correction term and the
/// 3-working-day window, after the deadline.
const DAYS: [(i16, i8, i8); 3] = [(2026, 3, 3), (2026, 3, 11), (2026, 3, 30)];

/// A form for `action` that a person filled in well: the command any allowed step must accept.
fn filled_in(action: Action, appeal: &Appeal, at: Moment) -> Command {
    let track = appeal.kind.track();
    let later = add_working_days(at.today, 5, at.calendar);
    let letter = Letter {
        number: "01-12/45".into(),
        to: "Аудандық білім бөлімі".into(),
        text: "Қарауға жолдаймыз".into(),
        sent_on: at.today,
    };
    match action {
        Action::Route => route_to(EXECUTOR),
        Action::RequestCorrection => Command::RequestCorrection(Request {
            text: "Мекенжайды көрсетіңіз".into(),
            until: later,
        }),
        Action::Correct => Command::Correct {
            note: String::new(),
            attachments: Vec::new(),
        },
        Action::RequestDocuments => Command::RequestDocuments(Request {
            text: "Анықтама қоса беріңіз".into(),
            until: later,
        }),
        Action::AddDocuments => Command::AddDocuments {
            note: String::new(),
            attachments: Vec::new(),
        },
        Action::StartHearing => Command::StartHearing(Hearing {
            preliminary: "Алдын ала шешім".into(),
            objections_until: later,
            protocol: None,
        }),
        Action::RecordHearing => Command::RecordHearing {
            protocol: "Хаттама".into(),
        },
        // The first result of every procedure is not burdensome: no hearing needed.
        Action::SubmitDraft => draft(Outcome::for_track(track)[0]),
        Action::ReturnDraft => Command::ReturnDraft {
            comment: "Толықтырыңыз".into(),
        },
        Action::Sign => Command::Sign,
        Action::Extend => Command::Extend {
            new_due: appeal.due.checked_add(Span::new().days(7)).unwrap(),
            reason: "Қосымша тексеру".into(),
        },
        Action::Forward => Command::Forward(Forwarding { letter, part: None }),
        Action::Return => Command::Return {
            reason: "Түзетілмеді".into(),
        },
        Action::Withdraw => Command::Withdraw {
            reason: String::new(),
        },
        Action::Terminate => Command::Terminate {
            ground: Ground::for_track(track)[0],
            reason: "Негіз".into(),
        },
        Action::SendUp => Command::SendUp(letter),
        Action::DecideComplaint => Command::DecideComplaint {
            outcome: if appeal.status == Status::ComplaintSentUp {
                Outcome::ComplaintRejected
            } else {
                Outcome::SelfRemedied
            },
            text: "Шешім".into(),
            attachments: Vec::new(),
        },
        Action::Rate => Command::Rate {
            score: Score::Positive,
            comment: String::new(),
        },
        Action::Note => Command::AddNote {
            text: "Ескерту".into(),
        },
    }
}

/// The refusals a step's form can earn by what it says; every other refusal is the guard's.
fn input_refusals(action: Action) -> &'static [Refusal] {
    use Refusal::{
        ConflictOfInterest, DateInPast, EmptyText, ExtensionNotLater, ExtensionTooLong,
        GroundNotForTrack, HearingRequired, NotAnExecutor, OutcomeNotForTrack,
    };
    match action {
        Action::Route => &[NotAnExecutor, ConflictOfInterest],
        Action::RequestCorrection | Action::RequestDocuments | Action::StartHearing => {
            &[EmptyText, DateInPast]
        }
        Action::Correct | Action::AddDocuments | Action::Sign | Action::Withdraw | Action::Rate => {
            &[]
        }
        Action::RecordHearing
        | Action::ReturnDraft
        | Action::Forward
        | Action::Return
        | Action::SendUp
        | Action::Note => &[EmptyText],
        Action::SubmitDraft => &[OutcomeNotForTrack, EmptyText, HearingRequired],
        Action::Extend => &[EmptyText, ExtensionNotLater, ExtensionTooLong],
        Action::Terminate => &[GroundNotForTrack, EmptyText],
        Action::DecideComplaint => &[EmptyText, OutcomeNotForTrack],
    }
}

/// The combinations of [`appeal_in`]'s facts tried: none, each but the hearing alone, the
/// hearing and the answer and rating with an executor assigned, and all of them.
const FACTS: [u8; 11] = [0, 1, 2, 4, 8, 16, 32, 3, 7, 65, 127];

/// Every appeal state of [`appeal_in`] for each procedure, with every actor and day.
fn every_situation() -> impl Iterator<Item = (Appeal, Actor, Moment<'static>)> {
    let kinds = [
        AppealKind::Application,
        AppealKind::Request,
        AppealKind::Complaint,
    ];
    kinds.into_iter().flat_map(|kind| {
        Status::ALL.iter().flat_map(move |status| {
            FACTS.into_iter().flat_map(move |facts| {
                let appeal = appeal_in(kind, *status, facts);
                every_actor().into_iter().flat_map(move |actor| {
                    let appeal = appeal.clone();
                    DAYS.into_iter()
                        .map(move |(y, m, d)| (appeal.clone(), actor.clone(), at(date(y, m, d))))
                })
            })
        })
    })
}

/// For every state, actor, day and step: a step the guard allows is accepted when its form is
/// filled in well, and a step the guard refuses is refused by the command for the same
/// reason. So the card offers exactly the steps that can succeed. See: issue 13.
#[test]
fn every_step_the_guard_allows_succeeds_with_a_good_form_and_every_other_fails_as_the_guard_says() {
    let mut ever_allowed = std::collections::HashSet::new();
    for (appeal, actor, moment) in every_situation() {
        for action in Action::ALL {
            let command = filled_in(action, &appeal, moment);
            assert_eq!(command.action(), Some(action));
            let guard = may(&appeal, action, &actor, moment);
            let decided = decide(&appeal, command, &actor, moment).map(|_| ());
            assert_eq!(
                decided, guard,
                "{action} by {:?} on {:?} {:?} on {}",
                actor.roles, appeal.kind, appeal.status, moment.today
            );
            if guard.is_ok() {
                ever_allowed.insert(action);
            }
        }
    }
    // Every step is possible somewhere, so the check above is never empty for a step.
    for action in Action::ALL {
        assert!(ever_allowed.contains(&action), "{action} is never allowed");
    }
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  ".to_owned()),
        Just("мәтін".to_owned())
    ]
}

/// A form for `action` with any input: empty or filled texts, any day, any result, ground and
/// executor.
fn any_form(action: Action) -> impl Strategy<Value = (Action, Vec<String>, i64, usize, u8)> {
    (
        Just(action),
        proptest::collection::vec(any_text(), 3),
        -5i64..80,
        0usize..64,
        0u8..8,
    )
}

fn command_from(
    (action, texts, days, choice, who): (Action, Vec<String>, i64, usize, u8),
    day: Date,
) -> Command {
    let on = day.checked_add(Span::new().days(days)).unwrap();
    let text = || texts[0].clone();
    let letter = Letter {
        number: texts[1].clone(),
        to: texts[2].clone(),
        text: text(),
        sent_on: day,
    };
    let all_outcomes: Vec<Outcome> = Outcome::ALL.to_vec();
    let outcome = all_outcomes[choice % all_outcomes.len()];
    match action {
        Action::Route => {
            let roles = [
                Roles::of(&[Role::Executor]),
                Roles::of(&[Role::Clerk]),
                Roles::of(&[Role::Director]),
                Roles::default(),
            ];
            let mut command =
                route_to([EXECUTOR, DIRECTOR, OTHER_EXECUTOR, CLERK][usize::from(who % 4)]);
            if let Command::Route { executor_roles, .. } = &mut command {
                *executor_roles = roles[choice % roles.len()];
            }
            command
        }
        Action::RequestCorrection => Command::RequestCorrection(Request {
            text: text(),
            until: on,
        }),
        Action::RequestDocuments => Command::RequestDocuments(Request {
            text: text(),
            until: on,
        }),
        Action::StartHearing => Command::StartHearing(Hearing {
            preliminary: text(),
            objections_until: on,
            protocol: None,
        }),
        Action::RecordHearing => Command::RecordHearing { protocol: text() },
        Action::SubmitDraft => Command::SubmitDraft {
            text: text(),
            outcome,
            appeal_clause: who % 2 == 0,
            attachments: Vec::new(),
            hearing_waiver: (who % 3 == 0).then(|| texts[1].clone()),
        },
        Action::ReturnDraft => Command::ReturnDraft { comment: text() },
        Action::Extend => Command::Extend {
            new_due: on,
            reason: text(),
        },
        Action::Forward => Command::Forward(Forwarding { letter, part: None }),
        Action::Return => Command::Return { reason: text() },
        Action::Terminate => Command::Terminate {
            ground: Ground::ALL[choice % Ground::ALL.len()],
            reason: text(),
        },
        Action::SendUp => Command::SendUp(letter),
        Action::DecideComplaint => Command::DecideComplaint {
            outcome,
            text: text(),
            attachments: Vec::new(),
        },
        Action::Note => Command::AddNote { text: text() },
        Action::Correct | Action::AddDocuments | Action::Sign | Action::Withdraw | Action::Rate => {
            let mut command = filled_in(action, &appeal_of(AppealKind::Application), at(day));
            if let Command::Rate { score, .. } = &mut command {
                *score = Score::ALL[choice % Score::ALL.len()];
            }
            command
        }
    }
}

proptest! {
    /// Whatever a form says, a step the guard allows is refused only for its input (a text, a
    /// day, the result, the ground, the executor), never for who asks, the status or the
    /// time; a step the guard refuses is refused for the guard's reason. See: issue 13.
    #[test]
    fn a_step_the_guard_allows_is_refused_only_for_its_input(
        kind in prop::sample::select(vec![AppealKind::Application, AppealKind::Request, AppealKind::Complaint]),
        status in prop::sample::select(Status::ALL.to_vec()),
        facts in prop::sample::select(FACTS.to_vec()),
        who in 0usize..8,
        day in prop::sample::select(DAYS.to_vec()),
        form in prop::sample::select(Action::ALL.to_vec()).prop_flat_map(any_form),
    ) {
        let appeal = appeal_in(kind, status, facts);
        let actor = every_actor().swap_remove(who);
        let moment = at(date(day.0, day.1, day.2));
        let action = form.0;
        let command = command_from(form, moment.today);
        let guard = may(&appeal, action, &actor, moment);
        match (guard, decide(&appeal, command, &actor, moment)) {
            (Err(guard), decided) => prop_assert_eq!(decided.map(|_| ()), Err(guard)),
            (Ok(()), Ok(_)) => {}
            (Ok(()), Err(refusal)) => prop_assert!(
                input_refusals(action).contains(&refusal),
                "{} allowed by the guard but refused with {:?}", action, refusal
            ),
        }
    }
}

/// Linking a complaint has its own guard; `decide` runs it for `LinkComplaint`. See: issue 13.
#[test]
fn linking_a_complaint_is_refused_exactly_when_its_guard_refuses() {
    for (appeal, actor, moment) in every_situation() {
        let command = Command::LinkComplaint {
            complaint: AppealId(9),
            number: appeal.number,
        };
        assert_eq!(command.action(), None);
        assert_eq!(
            decide(&appeal, command, &actor, moment).map(|_| ()),
            may_complain(&appeal, &actor)
        );
    }
}

/// The form's `action` values stay the codes the pages have always posted. See: issue 13.
#[test]
fn action_codes_round_trip_and_keep_their_form_values() {
    let codes: Vec<&str> = Action::ALL.iter().map(|a| a.code()).collect();
    assert_eq!(
        codes,
        [
            "route",
            "request-correction",
            "correct",
            "request-documents",
            "add-documents",
            "start-hearing",
            "record-hearing",
            "submit-draft",
            "return-draft",
            "sign",
            "extend",
            "forward",
            "return",
            "withdraw",
            "terminate",
            "send-up",
            "decide-complaint",
            "rate",
            "note",
        ]
    );
    for action in Action::ALL {
        assert_eq!(Action::from_code(action.code()), Some(action));
        assert_eq!(action.to_string(), action.code());
    }
    assert_eq!(Action::from_code("link-complaint"), None);
    assert_eq!(Action::from_code(""), None);
}
