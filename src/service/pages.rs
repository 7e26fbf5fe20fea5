//! Read models of the pages: everything one page shows, read in one store snapshot with the
//! clock read once, the page chrome (institution, unread notices) from the same snapshot.
//!
//! A handler calls one function here and renders what it returns; it never reads the store
//! itself. Writes a page causes (the audit record of a view of personal data, the day an
//! answer reached its applicant) happen after the snapshot, in their own transactions.

use jiff::civil::Date;

use super::appeals::{self, AppealView, Reading};
use super::registry::{self, RegistryQuery};
use super::security::Origin;
use super::{Ctx, Error, Result, ecp, lifecycle};
use crate::domain::appeal::AppealId;
use crate::domain::deadline::add_working_days;
use crate::domain::institution::{Category, Institution, Unit};
use crate::domain::lifecycle::Moment;
use crate::domain::user::User;
use crate::store::{
    QueueCounts, QueueReads, ReadTx, RegistryReads, SettingsReads, SignatureReads, StoredSignature,
    Tx,
};

/// What every page shows besides its own content.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The institution (its name heads the page).
    pub institution: Institution,
    /// Unread notices of the signed-in user (0 for a visitor).
    pub unread: usize,
}

/// The chrome, read in the caller's snapshot.
fn chrome_in(tx: &impl Tx, user: Option<&User>) -> crate::store::Result<Chrome> {
    Ok(Chrome {
        institution: tx.institution()?,
        unread: match user {
            Some(user) => super::notices::unread_in(tx, user)?,
            None => 0,
        },
    })
}

/// The chrome alone, for pages without a read model of their own (forms, errors) and for the
/// home page, which shows nothing else from the store.
pub fn chrome(ctx: &Ctx, user: Option<&User>) -> Result<Chrome> {
    Ok(ctx.store.read(|tx| chrome_in(tx, user))?)
}

/// The registry as one member of staff sees it.
#[derive(Debug, Clone)]
pub struct RegistryPage {
    /// The chrome.
    pub chrome: Chrome,
    /// The rows of this page (personal data withheld where the viewer may not see it) and
    /// the cursor of the next.
    pub rows: crate::store::RegistryPage,
    /// The work-queue counts.
    pub counts: QueueCounts,
    /// Every unit (the filter's list).
    pub units: Vec<Unit>,
    /// Staff appeals can be assigned to, by name (the filter's list).
    pub executors: Vec<User>,
    /// Today in the institution's zone.
    pub today: Date,
    /// The last day that counts as "due soon" (3 working days on).
    pub soon_until: Date,
    /// For each complaint on the page not yet passed up, the day it must be by.
    pub pass_up: Vec<(AppealId, Date)>,
}

/// One page of the registry, for staff.
pub fn registry(ctx: &Ctx, staff: &User, query: &RegistryQuery) -> Result<RegistryPage> {
    if staff.is_applicant() || staff.roles().is_empty() {
        return Err(Error::Forbidden);
    }
    let today = ctx.local(ctx.now()).date();
    let zone = &ctx.rules.time_zone;
    let (mut page, filter) = ctx.store.read(|tx| {
        let calendar = tx.calendar()?;
        let soon_until = add_working_days(today, 3, &calendar);
        let filter = registry::filter_on(query, today, soon_until);
        let rows = tx.registry(&filter)?;
        let pass_up = rows
            .appeals
            .iter()
            .filter_map(|a| {
                crate::domain::lifecycle::pass_up_due(a, zone, &calendar).map(|d| (a.id, d))
            })
            .collect();
        let page = RegistryPage {
            chrome: chrome_in(tx, Some(staff))?,
            counts: tx.queue_counts(staff.id, today, soon_until)?,
            units: tx.units()?,
            executors: registry::executors_in(tx)?,
            today,
            soon_until,
            pass_up,
            rows,
        };
        Ok::<_, Error>((page, filter))
    })?;
    registry::withhold_for(staff, &filter, &mut page.rows.appeals);
    Ok(page)
}

/// The appeal card (or the applicant's appeal page).
#[derive(Debug)]
pub struct AppealPage {
    /// The chrome.
    pub chrome: Chrome,
    /// The appeal and its history as the viewer may see them.
    pub view: AppealView,
    /// The steps the viewer may take now.
    pub available: Vec<crate::domain::lifecycle::Action>,
    /// Whether the applicant may complain about the answer.
    pub may_complain: bool,
    /// Staff the appeal can be routed to (only when routing is offered; never the signer of
    /// a contested answer).
    pub executors: Vec<User>,
    /// Every unit.
    pub units: Vec<Unit>,
    /// Every category.
    pub categories: Vec<Category>,
    /// The answer text to sign with ЭЦП, base64, when signing is offered and set up.
    pub ecp_sign: Option<String>,
    /// The signatures kept with the appeal that the viewer may see.
    pub signatures: Vec<StoredSignature>,
    /// For a complaint: the contested appeal, as the viewer may see it.
    pub contested: Option<AppealView>,
    /// For a complaint not yet passed up: the day it must be passed to the higher body by
    /// (staff only).
    pub pass_up_by: Option<Date>,
    /// Numbers of the letters (forwarding, passing up) sent after their 3 working days.
    pub late_letters: Vec<String>,
    /// Today in the institution's zone.
    pub today: Date,
}

