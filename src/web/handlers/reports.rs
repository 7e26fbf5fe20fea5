//! The report on appeals (page and downloads) and the registry export.

use super::ok;
use crate::domain::lang::Lang;
use crate::report::{self, Format, listing};
use crate::service::registry::RegistryQuery;
use crate::service::reports::{self as service, may_see_reports};
use crate::service::{self as services};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::forms::Form;
use crate::web::response::Response;
use crate::web::session::StaffUser;
use crate::web::views;
use crate::web::views::reports::ReportsPage;

fn report_lang(call: &Call, q: &Form) -> Lang {
    Lang::from_code(q.get("lang")).unwrap_or(call.visitor.lang)
}

fn attachment(content_type: &str, name: &str, body: Vec<u8>) -> Response {
    Response::bytes(content_type, body)
        .with_header(
            "content-disposition",
            format!("attachment; filename=\"{name}\""),
        )
        .with_header("cache-control", "private, no-store")
}

/// GET /reports: the period form and, for a valid period, the report.
pub fn show(call: &Call, who: &StaffUser) -> Result<Response, WebError> {
    if !may_see_reports(&who.0) {
        return Err(WebError::Forbidden);
    }
    let ctx = &call.app.ctx;
    let q = call.query();
    let lang = report_lang(call, &q);
    let report_tr = call.app.catalog.tr(lang);
    let (period, error) = match service::period(ctx, q.get("from"), q.get("to")) {
        Ok(period) => (Some(period), None),
        Err(services::Error::Invalid(errors)) => {
            let key = errors.0.first().map_or("report.error.date", |e| e.key);
            (None, Some(key))
        }
        Err(other) => return Err(other.into()),
    };
    let report = match period {
        Some(period) => Some(service::build(ctx, Some(&who.0), period, &mut |_, _| {})?),
        None => None,
    };
    let (from, to) = match (&report, period) {
        (Some(r), _) => (
            r.figures.period.from.to_string(),
            r.figures.period.to.to_string(),
        ),
        _ => (q.string("from"), q.string("to")),
    };
    let markup = views::reports::reports(
        &call.chrome(),
        &ReportsPage {
            from,
            to,
            lang,
            error,
            report: report.as_ref(),
            report_tr,
        },
    );
    if error.is_some() {
        Ok(Response::html(422, markup.into_string()))
    } else {
        Ok(ok(markup))
    }
}

/// GET /reports/download?format=pdf|docx|xlsx|csv|html&from=&to=&lang=[&table=]
pub fn download(call: &Call, who: &StaffUser) -> Result<Response, WebError> {
    if !may_see_reports(&who.0) {
        return Err(WebError::Forbidden);
    }
    let ctx = &call.app.ctx;
    let q = call.query();
    let format = Format::from_code(q.get("format")).ok_or(WebError::BadRequest)?;
    let table = Some(q.get("table")).filter(|t| !t.is_empty() && format == Format::Csv);
    let period = service::period(ctx, q.get("from"), q.get("to"))?;
    let report = service::build(ctx, Some(&who.0), period, &mut |_, _| {})?;
    let tr = call.app.catalog.tr(report_lang(call, &q));
    let bytes = report::render(&report, format, tr, table).map_err(|e| match e {
        report::Error::NoSuchTable(_) => WebError::NotFound,
        other @ report::Error::Writer { .. } => WebError::Internal(other.to_string()),
    })?;
    Ok(attachment(
        format.content_type(table.is_some()),
        &report::file_name(&report, format, table),
        bytes,
    ))
}

/// GET /registry/export?format=xlsx|csv with the registry's filters.
pub fn export(call: &Call, who: &StaffUser) -> Result<Response, WebError> {
    let q = call.query();
    // Every row matching the filters, not the page the cursor points at.
    let query = RegistryQuery {
        before: String::new(),
        ..super::registry::registry_query(&q)
    };
    let ctx = &call.app.ctx;
    let list = service::listing(ctx, &who.0, &query)?;
    let names = listing::Directory {
        units: &list.units,
        categories: &list.categories,
    };
    let tr = call.app.catalog.tr(call.visitor.lang);
    let stamp = ctx.today();
    match q.get("format") {
        "csv" => Ok(attachment(
            "text/csv; charset=utf-8",
            &format!("otinish-registry-{stamp}.csv"),
            listing::csv(&list.rows, names, tr).into_bytes(),
        )),
        "xlsx" => {
            let bytes = listing::xlsx(&list.rows, names, tr)
                .map_err(|e| WebError::Internal(e.to_string()))?;
            Ok(attachment(
                Format::Xlsx.content_type(false),
                &format!("otinish-registry-{stamp}.xlsx"),
                bytes,
            ))
        }
        _ => Err(WebError::BadRequest),
    }
}

/// GET /reports/style.css
pub fn stylesheet() -> Response {
    Response::bytes(
        "text/css; charset=utf-8",
        report::html::STYLESHEET.as_bytes().to_vec(),
    )
    .with_header("cache-control", "public, max-age=3600")
}
