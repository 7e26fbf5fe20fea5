//! Frozen record types: the layouts the store writes, kept apart from the domain types.
//!
//! postcard encodes structs by position and enums by variant index, so a stored layout may
//! never gain, lose or reorder a field. Domain types are free to change; each stored family has
//! record types here (`AppealV1`, `EventV2`, `ChangeV1`, …) that encode byte for byte as the
//! store has always written them, and the codec's [`Record`](super::codec::Record) trait is
//! implemented only by record types. [`Freeze`] converts a domain value to its record
//! (`freeze`, infallible) and back (`thaw`, which re-validates, e.g. a tax id's check digit);
//! every frozen type also has `From<&Domain> for Record` and `TryFrom<Record> for Domain`.
//! The export (`store/export.rs`) writes the record types' serde JSON, so the export format
//! is frozen with them.
//!
//! One module per family: [`values_v1`] (ids, coded enums and small values shared by every
//! family), [`appeal_v1`] (the appeal snapshot and its parts), [`event`] (history entries and
//! their changes), [`file_v1`] (attachments and held uploads), [`delivery_v1`] (gateway messages and the code second factor's channel),
//! [`notice_v1`] (the outbox and in-app notices), [`passkey_v1`] (passkeys and their
//! challenges), [`report_v1`] (the report's running tallies), [`settings_v1`] (the profile, units, categories, calendar, routing rules and
//! terms), [`signature_v1`] (electronic signatures), [`sign_in_v1`] (sessions, one-time codes, credentials, second factors, QR
//! sign-ins).
//!
//! # Adding a variant to a stored enum
//!
//! Append it at the end of the domain enum and add ONE line at the end of the matching
//! `frozen_enum!` invocation here (e.g. `ChangeV1`): the macro writes the record variant and
//! both conversions. The match over the domain enum is exhaustive, so a domain variant without
//! its record line does not compile. Never insert a variant in the middle or reorder them.
//!
//! # Adding a field (a new layout, e.g. `AppealV2`)
//!
//! 1. Copy the record type to a new `frozen_struct!` named `AppealV2` (in a new module
//!    `appeal_v2.rs`), with the field added, and move the domain conversion (`= Appeal`) from
//!    `AppealV1` to it. `AppealV1` stays as it is, as a plain `#[derive(Serialize,
//!    Deserialize)]` struct, forever: old bytes are read through it.
//! 2. Give `AppealV2` the next `Record::VERSION` (2) and write `impl From<AppealV1> for AppealV2`
//!    saying how the new field is filled for old records.
//! 3. Either read both versions where the record is decoded (as `appeals::decode_event` does
//!    for `StoredEventV1` → `StoredEventV2`), or rewrite the table in a schema step
//!    (`migrate.rs`, `SCHEMA_VERSION` + 1, and a fixture `store-vN.redb` of the old schema). A
//!    record inside the hash-chained history (`ChangeV1::Registered(Box<AppealV1>)`) is never
//!    rewritten: the history keeps V1 and a new change layout gets its own `ChangeV2`.
//! 4. The export writes the newest record's JSON: a field added there is a change of the
//!    export format too (`docs/export-format.md`).

pub mod appeal_v1;
pub mod audit_v1;
pub mod delivery_v1;
pub mod event;
pub mod file_v1;
pub mod notice_v1;
pub mod passkey_v1;
pub mod report_v1;
pub mod settings_v1;
pub mod sign_in_v1;
pub mod signature_v1;
pub mod user_v1;
pub mod values_v1;

/// Why a record could not become a domain value (a value the domain refuses, such as a tax id
/// with a wrong check digit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThawError(pub String);

impl std::fmt::Display for ThawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A domain type with a frozen record layout.
pub trait Freeze: Sized {
    /// The record it is stored as.
    type Record;
    /// The record of this value.
    fn freeze(&self) -> Self::Record;
    /// The value of a record, re-validated.
    fn thaw(record: Self::Record) -> Result<Self, ThawError>;
}

