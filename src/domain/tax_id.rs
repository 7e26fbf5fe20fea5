//! Kazakh taxpayer numbers: IIN (ЖСН / ИИН) of individuals and BIN (БСН / БИН) of legal entities,
//! and the applicant kind they identify.
//!
//! Invariant: a [`TaxId`] always holds exactly 12 ASCII digits whose last digit is the check digit
//! of domain.md §6.2 (weights 1..11 mod 11, then 3..11,1,2 mod 11 when the first pass gives 10).
//! Nothing else is checked: since decree No. 853 (2013) the leading digits need not match a birth
//! date, sex or registration month, so rejecting on them would turn away real applicants.

use std::fmt;

/// Who files the appeal; decides the registration-number prefix and which tax id is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplicantKind {
    /// Жеке тұлға / физическое лицо, identified by an IIN.
    Individual,
    /// Заңды тұлға / юридическое лицо, identified by a BIN.
    Legal,
}

impl ApplicantKind {
    /// Every kind, in display order.
    pub const ALL: [ApplicantKind; 2] = [ApplicantKind::Individual, ApplicantKind::Legal];

    /// The registration-number prefix: `ЖТ` (`ЖТ-2022-00000742`) or `ЗТ`.
    pub fn prefix(self) -> &'static str {
        match self {
            ApplicantKind::Individual => "ЖТ",
            ApplicantKind::Legal => "ЗТ",
        }
    }

    /// Stable machine code used in forms and exports: `individual` or `legal`.
    pub fn code(self) -> &'static str {
        match self {
            ApplicantKind::Individual => "individual",
            ApplicantKind::Legal => "legal",
        }
    }

    /// The inverse of [`ApplicantKind::code`]; `None` for anything else (exact match).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// The reserved number of anonymous appeals.
const ANONYMOUS: &str = "000000000000";

/// Why a string is not a valid IIN/BIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaxIdError {
    /// Nothing but whitespace was given.
    #[error("IIN/BIN is empty")]
    Empty,
    /// Only digits, but not 12 of them.
    #[error("IIN/BIN must have exactly 12 digits")]
    WrongLength,
    /// Something other than an ASCII digit inside the number.
    #[error("IIN/BIN must contain only digits")]
    NotDigits,
    /// 12 digits whose last one is not the check digit (or no check digit exists for them).
    #[error("IIN/BIN check digit is wrong")]
    CheckDigit,
}

impl TaxIdError {
    /// Translation key for the UI, one per variant.
    pub fn key(&self) -> &'static str {
        match self {
            TaxIdError::Empty => "error.taxid.empty",
            TaxIdError::WrongLength => "error.taxid.length",
            TaxIdError::NotDigits => "error.taxid.digits",
            TaxIdError::CheckDigit => "error.taxid.check",
        }
    }
}

/// A validated IIN or BIN (the two share one format and one check digit).
///
/// Stored as its 12-digit string (`store::records::values_v1`) and checked again when read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaxId(String);

/// Number of digits in an IIN/BIN.
const LEN: usize = 12;
const WEIGHTS_FIRST: [u32; LEN - 1] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_SECOND: [u32; LEN - 1] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The check digit for the first 11 digits (`0..=9` each), or `None` when both passes give 10,
/// in which case no number with this prefix is ever issued.
fn check_digit(first11: &[u8; LEN - 1]) -> Option<u8> {
    let pass = |weights: &[u32; LEN - 1]| {
        let sum: u32 = first11
            .iter()
            .zip(weights)
            .map(|(&digit, &weight)| u32::from(digit) * weight)
            .sum();
        sum % 11
    };
    let mut check = pass(&WEIGHTS_FIRST);
    if check == 10 {
        check = pass(&WEIGHTS_SECOND);
    }
    u8::try_from(check).ok().filter(|&c| c < 10)
}

/// Numeric values of `s` if it is exactly `N` ASCII digits.
fn digits<const N: usize>(s: &str) -> Option<[u8; N]> {
    let bytes: &[u8; N] = s.as_bytes().try_into().ok()?;
    let mut out = [0; N];
    for (value, &byte) in out.iter_mut().zip(bytes) {
        if !byte.is_ascii_digit() {
            return None;
        }
        *value = byte - b'0';
    }
    Some(out)
}

impl TaxId {
    /// Parses an IIN/BIN typed by a person: surrounding whitespace is ignored, anything else must
    /// be exactly 12 ASCII digits with a correct check digit.
    pub fn parse(input: &str) -> Result<TaxId, TaxIdError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(TaxIdError::Empty);
        }
        if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TaxIdError::NotDigits);
        }
        let [first11 @ .., last]: [u8; LEN] = digits(trimmed).ok_or(TaxIdError::WrongLength)?;
        if check_digit(&first11) != Some(last) {
            return Err(TaxIdError::CheckDigit);
        }
        Ok(TaxId(trimmed.to_owned()))
    }

    /// Completes 11 ASCII digits with their check digit. `None` when the input is not 11 digits
    /// or when no valid number starts with them (both passes give 10).
    pub fn with_check_digit(first11: &str) -> Option<TaxId> {
        let check = check_digit(&digits(first11)?)?;
        Some(TaxId(format!("{first11}{check}")))
    }

    /// The reserved number recorded for anonymous appeals (domain.md §1.7). Twelve zeros pass
    /// the check digit but encode no birth date or registration, so no person or body has it.
    pub fn anonymous() -> TaxId {
        TaxId(ANONYMOUS.to_owned())
    }

    /// Whether this is the reserved number of anonymous appeals.
    pub fn is_anonymous(&self) -> bool {
        self.0 == ANONYMOUS
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TaxId {
    type Error = TaxIdError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        TaxId::parse(&value)
    }
}

