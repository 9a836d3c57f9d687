//! The streaming ProdList reader over any `std::io::Read`.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::build::{fill_row, Filled};
use super::decode::decode_field;
use super::header::{trim_text, Column, ColumnMap};
use super::input::{FeedInput, SourceEncoding};
use super::record::Record;
use super::row::{FeedWarning, ProdListRow, RowError};
use super::split::RecordSplitter;
use crate::Error;

/// Options of a [`ProdListReader`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReaderOptions {
    /// Rows (CSV records, blank lines not counted) searched for the header row.
    pub header_search_rows: usize,
    /// Length the source announced (an HTTP Content-Length, an FTP SIZE). A shorter body
    /// fails the read with [`Error::FeedTruncated`].
    pub expected_len: Option<u64>,
    /// File-level warnings kept in [`FeedSummary::file_warnings`]; the rest are counted.
    pub max_file_warnings: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            header_search_rows: 10,
            expected_len: None,
            max_file_warnings: 100,
        }
    }
}

impl ReaderOptions {
    /// Sets the length the source announced.
    pub fn expected_len(mut self, bytes: u64) -> Self {
        self.expected_len = Some(bytes);
        self
    }

    /// Sets how many leading rows are searched for the header.
    pub fn header_search_rows(mut self, rows: usize) -> Self {
        self.header_search_rows = rows;
        self
    }
}

/// Counts of a complete read, returned by [`ProdListReader::finish`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeedSummary {
    /// Physical line of the header row.
    pub header_line: u64,
    /// Rows before the header.
    pub preamble_rows: u64,
    /// UTF-16 encoding announced by a byte order mark. `None` means each field was read as
    /// UTF-8 or, failing that, Windows-1252.
    pub utf16: Option<SourceEncoding>,
    /// Rows returned as [`ProdListRow`].
    pub rows: u64,
    /// Rows returned as [`RowError`].
    pub row_errors: u64,
    /// Warnings of returned rows plus file-level warnings.
    pub warnings: u64,
    /// Fields that were not valid UTF-8 and were decoded as Windows-1252.
    pub windows_1252_fields: u64,
    /// Rows skipped without a result: blank rows and repeated header rows.
    pub skipped_rows: u64,
    /// Data rows the caller passed over unread with
    /// [`read_row_unless`](ProdListReader::read_row_unless).
    pub passed_over_rows: u64,
    /// Bytes read from the source, before any transcoding.
    pub source_bytes: u64,
    /// File-level warnings (repeated header rows, duplicate column names, extra fields),
    /// up to [`ReaderOptions::max_file_warnings`].
    pub file_warnings: Vec<FeedWarning>,
}

/// Streaming reader of a ProdList feed, in memory bounded by the longest row.
///
/// Iterate to get each data row as a [`ProdListRow`] or a [`RowError`], then call
/// [`finish`](ProdListReader::finish), which distinguishes a complete file from a truncated
/// or empty one and returns the [`FeedSummary`]. Stopping at the last row without calling `finish`
/// leaves a broken download undetected.
///
/// The iterator allocates each owned row. [`read_row`](ProdListReader::read_row) lends one
/// row that the reader refills in place, which is faster when the caller does not keep
/// rows.
///
/// ```no_run
/// use petra_client::feed::ProdListReader;
///
/// # fn main() -> Result<(), petra_client::Error> {
/// let mut reader = ProdListReader::open("ProdList.csv")?;
/// for row in &mut reader {
///     match row {
///         Ok(row) => println!("{} {:?} {}", row.petra_sku(), row.price(), row.available()),
///         Err(error) => eprintln!("{error}"),
///     }
/// }
/// let summary = reader.finish()?;
/// println!("{} rows, {} rejected", summary.rows, summary.row_errors);
/// # Ok(())
/// # }
/// ```
pub struct ProdListReader<R> {
    records: RecordSplitter<FeedInput<R>>,
    columns: Arc<ColumnMap>,
    record: Record,
    options: ReaderOptions,
    summary: FeedSummary,
    last_line: u64,
    finished: bool,
    /// True when the file's last record was cut short (see `is_cut_off`); the record is
    /// kept in `record` for the error.
    cut_off: bool,
    failure: Option<Error>,
    /// The row [`read_row`](ProdListReader::read_row) refills and lends.
    row: ProdListRow,
}

impl ProdListReader<File> {
    /// Opens a feed file and finds its header.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| Error::FeedFile {
            path: path.to_owned(),
            source,
        })?;
        ProdListReader::new(file)
    }
}

