//! The institution's settings, record version 1: its profile, units and categories (`settings`,
//! `units`, `categories` tables), the working-day calendar, the routing rules, the admin's terms
//! and the legacy extension-right roles (all in `settings`, one record per key).
//!
//! Each encodes, in postcard and in JSON, as the domain type's serde form did when it was the
//! stored form: same fields in the same order, maps as maps, a newtype as its inner value.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::values_v1::TermV1;
use super::{Freeze, ThawError, frozen_enum, frozen_struct};
use crate::domain::calendar::{Calendar, DayOverride};
use crate::domain::institution::{Category, Institution, Unit};
use crate::domain::lang::Names;
use crate::domain::routing::RoutingRule;
use crate::store::codec::Record;

frozen_struct! {
    /// [`Names`], version 1: a name in each language.
    #[derive(Default)]
    NamesV1 = Names {
        kk: String,
        ru: String,
        en: String,
    }
}

frozen_struct! {
    /// [`Institution`], version 1.
    #[derive(Default)]
    InstitutionV1 = Institution {
        names: NamesV1,
        bin: Option<String>,
        address: String,
        director_name: String,
        higher_body: String,
    }
}

impl Record for InstitutionV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "institution";
}

frozen_struct! {
    /// [`Unit`], version 1.
    UnitV1 = Unit {
        id: u32,
        names: NamesV1,
        active: bool,
    }
}

impl Record for UnitV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "unit";
}

frozen_struct! {
    /// [`Category`], version 1.
    CategoryV1 = Category {
        id: u32,
        names: NamesV1,
        active: bool,
    }
}

impl Record for CategoryV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "category";
}

frozen_enum! {
    /// [`DayOverride`], version 1. Written by index: append only.
    DayOverrideV1 = DayOverride {
        DayOff { reason: String },
        WorkingDay { reason: String },
    }
}

/// [`Calendar`], version 1: the admin's overrides by date and the confirmed years.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CalendarV1 {
    /// Overridden dates.
    pub overrides: BTreeMap<Date, DayOverrideV1>,
    /// Years confirmed complete.
    pub confirmed_years: BTreeSet<i16>,
}

impl Freeze for Calendar {
    type Record = CalendarV1;
    fn freeze(&self) -> CalendarV1 {
        CalendarV1 {
            overrides: self.overrides().freeze(),
            confirmed_years: self.confirmed_years().clone(),
        }
    }
    fn thaw(record: CalendarV1) -> Result<Self, ThawError> {
        Ok(Calendar::new(
            Freeze::thaw(record.overrides)?,
            record.confirmed_years,
        ))
    }
}

super::conversions!(CalendarV1 = Calendar);

impl Record for CalendarV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "calendar";
}

frozen_struct! {
    /// [`RoutingRule`], version 1.
    RoutingRuleV1 = RoutingRule {
        category: u32,
        unit: u32,
        executors: Vec<u64>,
    }
}

/// The routing rules, version 1: every rule in one record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RulesV1(pub Vec<RoutingRuleV1>);

impl Record for RulesV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "routing rules";
}

/// The admin's terms, version 1: type code → term (types not in it use their built-in term).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TermsV1(pub BTreeMap<String, TermV1>);

impl Record for TermsV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "terms";
}

/// Roles besides the director's once granted the extension right, version 1: the role bits.
/// Kept readable for old stores and exports; the law now gives the right by role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExtendersV1(pub u8);

impl Record for ExtendersV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "extenders";
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::appeal::{CategoryId, UnitId};
    use crate::domain::user::UserId;
    use crate::store::codec::{decode_as, encode_as};

    /// See: issue 13 (stored layouts frozen apart from the domain types).
    #[test]
    fn settings_round_trip_through_their_records() {
        let names = Names {
            kk: "Балалар шығармашылығы орталығы".into(),
            ru: "Центр детского творчества".into(),
            en: "Children's creativity centre".into(),
        };
        let unit = Unit {
            id: UnitId(3),
            names: names.clone(),
            active: false,
        };
        assert_eq!(decode_as::<Unit>(&encode_as(&unit).unwrap()).unwrap(), unit);
        let category = Category {
            id: CategoryId(7),
            names: names.clone(),
            active: true,
        };
        assert_eq!(
            decode_as::<Category>(&encode_as(&category).unwrap()).unwrap(),
            category
        );
        let mut overrides = BTreeMap::new();
        overrides.insert(
            jiff::civil::date(2026, 5, 27),
            DayOverride::DayOff {
                reason: "Құрбан айт".into(),
            },
        );
        overrides.insert(
            jiff::civil::date(2026, 1, 3),
            DayOverride::WorkingDay {
                reason: "перенос".into(),
            },
        );
        let calendar = Calendar::new(overrides, BTreeSet::from([2026]));
        assert_eq!(
            decode_as::<Calendar>(&encode_as(&calendar).unwrap()).unwrap(),
            calendar
        );
        let rule = RoutingRule {
            category: CategoryId(1),
            unit: UnitId(2),
            executors: vec![UserId(5), UserId(9)],
        };
        assert_eq!(RoutingRule::thaw(rule.freeze()).unwrap(), rule);
    }

    /// A tax id the domain refuses (wrong check digit) is not read back as a profile.
    #[test]
    fn an_institution_with_a_bad_bin_does_not_thaw() {
        let record = InstitutionV1 {
            bin: Some("780322300455".into()),
            ..InstitutionV1::default()
        };
        assert!(Institution::thaw(record).is_err());
    }
}
