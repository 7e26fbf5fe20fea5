//! The admin's working-day calendar: days off and working days per year, confirmation.

use jiff::civil::Date;

use super::{ok, unprocessable};
use crate::domain::calendar::DayOverride;
use crate::domain::field::FieldErrors;
use crate::service::{self, calendar, pages};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::forms::Form;
use crate::web::response::Response;
use crate::web::session::AdminUser;
use crate::web::views;
use crate::web::views::calendar::{CalendarPage, year_path};

fn notice(done: &str) -> Option<&'static str> {
    match done {
        "added" => Some("calendar.added"),
        "removed" => Some("calendar.removed"),
        "confirmed" => Some("calendar.year_confirmed"),
        _ => None,
    }
}

/// The year a request names, or this year.
fn year_or_this(call: &Call, value: &str) -> i16 {
    calendar::parse_year(value).unwrap_or_else(|| call.app.ctx.today().year())
}

fn calendar_page(
    call: &Call,
    who: &AdminUser,
    year: i16,
    values: &Form,
    errors: &FieldErrors,
    notice: Option<&'static str>,
) -> Result<maud::Markup, WebError> {
    let page = pages::calendar(&call.app.ctx, &who.0)?;
    let stored = &page.calendar;
    let overrides: Vec<(Date, DayOverride)> = stored
        .overrides()
        .iter()
        .filter(|(d, _)| d.year() == year)
        .map(|(d, day)| (*d, day.clone()))
        .collect();
    let builtin = calendar::builtin_days_off(year);
    let shown = |y: i16| calendar::YEARS.contains(&y).then_some(y);
    Ok(views::calendar::calendar(
        &call.chrome_of(&page.chrome),
        &CalendarPage {
            year,
            confirmed: stored.is_confirmed(year),
            builtin: &builtin,
            overrides: &overrides,
            previous: year.checked_sub(1).and_then(shown),
            next: year.checked_add(1).and_then(shown),
            values,
            errors,
            notice,
        },
    ))
}

fn done(year: i16, what: &str) -> Response {
    Response::see_other(&format!("{}&done={what}", year_path(year)))
}

/// GET /admin/calendar[?year=YYYY]
pub fn show(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let query = call.query();
    let year = year_or_this(call, query.get("year"));
    Ok(ok(calendar_page(
        call,
        who,
        year,
        &Form::default(),
        &FieldErrors::default(),
        notice(query.get("done")),
    )?))
}

/// POST /admin/calendar (field `action`: add, remove, confirm)
pub fn update(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let form = call.form();
    let ctx = &call.app.ctx;
    match form.get("action") {
        "add" => {
            let input = calendar::OverrideForm {
                date: form.string("date"),
                kind: form.string("kind"),
                reason: form.string("reason"),
            };
            match calendar::add_override(ctx, &who.0, &input) {
                Ok(date) => Ok(done(date.year(), "added")),
                Err(service::Error::Invalid(errors)) => {
                    let year = year_or_this(call, form.get("year"));
                    Ok(unprocessable(calendar_page(
                        call, who, year, &form, &errors, None,
                    )?))
                }
                Err(other) => Err(other.into()),
            }
        }
        "remove" => {
            let date: Date = form.get("date").parse().map_err(|_| WebError::BadRequest)?;
            calendar::remove_override(ctx, &who.0, date)?;
            Ok(done(date.year(), "removed"))
        }
        "confirm" => {
            let year = calendar::parse_year(form.get("year")).ok_or(WebError::BadRequest)?;
            calendar::confirm_year(ctx, &who.0, year)?;
            Ok(done(year, "confirmed"))
        }
        _ => Err(WebError::BadRequest),
    }
}
