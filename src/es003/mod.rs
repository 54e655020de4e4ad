//! Reading ACE "ES-003 Entry Summary Line Tariff Details" exports: CSV, tab-separated text
//! and XLSX, as ACE writes them and as brokers reshape them.
//!
//! [`open`] settles the format (by extension, confirmed by content), finds the header row
//! (below any title rows, in the first [`HEADER_SEARCH_ROWS`] rows) and maps the columns
//! once; a missing required column fails here, before any row is read. [`Opened::read_rows`]
//! then streams every data row, with its line (row) number, to a [`RowSink`].

pub mod columns;
mod csv_records;
mod csv_source;
mod special_bytes;
pub mod values;
mod xlsx_source;

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

pub use columns::{ColumnMap, Field};

use crate::output::Fingerprint;

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// The sheet ACE names its data sheet in XLSX exports.
pub const ACE_SHEET: &str = "Main Report";

/// An input file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Tsv,
    Xlsx,
}

/// One input, resolved: its path, format (None: detect) and sheet choice.
#[derive(Clone, Debug)]
pub struct InputSpec {
    pub path: PathBuf,
    pub format: Option<InputFormat>,
    pub sheet: Option<String>,
}

/// One row of an input. `cell` is `None` when the row does not reach column `i` (a ragged
/// CSV row); an empty cell is `Some(b"")`.
pub trait Row {
    fn cell(&self, i: usize) -> Option<&[u8]>;
}

/// Rows written out as text, for tests.
#[cfg(test)]
impl Row for [&str] {
    fn cell(&self, i: usize) -> Option<&[u8]> {
        self.get(i).map(|s| s.as_bytes())
    }
}

/// Receives the data rows of an input, in order.
pub trait RowSink {
    fn row<R: Row + ?Sized>(&mut self, line: u64, row: &R);
}

/// The header row found in an input.
#[derive(Clone, Debug)]
pub struct Header {
    pub columns: ColumnMap,
    /// The header names as written.
    pub names: Vec<String>,
    /// The header's line (CSV) or row (XLSX), from 1.
    pub line: u64,
    /// The sheet read, for XLSX.
    pub sheet: Option<String>,
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: cannot read the file")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: this is an old-style Excel workbook (.xls); open it in Excel and save it as \
         .xlsx or CSV"
    )]
    OldExcel { path: PathBuf },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error("{path}: {message}")]
    NoHeader { path: PathBuf, message: String },
    #[error("{path}: no sheet named `{sheet}`; the workbook has: {available}")]
    SheetNotFound {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{path}: line {line}: cannot read the CSV")]
    Csv {
        path: PathBuf,
        line: u64,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Workbook { path: PathBuf, message: String },
    #[error("{path}: cannot read the workbook")]
    Xlsx {
        path: PathBuf,
        #[source]
        source: calamine::XlsxError,
    },
}

/// An input whose header has been found, ready to stream its rows.
pub struct Opened {
    pub path: PathBuf,
    pub format: InputFormat,
    pub header: Header,
    inner: Inner,
}

enum Inner {
    Csv(Box<csv_source::CsvInput>),
    Xlsx(Box<xlsx_source::XlsxInput>),
}

impl Opened {
    /// Whether [`Opened::read_rows`] fingerprints the file as it reads it.
    pub fn fingerprints(&self) -> bool {
        matches!(self.inner, Inner::Csv(_))
    }

    /// Streams every data row below the header to `sink`; returns the file's fingerprint
    /// when it was taken on the way (see [`Opened::fingerprints`]).
    pub fn read_rows<S: RowSink>(self, sink: &mut S) -> Result<Option<Fingerprint>, ReadError> {
        match self.inner {
            Inner::Csv(c) => c.read_rows(&self.path, sink).map(Some),
            Inner::Xlsx(x) => x.read_rows(&self.path, &self.header, sink).map(|()| None),
        }
    }
}

/// The format of `path`: `spec.format` if given, else by content (a ZIP is XLSX whatever
/// its name) and extension, sniffing the delimiter of text files.
pub fn detect_format(spec: &InputSpec) -> Result<InputFormat, ReadError> {
    let path = &spec.path;
    let mut head = Vec::with_capacity(64 * 1024);
    File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .map_err(|source| ReadError::Open {
            path: path.clone(),
            source,
        })?;
    if let Some(f) = spec.format {
        return Ok(f);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Ok(InputFormat::Xlsx);
    }
    if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(ReadError::OldExcel { path: path.clone() });
    }
    if head.is_empty() {
        return Err(ReadError::Empty { path: path.clone() });
    }
    // Anything else is read as text, whatever its name; the header search then speaks.
    let tabs = memchr::memchr_iter(b'\t', &head).count();
    let commas = memchr::memchr_iter(b',', &head).count();
    Ok(if tabs > commas {
        InputFormat::Tsv
    } else {
        InputFormat::Csv
    })
}

/// Opens an input and finds its header row.
pub fn open(spec: &InputSpec) -> Result<Opened, ReadError> {
    let format = detect_format(spec)?;
    let (header, inner) = match format {
        InputFormat::Csv | InputFormat::Tsv => {
            let delimiter = if format == InputFormat::Tsv {
                b'\t'
            } else {
                b','
            };
            let (h, c) = csv_source::CsvInput::open(&spec.path, delimiter)?;
            (h, Inner::Csv(Box::new(c)))
        }
        InputFormat::Xlsx => {
            let (h, x) = xlsx_source::XlsxInput::open(&spec.path, spec.sheet.as_deref())?;
            (h, Inner::Xlsx(Box::new(x)))
        }
    };
    Ok(Opened {
        path: spec.path.clone(),
        format,
        header,
        inner,
    })
}

/// Looks for the header among `rows` (the first rows of a file or sheet, with their line
/// numbers): the first row that holds every required column.
fn find_header(rows: &[(u64, Vec<String>)], sheet: Option<&str>) -> Result<Header, String> {
    if let Some((line, names)) = rows
        .iter()
        .find(|(_, names)| ColumnMap::resolve(names).is_complete())
    {
        return Ok(Header {
            columns: ColumnMap::resolve(names),
            names: names.clone(),
            line: *line,
            sheet: sheet.map(str::to_string),
        });
    }
    // Say what was found on the row that looked most like a header.
    let best = rows
        .iter()
        .max_by_key(|(line, names)| (ColumnMap::resolve(names).found(), std::cmp::Reverse(*line)));
    let place = sheet.map(|s| format!("sheet `{s}`: ")).unwrap_or_default();
    let Some((line, names)) = best else {
        return Err(format!("{place}no rows to read"));
    };
    let map = ColumnMap::resolve(names);
    let missing: Vec<String> = map
        .missing_required()
        .iter()
        .map(|f| {
            format!(
                "`{}` (also accepted: {})",
                f.header(),
                f.names()[1..].join(", ")
            )
        })
        .collect();
    let found: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.trim().is_empty())
        .collect();
    Err(format!(
        "{place}no header row with the required columns in the first {HEADER_SEARCH_ROWS} rows; \
         missing {}; the most header-like row (line {line}) has: {}. Add the missing columns in \
         ACE's report builder, or rename the headers",
        missing.join(" and "),
        if found.is_empty() {
            "nothing".to_string()
        } else {
            found.join(", ")
        }
    ))
}
