//! Taking the rows of one ES-003 input into the [`Ledger`]: the entry of each row, its
//! entry-level cells (compared as bytes with the row before, and parsed only when they
//! change) and its tariff-line values; every cell that cannot be read becomes a row issue
//! on its entry.

use chrono::NaiveDate;

use super::{EntryState, FieldSet, Interner, Ledger, MAX_ISSUES, RowIssue, Sym};
use crate::es003::columns::header_key;
use crate::es003::values::{self, DateOrder, Reading};
use crate::es003::{ColumnMap, Field, Row, RowSink};
use crate::money::Cents;
use crate::tariff_codes;

/// The fields read once per entry, in a fixed order.
const HEADER_FIELDS: [Field; 11] = [
    Field::ImporterNumber,
    Field::ImporterName,
    Field::EntryType,
    Field::EntryDate,
    Field::EntrySummaryDate,
    Field::ReconciliationFlag,
    Field::SummaryStatus,
    Field::ControlStatus,
    Field::LiquidationStatus,
    Field::LiquidationDate,
    Field::ProtestStatus,
];

impl Ledger {
    /// A sink for the rows of the next input, `name`, whose header is `columns` / `names`.
    pub fn file<'a>(
        &'a mut self,
        name: &str,
        columns: &ColumnMap,
        names: &'a [String],
        date_order: DateOrder,
    ) -> FileSink<'a> {
        // The entry index is gone after the end of the input: a row now would make a second
        // entry of a number already seen.
        assert!(
            !self.strings.ended(),
            "an input opened after the end of the input"
        );
        let file = self.inputs.len() as u32;
        self.inputs.push(name.to_string());
        let shown = |c: usize| names.get(c).map_or("?", |n| n.trim());
        for (field, used, other) in columns.doubles(names) {
            self.notes.push(format!(
                "{name}: columns {} `{}` and {} `{}` both name the {} field; column {} `{}` is \
                 read{}, column {} is not",
                used + 1,
                shown(used),
                other + 1,
                shown(other),
                field.code(),
                used + 1,
                shown(used),
                if header_key(shown(used)) == header_key(field.header()) {
                    " (ACE's name)"
                } else {
                    ""
                },
                other + 1,
            ));
        }
        let generic_status = columns
            .get(Field::SummaryStatus)
            .is_some_and(|c| header_key(shown(c)) == "status");
        FileSink {
            ledger: self,
            cols: FileColumns {
                file,
                entry_col: columns.get(Field::EntryNumber).unwrap_or(0),
                hts_col: columns.get(Field::Hts).unwrap_or(0),
                duty_col: columns.get(Field::Duty).unwrap_or(0),
                goods_col: columns.get(Field::GoodsValue),
                line_no_col: columns.get(Field::LineNumber),
                ordinal_col: columns.get(Field::TariffOrdinal),
                header_cols: HEADER_FIELDS.map(|f| columns.get(f)),
                present: FieldSet::of_columns(columns),
                names,
            },
            prev_entry: None,
            prev_entry_raw: Vec::new(),
            prev: None,
            prev_header: Default::default(),
            prev_parsed: [None; HEADER_FIELDS.len()],
            dates: DateReadings::default(),
            date_order,
            repeated_headers: Vec::new(),
            repeated_header_count: 0,
            foreign_header: None,
            part: 0,
            generic_status,
            claim_status: None,
        }
    }
}

/// What the dates of one input say of their order: the first value only day first reads,
/// and the entries with a date that reads two ways, by field.
#[derive(Default)]
struct DateReadings {
    day_first: Option<(usize, u64, String)>,
    /// Per header field (by index), a bit per entry.
    ambiguous: Vec<(usize, Vec<u64>)>,
}

impl DateReadings {
    fn saw(&mut self, reading: Reading, k: usize, entry: u32, line: u64, cell: &[u8]) {
        match reading {
            Reading::Sure => {}
            Reading::DayFirst => {
                if self.day_first.is_none() {
                    self.day_first = Some((k, line, values::text(cell).trim().to_string()));
                }
            }
            Reading::Ambiguous => {
                let bits = match self.ambiguous.iter().position(|(f, _)| *f == k) {
                    Some(i) => &mut self.ambiguous[i].1,
                    None => {
                        self.ambiguous.push((k, Vec::new()));
                        &mut self.ambiguous.last_mut().expect("pushed").1
                    }
                };
                let (word, bit) = (entry as usize / 64, entry % 64);
                if bits.len() <= word {
                    bits.resize(word + 1, 0);
                }
                bits[word] |= 1 << bit;
            }
        }
    }
}

