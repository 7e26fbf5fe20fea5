//! Notifications, record version 1: outbox entries waiting for delivery (`outbox` table) and
//! the in-app notices made of them (`notices` table).
//!
//! To add a notice kind: append it at the end of `domain::notice::NoticeKind` and add ONE
//! line at the end of the `frozen_enum!` for [`NoticeKindV1`] below.

use jiff::Timestamp;

use super::values_v1::RegistrationNumberV1;
use super::{frozen_enum, frozen_struct};
use crate::domain::notice::{Notice, NoticeKind};
use crate::store::codec::Record;
use crate::store::notices::OutboxEntry;

frozen_enum! {
    /// [`NoticeKind`], version 1. Written by index: append only.
    #[derive(Copy)]
    NoticeKindV1 = NoticeKind {
        Registered,
        CorrectionRequested,
        Forwarded,
        DocumentsRequested,
        HearingStarted,
        Extended,
        Answered,
        Returned,
        Terminated,
        SentUp,
        ComplaintDecided,
        NewTask,
        AwaitingSignature,
        ApplicantReplied,
        DueSoon,
        Overdue,
    }
}

frozen_struct! {
    /// [`OutboxEntry`], version 1.
    OutboxEntryV1 = OutboxEntry {
        id: u64,
        user: u64,
        appeal: u64,
        number: RegistrationNumberV1,
        kind: NoticeKindV1,
        at: Timestamp,
        attempts: u32,
    }
}

impl Record for OutboxEntryV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "outbox entry";
}

frozen_struct! {
    /// [`Notice`], version 1.
    NoticeV1 = Notice {
        id: u64,
        appeal: u64,
        number: RegistrationNumberV1,
        kind: NoticeKindV1,
        at: Timestamp,
        read: bool,
    }
}

impl Record for NoticeV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "notice";
}
