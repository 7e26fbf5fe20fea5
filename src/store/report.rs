//! Appeals by registration day: the report's read of a period, and the index behind it.
//!
//! `idx_registered` holds `(yyyymmdd, appeal id)` for every appeal; `registry::write_indexes`
//! keeps it, and schema version 2 fills it for files written before it existed. A period costs
//! one index range plus one snapshot decode per appeal in it, never a scan of the whole store.
//!
//! The running tallies (`domain::report::ledger`) live here too: `report_facts` holds each
//! appeal's facts, `report_days` and `report_months` the counter sums per day and month,
//! `report_loose` the few appeals folded in full (open ones are counted since schema 8). `note_report_facts` changes them in the write
//! transaction of every appeal change; `check_tallies` recounts them from the appeals.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use redb::{ReadableTable, TableDefinition};

use super::access::Access;
use super::codec::{Record, decode_as, encode, encode_as, thaw_part};
use super::records::Freeze;
use super::records::report_v1::ReportFactsV1;
use super::registry::day_key;
use super::schema::{
    APPEALS, IDX_REGISTERED, META, REPORT_DAYS, REPORT_FACTS, REPORT_LOOSE, REPORT_MONTHS,
};
use super::{AppealReads, Result, SettingsReads, Tx, WriteTx, decode_guard};
use crate::domain::appeal::{Appeal, Event};
use crate::domain::lifecycle::received_on;
use crate::domain::report::{
    Counter, Counts, Facts, Period, PeriodCounts, contribution, finished_on, ledger,
};

/// The day a `yyyymmdd` key stands for.
fn day_of_key(key: u32) -> Option<Date> {
    let year = i16::try_from(key / 10_000).ok()?;
    let month = i8::try_from(key / 100 % 100).ok()?;
    let day = i8::try_from(key % 100).ok()?;
    Date::new(year, month, day).ok()
}

/// Reading appeals by the day they were registered.
pub trait PeriodReads: Tx {
    /// How many appeals were registered from `from` to `to`, both days included.
    fn count_registered(&self, from: Date, to: Date) -> Result<u64> {
        let Some(index) = self.view(IDX_REGISTERED)? else {
            return Ok(0);
        };
        let mut n = 0;
        for entry in index.range((day_key(from), 0)..=(day_key(to), u64::MAX))? {
            entry?;
            n += 1;
        }
        Ok(n)
    }

    /// Calls `visit` with every appeal registered from `from` to `to` (both included), in
    /// registration order.
    fn each_registered(
        &self,
        from: Date,
        to: Date,
        visit: &mut dyn FnMut(Appeal) -> Result<()>,
    ) -> Result<()> {
        let (Some(index), Some(appeals)) = (self.view(IDX_REGISTERED)?, self.view(APPEALS)?) else {
            return Ok(());
        };
        for entry in index.range((day_key(from), 0)..=(day_key(to), u64::MAX))? {
            let id = entry?.0.value().1;
            if let Some(appeal) = super::decode_guard_as::<Appeal>(appeals.get(id)?)? {
                visit(appeal)?;
            }
        }
        Ok(())
    }

    /// The day the first appeal was registered, if any was.
    fn first_registration_day(&self) -> Result<Option<Date>> {
        let Some(index) = self.view(IDX_REGISTERED)? else {
            return Ok(None);
        };
        let first = index.range::<(u32, u64)>(..)?.next().transpose()?;
        Ok(first.and_then(|(key, _)| day_of_key(key.value().0)))
    }
}

impl<T: Tx> PeriodReads for T {}

/// Schema 1 → 2: index every stored appeal by its registration day.
pub(super) fn index_registration_days(tx: &mut WriteTx) -> Result<()> {
    let mut ids = Vec::new();
    if let Some(appeals) = tx.view(APPEALS)? {
        for entry in appeals.range::<u64>(..)? {
            let (key, value) = entry?;
            let appeal: Appeal = super::codec::decode_as(value.value())?;
            ids.push((day_key(appeal.registered_on), key.value()));
        }
    }
    let mut index = tx.table(IDX_REGISTERED)?;
    for key in ids {
        index.insert(key, ())?;
    }
    Ok(())
}

