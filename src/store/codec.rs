//! The only code that turns records into bytes and back: `[version][postcard]`.
//!
//! Each stored type names its current record version; a byte that does not match is either
//! migrated at open (`migrate`) or reported as corruption, never silently misread.
//!
//! [`Record`] is implemented only by the frozen record types of `store::records`, never by
//! domain types or by the store's own types (`Session`, `Passkey`, …): a value is written
//! through its record with [`encode_as`] and read back with [`decode_as`].

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Error;
use super::records::Freeze;

/// A type stored as a record, with the version of its current layout.
pub trait Record: Serialize + DeserializeOwned {
    /// Layout version written as the first byte.
    const VERSION: u8;
    /// Name used in error messages.
    const NAME: &'static str;
}

/// Encodes a record behind its version byte.
pub fn encode<T: Record>(value: &T) -> Result<Vec<u8>, Error> {
    let mut out = vec![T::VERSION];
    postcard::to_io(value, &mut out).map_err(|e| Error::Corrupt {
        record: T::NAME,
        detail: format!("cannot encode: {e}"),
    })?;
    Ok(out)
}

/// Decodes a record, checking its version byte.
pub fn decode<T: Record>(bytes: &[u8]) -> Result<T, Error> {
    match bytes.split_first() {
        Some((&version, rest)) if version == T::VERSION => {
            postcard::from_bytes(rest).map_err(|e| Error::Corrupt {
                record: T::NAME,
                detail: e.to_string(),
            })
        }
        Some((&version, _)) => Err(Error::Corrupt {
            record: T::NAME,
            detail: format!("record version {version}, expected {}", T::VERSION),
        }),
        None => Err(Error::Corrupt {
            record: T::NAME,
            detail: "empty record".into(),
        }),
    }
}

/// Encodes a domain value as its frozen record.
pub fn encode_as<T: Freeze>(value: &T) -> Result<Vec<u8>, Error>
where
    T::Record: Record,
{
    encode(&value.freeze())
}

/// Decodes a frozen record into its domain value (re-validating what the domain checks).
pub fn decode_as<T: Freeze>(bytes: &[u8]) -> Result<T, Error>
where
    T::Record: Record,
{
    thaw(decode(bytes)?)
}

/// The domain value of a decoded record; a value the domain refuses is corruption.
pub fn thaw<T: Freeze>(record: T::Record) -> Result<T, Error>
where
    T::Record: Record,
{
    thaw_part(record, <T::Record as Record>::NAME)
}

/// Like [`thaw`], for a record that is part of the record `name` (an event inside its
/// hash-linked record).
pub fn thaw_part<T: Freeze>(record: T::Record, name: &'static str) -> Result<T, Error> {
    T::thaw(record).map_err(|e| Error::Corrupt {
        record: name,
        detail: e.0,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        name: String,
        n: u64,
    }
    impl Record for Sample {
        const VERSION: u8 = 3;
        const NAME: &'static str = "sample";
    }

    #[test]
    fn records_carry_their_version_byte() {
        let bytes = encode(&Sample {
            name: "Қарасу".into(),
            n: 7,
        })
        .unwrap();
        assert_eq!(bytes[0], 3);
        assert_eq!(
            decode::<Sample>(&bytes).unwrap(),
            Sample {
                name: "Қарасу".into(),
                n: 7
            }
        );
    }

    #[test]
    fn a_wrong_version_or_garbage_is_reported_not_misread() {
        let mut bytes = encode(&Sample {
            name: "x".into(),
            n: 1,
        })
        .unwrap();
        bytes[0] = 2;
        let err = decode::<Sample>(&bytes).unwrap_err().to_string();
        assert!(err.contains("record version 2"), "{err}");
        assert!(decode::<Sample>(&[]).is_err());
        assert!(decode::<Sample>(&[3, 0xff, 0xff]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = decode::<Sample>(&bytes);
        }
    }
}