impl FileSink<'_> {
    /// Ends the input: when a date of it reads only day first, its dates that read two ways
    /// are not trusted, and their entries go to review.
    pub fn finish(self) {
        let FileSink {
            ledger,
            cols,
            dates,
            repeated_headers,
            repeated_header_count,
            foreign_header,
            claim_status,
            ..
        } = self;
        if let Some((line, value)) = claim_status {
            ledger.refusals.push(format!(
                "{}: its `Status` column holds `{value}` (line {line}), a claim status from ACE's \
                 Claim Details, not an entry summary status: this looks like a claim download \
                 (give it to `cape claims` or `--declared`), or rename the column to `Entry \
                 Summary Status` if it is one",
                ledger.inputs[cols.file as usize],
            ));
        }
        if let Some(at) = foreign_header {
            ledger.notes.push(format!(
                "{}: line {at} is the header of another export, with other columns; the rows \
                 below it are read in this file's columns and their entries go to review: split \
                 the file at line {at} and give both parts",
                ledger.inputs[cols.file as usize],
            ));
        }
        if !repeated_headers.is_empty() {
            let lines: Vec<String> = repeated_headers.iter().map(u64::to_string).collect();
            let more = if repeated_header_count > 10 {
                ", …"
            } else {
                ""
            };
            let s = if repeated_header_count == 1 { "" } else { "s" };
            ledger.notes.push(format!(
                "{}: the header row comes again {repeated_header_count} time{s} (line{s} {}{more}; \
                 exports pasted together?): skipped, not read as entries",
                ledger.inputs[cols.file as usize],
                lines.join(", "),
            ));
        }
        let Some((k, line, value)) = dates.day_first else {
            return;
        };
        let place = ledger.place(cols.file, line);
        let name = cols.header_cols[k]
            .map_or("?", |c| cols.name(c))
            .to_string();
        ledger.notes.push(format!(
            "{place}: {name} `{value}` reads only as day/month/year; dates of this file that \
             read both ways are not trusted and their entries go to review: give \
             --date-order dmy (or mdy) to say how the file writes dates"
        ));
        for (f, bits) in &dates.ambiguous {
            let field = HEADER_FIELDS[*f];
            let col_name = cols.header_cols[*f].map_or("?", |c| cols.name(c));
            for (w, word) in bits.iter().enumerate() {
                let mut word = *word;
                while word != 0 {
                    let idx = w * 64 + word.trailing_zeros() as usize;
                    word &= word - 1;
                    let entry = &mut ledger.entries[idx];
                    let at = entry
                        .files()
                        .find(|r| r.file == cols.file)
                        .map_or(line, |r| r.first_line);
                    let msg = || {
                        format!(
                            "{col_name} could be month/day or day/month: {place} holds `{value}`, \
                         which only day/month reads; give --date-order dmy or mdy"
                        )
                    };
                    entry.cannot_read(field, cols.file, at, msg);
                }
            }
        }
    }
}

/// Receives the rows of one input file.
pub struct FileSink<'a> {
    ledger: &'a mut Ledger,
    cols: FileColumns<'a>,
    /// The entry of the previous row and its entry-number cell.
    prev_entry: Option<u32>,
    prev_entry_raw: Vec<u8>,
    /// The entry whose header cells `prev_header` holds.
    prev: Option<u32>,
    prev_header: [Vec<u8>; HEADER_FIELDS.len()],
    /// The parsed values of `prev_header`.
    prev_parsed: [Option<Result<Value, &'static str>>; HEADER_FIELDS.len()],
    dates: DateReadings,
    date_order: DateOrder,
    /// Lines of rows that repeat the header (the first few), and how many.
    repeated_headers: Vec<u64>,
    repeated_header_count: u64,
    /// The line of another export's header, with other columns, in this file.
    foreign_header: Option<u64>,
    /// The part of the file being read: one more after each repeated header.
    part: u32,
    /// Whether the entry summary status comes from a column named only `Status`, and the
    /// first claim status (`Failed`, `Entry Summary Updated`) it held.
    generic_status: bool,
    claim_status: Option<(u64, String)>,
}