// ---- Running tallies -----------------------------------------------------------------------

/// An appeal's report facts, with the local day of receipt, and their `report_facts` record.
fn facts_of(appeal: &Appeal, history_end: Option<Date>, zone: &TimeZone) -> (Facts, ReportFactsV1) {
    let facts = Facts::of(appeal, history_end).received(received_on(appeal, zone));
    let record = ReportFactsV1 {
        facts: facts.freeze(),
        history_end,
    };
    (facts, record)
}

/// The facts a `report_facts` record holds.
fn thaw_facts(record: &ReportFactsV1) -> Result<Facts> {
    thaw_part(record.facts.clone(), <ReportFactsV1 as Record>::NAME)
}

/// A month as a key of `report_months`: `yyyymm`.
fn month_key(day: Date) -> u32 {
    day_key(day) / 100
}

/// Day sums waiting to be written: a change's deltas, or a whole rebuild.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct DayDeltas(BTreeMap<Date, Counts>);

impl DayDeltas {
    fn add(&mut self, entries: &[ledger::Entry], sign: i64) {
        for (day, counter, n) in entries {
            self.0.entry(*day).or_default().add(*counter, n * sign);
        }
    }

    /// The sums per month.
    fn months(&self) -> BTreeMap<u32, Counts> {
        let mut months: BTreeMap<u32, Counts> = BTreeMap::new();
        for (day, counts) in &self.0 {
            months.entry(month_key(*day)).or_default().merge(counts, 1);
        }
        months
    }
}

/// The local day of the step that ended an appeal's life, if `event` is that step.
fn end_day_of(event: &Event, zone: &TimeZone) -> Option<Date> {
    (event.to.is_terminal() && event.from.is_some_and(|f| !f.is_terminal()))
        .then(|| event.at.to_zoned(zone.clone()).date())
}

/// Adds `sign` × `deltas` to the stored day and month sums (a sum of zero is no record).
fn write_deltas(tx: &mut WriteTx, deltas: &DayDeltas) -> Result<()> {
    fn apply<K: redb::Key + 'static>(
        table: &mut redb::Table<'_, K, &'static [u8]>,
        key: K::SelfType<'_>,
        delta: &Counts,
    ) -> Result<()>
    where
        for<'a> K::SelfType<'a>: Clone,
    {
        let mut counts: Counts = match table.get(key.clone())? {
            Some(v) => decode_as(v.value())?,
            None => Counts::default(),
        };
        counts.merge(delta, 1);
        if counts.is_empty() {
            table.remove(key)?;
        } else {
            table.insert(key, encode_as(&counts)?.as_slice())?;
        }
        Ok(())
    }
    {
        let mut days = tx.table(REPORT_DAYS)?;
        for (day, delta) in &deltas.0 {
            if !delta.is_empty() {
                apply(&mut days, day_key(*day), delta)?;
            }
        }
    }
    let mut months = tx.table(REPORT_MONTHS)?;
    for (month, delta) in deltas.months() {
        if !delta.is_empty() {
            apply(&mut months, month, &delta)?;
        }
    }
    Ok(())
}

