//! Appeal intake and reading: filing, registering on someone's behalf, complaints about an
//! answer, the cabinet, one appeal with its history, attachments.
//!
//! Registration writes the appeal, its first event, its indexes, the applicant's notice and
//! any rule-based routing in one transaction. An applicant sees only their own appeals;
//! anything else is "not found", never "forbidden". Staff see every appeal, but the
//! applicant's personal data and files only where their work needs them
//! (`domain::privacy`), and each such view is audited. Later steps live in `lifecycle`.

use jiff::Timestamp;

use super::security::{self, Origin};
use super::{Ctx, Error, Result};
use crate::domain::appeal::{
    Actor, Appeal, AppealId, ApplicantData, AttachmentId, CategoryId, Change, Contested,
    DeadlineBasis, Event, Links, UnitId,
};
use crate::domain::deadline::{due_date, registration_date};
use crate::domain::field::{Email, FieldErrors, FullName, Phone, optional_text, required_text};
use crate::domain::file_bytes::FileBytes;
use crate::domain::file_type::{FileType, clean_file_name};
use crate::domain::kind::{AppealKind, Channel, Status};
use crate::domain::lifecycle::{Command, complaint_deadline, complaint_is_late, decide};
use crate::domain::privacy::{self, Personal};
use crate::domain::registration_number::RegistrationNumber;
use crate::domain::security::AuditKind;
use crate::domain::tax_id::{ApplicantKind, TaxId};
use crate::domain::user::{Account, Role, User, UserId};
use crate::store::{
    AppealReads, AttachmentMeta, AttachmentReads, LoginKey, NewAttachment, NoticeKind,
    SettingsReads, TermReads, Tx, UserReads, WriteTx,
};