impl<R: Read> ProdListReader<R> {
    /// Starts reading `source` (a file, `&[u8]`, a socket) and finds the header row.
    /// The reader buffers internally, so `source` needs no `BufReader`.
    pub fn new(source: R) -> Result<Self, Error> {
        ProdListReader::with_options(source, ReaderOptions::default())
    }

    /// Like [`new`](ProdListReader::new), with options.
    pub fn with_options(source: R, options: ReaderOptions) -> Result<Self, Error> {
        let no_columns = Arc::new(ColumnMap::new(&[]));
        let mut reader = ProdListReader {
            records: RecordSplitter::new(FeedInput::new(source)),
            row: ProdListRow::empty(Arc::clone(&no_columns)),
            columns: no_columns,
            record: Record::default(),
            options,
            summary: FeedSummary::default(),
            last_line: 0,
            finished: false,
            cut_off: false,
            failure: None,
        };

        reader.find_header()?;
        Ok(reader)
    }

    fn find_header(&mut self) -> Result<(), Error> {
        for _ in 0..self.options.header_search_rows {
            if !self.read_record()? {
                break;
            }
            let fields: Vec<_> = self.record.iter().map(decode_field).collect();
            let names: Vec<&str> = fields.iter().map(AsRef::as_ref).collect();
            if ColumnMap::is_header(&names) {
                // A header cut short can keep every required column yet lack columns a
                // template reads, and the run would then blame the template.
                if self.is_cut_off() {
                    return Err(Error::FeedHeaderCut {
                        line: self.last_line,
                    });
                }
                let columns = ColumnMap::new(&names);
                self.summary.header_line = self.last_line;
                for name in columns.duplicate_names() {
                    self.file_warning(None, name, "column name repeated; the first one is read");
                }
                self.columns = Arc::new(columns);
                return Ok(());
            }
            // A row cut short is the file's last, so no header follows it. A file cut
            // inside its preamble or before the header's last required column is
            // truncated, the same as one cut after them.
            if self.is_cut_off() {
                return Err(Error::FeedHeaderCut {
                    line: self.last_line,
                });
            }
            self.summary.preamble_rows += 1;
        }

        Err(Error::FeedHeaderNotFound {
            rows_searched: self.summary.preamble_rows as usize,
            required: Column::required_names(),
        })
    }

    /// Reads the next record into `self.record`; false at the end of the file.
    fn read_record(&mut self) -> Result<bool, Error> {
        let more = self
            .records
            .read_record(&mut self.record)
            .map_err(|source| Error::FeedRead {
                line: self.last_line,
                source,
            })?;
        if more {
            self.last_line = self.records.record_line();
        }
        Ok(more)
    }

    /// Returns the header of the file being read.
    pub fn columns(&self) -> &ColumnMap {
        &self.columns
    }

    /// Counts so far; complete only after [`finish`](ProdListReader::finish).
    pub fn summary(&self) -> &FeedSummary {
        &self.summary
    }

    /// Reads any rows not yet taken, checks that the file is complete and returns the
    /// summary.
    ///
    /// # Errors
    ///
    /// [`Error::FeedTruncated`] when the source is shorter than
    /// [`ReaderOptions::expected_len`], [`Error::FeedUnterminatedQuote`] when the file
    /// ends inside a quoted field, [`Error::FeedLastRowCut`] when its last row has no line
    /// end, [`Error::FeedEmpty`] when no data row follows the header,
    /// and [`Error::FeedRead`] when reading failed.
    pub fn finish(mut self) -> Result<FeedSummary, Error> {
        while self.next().is_some() {}
        if let Some(failure) = self.failure.take() {
            tracing::warn!(error = %failure, "ProdList feed read failed");
            return Err(failure);
        }

        let summary = self.summary;
        tracing::info!(
            rows = summary.rows,
            row_errors = summary.row_errors,
            warnings = summary.warnings,
            windows_1252_fields = summary.windows_1252_fields,
            "ProdList feed read"
        );
        Ok(summary)
    }

    fn file_warning(&mut self, column: Option<String>, raw_value: &str, message: &str) {
        self.summary.warnings += 1;
        if self.summary.file_warnings.len() < self.options.max_file_warnings {
            self.summary.file_warnings.push(FeedWarning {
                line: self.last_line,
                petra_sku: None,
                column,
                raw_value: raw_value.to_owned(),
                message: message.to_owned(),
            });
        }
    }