impl WriteTx {
    /// Keeps the report's facts and running tallies of one appeal, in the transaction that
    /// wrote its new state; `event` is the step that led to it.
    pub(super) fn note_report_facts(&mut self, appeal: &Appeal, event: &Event) -> Result<()> {
        let id = appeal.id.0;
        let old: Option<ReportFactsV1> = decode_guard(self.table(REPORT_FACTS)?.get(id)?)?;
        let history_end = if Facts::needs_history(appeal) {
            end_day_of(event, &self.zone).or_else(|| old.as_ref().and_then(|o| o.history_end))
        } else {
            None
        };
        let (facts, record) = facts_of(appeal, history_end, &self.zone);
        if old.as_ref() == Some(&record) {
            return Ok(());
        }
        let calendar = self.calendar()?;
        let mut deltas = DayDeltas::default();
        if let Some(old) = &old
            && let Some(entries) = contribution(&thaw_facts(old)?, &calendar)
        {
            deltas.add(&entries, -1);
        }
        match contribution(&facts, &calendar) {
            Some(entries) => {
                deltas.add(&entries, 1);
                self.table(REPORT_LOOSE)?.remove(id)?;
            }
            None => {
                self.table(REPORT_LOOSE)?.insert(id, ())?;
            }
        }
        self.table(REPORT_FACTS)?
            .insert(id, encode(&record)?.as_slice())?;
        write_deltas(self, &deltas)
    }

    /// Rebuilds the report's facts and tallies from every appeal (schema 6, a changed
    /// calendar or time zone).
    pub(super) fn rebuild_report_tallies(&mut self) -> Result<()> {
        let zone = self.zone.clone();
        let built = expected_tallies(self, &zone, &mut |_, _| Ok(()))?;
        {
            let mut facts = self.table(REPORT_FACTS)?;
            let stale: Vec<u64> = facts
                .range::<u64>(..)?
                .map(|e| e.map(|(k, _)| k.value()))
                .filter(|k| k.as_ref().map_or(true, |k| !built.facts.contains_key(k)))
                .collect::<Result<_, _>>()?;
            for id in stale {
                facts.remove(id)?;
            }
            for (id, record) in &built.facts {
                facts.insert(*id, encode(record)?.as_slice())?;
            }
        }
        self.replace_tallies(&built.loose, &built.days)
    }

    /// Replaces the working-day calendar and recounts the tallies (working days taken depend
    /// on it).
    pub(super) fn recount_after_calendar(&mut self) -> Result<()> {
        let calendar = self.calendar()?;
        let mut days = DayDeltas::default();
        let mut loose = BTreeSet::new();
        if let Some(facts) = self.view(REPORT_FACTS)? {
            for entry in facts.range::<u64>(..)? {
                let (key, value) = entry?;
                let record: ReportFactsV1 = super::codec::decode(value.value())?;
                match contribution(&thaw_facts(&record)?, &calendar) {
                    Some(entries) => days.add(&entries, 1),
                    None => {
                        loose.insert(key.value());
                    }
                }
            }
        }
        self.replace_tallies(&loose, &days)
    }

    /// Empties the day, month and loose tables and writes these instead.
    fn replace_tallies(&mut self, loose: &BTreeSet<u64>, days: &DayDeltas) -> Result<()> {
        for def in [REPORT_DAYS, REPORT_MONTHS] {
            let keys: Vec<u32> = self
                .table(def)?
                .range::<u32>(..)?
                .map(|e| e.map(|(k, _)| k.value()))
                .collect::<Result<_, _>>()?;
            let mut table = self.table(def)?;
            for key in keys {
                table.remove(key)?;
            }
        }
        let mut table = self.table(REPORT_LOOSE)?;
        let keys: Vec<u64> = table
            .range::<u64>(..)?
            .map(|e| e.map(|(k, _)| k.value()))
            .collect::<Result<_, _>>()?;
        for key in keys {
            table.remove(key)?;
        }
        for id in loose {
            table.insert(*id, ())?;
        }
        drop(table);
        write_deltas(self, days)
    }
}

/// What the report tables should hold, computed from the appeals and their histories.
pub(super) struct ExpectedTallies {
    facts: BTreeMap<u64, ReportFactsV1>,
    loose: BTreeSet<u64>,
    days: DayDeltas,
}

