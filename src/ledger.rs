//! State kept per entry while ES-003 rows stream past: the entry's header values (the same
//! on every row of an entry), its IEEPA totals per input file, where its rows came from, and
//! every row that could not be read. Memory grows with entries, not rows.
//!
//! Rows come in through a [`FileSink`] per input (`ledger/rows.rs`).
//! Text values are stored once, in an [`Interner`] (`ledger/interner.rs`).

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;

use crate::entry::EntryNumber;
use crate::es003::values;
use crate::es003::{ColumnMap, Field};
use crate::money::Cents;
use crate::tariff_codes::Families;

mod interner;
mod parts;
mod rows;
pub use interner::{Interner, Sym};
pub use parts::Combined;
pub use rows::FileSink;

/// Most rows without an entry number kept; the rest are counted.
const MAX_ISSUES: usize = 10;

/// Row problems kept per entry: the first, which its report row names; the rest are
/// counted. A file damaged on every row then costs about what a clean one does.
pub const MAX_ENTRY_ISSUES: usize = 1;

/// A set of fields, as bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldSet(u32);

impl FieldSet {
    pub fn insert(&mut self, f: Field) {
        self.0 |= 1 << f as u32;
    }
    pub fn contains(self, f: Field) -> bool {
        self.0 & (1 << f as u32) != 0
    }
    pub fn union(self, other: FieldSet) -> FieldSet {
        FieldSet(self.0 | other.0)
    }
    pub fn of_columns(map: &ColumnMap) -> FieldSet {
        let mut s = FieldSet::default();
        for f in Field::ALL {
            if map.get(f).is_some() {
                s.insert(f);
            }
        }
        s
    }
}

/// The entry-level values of an entry; text values are [`Interner`] ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderValues {
    pub importer_number: Option<Sym>,
    pub importer_name: Option<Sym>,
    pub entry_type: Option<u8>,
    pub entry_date: Option<NaiveDate>,
    pub summary_date: Option<NaiveDate>,
    pub reconciliation: Option<bool>,
    pub summary_status: Option<Sym>,
    pub control_status: Option<Sym>,
    pub liquidation_status: Option<Sym>,
    pub liquidation_date: Option<NaiveDate>,
    pub protest_status: Option<Sym>,
}

/// What the tariff rows of an entry in one file add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineTotals {
    pub rows: u32,
    pub ieepa_rows: u32,
    pub ieepa_duty: Cents,
    pub ieepa_goods_value_rows: u32,
    /// The families of its Chapter 99 rows, IEEPA's included.
    pub chapter99: Families,
}

/// An entry's rows in one input file (in one part of it, when the file repeats its header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRows {
    pub file: u32,
    /// The part of the file: 0, then 1, 2, … after each repeated header row.
    pub part: u32,
    /// What its rows' `Entry Summary Line Number` and `Tariff Ordinal Number` say.
    pub keys: RowKeys,
    pub first_line: u64,
    pub last_line: u64,
    pub totals: LineTotals,
}

/// The rows of a [`FileRows`] by their keys (`Entry Summary Line Number`, `Tariff Ordinal
/// Number`): how many, and the lowest and highest key. Two parts with the same keys and the
/// same totals are the same rows for every rule (the rules read only the totals); parts
/// whose key ranges do not meet are pieces of one entry cut apart (a split export).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowKeys {
    /// Rows with a key; `None` once a row had none (the part is then compared by totals).
    pub keyed: Option<u32>,
    pub min: u32,
    pub max: u32,
}

impl RowKeys {
    /// Adds a row and its key (line number << 16 | ordinal), if it has one.
    #[inline]
    pub fn add(&mut self, key: Option<u32>) {
        match (key, self.keyed) {
            (Some(k), Some(0)) => {
                self.keyed = Some(1);
                self.min = k;
                self.max = k;
            }
            (Some(k), Some(n)) => {
                self.keyed = Some(n + 1);
                self.min = self.min.min(k);
                self.max = self.max.max(k);
            }
            _ => self.keyed = None,
        }
    }
}

/// A row, or a value on it, that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowIssue {
    pub file: u32,
    pub line: u64,
    pub message: String,
}

/// What few entries need: rows in further files, row problems, conflicts.
#[derive(Clone, Debug, Default)]
pub struct Extra {
    pub more_files: Vec<FileRows>,
    /// The first row problem (see [`MAX_ENTRY_ISSUES`]).
    pub first_issue: Option<RowIssue>,
    pub issue_count: u32,
    pub conflicts: Vec<RowIssue>,
}