/// Where a file's columns are, resolved once.
struct FileColumns<'a> {
    file: u32,
    entry_col: usize,
    hts_col: usize,
    duty_col: usize,
    goods_col: Option<usize>,
    line_no_col: Option<usize>,
    ordinal_col: Option<usize>,
    header_cols: [Option<usize>; HEADER_FIELDS.len()],
    present: FieldSet,
    names: &'a [String],
}

impl FileColumns<'_> {
    fn name(&self, col: usize) -> &str {
        self.names.get(col).map_or("?", |s| s.trim())
    }

    /// The row's key, `Entry Summary Line Number` << 16 | `Tariff Ordinal Number`, when the
    /// file has both columns and they hold small numbers.
    #[inline]
    fn row_key<R: Row + ?Sized>(&self, row: &R) -> Option<u32> {
        let num = |col: Option<usize>| -> Option<u32> {
            let v = row.cell(col?)?.trim_ascii();
            if v.is_empty() || v.len() > 5 || !v.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n = v.iter().fold(0u32, |a, &b| a * 10 + u32::from(b - b'0'));
            (n < 1 << 16).then_some(n)
        };
        Some(num(self.line_no_col)? << 16 | num(self.ordinal_col)?)
    }

    /// Whether an entry cell holds the entry column's header name, as a header row does.
    fn is_header_like(&self, raw_entry: &[u8]) -> bool {
        values::text(raw_entry)
            .trim()
            .eq_ignore_ascii_case(self.name(self.entry_col))
    }

    /// Whether `row` repeats the header: its entry, HTS and duty cells hold their column's
    /// header names.
    fn is_header<R: Row + ?Sized>(&self, row: &R) -> bool {
        [self.entry_col, self.hts_col, self.duty_col]
            .iter()
            .all(|&col| {
                row.cell(col).is_some_and(|v| {
                    let v = values::text(v);
                    v.trim().eq_ignore_ascii_case(self.name(col))
                })
            })
    }

    /// The message for a row too short to hold column `col`.
    fn ends_before(&self, col: usize) -> String {
        format!("the row ends before the `{}` column", self.name(col))
    }

    /// The message for a value in column `col` that is not `what`.
    fn not_a(&self, col: usize, cell: Option<&[u8]>, what: &str) -> String {
        format!("{} `{}` is not {what}", self.name(col), shown(cell))
    }

    /// The message for a value in column `col` that is not an amount, with the fix for a
    /// decimal comma.
    fn not_an_amount(&self, col: usize, cell: Option<&[u8]>) -> String {
        let mut m = self.not_a(col, cell, "an amount");
        if cell.is_some_and(|c| c.contains(&b',')) {
            m.push_str(
                "; a comma may only group thousands (`12,345.67`): save the export with a point \
                 as the decimal separator (`250.00`, not `250,00`)",
            );
        }
        m
    }

    fn is_blank<R: Row + ?Sized>(&self, row: &R) -> bool {
        let used = [
            Some(self.entry_col),
            Some(self.hts_col),
            Some(self.duty_col),
            self.goods_col,
        ];
        used.into_iter().chain(self.header_cols).flatten().all(|c| {
            row.cell(c)
                .is_none_or(|v| values::text(v).trim().is_empty())
        })
    }
}

