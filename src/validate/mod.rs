//! Checking a declaration file as ACE's upload does: tier 1 (file format, the Reason is the
//! specific error), then tier 2 ("Failed initial validation": entry-number format,
//! duplicates, filer code, and the per-declaration limit). Like ACE, the first tier that
//! fails ends the check. Tier 3 (the entry exists, the importer matches) needs ACE's data
//! and is not checked offline.
//!
//! [`check`] is pure: bytes in, a [`Validation`] out. [`run`] adds the file I/O.

mod damage;
mod records;
mod render;

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use render::{render_human, render_json};

use records::Records;

use crate::declaration::HEADER;
use crate::entry::{EntryNumber, FilerCode, problems as entry_problems};
use crate::history::Declared;
use crate::input::{self, Decoded, Encoding, InputError, Kind, Source};
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
    /// Whether the user named `result_path` (`--result`): then it is replaced. The default
    /// name may be ACE's own download of a rejected upload, and is never replaced.
    pub result_named: bool,
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
    /// Problems by rule code, all of them (`problems` lists at most 10,000).
    pub counts: BTreeMap<&'static str, usize>,
    pub problems: Vec<Finding>,
    pub warnings: Vec<Finding>,
    /// The validation-result columns; present when tier 2 ran.
    #[serde(skip)]
    pub result: Option<ValidationResult>,
    /// Where the result went when not to the path asked for (a file had that name).
    #[serde(skip)]
    pub result_written: Option<PathBuf>,
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
            counts: BTreeMap::from([(rule.code(), 1)]),
            problems: vec![Finding {
                line: None,
                value: None,
                rule,
                message,
            }],
            warnings,
            result: None,
            result_written: None,
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

/// Where the validation result goes: the path named, or the default name unless a file has
/// it already (ACE downloads its own result under that name); then `… (cape).csv` beside it.
fn result_path(cfg: &ValidateConfig) -> PathBuf {
    let p = &cfg.result_path;
    let own = || {
        let recorded = std::fs::read_to_string(own_record(p)).unwrap_or_default();
        std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file())
            && crate::output::fingerprint_file(p).is_ok_and(|h| h.sha256 == recorded.trim())
    };
    if cfg.result_named || std::fs::symlink_metadata(p).is_err() || own() {
        return p.clone();
    }
    let stem = cfg
        .result_path
        .file_stem()
        .map_or_else(|| "Cape_Validation_Result".into(), |s| s.to_string_lossy());
    cfg.result_path.with_file_name(format!("{stem} (cape).csv"))
}

/// The hidden file beside a validation result that holds the SHA-256 cape wrote it with.
fn own_record(result: &Path) -> PathBuf {
    let name = result
        .file_name()
        .map_or_else(|| "result".into(), |n| n.to_string_lossy());
    result.with_file_name(format!(".{name}.cape"))
}

