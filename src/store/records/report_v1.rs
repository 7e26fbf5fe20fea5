//! The report's running tallies as stored, version 1: an appeal's report facts
//! (`report_facts`, [`ReportFactsV1`]) and the counter sums of a day or a month
//! (`report_days`, `report_months`, [`CountsV1`]).
//!
//! Frozen like every record here: a counter is stored by its variant index, so
//! [`CounterV1`] only ever grows at the end (the domain's `Counter` says the same).

use jiff::civil::Date;

use super::values_v1::{AppealKindV1, ApplicantKindV1, ChannelV1, GroundV1, OutcomeV1, ScoreV1};
use super::{Freeze, ThawError, conversions, frozen_enum, frozen_struct};
use crate::domain::report::{Counter, Counts, End, ExtensionFacts, Facts, TextLanguage};
use crate::store::codec::Record;

frozen_enum! {
    /// [`TextLanguage`], version 1.
    #[derive(Copy)]
    TextLanguageV1 = TextLanguage { Kazakh, Russian, Other }
}

frozen_enum! {
    /// [`End`], version 1.
    #[derive(Copy)]
    EndV1 = End {
        Answered(OutcomeV1),
        Forwarded,
        Returned,
        Withdrawn,
        Terminated(Option<GroundV1>),
    }
}

frozen_struct! {
    /// [`ExtensionFacts`], version 1.
    ExtensionFactsV1 = ExtensionFacts {
        decided_on: Date,
        previous_due: Date,
        new_due: Date,
    }
}

frozen_struct! {
    /// [`Facts`], version 1.
    FactsV1 = Facts {
        registered_on: Date,
        received_on: Date,
        kind: AppealKindV1,
        channel: ChannelV1,
        applicant: ApplicantKindV1,
        collective: bool,
        repeated: bool,
        language: TextLanguageV1,
        unit: u32,
        category: u32,
        executor: Option<u64>,
        due: Date,
        extensions: Vec<ExtensionFactsV1>,
        end: Option<(Date, EndV1)>,
        forwarding: Option<(Date, bool)>,
        sent_up_on: Option<Date>,
        contests_our_answer: bool,
        rating: Option<ScoreV1>,
    }
}

/// One appeal's row of `report_facts`: its report facts and the local day its history ended
/// (kept because a later change recomputes the facts from the snapshot alone).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportFactsV1 {
    /// The facts the tallies were counted from.
    pub facts: FactsV1,
    /// The day the history ended, when the facts needed it.
    pub history_end: Option<Date>,
}

impl Record for ReportFactsV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "report facts";
}

frozen_enum! {
    /// [`Counter`], version 1: append new counters at the end only.
    #[derive(Copy)]
    CounterV1 = Counter {
        Received,
        Applicant(u8),
        Collective,
        Repeated,
        Channel(u8),
        Language(u8),
        Kind(u8),
        Category(u32),
        UnitReceived(u32),
        ExecutorReceived(Option<u64>),
        Complaint,
        ComplaintAboutUs,
        Outcome(u8),
        ForwardedFull,
        Returned,
        Withdrawn,
        Terminated,
        InTerm,
        Late,
        Taken(u32),
        KindDaysSum(u8),
        KindFinished(u8),
        Rating(u8),
        UnitFinished(u32),
        UnitInTerm(u32),
        UnitLate(u32),
        UnitDaysSum(u32),
        ExecutorFinished(Option<u64>),
        ExecutorInTerm(Option<u64>),
        ExecutorLate(Option<u64>),
        ExecutorDaysSum(Option<u64>),
        ExtensionDecisions,
        ExtensionDays,
        ExtendedAppeals,
        Forwarded,
        ForwardedInTime,
        SentUp,
        SentUpInTime,
        AliveInTerm,
        AliveOverdue,
        AliveUp,
        UnitAlive(u32),
        UnitAliveOverdue(u32),
        ExecutorAlive(Option<u64>),
        ExecutorAliveOverdue(Option<u64>),
        LapsedOverdue,
        LapsedUp,
        UnitLapsedOverdue(u32),
        ExecutorLapsedOverdue(Option<u64>),
    }
}

/// [`Counts`], version 1: the non-zero counters of a day or a month, in counter order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CountsV1(pub Vec<(CounterV1, i64)>);

impl Record for CountsV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "report tally";
}

impl Freeze for Counts {
    type Record = CountsV1;
    fn freeze(&self) -> CountsV1 {
        CountsV1(self.iter().map(|(c, n)| (c.freeze(), n)).collect())
    }
    fn thaw(record: CountsV1) -> Result<Self, ThawError> {
        let mut counts = Counts::default();
        for (counter, n) in record.0 {
            counts.add(Counter::thaw(counter)?, n);
        }
        Ok(counts)
    }
}

conversions!(CountsV1 = Counts);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::codec::{decode_as, encode_as};

    /// Counters are stored by variant index: the first and the last keep theirs.
    #[test]
    fn counters_keep_their_variant_index() {
        let bytes = |c: Counter| postcard::to_allocvec(&c.freeze()).unwrap();
        assert_eq!(bytes(Counter::Received), vec![0]);
        assert_eq!(bytes(Counter::Applicant(1)), vec![1, 1]);
        assert_eq!(
            bytes(Counter::ExecutorAliveOverdue(Some(7))),
            vec![44, 1, 7]
        );
    }

    #[test]
    fn counts_round_trip_through_their_record() {
        let mut counts = Counts::default();
        counts.add(Counter::Received, 3);
        counts.add(Counter::AliveOverdue, -2);
        counts.add(Counter::ExecutorInTerm(None), 1);
        let bytes = encode_as(&counts).unwrap();
        assert_eq!(bytes[0], 1);
        assert_eq!(decode_as::<Counts>(&bytes).unwrap(), counts);
    }
}
