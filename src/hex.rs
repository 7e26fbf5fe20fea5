//! Lowercase hexadecimal text of bytes: session tokens, digests, asset names.

use std::fmt::Write;

/// `bytes` as lowercase hex, two characters per byte.
pub fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_lowercase_digits_per_byte() {
        assert_eq!(super::encode(&[0, 15, 255]), "000fff");
        assert_eq!(super::encode(&[]), "");
    }
}
