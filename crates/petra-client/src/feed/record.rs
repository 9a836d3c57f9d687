//! CSV records as the record splitter returns them.
//!
//! A record copies the bytes of its line from the read buffer in one piece and keeps the
//! start and end of each field in them, so delimiters and quotes stay between the fields.
//! A record with a field that differs from its bytes in the file (a doubled quote, or
//! bytes after a closing quote) stores each field's bytes back to back instead.

use std::ops::Range;

/// One CSV record: the bytes its fields come from and the byte range of each field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub(crate) bytes: Vec<u8>,
    /// Start and end of each field in `bytes`, in field order. Both never decrease from one
    /// field to the next.
    pub(crate) bounds: Vec<(usize, usize)>,
    /// The fields are back to back in `bytes`, with nothing between them.
    pub(crate) packed: bool,
}

impl Record {
    /// Creates an empty record with room for `bytes` bytes and `fields` fields.
    pub fn with_capacity(bytes: usize, fields: usize) -> Record {
        Record {
            bytes: Vec::with_capacity(bytes),
            bounds: Vec::with_capacity(fields),
            packed: false,
        }
    }

    /// Number of fields.
    #[inline]
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Returns true for a record without fields.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Returns the field at `position`, or `None` past the last field.
    #[inline]
    pub fn get(&self, position: usize) -> Option<&[u8]> {
        let &(start, end) = self.bounds.get(position)?;
        self.bytes.get(start..end)
    }

    /// Returns the fields in order.
    pub fn iter(&self) -> Fields<'_> {
        Fields {
            bytes: &self.bytes,
            bounds: self.bounds.iter(),
        }
    }

    /// Byte range of the field at `position` in [`bytes`](Record::bytes).
    #[cfg(test)]
    pub(crate) fn range(&self, position: usize) -> Option<Range<usize>> {
        self.bounds.get(position).map(|&(start, end)| start..end)
    }

    /// All bytes the fields come from, with any delimiters and quotes between them.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Start and end of each field in [`bytes`](Record::bytes), in field order. Together
    /// they determine every field, so a digest of both covers the record without
    /// copying its fields.
    pub fn bounds(&self) -> &[(usize, usize)] {
        &self.bounds
    }

    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.bounds.clear();
        self.packed = false;
    }

    /// Converts the record into one whose fields are `str` when every field is valid UTF-8.
    /// Otherwise returns it unchanged, with the position of the first field that may be
    /// invalid: the fields before it are valid UTF-8.
    // Inlined into `fill_row`. As a call it returned the record through memory, and
    // `fill_row` read it back at once with 16-byte loads over 8-byte stores, which store
    // forwarding cannot serve. perf cpu-clock samples clustered on those loads.
    #[inline]
    pub(crate) fn into_utf8(self) -> Result<Utf8Record, (Record, usize)> {
        // Unpacked fields are separated by ASCII delimiters, quotes or line ends, so one
        // check of all the bytes covers every field. Packed fields lie back to back, and a
        // character may be split across two of them. So a packed field is valid on its own
        // only when its bounds are also character boundaries of the checked bytes.
        let packed = self.packed;
        match String::from_utf8(self.bytes) {
            Ok(text) => {
                let splits_character = |&(start, end): &(usize, usize)| {
                    !text.is_char_boundary(start) || !text.is_char_boundary(end)
                };
                let first_split = if packed {
                    self.bounds.iter().position(splits_character)
                } else {
                    None
                };
                match first_split {
                    None => Ok(Utf8Record {
                        text,
                        bounds: self.bounds,
                        packed,
                    }),
                    Some(first_invalid) => {
                        let record = Record {
                            bytes: text.into_bytes(),
                            bounds: self.bounds,
                            packed,
                        };
                        Err((record, first_invalid))
                    }
                }
            }
            Err(error) => {
                let valid_up_to = error.utf8_error().valid_up_to();
                let bytes = error.into_bytes();
                // Inside the valid prefix, an index is a character boundary unless its byte
                // is a continuation byte.
                let boundary = |index: usize| {
                    index >= valid_up_to || bytes.get(index).is_none_or(|&b| (b as i8) >= -0x40)
                };
                let first_invalid = self
                    .bounds
                    .iter()
                    .position(|&(start, end)| {
                        end > valid_up_to || (packed && !(boundary(start) && boundary(end)))
                    })
                    .unwrap_or(self.bounds.len());
                let record = Record {
                    bytes,
                    bounds: self.bounds,
                    packed,
                };
                Err((record, first_invalid))
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn from_fields<T: AsRef<[u8]>>(fields: &[T]) -> Record {
        let mut record = Record {
            packed: true,
            ..Record::default()
        };
        for field in fields {
            let start = record.bytes.len();
            record.bytes.extend_from_slice(field.as_ref());
            record.bounds.push((start, record.bytes.len()));
        }
        record
    }
}

impl<'a> IntoIterator for &'a Record {
    type Item = &'a [u8];
    type IntoIter = Fields<'a>;

    fn into_iter(self) -> Fields<'a> {
        self.iter()
    }
}

/// A [`Record`] whose bytes, and so every field, are valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf8Record {
    text: String,
    bounds: Vec<(usize, usize)>,
    packed: bool,
}

