//! The admin's backup download.

use crate::web::Call;
use crate::web::error::WebError;
use crate::web::response::Response;
use crate::web::session::AdminUser;

/// GET /admin/backup: a consistent copy of the store as a download.
pub fn download(_call: &Call, _who: &AdminUser) -> Result<Response, WebError> {
    Err(WebError::NotFound)
}