/// An uploaded file as it came from the form.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser sent.
    pub file_name: String,
    /// The bytes, shared with the request body they came in (cloning shares, never copies).
    pub bytes: FileBytes,
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
    /// Co-applicants of a collective appeal, one per line.
    pub co_applicants: String,
    /// Clerk's form: the appeal is anonymous (no name, IIN/BIN or address; domain.md §1.7).
    pub anonymous: bool,
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
    co_applicants: Vec<String>,
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
            // Shares the body's buffer: a reference count, not a copy of the file.
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
    let anonymous = on_behalf && form.anonymous;
    let (applicant_kind, tax_id, name, phone, email) = if anonymous {
        (
            Some(ApplicantKind::Individual),
            Some(TaxId::anonymous()),
            FullName::parse(&form.name)
                .or_else(|_| FullName::parse("Аноним"))
                .ok(),
            Some(
                Phone::parse(&form.phone)
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            Some(String::new()),
        )
    } else {
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
        (
            applicant_kind,
            tax_id,
            name,
            phone.map(|p| p.as_str().to_owned()),
            email,
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
    let co_applicants = errors
        .take("co_applicants", optional_text(&form.co_applicants, 5_000))
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if co_applicants.len() > 200 {
        errors.add("co_applicants", "error.too_long");
    }
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
                phone,
                email,
                address,
            },
            channel,
            co_applicants,
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

/// A subject compared loosely: case, spacing and punctuation do not matter.
fn same_subject(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

/// What registration needs besides the parsed form.
struct Intake<'a> {
    owner: Option<UserId>,
    by: &'a User,
    received_at: Timestamp,
    contested: Option<Contested>,
}

#[allow(clippy::too_many_lines)] // the whole initial state, field by field
/// Registers a parsed appeal inside an open transaction: number, deadline, repeated and
/// duplicate flags, attachments, first event, indexes, the applicant's notice and routing.
fn register_in(ctx: &Ctx, tx: &mut WriteTx, parsed: &Parsed, intake: &Intake) -> Result<Appeal> {
    let calendar = ctx.calendar();
    let registered_on = registration_date(
        ctx.local(intake.received_at),
        ctx.rules.close_of_business,
        &calendar,
    );
    let term = tx.term(parsed.kind)?;
    let deadline = due_date(registered_on, term, ctx.rules.counting_rule, &calendar);
    let year = registered_on.year();
    let actor = actor(intake.by);
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
    let mut links = Links {
        contested: intake.contested.clone(),
        ..Links::default()
    };
    let anonymous = parsed.applicant.tax_id.is_anonymous();
    let earlier_appeals = if anonymous {
        Vec::new()
    } else {
        tx.appeals_of_tax_id(parsed.applicant.tax_id.as_str(), 200)?
    };
    for earlier in earlier_appeals {
        if !same_subject(&earlier.subject, &parsed.subject) {
            continue;
        }
        if earlier.status == Status::Closed && links.repeated_of.is_none() {
            links.repeated_of = Some((earlier.id, earlier.number));
        } else if !earlier.status.is_terminal() && links.duplicate_of.is_none() {
            links.duplicate_of = Some((earlier.id, earlier.number));
        }
    }
    let mut attachments = Vec::with_capacity(parsed.files.len());
    for file in &parsed.files {
        attachments.push(tx.insert_attachment(id, intake.by.id, file)?);
    }
    let appeal = Appeal {
        id,
        number,
        kind: parsed.kind,
        channel: parsed.channel,
        applicant: parsed.applicant.clone(),
        co_applicants: parsed.co_applicants.clone(),
        owner: intake.owner,
        unit: parsed.unit,
        category: parsed.category,
        subject: parsed.subject.clone(),
        description: parsed.description.clone(),
        attachments,
        received_at: intake.received_at,
        registered_on: deadline.registered_on,
        due: deadline.due,
        due_provisional: deadline.provisional,
        basis: DeadlineBasis {
            term,
            rule: ctx.rules.counting_rule,
            skipped_days_off: deadline.skipped_days_off,
        },
        registered_by: actor.clone(),
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
        links,
        events: 1,
    };
    let event = super::history::event(
        ctx,
        None,
        &appeal,
        Change::Registered(Box::new(appeal.clone())),
        actor,
        intake.received_at,
    );
    tx.insert_appeal(&appeal, &event)?;
    if let Some(owner) = appeal.owner {
        tx.enqueue_notice(
            owner,
            appeal.id,
            appeal.number,
            NoticeKind::Registered,
            intake.received_at,
        )?;
    }
    super::routing::route_by_rule(ctx, tx, appeal)
}

fn register(
    ctx: &Ctx,
    parsed: &Parsed,
    owner: Option<UserId>,
    by: &User,
    received_at: Timestamp,
) -> Result<Appeal> {
    let intake = Intake {
        owner,
        by,
        received_at,
        contested: None,
    };
    let appeal = ctx
        .store
        .write(|tx| register_in(ctx, tx, parsed, &intake))?;
    // Logged once the appeal is on disk.
    log::info!(
        "appeal {} (id {}): registered by user {} via {}: {}",
        appeal.number,
        appeal.id.0,
        by.id.0,
        appeal.channel.code(),
        appeal.status.code()
    );
    Ok(appeal)
}

/// An applicant files an appeal online (after agreeing to the terms).
pub fn file(ctx: &Ctx, applicant: &User, form: &AppealForm, uploads: &[Upload]) -> Result<Appeal> {
    let parsed = parse_own(ctx, applicant, form, uploads)?;
    register(ctx, &parsed, Some(applicant.id), applicant, ctx.now())
}

/// "Sign and send": [`file`](fn@file) with the applicant's ЭЦП over the appeal's canonical text
/// (`ecp::appeal_text`). A signature that does not verify, or names someone else, registers
/// nothing; a good one is kept with the registration step.
pub fn file_signed(
    ctx: &Ctx,
    applicant: &User,
    form: &AppealForm,
    uploads: &[Upload],
    cms: &str,
) -> Result<Appeal> {
    let parsed = parse_own(ctx, applicant, form, uploads)?;
    let signed = super::ecp::check_appeal(ctx, applicant, form, uploads, cms)?;
    let intake = Intake {
        owner: Some(applicant.id),
        by: applicant,
        received_at: signed.verified_at,
        contested: None,
    };
    let appeal = ctx.store.write(|tx| {
        let appeal = register_in(ctx, tx, &parsed, &intake)?;
        let mut signature = signed.clone();
        signature.appeal = appeal.id;
        tx.put_signature(&signature)?;
        Ok::<_, Error>(appeal)
    })?;
    log::info!(
        "appeal {} (id {}): registered with the applicant's ЭЦП (certificate {})",
        appeal.number,
        appeal.id.0,
        signed.signer.serial_hex
    );
    Ok(appeal)
}

/// Parses an applicant's own form: identity always comes from the account.
fn parse_own(ctx: &Ctx, applicant: &User, form: &AppealForm, uploads: &[Upload]) -> Result<Parsed> {
    if !applicant.is_applicant() || applicant.terms_accepted_at.is_none() {
        return Err(Error::Forbidden);
    }
    let mut form = form.clone();
    let own = AppealForm::prefilled(applicant);
    form.applicant_kind = own.applicant_kind;
    form.tax_id = own.tax_id;
    parse_form(ctx, &form, uploads, false)
}

/// The applicant complains about the answer to one of their appeals (art. 91-92): a linked
/// complaint appeal, registered in the same transaction that records the link. It gets the
/// complaint term, and the signer of the contested answer may not handle it (art. 97 ч.2).
/// After the window (3 or 6 months from when the answer reached the applicant) it is still
/// registered (art. 92 ч.3, art. 64 ч.1) and marked late with `late_reason`.
pub fn file_complaint(
    ctx: &Ctx,
    applicant: &User,
    contested: AppealId,
    form: &AppealForm,
    late_reason: &str,
    uploads: &[Upload],
) -> Result<Appeal> {
    let mut form = form.clone();
    AppealKind::Complaint.code().clone_into(&mut form.kind);
    super::checked_write::decide_then_write(
        ctx,
        |tx| {
            let original = tx
                .appeal(contested)?
                .filter(|a| a.owner == Some(applicant.id))
                .ok_or(Error::NotFound)?;
            let mut form = form.clone();
            if form.unit.is_empty() {
                form.unit = original.unit.0.to_string();
            }
            if form.category.is_empty() {
                form.category = original.category.0.to_string();
            }
            // A late reason that is too long is named beside the form's other refusals.
            let reason = optional_text(late_reason, super::lifecycle::SHORT_TEXT_MAX);
            let parsed = match (parse_own(ctx, applicant, &form, uploads), reason) {
                (Ok(parsed), Ok(reason)) => (parsed, reason),
                (Err(Error::Invalid(mut errors)), Err(key)) => {
                    errors.add("late_reason", key);
                    return Err(Error::Invalid(errors));
                }
                (Ok(_), Err(key)) => {
                    let mut errors = FieldErrors::default();
                    errors.add("late_reason", key);
                    return Err(Error::Invalid(errors));
                }
                (Err(error), _) => return Err(error),
            };
            let calendar = ctx.calendar();
            let moment = super::moment(ctx, &calendar);
            // The link is decided before anything is registered; the write fills in the
            // complaint's id and number.
            let probe = Command::LinkComplaint {
                complaint: AppealId(0),
                number: original.number,
            };
            decide(&original, probe, &actor(applicant), moment)?;
            let learned_on = Appeal::answer_received_on(&tx.events(original.id)?);
            let late = complaint_is_late(&original, learned_on, moment.today)
                .then(|| complaint_deadline(&original, learned_on))
                .flatten();
            Ok((original, (parsed, late, moment.now)))
        },
        |tx, original, ((parsed, reason), late, now)| {
            let signer = original
                .answer
                .as_ref()
                .and_then(|a| a.signed.as_ref())
                .and_then(|s| s.by.user);
            let intake = Intake {
                owner: Some(applicant.id),
                by: applicant,
                received_at: *now,
                contested: Some(Contested {
                    appeal: original.id,
                    number: original.number,
                    signer,
                }),
            };
            let mut complaint = register_in(ctx, tx, parsed, &intake)?;
            let link = Change::ComplaintFiled {
                complaint: complaint.id,
                number: complaint.number,
            };
            super::lifecycle::store_change(ctx, tx, original, link, actor(applicant), *now)?;
            if let Some(window_ended) = *late {
                complaint = super::lifecycle::mark_filed_late(
                    ctx,
                    tx,
                    &complaint,
                    window_ended,
                    reason,
                    applicant,
                    *now,
                )?;
            }
            Ok(complaint)
        },
    )
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
        .read(|tx| tx.user_id_by_login(&LoginKey::TaxId(parsed.applicant.tax_id.clone())))?;
    register(ctx, &parsed, owner, clerk, ctx.now())
}

/// An appeal with its history, as one viewer may see it.
#[derive(Debug, Clone)]
pub struct AppealView {
    /// Current state (without the applicant's personal data and files when withheld).
    pub appeal: Appeal,
    /// The steps this viewer may see, oldest first (staff notes are left out for applicants;
    /// personal data and files too when withheld).
    pub events: Vec<Event>,
    /// The applicant's personal data, or that it is withheld from this viewer.
    pub personal: Personal,
}

/// What a member of staff opens an appeal for: the audit trail says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The appeal page (and its re-display after a refused step).
    Page,
    /// The registration receipt.
    Receipt,
}

impl Reading {
    fn code(self) -> &'static str {
        match self {
            Reading::Page => "page",
            Reading::Receipt => "receipt",
        }
    }
}

