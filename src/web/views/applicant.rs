//! The applicant's pages: terms of use, cabinet, appeal form (shared with the clerk), receipt.

use jiff::civil::Date;
use maud::{Markup, html};

use super::components::{
    Input, csrf, date, error_summary, files, input, select, size, status, textarea,
};
use super::layout::{Chrome, page};
use crate::domain::appeal::Appeal;
use crate::domain::field::FieldErrors;
use crate::domain::institution::Institution;
use crate::domain::kind::{AppealKind, Channel};
use crate::domain::privacy::Personal;
use crate::domain::tax_id::ApplicantKind;
use crate::web::forms::Form;
use crate::web::paths;

/// The terms of use, with the agreement button until accepted.
pub fn terms(c: &Chrome, accepted: bool) -> Markup {
    page(
        c,
        c.t("terms.title"),
        html! {
            h1 { (c.t("terms.title")) }
            div.card {
                p { (c.t("terms.p1")) }
                p { (c.t("terms.p2")) }
                p { (c.t("terms.p3")) }
                p { (c.t("terms.p4")) }
            }
            @if accepted {
                p.notice.success { (c.t("terms.accepted")) }
            } @else {
                form.stack method="post" action=(paths::TERMS) {
                    (csrf(c))
                    div.check {
                        input type="checkbox" id="agree" name="agree" value="yes" required;
                        label for="agree" { (c.t("terms.agree")) }
                    }
                    p.actions { button.primary type="submit" { (c.t("terms.submit")) } }
                }
            }
        },
    )
}

