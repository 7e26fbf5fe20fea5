//! Small building blocks shared by pages: form fields with their errors, status chips.

use jiff::civil::Date;
use maud::{Markup, html};

use super::layout::Chrome;
use crate::domain::field::FieldErrors;
use crate::domain::kind::Status;
use crate::domain::lifecycle::Action;

/// The hidden CSRF field every form carries.
pub fn csrf(c: &Chrome) -> Markup {
    html! { input type="hidden" name="csrf" value=(c.csrf); }
}

/// A date as `dd.mm.yyyy`.
pub fn date(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

/// A field's error message (in the page language) and the ids that tie it to the control.
fn error_of<'a>(c: &'a Chrome, errors: &FieldErrors, name: &str) -> Option<&'a str> {
    errors.for_field(name).map(|key| c.tr.t(key))
}

/// Options of a text input.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Field name.
    pub name: &'a str,
    /// Label key.
    pub label: &'static str,
    /// Current value (kept after a refusal).
    pub value: &'a str,
    /// `text`, `email`, `tel`, `password`, `search`.
    pub kind: &'a str,
    /// Whether the field is required.
    pub required: bool,
    /// Optional hint key.
    pub hint: Option<&'static str>,
    /// Browser autocomplete token.
    pub autocomplete: &'a str,
}

impl<'a> Input<'a> {
    /// A required text field.
    pub fn text(name: &'a str, label: &'static str, value: &'a str) -> Self {
        Self {
            name,
            label,
            value,
            kind: "text",
            required: true,
            hint: None,
            autocomplete: "off",
        }
    }

    /// Same field, with another input type.
    #[must_use]
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    /// Same field, optional.
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// Same field, with a hint.
    #[must_use]
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Same field, with an autocomplete token.
    #[must_use]
    pub fn autocomplete(mut self, token: &'a str) -> Self {
        self.autocomplete = token;
        self
    }
}

/// A labelled input with its hint and error.
pub fn input(c: &Chrome, errors: &FieldErrors, f: Input) -> Markup {
    let error = error_of(c, errors, f.name);
    let id = c.field_id(f.name);
    let described = described_by(&id, f.hint.is_some(), error.is_some());
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (c.t(f.label)) @if f.required { " *" } }
            input id=(id) name=(f.name) type=(f.kind) value=(f.value) required[f.required]
                autocomplete=(f.autocomplete)
                aria-invalid=[error.is_some().then_some("true")]
                aria-describedby=[described.as_deref()];
            @if let Some(hint) = f.hint { p.hint id=(format!("{id}-hint")) { (c.t(hint)) } }
            @if let Some(error) = error { p.error id=(format!("{id}-error")) role="alert" { (error) } }
        }
    }
}

/// The `aria-describedby` of the control `id`: its hint and its error, when shown.
pub fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled textarea with its error.
pub fn textarea(
    c: &Chrome,
    errors: &FieldErrors,
    name: &str,
    label: &'static str,
    value: &str,
    rows: u8,
) -> Markup {
    let error = error_of(c, errors, name);
    let id = c.field_id(name);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (c.t(label)) " *" }
            textarea id=(id) name=(name) rows=(rows) required
                aria-invalid=[error.is_some().then_some("true")]
                aria-describedby=[described_by(&id, false, error.is_some())] { (value) }
            @if let Some(error) = error { p.error id=(format!("{id}-error")) role="alert" { (error) } }
        }
    }
}

/// A labelled select; `options` are (value, shown text).
pub fn select(
    c: &Chrome,
    errors: &FieldErrors,
    name: &str,
    label: &'static str,
    options: &[(String, String)],
    selected: &str,
    required: bool,
) -> Markup {
    let error = error_of(c, errors, name);
    let id = c.field_id(name);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (c.t(label)) @if required { " *" } }
            select id=(id) name=(name) required[required]
                aria-invalid=[error.is_some().then_some("true")]
                aria-describedby=[described_by(&id, false, error.is_some())] {
                option value="" { (c.t("form.choose")) }
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
            @if let Some(error) = error { p.error id=(format!("{id}-error")) role="alert" { (error) } }
        }
    }
}

/// File types the attachment picker offers (the service checks the content anyway).
const ACCEPT_FILES: &str = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png";