/// Computes [`ExpectedTallies`]; `each` sees every appeal's (id, record) as computed.
fn expected_tallies(
    tx: &impl Tx,
    zone: &TimeZone,
    each: &mut dyn FnMut(u64, &ReportFactsV1) -> Result<()>,
) -> Result<ExpectedTallies> {
    let calendar = tx.calendar()?;
    let mut out = ExpectedTallies {
        facts: BTreeMap::new(),
        loose: BTreeSet::new(),
        days: DayDeltas::default(),
    };
    let Some(appeals) = tx.view(APPEALS)? else {
        return Ok(out);
    };
    for entry in appeals.range::<u64>(..)? {
        let (key, value) = entry?;
        let id = key.value();
        let appeal: Appeal = decode_as(value.value())?;
        let history_end = if Facts::needs_history(&appeal) {
            finished_on(&tx.events(appeal.id)?, zone)
        } else {
            None
        };
        let (facts, record) = facts_of(&appeal, history_end, zone);
        each(id, &record)?;
        match contribution(&facts, &calendar) {
            Some(entries) => out.days.add(&entries, 1),
            None => {
                out.loose.insert(id);
            }
        }
        out.facts.insert(id, record);
    }
    Ok(out)
}

/// Reading the running tallies.
pub trait TallyReads: Tx + Sized {
    /// The counter sums for the report's two periods ([`ledger::periods`]), open appeals judged
    /// as of [`ledger::as_of`] with `today`.
    fn period_counts(&self, period: Period, today: Date) -> Result<[PeriodCounts; 2]> {
        let [a, b] = ledger::periods(period);
        Ok([
            self.counts_as_of(a, ledger::as_of(a, today))?,
            self.counts_as_of(b, ledger::as_of(b, today))?,
        ])
    }

    /// The sums for one period: every day before it, and its days (open appeals judged on its
    /// last day).
    fn counts_for(&self, period: Period) -> Result<PeriodCounts> {
        self.counts_as_of(period, period.to)
    }

    /// The sums for one period, open appeals judged on `as_of` (a day of the period).
    fn counts_as_of(&self, period: Period, as_of: Date) -> Result<PeriodCounts> {
        let mut out = PeriodCounts::default();
        let (Some(days), Some(months)) = (self.view(REPORT_DAYS)?, self.view(REPORT_MONTHS)?)
        else {
            return Ok(out);
        };
        let first_month = month_key(period.from);
        for entry in months.range::<u32>(..first_month)? {
            let counts: Counts = decode_as(entry?.1.value())?;
            out.before.merge(&counts, 1);
        }
        let start = day_key(period.from.first_of_month());
        for entry in days.range::<u32>(start..day_key(period.from))? {
            let counts: Counts = decode_as(entry?.1.value())?;
            out.before.merge(&counts, 1);
        }
        let mut month = period.from.first_of_month();
        while month <= period.to {
            let last = month.last_of_month();
            let (year, m) = (month.year(), month.month());
            let mut received = 0;
            let mut add = |day: Option<Date>, counts: &Counts| {
                received += counts.get(Counter::Received);
                out.within.merge(counts, 1);
                // A whole month counts as after `as_of` only when all of it is.
                if day.unwrap_or(month) > as_of {
                    out.past_as_of.merge(counts, 1);
                }
            };
            let whole = period.from <= month && last <= period.to;
            if whole && (month > as_of || last <= as_of) {
                if let Some(v) = months.get(month_key(month))? {
                    add(None, &decode_as(v.value())?);
                }
            } else {
                let from = day_key(period.from.max(month));
                let to = day_key(period.to.min(last));
                for entry in days.range::<u32>(from..=to)? {
                    let (key, value) = entry?;
                    add(day_of_key(key.value()), &decode_as(value.value())?);
                }
            }
            if received != 0 {
                out.received_by_month.insert((year, m), received);
            }
            let Ok(next) = last.tomorrow() else { break };
            month = next;
        }
        Ok(out)
    }