impl From<TaxId> for String {
    fn from(id: TaxId) -> String {
        id.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_example_valid_on_first_pass() {
        assert_eq!(
            TaxId::parse("900101300126").unwrap().as_str(),
            "900101300126"
        );
    }

    #[test]
    fn worked_example_valid_on_second_pass() {
        assert!(TaxId::parse("900101300811").is_ok());
        assert_eq!(
            TaxId::with_check_digit("90010130081").unwrap().as_str(),
            "900101300811"
        );
    }

    #[test]
    fn prefix_where_both_passes_give_ten_has_no_valid_number() {
        for last in 0..=9 {
            let number = format!("90010130080{last}");
            assert_eq!(
                TaxId::parse(&number),
                Err(TaxIdError::CheckDigit),
                "{number}"
            );
        }
        assert_eq!(TaxId::with_check_digit("90010130080"), None);
    }

    #[test]
    fn worked_example_bin_is_valid() {
        assert!(TaxId::parse("150340001236").is_ok());
    }

    /// The `FakerPHP` docstring example and another copied test value are both wrong.
    #[test]
    fn copied_examples_with_a_wrong_check_digit_are_rejected() {
        assert_eq!(TaxId::parse("780322300455"), Err(TaxIdError::CheckDigit));
        assert_eq!(TaxId::parse("900101300128"), Err(TaxIdError::CheckDigit));
    }

    #[test]
    fn digits_that_disagree_with_any_birth_date_are_accepted() {
        // Month 13, day 45, century digit 0: fine, only the check digit matters.
        let id = (0..=9)
            .find_map(|serial| TaxId::with_check_digit(&format!("9913450000{serial}")))
            .unwrap();
        assert_eq!(TaxId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let id = TaxId::parse(" \t900101300126\n").unwrap();
        assert_eq!(id.to_string(), "900101300126");
    }

    #[test]
    fn wrong_inputs_give_the_matching_error_and_key() {
        let cases = [
            ("", TaxIdError::Empty, "error.taxid.empty"),
            ("   ", TaxIdError::Empty, "error.taxid.empty"),
            ("90010130012", TaxIdError::WrongLength, "error.taxid.length"),
            (
                "9001013001260",
                TaxIdError::WrongLength,
                "error.taxid.length",
            ),
            ("90010130012a", TaxIdError::NotDigits, "error.taxid.digits"),
            ("9001 01300126", TaxIdError::NotDigits, "error.taxid.digits"),
            ("-90010130012", TaxIdError::NotDigits, "error.taxid.digits"),
            // Arabic-Indic and full-width digits are not ASCII digits.
            ("٩٠٠١٠١٣٠٠١٢٦", TaxIdError::NotDigits, "error.taxid.digits"),
            (
                "９００１０１３００１２６",
                TaxIdError::NotDigits,
                "error.taxid.digits",
            ),
            ("900101300127", TaxIdError::CheckDigit, "error.taxid.check"),
        ];
        for (input, error, key) in cases {
            assert_eq!(TaxId::parse(input), Err(error), "input {input:?}");
            assert_eq!(error.key(), key);
        }
    }

    #[test]
    fn with_check_digit_rejects_anything_but_eleven_digits() {
        assert_eq!(TaxId::with_check_digit(""), None);
        assert_eq!(TaxId::with_check_digit("9001013001"), None);
        assert_eq!(TaxId::with_check_digit("900101300126"), None);
        assert_eq!(TaxId::with_check_digit("9001013001a"), None);
    }

    #[test]
    fn applicant_kind_codes_and_prefixes() {
        assert_eq!(ApplicantKind::Individual.prefix(), "ЖТ");
        assert_eq!(ApplicantKind::Legal.prefix(), "ЗТ");
        for kind in ApplicantKind::ALL {
            assert_eq!(ApplicantKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ApplicantKind::from_code("Individual"), None);
        assert_eq!(ApplicantKind::from_code(""), None);
    }

    proptest! {
        #[test]
        fn at_most_one_check_digit_completes_eleven_digits(first11 in "[0-9]{11}") {
            let valid: Vec<String> = (0..=9)
                .map(|last| format!("{first11}{last}"))
                .filter(|number| TaxId::parse(number).is_ok())
                .collect();
            prop_assert!(valid.len() <= 1, "{valid:?}");
            let completed = TaxId::with_check_digit(&first11).map(String::from);
            prop_assert_eq!(completed, valid.into_iter().next());
        }

        #[test]
        fn display_then_parse_round_trips(first11 in "[0-9]{11}") {
            if let Some(id) = TaxId::with_check_digit(&first11) {
                prop_assert_eq!(TaxId::parse(&id.to_string()), Ok(id));
            }
        }
    }

    #[test]
    fn the_anonymous_number_is_valid_and_recognised() {
        let anonymous = TaxId::anonymous();
        assert_eq!(TaxId::parse(anonymous.as_str()), Ok(anonymous.clone()));
        assert!(anonymous.is_anonymous());
        assert!(!TaxId::parse("900101300126").unwrap().is_anonymous());
    }
}
