//! The registry query: filters over index tables, newest first, 50 rows a page.
//!
//! Each filter has an index whose keys end in the appeal id. The query walks the most
//! selective index backwards and checks the remaining filters against a fixed-size row
//! summary, so a page costs about 50 lookups plus the rows it skips, never a full decode.

use jiff::civil::Date;

use super::schema::{
    APPEAL_ROWS, APPEALS, IDX_EXECUTOR, IDX_KIND, IDX_OPEN_COUNTS, IDX_OPEN_DUE, IDX_OWNER,
    IDX_REGISTERED, IDX_STATUS, IDX_TAX_ID, IDX_UNIT,
};
use super::{AppealReads, Result, Tx, WriteTx};
use crate::domain::appeal::{Appeal, AppealId, UnitId};
use crate::domain::kind::{AppealKind, Status};
use crate::domain::queue::QueueCounts;
use crate::domain::user::UserId;

/// Rows per registry page.
pub const PAGE_SIZE: usize = 50;

/// Which appeals the registry shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this type.
    pub kind: Option<AppealKind>,
    /// Only this recipient unit.
    pub unit: Option<UnitId>,
    /// Only appeals assigned to this executor.
    pub executor: Option<UserId>,
    /// Only open appeals due in this inclusive range of days.
    pub due_between: Option<(Date, Date)>,
    /// Only this IIN/BIN.
    pub tax_id: Option<String>,
    /// Only this registration number (exact, printed form).
    pub number: Option<String>,
    /// Only appeals whose deadline still runs.
    pub open_only: bool,
    /// Start below this appeal id (the "next page" cursor).
    pub before: Option<AppealId>,
}

/// One page of the registry.
#[derive(Debug, Clone)]
pub struct RegistryPage {
    /// Up to 50 appeals, newest first.
    pub appeals: Vec<Appeal>,
    /// Cursor of the next page, when there is one.
    pub next: Option<AppealId>,
}

/// The fields filters look at, packed into 18 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowSummary {
    status: u8,
    kind: u8,
    unit: u32,
    executor: u64,
    due: u32,
}

impl RowSummary {
    fn of(appeal: &Appeal) -> Self {
        Self {
            status: appeal.status.index(),
            kind: appeal.kind.index(),
            unit: appeal.unit.0,
            executor: appeal.executor.as_ref().map_or(0, |e| e.user.0),
            due: day_key(appeal.due),
        }
    }

    fn to_bytes(self) -> [u8; 18] {
        let mut out = [0u8; 18];
        out[0] = self.status;
        out[1] = self.kind;
        out[2..6].copy_from_slice(&self.unit.to_le_bytes());
        out[6..14].copy_from_slice(&self.executor.to_le_bytes());
        out[14..18].copy_from_slice(&self.due.to_le_bytes());
        out
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 18 {
            return None;
        }
        Some(Self {
            status: bytes[0],
            kind: bytes[1],
            unit: u32::from_le_bytes(bytes[2..6].try_into().ok()?),
            executor: u64::from_le_bytes(bytes[6..14].try_into().ok()?),
            due: u32::from_le_bytes(bytes[14..18].try_into().ok()?),
        })
    }

    fn matches(self, filter: &RegistryFilter) -> bool {
        filter.status.is_none_or(|s| s.index() == self.status)
            && filter.kind.is_none_or(|k| k.index() == self.kind)
            && filter.unit.is_none_or(|u| u.0 == self.unit)
            && filter.executor.is_none_or(|e| e.0 == self.executor)
            && (!filter.open_only
                || Status::ALL
                    .get(usize::from(self.status))
                    .is_some_and(|s| s.deadline_runs()))
            && filter.due_between.is_none_or(|(from, to)| {
                Status::ALL
                    .get(usize::from(self.status))
                    .is_some_and(|s| s.deadline_runs())
                    && (day_key(from)..=day_key(to)).contains(&self.due)
            })
    }
}

/// A date as a sortable number, `yyyymmdd`.
pub(super) fn day_key(date: Date) -> u32 {
    let year = u32::try_from(date.year()).unwrap_or(0);
    year * 10_000
        + u32::from(date.month().unsigned_abs()) * 100
        + u32::from(date.day().unsigned_abs())
}

pub(super) fn write_indexes(tx: &mut WriteTx, appeal: &Appeal) -> Result<()> {
    let id = appeal.id.0;
    tx.table(APPEAL_ROWS)?
        .insert(id, RowSummary::of(appeal).to_bytes().as_slice())?;
    tx.table(IDX_STATUS)?
        .insert((appeal.status.index(), id), ())?;
    tx.table(IDX_KIND)?.insert((appeal.kind.index(), id), ())?;
    tx.table(IDX_UNIT)?.insert((appeal.unit.0, id), ())?;
    if let Some(executor) = &appeal.executor {
        tx.table(IDX_EXECUTOR)?.insert((executor.user.0, id), ())?;
    }
    if let Some(owner) = appeal.owner {
        tx.table(IDX_OWNER)?.insert((owner.0, id), ())?;
    }
    tx.table(IDX_TAX_ID)?
        .insert((appeal.applicant.tax_id.as_str(), id), ())?;
    if appeal.status.deadline_runs() {
        tx.table(IDX_OPEN_DUE)?
            .insert((day_key(appeal.due), id), ())?;
        count_open(tx, appeal, 1)?;
    }
    tx.table(IDX_REGISTERED)?
        .insert((day_key(appeal.registered_on), id), ())?;
    Ok(())
}