    /// The facts of every loose appeal (folded in full with every report; few, see
    /// `domain::report::ledger`).
    fn loose_facts(&self) -> Result<Vec<Facts>> {
        let (Some(loose), Some(facts)) = (self.view(REPORT_LOOSE)?, self.view(REPORT_FACTS)?)
        else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in loose.range::<u64>(..)? {
            let id = entry?.0.value();
            if let Some(record) = decode_guard::<ReportFactsV1>(facts.get(id)?)? {
                out.push(thaw_facts(&record)?);
            }
        }
        Ok(out)
    }

    /// The time zone the tallies were counted in (its name, as the report compares it).
    fn tally_zone(&self) -> Result<Option<String>> {
        let Some(meta) = self.view(META)? else {
            return Ok(None);
        };
        Ok(meta
            .get(ZONE_KEY)?
            .map(|v| String::from_utf8_lossy(v.value()).into_owned()))
    }

    /// Differences between the stored tallies and a recount from the appeals, as problems.
    fn check_tallies(&self) -> Result<Vec<(String, String)>> {
        let mut problems = Vec::new();
        let stored_facts = self.view(REPORT_FACTS)?;
        let mut mismatched = 0u64;
        // Recounted in the zone they were counted in (a copy is checked without its config).
        let zone = self
            .tally_zone()?
            .as_deref()
            .and_then(zone_from_name)
            .unwrap_or_else(|| self.zone());
        let expected = expected_tallies(self, &zone, &mut |id, record| {
            let stored = match &stored_facts {
                Some(t) => decode_guard::<ReportFactsV1>(t.get(id)?)?,
                None => None,
            };
            if stored.as_ref() != Some(record) {
                mismatched += 1;
                if mismatched <= 20 {
                    problems.push((
                        format!("appeal {id}"),
                        "its report facts differ from what its snapshot and history say".into(),
                    ));
                }
            }
            Ok(())
        })?;
        let stored_ids: u64 = stored_facts.as_ref().map_or(Ok(0), |t| t.len())?;
        if stored_ids != expected.facts.len() as u64 {
            problems.push((
                "table report_facts".into(),
                format!(
                    "holds {stored_ids} records for {} appeals",
                    expected.facts.len()
                ),
            ));
        }
        let loose: BTreeSet<u64> = match self.view(REPORT_LOOSE)? {
            Some(t) => t
                .range::<u64>(..)?
                .map(|e| e.map(|(k, _)| k.value()))
                .collect::<Result<_, _>>()?,
            None => BTreeSet::new(),
        };
        if loose != expected.loose {
            problems.push((
                "table report_loose".into(),
                "does not list exactly the appeals the tallies leave out".into(),
            ));
        }
        let read = |def: TableDefinition<u32, &[u8]>| -> Result<BTreeMap<u32, Counts>> {
            let mut out = BTreeMap::new();
            if let Some(t) = self.view(def)? {
                for entry in t.range::<u32>(..)? {
                    let (k, v) = entry?;
                    out.insert(k.value(), decode_as(v.value())?);
                }
            }
            Ok(out)
        };
        let want_days: BTreeMap<u32, Counts> = expected
            .days
            .0
            .iter()
            .filter(|(_, c)| !c.is_empty())
            .map(|(d, c)| (day_key(*d), c.clone()))
            .collect();
        let want_months: BTreeMap<u32, Counts> = expected
            .days
            .months()
            .into_iter()
            .filter(|(_, c)| !c.is_empty())
            .collect();
        for (name, def, want) in [
            ("report_days", REPORT_DAYS, want_days),
            ("report_months", REPORT_MONTHS, want_months),
        ] {
            let got = read(def)?;
            let wrong: Vec<u32> = want
                .keys()
                .chain(got.keys())
                .filter(|k| want.get(k) != got.get(k))
                .copied()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if let Some(first) = wrong.first() {
                problems.push((
                    format!("table {name}"),
                    format!(
                        "{} tallies differ from a recount of the appeals (first: {first})",
                        wrong.len()
                    ),
                ));
            }
        }
        Ok(problems)
    }
}

impl<T: Tx> TallyReads for T {}

