//! Which users chose their interface language themselves (with the header's switch). Until a
//! user has, the language stored on their account is only what they happened to see when it
//! was made, and the browser's choice or the installation's default language wins.

use super::schema::LANGUAGE_CHOSEN;
use super::{Result, Tx, WriteTx};
use crate::domain::user::UserId;

/// Reading language choices.
pub trait LanguageChoiceReads: Tx {
    /// Whether `user` chose their language themselves.
    fn language_chosen(&self, user: UserId) -> Result<bool> {
        let Some(table) = self.view(LANGUAGE_CHOSEN)? else {
            return Ok(false);
        };
        Ok(table.get(user.0)?.is_some())
    }

    /// Every user who chose their language, by id.
    fn language_choosers(&self) -> Result<Vec<UserId>> {
        let Some(table) = self.view(LANGUAGE_CHOSEN)? else {
            return Ok(Vec::new());
        };
        table
            .range::<u64>(..)?
            .map(|entry| Ok(UserId(entry?.0.value())))
            .collect()
    }
}

impl<T: Tx> LanguageChoiceReads for T {}

impl WriteTx {
    /// Records that `user` chose their language.
    pub fn mark_language_chosen(&mut self, user: UserId) -> Result<()> {
        self.table(LANGUAGE_CHOSEN)?.insert(user.0, ())?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_choice_is_remembered_per_user() {
        let store = Store::in_memory().unwrap();
        assert!(!store.read(|tx| tx.language_chosen(UserId(3))).unwrap());
        store
            .write(|tx| tx.mark_language_chosen(UserId(3)))
            .unwrap();
        assert!(store.read(|tx| tx.language_chosen(UserId(3))).unwrap());
        assert!(!store.read(|tx| tx.language_chosen(UserId(4))).unwrap());
        assert_eq!(
            store.read(|tx| tx.language_choosers()).unwrap(),
            vec![UserId(3)]
        );
    }
}