pub(super) fn remove_indexes(tx: &mut WriteTx, appeal: &Appeal) -> Result<()> {
    let id = appeal.id.0;
    tx.table(IDX_STATUS)?.remove((appeal.status.index(), id))?;
    tx.table(IDX_KIND)?.remove((appeal.kind.index(), id))?;
    tx.table(IDX_UNIT)?.remove((appeal.unit.0, id))?;
    if let Some(executor) = &appeal.executor {
        tx.table(IDX_EXECUTOR)?.remove((executor.user.0, id))?;
    }
    if let Some(owner) = appeal.owner {
        tx.table(IDX_OWNER)?.remove((owner.0, id))?;
    }
    tx.table(IDX_TAX_ID)?
        .remove((appeal.applicant.tax_id.as_str(), id))?;
    if tx
        .table(IDX_OPEN_DUE)?
        .remove((day_key(appeal.due), id))?
        .is_some()
    {
        count_open(tx, appeal, -1)?;
    }
    tx.table(IDX_REGISTERED)?
        .remove((day_key(appeal.registered_on), id))?;
    Ok(())
}

fn status_key(status: Status) -> String {
    format!("status:{}", status.index())
}

fn executor_key(user: UserId) -> String {
    format!("executor:{}", user.0)
}

/// Adds `delta` to the open-appeal counts of the appeal's status and executor.
fn count_open(tx: &mut WriteTx, appeal: &Appeal, delta: i64) -> Result<()> {
    let mut keys = vec![status_key(appeal.status)];
    if let Some(executor) = &appeal.executor {
        keys.push(executor_key(executor.user));
    }
    let mut counts = tx.table(IDX_OPEN_COUNTS)?;
    for key in keys {
        let now = redb::ReadableTable::get(&counts, key.as_str())?.map_or(0, |v| v.value());
        // A count of zero is no entry, so the table equals what the open appeals imply.
        match now.saturating_add_signed(delta) {
            0 => counts.remove(key.as_str())?,
            n => counts.insert(key.as_str(), n)?,
        };
    }
    Ok(())
}

/// Schema 2 → 3: count the open appeals per status and executor.
pub(super) fn count_open_appeals(tx: &mut WriteTx) -> Result<()> {
    let mut open = Vec::new();
    if let Some(appeals) = super::access::Access::view(&*tx, APPEALS)? {
        for entry in appeals.range::<u64>(..)? {
            let appeal: Appeal = super::codec::decode_as(entry?.1.value())?;
            if appeal.status.deadline_runs() {
                open.push(appeal);
            }
        }
    }
    for appeal in &open {
        count_open(tx, appeal, 1)?;
    }
    Ok(())
}

/// Walks `(prefix, id)` keys of one index backwards from the cursor.
fn walk_prefixed<P: redb::Key + 'static>(
    index: &super::access::View<'_, (P, u64), ()>,
    prefix: P::SelfType<'_>,
    below: u64,
    visit: &mut dyn FnMut(u64) -> Result<bool>,
) -> Result<()>
where
    for<'a> P::SelfType<'a>: Clone,
{
    for entry in index.range((prefix.clone(), 0)..(prefix, below))?.rev() {
        if !visit(entry?.0.value().1)? {
            break;
        }
    }
    Ok(())
}

