//! A believable institution with staff, applicants and appeals in every state, for `demo`,
//! screenshots and benchmarks. Everything goes through the ordinary use cases, so the seeded
//! store is exactly what real use would produce.

use jiff::{Span, Timestamp};

use super::admin::{self, SetupForm};
use super::appeals::{self, AppealForm, Upload};
use super::auth::{self, RegistrationForm, StaffForm};
use super::lifecycle::{self, FieldList};
use super::{Ctx, Result};
use crate::domain::kind::AppealKind;
use crate::domain::lang::Lang;
use crate::domain::lifecycle::Action;
use crate::domain::tax_id::TaxId;
use crate::domain::user::{Role, User, UserId};
use crate::store::UserReads;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "otinish-demo";

/// A demo account to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Sign-in name.
    pub login: String,
    /// Who it is.
    pub who: String,
}

const STAFF: [(&str, &str, &[Role]); 5] = [
    ("admin", "Әкімші Ерлан Жұмабаев", &[Role::Admin]),
    ("director", "Серікова Гүлнар Бекқызы", &[Role::Director]),
    ("clerk", "Ахметова Динара Сапарқызы", &[Role::Clerk]),
    ("executor", "Оспанов Нұрлан Маратұлы", &[Role::Executor]),
    ("methodist", "Ким Елена Викторовна", &[Role::Executor]),
];

const APPLICANTS: [&str; 8] = [
    "Байжанова Айгүл Серікқызы",
    "Иванов Сергей Петрович",
    "Тоқтарова Мадина Ерланқызы",
    "Әбдірахманов Бауыржан Қайратұлы",
    "Петренко Ольга Николаевна",
    "Жақсылықов Арман Болатұлы",
    "Нұрғалиева Сәуле Жанатқызы",
    "Смагулов Данияр Асланович",
];

/// Applicants of the paper appeals the clerk registers on their behalf.
const PAPER_APPLICANTS: [&str; 5] = [
    "Қасымова Ләззат Төлегенқызы",
    "Сейітов Ерболат Құдайбергенұлы",
    "Мұхамедиева Гүлмира Асқарқызы",
    "Оразбаев Темірлан Серікұлы",
    "Григорьева Наталья Сергеевна",
];