/// Whether `viewer` may see `appeal`.
pub(super) fn can_see(viewer: &User, appeal: &Appeal) -> bool {
    if viewer.is_applicant() {
        appeal.owner == Some(viewer.id)
    } else {
        !viewer.roles().is_empty()
    }
}

/// One appeal with its history; "not found" for anyone who may not see it. The owner's first
/// look at an answered appeal is recorded as the day the answer reached them (art. 92 ч.1).
pub fn view(
    ctx: &Ctx,
    viewer: &User,
    id: AppealId,
    reading: Reading,
    origin: Origin<'_>,
) -> Result<AppealView> {
    let view = read_view(ctx, viewer, id, reading, origin)?;
    if first_look_at_answer(viewer, &view)
        && super::lifecycle::record_answer_received(ctx, viewer, id)?
    {
        return read_view(ctx, viewer, id, reading, origin);
    }
    Ok(view)
}

/// The complaint window of an answered appeal as its history stands: the last day in time,
/// and whether a complaint filed today is late (art. 92).
pub fn complaint_window(ctx: &Ctx, view: &AppealView) -> Option<(jiff::civil::Date, bool)> {
    let learned_on = Appeal::answer_received_on(&view.events);
    let last_day = complaint_deadline(&view.appeal, learned_on)?;
    Some((last_day, ctx.today() > last_day))
}

