//! The bytes of an uploaded file, shared with the request body they came in, never copied.
//!
//! A multipart body is read once into one buffer; each file is a range of it. Cloning a
//! [`FileBytes`] (to hold an upload across a refused form, to build the attachment to store)
//! costs a reference count, not the file. Nothing here does IO.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// A read-only slice of a shared buffer.
#[derive(Clone)]
pub struct FileBytes {
    whole: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl FileBytes {
    /// The part `range` of `whole`; a range outside it is cut to fit.
    pub fn slice_of(whole: &Arc<Vec<u8>>, range: Range<usize>) -> Self {
        let end = range.end.min(whole.len());
        let start = range.start.min(end);
        Self {
            whole: Arc::clone(whole),
            range: start..end,
        }
    }

    /// Whether `self` and `other` share one buffer (what the tests of "never copied" check).
    pub fn shares_buffer_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.whole, &other.whole)
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> Self {
        let range = 0..bytes.len();
        Self {
            whole: Arc::new(bytes),
            range,
        }
    }
}

impl Default for FileBytes {
    fn default() -> Self {
        Self::from(Vec::new())
    }
}

impl Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.whole[self.range.clone()]
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl PartialEq for FileBytes {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for FileBytes {}

impl fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileBytes({} bytes)", self.len())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_reads_its_range_and_clones_share_the_buffer() {
        let whole = Arc::new(b"head|file|tail".to_vec());
        let file = FileBytes::slice_of(&whole, 5..9);
        let copy = file.clone();
        assert_eq!(&*file, b"file");
        assert!(copy.shares_buffer_with(&file));
        assert_eq!(Arc::strong_count(&whole), 3);
    }

    #[test]
    fn a_range_past_the_end_is_cut_to_fit() {
        let whole = Arc::new(b"abc".to_vec());
        assert_eq!(&*FileBytes::slice_of(&whole, 2..10), b"c");
        assert!(FileBytes::slice_of(&whole, 7..9).is_empty());
    }
}
