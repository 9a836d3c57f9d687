use std::io::{self, Read};

use csv::ByteRecord;
use proptest::prelude::*;

use super::RecordSplitter;
use crate::feed::record::Record;

/// One record as split, with where it sits in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Split {
    fields: Vec<Vec<u8>>,
    line: u64,
    start: u64,
    end: u64,
}

/// The records of a whole input and the quote state at its end.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    records: Vec<Split>,
    ended_in_quotes: bool,
}

/// A source that returns `data` in reads of the given sizes, cycling through them.
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [usize],
    reads: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.reads % self.sizes.len()];
        self.reads += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn split_chunked(input: &[u8], sizes: &[usize]) -> Outcome {
    split_with_buffer(input, sizes, super::BUFFER_BYTES)
}

/// Splits `input` read in chunks of `sizes`, with a read buffer of `buffer_bytes` at first.
fn split_with_buffer(input: &[u8], sizes: &[usize], buffer_bytes: usize) -> Outcome {
    let source = Chunked {
        data: input,
        sizes,
        reads: 0,
    };
    let mut splitter = RecordSplitter::with_buffer_bytes(source, buffer_bytes);
    let mut record = Record::default();
    let mut records = Vec::new();
    while splitter.read_record(&mut record).expect("read from memory") {
        records.push(Split {
            fields: record.iter().map(<[u8]>::to_vec).collect(),
            line: splitter.record_line(),
            start: splitter.record_start(),
            end: splitter.record_end(),
        });
    }
    Outcome {
        records,
        ended_in_quotes: splitter.ended_in_quotes(),
    }
}

fn split(input: &[u8]) -> Outcome {
    split_chunked(input, &[1 << 20])
}

fn fields(outcome: &Outcome) -> Vec<Vec<&str>> {
    outcome
        .records
        .iter()
        .map(|record| {
            record
                .fields
                .iter()
                .map(|field| std::str::from_utf8(field).expect("ASCII test input"))
                .collect()
        })
        .collect()
}

fn lines(outcome: &Outcome) -> Vec<u64> {
    outcome.records.iter().map(|record| record.line).collect()
}

/// Returns the fields of each record as the `csv` crate splits `input`.
fn csv_fields(input: &[u8]) -> Vec<Vec<Vec<u8>>> {
    csv_records(input)
        .into_iter()
        .map(|record| record.fields)
        .collect()
}

/// Splits `input` with the `csv` crate. It reports where a record ends but not where it
/// starts, so the start is found past the CR and LF bytes csv-core skips before a record,
/// and the line is one plus the line feeds before that start.
fn csv_records(input: &[u8]) -> Vec<Split> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = ByteRecord::new();
    let mut records = Vec::new();
    loop {
        let before = reader.position().byte();
        if !reader
            .read_byte_record(&mut record)
            .expect("read from memory")
        {
            break;
        }
        let skipped = input[before as usize..]
            .iter()
            .take_while(|byte| matches!(byte, b'\r' | b'\n'))
            .count();
        let start = before as usize + skipped;
        let line_feeds = input[..start].iter().filter(|byte| **byte == b'\n').count();
        records.push(Split {
            fields: record.iter().map(<[u8]>::to_vec).collect(),
            line: 1 + line_feeds as u64,
            start: start as u64,
            end: reader.position().byte(),
        });
    }
    records
}

/// Returns whether `input` ends inside a quoted field, as the `csv` crate reads it. csv-core returns
/// such a record without an error, so this appends `"` and a line feed. Only inside a
/// quoted field do they close the field and end the record without changing the records.
/// After a closing quote they add a literal quote, in an unquoted field a literal byte, and
/// at the start of a field or record a new field.
fn csv_ended_in_quotes(input: &[u8]) -> bool {
    let mut extended = input.to_vec();
    extended.extend_from_slice(b"\"\n");
    csv_fields(&extended) == csv_fields(input)
}

#[test]
fn quoted_comma_and_doubled_quote() {
    let outcome = split(b"a,\"b,\"\"c\"\"\",d\n");

    assert_eq!(fields(&outcome), [["a", "b,\"c\"", "d"]]);
}

#[test]
fn cr_lf_and_crlf_end_records() {
    let outcome = split(b"a\rb\nc\r\nd");

    assert_eq!(fields(&outcome), [["a"], ["b"], ["c"], ["d"]]);
    assert_eq!(lines(&outcome), [1, 1, 2, 3]);
}

#[test]
fn blank_lines_are_skipped() {
    let outcome = split(b"\r\n\r\na\n\n\rb\r\n\r\n");

    assert_eq!(fields(&outcome), [["a"], ["b"]]);
    assert_eq!(lines(&outcome), [3, 5]);
}