/// Writes that `viewer` (staff) saw the applicant's personal data of `appeal`, in its own
/// small transaction after the read.
fn audit_personal_view(
    ctx: &Ctx,
    viewer: &User,
    appeal: &Appeal,
    what: &str,
    origin: Origin<'_>,
) -> Result<()> {
    let now = ctx.now();
    let detail = format!("{} (#{}): {what}", appeal.number, appeal.id.0);
    ctx.store.write(|tx| {
        security::record(
            tx,
            now,
            AuditKind::PersonalDataViewed,
            (Some(viewer.id), viewer.sign_in_name()),
            origin.address,
            &detail,
        )
    })
}

/// The appeal as `viewer` may see it. The applicant's
/// personal data and files come only to those whose work needs them
/// ([`privacy::may_see_personal`]); each time staff get them, the audit trail records who,
/// when and which appeal. When that record cannot be written (a full disk), the page still
/// comes, with the data withheld.
fn read_view(
    ctx: &Ctx,
    viewer: &User,
    id: AppealId,
    reading: Reading,
    origin: Origin<'_>,
) -> Result<AppealView> {
    let mut view = ctx.store.read(|tx| view_in(tx, viewer, id))?;
    audit_or_withhold(ctx, viewer, &mut view, reading, origin);
    Ok(view)
}