impl RowSink for FileSink<'_> {
    fn entries(&self) -> Option<usize> {
        Some(self.ledger.entries.len())
    }

    fn row<R: Row + ?Sized>(&mut self, line: u64, row: &R) {
        let ledger = &mut *self.ledger;
        let c = &self.cols;
        ledger.rows_read += 1;
        let raw_entry = row.cell(c.entry_col).unwrap_or_default();
        // Blank: nothing but white space, Unicode's included (a no-break space from Excel).
        let blank = raw_entry.trim_ascii().is_empty()
            || (!same_cell(&self.prev_entry_raw, raw_entry)
                && values::text(raw_entry).trim().is_empty());
        if blank {
            if c.is_blank(row) {
                ledger.blank_rows += 1;
            } else {
                ledger.orphan_count += 1;
                if ledger.orphan_rows.len() < MAX_ISSUES {
                    ledger.orphan_rows.push(RowIssue {
                        file: c.file,
                        line,
                        message: format!("no {} on this row", c.name(c.entry_col)),
                    });
                }
            }
            return;
        }
        // Rows of one entry come together: the same cell as the row before is the same entry.
        let idx = match self.prev_entry {
            Some(i) if same_cell(&self.prev_entry_raw, raw_entry) => i,
            _ if c.is_header_like(raw_entry) && !c.is_header(row) => {
                // Another export's header, with other columns: what follows cannot be
                // read in this file's columns.
                if self.foreign_header.is_none() {
                    self.foreign_header = Some(line);
                }
                return;
            }
            _ if c.is_header(row) => {
                // Exports pasted together repeat their header: not an entry.
                if self.repeated_headers.len() < 10 {
                    self.repeated_headers.push(line);
                }
                self.repeated_header_count += 1;
                ledger.rows_read -= 1;
                // What follows is another export: its rows are a part of their own.
                self.part += 1;
                self.prev_entry = None;
                self.prev = None;
                return;
            }
            _ => {
                let i = ledger.entry_index(raw_entry, (c.file, self.part), line, c.present);
                self.prev_entry = Some(i);
                self.prev_entry_raw.clear();
                self.prev_entry_raw.extend_from_slice(raw_entry);
                i
            }
        };
        let entry = &mut ledger.entries[idx as usize];
        if let Some(at) = self.foreign_header {
            let msg = || {
                format!(
                    "this row comes after line {at}, the header of an export with other columns: it \
                 is read in the columns of this file's first header; split the file at line {at} \
                 and give both parts"
                )
            };
            entry.cannot_read(Field::EntryNumber, c.file, line, msg);
        }
        entry.columns = entry.columns.union(c.present);
        let part = (c.file, self.part);
        let key = c.row_key(row);
        let rows = entry.rows_in(part, line);
        rows.totals.rows += 1;
        rows.keys.add(key);

        // Entry-level values: skipped when the same entry repeats the same cells.
        let same = self.prev == Some(idx)
            && c.header_cols
                .iter()
                .zip(&self.prev_header)
                .all(|(col, prev)| {
                    col.is_none_or(|i| same_cell(row.cell(i).unwrap_or_default(), prev))
                });
        if !same {
            for (k, col) in c.header_cols.iter().enumerate() {
                let Some(col) = *col else { continue };
                let field = HEADER_FIELDS[k];
                let Some(cell) = row.cell(col) else {
                    entry.cannot_read(field, c.file, line, || c.ends_before(col));
                    continue;
                };
                // A cell equal to the previous row's is not parsed again.
                if self.prev_parsed[k].is_none() || !same_cell(&self.prev_header[k], cell) {
                    self.prev_parsed[k] = Some(parse_header(
                        field,
                        cell,
                        self.date_order,
                        &mut ledger.strings,
                    ));
                    self.prev_header[k].clear();
                    self.prev_header[k].extend_from_slice(cell);
                }
                match self.prev_parsed[k].expect("set above") {
                    Err(what) => {
                        let msg = || c.not_a(col, Some(cell), what);
                        entry.cannot_read(field, c.file, line, msg);
                    }
                    Ok(value) => {
                        if let Value::Date(_, reading) = value {
                            self.dates.saw(reading, k, idx, line, cell);
                        }
                        if let Value::Text(id) = value
                            && field == Field::SummaryStatus
                            && self.generic_status
                            && self.claim_status.is_none()
                        {
                            let t = ledger.strings.get(id);
                            if t.eq_ignore_ascii_case("failed")
                                || t.eq_ignore_ascii_case(crate::claims::UPDATED)
                            {
                                self.claim_status = Some((line, t.to_string()));
                            }
                        }
                        if let Err((old, new)) = apply_header(entry, field, value, &ledger.strings)
                        {
                            let message = format!(
                                "{} `{new}` differs from `{old}` on an earlier row",
                                c.name(col)
                            );
                            entry.extra().conflicts.push(RowIssue {
                                file: c.file,
                                line,
                                message,
                            });
                        }
                    }
                }
            }
            self.prev = Some(idx);
        }

        // Tariff-line values.
        let cell = |i: usize| row.cell(i);
        let hts = match cell(c.hts_col).map(values::hts) {
            Some(Ok(Some(h))) => Some(h),
            Some(Ok(None)) => {
                let msg = || format!("no {} on this row", c.name(c.hts_col));
                entry.cannot_read(Field::Hts, c.file, line, msg);
                None
            }
            other => {
                let msg = || match other {
                    None => c.ends_before(c.hts_col),
                    _ => c.not_a(c.hts_col, cell(c.hts_col), "an HTS number"),
                };
                entry.cannot_read(Field::Hts, c.file, line, msg);
                None
            }
        };
        let duty = match cell(c.duty_col).map(Cents::parse) {
            Some(Ok(d)) => d.unwrap_or_default(),
            other => {
                let msg = || match other {
                    None => c.ends_before(c.duty_col),
                    _ => c.not_an_amount(c.duty_col, cell(c.duty_col)),
                };
                entry.cannot_read(Field::Duty, c.file, line, msg);
                Cents::ZERO
            }
        };
        let Some(family) = hts.and_then(|h| tariff_codes::family(h.as_str())) else {
            return;
        };
        if !family.is_ieepa() {
            entry.rows_in(part, line).totals.chapter99.insert(family);
        } else {
            let file = c.file;
            let goods = c.goods_col.map(|g| (g, cell(g).map(Cents::parse)));
            let t = &mut entry.rows_in(part, line).totals;
            t.chapter99.insert(family);
            t.ieepa_rows += 1;
            t.ieepa_duty = t.ieepa_duty.saturating_add(duty);
            match goods {
                Some((_, Some(Ok(Some(v))))) if v > Cents::ZERO => t.ieepa_goods_value_rows += 1,
                Some((g, Some(Err(_)))) => {
                    let msg = || c.not_an_amount(g, cell(g));
                    entry.cannot_read(Field::GoodsValue, file, line, msg);
                }
                _ => {}
            }
        }
    }
}

