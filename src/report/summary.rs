//! The summary of a `prepare` run: counts and IEEPA duty per decision, reasons by code,
//! rules not checked for want of a column, row problems, the nearest deadlines and the files
//! written. Rendered for people (stderr, read in ten seconds) or as one JSON document.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use crate::eligibility::Decision;
use crate::es003::Field;
use crate::money::Cents;
use crate::prepare::prepared::{ColumnUse, PrepareConfig, Prepared};
use crate::rules::{RULES_VERSION, Rule, Seen};

/// The optional columns whose absence leaves a rule unchecked.
const CHECKED_BY: [(Field, Rule); 8] = [
    (Field::EntryType, Rule::ExcludedEntryType),
    (Field::ReconciliationFlag, Rule::ReconciliationFlagged),
    (Field::SummaryStatus, Rule::StatusNotAccepted),
    (Field::ControlStatus, Rule::TradeControl),
    (Field::ProtestStatus, Rule::OpenProtest),
    (Field::ImporterNumber, Rule::ImporterMismatch),
    (Field::EntryDate, Rule::OutsideIeepaWindow),
    (Field::GoodsValue, Rule::IeepaGoodsValue),
];

#[derive(Serialize)]
pub struct Bucket {
    pub entries: usize,
    pub ieepa_duty: Cents,
}

#[derive(Serialize)]
pub struct NotChecked {
    pub rule: Rule,
    pub column: &'static str,
    pub inputs: Vec<String>,
}

#[derive(Serialize)]
pub struct Deadline {
    pub entry_number: String,
    pub last_cape_day: NaiveDate,
    pub days_left: i64,
    pub ieepa_duty: Cents,
}

#[derive(Serialize)]
pub struct InputJson {
    pub path: String,
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    pub delimiter: Option<char>,
    pub sheet: Option<String>,
    pub header_line: u64,
    pub rows: u64,
    /// The header and column that fed each field.
    pub columns: Vec<ColumnUse>,
}

#[derive(Serialize)]
pub struct DeclarationJson {
    pub path: String,
    pub entries: usize,
    pub key: Option<String>,
}

fn delimiter_name(d: char) -> &'static str {
    match d {
        '\t' => "tab-separated",
        ';' => "semicolon-separated",
        _ => "comma-separated",
    }
}

/// Everything the summary says.
#[derive(Serialize)]
pub struct Summary {
    pub as_of: NaiveDate,
    pub rules_version: &'static str,
    /// The ids of the rule changes in force for the filing date (`cape rules`).
    pub rule_changes_in_force: Vec<&'static str>,
    pub inputs: Vec<InputJson>,
    pub rows: u64,
    pub entries: usize,
    pub eligible: usize,
    pub excluded: usize,
    pub review: usize,
    pub ieepa_duty_eligible: Cents,
    pub ieepa_duty_excluded: Cents,
    pub ieepa_duty_review: Cents,
    /// Estimated interest by decision, and how it was estimated.
    pub interest_estimate_eligible: Cents,
    pub interest_estimate_excluded: Cents,
    pub interest_estimate_review: Cents,
    /// Entries with IEEPA duty and no entry summary date: no estimate.
    pub interest_not_estimated: usize,
    pub interest_method: crate::interest::Method,
    pub reasons: BTreeMap<&'static str, usize>,
    pub warnings: BTreeMap<&'static str, usize>,
    pub not_checked: Vec<NotChecked>,
    /// Rules in force that no ES-003 can show, so never checked.
    pub not_shown_by_es003: Vec<Rule>,
    pub row_problems: u64,
    pub row_problem_examples: Vec<String>,
    pub rows_without_entry_number: u64,
    pub nearest_deadlines: Vec<Deadline>,
    pub declarations: Vec<DeclarationJson>,
    pub written: Vec<String>,
    pub removed_stale: Vec<String>,
    pub repeated_inputs: Vec<String>,
    /// What an input as a whole showed: day-first dates, repeated header rows.
    pub input_notes: Vec<String>,
    /// Whether some input has neither liquidation column.
    #[serde(skip)]
    liquidation_columns_missing: bool,
}