/// Reads the file, checks it, and writes the validation result when tier 2 ran.
pub fn run(cfg: &ValidateConfig) -> Result<Validation, ValidateError> {
    output::ensure_not_input(&cfg.result_path, std::slice::from_ref(&cfg.input))?;
    let read_err = |source| ValidateError::Read {
        path: cfg.input.clone(),
        source,
    };
    let src = Source::open_stream(&cfg.input).map_err(|e| match e {
        InputError::Open { source, .. } | InputError::Spool { source, .. } => read_err(source),
    })?;
    let kind = src.kind();
    let mut v = check_text(&cfg.input, kind, src.stream(), &cfg.options).map_err(read_err)?;
    if let Some(result) = &v.result {
        let path = result_path(cfg);
        let written = result.write_file(&path)?;
        // What cape wrote there, so that the next run knows the file is its own.
        if !cfg.result_named {
            let _ = std::fs::write(own_record(&path), format!("{}\n", written.sha256));
        }
        if path != cfg.result_path {
            v.result_written = Some(path);
        }
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
    let kind = input::kind_of(bytes);
    check_text(name, kind, bytes, opts).expect("bytes in memory always read")
}

/// Checks a file of `kind` whose raw bytes `raw` streams, as ACE would, in bounded memory:
/// the header is checked on the first row, and a file that is not a declaration is read no
/// further.
fn check_text<R: Read>(
    name: &Path,
    kind: Kind,
    raw: R,
    opts: &ValidateOptions,
) -> std::io::Result<Validation> {
    if let Some(message) = damage::not_csv(name, kind) {
        return Ok(Validation::file_failure(
            Rule::NotCsv,
            "Not a CSV file.",
            message,
            vec![],
        ));
    }
    let Kind::Text(encoding) = kind else {
        unreachable!("not_csv refuses what is not text")
    };
    let mut warnings = Vec::new();
    let mark = match encoding {
        Encoding::Utf8 { bom: false } => None,
        Encoding::Utf8 { bom: true } => Some(
            "the file starts with a UTF-8 byte-order mark; ACE may read it as part of the \
             header: save as \"CSV (Comma delimited)\", not \"CSV UTF-8\"",
        ),
        Encoding::Utf16Le | Encoding::Utf16Be => Some(
            "the file is UTF-16 text (Excel's \"Unicode Text\"), read here as text; ACE may not \
             read it: save as \"CSV (Comma delimited)\"",
        ),
    };
    if let Some(message) = mark {
        warnings.push(Finding {
            line: Some(1),
            value: None,
            rule: Rule::Bom,
            message: message.into(),
        });
    }
    let mut records = Records::new(Decoded::new(raw, encoding));
    let empty = |warnings| {
        Validation::file_failure(
            Rule::EmptyFile,
            "CSV content is empty",
            "the file holds no entry number below its header: add one entry number per row \
             under `Entry Number`"
                .to_string(),
            warnings,
        )
    };
    let Some(header) = records.next()? else {
        return Ok(empty(warnings));
    };
    if header.is_blank() {
        // A blank first row: the file is empty, or its header is missing.
        loop {
            match records.next()? {
                None => return Ok(empty(warnings)),
                Some(r) if !r.is_blank() => break,
                Some(_) => {}
            }
        }
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
        return Ok(Validation::file_failure(
            Rule::MissingHeader,
            REASON_MISSING_HEADER,
            message,
            warnings,
        ));
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
    let v = check_entries(&mut records, opts, warnings)?;
    if v.rows == 0 {
        return Ok(empty(v.warnings));
    }
    Ok(v)
}

/// Tier 2, over the data rows.
fn check_entries<R: Read>(
    data: &mut Records<R>,
    opts: &ValidateOptions,
    mut warnings: Vec<Finding>,
) -> std::io::Result<Validation> {
    let mut problems = Vec::new();
    let mut result = ValidationResult::default();
    // Normalised entry -> (line, value as written, already listed as a duplicate).
    let mut seen: FxHashMap<EntryNumber, (u64, Written, bool)> = FxHashMap::default();
    let mut blank_lines = Lines::default();
    let mut extra_column_lines = Lines::default();
    let mut rows = 0usize;
    let mut kept = Kept::default();
    while let Some(rec) = data.next()? {
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
            kept.problem(&mut problems, Rule::EntryFormat, || {
                finding(
                    rec.line,
                    value,
                    Rule::EntryFormat,
                    entry_problems::format(value),
                )
            });
            kept.value(&mut result.not_11_characters, value);
            if let Some(message) = crate::entry::spreadsheet_damage(value) {
                kept.warning(&mut warnings, || {
                    finding(rec.line, value, Rule::SpreadsheetDamage, message)
                });
            }
            continue;
        };
        if seen.len() >= MAX_DISTINCT && !seen.contains_key(&entry) {
            // Far past any declaration's size: counted, no longer compared.
            kept.unchecked += 1;
            continue;
        }
        match seen.entry(entry) {
            Entry::Occupied(mut o) => {
                let (first_line, first_value, listed) = o.get_mut();
                kept.problem(&mut problems, Rule::DuplicateEntry, || {
                    let msg =
                        format!("Duplicate entry numbers (same entry number as line {first_line})");
                    finding(rec.line, value, Rule::DuplicateEntry, msg)
                });
                if !*listed {
                    let first = first_value.text(&entry);
                    kept.value(&mut result.duplicates, &first);
                    *listed = true;
                }
            }
            Entry::Vacant(v) => {
                v.insert((rec.line, Written::of(&entry, value), false));
                if let Some(m) = opts
                    .filer_code
                    .and_then(|c| entry_problems::filer(&entry, c))
                {
                    kept.problem(&mut problems, Rule::FilerMismatch, || {
                        finding(rec.line, value, Rule::FilerMismatch, m)
                    });
                    kept.value(&mut result.filer_code_not_matching, value);
                }
                if let Some(p) = opts.declared.prior(&entry) {
                    let f = || finding(rec.line, value, p.rule, p.message.clone());
                    if p.rule == Rule::AlreadyDeclared {
                        kept.problem(&mut problems, p.rule, f);
                    } else {
                        kept.warning(&mut warnings, f);
                    }
                }
                if let Some(m) = entry_problems::check_digit(&entry) {
                    kept.warning(&mut warnings, || {
                        finding(rec.line, value, Rule::CheckDigit, m)
                    });
                }
            }
        }
    }
    if rows > opts.max_entries {
        let needed = rows.div_ceil(opts.max_entries.max(1));
        // Listed whatever the number of findings before it.
        *kept
            .problem_counts
            .entry(Rule::TooManyEntries.code())
            .or_insert(0) += 1;
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
    let accepted = kept
        .problem_counts
        .keys()
        .all(|&r| r == Rule::AlreadyDeclared.code());
    if kept.omitted > 0 || kept.unchecked > 0 {
        warnings.push(Finding {
            line: None,
            value: None,
            rule: Rule::TooManyEntries,
            message: format!(
                "{} more findings are counted but not listed{}; a declaration holds at most {} \
                 entries: is this the right file?",
                kept.omitted,
                if kept.unchecked > 0 {
                    format!(
                        ", and {} entries past the first {MAX_DISTINCT} distinct ones were not \
                         compared for duplicates",
                        kept.unchecked
                    )
                } else {
                    String::new()
                },
                opts.max_entries
            ),
        });
    }
    Ok(Validation {
        accepted,
        tier: 2,
        reason: (!accepted).then(|| REASON_TIER2.to_string()),
        rows,
        distinct_entries: seen.len(),
        counts: kept.problem_counts,
        problems,
        warnings,
        result: Some(result),
        result_written: None,
    })
}

/// The most findings, and values of each result column, kept in memory; the rest are
/// counted. A declaration holds at most 9,999 entries: only a wrong file gets here.
const MAX_KEPT: usize = 10_000;

/// The most distinct entries compared for duplicates.
const MAX_DISTINCT: usize = 200_000;

/// Findings and values kept, with counts of all.
#[derive(Default)]
struct Kept {
    problem_counts: BTreeMap<&'static str, usize>,
    omitted: usize,
    unchecked: usize,
}

impl Kept {
    /// Counts a problem of `rule`, and lists it (made by `f`) while there is room.
    fn problem(&mut self, list: &mut Vec<Finding>, rule: Rule, f: impl FnOnce() -> Finding) {
        *self.problem_counts.entry(rule.code()).or_insert(0) += 1;
        self.warning(list, f);
    }

    fn warning(&mut self, list: &mut Vec<Finding>, f: impl FnOnce() -> Finding) {
        if list.len() < MAX_KEPT {
            list.push(f());
        } else {
            self.omitted += 1;
        }
    }

    fn value(&mut self, list: &mut Vec<String>, v: &str) {
        if list.len() < MAX_KEPT {
            list.push(v.to_string());
        }
    }
}

/// An entry number as written, kept without a string when it is the normalised form or its
/// dashed form.
enum Written {
    Plain,
    Dashed,
    Other(Box<str>),
}

impl Written {
    fn of(e: &EntryNumber, v: &str) -> Written {
        if v == e.as_str() {
            Written::Plain
        } else if v == e.dashed() {
            Written::Dashed
        } else {
            Written::Other(v.into())
        }
    }

    fn text(&self, e: &EntryNumber) -> String {
        match self {
            Written::Plain => e.as_str().to_string(),
            Written::Dashed => e.dashed(),
            Written::Other(s) => s.to_string(),
        }
    }
}

/// Line numbers of one kind: the first few, and how many.
#[derive(Default)]
struct Lines {
    first: Vec<u64>,
    count: usize,
}

impl Lines {
    fn push(&mut self, line: u64) {
        if self.first.len() < 10 {
            self.first.push(line);
        }
        self.count += 1;
    }
}

/// One warning for a set of lines, naming the first few.
fn push_line_list(out: &mut Vec<Finding>, rule: Rule, lines: &Lines, what: &str, fix: &str) {
    let Some(&first) = lines.first.first() else {
        return;
    };
    let shown: Vec<String> = lines.first.iter().map(u64::to_string).collect();
    let more = if lines.count > 10 { ", …" } else { "" };
    let plural = if lines.count == 1 { "" } else { "s" };
    out.push(Finding {
        line: Some(first),
        value: None,
        rule,
        message: format!(
            "{} {what}{plural} (line{plural} {}{more}): {fix}",
            lines.count,
            shown.join(", ")
        ),
    });
}

#[cfg(test)]
mod tests;