/// One appeal's page for `viewer`; "not found" for anyone who may not see it. Like
/// [`appeals::view`], the owner's first look at the signed answer is recorded (and the page
/// then read again, once in the appeal's life), and staff's view of personal data audited.
pub fn appeal(
    ctx: &Ctx,
    viewer: &User,
    id: AppealId,
    reading: Reading,
    origin: Origin<'_>,
) -> Result<AppealPage> {
    let mut page = read_appeal(ctx, viewer, id)?;
    if appeals::first_look_at_answer(viewer, &page.view)
        && lifecycle::record_answer_received(ctx, viewer, id)?
    {
        page = read_appeal(ctx, viewer, id)?;
    }
    let shown = page.view.personal.visible().is_some();
    appeals::audit_or_withhold(ctx, viewer, &mut page.view, reading, origin);
    if shown && page.view.personal.visible().is_none() {
        // Withheld after all: the draft's files left the text to sign, which would no longer
        // match the stored draft (and nothing can be signed on a disk that refused the audit).
        page.ecp_sign = None;
    }
    ecp::keep_seen(&page.view, &mut page.signatures);
    if let Some(contested) = &mut page.contested {
        let contested_id = contested.appeal.id;
        if appeals::first_look_at_answer(viewer, contested) {
            lifecycle::record_answer_received(ctx, viewer, contested_id)?;
        }
        appeals::audit_or_withhold(ctx, viewer, contested, reading, origin);
    }
    Ok(page)
}

/// The appeal page's snapshot.
fn read_appeal(ctx: &Ctx, viewer: &User, id: AppealId) -> Result<AppealPage> {
    let now = ctx.now();
    let zone = &ctx.rules.time_zone;
    let today = ctx.local(now).date();
    ctx.store.read(|tx| {
        let view = appeals::view_in(tx, viewer, id)?;
        let a = &view.appeal;
        let calendar = tx.calendar()?;
        let moment = Moment {
            now,
            today,
            calendar: &calendar,
            zone,
        };
        let available = lifecycle::available_at(viewer, a, moment);
        // The signer of a contested answer is not offered (art. 97 ч.2).
        let signer = a.links.contested.as_ref().and_then(|c| c.signer);
        let executors = if available.contains(&crate::domain::lifecycle::Action::Route) {
            registry::executors_in(tx)?
                .into_iter()
                .filter(|u| Some(u.id) != signer)
                .collect()
        } else {
            Vec::new()
        };
        let ecp_sign =
            if available.contains(&crate::domain::lifecycle::Action::Sign) && ecp::available(ctx) {
                ecp::answer_text(tx, a)?.map(|text| {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
                })
            } else {
                None
            };
        let contested = a
            .links
            .contested
            .as_ref()
            .and_then(|c| appeals::view_in(tx, viewer, c.appeal).ok());
        let late_letters = a
            .forwardings
            .iter()
            .map(|f| &f.letter)
            .chain(&a.sent_up)
            .filter(|l| crate::domain::lifecycle::sent_late(a, l, zone, &calendar))
            .map(|l| l.number.clone())
            .collect();
        Ok(AppealPage {
            chrome: chrome_in(tx, Some(viewer))?,
            available,
            may_complain: lifecycle::may_complain(viewer, a),
            executors,
            units: tx.units()?,
            categories: tx.categories()?,
            ecp_sign,
            signatures: tx.signatures_of(a.id)?,
            contested,
            pass_up_by: crate::domain::lifecycle::pass_up_due(a, zone, &calendar)
                .filter(|_| !viewer.is_applicant()),
            late_letters,
            today,
            view,
        })
    })
}

/// An appeal's receipt: its registration card with the institution's name, for printing.
#[derive(Debug)]
pub struct ReceiptPage {
    /// The chrome (the institution heads the receipt too).
    pub chrome: Chrome,
    /// The appeal as the viewer may see it.
    pub view: AppealView,
    /// Every unit (the appeal's is named).
    pub units: Vec<Unit>,
    /// Every category (the appeal's is named).
    pub categories: Vec<Category>,
}

