//! Staff second factor: RFC 6238 TOTP (HMAC-SHA1, 30-second step, 6 digits), the RFC 4648
//! base32 form of the secret (upper case, no padding) and the `otpauth://` provisioning URI.
//!
//! Invariants: a secret is exactly 20 bytes and never appears in `Debug` output; a code is
//! accepted only as exactly six ASCII digits, only for the current step ±1, only for a step
//! later than the last one used (no replay), and it is compared without early exit
//! (double HMAC through `ring::hmac::verify`, which compares in constant time).

use std::fmt;

use ring::hmac;

/// Length of a time step in seconds (RFC 6238 `X`).
pub const STEP_SECONDS: i64 = 30;

/// Number of digits in a code.
pub const DIGITS: usize = 6;

/// `10^DIGITS`: codes are the truncated HMAC value modulo this.
const MODULUS: u32 = 1_000_000;

/// RFC 4648 base32 alphabet.
const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A TOTP shared secret: 20 random bytes (the size of an HMAC-SHA1 output, as RFC 4226
/// recommends).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; 20]);

/// Why a base32 secret was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// A character outside `A–Z`, `a–z`, `2–7`, or a non-canonical encoding.
    #[error("the secret is not valid base32")]
    NotBase32,
    /// The text decoded to something other than 20 bytes.
    #[error("the secret is {0} bytes long, not 20")]
    WrongLength(usize),
    /// The system random source failed.
    #[error("the system random source failed")]
    Random,
}

impl TotpSecret {
    /// Wraps 20 bytes as a secret.
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// Draws a fresh secret from the operating system's random source.
    pub fn generate() -> Result<Self, SecretError> {
        let rng = ring::rand::SystemRandom::new();
        let bytes: [u8; 20] = ring::rand::generate(&rng)
            .map_err(|_| SecretError::Random)?
            .expose();
        Ok(Self(bytes))
    }

    /// The raw bytes, for storage.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The secret as RFC 4648 base32 without padding (32 upper-case characters), the form
    /// authenticator apps take.
    pub fn to_base32(&self) -> String {
        base32_encode(&self.0)
    }

    /// Parses base32 text (case-insensitive; trailing `=` padding tolerated) holding exactly
    /// 20 bytes.
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let bytes = base32_decode(text).ok_or(SecretError::NotBase32)?;
        let len = bytes.len();
        <[u8; 20]>::try_from(bytes)
            .map(Self)
            .map_err(|_| SecretError::WrongLength(len))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

/// Encodes bytes as RFC 4648 base32, upper case, without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[usize::from((buffer >> bits) & 0x1f)],
            ));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[usize::from((buffer << (5 - bits)) & 0x1f)],
        ));
    }
    out
}

/// Decodes RFC 4648 base32 (case-insensitive, trailing `=` padding optional). Returns `None`
/// for any other character, an impossible length, or non-zero leftover bits.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if matches!(text.len() % 8, 1 | 3 | 6) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u16::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from(buffer >> bits).ok()?);
            buffer &= (1 << bits) - 1;
        }
    }
    // Canonical encodings leave only zero bits behind.
    (buffer == 0).then_some(out)
}

/// The time step that contains `unix_seconds` (floor division, so it is defined for any time).
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The six-digit code for one time step (RFC 4226 HOTP with the step as the counter).
pub fn code_for_step(secret: &TotpSecret, step: i64) -> u32 {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &secret.0);
    // Big-endian two's complement is the RFC's unsigned 8-byte counter for any step >= 0.
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let truncated = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]) & 0x7fff_ffff;
    truncated % MODULUS
}

/// The code valid at `unix_seconds`, as a number (format with `{:06}` to show it).
pub fn code_at(secret: &TotpSecret, unix_seconds: i64) -> u32 {
    code_for_step(secret, step_at(unix_seconds))
}

/// Checks a typed code at `unix_seconds`, allowing one step of clock drift either way.
///
/// `code` must be exactly six ASCII digits (surrounding whitespace is ignored). Steps at or
/// before `last_used_step` are never accepted, so a code cannot be replayed. Returns the step
/// that matched, which the caller stores as the new `last_used_step`; `None` means refused.
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code = code.trim().as_bytes();
    if code.len() != DIGITS || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Double HMAC: `hmac::verify` recomputes the tag of the typed code and compares the two
    // tags in constant time, so the comparison time says nothing about the expected code.
    let compare_key = hmac::Key::new(hmac::HMAC_SHA256, &secret.0);
    let now = step_at(unix_seconds);
    let mut matched = None;
    for step in [now.checked_sub(1), Some(now), now.checked_add(1)]
        .into_iter()
        .flatten()
    {
        let expected = format!("{:06}", code_for_step(secret, step));
        let expected_tag = hmac::sign(&compare_key, expected.as_bytes());
        let equal = hmac::verify(&compare_key, code, expected_tag.as_ref()).is_ok();
        let fresh = last_used_step.is_none_or(|last| step > last);
        // No early exit: every candidate step is computed; the latest match wins.
        if equal && fresh {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://totp/…` URI an authenticator app reads from a QR code.
///
/// `issuer` and `account` are percent-encoded as UTF-8 (every byte outside RFC 3986
/// unreserved characters), so Kazakh and Russian names survive and a `:` in either cannot
/// move the label separator.
pub fn provisioning_uri(secret: &TotpSecret, issuer: &str, account: &str) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent_encode(account),
        secret = secret.to_base32(),
    )
}