/// Values stored as themselves (their serde form is fixed by the language or by jiff).
macro_rules! frozen_as_itself {
    ($($t:ty),*) => {$(
        impl Freeze for $t {
            type Record = $t;
            fn freeze(&self) -> $t {
                self.clone()
            }
            fn thaw(record: $t) -> Result<Self, ThawError> {
                Ok(record)
            }
        }
    )*};
}

frozen_as_itself!(
    bool,
    u8,
    [u8; 16],
    [u8; 20],
    [u8; 32],
    u16,
    u32,
    u64,
    i16,
    i64,
    String,
    jiff::Timestamp,
    jiff::civil::Date
);

impl<T: Freeze> Freeze for Option<T> {
    type Record = Option<T::Record>;
    fn freeze(&self) -> Self::Record {
        self.as_ref().map(Freeze::freeze)
    }
    fn thaw(record: Self::Record) -> Result<Self, ThawError> {
        record.map(T::thaw).transpose()
    }
}

impl<T: Freeze> Freeze for Vec<T> {
    type Record = Vec<T::Record>;
    fn freeze(&self) -> Self::Record {
        self.iter().map(Freeze::freeze).collect()
    }
    fn thaw(record: Self::Record) -> Result<Self, ThawError> {
        record.into_iter().map(T::thaw).collect()
    }
}

impl<T: Freeze> Freeze for Box<T> {
    type Record = Box<T::Record>;
    fn freeze(&self) -> Self::Record {
        Box::new((**self).freeze())
    }
    fn thaw(record: Self::Record) -> Result<Self, ThawError> {
        T::thaw(*record).map(Box::new)
    }
}

/// A map keeps its keys as they are (strings, dates) and freezes its values.
impl<K: Ord + Clone, V: Freeze> Freeze for std::collections::BTreeMap<K, V> {
    type Record = std::collections::BTreeMap<K, V::Record>;
    fn freeze(&self) -> Self::Record {
        self.iter().map(|(k, v)| (k.clone(), v.freeze())).collect()
    }
    fn thaw(record: Self::Record) -> Result<Self, ThawError> {
        record
            .into_iter()
            .map(|(k, v)| Ok((k, V::thaw(v)?)))
            .collect()
    }
}

impl<A: Freeze, B: Freeze> Freeze for (A, B) {
    type Record = (A::Record, B::Record);
    fn freeze(&self) -> Self::Record {
        (self.0.freeze(), self.1.freeze())
    }
    fn thaw(record: Self::Record) -> Result<Self, ThawError> {
        Ok((A::thaw(record.0)?, B::thaw(record.1)?))
    }
}

impl<A: Freeze, B: Freeze, C: Freeze> Freeze for (A, B, C) {
    type Record = (A::Record, B::Record, C::Record);
    fn freeze(&self) -> Self::Record {
        (self.0.freeze(), self.1.freeze(), self.2.freeze())
    }
    fn thaw(record: Self::Record) -> Result<Self, ThawError> {
        Ok((A::thaw(record.0)?, B::thaw(record.1)?, C::thaw(record.2)?))
    }
}

/// `From<&Domain> for Record` and `TryFrom<Record> for Domain`, through [`Freeze`].
macro_rules! conversions {
    ($record:ty = $domain:ty) => {
        impl From<&$domain> for $record {
            fn from(value: &$domain) -> Self {
                $crate::store::records::Freeze::freeze(value)
            }
        }
        impl TryFrom<$record> for $domain {
            type Error = $crate::store::records::ThawError;
            fn try_from(record: $record) -> Result<Self, Self::Error> {
                $crate::store::records::Freeze::thaw(record)
            }
        }
    };
}
pub(crate) use conversions;

