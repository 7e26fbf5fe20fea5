//! Security pages: the user's own sessions, and the admin's audit trail with the password
//! reset.

use maud::{Markup, html};

use super::components::csrf;
use super::layout::{Chrome, page};
use crate::domain::security::{AuditEntry, AuditKind};
use crate::web::paths;

/// One session in the owner's list.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// Id for the end button.
    pub id: String,
    /// Local date and time it began.
    pub since: String,
    /// Local date and time it ends.
    pub until: String,
    /// Local date and time it was last used.
    pub seen: String,
    /// Address at sign-in.
    pub address: String,
    /// Browser at sign-in.
    pub device: String,
    /// The session showing this page.
    pub current: bool,
}

/// The user's active sessions, each with a button to end it.
pub fn sessions(c: &Chrome, rows: &[SessionRow], ended: bool) -> Markup {
    page(
        c,
        c.t("sessions.title"),
        html! {
            h1 { (c.t("sessions.title")) }
            @if ended { p.notice.success role="status" { (c.t("sessions.ended")) } }
            p { (c.t("sessions.intro")) }
            div.table-wrap {
                table.list {
                    thead { tr {
                        th scope="col" { (c.t("sessions.device")) }
                        th scope="col" { (c.t("sessions.address")) }
                        th scope="col" { (c.t("sessions.since")) }
                        th scope="col" { (c.t("sessions.seen")) }
                        th scope="col" { (c.t("sessions.until")) }
                        th scope="col" { span.visually-hidden { (c.t("sessions.end")) } }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { (row.device) @if row.current { " " strong { "(" (c.t("sessions.this_one")) ")" } } }
                                td { (row.address) }
                                td { (row.since) }
                                td { (row.seen) }
                                td { (row.until) }
                                td {
                                    @if !row.current {
                                        form method="post" action=(paths::session_end(&row.id)) {
                                            (csrf(c))
                                            button type="submit" { (c.t("sessions.end")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p {
                a href=(paths::PASSWORD) { (c.t("sessions.change_password")) }
                " · "
                a href=(paths::AUTHENTICATOR) { (c.t("authenticator.title")) }
                " · "
                a href=(paths::PASSKEYS) { (c.t("passkeys.title")) }
            }
        },
    )
}

/// The audit page's model.
#[derive(Debug, Clone)]
pub struct AuditPage<'a> {
    /// Entries with their ids and local times, newest first.
    pub entries: &'a [(u64, String, AuditEntry)],
    /// The filter as typed: kind code, text, from, to.
    pub kind: &'a str,
    /// Text filter.
    pub text: &'a str,
    /// From date (yyyy-mm-dd).
    pub from: &'a str,
    /// To date (yyyy-mm-dd).
    pub to: &'a str,
    /// Query string of the next page, if there is one.
    pub older: Option<String>,
    /// Query string of the same filter as CSV.
    pub csv: String,
    /// After a reset: the account and its one-time password.
    pub reset: Option<(&'a str, &'a str)>,
    /// A reset for a name nobody has.
    pub reset_unknown: bool,
    /// Whether staff must use an authenticator app.
    pub staff_need_authenticator: bool,
}

/// The security audit trail with filters, CSV export and the password reset form.
pub fn audit(c: &Chrome, p: &AuditPage) -> Markup {
    page(
        c,
        c.t("audit.title"),
        html! {
            h1 { (c.t("audit.title")) }
            form.filters method="get" action=(paths::ADMIN_AUDIT) {
                div.field {
                    label for="kind" { (c.t("audit.kind")) }
                    select id="kind" name="kind" {
                        option value="" { (c.t("audit.any_kind")) }
                        @for kind in AuditKind::ALL {
                            option value=(kind.code()) selected[p.kind == kind.code()] { (c.t(kind.label_key())) }
                        }
                    }
                }
                div.field { label for="q" { (c.t("audit.text")) } input id="q" name="q" value=(p.text); }
                div.field { label for="from" { (c.t("audit.from")) } input id="from" name="from" type="date" value=(p.from); }
                div.field { label for="to" { (c.t("audit.to")) } input id="to" name="to" type="date" value=(p.to); }
                button type="submit" { (c.t("audit.filter")) }
            }
            p { a href=(format!("{}?{}", paths::ADMIN_AUDIT, p.csv)) download { (c.t("audit.csv")) } }
            div.table-wrap {
                table.list {
                    thead { tr {
                        th scope="col" { (c.t("audit.when")) }
                        th scope="col" { (c.t("audit.kind")) }
                        th scope="col" { (c.t("audit.name")) }
                        th scope="col" { (c.t("audit.address")) }
                        th scope="col" { (c.t("audit.detail")) }
                    } }
                    tbody {
                        @for (_, when, e) in p.entries {
                            tr.alarm[e.kind.is_alarm()] {
                                td { (when) }
                                td { (c.t(e.kind.label_key())) }
                                td { (e.name) }
                                td { (e.address) }
                                td { (e.detail) }
                            }
                        }
                    }
                }
            }
            @if p.entries.is_empty() { p { (c.t("audit.none")) } }
            @if let Some(older) = &p.older {
                p { a href=(format!("{}?{older}", paths::ADMIN_AUDIT)) { (c.t("audit.older")) } }
            }
            section.card {
                h2 { (c.t("authenticator.policy_title")) }
                form.stack method="post" action=(paths::ADMIN_SIGN_IN_POLICY) {
                    (csrf(c))
                    div.check {
                        input type="checkbox" id="staff-need-authenticator" name="staff_need_authenticator" value="yes" checked[p.staff_need_authenticator];
                        label for="staff-need-authenticator" { (c.t("authenticator.policy_staff")) }
                    }
                    p.actions { button type="submit" { (c.t("admin.save")) } }
                }
            }
            section.card {
                h2 { (c.t("audit.reset_title")) }
                p { (c.t("audit.reset_intro")) }
                @if let Some((name, password)) = p.reset {
                    p.notice.success role="status" {
                        (c.t("audit.reset_done")) " " strong { (name) } ": " code { (password) }
                    }
                }
                @if p.reset_unknown { p.notice.error role="alert" { (c.t("audit.reset_unknown")) } }
                form.stack method="post" action=(paths::ADMIN_RESET_PASSWORD) {
                    (csrf(c))
                    div.field {
                        label for="reset-name" { (c.t("audit.reset_name")) }
                        input id="reset-name" name="name" required autocomplete="off";
                    }
                    p.actions { button type="submit" { (c.t("audit.reset_submit")) } }
                }
            }
        },
    )
}
