//! Checking a declaration file as ACE's upload does: tier 1 (file format, the Reason is the
//! specific error), then tier 2 ("Failed initial validation": entry-number format,
//! duplicates, filer code, and the per-declaration limit). Like ACE, the first tier that
//! fails ends the check. Tier 3 (the entry exists, the importer matches) needs ACE's data
//! and is not checked offline.
//!
//! [`check`] is pure: bytes in, a [`Validation`] out. [`run`] adds the file I/O.

mod damage;
mod render;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use damage::spreadsheet_damage;
pub use render::{render_human, render_json};

use crate::declaration::HEADER;
use crate::entry::{EntryNumber, FilerCode, problems as entry_problems};
use crate::history::Declared;
use crate::output::{self, OutputError};
use crate::rules::Rule;
use crate::validation_result::ValidationResult;

/// ACE's reason for a file that fails tier 2.
pub const REASON_TIER2: &str = "Failed initial validation";
/// ACE's reason for a file with no header row (the guide gives no exact wording).
pub const REASON_MISSING_HEADER: &str = "Header row is missing";

/// The account rules and limits to check against.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// With a Filer or Organizational Broker account: every entry starts with this code.
    pub filer_code: Option<FilerCode>,
    /// The most entry numbers one declaration may hold.
    pub max_entries: usize,
    /// What was declared before (`--declared`).
    pub declared: Declared,
}

/// A resolved `cape validate` run.
#[derive(Debug, Clone)]
pub struct ValidateConfig {
    pub input: PathBuf,
    pub options: ValidateOptions,
    /// Where `Cape_Validation_Result.csv` goes when tier 2 runs.
    pub result_path: PathBuf,
}

/// One problem or warning, tied to a line of the file where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub line: Option<u64>,
    pub value: Option<String>,
    pub rule: Rule,
    pub message: String,
}

/// What ACE would make of the file.
#[derive(Debug, Clone, Serialize)]
pub struct Validation {
    /// Whether ACE would accept the file (tiers 1 and 2 pass).
    pub accepted: bool,
    /// The last tier checked: 1 when the file format fails, else 2.
    pub tier: u8,
    /// The Reason ACE would show, when it would reject the file.
    pub reason: Option<String>,
    /// Rows holding a value below the header.
    pub rows: usize,
    /// Distinct well-formed entry numbers.
    pub distinct_entries: usize,
    pub problems: Vec<Finding>,
    pub warnings: Vec<Finding>,
    /// The validation-result columns; present when tier 2 ran.
    #[serde(skip)]
    pub result: Option<ValidationResult>,
}

impl Validation {
    /// Entries of the file that were declared before.
    pub fn already_declared(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.rule == Rule::AlreadyDeclared)
            .count()
    }

    fn file_failure(rule: Rule, reason: &str, message: String, warnings: Vec<Finding>) -> Self {
        Validation {
            accepted: false,
            tier: 1,
            reason: Some(reason.to_string()),
            rows: 0,
            distinct_entries: 0,
            problems: vec![Finding {
                line: None,
                value: None,
                rule,
                message,
            }],
            warnings,
            result: None,
        }
    }
}

/// Why `cape validate` could not run.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("{path}: cannot read the file")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Reads the file, checks it, and writes the validation result when tier 2 ran.
pub fn run(cfg: &ValidateConfig) -> Result<Validation, ValidateError> {
    output::ensure_not_input(&cfg.result_path, std::slice::from_ref(&cfg.input))?;
    let bytes = std::fs::read(&cfg.input).map_err(|source| ValidateError::Read {
        path: cfg.input.clone(),
        source,
    })?;
    let v = check(&cfg.input, &bytes, &cfg.options);
    if let Some(result) = &v.result {
        result.write_file(&cfg.result_path)?;
    }
    Ok(v)
}

fn finding(line: u64, value: &str, rule: Rule, message: String) -> Finding {
    Finding {
        line: Some(line),
        value: Some(value.to_string()),
        rule,
        message,
    }
}