    /// Decides what the end of the input means: a complete file or a broken one.
    fn check_end(&mut self) -> Result<(), Error> {
        let input = self.records.get_ref();
        self.summary.source_bytes = input.source_bytes();
        self.summary.utf16 = Some(input.encoding()).filter(|e| *e != SourceEncoding::Bytes);

        if let Some(expected) = self.options.expected_len {
            if input.source_bytes() < expected {
                return Err(Error::FeedTruncated {
                    expected_bytes: expected,
                    received_bytes: input.source_bytes(),
                });
            }
        }
        if self.records.ended_in_quotes() {
            return Err(Error::FeedUnterminatedQuote {
                line: self.last_line,
            });
        }
        if self.cut_off {
            return Err(Error::FeedLastRowCut {
                line: self.last_line,
                fields: self.record.len(),
                columns: self.columns.names().len(),
            });
        }
        if self.summary.rows + self.summary.row_errors + self.summary.passed_over_rows == 0 {
            return Err(Error::FeedEmpty {
                header_line: self.summary.header_line,
            });
        }
        Ok(())
    }

    /// Returns true when the record just read is the file's last and may be cut short: the
    /// input ended inside a quoted field, or ended the record without a line end. Petra's
    /// ProdList.csv ends every row with CRLF, and a cut inside the last column leaves a
    /// row with every column, so a missing final line end alone counts as a cut.
    fn is_cut_off(&self) -> bool {
        self.records.ended_in_quotes() || !self.records.record_has_line_end()
    }

    /// Returns true for a row that only repeats the header's column names.
    fn is_repeated_header(&self) -> bool {
        let Some(position) = self.columns.position_of(Column::PetraSku) else {
            return false;
        };
        let sku_field = self.record.get(position).unwrap_or_default();
        // Only a field that starts with `P` or a non-ASCII byte (a BOM, other whitespace)
        // after its leading ASCII whitespace, and contains a space, can read "PETRA SKU".
        // Data rows fail this check without decoding.
        let first = sku_field
            .trim_ascii_start()
            .first()
            .copied()
            .unwrap_or(b' ');
        if (first.is_ascii() && !first.eq_ignore_ascii_case(&b'P')) || !sku_field.contains(&b' ') {
            return false;
        }
        if !trim_text(&decode_field(sku_field)).eq_ignore_ascii_case(Column::PetraSku.name()) {
            return false;
        }
        let fields: Vec<_> = self.record.iter().map(decode_field).collect();
        let names: Vec<&str> = fields.iter().map(AsRef::as_ref).collect();
        ColumnMap::is_header(&names)
    }

    /// Warns about non-blank fields past the header's last column.
    fn check_extra_fields(&mut self) {
        let width = self.columns.names().len();
        let extra = self
            .record
            .iter()
            .skip(width)
            .find(|field| !trim_text(&decode_field(field)).is_empty());
        if let Some(field) = extra {
            let value = decode_field(field).into_owned();
            self.file_warning(
                None,
                &value,
                "row has values past the header's last column; they are ignored",
            );
        }
    }
}

impl<R: Read> ProdListReader<R> {
    /// Reads the next data row into a row owned by the reader and lends it, or returns the
    /// row's error. Returns `None` at the end of the file or after a read failure, which
    /// [`finish`](ProdListReader::finish) then returns.
    ///
    /// Unlike the iterator, this reuses one row's buffers for every row, so it does not
    /// allocate per row. Clone the row to keep it.
    ///
    /// ```no_run
    /// use petra_client::feed::ProdListReader;
    ///
    /// # fn main() -> Result<(), petra_client::Error> {
    /// let mut reader = ProdListReader::open("ProdList.csv")?;
    /// let mut units = 0;
    /// while let Some(row) = reader.read_row() {
    ///     match row {
    ///         Ok(row) => units += row.available(),
    ///         Err(error) => eprintln!("{error}"),
    ///     }
    /// }
    /// let summary = reader.finish()?;
    /// println!("{} rows, {units} units available", summary.rows);
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_row(&mut self) -> Option<Result<&ProdListRow, RowError>> {
        self.read_row_unless(|_, _| false)
    }