/// The applicant's list of appeals.
pub fn cabinet(c: &Chrome, appeals: &[Appeal], today: Date) -> Markup {
    page(
        c,
        c.t("cabinet.title"),
        html! {
            h1 { (c.t("cabinet.title")) }
            // Hidden until the service worker shows this page from its offline copy.
            p.notice.offline-note role="status" { (c.t("offline.note")) " " time.seen-at {} }
            p.actions { a.btn.primary href=(paths::NEW_APPEAL) { (c.t("nav.new_appeal")) } }
            @if appeals.is_empty() {
                p.muted { (c.t("cabinet.empty")) }
            } @else {
                div.table-wrap {
                    // On phones each row becomes a card; `data-label` names its cells.
                    table.list.cards {
                        caption.visually-hidden { (c.t("cabinet.title")) }
                        thead { tr {
                            th scope="col" { (c.t("appeal.number")) }
                            th scope="col" { (c.t("appeal.subject")) }
                            th scope="col" { (c.t("appeal.kind")) }
                            th scope="col" { (c.t("appeal.status")) }
                            th scope="col" { (c.t("appeal.due")) }
                        } }
                        tbody {
                            @for a in appeals {
                                tr.overdue[a.is_overdue(today)] {
                                    td data-label=(c.t("appeal.number")) { a href=(paths::appeal(a.id)) { (a.number) } }
                                    td data-label=(c.t("appeal.subject")) { (a.subject) }
                                    td data-label=(c.t("appeal.kind")) { (c.t(a.kind.label_key())) }
                                    td data-label=(c.t("appeal.status")) { (status(c, a.status)) }
                                    td data-label=(c.t("appeal.due")) { (date(a.due)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// What the appeal form offers and keeps.
#[derive(Debug, Clone)]
pub struct AppealFormPage<'a> {
    /// Current values (prefilled, or as typed before a refusal).
    pub values: &'a Form,
    /// Refused fields.
    pub errors: &'a FieldErrors,
    /// Units as (id, name).
    pub units: Vec<(String, String)>,
    /// Categories as (id, name).
    pub categories: Vec<(String, String)>,
    /// The clerk's form (applicant identity and channel editable).
    pub on_behalf: bool,
    /// Where the form posts.
    pub action: String,
    /// Title key.
    pub title: &'static str,
    /// Attachments allowed.
    pub max_files: usize,
    /// MiB per attachment.
    pub max_mib: usize,
    /// Offer "Sign and send" with ЭЦП (the applicant's own appeal, ЭЦП set up).
    pub sign_and_send: bool,
    /// A complaint's form: the answer it contests (the type is then fixed).
    pub contested: Option<super::procedure::ContestedAnswer>,
    /// The token of the files held from a refused attempt (empty when none are).
    pub held_token: String,
    /// Those files.
    pub held: Vec<HeldUpload>,
}

/// A file sent with a refused form and held for the next attempt.
#[derive(Debug, Clone)]
pub struct HeldUpload {
    /// Its position in the holding (what the "remove" checkbox sends).
    pub index: usize,
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
}

/// The files already attached from a refused attempt: each stays unless its box is ticked.
fn held_files(c: &Chrome, token: &str, held: &[HeldUpload]) -> Markup {
    html! {
        @if !held.is_empty() {
            fieldset.held-files {
                legend { (c.t("pages.held_files")) }
                input type="hidden" name="uploads_token" value=(token);
                p.hint { (c.t("pages.held_files_hint")) }
                ul.files {
                    @for f in held {
                        @let id = format!("f-remove_upload-{}", f.index);
                        li {
                            span.held-name { (f.name) } " " span.muted { (size(f.size)) }
                            div.check {
                                input type="checkbox" id=(id) name="remove_upload" value=(f.index);
                                label for=(id) { (c.t("pages.remove_file")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The appeal form.
pub fn appeal_form(c: &Chrome, p: &AppealFormPage) -> Markup {
    let v = p.values;
    let kinds: Vec<(String, String)> = AppealKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), c.t(k.label_key()).to_owned()))
        .collect();
    let title = c.t(p.title);
    page(
        c,
        title,
        html! {
            h1 { (title) }
            (error_summary(c, p.errors))
            form.stack method="post" action=(paths::with_csrf(&p.action, &c.csrf)) enctype="multipart/form-data" novalidate {
                (csrf(c))
                @if let Some(contested) = &p.contested {
                    (super::procedure::complaint_intro(c, contested, p.errors, v.get("late_reason")))
                }
                fieldset {
                    legend { (c.t("form.appeal")) }
                    @if p.contested.is_some() {
                        p { (c.t("appeal.kind")) ": " strong { (c.t(AppealKind::Complaint.label_key())) } }
                        input type="hidden" name="kind" value=(AppealKind::Complaint.code());
                    } @else {
                        (select(c, p.errors, "kind", "appeal.kind", &kinds, v.get("kind"), true))
                    }
                    (select(c, p.errors, "unit", "appeal.unit", &p.units, v.get("unit"), true))
                    (select(c, p.errors, "category", "appeal.category", &p.categories, v.get("category"), true))
                    (input(c, p.errors, Input::text("subject", "appeal.subject", v.get("subject"))))
                    (textarea(c, p.errors, "description", "appeal.description", v.get("description"), 8))
                    div.field {
                        label for="f-co_applicants" { (c.t("appeal.co_applicants")) }
                        textarea id="f-co_applicants" name="co_applicants" rows="2" aria-describedby="f-co_applicants-hint" { (v.get("co_applicants")) }
                        p.hint id="f-co_applicants-hint" { (c.t("form.co_applicants_hint")) }
                    }
                    (held_files(c, &p.held_token, &p.held))
                    (files(c, p.errors, Some(&c.tr.fmt("form.files_hint", &[("n", &p.max_files.to_string()), ("mb", &p.max_mib.to_string())]))))
                }
                fieldset {
                    legend { (c.t(if p.on_behalf { "form.applicant" } else { "form.own_data" })) }
                    @if p.on_behalf {
                        div.check {
                            input type="checkbox" id="f-anonymous" name="anonymous" value="yes" checked[v.checked("anonymous")] aria-describedby="f-anonymous-hint";
                            label for="f-anonymous" { (c.t("form.anonymous")) }
                        }
                        p.hint id="f-anonymous-hint" { (c.t("form.anonymous_hint")) }
                        @let channels: Vec<(String, String)> = Channel::ALL.iter().filter(|ch| **ch != Channel::Portal)
                            .map(|ch| (ch.code().to_owned(), c.t(ch.label_key()).to_owned())).collect();
                        (select(c, p.errors, "channel", "appeal.channel", &channels, v.get("channel"), true))
                        @let kinds: Vec<(String, String)> = ApplicantKind::ALL.iter()
                            .map(|k| (k.code().to_owned(), c.t(if *k == ApplicantKind::Individual { "register.individual" } else { "register.legal" }).to_owned())).collect();
                        (select(c, p.errors, "applicant_kind", "register.kind", &kinds, v.get("applicant_kind"), true))
                        (input(c, p.errors, Input::text("tax_id", "register.tax_id", v.get("tax_id")).hint("register.tax_id_hint")))
                    } @else {
                        p.muted { (c.t("register.tax_id")) ": " strong { (v.get("tax_id")) } }
                    }
                    (input(c, p.errors, Input::text("name", "register.full_name", v.get("name")).autocomplete("name")))
                    (input(c, p.errors, Input::text("phone", "register.phone", v.get("phone")).kind("tel").autocomplete("tel")))
                    @if p.on_behalf {
                        (input(c, p.errors, Input::text("email", "register.email", v.get("email")).kind("email").optional()))
                    } @else {
                        (input(c, p.errors, Input::text("email", "register.email", v.get("email")).kind("email").autocomplete("email")))
                    }
                    (input(c, p.errors, Input::text("address", "register.address", v.get("address")).optional().autocomplete("street-address")))
                }
                p.actions { button.primary type="submit" { (c.t(if p.on_behalf { "form.submit_on_behalf" } else { "form.submit" })) } }
                @if p.sign_and_send { (super::ecp::sign_appeal(c)) }
            }
        },
    )
}

/// Names shown on a receipt or an appeal page.
#[derive(Debug, Clone)]
pub struct Names {
    /// Recipient unit.
    pub unit: String,
    /// Category.
    pub category: String,
}

/// The registration receipt (талон), one A4 page when printed.
pub fn receipt(
    c: &Chrome,
    a: &Appeal,
    personal: &Personal,
    institution: &Institution,
    names: &Names,
    fresh: bool,
) -> Markup {
    page(
        c,
        c.t("receipt.title"),
        html! {
            @if fresh { p.notice.success.no-print role="status" { (c.t("receipt.sent")) } }
            article.receipt {
                p.muted { (institution.names.get(c.tr.lang)) }
                h1 { (c.t("receipt.title")) }
                dl.facts {
                    dt { (c.t("appeal.number")) } dd { strong { (a.number) } }
                    dt { (c.t("receipt.received")) } dd { (c.time(a.received_at)) }
                    dt { (c.t("appeal.registered_on")) } dd { (date(a.registered_on)) }
                    dt { (c.t("appeal.due")) } dd { strong { (date(a.due)) } }
                    dt { (c.t("appeal.kind")) } dd { (c.t(a.kind.label_key())) }
                    dt { (c.t("appeal.unit")) } dd { (names.unit) }
                    dt { (c.t("appeal.category")) } dd { (names.category) }
                    dt { (c.t("appeal.subject")) } dd { (a.subject) }
                    dt { (c.t("appeal.applicant")) }
                    dd {
                        (a.applicant.name)
                        @if let Some(data) = personal.visible() { " (" (data.tax_id) ")" }
                    }
                    dt { (c.t("appeal.channel")) } dd { (c.t(a.channel.label_key())) }
                    dt { (c.t("receipt.registered_by")) } dd { (a.registered_by.name) }
                    @if personal.visible().is_some() {
                        dt { (c.t("appeal.files")) } dd { (a.attachments.len()) }
                    }
                }
                p.muted { (c.t("receipt.law")) }
            }
            p.actions.no-print {
                // app.js shows this button; without JavaScript the hint below says how to print.
                button.secondary type="button" data-print="" hidden { (c.t("pages.print")) }
                a.btn.primary href=(paths::appeal(a.id)) { (c.t("receipt.open")) }
            }
            p.muted.print-hint.no-print { (c.t("pages.print_hint")) }
        },
    )
}