/// Percent-encodes every byte except RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(*b"12345678901234567890")
    }

    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        // 8-digit values from RFC 6238 Appendix B; the 6-digit code is their last six digits.
        let vectors: [(i64, u32); 6] = [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ];
        let secret = rfc_secret();
        for (time, eight_digits) in vectors {
            assert_eq!(code_at(&secret, time), eight_digits % 1_000_000, "t={time}");
            let typed = format!("{:06}", eight_digits % 1_000_000);
            assert_eq!(verify(&secret, &typed, time, None), Some(step_at(time)));
        }
        // Leading zero kept when typed.
        assert_eq!(
            verify(&secret, "081804", 1_111_111_109, None),
            Some(37_037_036)
        );
    }

    #[test]
    fn rfc_secret_base32() {
        assert_eq!(rfc_secret().to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            TotpSecret::from_base32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq").unwrap(),
            rfc_secret()
        );
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
    }

    #[test]
    fn drift_of_one_step_accepted_two_refused() {
        let secret = rfc_secret();
        let now = 1_700_000_000;
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = format!("{:06}", code_at(&secret, now + offset * STEP_SECONDS));
            let result = verify(&secret, &code, now, None);
            if accepted {
                assert_eq!(result, Some(step_at(now) + offset), "offset {offset}");
            } else {
                assert_eq!(result, None, "offset {offset}");
            }
        }
    }

    #[test]
    fn replay_refused() {
        let secret = rfc_secret();
        let now = 1_700_000_000;
        let code = format!("{:06}", code_at(&secret, now));
        let step = verify(&secret, &code, now, None).unwrap();
        assert_eq!(verify(&secret, &code, now, Some(step)), None);
        assert_eq!(verify(&secret, &code, now + STEP_SECONDS, Some(step)), None);
        // An older step is refused once a later one was used.
        let previous = format!("{:06}", code_at(&secret, now - STEP_SECONDS));
        assert_eq!(verify(&secret, &previous, now, Some(step)), None);
        // The next step's code is still fine.
        let next = format!("{:06}", code_at(&secret, now + STEP_SECONDS));
        assert_eq!(
            verify(&secret, &next, now + STEP_SECONDS, Some(step)),
            Some(step + 1)
        );
    }

    #[test]
    fn malformed_codes_refused() {
        let secret = rfc_secret();
        for code in [
            "",
            "12345",
            "abcdef",
            "1234567",
            "12 345",
            "12345a",
            "١٢٣٤٥٦",
            "+12345",
            "-12345",
        ] {
            assert_eq!(verify(&secret, code, 59, None), None, "{code:?}");
        }
        assert_eq!(verify(&secret, " 287082\n", 59, None), Some(1));
    }

    #[test]
    fn extreme_times_do_not_panic() {
        let secret = rfc_secret();
        for time in [i64::MIN, -1, 0, i64::MAX] {
            let code = format!("{:06}", code_at(&secret, time));
            assert_eq!(verify(&secret, &code, time, None), Some(step_at(time)));
        }
    }

    #[test]
    fn bad_base32_refused() {
        assert_eq!(
            TotpSecret::from_base32("GEZDGNBV"),
            Err(SecretError::WrongLength(5))
        );
        assert_eq!(
            TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"),
            Err(SecretError::NotBase32)
        );
        assert_eq!(base32_decode("A"), None);
        // Non-zero leftover bits are not canonical.
        assert_eq!(base32_decode("MY"), Some(vec![0x66]));
        assert_eq!(base32_decode("MZ"), None);
        assert_eq!(base32_decode("MY7"), None);
        assert_eq!(base32_decode("M3"), None);
    }

    #[test]
    fn generated_secrets_differ_and_hide_in_debug() {
        let a = TotpSecret::generate().unwrap();
        let b = TotpSecret::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "TotpSecret(..)");
    }

    #[test]
    fn provisioning_uri_encodes_kazakh_names() {
        let uri = provisioning_uri(&rfc_secret(), "Өтініш: Әкімдік", "Айгүл Қасымова");
        assert_eq!(
            uri,
            "otpauth://totp/%D3%A8%D1%82%D1%96%D0%BD%D1%96%D1%88%3A%20%D3%98%D0%BA%D1%96%D0%BC%D0%B4%D1%96%D0%BA:\
             %D0%90%D0%B9%D0%B3%D2%AF%D0%BB%20%D2%9A%D0%B0%D1%81%D1%8B%D0%BC%D0%BE%D0%B2%D0%B0\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=%D3%A8%D1%82%D1%96%D0%BD%D1%96%D1%88%3A%20%D3%98%D0%BA%D1%96%D0%BC%D0%B4%D1%96%D0%BA\
             &algorithm=SHA1&digits=6&period=30"
        );
        // Decoding the label gives the names back.
        let label = uri
            .strip_prefix("otpauth://totp/")
            .unwrap()
            .split('?')
            .next()
            .unwrap();
        let (issuer, account) = label.split_once(':').unwrap();
        assert_eq!(percent_decode(issuer), "Өтініш: Әкімдік");
        assert_eq!(percent_decode(account), "Айгүл Қасымова");
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    proptest! {
        #[test]
        fn base32_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let text = base32_encode(&bytes);
            prop_assert!(!text.contains('='));
            prop_assert_eq!(base32_decode(&text), Some(bytes.clone()));
            prop_assert_eq!(base32_decode(&text.to_ascii_lowercase()), Some(bytes));
        }

        #[test]
        fn secret_base32_round_trip(bytes in any::<[u8; 20]>()) {
            let secret = TotpSecret::from_bytes(bytes);
            let text = secret.to_base32();
            prop_assert_eq!(text.len(), 32);
            prop_assert_eq!(TotpSecret::from_base32(&text), Ok(secret));
        }

        #[test]
        fn verify_never_panics(code in "\\PC{0,10}", time in any::<i64>(), last in any::<Option<i64>>()) {
            let _ = verify(&TotpSecret::from_bytes([7; 20]), &code, time, last);
        }
    }
}