    /// Like [`read_row`](ProdListReader::read_row), but first offers each data record to
    /// `pass_over` with its fields as split from the file and its line. A record for which
    /// it returns true is counted in [`FeedSummary::passed_over_rows`] and never decoded
    /// or checked, which makes skipping rows known to be unchanged cheap.
    ///
    /// The fields are the file's bytes after any UTF-16 transcoding: not trimmed and not
    /// checked to be UTF-8.
    ///
    /// ```no_run
    /// use petra_client::feed::{Column, ProdListReader};
    ///
    /// # fn main() -> Result<(), petra_client::Error> {
    /// let mut reader = ProdListReader::open("ProdList.csv")?;
    /// let sku = reader.columns().position_of(Column::PetraSku).unwrap_or(0);
    /// // Decodes only the rows whose PETRA SKU starts with 1KSK.
    /// while let Some(row) = reader.read_row_unless(|fields, _line| {
    ///     !fields.get(sku).is_some_and(|value| value.starts_with(b"1KSK"))
    /// }) {
    ///     if let Ok(row) = row {
    ///         println!("{}", row.petra_sku());
    ///     }
    /// }
    /// reader.finish()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_row_unless(
        &mut self,
        mut pass_over: impl FnMut(&Record, u64) -> bool,
    ) -> Option<Result<&ProdListRow, RowError>> {
        loop {
            if !self.next_data_record() {
                return None;
            }
            if !pass_over(&self.record, self.last_line) {
                break;
            }
            self.summary.passed_over_rows += 1;
        }

        // The row's previous record becomes the parser's buffer, so nothing is allocated.
        let spare = self.row.take_record();
        let record = self.take_record(spare);
        let filled = fill_row(&mut self.row, self.last_line, &self.columns, record);
        match self.count(filled, self.row.warnings().len()) {
            Ok(()) => Some(Ok(&self.row)),
            Err(error) => Some(Err(error)),
        }
    }

    /// Reads records up to the next data row into `self.record`, skipping blank rows and
    /// repeated headers. Returns false at the end of the file or after a read failure.
    fn next_data_record(&mut self) -> bool {
        loop {
            if self.finished {
                return false;
            }
            match self.read_record() {
                Ok(true) if self.is_cut_off() => {
                    // The file's last record is incomplete, so it is neither returned nor
                    // counted: mapping it would store a cut value.
                    self.cut_off = true;
                    self.finished = true;
                    self.failure = self.check_end().err();
                    return false;
                }
                Ok(true) => {}
                Ok(false) => {
                    self.finished = true;
                    self.failure = self.check_end().err();
                    return false;
                }
                Err(error) => {
                    self.finished = true;
                    self.failure = Some(error);
                    return false;
                }
            }

            let blank = self
                .record
                .iter()
                .all(|field| field.iter().all(u8::is_ascii_whitespace));
            if blank {
                self.summary.skipped_rows += 1;
                continue;
            }
            if self.is_repeated_header() {
                self.summary.skipped_rows += 1;
                self.file_warning(None, "", "repeated header row skipped");
                continue;
            }
            if self.record.len() > self.columns.names().len() {
                self.check_extra_fields();
            }
            return true;
        }
    }

    /// Takes the record just read, leaving `spare` (or a new record as large) for the
    /// parser to read the next one into.
    fn take_record(&mut self, spare: Option<Record>) -> Record {
        let spare = spare.unwrap_or_else(|| {
            // A little more than the last record, so that the splitter rarely grows it.
            let bytes = self.record.bytes().len();
            Record::with_capacity(bytes + bytes / 4 + 64, self.record.len())
        });
        std::mem::replace(&mut self.record, spare)
    }

    /// Adds a filled row to the summary.
    fn count(&mut self, filled: Filled, row_warnings: usize) -> Result<(), RowError> {
        self.summary.windows_1252_fields += u64::from(filled.fallback_fields);
        match &filled.result {
            Ok(()) => {
                self.summary.rows += 1;
                self.summary.warnings += row_warnings as u64;
            }
            Err(error) => {
                self.summary.row_errors += 1;
                tracing::debug!(line = error.line, %error, "ProdList row rejected");
            }
        }
        filled.result
    }
}

impl<R: Read> Iterator for ProdListReader<R> {
    type Item = Result<ProdListRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if !self.next_data_record() {
            return None;
        }

        let mut row = ProdListRow::empty(Arc::clone(&self.columns));
        let record = self.take_record(None);
        let filled = fill_row(&mut row, self.last_line, &self.columns, record);
        let warnings = row.warnings().len();
        Some(self.count(filled, warnings).map(|()| row))
    }
}
