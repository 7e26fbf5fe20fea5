//! Passkeys, record version 1: registered credentials (`passkeys`) and the challenges of
//! their ceremonies (`passkey_challenges`).
//!
//! A public key is frozen here too, so a change to `crypto::webauthn::PublicKey` cannot
//! change what is stored. Enums are written by variant index: append only.

use jiff::Timestamp;

use super::{frozen_enum, frozen_struct};
use crate::crypto::webauthn::PublicKey;
use crate::store::codec::Record;
use crate::store::{ChallengePurpose, Passkey, PasskeyChallenge};

frozen_enum! {
    /// [`PublicKey`], version 1.
    PublicKeyV1 = PublicKey {
        Es256 { x: [u8; 32], y: [u8; 32] },
        Rs256 { n: Vec<u8>, e: Vec<u8> },
    }
}

frozen_struct! {
    /// [`Passkey`], version 1.
    PasskeyV1 = Passkey {
        user: u64,
        name: String,
        public_key: PublicKeyV1,
        sign_count: u32,
        created_at: Timestamp,
        last_used: Option<Timestamp>,
        user_verified: bool,
        backup_eligible: bool,
    }
}

impl Record for PasskeyV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "passkey";
}

frozen_enum! {
    /// [`ChallengePurpose`], version 1.
    #[derive(Copy)]
    ChallengePurposeV1 = ChallengePurpose {
        Register(u64),
        SignIn,
    }
}

frozen_struct! {
    /// [`PasskeyChallenge`], version 1.
    PasskeyChallengeV1 = PasskeyChallenge {
        purpose: ChallengePurposeV1,
        challenge: Vec<u8>,
        expires_at: Timestamp,
    }
}

impl Record for PasskeyChallengeV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "passkey challenge";
}