impl Utf8Record {
    /// Number of fields.
    #[inline]
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Returns true for a record without fields.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Returns the field at `position`, or `None` past the last field.
    #[inline]
    pub fn get(&self, position: usize) -> Option<&str> {
        let &(start, end) = self.bounds.get(position)?;
        // Every field is valid UTF-8 on its own (see `Record::into_utf8`), so its bounds are
        // character boundaries and `get` only returns `None` past the last field.
        self.text.get(start..end)
    }

    /// Returns the fields in order, as bytes.
    pub fn iter(&self) -> Fields<'_> {
        Fields {
            bytes: self.text.as_bytes(),
            bounds: self.bounds.iter(),
        }
    }

    /// Byte range of the field at `position` in [`text`](Utf8Record::text).
    pub(crate) fn range(&self, position: usize) -> Option<Range<usize>> {
        self.bounds.get(position).map(|&(start, end)| start..end)
    }

    /// All bytes the fields come from, as in [`Record`].
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Returns the record's buffers, for reuse.
    pub(crate) fn into_record(self) -> Record {
        Record {
            bytes: self.text.into_bytes(),
            bounds: self.bounds,
            packed: self.packed,
        }
    }
}

impl<'a> IntoIterator for &'a Utf8Record {
    type Item = &'a [u8];
    type IntoIter = Fields<'a>;

    fn into_iter(self) -> Fields<'a> {
        self.iter()
    }
}

/// Iterator over the fields of a [`Record`] or a [`Utf8Record`], as bytes.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    bytes: &'a [u8],
    bounds: std::slice::Iter<'a, (usize, usize)>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let &(start, end) = self.bounds.next()?;
        Some(self.bytes.get(start..end).unwrap_or_default())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.bounds.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Position of the first field that is not valid UTF-8 on its own.
    fn first_invalid_field(fields: &[Vec<u8>]) -> Option<usize> {
        fields
            .iter()
            .position(|field| std::str::from_utf8(field).is_err())
    }

    /// Fields cut at random points from a run of ASCII, UTF-8 `é` and zero-width spaces
    /// and lone Windows-1252 `é` bytes, so that cuts often split a character.
    fn cut_fields() -> impl Strategy<Value = Vec<Vec<u8>>> {
        let piece = prop::sample::select(vec![&b"a"[..], b"\xC3\xA9", b"\xE2\x80\x8B", b"\xE9"]);
        let pieces = prop::collection::vec(piece, 0..10);
        let cuts = prop::collection::vec(0usize..32, 0..6);
        (pieces, cuts).prop_map(|(pieces, mut cuts)| {
            let bytes = pieces.concat();
            cuts.sort_unstable();
            let mut fields = Vec::new();
            let mut from = 0;
            for cut in cuts {
                let cut = cut.clamp(from, bytes.len());
                fields.push(bytes[from..cut].to_vec());
                from = cut;
            }
            fields.push(bytes[from..].to_vec());
            fields
        })
    }

    #[test]
    fn packed_character_split_across_fields() {
        let record = Record::from_fields(&[&b"ok"[..], b"a\xC3", b"\xA9b", b"c"]);

        let Err((record, first_invalid)) = record.into_utf8() else {
            panic!("a character split across two fields is invalid in each");
        };

        assert_eq!(first_invalid, 1);
        assert_eq!(record.get(1), Some(&b"a\xC3"[..]));
    }

    proptest! {
        #[test]
        fn packed_utf8_check_matches_field_by_field(
            fields in cut_fields(),
        ) {
            let record = Record::from_fields(&fields);

            let first_invalid = record.into_utf8().err().map(|(_, position)| position);

            prop_assert_eq!(first_invalid, first_invalid_field(&fields));
        }

        #[test]
        fn unpacked_utf8_check_matches_field_by_field(
            fields in cut_fields(),
        ) {
            let mut record = Record::default();
            for field in &fields {
                let start = record.bytes.len();
                record.bytes.extend_from_slice(field);
                record.bounds.push((start, record.bytes.len()));
                record.bytes.push(b',');
            }

            let first_invalid = record.into_utf8().err().map(|(_, position)| position);

            prop_assert_eq!(first_invalid, first_invalid_field(&fields));
        }
    }
}
