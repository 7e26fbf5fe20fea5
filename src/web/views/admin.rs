//! The admin's pages: institution profile, units, categories, staff accounts.

use maud::{Markup, html};

use super::components::{Input, csrf, error_summary, input};
use super::layout::{Chrome, page};
use crate::domain::field::FieldErrors;
use crate::domain::institution::{Category, Unit};
use crate::domain::lang::Names;
use crate::domain::user::{Role, User};
use crate::web::forms::Form;
use crate::web::paths;

/// The settings page's model.
#[derive(Debug, Clone)]
pub struct SettingsPage<'a> {
    /// Profile values (stored, or as typed before a refusal).
    pub profile: &'a Form,
    /// Refused profile fields.
    pub errors: &'a FieldErrors,
    /// Units.
    pub units: &'a [Unit],
    /// Categories.
    pub categories: &'a [Category],
    /// A notice after a successful save.
    pub saved: bool,
    /// Automatic daily backups: folder, how many are kept, and (day, bytes) of those there.
    pub backups: (&'a str, usize, &'a [(jiff::civil::Date, u64)]),
}

fn names_form(
    c: &Chrome,
    action: &str,
    names: Option<&Names>,
    active: bool,
    submit: &'static str,
) -> Markup {
    let empty = Names::default();
    let n = names.unwrap_or(&empty);
    let id = action.replace('/', "-");
    html! {
        form.filters method="post" action=(action) {
            (csrf(c))
            div.field { label for=(format!("{id}-kk")) { "Қазақша *" } input id=(format!("{id}-kk")) name="kk" value=(n.kk) required; }
            div.field { label for=(format!("{id}-ru")) { "Русский *" } input id=(format!("{id}-ru")) name="ru" value=(n.ru) required; }
            div.field { label for=(format!("{id}-en")) { "English" } input id=(format!("{id}-en")) name="en" value=(n.en); }
            div.check {
                input type="checkbox" id=(format!("{id}-active")) name="active" value="yes" checked[active];
                label for=(format!("{id}-active")) { (c.t("admin.active")) }
            }
            button type="submit" { (c.t(submit)) }
        }
    }
}

/// The automatic backups and the download of a copy now.
fn backups_card(
    c: &Chrome,
    (folder, keep, copies): (&str, usize, &[(jiff::civil::Date, u64)]),
) -> Markup {
    html! {
        section.card {
            h2 { (c.t("daily_backups.title")) }
            @if keep == 0 {
                p { (c.t("daily_backups.off")) }
            } @else {
                p { (c.t("daily_backups.policy")) " " code { (folder) } " · " (c.t("daily_backups.keep")) " " (keep) }
                @if copies.is_empty() {
                    p { (c.t("daily_backups.none_yet")) }
                } @else {
                    table {
                        thead { tr { th { (c.t("daily_backups.day")) } th { (c.t("daily_backups.size")) } } }
                        tbody {
                            @for (day, bytes) in copies {
                                tr { td { (day.to_string()) } td { (format!("{}.{} MB", bytes / 1_000_000, bytes % 1_000_000 / 100_000)) } }
                            }
                        }
                    }
                }
            }
            p { a href=(paths::ADMIN_BACKUP) { (c.t("admin.backup")) } }
        }
    }
}

/// Profile, units and categories.
pub fn settings(c: &Chrome, p: &SettingsPage) -> Markup {
    let v = p.profile;
    page(
        c,
        c.t("admin.title"),
        html! {
            h1 { (c.t("admin.title")) }
            p { a href=(paths::ADMIN_STAFF) { (c.t("admin.staff")) } " · " a href=(super::calendar::ADMIN_CALENDAR) { (c.t("calendar.title")) } " · " a href=(paths::ADMIN_ROUTING) { (c.t("routing.title")) } " · " a href=(paths::ADMIN_TERMS) { (c.t("terms_table.title")) } " · " a href=(paths::ADMIN_AUDIT) { (c.t("audit.title")) } " · " a href=(paths::ADMIN_DELIVERIES) { (c.t("codes.deliveries_title")) } " · " a href=(paths::ADMIN_ECP) { (c.t("ecp.admin_title")) } }
            @if p.saved { p.notice.success role="status" { (c.t("admin.saved")) } }
            section.card {
                h2 { (c.t("admin.profile")) }
                (error_summary(c, p.errors))
                form.stack method="post" action=(paths::ADMIN_PROFILE) novalidate {
                    (csrf(c))
                    (input(c, p.errors, Input::text("name_kk", "admin.name_kk", v.get("name_kk"))))
                    (input(c, p.errors, Input::text("name_ru", "admin.name_ru", v.get("name_ru"))))
                    (input(c, p.errors, Input::text("name_en", "admin.name_en", v.get("name_en")).optional()))
                    (input(c, p.errors, Input::text("bin", "admin.bin", v.get("bin")).optional()))
                    (input(c, p.errors, Input::text("address", "admin.address", v.get("address")).optional()))
                    (input(c, p.errors, Input::text("director_name", "admin.director", v.get("director_name")).optional()))
                    (input(c, p.errors, Input::text("higher_body", "admin.higher_body", v.get("higher_body")).optional()))
                    p.actions { button.primary type="submit" { (c.t("admin.save")) } }
                }
            }
            (backups_card(c, p.backups))
            section.card {
                h2 { (c.t("admin.units")) }
                @for unit in p.units { (names_form(c, &paths::unit(unit.id), Some(&unit.names), unit.active, "admin.save")) }
                h3 { (c.t("admin.add_unit")) }
                (names_form(c, paths::ADMIN_UNITS, None, true, "admin.add"))
            }
            section.card {
                h2 { (c.t("admin.categories")) }
                @for cat in p.categories { (names_form(c, &paths::category(cat.id), Some(&cat.names), cat.active, "admin.save")) }
                h3 { (c.t("admin.add_category")) }
                (names_form(c, paths::ADMIN_CATEGORIES, None, true, "admin.add"))
            }
        },
    )
}

