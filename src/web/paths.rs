//! Every URL of the interface, in one place; views and handlers never paste paths together.

use crate::domain::appeal::{AppealId, AttachmentId, CategoryId, UnitId};

/// Landing page.
pub const HOME: &str = "/";
/// Sign-in form.
pub const LOGIN: &str = "/login";
/// Sign-out (POST).
pub const LOGOUT: &str = "/logout";
/// Applicant registration.
pub const REGISTER: &str = "/register";
/// Terms of use (GET shows, POST accepts).
pub const TERMS: &str = "/terms";
/// The applicant's list of appeals.
pub const CABINET: &str = "/cabinet";
/// The applicant's appeal form.
pub const NEW_APPEAL: &str = "/appeals/new";
/// The staff registry.
pub const REGISTRY: &str = "/registry";
/// The clerk's form for paper, e-mail and walk-in appeals.
pub const REGISTRY_NEW: &str = "/registry/new";
/// The registry with its current filters as XLSX or CSV (`?format=`).
pub const REGISTRY_EXPORT: &str = "/registry/export";
/// The report on appeals (directors and admins).
pub const REPORTS: &str = "/reports";
/// The report as a file (`?format=pdf|docx|xlsx|csv&from=&to=&lang=`).
pub const REPORTS_DOWNLOAD: &str = "/reports/download";
/// The report's stylesheet (screen and A4 print).
pub const REPORTS_STYLE: &str = "/reports/style.css";
/// Admin: institution profile, units, categories.
pub const ADMIN: &str = "/admin";
/// Admin: profile form target.
pub const ADMIN_PROFILE: &str = "/admin/profile";
/// Admin: new unit.
pub const ADMIN_UNITS: &str = "/admin/units";
/// Admin: new category.
pub const ADMIN_CATEGORIES: &str = "/admin/categories";
/// Admin: download a consistent copy of the store.
pub const ADMIN_BACKUP: &str = "/admin/backup";
/// Admin: terms per appeal type.
pub const ADMIN_TERMS: &str = "/admin/terms";
/// Admin: routing rules.
pub const ADMIN_ROUTING: &str = "/admin/routing";
/// Admin: staff accounts.
pub const ADMIN_STAFF: &str = "/admin/staff";
/// Own password change.
pub const PASSWORD: &str = "/account/password";
/// Sign in with a one-time code: ask for it.
pub const LOGIN_CODE: &str = "/login/code";
/// Sign in with a one-time code: enter it (POST).
pub const LOGIN_CODE_VERIFY: &str = "/login/code/verify";
/// Forgotten password: ask for a code.
pub const PASSWORD_FORGOT: &str = "/password/forgot";
/// Forgotten password: the code and the new password (POST).
pub const PASSWORD_RESET: &str = "/password/reset";
/// Admin: messages sent through the e-mail and SMS gateways.
pub const ADMIN_DELIVERIES: &str = "/admin/deliveries";
/// Sign in with an electronic signature (ЭЦП) through `NCALayer`.
pub const LOGIN_ECP: &str = "/login/ecp";
/// Admin: the NCA certificates electronic signatures are checked against (POST re-reads them).
pub const ADMIN_ECP: &str = "/admin/ecp";
/// The authenticator app in the profile.
pub const AUTHENTICATOR: &str = "/account/authenticator";
/// Confirm a new authenticator with its first code (POST).
pub const AUTHENTICATOR_CONFIRM: &str = "/account/authenticator/confirm";
/// Remove the authenticator (POST).
pub const AUTHENTICATOR_REMOVE: &str = "/account/authenticator/remove";
/// Choose a code by SMS or e-mail as the second factor (POST).
pub const SECOND_FACTOR_CODE: &str = "/account/authenticator/code";
/// The code step of signing in.
pub const LOGIN_AUTHENTICATOR: &str = "/login/authenticator";
/// Admin: whether staff need an authenticator (POST).
pub const ADMIN_SIGN_IN_POLICY: &str = "/admin/sign-in-policy";
/// Sign in by QR code: the waiting browser's page.
pub const LOGIN_QR: &str = "/login/qr";
/// The waiting browser's QR code image.
pub const LOGIN_QR_SVG: &str = "/login/qr/image";

