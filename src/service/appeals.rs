//! Appeal use cases: filing, registering on someone's behalf, routing, answering, reading.
//!
//! Each writes the appeal snapshot, its new event and its indexes in one transaction. An
//! applicant sees only their own appeals; anything else is "not found", never "forbidden".

use jiff::Timestamp;

use super::{Ctx, Error, Result};
use crate::domain::appeal::{
    Actor, Appeal, AppealId, ApplicantData, AttachmentId, AttachmentRef, CategoryId, Change,
    Command, Event, UnitId, decide,
};
use crate::domain::deadline::{due_date, registration_date};
use crate::domain::field::{Email, FieldErrors, FullName, Phone, optional_text, required_text};
use crate::domain::file_type::{FileType, clean_file_name};
use crate::domain::kind::{AppealKind, Channel, Outcome, Status};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::tax_id::{ApplicantKind, TaxId};
use crate::domain::user::{Account, Role, User, UserId};
use crate::store::{
    AppealReads, AttachmentMeta, AttachmentReads, NewAttachment, SettingsReads, UserReads, WriteTx,
};

/// An uploaded file as it came from the form.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser sent.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What the appeal form carries, as typed.
#[derive(Debug, Clone, Default)]
pub struct AppealForm {
    /// Type code.
    pub kind: String,
    /// Unit id.
    pub unit: String,
    /// Category id.
    pub category: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub description: String,
    /// Applicant kind code (clerk's form; the applicant's own comes from the profile).
    pub applicant_kind: String,
    /// IIN/BIN (clerk's form).
    pub tax_id: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail (optional on the clerk's form).
    pub email: String,
    /// Postal address.
    pub address: String,
    /// Channel code (clerk's form).
    pub channel: String,
}

impl AppealForm {
    /// The form prefilled with an applicant's own data.
    pub fn prefilled(user: &User) -> Self {
        let (kind, tax_id) = match &user.account {
            Account::Applicant { kind, tax_id } => (kind.code().to_owned(), tax_id.to_string()),
            Account::Staff { .. } => (String::new(), String::new()),
        };
        Self {
            applicant_kind: kind,
            tax_id,
            name: user.full_name.as_str().to_owned(),
            phone: user
                .phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            email: user
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            address: user.address.clone(),
            ..Self::default()
        }
    }
}

struct Parsed {
    kind: AppealKind,
    unit: UnitId,
    category: CategoryId,
    subject: String,
    description: String,
    applicant: ApplicantData,
    channel: Channel,
    files: Vec<NewAttachment>,
}

fn parse_files(ctx: &Ctx, uploads: &[Upload], errors: &mut FieldErrors) -> Vec<NewAttachment> {
    let uploads: Vec<&Upload> = uploads.iter().filter(|u| !u.bytes.is_empty()).collect();
    if uploads.len() > ctx.rules.max_attachments {
        errors.add("files", "error.too_many_files");
        return Vec::new();
    }
    let mut files = Vec::with_capacity(uploads.len());
    for upload in uploads {
        if upload.bytes.len() > ctx.rules.max_attachment_bytes {
            errors.add("files", "error.file_too_big");
            return Vec::new();
        }
        let Some(file_type) = FileType::sniff(&upload.bytes) else {
            errors.add("files", "error.file_type");
            return Vec::new();
        };
        files.push(NewAttachment {
            name: clean_file_name(&upload.file_name, file_type),
            file_type,
            bytes: upload.bytes.clone(),
        });
    }
    files
}

#[allow(clippy::too_many_lines)] // one field after another; splitting would scatter the form
fn parse_form(ctx: &Ctx, form: &AppealForm, uploads: &[Upload], on_behalf: bool) -> Result<Parsed> {
    let mut errors = FieldErrors::default();
    let kind = errors.take(
        "kind",
        AppealKind::from_code(&form.kind).ok_or("error.required"),
    );
    let (units, categories) = ctx
        .store
        .read(|tx| Ok::<_, Error>((tx.units()?, tx.categories()?)))?;
    let unit = errors.take(
        "unit",
        form.unit
            .parse::<u32>()
            .ok()
            .and_then(|id| units.iter().find(|u| u.id.0 == id && u.active))
            .map(|u| u.id)
            .ok_or("error.required"),
    );
    let category = errors.take(
        "category",
        form.category
            .parse::<u32>()
            .ok()
            .and_then(|id| categories.iter().find(|c| c.id.0 == id && c.active))
            .map(|c| c.id)
            .ok_or("error.required"),
    );
    let subject = errors.take("subject", required_text(&form.subject, 200));
    let description = errors.take("description", required_text(&form.description, 10_000));
    let applicant_kind = errors.take(
        "applicant_kind",
        ApplicantKind::from_code(&form.applicant_kind).ok_or("error.required"),
    );
    let tax_id = errors.take("tax_id", TaxId::parse(&form.tax_id).map_err(|e| e.key()));
    let name = errors.take("name", FullName::parse(&form.name));
    let phone = errors.take("phone", Phone::parse(&form.phone));
    let email = if on_behalf && form.email.trim().is_empty() {
        Some(String::new())
    } else {
        errors.take(
            "email",
            Email::parse(&form.email).map(|e| e.as_str().to_owned()),
        )
    };
    let address = errors.take("address", optional_text(&form.address, 300));
    let channel = if on_behalf {
        errors.take(
            "channel",
            Channel::from_code(&form.channel)
                .filter(|c| *c != Channel::Portal)
                .ok_or("error.required"),
        )
    } else {
        Some(Channel::Portal)
    };
    let files = parse_files(ctx, uploads, &mut errors);
    match (
        kind,
        unit,
        category,
        subject,
        description,
        applicant_kind,
        tax_id,
        name,
        phone,
        email,
        address,
        channel,
    ) {
        (
            Some(kind),
            Some(unit),
            Some(category),
            Some(subject),
            Some(description),
            Some(applicant_kind),
            Some(tax_id),
            Some(name),
            Some(phone),
            Some(email),
            Some(address),
            Some(channel),
        ) if errors.is_empty() => Ok(Parsed {
            kind,
            unit,
            category,
            subject,
            description,
            applicant: ApplicantData {
                kind: applicant_kind,
                tax_id,
                name: name.as_str().to_owned(),
                phone: phone.as_str().to_owned(),
                email,
                address,
            },
            channel,
            files,
        }),
        _ => Err(Error::Invalid(errors)),
    }
}

/// The actor record of a user.
pub fn actor(user: &User) -> Actor {
    Actor {
        user: Some(user.id),
        name: user.full_name.as_str().to_owned(),
        roles: user.roles(),
    }
}

fn register(
    ctx: &Ctx,
    parsed: &Parsed,
    owner: Option<UserId>,
    by: &User,
    received_at: Timestamp,
) -> Result<Appeal> {
    let calendar = ctx.calendar();
    let registered_on = registration_date(
        ctx.local(received_at),
        ctx.rules.close_of_business,
        &calendar,
    );
    let deadline = due_date(
        registered_on,
        parsed.kind.term(),
        ctx.rules.counting_rule,
        &calendar,
    );
    let year = registered_on.year();
    let actor = actor(by);
    ctx.store.write(|tx: &mut WriteTx| {
        let id = AppealId(tx.next_in_sequence("appeal")?);
        let seq = tx.next_in_sequence(&RegistrationNumber::counter_key(
            parsed.applicant.kind,
            year,
        ))?;
        let number = RegistrationNumber {
            kind: parsed.applicant.kind,
            year,
            seq: u32::try_from(seq)
                .map_err(|_| crate::store::Error::Duplicate("registration number"))?,
        };
        let mut attachments = Vec::with_capacity(parsed.files.len());
        for file in &parsed.files {
            attachments.push(tx.insert_attachment(id, by.id, file)?);
        }
        let appeal = Appeal {
            id,
            number,
            kind: parsed.kind,
            channel: parsed.channel,
            applicant: parsed.applicant.clone(),
            owner,
            unit: parsed.unit,
            category: parsed.category,
            subject: parsed.subject.clone(),
            description: parsed.description.clone(),
            attachments,
            received_at,
            registered_on: deadline.registered_on,
            due: deadline.due,
            due_provisional: deadline.provisional,
            registered_by: actor.clone(),
            status: Status::Registered,
            executor: None,
            answer: None,
            events: 1,
        };
        let event = Event {
            seq: 0,
            at: received_at,
            actor: actor.clone(),
            from: None,
            to: Status::Registered,
            change: Change::Registered(Box::new(appeal.clone())),
        };
        tx.insert_appeal(&appeal, &event)?;
        Ok(appeal)
    })
}

/// An applicant files an appeal online (after agreeing to the terms).
pub fn file(ctx: &Ctx, applicant: &User, form: &AppealForm, uploads: &[Upload]) -> Result<Appeal> {
    if !applicant.is_applicant() {
        return Err(Error::Forbidden);
    }
    if applicant.terms_accepted_at.is_none() {
        return Err(Error::Forbidden);
    }
    // The applicant's identity comes from the account, whatever the form says.
    let mut form = form.clone();
    let own = AppealForm::prefilled(applicant);
    form.applicant_kind = own.applicant_kind;
    form.tax_id = own.tax_id;
    let parsed = parse_form(ctx, &form, uploads, false)?;
    register(ctx, &parsed, Some(applicant.id), applicant, ctx.now())
}

/// The clerk registers an appeal that came on paper, by e-mail or in person.
pub fn register_on_behalf(
    ctx: &Ctx,
    clerk: &User,
    form: &AppealForm,
    uploads: &[Upload],
) -> Result<Appeal> {
    if !clerk
        .roles()
        .any(&[Role::Clerk, Role::Director, Role::Admin])
    {
        return Err(Error::Forbidden);
    }
    let parsed = parse_form(ctx, form, uploads, true)?;
    // Link to the applicant's account when one exists for that IIN/BIN.
    let owner = ctx
        .store
        .read(|tx| tx.user_id_by_login(&format!("taxid:{}", parsed.applicant.tax_id)))?;
    register(ctx, &parsed, owner, clerk, ctx.now())
}

/// An appeal with its history, as one viewer may see it.
#[derive(Debug, Clone)]
pub struct AppealView {
    /// Current state.
    pub appeal: Appeal,
    /// Every step, oldest first.
    pub events: Vec<Event>,
}

fn can_see(viewer: &User, appeal: &Appeal) -> bool {
    if viewer.is_applicant() {
        appeal.owner == Some(viewer.id)
    } else {
        !viewer.roles().is_empty()
    }
}

/// One appeal with its history; "not found" for anyone who may not see it.
pub fn view(ctx: &Ctx, viewer: &User, id: AppealId) -> Result<AppealView> {
    ctx.store.read(|tx| {
        let appeal = tx
            .appeal(id)?
            .filter(|a| can_see(viewer, a))
            .ok_or(Error::NotFound)?;
        let events = tx.events(id)?;
        Ok(AppealView { appeal, events })
    })
}

/// A file's metadata and bytes, for someone who may see its appeal.
pub fn attachment(ctx: &Ctx, viewer: &User, id: AttachmentId) -> Result<(AttachmentMeta, Vec<u8>)> {
    ctx.store.read(|tx| {
        let meta = tx.attachment(id)?.ok_or(Error::NotFound)?;
        let appeal = tx.appeal(meta.appeal)?.ok_or(Error::NotFound)?;
        if !can_see(viewer, &appeal) {
            return Err(Error::NotFound);
        }
        let bytes = tx.attachment_bytes(id)?;
        Ok((meta, bytes))
    })
}

/// The applicant's own appeals, newest first.
pub fn cabinet(ctx: &Ctx, applicant: &User) -> Result<Vec<Appeal>> {
    if !applicant.is_applicant() {
        return Err(Error::Forbidden);
    }
    Ok(ctx
        .store
        .read(|tx| tx.appeals_of_owner(applicant.id, 500))?)
}

fn step(
    ctx: &Ctx,
    by: &User,
    id: AppealId,
    command: &Command,
    files: &[NewAttachment],
) -> Result<Appeal> {
    let now = ctx.now();
    let actor = actor(by);
    ctx.store.write(|tx| {
        let before = tx
            .appeal(id)?
            .filter(|a| can_see(by, a))
            .ok_or(Error::NotFound)?;
        let mut command = command.clone();
        if let Command::Answer { attachments, .. } = &mut command {
            for file in files {
                attachments.push(tx.insert_attachment(id, by.id, file)?);
            }
        }
        let change = decide(&before, command, &actor, now)?;
        let mut after = before.clone();
        after.apply(&change);
        let event = Event {
            seq: before.events,
            at: now,
            actor: actor.clone(),
            from: Some(before.status),
            to: after.status,
            change,
        };
        tx.update_appeal(&before, &after, &event)?;
        Ok(after)
    })
}

/// The clerk or director routes an appeal to an executor.
pub fn assign(ctx: &Ctx, by: &User, id: AppealId, executor: &str) -> Result<Appeal> {
    let executor = executor
        .parse::<u64>()
        .ok()
        .and_then(|n| ctx.store.read(|tx| tx.user(UserId(n))).ok().flatten())
        .filter(|u| !u.is_applicant() && u.active);
    let Some(executor) = executor else {
        let mut errors = FieldErrors::default();
        errors.add("executor", "error.required");
        return Err(Error::Invalid(errors));
    };
    let command = Command::Assign {
        executor: crate::domain::appeal::Assignee {
            user: executor.id,
            name: executor.full_name.as_str().to_owned(),
        },
        executor_roles: executor.roles(),
    };
    step(ctx, by, id, &command, &[])
}

/// What the answer form carries, as typed.
#[derive(Debug, Clone, Default)]
pub struct AnswerForm {
    /// Answer text.
    pub text: String,
    /// Outcome code.
    pub outcome: String,
}

/// The executor (or director) answers and closes an appeal.
pub fn answer(
    ctx: &Ctx,
    by: &User,
    id: AppealId,
    form: &AnswerForm,
    uploads: &[Upload],
) -> Result<Appeal> {
    let mut errors = FieldErrors::default();
    let text = errors.take("text", required_text(&form.text, 20_000));
    let outcome = errors.take(
        "outcome",
        Outcome::from_code(&form.outcome).ok_or("error.required"),
    );
    let files = parse_files(ctx, uploads, &mut errors);
    let (Some(text), Some(outcome)) = (text, outcome) else {
        return Err(Error::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let command = Command::Answer {
        text,
        outcome,
        attachments: Vec::<AttachmentRef>::new(),
    };
    step(ctx, by, id, &command, &files)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::lang::Lang;
    use crate::service::admin::{self, SetupForm};
    use crate::service::auth::{self, RegistrationForm, StaffForm};
    use crate::service::testing::ctx_at;

    pub(crate) struct World {
        pub ctx: Ctx,
        pub applicant: User,
        pub clerk: User,
        pub executor: User,
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
        World {
            ctx,
            applicant,
            clerk,
            executor,
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
            bytes: b"%PDF-1.4 test".to_vec(),
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
            bytes: b"MZ not a pdf".to_vec(),
        };
        let Err(Error::Invalid(errors)) = file(&w.ctx, &w.applicant, &appeal_form(), &[exe]) else {
            panic!("expected refusal");
        };
        assert_eq!(errors.for_field("files"), Some("error.file_type"));
        let many: Vec<Upload> = (0..11)
            .map(|i| Upload {
                file_name: format!("{i}.pdf"),
                bytes: b"%PDF-1.4".to_vec(),
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
        assign(&w.ctx, &w.clerk, appeal.id, &w.executor.id.0.to_string()).unwrap();
        let answered = answer(
            &w.ctx,
            &w.executor,
            appeal.id,
            &AnswerForm {
                text: "Орын бар.".into(),
                outcome: "satisfied".into(),
            },
            &[],
        )
        .unwrap();
        assert_eq!(answered.status, Status::Closed);
        let seen = view(&w.ctx, &w.applicant, appeal.id).unwrap();
        assert_eq!(seen.events.len(), 3);
        assert_eq!(seen.appeal.answer.unwrap().text, "Орын бар.");
        let changes: Vec<Change> = seen.events.iter().map(|e| e.change.clone()).collect();
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
        assign(&w.ctx, &w.clerk, appeal.id, &w.executor.id.0.to_string()).unwrap();
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
            bytes: b"%PDF-1.4 x".to_vec(),
        };
        let appeal = file(&w.ctx, &w.applicant, &appeal_form(), &[pdf]).unwrap();
        let mut stranger = w.applicant.clone();
        stranger.id = UserId(999);
        assert!(matches!(
            view(&w.ctx, &stranger, appeal.id),
            Err(Error::NotFound)
        ));
        let file_id = appeal.attachments[0].id;
        assert!(matches!(
            attachment(&w.ctx, &stranger, file_id),
            Err(Error::NotFound)
        ));
        assert_eq!(
            attachment(&w.ctx, &w.applicant, file_id).unwrap().1,
            b"%PDF-1.4 x"
        );
        assert_eq!(
            attachment(&w.ctx, &w.clerk, file_id).unwrap().1,
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
}