/// The receipt of one appeal for `viewer`; "not found" for anyone who may not see it. As on
/// the appeal page, the owner's first look at a signed answer is recorded and staff's view of
/// personal data audited.
pub fn receipt(ctx: &Ctx, viewer: &User, id: AppealId, origin: Origin<'_>) -> Result<ReceiptPage> {
    let mut page = read_receipt(ctx, viewer, id)?;
    if appeals::first_look_at_answer(viewer, &page.view)
        && lifecycle::record_answer_received(ctx, viewer, id)?
    {
        page = read_receipt(ctx, viewer, id)?;
    }
    appeals::audit_or_withhold(ctx, viewer, &mut page.view, Reading::Receipt, origin);
    Ok(page)
}

/// The receipt's snapshot.
fn read_receipt(ctx: &Ctx, viewer: &User, id: AppealId) -> Result<ReceiptPage> {
    ctx.store.read(|tx| {
        Ok(ReceiptPage {
            view: appeals::view_in(tx, viewer, id)?,
            chrome: chrome_in(tx, Some(viewer))?,
            units: tx.units()?,
            categories: tx.categories()?,
        })
    })
}

/// The appeal form (the applicant's own, the clerk's on behalf of someone, or a complaint).
#[derive(Debug)]
pub struct AppealFormPage {
    /// The chrome.
    pub chrome: Chrome,
    /// Every unit (the form offers the active ones).
    pub units: Vec<Unit>,
    /// Every category (the form offers the active ones).
    pub categories: Vec<Category>,
    /// For a complaint: the appeal whose answer it contests, as the viewer may see it.
    pub contested: Option<AppealView>,
}