/// Subjects and texts of each kind of appeal, so that a complaint reads as a complaint and a
/// proposal as a proposal.
pub fn subjects(kind: AppealKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        AppealKind::Application => &[
            (
                "Балама домбыра үйірмесінен орын сұраймын",
                "Ұлым 10 жаста, домбыра үйірмесіне жазылғысы келеді. Бос орын болса, қабылдауыңызды сұраймын.",
            ),
            (
                "Прошу зачислить дочь в кружок робототехники",
                "Прошу зачислить мою дочь, 11 лет, в кружок робототехники на второе полугодие.",
            ),
            (
                "Жүлделі орын туралы сертификат беруіңізді сұраймын",
                "Қызым өткен жылғы аудандық байқауда жүлделі орын алды. Сертификатын беруіңізді сұраймын.",
            ),
        ],
        AppealKind::Complaint => &[
            (
                "Жалоба на отмену занятий без предупреждения",
                "Занятия по рисованию 12 числа были отменены без предупреждения родителей. Прошу разобраться и провести пропущенное занятие.",
            ),
            (
                "Үйірмеге қабылдаудан бас тартуға шағым",
                "Ұлымды хореография үйірмесіне қабылдаудан себебін түсіндірмей бас тартты. Шешімді қайта қарауыңызды сұраймын.",
            ),
        ],
        AppealKind::Request => &[
            (
                "Прошу сообщить расписание кружка робототехники",
                "Подскажите, пожалуйста, дни и время занятий кружка робототехники на второе полугодие.",
            ),
            (
                "Наурыз байқауына қатысу шарттары туралы",
                "Аудандық Наурыз байқауына қатысу шарттарын түсіндіріп беріңізші.",
            ),
        ],
        AppealKind::InfoRequest => &[
            (
                "Ақылы қызметтердің бағасы туралы ақпарат сұраймын",
                "Ағылшын тілі курсының айлық төлемі қанша және қандай жеңілдіктер бар екені туралы ақпарат беруіңізді сұраймын.",
            ),
            (
                "Запрос сведений о числе воспитанников",
                "Прошу предоставить сведения о количестве детей, занимающихся в кружках центра в текущем учебном году.",
            ),
        ],
        AppealKind::Proposal => &[
            (
                "Предложение открыть шахматный клуб",
                "Предлагаю открыть шахматный клуб для младших школьников по субботам.",
            ),
            (
                "Жазғы күндізгі лагерь ашу туралы ұсыныс",
                "Жаз айларында бастауыш сынып оқушыларына арналған күндізгі лагерь ашуды ұсынамын.",
            ),
        ],
        AppealKind::Feedback => &[
            (
                "Благодарность педагогу",
                "Выражаю благодарность педагогу вокальной студии за подготовку детей к концерту.",
            ),
            (
                "Жаңа сабақ кестесі туралы пікір",
                "Жаңа кесте өте ыңғайлы болды: сабақтар мектептен кейін басталады. Рақмет!",
            ),
        ],
        AppealKind::Report => &[
            (
                "Спорт залындағы сынған терезе туралы хабарлама",
                "Спорт залының бір терезесі сынған, балаларға қауіпті. Тексеріп, жөндеуіңізді сұраймын.",
            ),
            (
                "Сообщение о неисправном освещении во дворе",
                "Во дворе центра второй месяц не работает освещение, вечером детям небезопасно.",
            ),
        ],
    }
}

/// Fills an empty store with the demo institution and `appeals` appeals filed over the two
/// months before `now`. The context's clock must be a fixed clock; it is moved while seeding
/// and left at `now`.
pub fn seed(ctx: &Ctx, appeals: u32, now: Timestamp) -> Result<Vec<DemoLogin>> {
    admin::setup_if_empty(ctx, &SetupForm::sample())?;
    let mut logins = Vec::new();
    let mut executors = Vec::new();
    let mut clerk = None;
    let mut director = None;
    for (login, name, roles) in STAFF {
        let id = auth::create_staff(
            ctx,
            None,
            &StaffForm {
                login: login.into(),
                full_name: name.into(),
                roles: roles.to_vec(),
                password: DEMO_PASSWORD.into(),
                must_change_password: false,
            },
        )?;
        let user = load(ctx, id)?;
        if roles.contains(&Role::Executor) {
            executors.push(user.clone());
        }
        if roles.contains(&Role::Clerk) {
            clerk = Some(user.clone());
        }
        if roles.contains(&Role::Director) {
            director = Some(user);
        }
        logins.push(DemoLogin {
            login: login.into(),
            who: name.into(),
        });
    }
    let (Some(clerk), Some(director)) = (clerk, director) else {
        return Ok(logins);
    };
    let mut applicants = Vec::new();
    for (i, name) in APPLICANTS.iter().enumerate() {
        let tax_id = demo_iin(u32::try_from(i).unwrap_or(u32::MAX));
        let id = auth::register_applicant(
            ctx,
            &RegistrationForm {
                kind: "individual".into(),
                tax_id: tax_id.to_string(),
                full_name: (*name).into(),
                phone: format!("+7701{:07}", 1_000_000 + i),
                email: format!("applicant{}@example.kz", i + 1),
                address: "Қостанай облысы, Қарасу ауылы".into(),
                password: DEMO_PASSWORD.into(),
                password_again: DEMO_PASSWORD.into(),
            },
            if i % 2 == 0 { Lang::Kk } else { Lang::Ru },
        )?;
        let user = load(ctx, id)?;
        auth::accept_terms(ctx, &user)?;
        applicants.push(load(ctx, id)?);
        if i == 0 {
            logins.push(DemoLogin {
                login: tax_id.to_string(),
                who: (*name).into(),
            });
        }
    }
    seed_appeals(
        ctx,
        appeals,
        now,
        &applicants,
        &Desk {
            clerk,
            director,
            executors,
        },
    )?;
    ctx.clock.set(now);
    Ok(logins)
}

