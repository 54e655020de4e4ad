//! What a `cape prepare` run is given (its resolved configuration) and what it found: the
//! read-only view every report and the audit trail render from.

use std::path::PathBuf;

pub use super::tally::Tally;
use crate::eligibility::{Decision, RuleOptions, Verdict};
use crate::entry::EntryNumber;
use crate::es003::{self, Field, InputFormat, InputSpec};
use crate::history::Declared;
use crate::interest::InterestOptions;
use crate::ledger::Ledger;
use crate::money::Cents;
use crate::validation_result::ValidationResult;

/// How eligible entries are spread over declaration files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitBy {
    None,
    Filer,
    Importer,
}

/// One declaration file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationFile {
    pub name: String,
    /// The filer code or importer number it holds, when split.
    pub key: Option<String>,
    pub entries: Vec<EntryNumber>,
}

/// The name of the per-entry report.
pub const ENTRIES_FILE: &str = "cape_entries.csv";

/// A resolved `cape prepare` run.
#[derive(Clone, Debug)]
pub struct PrepareConfig {
    pub inputs: Vec<InputSpec>,
    pub out_dir: PathBuf,
    pub rules: RuleOptions,
    pub split_by: SplitBy,
    pub max_entries: usize,
    /// What was declared before (`--declared`).
    pub declared: Declared,
    /// What the interest estimate assumes.
    pub interest: InterestOptions,
    /// Show progress on stderr (only when it is a terminal).
    pub progress: bool,
}

/// One input as it was read.
#[derive(Clone, Debug)]
pub struct InputInfo {
    pub path: PathBuf,
    pub format: InputFormat,
    pub sheet: Option<String>,
    pub header_line: u64,
    pub rows: u64,
    /// Its size when read, for a regular file.
    pub bytes: Option<u64>,
    /// Optional columns the input lacks.
    pub missing: Vec<Field>,
    /// The column that fed each field found.
    pub columns: Vec<ColumnUse>,
    /// The text encoding and delimiter, for text inputs.
    pub encoding: Option<&'static str>,
    pub delimiter: Option<char>,
}

/// One field of an input and the column it was read from.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ColumnUse {
    pub field: &'static str,
    /// The header as written.
    pub header: String,
    /// The column, from 1.
    pub column: usize,
    /// Whether the header is ACE's own name for the field.
    pub ace_name: bool,
}

impl ColumnUse {
    /// The fields of `header` and their columns.
    pub(super) fn of(header: &es003::Header) -> Vec<ColumnUse> {
        Field::ALL
            .into_iter()
            .filter_map(|f| {
                let c = header.columns.get(f)?;
                let written = header.names.get(c).map_or("", |n| n.trim()).to_string();
                Some(ColumnUse {
                    field: f.code(),
                    ace_name: es003::columns::header_key(&written)
                        == es003::columns::header_key(f.header()),
                    header: written,
                    column: c + 1,
                })
            })
            .collect()
    }
}

/// Everything a run found and wrote.
pub struct Prepared {
    pub inputs: Vec<InputInfo>,
    pub ledger: Ledger,
    /// One verdict per ledger entry, same order.
    pub verdicts: Vec<Verdict>,
    /// The declaration file of each ledger entry, if any.
    pub placed: Vec<Option<usize>>,
    pub declarations: Vec<DeclarationFile>,
    pub validation_result: ValidationResult,
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// Inputs given more than once, read once.
    pub repeated: Vec<PathBuf>,
    /// The ledger's entries in the order of their numbers.
    pub by_number: Vec<usize>,
    /// What the entries add up to.
    pub tally: Tally,
    /// The estimated interest of each ledger entry, same order: `None` without an entry
    /// summary date or with `--interest none`.
    pub interest: Vec<Option<Cents>>,
    /// Whether some estimate used the last rate of the table past its end.
    pub interest_past_table: bool,
}

impl Prepared {
    /// How many entries got decision `d`, and their IEEPA duty.
    pub fn bucket(&self, d: Decision) -> (usize, Cents) {
        self.tally.buckets[d as usize]
    }
}
