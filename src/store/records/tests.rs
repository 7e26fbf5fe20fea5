//! Round trips of arbitrary domain values through their records: domain → record → bytes →
//! record → domain gives the value back, and the JSON of the record reads back the same.

#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::Date;
use proptest::prelude::*;

use super::Freeze;
use super::event::StoredEventV2;
use crate::domain::appeal::{
    Actor, Answer, Appeal, AppealId, ApplicantData, Assignee, AttachmentId, AttachmentRef,
    CategoryId, Change, Contested, DeadlineBasis, Ending, Event, Extension, Forwarding, Hearing,
    Letter, Links, Message, Rating, Request, Signature, UnitId,
};
use crate::domain::deadline::{CountingRule, DayUnit, Term};
use crate::domain::file_type::FileType;
use crate::domain::kind::{AppealKind, Channel, Ground, Outcome, Score, Status};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::tax_id::{ApplicantKind, TaxId};
use crate::domain::user::{Roles, UserId};
use crate::store::codec::{decode, decode_as, encode, encode_as};

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,8}"
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_000_000_000, 0i32..1_000_000_000).prop_map(|(s, ns)| Timestamp::new(s, ns).unwrap())
}

fn date() -> impl Strategy<Value = Date> {
    (1990i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

fn user() -> impl Strategy<Value = UserId> {
    any::<u64>().prop_map(UserId)
}

fn appeal_id() -> impl Strategy<Value = AppealId> {
    any::<u64>().prop_map(AppealId)
}

fn applicant_kind() -> impl Strategy<Value = ApplicantKind> {
    prop::sample::select(ApplicantKind::ALL.to_vec())
}

fn number() -> impl Strategy<Value = RegistrationNumber> {
    (applicant_kind(), any::<i16>(), any::<u32>())
        .prop_map(|(kind, year, seq)| RegistrationNumber { kind, year, seq })
}

fn tax_id() -> impl Strategy<Value = TaxId> {
    "[0-9]{11}".prop_filter_map("no check digit", |s| TaxId::with_check_digit(&s))
}

fn actor() -> impl Strategy<Value = Actor> {
    (prop::option::of(user()), text(), any::<u8>()).prop_map(|(user, name, roles)| Actor {
        user,
        name,
        roles: Roles::from_bits(roles),
    })
}

fn attachment() -> impl Strategy<Value = AttachmentRef> {
    (
        any::<u64>(),
        text(),
        prop::sample::select(vec![
            FileType::Pdf,
            FileType::Jpeg,
            FileType::Png,
            FileType::Docx,
            FileType::Xlsx,
        ]),
        any::<u64>(),
    )
        .prop_map(|(id, name, file_type, size)| AttachmentRef {
            id: AttachmentId(id),
            name,
            file_type,
            size,
        })
}

fn attachments() -> impl Strategy<Value = Vec<AttachmentRef>> {
    prop::collection::vec(attachment(), 0..3)
}

fn signature() -> impl Strategy<Value = Signature> {
    (actor(), timestamp(), date()).prop_map(|(by, at, on)| Signature { by, at, on })
}

fn answer() -> impl Strategy<Value = Answer> {
    (
        text(),
        prop::sample::select(Outcome::ALL),
        attachments(),
        any::<bool>(),
        actor(),
        timestamp(),
        prop::option::of(text()),
        prop::option::of(signature()),
    )
        .prop_map(
            |(text, outcome, attachments, appeal_clause, by, at, hearing_waiver, signed)| Answer {
                text,
                outcome,
                attachments,
                appeal_clause,
                by,
                at,
                hearing_waiver,
                signed,
            },
        )
}

fn assignee() -> impl Strategy<Value = Assignee> {
    (user(), text()).prop_map(|(user, name)| Assignee { user, name })
}

fn request() -> impl Strategy<Value = Request> {
    (text(), date()).prop_map(|(text, until)| Request { text, until })
}

fn hearing() -> impl Strategy<Value = Hearing> {
    (text(), date(), prop::option::of(text())).prop_map(
        |(preliminary, objections_until, protocol)| Hearing {
            preliminary,
            objections_until,
            protocol,
        },
    )
}

fn extension() -> impl Strategy<Value = Extension> {
    (
        date(),
        date(),
        text(),
        actor(),
        date(),
        date(),
        prop::option::of(timestamp()),
    )
        .prop_map(
            |(previous_due, new_due, reason, by, decided_on, notify_by, notified_at)| Extension {
                previous_due,
                new_due,
                reason,
                by,
                decided_on,
                notify_by,
                notified_at,
            },
        )
}

fn letter() -> impl Strategy<Value = Letter> {
    (text(), text(), text(), date()).prop_map(|(number, to, text, sent_on)| Letter {
        number,
        to,
        text,
        sent_on,
    })
}

fn forwarding() -> impl Strategy<Value = Forwarding> {
    (letter(), prop::option::of((text(), appeal_id(), number())))
        .prop_map(|(letter, part)| Forwarding { letter, part })
}

fn ending() -> impl Strategy<Value = Ending> {
    (
        prop::option::of(prop::sample::select(Ground::ALL)),
        text(),
        actor(),
    )
        .prop_map(|(ground, reason, by)| Ending { ground, reason, by })
}

fn rating() -> impl Strategy<Value = Rating> {
    (prop::sample::select(Score::ALL), text(), timestamp())
        .prop_map(|(score, comment, at)| Rating { score, comment, at })
}

fn link() -> impl Strategy<Value = (AppealId, RegistrationNumber)> {
    (appeal_id(), number())
}

fn links() -> impl Strategy<Value = Links> {
    (
        prop::option::of(link()),
        prop::option::of(link()),
        prop::option::of(link()),
        prop::option::of((appeal_id(), number(), prop::option::of(user()))),
        prop::collection::vec(link(), 0..3),
    )
        .prop_map(
            |(repeated_of, duplicate_of, parent, contested, complaints)| Links {
                repeated_of,
                duplicate_of,
                parent,
                contested: contested.map(|(appeal, number, signer)| Contested {
                    appeal,
                    number,
                    signer,
                }),
                complaints,
            },
        )
}

fn basis() -> impl Strategy<Value = DeadlineBasis> {
    (any::<u16>(), any::<bool>(), any::<bool>(), any::<u16>()).prop_map(
        |(days, working, next_day, skipped_days_off)| DeadlineBasis {
            term: Term {
                days,
                unit: if working {
                    DayUnit::Working
                } else {
                    DayUnit::Calendar
                },
            },
            rule: if next_day {
                CountingRule::FromNextDay
            } else {
                CountingRule::RegistrationDayCounts
            },
            skipped_days_off,
        },
    )
}

fn applicant() -> impl Strategy<Value = ApplicantData> {
    (applicant_kind(), tax_id(), text(), text(), text(), text()).prop_map(
        |(kind, tax_id, name, phone, email, address)| ApplicantData {
            kind,
            tax_id,
            name,
            phone,
            email,
            address,
        },
    )
}

prop_compose! {
    fn appeal()(
        head in (
            appeal_id(), number(), prop::sample::select(AppealKind::ALL),
            prop::sample::select(Channel::ALL), applicant(),
            prop::collection::vec(text(), 0..3), prop::option::of(user()),
            any::<u32>(), any::<u32>(), text(), text(), attachments(),
        ),
        middle in (
            timestamp(), date(), date(), any::<bool>(), basis(), actor(),
            prop::sample::select(Status::ALL), prop::option::of(assignee()),
            prop::collection::vec(assignee(), 0..3), prop::option::of(request()),
            prop::option::of(request()), prop::option::of(hearing()),
        ),
        tail in (
            prop::option::of(answer()), prop::option::of(answer()),
            prop::collection::vec(extension(), 0..2), prop::collection::vec(forwarding(), 0..2),
            prop::option::of(letter()), prop::option::of(ending()), prop::option::of(rating()),
            links(), any::<u32>(),
        ),
    ) -> Appeal {
        let (id, number, kind, channel, applicant, co_applicants, owner, unit, category,
            subject, description, attachments) = head;
        let (received_at, registered_on, due, due_provisional, basis, registered_by, status,
            executor, co_executors, correction, documents, hearing) = middle;
        let (draft, answer, extensions, forwardings, sent_up, ending, rating, links, events) =
            tail;
        Appeal {
            id, number, kind, channel, applicant, co_applicants, owner, unit: UnitId(unit),
            category: CategoryId(category), subject, description, attachments, received_at,
            registered_on, due, due_provisional, basis, registered_by, status, executor,
            co_executors, correction, documents, hearing, draft, answer, extensions,
            forwardings, sent_up, ending, rating, links, events,
        }
    }
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        appeal().prop_map(|a| Change::Registered(Box::new(a))),
        (
            any::<u32>(),
            assignee(),
            prop::collection::vec(assignee(), 0..3),
            any::<bool>()
        )
            .prop_map(|(unit, executor, co_executors, by_rule)| Change::Routed {
                unit: UnitId(unit),
                executor,
                co_executors,
                by_rule,
            }),
        request().prop_map(Change::CorrectionRequested),
        (text(), attachments())
            .prop_map(|(note, attachments)| Change::Corrected { note, attachments }),
        request().prop_map(Change::DocumentsRequested),
        (text(), attachments())
            .prop_map(|(note, attachments)| Change::DocumentsAdded { note, attachments }),
        hearing().prop_map(Change::HearingStarted),
        text().prop_map(|protocol| Change::HearingHeld { protocol }),
        answer().prop_map(Change::DraftSubmitted),
        text().prop_map(|comment| Change::DraftReturned { comment }),
        signature().prop_map(Change::Signed),
        extension().prop_map(Change::Extended),
        forwarding().prop_map(Change::Forwarded),
        ending().prop_map(Change::Returned),
        ending().prop_map(Change::Withdrawn),
        ending().prop_map(Change::Terminated),
        letter().prop_map(Change::SentUp),
        answer().prop_map(Change::ComplaintDecided),
        (appeal_id(), number())
            .prop_map(|(complaint, number)| Change::ComplaintFiled { complaint, number }),
        rating().prop_map(Change::Rated),
        (date(), any::<bool>())
            .prop_map(|(due, provisional)| Change::DeadlineRecomputed { due, provisional }),
        text().prop_map(|text| Change::NoteAdded { text }),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    (
        any::<u32>(),
        timestamp(),
        actor(),
        prop::option::of(prop::sample::select(Status::ALL)),
        prop::sample::select(Status::ALL),
        change(),
        (text(), text()),
    )
        .prop_map(|(seq, at, actor, from, to, change, (kk, ru))| Event {
            seq,
            at,
            actor,
            from,
            to,
            change,
            message: Message { kk, ru },
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_appeal_round_trips_through_its_record(appeal in appeal()) {
        let bytes = encode_as(&appeal).unwrap();
        prop_assert_eq!(&decode_as::<Appeal>(&bytes).unwrap(), &appeal);
        let json = serde_json::to_string(&appeal.freeze()).unwrap();
        prop_assert_eq!(Appeal::thaw(serde_json::from_str(&json).unwrap()).unwrap(), appeal);
    }

    #[test]
    fn an_event_round_trips_through_its_record(event in event()) {
        let stored = StoredEventV2 { prev_hash: [7; 32], event: event.freeze() };
        let bytes = encode(&stored).unwrap();
        let back: StoredEventV2 = decode(&bytes).unwrap();
        prop_assert_eq!(back.prev_hash, [7; 32]);
        prop_assert_eq!(&Event::thaw(back.event).unwrap(), &event);
        let json = serde_json::to_string(&event.freeze()).unwrap();
        prop_assert_eq!(Event::thaw(serde_json::from_str(&json).unwrap()).unwrap(), event);
    }
}