/// Byte equality of two cells, inline: the entry number and entry-level cells are a few
/// bytes long and compared on every row, where a call into `memcmp` per cell costs more than
/// the comparison. Up to 16 bytes, a load from each end (they overlap in the middle) covers
/// the cell.
#[inline]
fn same_cell(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let u64_at = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().expect("8"));
    let u32_at = |s: &[u8], i: usize| u32::from_ne_bytes(s[i..i + 4].try_into().expect("4"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => u32_at(a, 0) == u32_at(b, 0) && u32_at(a, n - 4) == u32_at(b, n - 4),
        8..=16 => u64_at(a, 0) == u64_at(b, 0) && u64_at(a, n - 8) == u64_at(b, n - 8),
        _ => a == b,
    }
}

fn shown(cell: Option<&[u8]>) -> String {
    let t = values::text(cell.unwrap_or_default());
    let t = t.trim();
    if t.chars().count() > 40 {
        format!("{}…", t.chars().take(40).collect::<String>())
    } else {
        t.to_string()
    }
}

/// A parsed entry-level cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    Blank,
    Text(Sym),
    Type(u8),
    Date(NaiveDate, Reading),
    Flag(bool),
}

/// Parses one entry-level cell; the error names what the cell should have been.
fn parse_header(
    field: Field,
    cell: &[u8],
    order: DateOrder,
    strings: &mut Interner,
) -> Result<Value, &'static str> {
    let opt = |v: Option<Value>| v.unwrap_or(Value::Blank);
    // The kind of the field's slot decides how its cell is read.
    let mut probe = super::HeaderValues::default();
    Ok(match probe.slot(field) {
        Slot::Type(_) => opt(values::entry_type(cell)
            .map_err(|_| "an entry type")?
            .map(Value::Type)),
        Slot::Date(_) => opt(values::date_in(cell, order)
            .map_err(|_| "a date")?
            .map(|(d, r)| Value::Date(d, r))),
        Slot::Flag(_) => opt(values::flag(cell)
            .map_err(|_| "a Y/N flag")?
            .map(Value::Flag)),
        Slot::Row => Value::Blank,
        Slot::Text(_) => {
            let t = values::text(cell);
            let t = t.trim();
            if t.is_empty() {
                Value::Blank
            } else {
                Value::Text(strings.intern(t))
            }
        }
    })
}

