//! Verification of what arrives signed or proven: CMS signatures from `NCALayer` (`cms`), passkey
//! registrations and sign-ins (`webauthn`), and authenticator-app codes (`totp`).
//!
//! Pure functions of bytes and time: no store, no clock, no IO. Every parser here takes
//! untrusted input, caps its size and never panics (each has property tests that feed it
//! arbitrary bytes). Public-key operations use `ring`; there is no OpenSSL.

pub mod cms;
pub mod totp;
pub mod webauthn;