/// Checks the bytes of the file named `name` as ACE would.
pub fn check(name: &Path, bytes: &[u8], opts: &ValidateOptions) -> Validation {
    if let Some(message) = damage::not_csv(name, bytes) {
        return Validation::file_failure(Rule::NotCsv, "Not a CSV file.", message, vec![]);
    }
    let mut warnings = Vec::new();
    let body = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            warnings.push(Finding {
                line: Some(1),
                value: None,
                rule: Rule::Bom,
                message: "the file starts with a UTF-8 byte-order mark; ACE may read it as \
                          part of the header: save as \"CSV (Comma delimited)\", not \"CSV UTF-8\""
                    .into(),
            });
            rest
        }
        None => bytes,
    };
    let records = read_records(body);
    let empty = || {
        "the file holds no entry number below its header: add one entry number per row under \
         `Entry Number`"
            .to_string()
    };
    let Some((header, data)) = records.split_first() else {
        return Validation::file_failure(
            Rule::EmptyFile,
            "CSV content is empty",
            empty(),
            warnings,
        );
    };
    if records.iter().all(Record::is_blank) {
        return Validation::file_failure(
            Rule::EmptyFile,
            "CSV content is empty",
            empty(),
            warnings,
        );
    }
    let header_value = header.fields.first().map(|f| f.trim()).unwrap_or_default();
    if !header_value.eq_ignore_ascii_case(HEADER) {
        let message = if header.is_blank() {
            format!(
                "line {}: the first row is blank; ACE needs the header `{HEADER}` there: delete \
                 the blank rows above it",
                header.line
            )
        } else if EntryNumber::parse(header_value).is_some() {
            format!(
                "line {}: the first row holds `{header_value}`, an entry number: the header row \
                 is missing; insert a first row `{HEADER}`",
                header.line
            )
        } else {
            format!(
                "line {}: the first row is `{}`; ACE needs the header `{HEADER}` there",
                header.line,
                header.fields.join(",")
            )
        };
        return Validation::file_failure(
            Rule::MissingHeader,
            REASON_MISSING_HEADER,
            message,
            warnings,
        );
    }
    if header.fields.iter().skip(1).any(|f| !f.trim().is_empty()) {
        warnings.push(Finding {
            line: Some(header.line),
            value: None,
            rule: Rule::ExtraColumns,
            message: format!(
                "the header row has {} columns; a declaration has the one column `{HEADER}` \
                 (only the first column is checked)",
                header.fields.len()
            ),
        });
    }
    if data.iter().all(Record::is_blank_first) {
        return Validation::file_failure(
            Rule::EmptyFile,
            "CSV content is empty",
            empty(),
            warnings,
        );
    }
    check_entries(data, opts, warnings)
}

/// Tier 2, over the data rows.
fn check_entries(
    data: &[Record],
    opts: &ValidateOptions,
    mut warnings: Vec<Finding>,
) -> Validation {
    let mut problems = Vec::new();
    let mut result = ValidationResult::default();
    // Normalised entry -> (line, value as written, already listed as a duplicate).
    let mut seen: HashMap<EntryNumber, (u64, String, bool)> = HashMap::new();
    let mut blank_lines = Vec::new();
    let mut extra_column_lines = Vec::new();
    let mut rows = 0usize;
    for rec in data {
        if rec.fields.iter().skip(1).any(|f| !f.trim().is_empty()) {
            extra_column_lines.push(rec.line);
        }
        if rec.is_blank_first() {
            blank_lines.push(rec.line);
            continue;
        }
        rows += 1;
        let value = rec.fields[0].as_str();
        let Some(entry) = EntryNumber::parse(value) else {
            problems.push(finding(
                rec.line,
                value,
                Rule::EntryFormat,
                entry_problems::format(value),
            ));
            result.not_11_characters.push(value.to_string());
            if let Some(message) = damage::spreadsheet_damage(value) {
                warnings.push(finding(rec.line, value, Rule::SpreadsheetDamage, message));
            }
            continue;
        };
        match seen.entry(entry) {
            Entry::Occupied(mut o) => {
                let (first_line, first_value, listed) = o.get_mut();
                problems.push(finding(
                    rec.line,
                    value,
                    Rule::DuplicateEntry,
                    format!("Duplicate entry numbers (same entry number as line {first_line})"),
                ));
                if !*listed {
                    result.duplicates.push(first_value.clone());
                    *listed = true;
                }
            }
            Entry::Vacant(v) => {
                v.insert((rec.line, value.to_string(), false));
                if let Some(m) = opts
                    .filer_code
                    .and_then(|c| entry_problems::filer(&entry, c))
                {
                    problems.push(finding(rec.line, value, Rule::FilerMismatch, m));
                    result.filer_code_not_matching.push(value.to_string());
                }
                if let Some(p) = opts.declared.prior(&entry) {
                    let f = finding(rec.line, value, p.rule, p.message.clone());
                    if p.rule == Rule::AlreadyDeclared {
                        problems.push(f);
                    } else {
                        warnings.push(f);
                    }
                }
                if let Some(m) = entry_problems::check_digit(&entry) {
                    warnings.push(finding(rec.line, value, Rule::CheckDigit, m));
                }
            }
        }
    }
    if rows > opts.max_entries {
        let needed = rows.div_ceil(opts.max_entries.max(1));
        problems.push(Finding {
            line: None,
            value: None,
            rule: Rule::TooManyEntries,
            message: format!(
                "the file holds {rows} entry numbers; one declaration holds at most {}: split \
                 them into {needed} declarations",
                opts.max_entries
            ),
        });
    }
    push_line_list(
        &mut warnings,
        Rule::BlankRow,
        &blank_lines,
        "blank row",
        "delete them",
    );
    push_line_list(
        &mut warnings,
        Rule::ExtraColumns,
        &extra_column_lines,
        "row with values beyond the first column",
        "a declaration has one column; only the first is checked",
    );
    warnings.sort_by_key(|w| w.line.unwrap_or(0));
    // An entry declared before does not make ACE reject the file; it fails that entry.
    let accepted = problems.iter().all(|p| p.rule == Rule::AlreadyDeclared);
    Validation {
        accepted,
        tier: 2,
        reason: (!accepted).then(|| REASON_TIER2.to_string()),
        rows,
        distinct_entries: seen.len(),
        problems,
        warnings,
        result: Some(result),
    }
}