#[test]
fn quote_inside_unquoted_field_is_literal() {
    let outcome = split(b"a,5\" hose,c\nd,e,f\n");

    assert_eq!(fields(&outcome), [["a", "5\" hose", "c"], ["d", "e", "f"]]);
}

#[test]
fn bytes_after_closing_quote_are_appended() {
    let outcome = split(b"\"ab\"cd\"e,f\n");

    assert_eq!(fields(&outcome), [["abcd\"e", "f"]]);
}

#[test]
fn line_feed_inside_quotes_counts_lines() {
    let outcome = split(b"a,\"<p>one</p>\n<p>two</p>\"\nb\n");

    assert_eq!(
        fields(&outcome),
        vec![vec!["a", "<p>one</p>\n<p>two</p>"], vec!["b"]]
    );
    assert_eq!(lines(&outcome), [1, 3]);
}

#[test]
fn unterminated_quote_at_end() {
    let outcome = split(b"a,\"b\nc");

    assert_eq!(fields(&outcome), [["a", "b\nc"]]);
    assert!(outcome.ended_in_quotes);
}

#[test]
fn closing_quote_at_end_is_complete() {
    let outcome = split(b"a,\"b\"");

    assert_eq!(fields(&outcome), [["a", "b"]]);
    assert!(!outcome.ended_in_quotes);
}

#[test]
fn doubled_quote_at_end_stays_open() {
    let outcome = split(b"a,\"b\"\"");

    assert_eq!(fields(&outcome), [["a", "b\""]]);
    assert!(outcome.ended_in_quotes);
}

#[test]
fn doubled_quote_split_across_reads() {
    let outcome = split_chunked(b"a,\"x\"\"y\"\n", &[1]);

    assert_eq!(fields(&outcome), [["a", "x\"y"]]);
    assert!(!outcome.ended_in_quotes);
}

#[test]
fn comma_at_end_adds_empty_field() {
    let outcome = split(b"a,");

    assert_eq!(fields(&outcome), [["a", ""]]);
}

#[test]
fn field_counts_may_differ() {
    let outcome = split(b"title\na,b,c\n,\n");

    assert_eq!(
        fields(&outcome),
        vec![vec!["title"], vec!["a", "b", "c"], vec!["", ""]]
    );
}

#[test]
fn record_offsets_match_csv() {
    let input = b"a,b\r\n\r\n\"c\nd\",e\nf";
    let outcome = split(input);

    let offsets: Vec<_> = outcome.records.iter().map(|r| (r.start, r.end)).collect();

    assert_eq!(offsets, [(0, 4), (7, 15), (15, 16)]);
    assert_eq!(outcome.records, csv_records(input));
}

#[test]
fn field_longer_than_buffer() {
    let long = "x\"\"y,".repeat(40_000);
    let input = format!("a,\"{long}\",b\r\nc\r\n");
    let outcome = split_chunked(input.as_bytes(), &[4096, 1, 70_000]);

    let expected_long = "x\"y,".repeat(40_000);
    assert_eq!(
        fields(&outcome),
        vec![vec!["a", &expected_long, "b"], vec!["c"]]
    );
    assert_eq!(lines(&outcome), [1, 2]);
}

#[test]
fn buffer_grows_only_for_long_field() {
    let row = "a,b,c\n".repeat(50_000);
    let source = Chunked {
        data: row.as_bytes(),
        sizes: &[1 << 20],
        reads: 0,
    };
    let mut splitter = RecordSplitter::new(source);
    let mut record = Record::default();
    while splitter.read_record(&mut record).expect("read from memory") {}

    assert_eq!(splitter.buffer.len(), super::BUFFER_BYTES);
}

#[test]
fn read_error_is_returned() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"))
        }
    }
    let mut splitter = RecordSplitter::new(Failing);

    let error = splitter
        .read_record(&mut Record::default())
        .expect_err("the source fails");

    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
}

#[test]
fn interrupted_read_is_retried() {
    struct InterruptedOnce<'a> {
        interrupted: bool,
        data: &'a [u8],
    }
    impl Read for InterruptedOnce<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(io::ErrorKind::Interrupted.into());
            }
            self.data.read(buf)
        }
    }
    let mut splitter = RecordSplitter::new(InterruptedOnce {
        interrupted: false,
        data: b"a,b\n",
    });
    let mut record = Record::default();

    let more = splitter.read_record(&mut record).expect("retried");

    assert!(more);
    assert_eq!(record.iter().collect::<Vec<_>>(), [b"a", b"b"]);
}