impl Summary {
    pub fn new(cfg: &PrepareConfig, p: &Prepared) -> Summary {
        let bucket = |d: Decision| {
            let (entries, ieepa_duty) = p.bucket(d);
            Bucket {
                entries,
                ieepa_duty,
            }
        };
        let (eligible, excluded, review) = (
            bucket(Decision::Eligible),
            bucket(Decision::Excluded),
            bucket(Decision::Review),
        );
        let path = |i: usize| p.inputs[i].path.display().to_string();
        let mut not_checked = Vec::new();
        for (field, rule) in CHECKED_BY {
            if rule == Rule::ImporterMismatch && cfg.rules.importer.is_none() {
                continue;
            }
            let lacking: Vec<String> = (0..p.inputs.len())
                .filter(|&i| p.inputs[i].missing.contains(&field))
                .map(path)
                .collect();
            if !lacking.is_empty() {
                not_checked.push(NotChecked {
                    rule,
                    column: field.header(),
                    inputs: lacking,
                });
            }
        }
        let examples = p
            .tally
            .examples
            .iter()
            .map(|i| format!("{}:{}: {}", path(i.file as usize), i.line, i.message))
            .collect();
        let nearest: Vec<Deadline> = p
            .tally
            .nearest
            .iter()
            .map(|&(last, i)| {
                let (e, v) = (&p.ledger.entries[i], &p.verdicts[i]);
                Deadline {
                    entry_number: e
                        .number
                        .map_or_else(|| e.shown().to_string(), |n| n.dashed()),
                    last_cape_day: last,
                    days_left: (last - cfg.rules.as_of).num_days(),
                    ieepa_duty: v.ieepa_duty,
                }
            })
            .collect();
        let shown = |x: &std::path::PathBuf| x.display().to_string();
        let on = cfg.rules.in_force();
        Summary {
            as_of: cfg.rules.as_of,
            rules_version: RULES_VERSION,
            rule_changes_in_force: on.ids(),
            not_shown_by_es003: Rule::ALL
                .iter()
                .copied()
                .filter(|r| r.seen() == Seen::NotInEs003 && r.in_force(on))
                .collect(),
            inputs: p
                .inputs
                .iter()
                .map(|i| InputJson {
                    path: i.path.display().to_string(),
                    format: match i.format {
                        crate::es003::InputFormat::Csv => "csv",
                        crate::es003::InputFormat::Tsv => "tsv",
                        crate::es003::InputFormat::Xlsx => "xlsx",
                    },
                    encoding: i.encoding,
                    delimiter: i.delimiter,
                    sheet: i.sheet.clone(),
                    header_line: i.header_line,
                    rows: i.rows,
                    columns: i.columns.clone(),
                })
                .collect(),
            rows: p.ledger.rows_read,
            entries: p.ledger.entries.len(),
            eligible: eligible.entries,
            excluded: excluded.entries,
            review: review.entries,
            ieepa_duty_eligible: eligible.ieepa_duty,
            ieepa_duty_excluded: excluded.ieepa_duty,
            ieepa_duty_review: review.ieepa_duty,
            interest_estimate_eligible: p.tally.interest[Decision::Eligible as usize],
            interest_estimate_excluded: p.tally.interest[Decision::Excluded as usize],
            interest_estimate_review: p.tally.interest[Decision::Review as usize],
            interest_not_estimated: if cfg.interest.basis.is_some() {
                p.tally.not_estimated
            } else {
                0
            },
            interest_method: crate::interest::Method::of(
                cfg.interest,
                cfg.rules.as_of,
                p.interest_past_table,
            ),
            reasons: p.tally.reasons.clone(),
            warnings: p.tally.warnings.clone(),
            not_checked,
            row_problems: p.tally.row_problems,
            row_problem_examples: examples,
            rows_without_entry_number: p.ledger.orphan_count,
            nearest_deadlines: nearest,
            declarations: p
                .declarations
                .iter()
                .map(|d| DeclarationJson {
                    path: cfg.out_dir.join(&d.name).display().to_string(),
                    entries: d.entries.len(),
                    key: d.key.clone(),
                })
                .collect(),
            written: p.written.iter().map(shown).collect(),
            removed_stale: p.removed.iter().map(shown).collect(),
            repeated_inputs: p.repeated.iter().map(shown).collect(),
            input_notes: p.ledger.notes.clone(),
            liquidation_columns_missing: p.inputs.iter().any(|i| {
                i.missing.contains(&Field::LiquidationDate)
                    && i.missing.contains(&Field::LiquidationStatus)
            }),
        }
    }

    /// One JSON document.
    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The summary for people.
    pub fn human(&self) -> String {
        self.human_with(false)
    }

