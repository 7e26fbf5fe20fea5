//! Messages for outside gateways, record version 1: the `deliveries` table, and the channel
//! an account's code second factor uses (`code_factors`).
//!
//! Enums are written by variant index: append only.

use jiff::Timestamp;

use super::{frozen_enum, frozen_struct};
use crate::store::codec::Record;
use crate::store::{CodeFactor, Delivery, DeliveryChannel, DeliveryStatus};

frozen_enum! {
    /// [`DeliveryChannel`], version 1.
    #[derive(Copy)]
    DeliveryChannelV1 = DeliveryChannel { Email, Sms }
}

frozen_enum! {
    /// [`DeliveryStatus`], version 1.
    DeliveryStatusV1 = DeliveryStatus {
        Pending,
        Sent(Timestamp),
        Failed(String),
        Expired,
    }
}

frozen_struct! {
    /// [`Delivery`], version 1.
    DeliveryV1 = Delivery {
        id: u64,
        user: Option<u64>,
        channel: DeliveryChannelV1,
        to: String,
        subject: String,
        body: String,
        secret: bool,
        created_at: Timestamp,
        expires_at: Option<Timestamp>,
        attempts: u32,
        next_attempt_at: Timestamp,
        last_error: String,
        status: DeliveryStatusV1,
    }
}

impl Record for DeliveryV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "delivery";
}

frozen_struct! {
    /// [`CodeFactor`], version 1.
    CodeFactorV1 = CodeFactor {
        channel: DeliveryChannelV1,
        since: Timestamp,
    }
}

impl Record for CodeFactorV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "code second factor";
}
