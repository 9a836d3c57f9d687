//! Petra's `ProdList.csv` feed: reading, downloading and generating it.
//!
//! - [`reader`]: the streaming sync reader, its options and the end-of-file summary.
//! - [`async_reader`]: the same reader over a tokio `AsyncRead`.
//! - [`header`]: the 28 ProdList columns and header detection by content.
//! - [`row`]: the typed row, per-row errors and warnings.
//! - [`values`]: UPC check digits, money, quantities, flags and HTML entities.
//! - [`download`]: fetching the feed over file, HTTP(S) and FTP(S) to a temporary file.
//! - [`generator`]: a deterministic synthetic feed in Petra's layout.
//! - `input`: the byte layer: BOM, UTF-16, byte count.
//! - [`record`]: the CSV record type the splitter fills and rows keep.
//! - `split`: cutting the byte stream into CSV records, with line numbers and the quote
//!   state at the end.
//! - `field_ends`: finding the ends of unquoted fields a 64-byte block at a time.
//! - `decode`: per-field UTF-8 or Windows-1252 decoding.
//! - `build`: filling a typed row from one CSV record.
//! - `byte_search`: searches for one or two byte values without memchr's per-call
//!   dispatch.

pub mod async_reader;
mod build;
mod byte_search;
mod decode;
pub mod download;
mod field_ends;
pub mod generator;
pub mod header;
mod input;
pub mod record;
// Public, but hidden, only so that the benchmarks can time the splitter alone.
pub mod reader;
pub mod row;
#[doc(hidden)]
pub mod split;
pub mod values;

pub use async_reader::AsyncProdListReader;
pub use download::{download_feed, DownloadOptions, FeedDownload};
pub use generator::{generate, GeneratorOptions};
pub use header::{Column, ColumnMap};
pub use input::SourceEncoding;
pub use reader::{FeedSummary, ProdListReader, ReaderOptions};
pub use row::{FeedWarning, FieldIssue, ProdListRow, RowError};
pub use values::Upc;