/// The attachments picker (field `files`) with an optional hint and its error.
pub fn files(c: &Chrome, errors: &FieldErrors, hint: Option<&str>) -> Markup {
    let error = error_of(c, errors, "files");
    let id = c.field_id("files");
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (c.t("form.files")) }
            input id=(id) name="files" type="file" multiple accept=(ACCEPT_FILES)
                aria-invalid=[error.is_some().then_some("true")]
                aria-describedby=[described_by(&id, hint.is_some(), error.is_some())];
            @if let Some(hint) = hint { p.hint id=(format!("{id}-hint")) { (hint) } }
            @if let Some(error) = error { p.error id=(format!("{id}-error")) role="alert" { (error) } }
        }
    }
}

/// The label key of field `name` on the current page, for the error summary: the same label
/// the field shows. A few names mean different fields on different pages (`name`, `password`,
/// `code`, `address`), told apart by the path; the card's `text` and `until` by the step (scope).
fn label_key(c: &Chrome, name: &str) -> Option<&'static str> {
    let on = |prefix: &str| c.path.starts_with(prefix);
    Some(match name {
        "text" => super::actions::text_label_key(Action::from_code(c.scope)?)?,
        "until" if Action::from_code(c.scope) == Some(Action::StartHearing) => {
            "field.objections_until"
        }
        "until" => "field.until",
        "kind" => "appeal.kind",
        "unit" => "appeal.unit",
        "category" => "appeal.category",
        "subject" => "appeal.subject",
        "description" => "appeal.description",
        "co_applicants" => "appeal.co_applicants",
        "files" => "form.files",
        "channel" => "appeal.channel",
        "applicant_kind" => "register.kind",
        "tax_id" => "register.tax_id",
        "name" if on("/login") || on("/password") => "login.name",
        "name" if on("/account/passkeys") => "passkeys.add_name",
        "full_name" | "name" => "register.full_name",
        "phone" => "register.phone",
        "email" => "register.email",
        "address" if on("/admin") => "admin.address",
        "address" => "register.address",
        "password" if on("/admin") => "admin.initial_password",
        "password" if on("/account/password") => "password.new",
        "password" if on("/account") => "password.current",
        "password" if on("/login") => "login.password",
        "password" => "register.password",
        "password_again" => "register.password_again",
        "current" => "password.current",
        "code" if on("/account/authenticator") || on("/login/authenticator") => {
            "authenticator.code"
        }
        "code" => "codes.code",
        "note" => "field.note",
        "outcome" => "appeal.outcome",
        "executor" => "appeal.executor",
        "ground" => "field.ground",
        "to" => "field.to",
        "letter_number" => "field.letter_number",
        "part" => "field.part",
        "comment" => "field.comment",
        "hearing_waiver" => "field.hearing_waiver",
        "score" => "field.score",
        "login" => "admin.login",
        "bin" => "admin.bin",
        "director_name" => "admin.director",
        "higher_body" => "admin.higher_body",
        "name_kk" => "admin.name_kk",
        "name_ru" => "admin.name_ru",
        "name_en" => "admin.name_en",
        "date" => "calendar.date",
        "reason" => "calendar.reason",
        _ => return None,
    })
}

/// One line of the error summary: "Label: message", the message's first letter lowered
/// unless it opens an abbreviation (ЖСН, IIN).
fn summary_line(label: &str, message: &str) -> String {
    let label = label.trim_end_matches(['*', ' ', ':']);
    let mut chars = message.chars();
    let message = match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(message.chars().skip(1))
            .collect(),
        _ => message.to_owned(),
    };
    format!("{label}: {message}")
}

/// The list of problems at the top of a refused form; each line names its field.
pub fn error_summary(c: &Chrome, errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.notice.error role="alert" tabindex="-1" id="form-errors" {
                p { strong { (c.t("form.has_errors")) } }
                ul {
                    @for e in &errors.0 {
                        li { a href=(format!("#{}", c.field_id(&e.field))) {
                            @match label_key(c, &e.field) {
                                Some(label) => (summary_line(c.t(label), c.t(e.key))),
                                None => (c.t(e.key)),
                            }
                        } }
                    }
                }
            }
        }
    }
}

/// A status chip.
pub fn status(c: &Chrome, status: Status) -> Markup {
    html! { span class=(format!("status status-{}", status.code())) { (c.t(status.label_key())) } }
}

/// A file size in KB or MB.
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = bytes * 10 / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::summary_line;

    #[test]
    fn a_summary_line_names_its_field() {
        assert_eq!(
            summary_line("Subject *", "Fill in this field"),
            "Subject: fill in this field"
        );
        assert_eq!(summary_line("Тақырып", "Толтырыңыз"), "Тақырып: толтырыңыз");
        // An abbreviation keeps its capitals.
        assert_eq!(summary_line("ЖСН/БСН", "ЖСН қате"), "ЖСН/БСН: ЖСН қате");
    }
}
