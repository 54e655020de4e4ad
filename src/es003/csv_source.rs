//! CSV and tab-separated ES-003 input: records read in place by [`RecordReader`], with the
//! exact line each starts on; past the header, only the columns in use are split. The file
//! is fingerprinted (SHA-256) as it is read, for the audit trail.

use super::batch::{self, BATCH_BYTES, Batch, Beyond};
use super::csv_records::{RecordError, RecordReader};
use super::{Field, HEADER_SEARCH_ROWS, Header, ReadError, RowSink, find_header, values};
use crate::input::{Source, Text};
use crate::output::{Fingerprint, Fingerprinting};
use std::fs::File;
use std::path::Path;

/// An open CSV input, positioned after its header row.
pub struct CsvInput {
    reader: RecordReader<Text<Fingerprinting<File>>>,
}

impl CsvInput {
    /// Opens the file and reads up to the header row.
    pub fn open(src: Source, delimiter: u8) -> Result<(Header, CsvInput), ReadError> {
        let path = &src.path().to_path_buf();
        let mut input = CsvInput {
            reader: RecordReader::new(src.text(Fingerprinting::new), delimiter),
        };
        let mut first_rows = Vec::new();
        while first_rows.len() < HEADER_SEARCH_ROWS {
            let Some(line) = input.next(path)? else { break };
            let mut names: Vec<String> = (0..)
                .map_while(|i| input.reader.field(i))
                .map(|f| values::text(f).into_owned())
                .collect();
            // A BOM at the start of the file is gone already; one before a header below
            // title rows (files pasted together) is not part of its first name either.
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
        let last_used = Field::ALL
            .into_iter()
            .filter_map(|f| header.columns.get(f))
            .max()
            .unwrap_or(0);
        input.reader.set_limit(last_used + 1);
        Ok((header, input))
    }

    /// Reads the next record; returns its first line.
    fn next(&mut self, path: &Path) -> Result<Option<u64>, ReadError> {
        self.reader.next_record().map_err(|e| csv_error(path, e))
    }

    /// Streams the rows below the header. A second thread reads and splits the rows while
    /// this one hands them to `sink`, in order. Returns the whole file's fingerprint.
    pub fn read_rows<S: RowSink>(
        self,
        path: &Path,
        sink: &mut S,
    ) -> Result<Fingerprint, ReadError> {
        let mut reader = self.reader;
        batch::stream(sink, Beyond::Missing, move |filler| {
            loop {
                let mut batch = filler.fresh();
                let Batch { data, bounds, rows } = &mut batch;
                let more = reader.next_batch(data, bounds, rows, BATCH_BYTES);
                // The taker stopped (it panicked, which the scope passes on): so does the
                // reader.
                if !filler.send(batch) {
                    return Ok(None);
                }
                match more {
                    Ok(true) => {}
                    Ok(false) => return Ok(Some(reader.into_inner().into_inner().finish())),
                    Err(e) => return Err(e),
                }
            }
        })
        .map_err(|e| csv_error(path, e))
        .map(|f| f.expect("the reader ends at the end of the file"))
    }
}

fn csv_error(path: &Path, RecordError { line, source }: RecordError) -> ReadError {
    ReadError::Csv {
        path: path.into(),
        line,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::es003::Row;

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
        let (h, input) = CsvInput::open(Source::open(&p).unwrap(), b',').unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(
            &p,
            b"Report\r\n\xEF\xBB\xBFEntry Summary Number,HTS,Duty\r\n",
        )
        .unwrap();
        let (h, _) = CsvInput::open(Source::open(&p).unwrap(), b',').unwrap();
        assert_eq!((h.line, h.names[0].as_str()), (2, "Entry Summary Number"));
    }
}