/// Everything known of one entry.
#[derive(Clone, Debug)]
pub struct EntryState {
    /// The normalised number, or `None` when the value is not 11 letters/digits.
    pub number: Option<EntryNumber>,
    /// The value as first written (trimmed), kept only when it is not `number` as is or
    /// dashed (`dashed`): most are one of the two, and the entry then costs no allocation of
    /// its own. See [`EntryState::raw`].
    written: Option<Box<str>>,
    dashed: bool,
    pub header: HeaderValues,
    pub first_file: FileRows,
    /// Columns present in the files this entry came from.
    pub columns: FieldSet,
    /// Fields with a value that could not be read on some row.
    pub unreadable: FieldSet,
    pub extra: Option<Box<Extra>>,
}

impl EntryState {
    /// The value as first written (trimmed).
    pub fn raw(&self) -> Cow<'_, str> {
        match (&self.written, &self.number) {
            (Some(w), _) => Cow::Borrowed(w),
            (None, Some(n)) if self.dashed => Cow::Owned(n.dashed()),
            (None, Some(n)) => Cow::Borrowed(n.as_str()),
            (None, None) => Cow::Borrowed(""),
        }
    }

    /// The number as reports show it: normalised, or as written when it is not a number.
    pub fn shown(&self) -> &str {
        match &self.number {
            Some(n) => n.as_str(),
            None => self.written.as_deref().unwrap_or_default(),
        }
    }

    /// The entry's rows, file by file.
    pub fn files(&self) -> impl Iterator<Item = &FileRows> {
        std::iter::once(&self.first_file).chain(self.extra.iter().flat_map(|e| e.more_files.iter()))
    }

    pub fn issue_count(&self) -> u32 {
        self.extra.as_ref().map_or(0, |e| e.issue_count)
    }

    /// The row problems kept: the first.
    pub fn issues(&self) -> &[RowIssue] {
        self.extra
            .as_ref()
            .and_then(|e| e.first_issue.as_ref())
            .map_or(&[], std::slice::from_ref)
    }

    pub fn conflicts(&self) -> &[RowIssue] {
        self.extra.as_ref().map_or(&[], |e| &e.conflicts)
    }

    fn extra(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Records that `field` could not be read on a row, and why.
    /// The message is made only when it is kept.
    fn cannot_read(
        &mut self,
        field: Field,
        file: u32,
        line: u64,
        message: impl FnOnce() -> String,
    ) {
        self.unreadable.insert(field);
        let x = self.extra();
        x.issue_count += 1;
        if x.first_issue.is_none() {
            x.first_issue = Some(RowIssue {
                file,
                line,
                message: message(),
            });
        }
    }

    fn rows_in(&mut self, (file, part): (u32, u32), line: u64) -> &mut FileRows {
        let at = |f: &FileRows| f.file == file && f.part == part;
        let in_first = at(&self.first_file);
        if !in_first
            && self
                .extra
                .as_ref()
                .is_none_or(|x| x.more_files.last().is_none_or(|f| !at(f)))
        {
            self.extra().more_files.push(FileRows {
                file,
                part,
                keys: RowKeys {
                    keyed: Some(0),
                    ..RowKeys::default()
                },
                first_line: line,
                last_line: line,
                totals: LineTotals::default(),
            });
        }
        let rows = if in_first {
            &mut self.first_file
        } else {
            self.extra
                .as_mut()
                .and_then(|x| x.more_files.last_mut())
                .expect("pushed above")
        };
        rows.last_line = line;
        rows
    }
}

/// All entries of all inputs, in the order first seen.
#[derive(Debug, Default)]
pub struct Ledger {
    pub entries: Vec<EntryState>,
    /// The inputs' names, by file number.
    pub inputs: Vec<String>,
    index: HashMap<EntryNumber, u32>,
    malformed: HashMap<Box<str>, u32>,
    pub strings: Interner,
    /// Rows that have values but no entry number.
    pub orphan_rows: Vec<RowIssue>,
    pub orphan_count: u64,
    pub blank_rows: u64,
    pub rows_read: u64,
    /// What an input as a whole showed (day-first dates, repeated header rows), for people.
    pub notes: Vec<String>,
    /// Why an input cannot be read as an ES-003 export at all, found in its rows.
    pub refusals: Vec<String>,
}

impl Ledger {
    /// Every input is read: the tables that find an entry or a text value again are dropped,
    /// so that their memory is free before the outputs are written. No input may be opened
    /// after ([`Ledger::file`] refuses).
    pub fn end_of_input(&mut self) {
        self.index = HashMap::default();
        self.malformed = HashMap::default();
        self.strings.end_of_input();
    }

    /// `input:line`, for messages.
    pub fn place(&self, file: u32, line: u64) -> String {
        format!(
            "{}:{line}",
            self.inputs.get(file as usize).map_or("?", String::as_str)
        )
    }