/// Staff accounts and the form to add one.
/// The staff page's model.
#[derive(Debug, Clone)]
pub struct StaffPage<'a> {
    /// Staff accounts.
    pub staff: &'a [User],
    /// The ЭЦП IIN of each staff member that has one, by user id.
    pub iins: &'a std::collections::BTreeMap<u64, String>,
    /// The new-account form as typed.
    pub values: &'a Form,
    /// Refused fields.
    pub errors: &'a FieldErrors,
    /// A notice after an account was created.
    pub created: bool,
}

/// Staff accounts, their ЭЦП IINs and the form for a new one.
pub fn staff(c: &Chrome, p: &StaffPage) -> Markup {
    let (staff, values, errors, created) = (p.staff, p.values, p.errors, p.created);
    page(
        c,
        c.t("admin.staff"),
        html! {
            h1 { (c.t("admin.staff")) }
            @if created { p.notice.success role="status" { (c.t("admin.staff_created")) } }
            div.table-wrap {
                table.list {
                    thead { tr {
                        th scope="col" { (c.t("admin.login")) }
                        th scope="col" { (c.t("register.full_name")) }
                        th scope="col" { (c.t("admin.roles")) }
                        th scope="col" { (c.t("admin.staff_iin")) }
                        th scope="col" { (c.t("admin.change_roles")) }
                    } }
                    tbody {
                        @for u in staff {
                            tr {
                                td { (u.sign_in_name()) }
                                td { (u.full_name.as_str()) }
                                td { @for (i, r) in u.roles().iter().enumerate() { @if i > 0 { ", " } (c.t(r.label_key())) } }
                                td {
                                    form.inline method="post" action=(paths::staff_iin(u.id.0)) {
                                        (csrf(c))
                                        input name="iin" inputmode="numeric" maxlength="12" size="12" aria-label=(c.t("admin.staff_iin")) value=(p.iins.get(&u.id.0).map_or("", String::as_str));
                                        button type="submit" { (c.t("admin.save")) }
                                    }
                                }
                                td {
                                    details {
                                        summary { (c.t("admin.change_roles")) }
                                        form.stack method="post" action=(paths::staff_member(u.id.0)) {
                                            (csrf(c))
                                            @for role in Role::ALL {
                                                @let id = format!("role-{}-{}", u.id.0, role.code());
                                                div.check {
                                                    input type="checkbox" id=(id) name="roles" value=(role.code()) checked[u.roles().has(role)];
                                                    label for=(id) { (c.t(role.label_key())) }
                                                }
                                            }
                                            @let active_id = format!("active-{}", u.id.0);
                                            div.check {
                                                input type="checkbox" id=(active_id) name="active" value="yes" checked[u.active];
                                                label for=(active_id) { (c.t("admin.active")) }
                                            }
                                            button type="submit" { (c.t("admin.save")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (c.t("admin.add_staff")) }
                (error_summary(c, errors))
                form.stack method="post" action=(paths::ADMIN_STAFF) novalidate {
                    (csrf(c))
                    (input(c, errors, Input::text("login", "admin.login", values.get("login"))))
                    (input(c, errors, Input::text("full_name", "register.full_name", values.get("full_name"))))
                    fieldset {
                        legend { (c.t("admin.roles")) }
                        @for role in Role::ALL {
                            div.check {
                                input type="checkbox" id=(format!("role-{}", role.code())) name="roles" value=(role.code())
                                    checked[values.all("roles").contains(&role.code())];
                                label for=(format!("role-{}", role.code())) { (c.t(role.label_key())) }
                            }
                        }
                        @if let Some(key) = errors.for_field("roles") { p.error role="alert" { (c.t(key)) } }
                    }
                    (input(c, errors, Input::text("password", "admin.initial_password", "").kind("password").hint("register.password_hint").autocomplete("new-password")))
                    p.actions { button.primary type="submit" { (c.t("admin.add")) } }
                }
            }
        },
    )
}
