//! The admin's settings: institution profile, units and categories.

use super::{Ctx, Error, Result};
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::deadline::{DayUnit, Term};
use crate::domain::field::{FieldErrors, optional_text, required_text};
use crate::domain::institution::{Category, Institution, Unit};
use crate::domain::kind::AppealKind;
use crate::domain::lang::Names;
use crate::domain::tax_id::TaxId;
use crate::domain::user::{Role, Roles, User};
use crate::store::{SettingsReads, TermReads};

/// The profile form, as typed.
#[derive(Debug, Clone, Default)]
pub struct ProfileForm {
    /// Name in Kazakh.
    pub name_kk: String,
    /// Name in Russian.
    pub name_ru: String,
    /// Name in English.
    pub name_en: String,
    /// BIN (optional).
    pub bin: String,
    /// Address.
    pub address: String,
    /// Director's full name.
    pub director_name: String,
    /// The higher body complaints go to.
    pub higher_body: String,
}

/// A name in three languages, as typed (units and categories).
#[derive(Debug, Clone, Default)]
pub struct NamesForm {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
    /// Whether it is offered on the appeal form.
    pub active: bool,
}

/// The first configuration of an empty store (`init` and `demo`).
#[derive(Debug, Clone)]
pub struct SetupForm {
    /// Profile.
    pub profile: ProfileForm,
    /// Units.
    pub units: Vec<NamesForm>,
    /// Categories.
    pub categories: Vec<NamesForm>,
}

fn names(kk: &str, ru: &str, en: &str) -> NamesForm {
    NamesForm {
        kk: kk.into(),
        ru: ru.into(),
        en: en.into(),
        active: true,
    }
}

impl SetupForm {
    /// A believable small institution: the Karasu district children's creativity centre.
    pub fn sample() -> Self {
        Self {
            profile: ProfileForm {
                name_kk: "Қостанай облысы әкімдігі білім басқармасының «Қарасу ауданының балалар шығармашылығы орталығы» КММ".into(),
                name_ru: "КГУ «Центр детского творчества Карасуского района» управления образования акимата Костанайской области".into(),
                name_en: "Karasu District Children's Creativity Centre, Kostanay Region".into(),
                bin: "150340001236".into(),
                address: "Қостанай облысы, Қарасу ауданы, Қарасу ауылы, Абай көшесі, 12".into(),
                director_name: "Серікова Гүлнар Бекқызы".into(),
                higher_body: "Қостанай облысы әкімдігінің білім басқармасы".into(),
            },
            units: vec![
                names("Әдістемелік бөлім", "Методический отдел", "Methodology unit"),
                names("Үйірмелер бөлімі", "Отдел кружковой работы", "Clubs and studios unit"),
            ],
            categories: vec![
                names("Үйірмеге қабылдау", "Запись в кружки", "Enrolment in clubs"),
                names("Іс-шаралар мен байқаулар", "Мероприятия и конкурсы", "Events and contests"),
                names("Ақылы қызметтер", "Платные услуги", "Paid services"),
                names("Қызметкерлердің әрекеттері", "Действия сотрудников", "Conduct of staff"),
                names("Басқа", "Другое", "Other"),
            ],
        }
    }
}

fn parse_profile(form: &ProfileForm) -> Result<Institution> {
    let mut errors = FieldErrors::default();
    let kk = errors.take("name_kk", required_text(&form.name_kk, 400));
    let ru = errors.take("name_ru", required_text(&form.name_ru, 400));
    let en = errors.take("name_en", optional_text(&form.name_en, 400));
    let bin = if form.bin.trim().is_empty() {
        Some(None)
    } else {
        errors.take(
            "bin",
            TaxId::parse(&form.bin).map(Some).map_err(|e| e.key()),
        )
    };
    let address = errors.take("address", optional_text(&form.address, 400));
    let director_name = errors.take("director_name", optional_text(&form.director_name, 200));
    let higher_body = errors
        .take("higher_body", optional_text(&form.higher_body, 300))
        .unwrap_or_default();
    match (kk, ru, en, bin, address, director_name) {
        (Some(kk), Some(ru), Some(en), Some(bin), Some(address), Some(director_name)) => {
            Ok(Institution {
                names: Names { kk, ru, en },
                bin,
                address,
                director_name,
                higher_body,
            })
        }
        _ => Err(Error::Invalid(errors)),
    }
}

