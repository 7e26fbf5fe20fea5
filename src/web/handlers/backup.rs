//! The admin's backup download: a consistent copy of the store, taken while the desk keeps
//! working, sent as one redb file. The copy is built in memory (the response body is in memory
//! anyway), so nothing is left in the data directory if the transfer breaks.

use crate::web::Call;
use crate::web::error::WebError;
use crate::web::response::Response;
use crate::web::session::AdminUser;

/// GET /admin/backup: a consistent copy of the store as a download.
pub fn download(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let ctx = &call.app.ctx;
    let bytes = crate::service::backups::copy_for_download(ctx, &who.0)?;
    let stamp = ctx.local(ctx.now()).strftime("%Y%m%d-%H%M");
    log::info!(
        "request {}: backup copy of {} bytes for {}",
        call.req.id,
        bytes.len(),
        who.0.sign_in_name()
    );
    Ok(Response::bytes("application/octet-stream", bytes)
        .with_header(
            "content-disposition",
            format!("attachment; filename=\"otinish-{stamp}.redb\""),
        )
        .with_header("cache-control", "no-store"))
}