/// Records a parsed value on the entry; a value that differs from the entry's earlier one
/// comes back as (earlier, new), for people.
fn apply_header(
    entry: &mut EntryState,
    field: Field,
    value: Value,
    strings: &Interner,
) -> Result<(), (String, String)> {
    fn set<T: PartialEq + Copy>(
        slot: &mut Option<T>,
        new: T,
        same: impl Fn(T, T) -> bool,
    ) -> Result<(), T> {
        match *slot {
            None => {
                *slot = Some(new);
                Ok(())
            }
            Some(old) if same(old, new) => Ok(()),
            Some(old) => Err(old),
        }
    }
    // Text differing only in case is the same value.
    let same_text = |a: Sym, b: Sym| a == b || strings.get(a).eq_ignore_ascii_case(strings.get(b));
    match (entry.header.slot(field), value) {
        (_, Value::Blank) => Ok(()),
        (Slot::Type(slot), Value::Type(t)) => {
            set(slot, t, |a, b| a == b).map_err(|o| (format!("{o:02}"), format!("{t:02}")))
        }
        (Slot::Flag(slot), Value::Flag(f)) => {
            let yn = |b: bool| if b { "Y" } else { "N" }.to_string();
            set(slot, f, |a, b| a == b).map_err(|o| (yn(o), yn(f)))
        }
        (Slot::Date(slot), Value::Date(d, _)) => {
            set(slot, d, |a, b| a == b).map_err(|o| (o.to_string(), d.to_string()))
        }
        (Slot::Text(slot), Value::Text(id)) => set(slot, id, same_text)
            .map_err(|o| (strings.get(o).to_string(), strings.get(id).to_string())),
        // `parse_header` gives each field the kind of its slot.
        (slot, value) => unreachable!("{field:?}: {value:?} does not fit {slot:?}"),
    }
}

/// Where an entry-level field's value is kept.
#[derive(Debug)]
enum Slot<'a> {
    Type(&'a mut Option<u8>),
    Flag(&'a mut Option<bool>),
    Date(&'a mut Option<NaiveDate>),
    Text(&'a mut Option<Sym>),
    /// A field read per row, not per entry.
    Row,
}

impl super::HeaderValues {
    /// The slot of `field`: every field is named, so a new one cannot land in another's.
    fn slot(&mut self, field: Field) -> Slot<'_> {
        match field {
            Field::EntryType => Slot::Type(&mut self.entry_type),
            Field::ReconciliationFlag => Slot::Flag(&mut self.reconciliation),
            Field::EntryDate => Slot::Date(&mut self.entry_date),
            Field::EntrySummaryDate => Slot::Date(&mut self.summary_date),
            Field::LiquidationDate => Slot::Date(&mut self.liquidation_date),
            Field::ImporterNumber => Slot::Text(&mut self.importer_number),
            Field::ImporterName => Slot::Text(&mut self.importer_name),
            Field::SummaryStatus => Slot::Text(&mut self.summary_status),
            Field::ControlStatus => Slot::Text(&mut self.control_status),
            Field::LiquidationStatus => Slot::Text(&mut self.liquidation_status),
            Field::ProtestStatus => Slot::Text(&mut self.protest_status),
            Field::EntryNumber
            | Field::Hts
            | Field::Duty
            | Field::GoodsValue
            | Field::LineNumber
            | Field::TariffOrdinal
            | Field::CountryOfOrigin
            | Field::Port => Slot::Row,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::same_cell;

    #[test]
    fn same_cell_is_byte_equality() {
        let base: Vec<u8> = (b'0'..=b'z').collect();
        for len in 0..base.len() {
            let a = &base[..len];
            assert!(same_cell(a, a));
            assert!(!same_cell(a, &base[..len + 1]));
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!same_cell(a, &b), "{len} {at}");
            }
        }
    }
}