fn parse_names(form: &NamesForm) -> Result<Names> {
    let mut errors = FieldErrors::default();
    let kk = errors.take("kk", required_text(&form.kk, 200));
    let ru = errors.take("ru", required_text(&form.ru, 200));
    let en = errors.take("en", optional_text(&form.en, 200));
    match (kk, ru, en) {
        (Some(kk), Some(ru), Some(en)) => Ok(Names { kk, ru, en }),
        _ => Err(Error::Invalid(errors)),
    }
}

/// Fills an empty store's profile, units and categories; does nothing if a profile exists.
pub fn setup_if_empty(ctx: &Ctx, form: &SetupForm) -> Result<bool> {
    let profile = parse_profile(&form.profile)?;
    let units: Vec<Names> = form.units.iter().map(parse_names).collect::<Result<_>>()?;
    let categories: Vec<Names> = form
        .categories
        .iter()
        .map(parse_names)
        .collect::<Result<_>>()?;
    ctx.store.write(|tx| {
        if !tx.institution()?.names.kk.is_empty() {
            return Ok(false);
        }
        tx.put_institution(&profile)?;
        for names in &units {
            let id = UnitId(u32::try_from(tx.next_in_sequence("unit")?).unwrap_or(u32::MAX));
            tx.put_unit(&Unit {
                id,
                names: names.clone(),
                active: true,
            })?;
        }
        for names in &categories {
            let id =
                CategoryId(u32::try_from(tx.next_in_sequence("category")?).unwrap_or(u32::MAX));
            tx.put_category(&Category {
                id,
                names: names.clone(),
                active: true,
            })?;
        }
        Ok(true)
    })
}

/// The institution's profile.
pub fn institution(ctx: &Ctx) -> Result<Institution> {
    Ok(ctx.store.read(|tx| tx.institution())?)
}

/// The term of every appeal type (the admin's table over the built-in defaults), read in the
/// caller's snapshot.
pub(super) fn terms_in(
    tx: &impl crate::store::Tx,
) -> crate::store::Result<Vec<(AppealKind, Term)>> {
    AppealKind::ALL
        .iter()
        .map(|k| Ok((*k, tx.term(*k)?)))
        .collect()
}

/// Sets the term of one type: 1 to 365 days, working or calendar.
pub fn set_term(ctx: &Ctx, admin: &User, kind: &str, days: &str, unit: &str) -> Result<()> {
    super::require_admin(admin)?;
    let mut errors = FieldErrors::default();
    let kind = errors.take("kind", AppealKind::from_code(kind).ok_or("error.required"));
    let days = errors.take(
        "days",
        days.trim()
            .parse::<u16>()
            .ok()
            .filter(|d| (1..=365).contains(d))
            .ok_or("error.days"),
    );
    let unit = errors.take(
        "unit",
        match unit {
            "working" => Ok(DayUnit::Working),
            "calendar" => Ok(DayUnit::Calendar),
            _ => Err("error.required"),
        },
    );
    let (Some(kind), Some(days), Some(unit)) = (kind, days, unit) else {
        return Err(Error::Invalid(errors));
    };
    ctx.store
        .write(|tx| tx.put_term(kind, Term { days, unit }))?;
    Ok(())
}

/// The profile form filled with the stored profile.
pub fn profile_form(institution: Institution) -> ProfileForm {
    ProfileForm {
        name_kk: institution.names.kk,
        name_ru: institution.names.ru,
        name_en: institution.names.en,
        bin: institution.bin.map(|b| b.to_string()).unwrap_or_default(),
        address: institution.address,
        director_name: institution.director_name,
        higher_body: institution.higher_body,
    }
}

/// Replaces the profile.
pub fn update_profile(ctx: &Ctx, admin: &User, form: &ProfileForm) -> Result<()> {
    super::require_admin(admin)?;
    let profile = parse_profile(form)?;
    ctx.store.write(|tx| tx.put_institution(&profile))?;
    Ok(())
}