#[test]
fn csv_oracle_sees_unterminated_quote() {
    assert!(csv_ended_in_quotes(b"a,\"b"));
    assert!(!csv_ended_in_quotes(b"a,\"b\""));
    assert!(!csv_ended_in_quotes(b"a,b"));
    assert!(!csv_ended_in_quotes(b""));
    assert!(!csv_ended_in_quotes(b"a,"));
}

/// Bytes the rules treat differently, plus a letter, a space and two Windows-1252 bytes.
fn feed_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop::sample::select(vec![b'a', b',', b'"', b'\r', b'\n', b' ', 0xE9, 0x96]);
    prop::collection::vec(byte, 0..160)
}

fn read_sizes() -> impl Strategy<Value = Vec<usize>> {
    let size = prop_oneof![3 => 1usize..=64, 1 => Just(1usize << 20)];
    prop::collection::vec(size, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn splits_like_csv(input in feed_bytes(), sizes in read_sizes()) {
        let outcome = split_chunked(&input, &sizes);

        prop_assert_eq!(&outcome.records, &csv_records(&input));
        prop_assert_eq!(outcome.ended_in_quotes, csv_ended_in_quotes(&input));
    }
}

/// Runs of letters up to twice the 64-byte block of the field-end search, mixed with the
/// bytes the rules treat differently, so that fields start and end anywhere in a block
/// and span blocks.
fn long_field_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        2 => (0usize..130).prop_map(|length| vec![b'a'; length]),
        3 => prop::sample::select(vec![b',', b'"', b'\r', b'\n', 0xE9]).prop_map(|byte| vec![byte]),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Small read buffers make records cross refills, move to the front of the buffer and
    /// grow it, all inside and across 64-byte blocks.
    #[test]
    fn long_fields_split_like_csv(
        input in long_field_bytes(),
        sizes in prop::collection::vec(prop_oneof![1usize..=200, Just(1usize << 20)], 1..8),
        buffer_bytes in 1usize..=300,
    ) {
        let outcome = split_with_buffer(&input, &sizes, buffer_bytes);

        prop_assert_eq!(&outcome.records, &csv_records(&input));
        prop_assert_eq!(outcome.ended_in_quotes, csv_ended_in_quotes(&input));
    }
}

#[test]
fn fields_across_block_boundaries() {
    let first = "a".repeat(63);
    let second = "b".repeat(64);
    let third = "c".repeat(130);
    let input = format!("{first},{second}\r\n{third},\"q,{first}\"x,\n");

    let outcome = split_with_buffer(input.as_bytes(), &[1 << 20], 100);

    let quoted = format!("q,{first}x");
    assert_eq!(
        fields(&outcome),
        vec![
            vec![&first[..], &second[..]],
            vec![&third[..], &quoted[..], ""]
        ]
    );
    assert_eq!(outcome.records, csv_records(input.as_bytes()));
}

#[test]
fn packed_fields_checked_one_by_one() {
    // `x"` then the first byte of `é` in a quoted field with a doubled quote, then the
    // second byte of `é` in the next field: the fields back to back are valid UTF-8, but
    // neither field is.
    let outcome = split(b"\"x\"\"\xC3\",\xA9\n");
    let mut splitter = RecordSplitter::new(&b"\"x\"\"\xC3\",\xA9\n"[..]);
    let mut record = Record::default();
    splitter.read_record(&mut record).expect("read from memory");

    let result = record.into_utf8();

    assert_eq!(outcome.records[0].fields, [&b"x\"\xC3"[..], b"\xA9"]);
    assert!(matches!(result, Err((_, 0))));
}

/// Bytes of the splitting rules plus the two bytes of `é` in UTF-8, so that characters
/// may be split across fields.
fn utf8_feed_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop::sample::select(vec![b'a', b',', b'"', b'\r', b'\n', 0xC3, 0xA9]);
    prop::collection::vec(byte, 0..80)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn utf8_check_matches_fields(input in utf8_feed_bytes()) {
        let mut splitter = RecordSplitter::new(&input[..]);
        let mut record = Record::default();
        while splitter.read_record(&mut record).expect("read from memory") {
            let fields: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
            let first_invalid = fields.iter().position(|field| std::str::from_utf8(field).is_err());

            match record.clone().into_utf8() {
                Ok(utf8) => {
                    prop_assert_eq!(first_invalid, None);
                    let utf8_fields: Vec<Vec<u8>> = utf8.iter().map(<[u8]>::to_vec).collect();
                    prop_assert_eq!(&utf8_fields, &fields);
                    for (position, field) in fields.iter().enumerate() {
                        prop_assert_eq!(utf8.get(position).map(str::as_bytes), Some(&field[..]));
                    }
                }
                Err((_, reported)) => {
                    let first_invalid = first_invalid.expect("a field is invalid");
                    prop_assert!(reported <= first_invalid);
                }
            }
        }
    }
}
