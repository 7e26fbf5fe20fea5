//! The admin's settings and staff accounts.

use super::{ok, unprocessable};
use crate::domain::appeal::{CategoryId, UnitId};
use crate::domain::field::FieldErrors;
use crate::domain::user::Role;
use crate::service::admin::{self, NamesForm, ProfileForm};
use crate::service::auth::{self, StaffForm};
use crate::service::{self, backups, pages};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::forms::Form;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::AdminUser;
use crate::web::views;
use crate::web::views::admin::SettingsPage;

fn profile_values(form: &ProfileForm) -> Form {
    Form::from_pairs(vec![
        ("name_kk".into(), form.name_kk.clone()),
        ("name_ru".into(), form.name_ru.clone()),
        ("name_en".into(), form.name_en.clone()),
        ("bin".into(), form.bin.clone()),
        ("address".into(), form.address.clone()),
        ("director_name".into(), form.director_name.clone()),
        ("higher_body".into(), form.higher_body.clone()),
    ])
}

/// The settings page, its profile form filled with `values` (a refused form) or with the
/// stored profile.
fn settings_page(
    call: &Call,
    who: &AdminUser,
    values: Option<&Form>,
    errors: &FieldErrors,
    saved: bool,
) -> Result<maud::Markup, WebError> {
    let page = pages::settings(&call.app.ctx, &who.0)?;
    let stored;
    let values = if let Some(values) = values {
        values
    } else {
        stored = profile_values(&admin::profile_form(page.chrome.institution.clone()));
        &stored
    };
    let policy = &call.app.backups;
    let copies: Vec<(jiff::civil::Date, u64)> = backups::list(policy)
        .unwrap_or_else(|err| {
            log::warn!("listing backups: {err}");
            Vec::new()
        })
        .into_iter()
        .map(|f| (f.day, f.bytes))
        .collect();
    let folder = policy.folder.display().to_string();
    Ok(views::admin::settings(
        &call.chrome_of(&page.chrome),
        &SettingsPage {
            backups: (&folder, policy.keep, &copies),
            profile: values,
            errors,
            units: &page.units,
            categories: &page.categories,
            saved,
        },
    ))
}

/// GET /admin
pub fn settings(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let saved = call.query().get("saved") == "1";
    Ok(ok(settings_page(
        call,
        who,
        None,
        &FieldErrors::default(),
        saved,
    )?))
}

/// POST /admin/profile
pub fn save_profile(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let form = call.form();
    let input = ProfileForm {
        name_kk: form.string("name_kk"),
        name_ru: form.string("name_ru"),
        name_en: form.string("name_en"),
        bin: form.string("bin"),
        address: form.string("address"),
        director_name: form.string("director_name"),
        higher_body: form.string("higher_body"),
    };
    match admin::update_profile(&call.app.ctx, &who.0, &input) {
        Ok(()) => Ok(Response::see_other(&format!("{}?saved=1", paths::ADMIN))),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(settings_page(
            call,
            who,
            Some(&form),
            &errors,
            false,
        )?)),
        Err(other) => Err(other.into()),
    }
}

fn names_form(form: &Form) -> NamesForm {
    NamesForm {
        kk: form.string("kk"),
        ru: form.string("ru"),
        en: form.string("en"),
        active: form.checked("active"),
    }
}

fn after_save(result: service::Result<impl Sized>) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(Response::see_other(&format!("{}?saved=1", paths::ADMIN))),
        Err(service::Error::Invalid(_)) => Err(WebError::BadRequest),
        Err(other) => Err(other.into()),
    }
}

/// POST /admin/units[/{id}]
pub fn save_unit(call: &Call, who: &AdminUser, id: Option<UnitId>) -> Result<Response, WebError> {
    after_save(admin::save_unit(
        &call.app.ctx,
        &who.0,
        id,
        &names_form(&call.form()),
    ))
}

/// POST /admin/categories[/{id}]
pub fn save_category(
    call: &Call,
    who: &AdminUser,
    id: Option<CategoryId>,
) -> Result<Response, WebError> {
    after_save(admin::save_category(
        &call.app.ctx,
        &who.0,
        id,
        &names_form(&call.form()),
    ))
}

fn staff_page(
    call: &Call,
    who: &AdminUser,
    values: &Form,
    errors: &FieldErrors,
    created: bool,
) -> Result<maud::Markup, WebError> {
    let page = pages::staff(&call.app.ctx, &who.0)?;
    Ok(views::admin::staff(
        &call.chrome_of(&page.chrome),
        &views::admin::StaffPage {
            staff: &page.staff,
            iins: &page.iins,
            values,
            errors,
            created,
        },
    ))
}

/// POST /admin/staff/{id}: roles and whether the account may sign in.
pub fn update_staff(call: &Call, who: &AdminUser, id: u64) -> Result<Response, WebError> {
    let form = call.form();
    let roles: Vec<Role> = form
        .all("roles")
        .into_iter()
        .filter_map(Role::from_code)
        .collect();
    let active = form.get("active") == "yes";
    match admin::update_staff(
        &call.app.ctx,
        &who.0,
        crate::domain::user::UserId(id),
        &roles,
        active,
    ) {
        Ok(()) => Ok(Response::see_other(paths::ADMIN_STAFF)),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(staff_page(
            call,
            who,
            &Form::default(),
            &errors,
            false,
        )?)),
        Err(other) => Err(other.into()),
    }
}

/// POST /admin/staff/{id}/iin: the IIN a staff member's ЭЦП carries (empty removes it).
pub fn set_staff_iin(call: &Call, who: &AdminUser, id: u64) -> Result<Response, WebError> {
    let iin = call.form().get("iin").to_owned();
    match admin::set_staff_iin(&call.app.ctx, &who.0, crate::domain::user::UserId(id), &iin) {
        Ok(()) => Ok(Response::see_other(paths::ADMIN_STAFF)),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(staff_page(
            call,
            who,
            &Form::default(),
            &errors,
            false,
        )?)),
        Err(other) => Err(other.into()),
    }
}

/// GET /admin/staff
pub fn staff(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let created = call.query().get("created") == "1";
    Ok(ok(staff_page(
        call,
        who,
        &Form::default(),
        &FieldErrors::default(),
        created,
    )?))
}

/// POST /admin/staff
pub fn add_staff(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let form = call.form();
    let input = StaffForm {
        login: form.string("login"),
        full_name: form.string("full_name"),
        roles: form
            .all("roles")
            .into_iter()
            .filter_map(Role::from_code)
            .collect(),
        password: form.string("password"),
        must_change_password: true,
    };
    match auth::create_staff(&call.app.ctx, Some(&who.0), &input) {
        Ok(_) => Ok(Response::see_other(&format!(
            "{}?created=1",
            paths::ADMIN_STAFF
        ))),
        Err(service::Error::Invalid(errors)) => {
            Ok(unprocessable(staff_page(call, who, &form, &errors, false)?))
        }
        Err(other) => Err(other.into()),
    }
}