/// `meta` key of the time zone the tallies were counted in.
pub(super) const ZONE_KEY: &str = "report_zone";

/// A time zone's name as stored beside the tallies: its IANA name, or `fixed:<seconds>`.
pub fn zone_name(zone: &TimeZone) -> String {
    zone.iana_name().map_or_else(
        || {
            zone.to_fixed_offset().map_or_else(
                |_| format!("{zone:?}"),
                |o| format!("fixed:{}", o.seconds()),
            )
        },
        str::to_owned,
    )
}

/// The zone a [`zone_name`] names.
fn zone_from_name(name: &str) -> Option<TimeZone> {
    match name.strip_prefix("fixed:") {
        Some(seconds) => jiff::tz::Offset::from_seconds(seconds.parse().ok()?)
            .ok()
            .map(TimeZone::fixed),
        None => TimeZone::get(name).ok(),
    }
}

/// Schema 7 → 8: the open appeals counted in the tallies too (until 7 every open appeal was
/// loose), recounted from the stored facts.
pub(super) fn count_open_appeals_in_tallies(tx: &mut WriteTx) -> Result<()> {
    tx.recount_after_calendar()
}

/// Schema 5 → 6: the report's facts and running tallies for every stored appeal.
pub(super) fn count_report_tallies(tx: &mut WriteTx) -> Result<()> {
    tx.rebuild_report_tallies()?;
    let name = zone_name(&tx.zone);
    tx.table(META)?.insert(ZONE_KEY, name.as_bytes())?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use redb::ReadableTable;

    use super::*;
    use crate::domain::appeal::AppealId;
    use crate::store::AppealReads;
    use crate::store::integrity::tests::populated_store;

    fn registered_on(tx: &impl Tx, day: Date) -> Result<Vec<AppealId>> {
        let mut ids = Vec::new();
        tx.each_registered(day, day, &mut |a| {
            ids.push(a.id);
            Ok(())
        })?;
        Ok(ids)
    }

    #[test]
    fn keys_turn_back_into_days() {
        let day = jiff::civil::date(2024, 2, 29);
        assert_eq!(day_of_key(day_key(day)), Some(day));
        assert_eq!(day_of_key(20_241_399), None);
    }

    #[test]
    fn a_period_reads_exactly_the_appeals_registered_in_it() {
        let store = populated_store();
        let all = store.read(|tx| tx.appeal_count()).unwrap();
        let (first, last) = store
            .read(|tx| {
                let first = tx.first_registration_day()?.unwrap();
                let last = tx.appeal(AppealId(all))?.unwrap().registered_on;
                Ok::<_, crate::store::Error>((first, last))
            })
            .unwrap();
        assert_eq!(
            store.read(|tx| tx.count_registered(first, last)).unwrap(),
            all
        );
        let first_day = store.read(|tx| registered_on(tx, first)).unwrap();
        assert!(!first_day.is_empty());
        let before = first.yesterday().unwrap();
        assert_eq!(
            store
                .read(|tx| tx.count_registered(before, before))
                .unwrap(),
            0
        );
        let after_first = store
            .read(|tx| tx.count_registered(first.tomorrow().unwrap(), last))
            .unwrap();
        assert_eq!(after_first + first_day.len() as u64, all);
    }

    #[test]
    fn the_migration_indexes_appeals_written_before_the_index() {
        let store = populated_store();
        store
            .write(|tx| {
                let mut index = tx.table(IDX_REGISTERED)?;
                let keys: Vec<(u32, u64)> = index
                    .range::<(u32, u64)>(..)?
                    .map(|e| e.map(|(k, _)| k.value()))
                    .collect::<Result<_, _>>()?;
                for key in keys {
                    index.remove(key)?;
                }
                Ok::<_, crate::store::Error>(())
            })
            .unwrap();
        assert!(!store.check().unwrap().is_healthy());
        store.write(index_registration_days).unwrap();
        assert_eq!(store.check().unwrap().problems, vec![]);
    }
}