/// The phone's page for a QR code.
pub fn qr(token: &str) -> String {
    format!("/qr/{token}")
}

/// The phone's answer to a QR code (POST).
pub fn qr_answer(token: &str, approve: bool) -> String {
    format!("/qr/{token}/{}", if approve { "approve" } else { "deny" })
}

/// Admin: change a staff member's roles and active flag (POST).
pub fn staff_member(user: u64) -> String {
    format!("/admin/staff/{user}")
}

/// Admin: set a staff member's ЭЦП IIN (POST).
pub fn staff_iin(user: u64) -> String {
    format!("/admin/staff/{user}/iin")
}

/// Own active sessions.
pub const SESSIONS: &str = "/account/sessions";
/// Own passkeys (GET lists them, POST adds one).
pub const PASSKEYS: &str = "/account/passkeys";
/// Sign in with a passkey (GET asks the browser, POST checks its answer).
pub const LOGIN_PASSKEY: &str = "/login/passkey";

/// Removes one of the user's own passkeys (POST).
pub fn passkey_remove(id: &str) -> String {
    format!("/account/passkeys/{id}/remove")
}
/// Admin: the security audit trail (`?format=csv` for the file).
pub const ADMIN_AUDIT: &str = "/admin/audit";
/// Admin: set a one-time password for an account (POST).
pub const ADMIN_RESET_PASSWORD: &str = "/admin/reset-password";

/// Ends one of the user's own sessions (POST).
pub fn session_end(id: &str) -> String {
    format!("/account/sessions/{id}/end")
}
/// Language switch (POST).
pub const LANG: &str = "/lang";

/// One appeal's page (applicant view or staff card).
pub fn appeal(id: AppealId) -> String {
    format!("/appeals/{}", id.0)
}

/// The printable registration receipt.
pub fn receipt(id: AppealId) -> String {
    format!("/appeals/{}/receipt", id.0)
}

/// Take a step on an appeal (POST, with `action`).
pub fn act(id: AppealId) -> String {
    format!("/appeals/{}/act", id.0)
}

/// The applicant's complaint about an appeal's answer.
pub fn complaint(id: AppealId) -> String {
    format!("/appeals/{}/complaint", id.0)
}

/// The signed-in user's notices.
pub const NOTICES: &str = "/notices";

/// Download an attachment.
pub fn file(id: AttachmentId) -> String {
    format!("/files/{}", id.0)
}

/// Edit a unit (POST).
pub fn unit(id: UnitId) -> String {
    format!("/admin/units/{}", id.0)
}

/// Edit a category (POST).
pub fn category(id: CategoryId) -> String {
    format!("/admin/categories/{}", id.0)
}

/// Sign-in form that returns to `next` afterwards (the plain form when `next` is not
/// [`is_local`], e.g. too long to carry).
pub fn login_then(next: &str) -> String {
    if is_local(next) {
        format!("{LOGIN}?next={}", super::forms::encode(next))
    } else {
        LOGIN.to_owned()
    }
}

/// The longest `next` a redirect carries back (2 KiB): a request value copied into a
/// `Location` header must stay far below any header limit.
pub const MAX_NEXT: usize = 2048;

/// Whether `next` is a safe local path to redirect to: at most [`MAX_NEXT`] bytes, one leading
/// `/` (no scheme, no host, no `//`), no backslash and no control character.
pub fn is_local(next: &str) -> bool {
    next.len() <= MAX_NEXT
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_short_local_path_is_a_place_to_return_to() {
        assert!(is_local("/appeals/7?new=1"));
        let longest = format!("/{}", "a".repeat(MAX_NEXT - 1));
        assert!(is_local(&longest));
        assert!(!is_local(&format!("{longest}a")), "over 2 KiB");
        for bad in [
            "",
            "appeals",
            "//evil.example",
            "/\\evil",
            "https://evil.example",
            "/a\r\nb",
        ] {
            assert!(!is_local(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_sign_in_redirect_drops_a_path_too_long_to_carry() {
        assert_eq!(login_then("/registry"), "/login?next=%2Fregistry");
        assert_eq!(login_then(&format!("/{}", "a".repeat(MAX_NEXT))), LOGIN);
    }
}
