//! History entries (`appeal_events` table): [`ChangeV1`], [`EventV1`] and [`EventV2`] inside
//! the hash-linked [`StoredEventV1`] (record version 1) and [`StoredEventV2`] (version 2).
//!
//! Records stay as written: each one's SHA-256 is the next one's `prev_hash`, so an event is
//! never re-encoded. Version 1 events read as version 2 with an empty message.
//!
//! To add a change: append one line at the end of the `frozen_enum!` for [`ChangeV1`], after
//! appending the same variant (same payload shape) at the end of `domain::appeal::Change`.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::appeal_v1::{
    ActorV1, AnswerV1, AppealV1, AssigneeV1, AttachmentRefV1, EndingV1, ExtensionV1, ForwardingV1,
    HearingV1, LetterV1, RatingV1, RequestV1, SignatureV1,
};
use super::values_v1::{RegistrationNumberV1, StatusV1};
use super::{frozen_enum, frozen_struct};
use crate::domain::appeal::{Change, Event, Message};
use crate::store::codec::Record;

frozen_enum! {
    /// [`Change`], version 1: one step of an appeal's life. Variants are written by index:
    /// append only.
    ChangeV1 = Change {
        Registered(Box<AppealV1>),
        Routed { unit: u32, executor: AssigneeV1, co_executors: Vec<AssigneeV1>, by_rule: bool },
        CorrectionRequested(RequestV1),
        Corrected { note: String, attachments: Vec<AttachmentRefV1> },
        DocumentsRequested(RequestV1),
        DocumentsAdded { note: String, attachments: Vec<AttachmentRefV1> },
        HearingStarted(HearingV1),
        HearingHeld { protocol: String },
        DraftSubmitted(AnswerV1),
        DraftReturned { comment: String },
        Signed(SignatureV1),
        Extended(ExtensionV1),
        Forwarded(ForwardingV1),
        Returned(EndingV1),
        Withdrawn(EndingV1),
        Terminated(EndingV1),
        SentUp(LetterV1),
        ComplaintDecided(AnswerV1),
        ComplaintFiled { complaint: u64, number: RegistrationNumberV1 },
        Rated(RatingV1),
        DeadlineRecomputed { due: Date, provisional: bool },
        NoteAdded { text: String },
        AnswerReceived { on: Date },
        FiledLate { window_ended: Date, reason: String },
    }
}

frozen_struct! {
    /// [`Message`], version 1: the step in Kazakh and Russian.
    #[derive(Default)]
    MessageV1 = Message {
        kk: String,
        ru: String,
    }
}

/// A history entry of record version 1, before events kept their message in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventV1 {
    /// Position in the history.
    pub seq: u32,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: ActorV1,
    /// Status before.
    pub from: Option<StatusV1>,
    /// Status after.
    pub to: StatusV1,
    /// What changed.
    pub change: ChangeV1,
}

frozen_struct! {
    /// [`Event`], version 2: version 1 plus the message.
    EventV2 = Event {
        seq: u32,
        at: Timestamp,
        actor: ActorV1,
        from: Option<StatusV1>,
        to: StatusV1,
        change: ChangeV1,
        message: MessageV1,
    }
}

impl From<EventV1> for EventV2 {
    fn from(e: EventV1) -> Self {
        EventV2 {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            from: e.from,
            to: e.to,
            change: e.change,
            message: MessageV1::default(),
        }
    }
}

/// An event record of version 1: linked to its predecessor by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEventV1 {
    /// SHA-256 of the previous event record of the appeal (zeros for the first).
    pub prev_hash: [u8; 32],
    /// The entry.
    pub event: EventV1,
}

impl Record for StoredEventV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "appeal event (version 1)";
}

/// An event record of version 2, the one written today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEventV2 {
    /// SHA-256 of the previous event record of the appeal (zeros for the first).
    pub prev_hash: [u8; 32],
    /// The entry.
    pub event: EventV2,
}

impl Record for StoredEventV2 {
    const VERSION: u8 = 2;
    const NAME: &'static str = "appeal event";
}

impl From<StoredEventV1> for StoredEventV2 {
    fn from(old: StoredEventV1) -> Self {
        StoredEventV2 {
            prev_hash: old.prev_hash,
            event: old.event.into(),
        }
    }
}