    fn entry_index(
        &mut self,
        raw: &[u8],
        (file, part): (u32, u32),
        line: u64,
        columns: FieldSet,
    ) -> u32 {
        use std::collections::hash_map::Entry;
        let i = self.entries.len() as u32;
        let number = EntryNumber::parse_bytes(raw);
        // One probe finds the entry or makes room for it.
        if let Some(n) = &number {
            match self.index.entry(*n) {
                Entry::Occupied(seen) => return *seen.get(),
                Entry::Vacant(room) => {
                    room.insert(i);
                }
            }
        }
        let text = values::text(raw);
        let text = text.trim();
        if number.is_none() {
            if let Some(&seen) = self.malformed.get(text) {
                return seen;
            }
            self.malformed.insert(text.into(), i);
        }
        let plain = number.as_ref().is_some_and(|n| n.as_str() == text);
        let dashed = !plain && number.as_ref().is_some_and(|n| is_dashed(n, text));
        self.entries.push(EntryState {
            number,
            written: (!plain && !dashed).then(|| text.into()),
            dashed,
            header: HeaderValues::default(),
            first_file: FileRows {
                file,
                part,
                keys: RowKeys {
                    keyed: Some(0),
                    ..RowKeys::default()
                },
                first_line: line,
                last_line: line,
                totals: LineTotals::default(),
            },
            columns,
            unreadable: FieldSet::default(),
            extra: None,
        });
        i
    }
}

/// Whether `text` is `n` in its printed form, `ABC-1234567-6`.
fn is_dashed(n: &EntryNumber, text: &str) -> bool {
    let (n, t) = (n.as_bytes(), text.as_bytes());
    t.len() == 13
        && t[3] == b'-'
        && t[11] == b'-'
        && t[..3] == n[..3]
        && t[4..11] == n[3..10]
        && t[12] == n[10]
}

#[cfg(test)]
impl Ledger {
    /// A ledger of one file whose rows hold these entry-number cells, each on an IEEPA line.
    pub fn of_entry_cells<'a>(cells: impl IntoIterator<Item = &'a str>) -> Ledger {
        use crate::es003::RowSink;
        let names: Vec<String> = ["Entry Summary Number", "HTS Number - Full"]
            .map(String::from)
            .to_vec();
        let columns = ColumnMap::resolve(&names);
        let mut ledger = Ledger::default();
        let mut sink = ledger.file("x.csv", &columns, &names, Default::default());
        for (k, entry) in cells.into_iter().enumerate() {
            sink.row(k as u64 + 2, &[entry, "9903.01.25"][..]);
        }
        ledger
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_keeps_its_number_as_first_written() {
        let rows = [
            "00210009221",
            " 002-1000922-1 ",
            "M2K-1000000-8",
            "m2k10009223",
            "M2K-1000000-9 ",
            "M2K1000000-10",
            "M2K-123",
            "  ",
        ];
        let ledger = Ledger::of_entry_cells(rows);
        let seen: Vec<(String, bool)> = ledger
            .entries
            .iter()
            .map(|e| (e.raw().into_owned(), e.written.is_some()))
            .collect();
        let want = [
            ("00210009221", false),
            ("M2K-1000000-8", false),
            ("m2k10009223", true),
            ("M2K-1000000-9", false),
            ("M2K1000000-10", true),
            ("M2K-123", true),
        ];
        // The second row is the first entry again; only values that are neither the number
        // nor its printed form are copied.
        assert_eq!(seen, want.map(|(s, w)| (s.to_string(), w)));
    }

    #[test]
    fn an_entry_that_comes_back_after_others_is_the_same_entry() {
        let rows = [
            "M2K-1000000-8",
            "002-1000922-1",
            "M2K-123",
            "m2k10000008",
            " M2K-123",
            "00210009221",
            "M2K-1000000-8",
        ];
        let ledger = Ledger::of_entry_cells(rows);
        let seen: Vec<(&str, u32, u64)> = ledger
            .entries
            .iter()
            .map(|e| (e.shown(), e.first_file.totals.rows, e.first_file.last_line))
            .collect();
        assert_eq!(
            seen,
            [
                ("M2K10000008", 3, 8),
                ("00210009221", 2, 7),
                ("M2K-123", 2, 6)
            ]
        );
    }

    #[test]
    #[should_panic(expected = "an input opened after the end of the input")]
    fn no_input_is_opened_after_the_end_of_the_input() {
        let mut ledger = Ledger::of_entry_cells(["00210009221"]);
        ledger.end_of_input();
        let names: Vec<String> = ["Entry Summary Number", "HTS Number - Full"]
            .map(String::from)
            .to_vec();
        let columns = ColumnMap::resolve(&names);
        let _ = ledger.file("late.csv", &columns, &names, Default::default());
    }
}
