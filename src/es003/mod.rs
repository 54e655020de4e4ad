//! Reading ACE "ES-003 Entry Summary Line Tariff Details" exports: CSV, tab-separated text
//! and XLSX, as ACE writes them and as brokers reshape them.
//!
//! [`open`] settles the format (by extension, confirmed by content), finds the header row
//! (below any title rows, in the first [`HEADER_SEARCH_ROWS`] rows) and maps the columns
//! once; a missing required column fails here, before any row is read. [`Opened::read_rows`]
//! then streams every data row, with its line (row) number, to a [`RowSink`].

mod batch;
pub mod columns;
mod csv_records;
mod csv_source;
mod special_bytes;
pub mod values;
mod xlsx_source;

use std::path::PathBuf;

pub use columns::{ColumnMap, Field};

use crate::input::{self, Encoding, Kind, Source};
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
    /// How its `NN/NN/YYYY` dates are read.
    pub date_order: values::DateOrder,
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

    /// How many entries the rows so far hold, where the sink counts them (for progress).
    fn entries(&self) -> Option<usize> {
        None
    }
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
    #[error("{path}: the file is {what}, not an ES-003 export; {fix}")]
    NotText {
        path: PathBuf,
        what: &'static str,
        fix: &'static str,
    },
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
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
    /// The delimiter of a text input.
    pub delimiter: u8,
    /// The encoding of a text input.
    pub encoding: Option<Encoding>,
    pub header: Header,
    inner: Inner,
}

enum Inner {
    Csv(Box<csv_source::CsvInput>),
    /// The workbook, and the copy of a pipe it was read from.
    Xlsx(Box<xlsx_source::XlsxInput>, Option<tempfile::TempPath>),
}

impl Opened {
    /// A path that reads the input's bytes: its own, or the copy of a pipe.
    pub fn readable_path(&self) -> &std::path::Path {
        match &self.inner {
            Inner::Xlsx(_, Some(spool)) => spool,
            _ => &self.path,
        }
    }

    /// Whether [`Opened::read_rows`] fingerprints the file as it reads it.
    pub fn fingerprints(&self) -> bool {
        matches!(self.inner, Inner::Csv(_))
    }

    /// Streams every data row below the header to `sink`; returns the file's fingerprint
    /// when it was taken on the way (see [`Opened::fingerprints`]).
    pub fn read_rows<S: RowSink>(self, sink: &mut S) -> Result<Option<Fingerprint>, ReadError> {
        match self.inner {
            Inner::Csv(c) => c.read_rows(&self.path, sink).map(Some),
            Inner::Xlsx(x, _spool) => x.read_rows(&self.path, &self.header, sink).map(|()| None),
        }
    }
}

/// The format of `src`: `spec.format` if given, else by content (a workbook is XLSX
/// whatever its name), with the delimiter of text files sniffed.
fn format_of(spec: &InputSpec, src: &Source) -> Result<(InputFormat, u8), ReadError> {
    let path = &spec.path;
    if src.is_empty() {
        return Err(ReadError::Empty { path: path.clone() });
    }
    let kind = src.kind();
    let format = match (spec.format, kind) {
        (Some(f), _) => f,
        (None, Kind::Workbook) => InputFormat::Xlsx,
        (None, _) => InputFormat::Csv,
    };
    // What is not text is refused, unless it is to be read as a workbook.
    if format != InputFormat::Xlsx
        && let Kind::Other(what) = kind
    {
        return Err(ReadError::NotText {
            path: path.clone(),
            what,
            fix: input::save_as_fix(kind),
        });
    }
    let delimiter = match format {
        InputFormat::Tsv => b'\t',
        InputFormat::Xlsx => b',',
        // Anything else is read as text, whatever its name; the header search then speaks.
        InputFormat::Csv if spec.format.is_some() => b',',
        InputFormat::Csv => src.delimiter(),
    };
    let format = if delimiter == b'\t' {
        InputFormat::Tsv
    } else {
        format
    };
    Ok((format, delimiter))
}

/// Opens an input and finds its header row.
pub fn open(spec: &InputSpec) -> Result<Opened, ReadError> {
    let src = Source::open(&spec.path)?;
    let (format, delimiter) = format_of(spec, &src)?;
    let encoding = match src.kind() {
        Kind::Text(e) => Some(e),
        _ => None,
    };
    let (header, inner) = match format {
        InputFormat::Csv | InputFormat::Tsv => {
            let (h, c) = csv_source::CsvInput::open(src, delimiter)?;
            (h, Inner::Csv(Box::new(c)))
        }
        InputFormat::Xlsx => {
            let (file, spool) = src.into_file();
            drop(file);
            let read_from = spool.as_deref().unwrap_or(&spec.path);
            let (h, x) = xlsx_source::XlsxInput::open(read_from, spec.sheet.as_deref())
                .map_err(|e| e.at(&spec.path))?;
            (h, Inner::Xlsx(Box::new(x), spool))
        }
    };
    Ok(Opened {
        path: spec.path.clone(),
        format,
        delimiter,
        encoding,
        header,
        inner,
    })
}

impl ReadError {
    /// The same error, naming `path` (the input as given, not the copy of a pipe).
    fn at(mut self, shown: &std::path::Path) -> Self {
        match &mut self {
            ReadError::Open { path, .. }
            | ReadError::NotText { path, .. }
            | ReadError::Empty { path }
            | ReadError::NoHeader { path, .. }
            | ReadError::SheetNotFound { path, .. }
            | ReadError::Csv { path, .. }
            | ReadError::Workbook { path, .. }
            | ReadError::Xlsx { path, .. } => *path = shown.into(),
            ReadError::Input(_) => {}
        }
        self
    }
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
