//! The appeal snapshot, version 1 (`appeals` table, record version 1), and the parts it shares
//! with history changes (actors, answers, requests, letters, …).
//!
//! Frozen: fields stay in this order with these types for as long as any store holds version
//! 1 records, which the hash-chained history does forever (`ChangeV1::Registered`). See the
//! module doc of [`records`](super) for how a version 2 is added.

use jiff::Timestamp;
use jiff::civil::Date;

use super::frozen_struct;
use super::values_v1::{
    AppealKindV1, ApplicantKindV1, ChannelV1, CountingRuleV1, FileTypeV1, GroundV1, OutcomeV1,
    RegistrationNumberV1, ScoreV1, StatusV1, TermV1,
};
use crate::domain::appeal::{
    Actor, Answer, Appeal, ApplicantData, Assignee, AttachmentRef, Contested, DeadlineBasis,
    Ending, Extension, Forwarding, Hearing, Letter, Links, Rating, Request, Signature,
};
use crate::store::codec::Record;

/// An appeal id, a registration number: how appeals point at each other.
type AppealLinkV1 = (u64, RegistrationNumberV1);

frozen_struct! {
    /// [`AttachmentRef`], version 1.
    AttachmentRefV1 = AttachmentRef {
        id: u64,
        name: String,
        file_type: FileTypeV1,
        size: u64,
    }
}

frozen_struct! {
    /// [`ApplicantData`], version 1.
    ApplicantDataV1 = ApplicantData {
        kind: ApplicantKindV1,
        tax_id: String,
        name: String,
        phone: String,
        email: String,
        address: String,
    }
}

frozen_struct! {
    /// [`Actor`], version 1.
    ActorV1 = Actor {
        user: Option<u64>,
        name: String,
        roles: u8,
    }
}

frozen_struct! {
    /// [`Answer`], version 1.
    AnswerV1 = Answer {
        text: String,
        outcome: OutcomeV1,
        attachments: Vec<AttachmentRefV1>,
        appeal_clause: bool,
        by: ActorV1,
        at: Timestamp,
        hearing_waiver: Option<String>,
        signed: Option<SignatureV1>,
    }
}

frozen_struct! {
    /// [`Signature`], version 1.
    SignatureV1 = Signature {
        by: ActorV1,
        at: Timestamp,
        on: Date,
    }
}

frozen_struct! {
    /// [`Assignee`], version 1.
    AssigneeV1 = Assignee {
        user: u64,
        name: String,
    }
}

frozen_struct! {
    /// [`Request`], version 1.
    RequestV1 = Request {
        text: String,
        until: Date,
    }
}

frozen_struct! {
    /// [`Hearing`], version 1.
    HearingV1 = Hearing {
        preliminary: String,
        objections_until: Date,
        protocol: Option<String>,
    }
}

frozen_struct! {
    /// [`Extension`], version 1.
    ExtensionV1 = Extension {
        previous_due: Date,
        new_due: Date,
        reason: String,
        by: ActorV1,
        decided_on: Date,
        notify_by: Date,
        notified_at: Option<Timestamp>,
    }
}

frozen_struct! {
    /// [`Letter`], version 1.
    LetterV1 = Letter {
        number: String,
        to: String,
        text: String,
        sent_on: Date,
    }
}

frozen_struct! {
    /// [`Forwarding`], version 1.
    ForwardingV1 = Forwarding {
        letter: LetterV1,
        part: Option<(String, u64, RegistrationNumberV1)>,
    }
}

frozen_struct! {
    /// [`Ending`], version 1.
    EndingV1 = Ending {
        ground: Option<GroundV1>,
        reason: String,
        by: ActorV1,
    }
}

frozen_struct! {
    /// [`Rating`], version 1.
    RatingV1 = Rating {
        score: ScoreV1,
        comment: String,
        at: Timestamp,
    }
}

frozen_struct! {
    /// [`DeadlineBasis`], version 1.
    DeadlineBasisV1 = DeadlineBasis {
        term: TermV1,
        rule: CountingRuleV1,
        skipped_days_off: u16,
    }
}

frozen_struct! {
    /// [`Links`], version 1.
    LinksV1 = Links {
        repeated_of: Option<AppealLinkV1>,
        duplicate_of: Option<AppealLinkV1>,
        parent: Option<AppealLinkV1>,
        contested: Option<ContestedV1>,
        complaints: Vec<AppealLinkV1>,
    }
}

frozen_struct! {
    /// [`Contested`], version 1.
    ContestedV1 = Contested {
        appeal: u64,
        number: RegistrationNumberV1,
        signer: Option<u64>,
    }
}

frozen_struct! {
    /// [`Appeal`], version 1: the snapshot in `appeals`, and the initial state inside
    /// `ChangeV1::Registered`.
    AppealV1 = Appeal {
        id: u64,
        number: RegistrationNumberV1,
        kind: AppealKindV1,
        channel: ChannelV1,
        applicant: ApplicantDataV1,
        co_applicants: Vec<String>,
        owner: Option<u64>,
        unit: u32,
        category: u32,
        subject: String,
        description: String,
        attachments: Vec<AttachmentRefV1>,
        received_at: Timestamp,
        registered_on: Date,
        due: Date,
        due_provisional: bool,
        basis: DeadlineBasisV1,
        registered_by: ActorV1,
        status: StatusV1,
        executor: Option<AssigneeV1>,
        co_executors: Vec<AssigneeV1>,
        correction: Option<RequestV1>,
        documents: Option<RequestV1>,
        hearing: Option<HearingV1>,
        draft: Option<AnswerV1>,
        answer: Option<AnswerV1>,
        extensions: Vec<ExtensionV1>,
        forwardings: Vec<ForwardingV1>,
        sent_up: Option<LetterV1>,
        ending: Option<EndingV1>,
        rating: Option<RatingV1>,
        links: LinksV1,
        events: u32,
    }
}

impl Record for AppealV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "appeal";
}