    /// The summary for people; `verbose` lists the column that fed each field.
    pub fn human_with(&self, verbose: bool) -> String {
        let mut s = String::new();
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let _ = writeln!(
            s,
            "cape prepare: {} read, {} rows, {} (filing date {})",
            count(self.inputs.len(), "input", "inputs"),
            self.rows,
            count(self.entries, "entry", "entries"),
            self.as_of
        );
        let estimated = self.interest_method.basis.is_some();
        for (label, n, duty, interest) in [
            (
                "eligible",
                self.eligible,
                self.ieepa_duty_eligible,
                self.interest_estimate_eligible,
            ),
            (
                "excluded",
                self.excluded,
                self.ieepa_duty_excluded,
                self.interest_estimate_excluded,
            ),
            (
                "review",
                self.review,
                self.ieepa_duty_review,
                self.interest_estimate_review,
            ),
        ] {
            let _ = write!(s, "  {label:<9}{n:>8}   IEEPA duty {:>16}", duty.dollars());
            if estimated {
                let _ = write!(s, "   interest (est.) {:>14}", interest.dollars());
            }
            s.push('\n');
        }
        if estimated {
            let m = &self.interest_method;
            let (rate, from) = (
                match m.basis {
                    Some(crate::interest::Basis::NonCorporate) => "non-corporate",
                    _ => "corporate",
                },
                match m.statement {
                    crate::interest::Statement::Daily => "entry summary date + 10 days",
                    crate::interest::Statement::Monthly => "monthly statement day",
                },
            );
            let _ = writeln!(
                s,
                "interest (est.): IRS {rate} rate, compounded daily, from {from} to {} \
                 (filing + {} days)",
                m.ends_on,
                crate::interest::SETTLE_DAYS
            );
            if self.interest_not_estimated > 0 {
                let _ = writeln!(
                    s,
                    "  not estimated for {}: no Entry Summary Date",
                    count(self.interest_not_estimated, "entry", "entries")
                );
            }
            if let Some(w) = m.warning() {
                let _ = writeln!(s, "  {w}");
            }
        }
        if !self.reasons.is_empty() {
            let _ = writeln!(s, "reasons (an entry may have several):");
            for (code, n) in &self.reasons {
                let _ = writeln!(s, "  {code:<26}{n:>8}");
            }
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(s, "warnings:");
            for (code, n) in &self.warnings {
                let _ = writeln!(s, "  {code:<26}{n:>8}");
            }
        }
        for i in &self.inputs {
            let renamed: Vec<String> = i
                .columns
                .iter()
                .filter(|c| !c.ace_name)
                .map(|c| format!("`{}` as {}", c.header, c.field))
                .collect();
            if verbose {
                let how = match (i.encoding, i.delimiter) {
                    (Some(e), Some(d)) => format!(" ({e}, {})", delimiter_name(d)),
                    _ => String::new(),
                };
                let _ = writeln!(
                    s,
                    "columns of {}{how}, header on line {}:",
                    i.path, i.header_line
                );
                for c in &i.columns {
                    let _ = writeln!(s, "  {:<20} column {:>3}  {}", c.field, c.column, c.header);
                }
            } else if !renamed.is_empty() {
                let _ = writeln!(
                    s,
                    "note: {} read by other names: {} (--verbose lists every column)",
                    i.path,
                    renamed.join(", ")
                );
            }
        }
        for r in &self.repeated_inputs {
            let _ = writeln!(s, "note: {r} was given more than once; it was read once");
        }
        for n in &self.input_notes {
            let _ = writeln!(s, "note: {n}");
        }
        for nc in &self.not_checked {
            let inputs = if nc.inputs.len() == self.inputs.len() {
                String::new()
            } else {
                format!(" in {}", nc.inputs.join(", "))
            };
            let _ = writeln!(
                s,
                "not checked: {} (no {} column{inputs})",
                nc.rule, nc.column
            );
        }
        if !self.not_shown_by_es003.is_empty() {
            let codes: Vec<&str> = self.not_shown_by_es003.iter().map(|r| r.code()).collect();
            let _ = writeln!(s, "not checked (no ES-003 shows it): {}", codes.join(", "));
        }
        if self.liquidation_columns_missing
            && self.reasons.contains_key(Rule::LiquidationUnknown.code())
        {
            let _ = writeln!(
                s,
                "  to check the 80-day window, add Liquidation Date and Liquidation Status to the \
                 ES-003 in ACE's report builder and pull it again, or pass --assume-unliquidated \
                 if every entry is unliquidated"
            );
        }
        if self.row_problems > 0 {
            let _ = writeln!(
                s,
                "row problems: {} (their entries need review)",
                self.row_problems
            );
            for e in &self.row_problem_examples {
                let _ = writeln!(s, "  {e}");
            }
        }
        if !self.nearest_deadlines.is_empty() {
            let _ = writeln!(
                s,
                "nearest deadlines (last CAPE day = liquidation + 80 days):"
            );
            for d in &self.nearest_deadlines {
                let _ = writeln!(
                    s,
                    "  {}  {}  ({} days)  {}",
                    d.entry_number,
                    d.last_cape_day,
                    d.days_left,
                    d.ieepa_duty.dollars()
                );
            }
        }
        if self.declarations.is_empty() {
            let _ = writeln!(s, "no entry is eligible: no declaration written");
        }
        let _ = writeln!(s, "wrote:");
        for w in &self.written {
            let n = self
                .declarations
                .iter()
                .find(|d| d.path == *w)
                .map(|d| d.entries);
            match n {
                Some(n) => {
                    let _ = writeln!(s, "  {w} ({})", count(n, "entry", "entries"));
                }
                None => {
                    let _ = writeln!(s, "  {w}");
                }
            }
        }
        for r in &self.removed_stale {
            let _ = writeln!(s, "removed a stale declaration from an earlier run: {r}");
        }
        s
    }
}
