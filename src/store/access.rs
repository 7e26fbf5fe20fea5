//! Table access shared by read and write transactions (sealed inside `store`).

use redb::TableDefinition;

use super::{ReadTx, Result, WriteTx};

/// A table opened for reading in either kind of transaction.
pub enum View<'t, K: redb::Key + 'static, V: redb::Value + 'static> {
    Read(redb::ReadOnlyTable<K, V>),
    Write(redb::Table<'t, K, V>),
}

impl<K: redb::Key + 'static, V: redb::Value + 'static> View<'_, K, V> {
    pub fn get<'a>(
        &self,
        key: impl std::borrow::Borrow<K::SelfType<'a>>,
    ) -> Result<Option<redb::AccessGuard<'_, V>>> {
        use redb::ReadableTable;
        Ok(match self {
            View::Read(t) => t.get(key)?,
            View::Write(t) => t.get(key)?,
        })
    }

    pub fn range<'a, KR>(
        &self,
        range: impl std::ops::RangeBounds<KR> + 'a,
    ) -> Result<redb::Range<'_, K, V>>
    where
        KR: std::borrow::Borrow<K::SelfType<'a>> + 'a,
    {
        use redb::ReadableTable;
        Ok(match self {
            View::Read(t) => t.range(range)?,
            View::Write(t) => t.range(range)?,
        })
    }

    pub fn len(&self) -> Result<u64> {
        use redb::ReadableTableMetadata;
        Ok(match self {
            View::Read(t) => t.len()?,
            View::Write(t) => t.len()?,
        })
    }
}

/// Opening tables for reading; implemented by both transaction kinds.
pub trait Access {
    /// Opens a table for reading. A table never written yet reads as empty.
    fn view<K: redb::Key + 'static, V: redb::Value + 'static>(
        &self,
        def: TableDefinition<K, V>,
    ) -> Result<Option<View<'_, K, V>>>;

    /// The institution's time zone, as the store was told it.
    fn zone(&self) -> jiff::tz::TimeZone;
}

impl Access for ReadTx {
    fn view<K: redb::Key + 'static, V: redb::Value + 'static>(
        &self,
        def: TableDefinition<K, V>,
    ) -> Result<Option<View<'_, K, V>>> {
        match self.txn.open_table(def) {
            Ok(t) => Ok(Some(View::Read(t))),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn zone(&self) -> jiff::tz::TimeZone {
        self.zone.clone()
    }
}

impl Access for WriteTx {
    fn view<K: redb::Key + 'static, V: redb::Value + 'static>(
        &self,
        def: TableDefinition<K, V>,
    ) -> Result<Option<View<'_, K, V>>> {
        Ok(Some(View::Write(self.txn.open_table(def)?)))
    }

    fn zone(&self) -> jiff::tz::TimeZone {
        self.zone.clone()
    }
}
