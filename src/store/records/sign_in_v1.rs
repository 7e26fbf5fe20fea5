//! Sign-in state, record version 1: sessions (`sessions`), one-time codes (`codes`), password
//! hashes (`credentials`), authenticator secrets (`totp`), sign-ins waiting for their second
//! factor (`pending_sign_ins`), the admin's sign-in policy (`settings`, key
//! `sign_in_policy`) and QR sign-ins (`qr_logins`).
//!
//! Each encodes as the store type's own serde form did when it was the stored form: a user id
//! as its number, the rest as it is.

use jiff::Timestamp;

use super::{frozen_enum, frozen_struct};
use crate::store::codec::Record;
use crate::store::{
    CodeRecord, Credentials, PendingSignIn, QrLogin, QrState, Session, SignInPolicy, TotpRecord,
};

frozen_struct! {
    /// [`Session`], version 1.
    SessionV1 = Session {
        user: u64,
        csrf_token: String,
        created_at: Timestamp,
        expires_at: Timestamp,
        address: String,
        device: String,
    }
}

impl Record for SessionV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "session";
}

frozen_struct! {
    /// [`CodeRecord`], version 1.
    CodeV1 = CodeRecord {
        user: u64,
        salt: [u8; 16],
        hash: [u8; 32],
        issued_at: Timestamp,
        expires_at: Timestamp,
        attempts_left: u32,
    }
}

impl Record for CodeV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "one-time code";
}

frozen_struct! {
    /// [`Credentials`], version 1.
    CredentialsV1 = Credentials {
        password_hash: String,
    }
}

impl Record for CredentialsV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "credentials";
}

frozen_struct! {
    /// [`TotpRecord`], version 1.
    TotpV1 = TotpRecord {
        secret: [u8; 20],
        confirmed_at: Option<Timestamp>,
        last_step: Option<i64>,
    }
}

impl Record for TotpV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "authenticator";
}

frozen_struct! {
    /// [`PendingSignIn`], version 1.
    PendingSignInV1 = PendingSignIn {
        user: u64,
        expires_at: Timestamp,
        attempts_left: u32,
    }
}

impl Record for PendingSignInV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "pending sign-in";
}

frozen_struct! {
    /// [`SignInPolicy`], version 1.
    #[derive(Copy)]
    SignInPolicyV1 = SignInPolicy {
        staff_need_authenticator: bool,
    }
}

impl Record for SignInPolicyV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "sign-in policy";
}

frozen_enum! {
    /// [`QrState`], version 1. Written by index: append only.
    QrStateV1 = QrState {
        Waiting,
        Approved(u64),
        Denied,
        Used,
    }
}

frozen_struct! {
    /// [`QrLogin`], version 1.
    QrLoginV1 = QrLogin {
        browser: [u8; 32],
        address: String,
        device: String,
        created_at: Timestamp,
        expires_at: Timestamp,
        state: QrStateV1,
    }
}

impl Record for QrLoginV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "QR sign-in";
}