/// A record struct with the same fields, in the same order, as its domain struct, and the
/// conversions between them (field by field, through [`Freeze`]).
macro_rules! frozen_struct {
    (
        $(#[$meta:meta])*
        $record:ident = $domain:path {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        // Fields mirror the domain type's, one for one, and are documented there.
        #[allow(missing_docs)]
        $(#[$meta])*
        pub struct $record {
            $( $(#[$field_meta])* pub $field: $ty ),*
        }

        impl $crate::store::records::Freeze for $domain {
            type Record = $record;
            fn freeze(&self) -> $record {
                $record { $( $field: $crate::store::records::Freeze::freeze(&self.$field) ),* }
            }
            fn thaw(record: $record) -> Result<Self, $crate::store::records::ThawError> {
                Ok(Self { $( $field: $crate::store::records::Freeze::thaw(record.$field)? ),* })
            }
        }

        $crate::store::records::conversions!($record = $domain);
    };
}
pub(crate) use frozen_struct;

/// A record enum with the same variants, in the same order, as its domain enum, and the
/// conversions between them. Each variant is one line: `Name`, `Name(Payload)` or
/// `Name { field: Type, … }`; append new ones at the end.
macro_rules! frozen_enum {
    (
        $(#[$meta:meta])*
        $record:ident = $domain:ident { $($body:tt)* }
    ) => {
        $crate::store::records::frozen_enum!(
            @variants [$(#[$meta])*] $record $domain [] [] [] $($body)*
        );
    };
    // `Name(Payload)`
    (@variants $meta:tt $record:ident $domain:ident [$($def:tt)*] [$($freeze:tt)*] [$($thaw:tt)*]
        $(#[$vmeta:meta])* $variant:ident ( $payload:ty ) $(, $($rest:tt)*)?
    ) => {
        $crate::store::records::frozen_enum!(
            @variants $meta $record $domain
            [$($def)* $(#[$vmeta])* $variant($payload),]
            [$($freeze)* $domain::$variant(value) => $record::$variant(
                $crate::store::records::Freeze::freeze(value)),]
            [$($thaw)* $record::$variant(value) => $domain::$variant(
                $crate::store::records::Freeze::thaw(value)?),]
            $($($rest)*)?
        );
    };
    // `Name { field: Type, … }`
    (@variants $meta:tt $record:ident $domain:ident [$($def:tt)*] [$($freeze:tt)*] [$($thaw:tt)*]
        $(#[$vmeta:meta])* $variant:ident {
            $( $(#[$fmeta:meta])* $field:ident : $fty:ty ),* $(,)?
        } $(, $($rest:tt)*)?
    ) => {
        $crate::store::records::frozen_enum!(
            @variants $meta $record $domain
            [$($def)* $(#[$vmeta])* $variant { $( $(#[$fmeta])* $field: $fty ),* },]
            [$($freeze)* $domain::$variant { $($field),* } => $record::$variant {
                $( $field: $crate::store::records::Freeze::freeze($field) ),* },]
            [$($thaw)* $record::$variant { $($field),* } => $domain::$variant {
                $( $field: $crate::store::records::Freeze::thaw($field)? ),* },]
            $($($rest)*)?
        );
    };
    // `Name`
    (@variants $meta:tt $record:ident $domain:ident [$($def:tt)*] [$($freeze:tt)*] [$($thaw:tt)*]
        $(#[$vmeta:meta])* $variant:ident $(, $($rest:tt)*)?
    ) => {
        $crate::store::records::frozen_enum!(
            @variants $meta $record $domain
            [$($def)* $(#[$vmeta])* $variant,]
            [$($freeze)* $domain::$variant => $record::$variant,]
            [$($thaw)* $record::$variant => $domain::$variant,]
            $($($rest)*)?
        );
    };
    (@variants [$($meta:tt)*] $record:ident $domain:ident [$($def:tt)*] [$($freeze:tt)*] [$($thaw:tt)*]) => {
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        // Variants mirror the domain enum's, one for one, and are documented there.
        #[allow(missing_docs)]
        $($meta)*
        pub enum $record { $($def)* }

        impl $crate::store::records::Freeze for $domain {
            type Record = $record;
            fn freeze(&self) -> $record {
                match self { $($freeze)* }
            }
            #[allow(clippy::unnecessary_wraps)]
            fn thaw(record: $record) -> Result<Self, $crate::store::records::ThawError> {
                Ok(match record { $($thaw)* })
            }
        }

        $crate::store::records::conversions!($record = $domain);
    };
}
pub(crate) use frozen_enum;

#[cfg(test)]
mod store_owned_bytes;
#[cfg(test)]
mod tests;