/// One warning for a set of lines, naming the first few.
fn push_line_list(out: &mut Vec<Finding>, rule: Rule, lines: &[u64], what: &str, fix: &str) {
    let Some(&first) = lines.first() else { return };
    let shown: Vec<String> = lines.iter().take(10).map(u64::to_string).collect();
    let more = if lines.len() > 10 { ", …" } else { "" };
    let plural = if lines.len() == 1 { "" } else { "s" };
    out.push(Finding {
        line: Some(first),
        value: None,
        rule,
        message: format!(
            "{} {what}{plural} (line{plural} {}{more}): {fix}",
            lines.len(),
            shown.join(", ")
        ),
    });
}

/// A CSV row: its first line number and its fields, decoded leniently.
struct Record {
    line: u64,
    fields: Vec<String>,
}

impl Record {
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }

    fn is_blank_first(&self) -> bool {
        self.fields.first().is_none_or(|f| f.trim().is_empty())
    }
}

/// Every row of the file with the line it starts on; empty lines, which the csv crate
/// skips, come back as blank records. Lines are counted from byte offsets, since the
/// reader's own line count lags by one on CRLF files.
fn read_records(body: &[u8]) -> Vec<Record> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut out: Vec<Record> = Vec::new();
    let mut lines = LineCounter::default();
    let mut next_line = 1u64;
    let mut rec = csv::ByteRecord::new();
    loop {
        let before = rdr.position().byte() as usize;
        // With flexible parsing of an in-memory slice, the reader cannot fail.
        if !rdr.read_byte_record(&mut rec).unwrap_or(false) {
            break;
        }
        let end = (rdr.position().byte() as usize).min(body.len());
        let is_break = |b: &u8| *b == b'\r' || *b == b'\n';
        let start = before + body[before..end].iter().take_while(|b| is_break(b)).count();
        let content_end = end
            - body[start..end]
                .iter()
                .rev()
                .take_while(|b| is_break(b))
                .count();
        let line = lines.line_at(body, start);
        for l in next_line..line {
            out.push(Record {
                line: l,
                fields: vec![],
            });
        }
        next_line = lines.line_at(body, content_end.max(start)) + 1;
        out.push(Record {
            line,
            fields: rec
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect(),
        });
    }
    // Empty lines after the last row; the file's own final line end is not one.
    let total =
        lines.line_at(body, body.len()) - u64::from(body.ends_with(b"\n") || body.is_empty());
    for l in next_line..=total {
        out.push(Record {
            line: l,
            fields: vec![],
        });
    }
    out
}

/// The 1-based line of a byte offset, counted incrementally for increasing offsets.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, body: &[u8], offset: usize) -> u64 {
        if offset >= self.offset {
            self.newlines += body[self.offset..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = offset;
        }
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests;
