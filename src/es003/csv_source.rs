//! CSV and tab-separated ES-003 input: records read in place by [`RecordReader`], with the
//! exact line each starts on; past the header, only the columns in use are split.

use std::fs::File;
use std::path::Path;

use super::csv_records::{RecordError, RecordReader};
use super::{Field, HEADER_SEARCH_ROWS, Header, ReadError, Row, RowSink, find_header, values};

/// An open CSV input, positioned after its header row.
pub struct CsvInput {
    reader: RecordReader<File>,
}

/// The current record as a [`Row`].
struct CsvRow<'a>(&'a RecordReader<File>);

impl Row for CsvRow<'_> {
    fn cell(&self, i: usize) -> Option<&[u8]> {
        self.0.field(i)
    }
}

impl CsvInput {
    /// Opens the file and reads up to the header row.
    pub fn open(path: &Path, delimiter: u8) -> Result<(Header, CsvInput), ReadError> {
        let file = File::open(path).map_err(|source| ReadError::Open {
            path: path.into(),
            source,
        })?;
        let mut input = CsvInput {
            reader: RecordReader::new(file, delimiter),
        };
        let mut first_rows = Vec::new();
        while first_rows.len() < HEADER_SEARCH_ROWS {
            let Some(line) = input.next(path)? else { break };
            let names: Vec<String> = (0..)
                .map_while(|i| input.reader.field(i))
                .map(|f| values::text(f).into_owned())
                .collect();
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
        self.reader
            .next_record()
            .map_err(|RecordError { line, source }| ReadError::Csv {
                path: path.into(),
                line,
                source,
            })
    }

    /// Streams the rows below the header.
    pub fn read_rows<S: RowSink>(mut self, path: &Path, sink: &mut S) -> Result<(), ReadError> {
        while let Some(line) = self.next(path)? {
            sink.row(line, &CsvRow(&self.reader));
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
