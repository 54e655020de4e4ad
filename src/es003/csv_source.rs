//! CSV and tab-separated ES-003 input: one reused `ByteRecord`, exact line numbers.
//!
//! The csv crate's own line count lags on CRLF files and skips blank lines, so lines are
//! counted here from byte offsets: a record's last line is the line of its last byte, and
//! its first line is that minus the line breaks inside its quoted fields.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use super::{HEADER_SEARCH_ROWS, Header, ReadError, Row, RowSink, find_header, values};

/// The longest row read: a longer one is almost surely an unterminated quote that would
/// swallow the rest of the file into memory.
pub const MAX_ROW_BYTES: u64 = 64 << 20;

/// A reader that remembers where the line breaks it passed on are, and refuses to go on
/// once one row has run longer than [`MAX_ROW_BYTES`].
struct LineCounting<R> {
    inner: R,
    state: RefCell<Lines>,
}

#[derive(Default)]
struct Lines {
    /// Bytes read from the file so far.
    read: u64,
    /// Line breaks counted so far: those at offsets below the last offset asked about.
    counted: u64,
    /// Offsets of line breaks read but not yet counted.
    pending: VecDeque<u64>,
    /// Where the row being read started.
    row_start: u64,
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        {
            let st = self.state.borrow();
            if st.read.saturating_sub(st.row_start) > MAX_ROW_BYTES {
                return Err(io::Error::other(format!(
                    "a single row runs longer than {} MiB: probably a quote (\") that is never \
                     closed; fix the quoting or save the export from ACE again",
                    MAX_ROW_BYTES >> 20
                )));
            }
        }
        let n = self.inner.read(buf)?;
        let mut st = self.state.borrow_mut();
        let base = st.read;
        st.pending
            .extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| base + i as u64));
        st.read += n as u64;
        Ok(n)
    }
}

impl<R> LineCounting<R> {
    /// The 1-based line of byte `offset`; offsets must not decrease between calls.
    fn line_of(&self, offset: u64) -> u64 {
        let mut st = self.state.borrow_mut();
        while st.pending.front().is_some_and(|&p| p < offset) {
            st.pending.pop_front();
            st.counted += 1;
        }
        st.counted + 1
    }
}

type Reader = csv::Reader<LineCounting<BufReader<File>>>;

/// An open CSV input, positioned after its header row.
pub struct CsvInput {
    reader: Reader,
    record: csv::ByteRecord,
}

/// One CSV record as a [`Row`].
struct CsvRow<'a>(&'a csv::ByteRecord);

impl Row for CsvRow<'_> {
    fn cell(&self, i: usize) -> Option<&[u8]> {
        self.0.get(i)
    }
}

impl CsvInput {
    /// Opens the file and reads up to the header row.
    pub fn open(path: &Path, delimiter: u8) -> Result<(Header, CsvInput), ReadError> {
        let file = File::open(path).map_err(|source| ReadError::Open {
            path: path.into(),
            source,
        })?;
        let counting = LineCounting {
            inner: BufReader::with_capacity(256 * 1024, file),
            state: RefCell::default(),
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(256 * 1024)
            .from_reader(counting);
        let mut input = CsvInput {
            reader,
            record: csv::ByteRecord::new(),
        };
        let mut first_rows = Vec::new();
        while first_rows.len() < HEADER_SEARCH_ROWS {
            let Some(line) = input.next(path)? else { break };
            let mut names: Vec<String> = input
                .record
                .iter()
                .map(|f| values::text(f).into_owned())
                .collect();
            if let Some(first) = names.first_mut()
                && let Some(rest) = first.strip_prefix('\u{feff}')
            {
                *first = rest.to_string();
            }
            let found = super::ColumnMap::resolve(&names).is_complete();
            first_rows.push((line, names));
            if found {
                break;
            }
        }
        if first_rows.is_empty() {
            return Err(ReadError::Empty { path: path.into() });
        }
        let header = find_header(&first_rows, None).map_err(|message| ReadError::NoHeader {
            path: path.into(),
            message,
        })?;
        Ok((header, input))
    }

    /// Reads the next record into `self.record`; returns its first line.
    fn next(&mut self, path: &Path) -> Result<Option<u64>, ReadError> {
        let start = self.reader.position().byte();
        self.reader.get_ref().state.borrow_mut().row_start = start;
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|source| ReadError::Csv {
                path: path.into(),
                // `start` is the previous row's end, on its line break (CRLF) or past it.
                line: self.reader.get_ref().line_of(start + 1),
                source,
            })?;
        if !more {
            return Ok(None);
        }
        let end = self.reader.position().byte();
        let last_line = self.reader.get_ref().line_of(end.saturating_sub(1));
        // Line breaks inside quoted fields: one search over all the record's field bytes.
        let inner_breaks = memchr::memchr_iter(b'\n', self.record.as_slice()).count() as u64;
        Ok(Some(last_line.saturating_sub(inner_breaks).max(1)))
    }

    /// Streams the rows below the header.
    pub fn read_rows<S: RowSink>(mut self, path: &Path, sink: &mut S) -> Result<(), ReadError> {
        while let Some(line) = self.next(path)? {
            sink.row(line, &CsvRow(&self.record));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Lines(Vec<(u64, String)>);
    impl RowSink for Lines {
        fn row<R: Row + ?Sized>(&mut self, line: u64, row: &R) {
            self.0.push((
                line,
                String::from_utf8_lossy(row.cell(0).unwrap()).into_owned(),
            ));
        }
    }

    fn lines_of(body: &[u8]) -> (u64, Vec<(u64, String)>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(&p, body).unwrap();
        let (h, input) = CsvInput::open(&p, b',').unwrap();
        let mut sink = Lines(vec![]);
        input.read_rows(&p, &mut sink).unwrap();
        (h.line, sink.0)
    }

    #[test]
    fn line_numbers_are_exact_with_crlf_blank_lines_and_quoted_breaks() {
        let head = "Entry Number,HTS,Duty";
        for nl in ["\n", "\r\n"] {
            let body = format!("Report{nl}{nl}{head}{nl}a{nl}{nl}\"b{nl}c\"{nl}d{nl}{nl}");
            let (h, rows) = lines_of(body.as_bytes());
            assert_eq!(h, 3, "{nl:?}");
            let got: Vec<u64> = rows.iter().map(|r| r.0).collect();
            assert_eq!(got, vec![4, 6, 8], "{nl:?}");
        }
    }

    #[test]
    fn a_bom_before_the_header_is_ignored() {
        let (h, rows) = lines_of(b"\xEF\xBB\xBFEntry Summary Number,HTS,Duty\r\nx,1,2\r\n");
        assert_eq!((h, rows.len()), (1, 1));
    }
}