/// Adds a unit (`id` = None) or renames/hides one.
pub fn save_unit(ctx: &Ctx, admin: &User, id: Option<UnitId>, form: &NamesForm) -> Result<UnitId> {
    super::require_admin(admin)?;
    let names = parse_names(form)?;
    ctx.store.write(|tx| {
        let id = match id {
            Some(id) => {
                tx.unit(id)?.ok_or(Error::NotFound)?;
                id
            }
            None => UnitId(u32::try_from(tx.next_in_sequence("unit")?).unwrap_or(u32::MAX)),
        };
        tx.put_unit(&Unit {
            id,
            names: names.clone(),
            active: form.active,
        })?;
        Ok(id)
    })
}

/// Adds a category (`id` = None) or renames/hides one.
pub fn save_category(
    ctx: &Ctx,
    admin: &User,
    id: Option<CategoryId>,
    form: &NamesForm,
) -> Result<CategoryId> {
    super::require_admin(admin)?;
    let names = parse_names(form)?;
    ctx.store.write(|tx| {
        let id = match id {
            Some(id) => {
                tx.category(id)?.ok_or(Error::NotFound)?;
                id
            }
            None => CategoryId(u32::try_from(tx.next_in_sequence("category")?).unwrap_or(u32::MAX)),
        };
        tx.put_category(&Category {
            id,
            names: names.clone(),
            active: form.active,
        })?;
        Ok(id)
    })
}

/// Every staff account, in id order, and the ЭЦП IIN recorded for each (by user id), read
/// in the caller's snapshot.
pub(super) fn staff_with_iins_in(
    tx: &impl crate::store::Tx,
) -> crate::store::Result<(Vec<User>, std::collections::BTreeMap<u64, String>)> {
    use crate::store::{StaffIinReads, UserReads};
    let staff = tx.staff()?;
    let iins = tx
        .staff_iins()?
        .into_iter()
        .map(|(iin, user)| (user.0, iin))
        .collect();
    Ok((staff, iins))
}

/// Sets (or with an empty `iin` removes) the IIN carried by a staff member's ЭЦП, so that they
/// can sign in with it (admin only). The IIN must be valid and not another staff member's.
pub fn set_staff_iin(
    ctx: &Ctx,
    admin: &User,
    staff: crate::domain::user::UserId,
    iin: &str,
) -> Result<()> {
    use crate::domain::security::AuditKind;
    use crate::store::UserReads;
    super::require_admin(admin)?;
    let iin = iin.trim();
    let parsed = if iin.is_empty() {
        None
    } else {
        match TaxId::parse(iin) {
            Ok(tax_id) => Some(tax_id.to_string()),
            Err(err) => {
                let mut errors = FieldErrors::default();
                errors.add("iin", err.key());
                return Err(Error::Invalid(errors));
            }
        }
    };
    let now = ctx.now();
    ctx.store.write(|tx| {
        let user = tx
            .user(staff)?
            .filter(|u| !u.is_applicant())
            .ok_or(Error::NotFound)?;
        tx.put_staff_iin(staff, parsed.as_deref())
            .map_err(|err| match err {
                crate::store::Error::Duplicate(_) => Error::field("iin", "error.taxid.taken"),
                other => Error::Store(other),
            })?;
        let detail = match &parsed {
            Some(iin) => format!("ЭЦП IIN {iin} set by {}", admin.sign_in_name()),
            None => format!("ЭЦП IIN removed by {}", admin.sign_in_name()),
        };
        super::security::record(
            tx,
            now,
            AuditKind::SecondFactorChanged,
            (Some(staff), user.sign_in_name()),
            "",
            &detail,
        )
    })
}

