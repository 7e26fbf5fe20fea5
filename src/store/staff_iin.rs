//! The IIN a staff member's electronic signature carries, set by the admin, so staff can sign
//! in with ЭЦП (their accounts are logins, not IINs). One IIN per staff member and one staff
//! member per IIN.

use super::schema::STAFF_IIN;
use super::{Result, Tx, WriteTx};
use crate::domain::user::UserId;

/// Reading staff IINs.
pub trait StaffIinReads: Tx {
    /// The staff member whose ЭЦП carries `iin`.
    fn staff_by_iin(&self, iin: &str) -> Result<Option<UserId>> {
        let Some(table) = self.view(STAFF_IIN)? else {
            return Ok(None);
        };
        Ok(table.get(iin)?.map(|id| UserId(id.value())))
    }

    /// Every (IIN, staff member), by IIN.
    fn staff_iins(&self) -> Result<Vec<(String, UserId)>> {
        let Some(table) = self.view(STAFF_IIN)? else {
            return Ok(Vec::new());
        };
        table
            .range::<&str>(..)?
            .map(|entry| {
                let (iin, id) = entry?;
                Ok((iin.value().to_owned(), UserId(id.value())))
            })
            .collect()
    }
}

impl<T: Tx> StaffIinReads for T {}

impl WriteTx {
    /// Sets (or with `None` removes) the IIN of a staff member; refuses an IIN another staff
    /// member has.
    pub fn put_staff_iin(&mut self, user: UserId, iin: Option<&str>) -> Result<()> {
        if let Some(iin) = iin
            && self.staff_by_iin(iin)?.is_some_and(|other| other != user)
        {
            return Err(super::Error::Duplicate("staff IIN"));
        }
        let old: Vec<String> = self
            .staff_iins()?
            .into_iter()
            .filter(|(_, id)| *id == user)
            .map(|(iin, _)| iin)
            .collect();
        let mut table = self.table(STAFF_IIN)?;
        for iin in old {
            table.remove(iin.as_str())?;
        }
        if let Some(iin) = iin {
            table.insert(iin, user.0)?;
        }
        Ok(())
    }
}