/// The appeal form's read model for `viewer` (`None` for a visitor); with `complaint`, the
/// contested appeal too ("not found" for anyone who may not see it), recorded and audited as
/// on its own page.
pub fn appeal_form(
    ctx: &Ctx,
    viewer: Option<&User>,
    complaint: Option<(AppealId, Origin<'_>)>,
) -> Result<AppealFormPage> {
    let contested_id = complaint.and_then(|(id, _)| viewer.map(|v| (v, id)));
    let read = || {
        ctx.store.read(|tx| {
            Ok::<_, Error>(AppealFormPage {
                contested: contested_id
                    .map(|(viewer, id)| appeals::view_in(tx, viewer, id))
                    .transpose()?,
                chrome: chrome_in(tx, viewer)?,
                units: tx.units()?,
                categories: tx.categories()?,
            })
        })
    };
    let mut page: AppealFormPage = read()?;
    if let (Some((viewer, id)), Some((_, origin))) = (contested_id, complaint) {
        if page
            .contested
            .as_ref()
            .is_some_and(|view| appeals::first_look_at_answer(viewer, view))
            && lifecycle::record_answer_received(ctx, viewer, id)?
        {
            page = read()?;
        }
        if let Some(view) = &mut page.contested {
            appeals::audit_or_withhold(ctx, viewer, view, Reading::Page, origin);
        }
    }
    Ok(page)
}

/// An admin page: the admin check, then `page` built in one snapshot beside its chrome.
fn admin_page<T>(
    ctx: &Ctx,
    admin: &User,
    page: impl FnOnce(&ReadTx, Chrome) -> crate::store::Result<T>,
) -> Result<T> {
    super::require_admin(admin)?;
    Ok(ctx.store.read(|tx| {
        let chrome = chrome_in(tx, Some(admin))?;
        page(tx, chrome)
    })?)
}

/// The admin's settings page: the profile, units and categories.
#[derive(Debug, Clone)]
pub struct SettingsPage {
    /// The chrome (its institution is the profile the form is filled with).
    pub chrome: Chrome,
    /// Every unit, active or not, in id order.
    pub units: Vec<Unit>,
    /// Every category, active or not, in id order.
    pub categories: Vec<Category>,
}

/// The admin's settings page in one snapshot.
pub fn settings(ctx: &Ctx, admin: &User) -> Result<SettingsPage> {
    admin_page(ctx, admin, |tx, chrome| {
        Ok(SettingsPage {
            chrome,
            units: tx.units()?,
            categories: tx.categories()?,
        })
    })
}

/// The admin's staff accounts page.
#[derive(Debug, Clone)]
pub struct StaffPage {
    /// The chrome.
    pub chrome: Chrome,
    /// Every staff account, in id order.
    pub staff: Vec<User>,
    /// The ЭЦП IIN recorded for each, by user id.
    pub iins: std::collections::BTreeMap<u64, String>,
}

/// The admin's staff accounts page in one snapshot.
pub fn staff(ctx: &Ctx, admin: &User) -> Result<StaffPage> {
    admin_page(ctx, admin, |tx, chrome| {
        let (staff, iins) = super::admin::staff_with_iins_in(tx)?;
        Ok(StaffPage {
            chrome,
            staff,
            iins,
        })
    })
}

/// The admin's routing rules page.
#[derive(Debug, Clone)]
pub struct RoutingPage {
    /// The chrome.
    pub chrome: Chrome,
    /// Every unit, in id order.
    pub units: Vec<Unit>,
    /// Every category, in id order.
    pub categories: Vec<Category>,
    /// The rule of each category that has one.
    pub rules: Vec<crate::domain::routing::RoutingRule>,
    /// Staff a rule may name, by name.
    pub executors: Vec<User>,
}

/// The admin's routing rules page in one snapshot.
pub fn routing(ctx: &Ctx, admin: &User) -> Result<RoutingPage> {
    use crate::store::RoutingReads;
    admin_page(ctx, admin, |tx, chrome| {
        Ok(RoutingPage {
            chrome,
            units: tx.units()?,
            categories: tx.categories()?,
            rules: tx.routing_rules()?,
            executors: registry::executors_in(tx)?,
        })
    })
}

/// The admin's page of terms per appeal type.
#[derive(Debug, Clone)]
pub struct TermsPage {
    /// The chrome.
    pub chrome: Chrome,
    /// The term of every appeal type, in `AppealKind::ALL` order.
    pub terms: Vec<(
        crate::domain::kind::AppealKind,
        crate::domain::deadline::Term,
    )>,
}

/// The admin's terms page in one snapshot.
pub fn terms(ctx: &Ctx, admin: &User) -> Result<TermsPage> {
    admin_page(ctx, admin, |tx, chrome| {
        Ok(TermsPage {
            chrome,
            terms: super::admin::terms_in(tx)?,
        })
    })
}

/// The admin's working-day calendar page.
#[derive(Debug, Clone)]
pub struct CalendarPage {
    /// The chrome.
    pub chrome: Chrome,
    /// The stored calendar (the built-in one while the admin has entered nothing).
    pub calendar: crate::domain::calendar::Calendar,
}

/// The admin's calendar page in one snapshot.
pub fn calendar(ctx: &Ctx, admin: &User) -> Result<CalendarPage> {
    admin_page(ctx, admin, |tx, chrome| {
        Ok(CalendarPage {
            chrome,
            calendar: tx.calendar()?,
        })
    })
}

/// A user's own sessions page.
#[derive(Debug, Clone)]
pub struct SessionsPage {
    /// The chrome.
    pub chrome: Chrome,
    /// The user's sessions still running, newest first.
    pub sessions: Vec<super::security::SessionView>,
}

/// The user's sessions page in one snapshot; `current_token` marks the one asking.
pub fn sessions(ctx: &Ctx, user: &User, current_token: Option<&str>) -> Result<SessionsPage> {
    let now = ctx.now();
    Ok(ctx.store.read(|tx| {
        Ok::<_, crate::store::Error>(SessionsPage {
            chrome: chrome_in(tx, Some(user))?,
            sessions: super::security::sessions_in(tx, user, current_token, now)?,
        })
    })?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::service::appeals::tests::{appeal_form, world};

    fn origin() -> Origin<'static> {
        Origin {
            address: "127.0.0.1",
            device: "test",
        }
    }

    /// The read snapshots `f` took.
    fn snapshots<T>(ctx: &Ctx, f: impl FnOnce() -> T) -> (T, u64) {
        let before = ctx.store.reads_begun();
        let value = f();
        (value, ctx.store.reads_begun() - before)
    }

    /// See: issue 13 (the appeal page opened about 13 read transactions) and issue 12.
    #[test]
    fn the_registry_and_appeal_pages_are_each_read_in_one_snapshot() {
        let w = world();
        let filed = appeals::file(&w.ctx, &w.applicant, &appeal_form(), &[]).unwrap();
        w.route(filed.id);
        crate::service::notices::deliver(&w.ctx, 100).unwrap();

        let (page, reads) = snapshots(&w.ctx, || {
            registry(&w.ctx, &w.clerk, &RegistryQuery::default()).unwrap()
        });
        assert_eq!(reads, 1, "registry");
        assert_eq!(page.rows.appeals.len(), 1);

        for viewer in [&w.clerk, &w.executor, &w.applicant] {
            let (page, reads) = snapshots(&w.ctx, || {
                appeal(&w.ctx, viewer, filed.id, Reading::Page, origin()).unwrap()
            });
            assert_eq!(reads, 1, "appeal page of {}", viewer.sign_in_name());
            assert_eq!(page.view.appeal.id, filed.id);
        }
        let (chrome, reads) = snapshots(&w.ctx, || chrome(&w.ctx, Some(&w.executor)).unwrap());
        assert_eq!((chrome.unread, reads), (1, 1), "the executor's new task");
    }
}
