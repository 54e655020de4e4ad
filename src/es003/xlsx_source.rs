//! XLSX ES-003 input, streamed cell by cell with calamine: the sheet that holds the header
//! (ACE's "Main Report" first, or `--sheet`), the header row below any title rows, and
//! every cell turned into the text the CSV path would have read.

use std::fmt::Write as _;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

use super::{ACE_SHEET, HEADER_SEARCH_ROWS, Header, ReadError, Row, RowSink, find_header};

/// An open workbook and the sheet its data is on.
pub struct XlsxInput {
    workbook: Xlsx<BufReader<File>>,
    sheet: String,
}

/// The cells of one sheet row, by column.
struct XlsxRow<'a>(&'a [String]);

impl Row for XlsxRow<'_> {
    fn cell(&self, i: usize) -> Option<&[u8]> {
        Some(
            self.0
                .get(i)
                .map_or(&b""[..], |s| crate::input::excel::unwrap(s.as_bytes())),
        )
    }
}

/// Writes the text of a cell into `out`: numbers as plain decimals (`2567.49`,
/// `60576072486`), dates as `YYYY-MM-DD`, booleans as `TRUE`/`FALSE`.
pub fn cell_text(cell: &DataRef<'_>, out: &mut String) {
    out.clear();
    match cell {
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Float(f) => float_text(*f, out),
        DataRef::String(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) if dt.is_datetime() => {
                let _ = write!(out, "{}", d.date().format("%Y-%m-%d"));
            }
            _ => float_text(dt.as_f64(), out),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::Error(e) => {
            let _ = write!(out, "#{e}");
        }
        DataRef::Empty => {}
    }
}

/// A float as a plain decimal with at most six decimals, trailing zeros dropped, so that
/// binary noise (`0.30000000000000004`) does not show.
fn float_text(f: f64, out: &mut String) {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64);
        return;
    }
    let _ = write!(out, "{f:.6}");
    while out.ends_with('0') {
        out.pop();
    }
    if out.ends_with('.') {
        out.pop();
    }
}

fn xlsx_err(path: &Path) -> impl Fn(calamine::XlsxError) -> ReadError + '_ {
    move |source| ReadError::Xlsx {
        path: path.into(),
        source,
    }
}

/// The largest shared-strings part read: calamine holds all of it in memory.
pub const MAX_SHARED_STRINGS: u64 = 256 << 20;
/// The largest worksheet part read (it is streamed, but inflating it takes time).
pub const MAX_SHEET: u64 = 4 << 30;
/// Parts larger than this must not inflate more than [`MAX_RATIO`] times: XML compresses
/// about 10:1, a decompression bomb by thousands.
pub const RATIO_CHECKED_ABOVE: u64 = 64 << 20;
pub const MAX_RATIO: u64 = 200;

/// Checks the workbook's parts from the ZIP directory, before anything is inflated.
fn check_parts(path: &Path) -> Result<(), ReadError> {
    let refuse = |message: String| ReadError::Workbook {
        path: path.into(),
        message,
    };
    let file = File::open(path).map_err(|source| ReadError::Open {
        path: path.into(),
        source,
    })?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        refuse(format!(
            "not a readable ZIP archive ({e}): the workbook is truncated or damaged; download \
             the export from ACE again"
        ))
    })?;
    let mut has_workbook = false;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| refuse(format!("a damaged ZIP entry ({e})")))?;
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        has_workbook |= name == "xl/workbook.xml";
        let mib = |n: u64| n >> 20;
        if name == "xl/sharedstrings.xml" && size > MAX_SHARED_STRINGS {
            return Err(refuse(format!(
                "its shared strings inflate to {} MiB, over the {} MiB cape reads; export the \
                 report as CSV instead",
                mib(size),
                mib(MAX_SHARED_STRINGS)
            )));
        }
        if name.starts_with("xl/worksheets/") && size > MAX_SHEET {
            return Err(refuse(format!(
                "a sheet inflates to {} MiB, over the {} MiB cape reads; export the report as CSV \
                 instead",
                mib(size),
                mib(MAX_SHEET)
            )));
        }
        if size > RATIO_CHECKED_ABOVE && size / packed > MAX_RATIO {
            return Err(refuse(format!(
                "`{name}` inflates {}:1 to {} MiB: not a real export (a decompression bomb?)",
                size / packed,
                mib(size)
            )));
        }
    }
    if !has_workbook {
        return Err(refuse(
            "a ZIP archive, but not an Excel workbook (it has no xl/workbook.xml)".into(),
        ));
    }
    Ok(())
}