/// Changes a staff member's roles and whether the account may sign in (admin only). An admin
/// cannot take the admin role from themself or switch themself off, so the desk always keeps
/// an admin; a switched-off account's sessions end at once. Audited as a role change.
pub fn update_staff(
    ctx: &Ctx,
    admin: &User,
    staff: crate::domain::user::UserId,
    roles: &[Role],
    active: bool,
) -> Result<()> {
    use crate::domain::security::AuditKind;
    use crate::domain::user::Account;
    use crate::store::UserReads;
    super::require_admin(admin)?;
    let mut errors = FieldErrors::default();
    if roles.is_empty() {
        errors.add("roles", "error.required");
    }
    if staff == admin.id && (!roles.contains(&Role::Admin) || !active) {
        errors.add("roles", "admin.keep_own_admin");
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let now = ctx.now();
    ctx.store.write(|tx| {
        let mut user = tx
            .user(staff)?
            .filter(|u| !u.is_applicant())
            .ok_or(Error::NotFound)?;
        let before: Vec<&str> = Role::ALL
            .iter()
            .filter(|r| user.roles().has(**r))
            .map(|r| r.code())
            .collect();
        let before = format!(
            "{}{}",
            before.join("+"),
            if user.active { "" } else { " (off)" }
        );
        if let Account::Staff { roles: stored, .. } = &mut user.account {
            *stored = Roles::of(roles);
        }
        user.active = active;
        tx.update_user(&user)?;
        if !active {
            super::security::end_other_sessions(tx, staff, None)?;
        }
        let after: Vec<&str> = roles.iter().map(|r| r.code()).collect();
        let detail = format!(
            "{before} -> {}{} by {}",
            after.join("+"),
            if active { "" } else { " (off)" },
            admin.sign_in_name()
        );
        super::security::record(
            tx,
            now,
            AuditKind::RolesChanged,
            (Some(staff), user.sign_in_name()),
            "",
            &detail,
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::service::auth::{self, StaffForm};
    use crate::service::testing::ctx_at;
    use crate::store::UserReads;

    fn admin(ctx: &Ctx) -> User {
        let id = auth::create_staff(
            ctx,
            None,
            &StaffForm {
                login: "admin".into(),
                full_name: "Admin Person".into(),
                roles: vec![Role::Admin],
                password: "a long password".into(),
                must_change_password: false,
            },
        )
        .unwrap();
        ctx.store.read(|tx| tx.user(id)).unwrap().unwrap()
    }

    #[test]
    fn setup_happens_once() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        assert!(setup_if_empty(&ctx, &SetupForm::sample()).unwrap());
        assert!(!setup_if_empty(&ctx, &SetupForm::sample()).unwrap());
        assert_eq!(ctx.store.read(|tx| tx.units()).unwrap().len(), 2);
        assert_eq!(ctx.store.read(|tx| tx.categories()).unwrap().len(), 5);
    }

    #[test]
    fn the_admin_edits_the_profile_and_a_bad_bin_is_refused() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let admin = admin(&ctx);
        let mut form = SetupForm::sample().profile;
        form.director_name = "Ахметов Ержан".into();
        update_profile(&ctx, &admin, &form).unwrap();
        let stored = ctx.store.read(|tx| tx.institution()).unwrap();
        assert_eq!(profile_form(stored).director_name, "Ахметов Ержан");
        form.bin = "150340001237".into();
        let Err(Error::Invalid(errors)) = update_profile(&ctx, &admin, &form) else {
            panic!("expected refusal");
        };
        assert_eq!(errors.for_field("bin"), Some("error.taxid.check"));
    }

    #[test]
    fn units_are_added_renamed_and_hidden() {
        let ctx = ctx_at("2026-03-02T05:00:00Z");
        let admin = admin(&ctx);
        let id = save_unit(&ctx, &admin, None, &names("Бөлім", "Отдел", "Unit")).unwrap();
        let mut hidden = names("Бөлім 2", "Отдел 2", "");
        hidden.active = false;
        save_unit(&ctx, &admin, Some(id), &hidden).unwrap();
        let unit = ctx.store.read(|tx| tx.unit(id)).unwrap().unwrap();
        assert_eq!(unit.names.kk, "Бөлім 2");
        assert!(!unit.active);
        assert!(matches!(
            save_unit(&ctx, &admin, Some(UnitId(99)), &names("a", "b", "")),
            Err(Error::NotFound)
        ));
    }
}
