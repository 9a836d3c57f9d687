//! Row hashes, which let a run skip feed rows that are byte for byte the rows the stored
//! items were written from.
//!
//! A row hash covers the pipeline version, the source name, the compiled template, the
//! header's column names and the row's fields. Equal hashes therefore mean the row would
//! map to the stored item again, so a re-import only needs to split and hash such a row.
//! The feed reader still sees every row, so its line numbers and end-of-file checks are
//! those of a full read.

use fieldmap::Template;
use xxhash_rust::xxh3::xxh3_128;

use crate::pool::ContentHash;

/// Changes whenever reading, mapping or hashing a row changes meaning, so stored row
/// hashes from older builds stop matching.
const PIPELINE_VERSION: &[u8] =
    concat!("petra-ops row hash 2 ", env!("CARGO_PKG_VERSION")).as_bytes();

/// Hashes feed rows for one source, template and header.
///
/// The hash is XXH3-128, not a cryptographic hash. A row hash only decides whether a row
/// of the merchant's own feed is skipped, and a re-import hashes every row of the file.
pub(crate) struct RowHasher {
    /// The digest of everything but the row, then the row's fields, reused per row.
    buffer: Vec<u8>,
    prefix_len: usize,
}

impl RowHasher {
    /// Returns `None` when the template cannot be serialized, in which case no row is
    /// skipped.
    pub fn new(source: &str, template: &Template, columns: &[String]) -> Option<Self> {
        let template = serde_json::to_vec(template).ok()?;
        let mut prefix = Vec::with_capacity(template.len() + 1024);
        for part in [PIPELINE_VERSION, source.as_bytes(), &template] {
            push_field(&mut prefix, part);
        }
        prefix.extend_from_slice(&(columns.len() as u64).to_le_bytes());
        for column in columns {
            push_field(&mut prefix, column.as_bytes());
        }

        let mut buffer = Vec::with_capacity(1024);
        buffer.extend_from_slice(&xxh3_128(&prefix).to_le_bytes());
        Some(Self {
            prefix_len: buffer.len(),
            buffer,
        })
    }

    /// Hashes a record's fields with their lengths, so moving a comma changes the hash.
    pub fn hash<'a>(&mut self, record: impl IntoIterator<Item = &'a [u8]>) -> ContentHash {
        self.buffer.truncate(self.prefix_len);
        for field in record {
            push_field(&mut self.buffer, field);
        }
        ContentHash(xxh3_128(&self.buffer).to_le_bytes())
    }
}

fn push_field(buffer: &mut Vec<u8>, field: &[u8]) {
    buffer.extend_from_slice(&(field.len() as u64).to_le_bytes());
    buffer.extend_from_slice(field);
}