impl XlsxInput {
    /// Opens the workbook and finds the sheet and row of the header.
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<(Header, XlsxInput), ReadError> {
        check_parts(path)?;
        let mut workbook: Xlsx<_> = calamine::open_workbook(path).map_err(xlsx_err(path))?;
        let names = workbook.sheet_names();
        let candidates: Vec<String> = match sheet {
            Some(want) => {
                let found = names.iter().find(|n| n.eq_ignore_ascii_case(want.trim()));
                let Some(found) = found else {
                    return Err(ReadError::SheetNotFound {
                        path: path.into(),
                        sheet: want.into(),
                        available: names.join(", "),
                    });
                };
                vec![found.clone()]
            }
            None => {
                let mut c: Vec<String> =
                    names.iter().filter(|n| *n == ACE_SHEET).cloned().collect();
                c.extend(names.iter().filter(|n| *n != ACE_SHEET).cloned());
                c
            }
        };
        let mut first_error = None;
        for name in candidates {
            let rows = first_rows(&mut workbook, &name).map_err(xlsx_err(path))?;
            match find_header(&rows, Some(&name)) {
                Ok(header) => {
                    return Ok((
                        header,
                        XlsxInput {
                            workbook,
                            sheet: name,
                        },
                    ));
                }
                Err(message) => {
                    first_error.get_or_insert(message);
                }
            }
        }
        Err(ReadError::NoHeader {
            path: path.into(),
            message: first_error.unwrap_or_else(|| "the workbook has no sheets".into()),
        })
    }

    /// Streams the rows below the header.
    pub fn read_rows<S: RowSink>(
        mut self,
        path: &Path,
        header: &Header,
        sink: &mut S,
    ) -> Result<(), ReadError> {
        let width = header.names.len();
        let needed: Vec<bool> = (0..width)
            .map(|i| {
                super::Field::ALL
                    .iter()
                    .any(|f| header.columns.get(*f) == Some(i))
            })
            .collect();
        let mut cells: Vec<String> = vec![String::new(); width];
        let mut reader = self
            .workbook
            .worksheet_cells_reader(&self.sheet)
            .map_err(xlsx_err(path))?;
        let header_row = header.line - 1;
        let mut current: Option<u32> = None;
        let mut text = String::new();
        while let Some(cell) = reader.next_cell().map_err(xlsx_err(path))? {
            let (row, col) = cell.get_position();
            if u64::from(row) <= header_row {
                continue;
            }
            if current != Some(row) {
                if let Some(r) = current {
                    sink.row(u64::from(r) + 1, &XlsxRow(&cells));
                    cells.iter_mut().for_each(String::clear);
                }
                current = Some(row);
            }
            let col = col as usize;
            if needed.get(col).copied().unwrap_or(false) {
                cell_text(cell.get_value(), &mut text);
                std::mem::swap(&mut cells[col], &mut text);
            }
        }
        if let Some(r) = current {
            sink.row(u64::from(r) + 1, &XlsxRow(&cells));
        }
        Ok(())
    }
}

/// The first rows of a sheet, each with its row number and its cells' text.
fn first_rows(
    workbook: &mut Xlsx<BufReader<File>>,
    sheet: &str,
) -> Result<Vec<(u64, Vec<String>)>, calamine::XlsxError> {
    const MAX_COLUMNS: usize = 16_384;
    let mut reader = workbook.worksheet_cells_reader(sheet)?;
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut text = String::new();
    while let Some(cell) = reader.next_cell()? {
        let (row, col) = cell.get_position();
        let line = u64::from(row) + 1;
        if rows.last().is_none_or(|(l, _)| *l != line) {
            if rows.len() == HEADER_SEARCH_ROWS {
                break;
            }
            rows.push((line, Vec::new()));
        }
        let col = (col as usize).min(MAX_COLUMNS - 1);
        let cells = &mut rows.last_mut().expect("pushed above").1;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cell_text(cell.get_value(), &mut text);
        cells[col] = text.clone();
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> String {
        let mut s = String::new();
        float_text(x, &mut s);
        s
    }

    #[test]
    fn floats_read_as_the_csv_would_have_them() {
        assert_eq!(f(2567.49), "2567.49");
        assert_eq!(f(60576072486.0), "60576072486");
        assert_eq!(f(0.1 + 0.2), "0.3");
        assert_eq!(f(-12.0), "-12");
        assert_eq!(f(0.125), "0.125");
    }
}
