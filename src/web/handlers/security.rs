//! Security pages: the user's own sessions; the admin's audit trail (page and CSV) and
//! password reset.

use jiff::civil::Date;

use super::ok;
use crate::service::pages;
use crate::service::security::{self, AuditFilter, Origin};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::{AdminUser, AnyUser};
use crate::web::views;
use crate::web::views::security::{AuditPage, SessionRow};

fn local(call: &Call, at: jiff::Timestamp) -> String {
    call.app
        .ctx
        .local(at)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// GET /account/sessions
pub fn sessions(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let page = pages::sessions(&call.app.ctx, &who.0, call.visitor.token.as_deref())?;
    let rows: Vec<SessionRow> = page
        .sessions
        .into_iter()
        .map(|s| SessionRow {
            since: local(call, s.created_at),
            until: local(call, s.expires_at),
            seen: local(call, s.last_seen),
            id: s.id,
            address: s.address,
            device: s.device,
            current: s.current,
        })
        .collect();
    let ended = call.query().get("ended") == "1";
    Ok(ok(views::security::sessions(
        &call.chrome_of(&page.chrome),
        &rows,
        ended,
    )))
}

/// POST /account/sessions/{id}/end
pub fn end_session(call: &Call, who: &AnyUser, id: &str) -> Result<Response, WebError> {
    let (address, device) = call.client();
    security::end_session(
        &call.app.ctx,
        &who.0,
        id,
        Origin {
            address: &address,
            device: &device,
        },
    )?;
    Ok(Response::see_other(&format!("{}?ended=1", paths::SESSIONS)))
}

/// The filter from the query string; bad dates are ignored (the form shows what was typed).
fn audit_filter(call: &Call) -> AuditFilter {
    let q = call.query();
    let day_start = |text: &str| -> Option<jiff::Timestamp> {
        let date: Date = text.parse().ok()?;
        date.to_zoned(call.app.ctx.rules.time_zone.clone())
            .ok()
            .map(|z| z.timestamp())
    };
    AuditFilter {
        kind: crate::domain::security::AuditKind::from_code(q.get("kind")),
        text: q.get("q").chars().take(100).collect(),
        from: day_start(q.get("from")),
        until: q
            .get("to")
            .parse::<Date>()
            .ok()
            .and_then(|d| d.tomorrow().ok())
            .and_then(|d| day_start(&d.to_string())),
        before: q.get("before").parse().ok(),
    }
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish()
}

/// GET /admin/audit (and `?format=csv`)
pub fn audit(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    audit_page(call, who, None, false)
}

fn audit_page(
    call: &Call,
    who: &AdminUser,
    reset: Option<(&str, &str)>,
    reset_unknown: bool,
) -> Result<Response, WebError> {
    let ctx = &call.app.ctx;
    let filter = audit_filter(call);
    let q = call.query();
    let kept = [
        ("kind", q.get("kind")),
        ("q", q.get("q")),
        ("from", q.get("from")),
        ("to", q.get("to")),
    ];
    if q.get("format") == "csv" {
        let bytes = security::audit_csv(ctx, &who.0, &filter)?;
        return Ok(Response::bytes("text/csv; charset=utf-8", bytes)
            .with_header(
                "content-disposition",
                format!("attachment; filename=\"otinish-audit-{}.csv\"", ctx.today()),
            )
            .with_header("cache-control", "private, no-store"));
    }
    let found = security::audit(ctx, &who.0, &filter, security::AUDIT_PAGE + 1)?;
    let more = found.len() > security::AUDIT_PAGE;
    let entries: Vec<_> = found
        .into_iter()
        .take(security::AUDIT_PAGE)
        .map(|(id, e)| (id, local(call, e.at), e))
        .collect();
    let older = more
        .then(|| entries.last().map(|(id, _, _)| id.to_string()))
        .flatten()
        .map(|before| {
            let mut pairs = kept.to_vec();
            pairs.push(("before", &before));
            query_string(&pairs)
        });
    let mut csv_pairs = kept.to_vec();
    csv_pairs.push(("format", "csv"));
    let page = AuditPage {
        entries: &entries,
        kind: q.get("kind"),
        text: q.get("q"),
        from: q.get("from"),
        to: q.get("to"),
        older,
        csv: query_string(&csv_pairs),
        reset,
        reset_unknown,
        staff_need_authenticator: crate::service::authenticator::policy(ctx)?
            .staff_need_authenticator,
    };
    Ok(ok(views::security::audit(&call.chrome(), &page)))
}

/// POST /admin/reset-password: shows the one-time password once, on the audit page.
pub fn reset_password(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let form = call.form();
    let name = form.get("name").trim().to_owned();
    let (address, device) = call.client();
    match security::reset_password(
        &call.app.ctx,
        &who.0,
        &name,
        Origin {
            address: &address,
            device: &device,
        },
    ) {
        Ok(password) => audit_page(call, who, Some((&name, &password)), false)
            .map(|r| r.with_header("cache-control", "no-store")),
        Err(crate::service::Error::NotFound) => audit_page(call, who, None, true),
        Err(other) => Err(other.into()),
    }
}
