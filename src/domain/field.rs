//! Validated form values and the per-field errors that explain a refusal.
//!
//! Each `parse` turns raw text into a typed value or a [`FieldError`] whose `key` is a message
//! key the interface translates; nothing downstream re-checks a parsed value.

use std::borrow::Cow;

/// One refused field: which one, and the message key explaining why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name (a constant, or the name a request sent).
    pub field: Cow<'static, str>,
    /// Translation key of the message.
    pub key: &'static str,
}

/// Every refused field of one form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records a refusal.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, key: &'static str) {
        self.0.push(FieldError {
            field: field.into(),
            key,
        });
    }

    /// Keeps the value, or records the error and returns `None`.
    pub fn take<T>(&mut self, field: &'static str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(key) => {
                self.add(field, key);
                None
            }
        }
    }

    /// Whether nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message key for a field, if it was refused.
    pub fn for_field(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.key)
    }
}

/// Trims and checks a required text of at most `max` characters.
pub fn required_text(input: &str, max: usize) -> Result<String, &'static str> {
    let text = input.trim();
    if text.is_empty() {
        Err("error.required")
    } else if text.chars().count() > max {
        Err("error.too_long")
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        Err("error.control_chars")
    } else {
        Ok(text.replace("\r\n", "\n"))
    }
}

/// Trims and checks an optional text of at most `max` characters (empty is fine).
pub fn optional_text(input: &str, max: usize) -> Result<String, &'static str> {
    if input.trim().is_empty() {
        Ok(String::new())
    } else {
        required_text(input, max)
    }
}

/// A person's or organisation's name as it appears on documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    /// A value as the store holds it, checked when it was first stored (the store does not
    /// check again: a rule tightened later must not lock anyone out of an old account).
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// 2 to 200 characters, no control characters.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let text = required_text(input, 200)?;
        if text.contains('\n') || text.chars().count() < 2 {
            return Err("error.name");
        }
        Ok(Self(text))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number normalised to `+` and digits (Kazakhstan: `+7 7xx xxx xx xx`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// A value as the store holds it, checked when it was first stored (the store does not
    /// check again: a rule tightened later must not lock anyone out of an old account).
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// Accepts spaces, dashes and brackets; a local `8 7xx…` number becomes `+7 7xx…`.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("error.required");
        }
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
            || trimmed.chars().skip(1).any(|c| c == '+')
        {
            return Err("error.phone");
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let digits = if digits.len() == 11 && digits.starts_with('8') && !trimmed.starts_with('+') {
            format!("7{}", &digits[1..])
        } else {
            digits
        };
        if !(10..=15).contains(&digits.len()) {
            return Err("error.phone");
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address (a light check: one `@`, a dot in the domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// A value as the store holds it, checked when it was first stored (the store does not
    /// check again: a rule tightened later must not lock anyone out of an old account).
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// Lower-cases the domain part and checks the shape.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let text = input.trim();
        if text.is_empty() {
            return Err("error.required");
        }
        let Some((local, domain)) = text.split_once('@') else {
            return Err("error.email");
        };
        if local.is_empty()
            || text.len() > 254
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || text.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("error.email");
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy; only ever hashed, never stored.
pub struct NewPassword(String);

impl NewPassword {
    /// 10 to 128 characters, not only digits.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let count = input.chars().count();
        if count < 10 {
            Err("error.password_short")
        } else if count > 128 {
            Err("error.too_long")
        } else if input.chars().all(|c| c.is_ascii_digit()) {
            Err("error.password_digits")
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    /// The password text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A staff login name: 3 to 32 of `a-z 0-9 . _ -`, stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    /// A value as the store holds it, checked when it was first stored (the store does not
    /// check again: a rule tightened later must not lock anyone out of an old account).
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    /// Lower-cases and checks the characters.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let text = input.trim().to_lowercase();
        if text.is_empty() {
            return Err("error.required");
        }
        if !(3..=32).contains(&text.len())
            || !text.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
        {
            return Err("error.login");
        }
        Ok(Self(text))
    }

    /// The login.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_phone_numbers_normalise_to_plus_seven() {
        assert_eq!(
            Phone::parse("8 (701) 234-56-78").unwrap().as_str(),
            "+77012345678"
        );
        assert_eq!(
            Phone::parse("+7 701 234 56 78").unwrap().as_str(),
            "+77012345678"
        );
        assert_eq!(Phone::parse("phone"), Err("error.phone"));
        assert_eq!(Phone::parse("12"), Err("error.phone"));
        assert_eq!(Phone::parse("7+7012345678"), Err("error.phone"));
        assert_eq!(Phone::parse(" "), Err("error.required"));
    }

    #[test]
    fn emails_need_an_at_and_a_dotted_domain() {
        assert_eq!(
            Email::parse("Aigul@Mail.KZ").unwrap().as_str(),
            "Aigul@mail.kz"
        );
        for bad in [
            "aigul",
            "aigul@",
            "@mail.kz",
            "a@b",
            "a b@mail.kz",
            "a@@mail.kz",
            "a@mail.kz.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_ten_characters_and_not_only_digits() {
        assert!(NewPassword::parse("correct horse").is_ok());
        assert_eq!(
            NewPassword::parse("short").unwrap_err(),
            "error.password_short"
        );
        assert_eq!(
            NewPassword::parse("1234567890").unwrap_err(),
            "error.password_digits"
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse").unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn logins_are_lower_case_ascii() {
        assert_eq!(Login::parse(" Director ").unwrap().as_str(), "director");
        assert_eq!(Login::parse("ab"), Err("error.login"));
        assert_eq!(Login::parse("әкім"), Err("error.login"));
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(required_text("  hello ", 10).unwrap(), "hello");
        assert_eq!(required_text("   ", 10), Err("error.required"));
        assert_eq!(required_text("abcdef", 5), Err("error.too_long"));
        assert_eq!(required_text("a\u{0}b", 5), Err("error.control_chars"));
        assert_eq!(optional_text("", 5).unwrap(), "");
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic_and_are_idempotent(text in "\\PC{0,40}") {
            if let Ok(phone) = Phone::parse(&text) {
                proptest::prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()));
            }
            if let Ok(email) = Email::parse(&text) {
                proptest::prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
            if let Ok(login) = Login::parse(&text) {
                proptest::prop_assert_eq!(Login::parse(login.as_str()), Ok(login.clone()));
            }
            let _ = FullName::parse(&text);
        }
    }
}
