//! Registration numbers: `ЖТ-YYYY-NNNNNNNN` for individuals, `ЗТ-YYYY-NNNNNNNN` for legal
//! entities, with a counter per prefix and year that restarts every 1 January.

use std::fmt;

use super::tax_id::ApplicantKind;

/// A registration number, also printed on the receipt (талон, art. 64 ч.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegistrationNumber {
    /// Individual (ЖТ) or legal entity (ЗТ).
    pub kind: ApplicantKind,
    /// Year of registration.
    pub year: i16,
    /// Sequence within the prefix and year, from 1.
    pub seq: u32,
}

impl RegistrationNumber {
    /// The key of the counter this number is drawn from.
    pub fn counter_key(kind: ApplicantKind, year: i16) -> String {
        format!("regno:{}:{year}", kind.code())
    }

    /// Parses the printed form; accepts Latin look-alikes typed by hand (ZT, JT) and any case.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let mut parts = text.splitn(3, '-');
        let prefix = parts.next()?.to_uppercase();
        let kind = match prefix.as_str() {
            "ЖТ" | "JT" | "ZHT" => ApplicantKind::Individual,
            "ЗТ" | "ZT" => ApplicantKind::Legal,
            _ => return None,
        };
        let year = parts.next()?;
        let seq = parts.next()?;
        if year.len() != 4 || seq.is_empty() || seq.len() > 8 {
            return None;
        }
        if !year.bytes().chain(seq.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Self {
            kind,
            year: year.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}-{:08}", self.kind.prefix(), self.year, self.seq)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prints_prefix_year_and_eight_digits() {
        let n = RegistrationNumber {
            kind: ApplicantKind::Individual,
            year: 2022,
            seq: 742,
        };
        assert_eq!(n.to_string(), "ЖТ-2022-00000742");
        let n = RegistrationNumber {
            kind: ApplicantKind::Legal,
            year: 2026,
            seq: 1,
        };
        assert_eq!(n.to_string(), "ЗТ-2026-00000001");
    }

    #[test]
    fn parses_what_it_prints_and_hand_typed_variants() {
        let n = RegistrationNumber::parse("ЖТ-2022-00000742").unwrap();
        assert_eq!(
            (n.kind, n.year, n.seq),
            (ApplicantKind::Individual, 2022, 742)
        );
        assert_eq!(
            RegistrationNumber::parse("зт-2026-00000001").unwrap().kind,
            ApplicantKind::Legal
        );
        assert_eq!(RegistrationNumber::parse(" ZT-2026-5 ").unwrap().seq, 5);
        for bad in [
            "",
            "ЖТ",
            "ЖТ-22-1",
            "ЖТ-2022-",
            "XX-2022-1",
            "ЖТ-2022-123456789",
            "ЖТ-2022-12a",
        ] {
            assert_eq!(RegistrationNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_prefix_and_year_has_its_own_counter() {
        assert_ne!(
            RegistrationNumber::counter_key(ApplicantKind::Individual, 2025),
            RegistrationNumber::counter_key(ApplicantKind::Individual, 2026)
        );
        assert_ne!(
            RegistrationNumber::counter_key(ApplicantKind::Individual, 2026),
            RegistrationNumber::counter_key(ApplicantKind::Legal, 2026)
        );
    }

    proptest::proptest! {
        #[test]
        fn print_then_parse_is_identity(year in 2000i16..2100, seq in 1u32..100_000_000, legal: bool) {
            let kind = if legal { ApplicantKind::Legal } else { ApplicantKind::Individual };
            let n = RegistrationNumber { kind, year, seq };
            proptest::prop_assert_eq!(RegistrationNumber::parse(&n.to_string()), Some(n));
        }
    }
}