/// The appeal and its history as `viewer` may see them, read in the caller's snapshot: the
/// personal data withheld where their work does not need it, but not yet audited where it
/// does ([`audit_or_withhold`] must follow before it is shown).
pub(super) fn view_in(tx: &impl Tx, viewer: &User, id: AppealId) -> Result<AppealView> {
    let mut appeal = tx
        .appeal(id)?
        .filter(|a| can_see(viewer, a))
        .ok_or(Error::NotFound)?;
    let mut events = tx.events(id)?;
    if viewer.is_applicant() {
        events.retain(|e| e.change.visible_to_applicant());
    }
    let personal = privacy::read(viewer, &mut appeal);
    if personal.visible().is_none() {
        privacy::withhold_events(&mut events);
    }
    Ok(AppealView {
        appeal,
        events,
        personal,
    })
}

/// Records that staff got the personal data of `view` (after its read); when that record
/// cannot be written (a full disk), withholds the data instead.
pub(super) fn audit_or_withhold(
    ctx: &Ctx,
    viewer: &User,
    view: &mut AppealView,
    reading: Reading,
    origin: Origin<'_>,
) {
    if view.personal.visible().is_none() || viewer.is_applicant() {
        return;
    }
    if let Err(err) = audit_personal_view(ctx, viewer, &view.appeal, reading.code(), origin) {
        log::error!(
            "appeal {}: the view of its personal data could not be audited, so it is withheld: {err}",
            view.appeal.id.0
        );
        view.personal = privacy::withheld(&mut view.appeal);
        privacy::withhold_events(&mut view.events);
    }
}

/// Whether this look by `viewer` is the owner's first at the signed answer, which
/// [`view`] records as the day the answer reached them.
pub(super) fn first_look_at_answer(viewer: &User, view: &AppealView) -> bool {
    let answered = view
        .appeal
        .answer
        .as_ref()
        .is_some_and(|a| a.signed.is_some());
    answered
        && view.appeal.owner == Some(viewer.id)
        && viewer.is_applicant()
        && Appeal::answer_received_on(&view.events).is_none()
}

/// A file's metadata and bytes, for someone who may see its appeal's files (the owner, the
/// clerk, the director, the appeal's executors); "not found" for anyone else. Every download
/// by staff is audited first: without the record, no file.
pub fn attachment(
    ctx: &Ctx,
    viewer: &User,
    id: AttachmentId,
    origin: Origin<'_>,
) -> Result<(AttachmentMeta, Vec<u8>)> {
    let (meta, appeal) = ctx.store.read(|tx| {
        let meta = tx.attachment(id)?.ok_or(Error::NotFound)?;
        let appeal = tx.appeal(meta.appeal)?.ok_or(Error::NotFound)?;
        Ok::<_, Error>((meta, appeal))
    })?;
    if !can_see(viewer, &appeal) || !privacy::may_see_personal(viewer, &appeal) {
        return Err(Error::NotFound);
    }
    if !viewer.is_applicant() {
        audit_personal_view(ctx, viewer, &appeal, &format!("file {}", meta.name), origin)?;
    }
    let bytes = ctx.store.read(|tx| tx.attachment_bytes(id))?;
    Ok((meta, bytes))
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

/// Files as uploaded, checked and named (for the lifecycle's forms).
pub(super) fn checked_files(ctx: &Ctx, uploads: &[Upload]) -> Result<Vec<NewAttachment>> {
    let mut errors = FieldErrors::default();
    let files = parse_files(ctx, uploads, &mut errors);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(Error::Invalid(errors))
    }
}

#[cfg(test)]
pub(crate) mod tests;
