//! The crate's one error type.

/// Everything that can fail in `petra-client`: API calls, feed downloads and feed reads.
///
/// Per-row problems of a feed are not errors of this type: the reader reports them as
/// data and goes on with the next row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // API errors.

    // Feed download and feed read errors.
}
