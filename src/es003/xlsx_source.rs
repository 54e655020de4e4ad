//! XLSX ES-003 input, streamed cell by cell with calamine: the sheet that holds the header
//! (ACE's "Main Report" first, or `--sheet`), the header row below any title rows, and
//! every cell turned into the text the CSV path would have read.

use std::fmt::Write as _;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

use super::batch::{self, BATCH_BYTES, Batch, Beyond};
use super::{ACE_SHEET, HEADER_SEARCH_ROWS, Header, ReadError, RowSink, find_header};

/// An open workbook and the sheet its data is on.
pub struct XlsxInput {
    workbook: Xlsx<BufReader<File>>,
    sheet: String,
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
            Some(d) if dt.is_datetime() => date_text(d.date(), out),
            _ => float_text(dt.as_f64(), out),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::Error(e) => {
            let _ = write!(out, "#{e}");
        }
        DataRef::Empty => {}
    }
}

/// `YYYY-MM-DD`, written digit by digit (a date cell on every row of an ACE workbook).
fn date_text(d: chrono::NaiveDate, out: &mut String) {
    use chrono::Datelike;
    let Ok(year) = u32::try_from(d.year()) else {
        let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        return;
    };
    if year > 9999 {
        let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        return;
    }
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    out.extend([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
    ]);
    out.extend(['-', digit(d.month() / 10), digit(d.month()), '-']);
    out.extend([digit(d.day() / 10), digit(d.day())]);
}

/// A float as a plain decimal with at most six decimals, trailing zeros dropped, so that
/// binary noise (`0.30000000000000004`) does not show.
fn float_text(f: f64, out: &mut String) {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64);
        return;
    }
    // Amounts in cents, the numbers of most cells after the integers: the double nearest
    // to a whole number of cents, and small enough that six decimals show no binary noise,
    // reads as those cents. The test below holds this to the general way for every value.
    if f.abs() < (1 << 30) as f64 {
        let cents = (f * 100.0).round();
        if cents / 100.0 == f {
            let c = cents as i64;
            if c < 0 {
                out.push('-');
            }
            let c = c.unsigned_abs();
            let _ = write!(out, "{}", c / 100);
            let (tens, ones) = ((c / 10 % 10) as u8, (c % 10) as u8);
            out.push('.');
            out.push(char::from(b'0' + tens));
            if ones != 0 {
                out.push(char::from(b'0' + ones));
            }
            return;
        }
    }
    float_text_any(f, out);
}

/// [`float_text`] for every value.
fn float_text_any(f: f64, out: &mut String) {
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
        let header_row = header.line - 1;
        let sheet = &self.sheet;
        let workbook = &mut self.workbook;
        // Calamine reads the sheet on a second thread while this one takes the rows.
        batch::stream(sink, Beyond::Empty, move |filler| {
            let mut reader = workbook
                .worksheet_cells_reader(sheet)
                .map_err(xlsx_err(path))?;
            let mut cells: Vec<String> = vec![String::new(); width];
            let mut current: Option<u32> = None;
            let mut text = String::new();
            let mut batch = filler.fresh();
            while let Some(cell) = reader.next_cell().map_err(xlsx_err(path))? {
                let (row, col) = cell.get_position();
                if u64::from(row) <= header_row {
                    continue;
                }
                if current != Some(row) {
                    if let Some(r) = current {
                        add_row(&mut batch, u64::from(r) + 1, &mut cells);
                        if batch.data.len() >= BATCH_BYTES / 4 || batch.rows.len() >= 4096 {
                            if !filler.send(batch) {
                                return Ok(());
                            }
                            batch = filler.fresh();
                        }
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
                add_row(&mut batch, u64::from(r) + 1, &mut cells);
            }
            filler.send(batch);
            Ok(())
        })
    }
}

/// Adds a row of `cells` at `line` to `batch`, and empties the cells for the next row.
fn add_row(batch: &mut Batch, line: u64, cells: &mut [String]) {
    for c in cells.iter_mut() {
        let start = batch.data.len() as u32;
        batch.data.extend_from_slice(c.as_bytes());
        batch.bounds.push((start, batch.data.len() as u32));
        c.clear();
    }
    batch.rows.push((line, batch.bounds.len() as u32));
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
        assert_eq!(f(-0.05), "-0.05");
        assert_eq!(f(12599.5), "12599.5");
        assert_eq!(f(1e13 + 0.01), "10000000000000.009766");
    }

    /// The general way, for the shorter one to be held to.
    fn slow(x: f64) -> String {
        let mut s = String::new();
        if x.fract() == 0.0 && x.abs() < 1e15 {
            s = format!("{}", x as i64);
        } else {
            float_text_any(x, &mut s);
        }
        s
    }

    proptest::proptest! {
        #[test]
        fn cents_read_as_the_general_way_reads_them(
            c in -(1i64 << 40)..(1i64 << 40),
            noise in proptest::prop_oneof![proptest::strategy::Just(0.0), -1e-6..1e-6f64],
            any in proptest::num::f64::NORMAL,
        ) {
            let x = c as f64 / 100.0 + noise;
            proptest::prop_assert_eq!(f(x), slow(x));
            proptest::prop_assert_eq!(f(any), slow(any));
        }

        #[test]
        fn dates_read_as_chrono_writes_them(days in -800_000i64..3_000_000) {
            let d = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days);
            let mut s = String::new();
            date_text(d, &mut s);
            proptest::prop_assert_eq!(s, d.format("%Y-%m-%d").to_string());
        }
    }
}