/// Running the registry query.
pub trait RegistryReads: Tx + Sized {
    /// One page of appeals matching `filter`, newest first.
    fn registry(&self, filter: &RegistryFilter) -> Result<RegistryPage> {
        let Some(rows) = self.view(APPEAL_ROWS)? else {
            return Ok(RegistryPage {
                appeals: Vec::new(),
                next: None,
            });
        };
        let below = filter.before.map_or(u64::MAX, |id| id.0);
        let mut found: Vec<u64> = Vec::with_capacity(PAGE_SIZE + 1);
        let mut visit = |id: u64| -> Result<bool> {
            let matches = rows
                .get(id)?
                .and_then(|v| RowSummary::from_bytes(v.value()))
                .is_some_and(|row| row.matches(filter));
            if matches {
                found.push(id);
            }
            Ok(found.len() <= PAGE_SIZE)
        };

        if let Some(number) = &filter.number {
            if let Some(id) = self.appeal_id_by_number(number)?.filter(|id| id.0 < below) {
                visit(id.0)?;
            }
        } else if let Some(tax_id) = &filter.tax_id {
            if let Some(index) = self.view(IDX_TAX_ID)? {
                walk_prefixed(&index, tax_id.as_str(), below, &mut visit)?;
            }
        } else if let Some(executor) = filter.executor {
            if let Some(index) = self.view(IDX_EXECUTOR)? {
                walk_prefixed(&index, executor.0, below, &mut visit)?;
            }
        } else if let Some((from, to)) = filter.due_between {
            if let Some(index) = self.view(IDX_OPEN_DUE)? {
                let mut ids: Vec<u64> = index
                    .range((day_key(from), 0)..=(day_key(to), u64::MAX))?
                    .map(|entry| entry.map(|(k, _)| k.value().1))
                    .collect::<Result<_, _>>()?;
                ids.retain(|id| *id < below);
                ids.sort_unstable_by(|a, b| b.cmp(a));
                for id in ids {
                    if !visit(id)? {
                        break;
                    }
                }
            }
        } else if let Some(unit) = filter.unit {
            if let Some(index) = self.view(IDX_UNIT)? {
                walk_prefixed(&index, unit.0, below, &mut visit)?;
            }
        } else if let Some(status) = filter.status {
            if let Some(index) = self.view(IDX_STATUS)? {
                walk_prefixed(&index, status.index(), below, &mut visit)?;
            }
        } else if let Some(kind) = filter.kind {
            if let Some(index) = self.view(IDX_KIND)? {
                walk_prefixed(&index, kind.index(), below, &mut visit)?;
            }
        } else if let Some(all) = self.view(APPEALS)? {
            for entry in all.range(..below)?.rev() {
                if !visit(entry?.0.value())? {
                    break;
                }
            }
        }

        let next = if found.len() > PAGE_SIZE {
            found.truncate(PAGE_SIZE);
            found.last().map(|id| AppealId(*id))
        } else {
            None
        };
        let mut appeals = Vec::with_capacity(found.len());
        for id in found {
            if let Some(appeal) = self.appeal(AppealId(id))? {
                appeals.push(appeal);
            }
        }
        Ok(RegistryPage { appeals, next })
    }
}

impl<T: Tx> RegistryReads for T {}

/// The appeals whose deadline still runs.
pub trait OpenReads: Tx + Sized {
    /// Ids of every appeal whose deadline still runs, in deadline order.
    fn open_appeal_ids(&self) -> Result<Vec<AppealId>> {
        let Some(open) = self.view(IDX_OPEN_DUE)? else {
            return Ok(Vec::new());
        };
        open.range::<(u32, u64)>(..)?
            .map(|entry| entry.map(|(k, _)| AppealId(k.value().1)))
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}

impl<T: Tx> OpenReads for T {}

/// Counting the work queues: kept counts for statuses and executors, capped range counts for
/// the deadlines.
pub trait QueueReads: Tx + Sized {
    /// Counts for `me`, with "soon" meaning due in `[today, soon_until]`. Deadline counts stop
    /// at `COUNT_CAP`.
    fn queue_counts(&self, me: UserId, today: Date, soon_until: Date) -> Result<QueueCounts> {
        let mut counts = QueueCounts::default();
        if let Some(kept) = self.view(IDX_OPEN_COUNTS)? {
            let get = |key: String| -> Result<u64> {
                Ok(kept.get(key.as_str())?.map_or(0, |v| v.value()))
            };
            counts.awaiting_routing = get(status_key(Status::Registered))?;
            counts.awaiting_signature = get(status_key(Status::OnSignature))?;
            counts.mine = get(executor_key(me))?;
        }
        if let Some(open) = self.view(IDX_OPEN_DUE)? {
            let (today, soon_until) = (day_key(today), day_key(soon_until));
            counts.overdue = open.range((0, 0)..(today, 0))?.take(COUNT_CAP).count() as u64;
            counts.due_soon = open
                .range((today, 0)..=(soon_until, u64::MAX))?
                .take(COUNT_CAP)
                .count() as u64;
        }
        Ok(counts)
    }
}

/// Deadline queue counts stop here (the page shows the number as "at least").
pub const COUNT_CAP: usize = 1000;

impl<T: Tx> QueueReads for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_keys_sort_like_dates() {
        let a = day_key(jiff::civil::date(2025, 12, 31));
        let b = day_key(jiff::civil::date(2026, 1, 1));
        assert!(a < b);
        assert_eq!(day_key(jiff::civil::date(2026, 3, 9)), 20_260_309);
    }

    #[test]
    fn row_summaries_round_trip() {
        let row = RowSummary {
            status: 1,
            kind: 2,
            unit: 7,
            executor: 99,
            due: 20_260_309,
        };
        assert_eq!(RowSummary::from_bytes(&row.to_bytes()), Some(row));
        assert_eq!(RowSummary::from_bytes(&[1, 2]), None);
    }
}
