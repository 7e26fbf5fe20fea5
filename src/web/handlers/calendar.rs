//! The admin's working-day calendar: days off and working days per year, confirmation.

use crate::web::Call;
use crate::web::error::WebError;
use crate::web::response::Response;
use crate::web::session::AdminUser;

/// GET /admin/calendar
pub fn show(_call: &Call, _who: &AdminUser) -> Result<Response, WebError> {
    Err(WebError::NotFound)
}

/// POST /admin/calendar (field `action`: add, remove, confirm)
pub fn update(_call: &Call, _who: &AdminUser) -> Result<Response, WebError> {
    Err(WebError::NotFound)
}