/// The staff who move seeded appeals along.
pub struct Desk {
    /// Registers paper appeals and routes.
    pub clerk: User,
    /// Signs answers.
    pub director: User,
    /// Draft answers.
    pub executors: Vec<User>,
}

/// Appeals spread over the 60 days before `now`; older ones are further along.
#[allow(clippy::too_many_lines)] // one scenario, step by step
pub fn seed_appeals(
    ctx: &Ctx,
    count: u32,
    now: Timestamp,
    applicants: &[User],
    desk: &Desk,
) -> Result<()> {
    let (clerk, executors) = (&desk.clerk, &desk.executors);
    let kinds = AppealKind::ALL;
    let pdf = Upload {
        file_name: "өтініш.pdf".into(),
        bytes: b"%PDF-1.4\n% demo attachment\n".to_vec().into(),
    };
    let minutes_span = 60 * 24 * 60i64;
    for n in 0..count {
        let age_minutes = minutes_span - (i64::from(n) * minutes_span / i64::from(count.max(1)));
        let filed_at = now
            .checked_sub(Span::new().minutes(age_minutes))
            .unwrap_or(now);
        ctx.clock.set(filed_at);
        let applicant = &applicants[n as usize % applicants.len()];
        let kind = kinds[n as usize % kinds.len()];
        let of_kind = subjects(kind);
        let (subject, text) = of_kind[n as usize / kinds.len() % of_kind.len()];
        let form = AppealForm {
            kind: kind.code().into(),
            unit: (1 + n % 2).to_string(),
            category: (1 + n % 5).to_string(),
            subject: subject.into(),
            description: text.into(),
            name: applicant.full_name.as_str().into(),
            phone: applicant
                .phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            email: applicant
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            address: applicant.address.clone(),
            ..AppealForm::default()
        };
        let files = if n % 4 == 0 {
            std::slice::from_ref(&pdf)
        } else {
            &[]
        };
        let appeal = if n % 7 == 3 {
            let paper = AppealForm {
                applicant_kind: "individual".into(),
                tax_id: demo_iin(100 + n).to_string(),
                name: PAPER_APPLICANTS[n as usize / 7 % PAPER_APPLICANTS.len()].into(),
                channel: "paper".into(),
                ..form
            };
            appeals::register_on_behalf(ctx, clerk, &paper, files)?
        } else {
            appeals::file(ctx, applicant, &form, files)?
        };
        // Older appeals have been routed, and the oldest answered; the newest stay registered.
        let age_days = age_minutes / (60 * 24);
        if age_days >= 2 && !executors.is_empty() {
            ctx.clock.set(
                filed_at
                    .checked_add(Span::new().hours(26))
                    .unwrap_or(filed_at),
            );
            let executor = &executors[n as usize % executors.len()];
            let id = executor.id.0.to_string();
            lifecycle::act(
                ctx,
                clerk,
                appeal.id,
                Action::Route,
                &FieldList::of(&[("executor", &id)]),
                &[],
            )?;
            if age_days >= 12 && n % 5 != 0 {
                ctx.clock.set(
                    filed_at
                        .checked_add(Span::new().hours(24 * 9))
                        .unwrap_or(filed_at),
                );
                let kind = appeal.kind;
                let outcome = crate::domain::kind::Outcome::for_track(kind.track())[n as usize % 3];
                let answer = FieldList::of(&[
                    ("outcome", outcome.code()),
                    (
                        "text",
                        "Өтінішіңіз қаралды. Сұрағыңыз бойынша түсініктеме беріледі.\n\nВаше обращение рассмотрено.",
                    ),
                    ("appeal_clause", "yes"),
                    ("hearing_waiver", "Өтініш берушінің өз өтініші бойынша"),
                ]);
                if kind == AppealKind::Complaint {
                    let up = FieldList::of(&[
                        ("letter_number", "01-15/12"),
                        ("to", "Қостанай облысы білім басқармасы"),
                        ("text", "Шағым іс материалдарымен жолданады."),
                    ]);
                    lifecycle::act(ctx, clerk, appeal.id, Action::SendUp, &up, &[])?;
                } else {
                    lifecycle::act(ctx, executor, appeal.id, Action::SubmitDraft, &answer, &[])?;
                    lifecycle::act(
                        ctx,
                        &desk.director,
                        appeal.id,
                        Action::Sign,
                        &FieldList::default(),
                        &[],
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// A valid synthetic IIN, different for each `n`.
pub fn demo_iin(n: u32) -> TaxId {
    (0..10)
        .find_map(|bump| {
            TaxId::with_check_digit(&format!("9001013{:04}", (n * 10 + bump) % 10_000))
        })
        .or_else(|| TaxId::with_check_digit("90010130012"))
        .unwrap_or_else(|| unreachable!("900101300126 is a valid IIN"))
}

fn load(ctx: &Ctx, id: UserId) -> Result<User> {
    ctx.store
        .read(|tx| tx.user(id))?
        .ok_or(super::Error::NotFound)
}

/// A store of `count` appeals for benchmarks and `demo --appeals N`, in seconds rather than
/// hours: the demo is seeded with 24 appeals (fewer when `count` is) through the use cases, then
/// copies of those (in every state, their days spread over 2024 and 2025) are written through
/// the store's own write path, 10,000 to a transaction, up to `count` in all. Every index,
/// counter and report tally is kept, so `check` passes on the result; the history of each copy
/// is its registration event only.
pub fn seed_bulk(ctx: &Ctx, count: u64, now: Timestamp) -> Result<Vec<DemoLogin>> {
    use crate::domain::appeal::{AppealId, Change};
    use crate::domain::registration_number::RegistrationNumber;
    use crate::store::AppealReads;
    const TEMPLATES: u32 = 24;
    const PER_TRANSACTION: u64 = 10_000;
    let seeded = u32::try_from(count).unwrap_or(u32::MAX).min(TEMPLATES);
    let logins = seed(ctx, seeded, now)?;
    let mut templates = Vec::new();
    for id in 1..=u64::from(seeded) {
        let found = ctx.store.read(|tx| {
            Ok::<_, crate::store::Error>((tx.appeal(AppealId(id))?, tx.events(AppealId(id))?))
        })?;
        if let (Some(appeal), Some(first)) = (found.0, found.1.into_iter().next()) {
            templates.push((appeal, first));
        }
    }
    if templates.is_empty() {
        return Ok(logins);
    }
    let first_day = jiff::civil::date(2024, 1, 1);
    let mut written = u64::from(seeded);
    while written < count {
        let batch = PER_TRANSACTION.min(count - written);
        ctx.store.write(|tx| {
            for i in written..written + batch {
                let (template, first_event) =
                    &templates[usize::try_from(i).unwrap_or(0) % templates.len()];
                let mut appeal = template.clone();
                let day =
                    first_day.saturating_add(Span::new().days(i64::try_from(i % 730).unwrap_or(0)));
                let shift = day - appeal.registered_on;
                let hours = i64::from(shift.get_days()) * 24;
                appeal.received_at = appeal
                    .received_at
                    .checked_add(jiff::SignedDuration::from_hours(hours))
                    .unwrap_or(appeal.received_at);
                appeal.id = AppealId(tx.next_in_sequence("appeal")?);
                let kind = appeal.number.kind;
                let year = day.year();
                let seq = tx.next_in_sequence(&RegistrationNumber::counter_key(kind, year))?;
                appeal.number = RegistrationNumber {
                    kind,
                    year,
                    seq: u32::try_from(seq).unwrap_or(u32::MAX),
                };
                appeal.registered_on = day;
                // Its history is the registration alone: the next step is event 1.
                appeal.events = 1;
                appeal.due = appeal.due.saturating_add(shift);
                // Every dated step moves with it, so a copy's steps lie within its own life.
                if let Some(signed) = appeal.answer.as_mut().and_then(|a| a.signed.as_mut()) {
                    signed.on = signed.on.saturating_add(shift);
                }
                if let Some(up) = appeal.sent_up.as_mut() {
                    up.sent_on = up.sent_on.saturating_add(shift);
                }
                for forwarding in &mut appeal.forwardings {
                    forwarding.letter.sent_on = forwarding.letter.sent_on.saturating_add(shift);
                }
                let mut event = first_event.clone();
                event.to = appeal.status;
                event.change = Change::Registered(Box::new(appeal.clone()));
                tx.insert_appeal(&appeal, &event)?;
            }
            Ok::<_, super::Error>(())
        })?;
        written += batch;
    }
    Ok(logins)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::kind::Status;
    use crate::service::testing::ctx_at;
    use crate::store::{AppealReads, RegistryFilter, RegistryReads};

    #[test]
    fn the_demo_has_appeals_in_every_state() {
        let now: Timestamp = "2026-11-20T06:00:00Z".parse().unwrap();
        let ctx = ctx_at("2026-11-20T06:00:00Z");
        let logins = seed(&ctx, 36, now).unwrap();
        assert!(logins.iter().any(|l| l.login == "clerk"));
        assert_eq!(ctx.store.read(|tx| tx.appeal_count()).unwrap(), 36);
        for status in [
            Status::Registered,
            Status::InProgress,
            Status::Closed,
            Status::ComplaintSentUp,
        ] {
            let filter = RegistryFilter {
                status: Some(status),
                ..RegistryFilter::default()
            };
            let page = ctx.store.read(|tx| tx.registry(&filter)).unwrap();
            assert!(!page.appeals.is_empty(), "no appeal is {status:?}");
        }
        assert_eq!(ctx.now(), now);
    }

    /// See: issue 11 (demo subjects did not match their kinds; a "paper applicant").
    #[test]
    fn every_demo_appeal_has_a_subject_of_its_kind_and_a_real_name() {
        let now: Timestamp = "2026-11-20T06:00:00Z".parse().unwrap();
        let ctx = ctx_at("2026-11-20T06:00:00Z");
        seed(&ctx, 36, now).unwrap();
        let mut kinds = std::collections::HashSet::new();
        let mut paper = 0;
        for id in 1..=36 {
            let appeal = ctx
                .store
                .read(|tx| tx.appeal(crate::domain::appeal::AppealId(id)))
                .unwrap()
                .unwrap();
            assert!(
                subjects(appeal.kind)
                    .iter()
                    .any(|(subject, _)| *subject == appeal.subject),
                "{} «{}» is not a subject of its kind",
                appeal.kind.code(),
                appeal.subject
            );
            let name = appeal.applicant.name.to_lowercase();
            for placeholder in ["paper", "қағаз", "бумаж", "applicant", "өтініш беруші"]
            {
                assert!(!name.contains(placeholder), "a placeholder name: {name}");
            }
            assert!(name.split_whitespace().count() >= 2, "a full name: {name}");
            kinds.insert(appeal.kind);
            if appeal.channel == crate::domain::kind::Channel::Paper {
                paper += 1;
            }
        }
        assert_eq!(kinds.len(), AppealKind::ALL.len(), "every kind is shown");
        assert!(paper > 0, "paper appeals are seeded");
    }

    #[test]
    fn demo_iins_are_valid_and_distinct() {
        let a = demo_iin(1);
        let b = demo_iin(2);
        assert_ne!(a, b);
        assert!(TaxId::parse(a.as_str()).is_ok());
    }
}
