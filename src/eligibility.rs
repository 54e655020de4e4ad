//! Deciding each entry: every CAPE Phase 1 rule is applied and every failure recorded, not
//! only the first. An entry is `eligible` when all rules pass, `excluded` when one fails,
//! and `review` when none fails but one cannot be decided from the file. Deadlines come from
//! the liquidation date and the one filing date (`as_of`) every date rule uses.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::entry::FilerCode;
use crate::es003::Field;
use crate::es003::values::ident;
use crate::history::Declared;
use crate::ledger::{EntryState, Ledger, Sym};
use crate::money::Cents;
use crate::rules::Rule;

/// Days after liquidation during which CAPE Phase 1 takes an entry.
pub const CAPE_DAYS: u64 = 80;
/// Days after liquidation during which a protest is possible (19 U.S.C. 1514).
pub const PROTEST_DAYS: u64 = 180;
/// A warning is given when the last CAPE day is this close to the filing date.
pub const NEAR_DEADLINE_DAYS: i64 = 7;
/// Entry types CAPE excludes: duty deferral, reconciliation, TIB, drawback.
pub const EXCLUDED_TYPES: [u8; 4] = [8, 9, 23, 47];
/// Entry types whose reconciliation-flagged entries a later phase accepts.
pub const RECONCILIATION_TYPES: [u8; 3] = [1, 2, 6];
/// Goods entered in this window paid IEEPA duties.
pub fn ieepa_window() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2025, 2, 4).expect("valid date"),
        NaiveDate::from_ymd_opt(2026, 2, 23).expect("valid date"),
    )
}

/// The options that change a decision.
#[derive(Clone, Debug)]
pub struct RuleOptions {
    pub as_of: NaiveDate,
    pub filer_code: Option<FilerCode>,
    /// An importer account's importer number, as letters and digits.
    pub importer: Option<String>,
    pub assume_unliquidated: bool,
    pub allow_reconciliation: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Eligible,
    Excluded,
    Review,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Eligible => "eligible",
            Decision::Excluded => "excluded",
            Decision::Review => "review",
        }
    }
}

/// The decision on an entry, with everything that led to it.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub decision: Decision,
    /// Reasons, warnings and notes; `None` when there are none, as for most entries, which
    /// then take no allocation and less than half the room.
    pub findings: Option<Box<Findings>>,
    pub ieepa_duty: Cents,
    pub days_since_liquidation: Option<i64>,
    pub last_cape_day: Option<NaiveDate>,
    pub protest_deadline: Option<NaiveDate>,
}

/// Why an entry is not eligible, and what to look at.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// Failed rules, or for `review` the undecided ones.
    pub reasons: Vec<Rule>,
    pub warnings: Vec<Rule>,
    /// One sentence per reason and warning, for people.
    pub notes: Vec<String>,
}

impl Verdict {
    /// Failed rules, or for `review` the undecided ones.
    pub fn reasons(&self) -> &[Rule] {
        self.findings.as_ref().map_or(&[], |f| &f.reasons)
    }

    pub fn warnings(&self) -> &[Rule] {
        self.findings.as_ref().map_or(&[], |f| &f.warnings)
    }

    /// One sentence per reason and warning, for people.
    pub fn notes(&self) -> &[String] {
        self.findings.as_ref().map_or(&[], |f| &f.notes)
    }
}

/// How a liquidation status reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Liquidation {
    Unliquidated,
    Liquidated,
    Unknown,
}

/// Liquidation statuses that mean not liquidated yet (in lower case), alone or as the
/// first word.
const NOT_LIQUIDATED: [&str; 7] = [
    "open",
    "pending",
    "extended",
    "suspended",
    "scheduled",
    "none",
    "n",
];

fn liquidation_class(s: &str) -> Liquidation {
    if has(s, "unliq") || has(s, "not liq") || has(s, "non-liq") {
        Liquidation::Unliquidated
    } else if has(s, "liq") || has(s, "final") {
        Liquidation::Liquidated
    } else if NOT_LIQUIDATED.iter().any(|w| {
        s.eq_ignore_ascii_case(w) || (starts(s, w) && s.as_bytes().get(w.len()) == Some(&b' '))
    }) {
        Liquidation::Unliquidated
    } else {
        Liquidation::Unknown
    }
}

/// Protest statuses that mean no protest is open (in lower case).
const PROTEST_CLOSED: [&str; 13] = [
    "",
    "none",
    "no",
    "n",
    "n/a",
    "na",
    "closed",
    "denied",
    "allowed",
    "approved",
    "completed",
    "withdrawn",
    "decided",
];

fn protest_is_open(s: &str) -> bool {
    let s = s.trim();
    !PROTEST_CLOSED.iter().any(|c| s.eq_ignore_ascii_case(c)) && !starts(s, "closed")
}

/// Whether `s` holds `word` (lower-case ASCII), ignoring ASCII case.
fn has(s: &str, word: &str) -> bool {
    s.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// Whether `s` starts with `word` (lower-case ASCII), ignoring ASCII case.
fn starts(s: &str, word: &str) -> bool {
    s.as_bytes()
        .get(..word.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(word.as_bytes()))
}

fn days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

/// Applies every rule to `e`.
pub fn decide(e: &EntryState, ledger: &Ledger, o: &RuleOptions, declared: &Declared) -> Verdict {
    let strings = &ledger.strings;
    let mut fails: Vec<(Rule, String)> = Vec::new();
    let mut undecided: Vec<(Rule, String)> = Vec::new();
    let mut warns: Vec<(Rule, String)> = Vec::new();
    let h = &e.header;
    let text = |id: Option<Sym>| id.map(|i| strings.get(i));
    let has_col = |f: Field| e.columns.contains(f);

    // Totals: one file, or several that agree.
    let mut files = e.files();
    let totals = files.next().map(|f| f.totals).unwrap_or_default();
    if files.any(|f| f.totals != totals) {
        undecided.push((
            Rule::ConflictingValues,
            "the inputs differ on this entry's tariff rows (IEEPA duty or row count)".into(),
        ));
    }
    for c in e.conflicts() {
        undecided.push((
            Rule::ConflictingValues,
            format!("{}: {}", ledger.place(c.file, c.line), c.message),
        ));
    }

    match &e.number {
        None => {
            let raw = e.shown();
            let n = crate::entry::normalise(raw).len();
            fails.push((
                Rule::EntryFormat,
                format!(
                    "`{raw}` is not 11 letters or digits ({n} once other characters are removed)"
                ),
            ));
            if let Some(m) = crate::validate::spreadsheet_damage(raw) {
                warns.push((Rule::SpreadsheetDamage, m));
            }
        }
        Some(n) => {
            if let Some(code) = o.filer_code.filter(|c| !c.matches(n)) {
                fails.push((
                    Rule::FilerMismatch,
                    format!("filer code {} is not the account's {code}", n.filer_code()),
                ));
            }
            if let Some(p) = declared.prior(n) {
                let list = if p.rule == Rule::AlreadyDeclared {
                    &mut fails
                } else {
                    &mut warns
                };
                list.push((p.rule, p.message.clone()));
            }
            if !n.check_digit_ok() {
                warns.push((
                    Rule::CheckDigit,
                    format!(
                        "check digit should be {} ({}); probably mistyped",
                        n.expected_check_digit(),
                        n.with_check_digit().dashed()
                    ),
                ));
            }
        }
    }
    if let Some(want) = &o.importer
        && let Some(ior) = text(h.importer_number)
        && ident(ior.as_bytes()) != *want
    {
        fails.push((
            Rule::ImporterMismatch,
            format!("importer of record {ior} is not the account's"),
        ));
    }

    let lines_unreadable = e.unreadable.contains(Field::Hts) || e.unreadable.contains(Field::Duty);
    if totals.ieepa_rows == 0 {
        if !lines_unreadable {
            fails.push((Rule::NoIeepaLine, "no 9903.01/9903.02 row".into()));
        }
    } else if totals.ieepa_duty <= Cents::ZERO && !lines_unreadable {
        fails.push((
            Rule::ZeroIeepaDuty,
            format!("the {} IEEPA row(s) carry no duty", totals.ieepa_rows),
        ));
    }
    if totals.ieepa_goods_value_rows > 0 {
        warns.push((
            Rule::IeepaGoodsValue,
            format!(
                "{} IEEPA row(s) report a goods value",
                totals.ieepa_goods_value_rows
            ),
        ));
    }

    if let Some(t) = h.entry_type.filter(|t| EXCLUDED_TYPES.contains(t)) {
        fails.push((Rule::ExcludedEntryType, format!("entry type {t:02}")));
    }
    if h.reconciliation == Some(true) {
        let later_phase = o.allow_reconciliation
            && h.entry_type
                .is_some_and(|t| RECONCILIATION_TYPES.contains(&t));
        if !later_phase {
            fails.push((
                Rule::ReconciliationFlagged,
                "flagged for reconciliation".into(),
            ));
        }
    }
    if let Some(s) = text(h.summary_status)
        && !(starts(s, "accept") || s.eq_ignore_ascii_case("a"))
    {
        fails.push((Rule::StatusNotAccepted, format!("entry summary status {s}")));
    }
    if let Some(s) = text(h.control_status)
        && !has(s, "cbp")
    {
        fails.push((Rule::TradeControl, format!("control status {s}")));
    }
    if let Some(s) = text(h.protest_status)
        && protest_is_open(s)
    {
        fails.push((Rule::OpenProtest, format!("protest status {s}")));
    }
    if let Some(d) = h.entry_date {
        let (from, to) = ieepa_window();
        if d < from || d > to {
            warns.push((
                Rule::OutsideIeepaWindow,
                format!("entry date {d} is outside the IEEPA collection window ({from} to {to})"),
            ));
        }
    }

    // The 80-day window.
    let mut days_since = None;
    let mut last_day = None;
    let mut protest_deadline = None;
    let liq_cols = has_col(Field::LiquidationDate) || has_col(Field::LiquidationStatus);
    let status = text(h.liquidation_status).map(liquidation_class);
    match h.liquidation_date {
        Some(d) => {
            let last = days(d, CAPE_DAYS);
            last_day = Some(last);
            if d <= o.as_of {
                let since = (o.as_of - d).num_days();
                days_since = Some(since);
                let protest = days(d, PROTEST_DAYS);
                protest_deadline = Some(protest);
                if since > CAPE_DAYS as i64 {
                    let after = if o.as_of <= protest {
                        format!("a protest (CBP Form 19) is possible until {protest}")
                    } else {
                        format!("the liquidation is final since {protest}: a later CAPE phase or the courts")
                    };
                    fails.push((
                        Rule::LiquidatedOver80Days,
                        format!("liquidated {d}, {since} days before {}; the last CAPE day was {last}; {after}", o.as_of),
                    ));
                } else if (last - o.as_of).num_days() <= NEAR_DEADLINE_DAYS {
                    warns.push((
                        Rule::NearDeadline,
                        format!("last CAPE day {last}, {} days after {}", (last - o.as_of).num_days(), o.as_of),
                    ));
                }
            }
        }
        None if !liq_cols => {
            if !o.assume_unliquidated {
                undecided.push((
                    Rule::LiquidationUnknown,
                    "no Liquidation Date or Liquidation Status column: add them to the ES-003 in \
                     ACE, or pass --assume-unliquidated"
                        .into(),
                ));
            }
        }
        None if e.unreadable.contains(Field::LiquidationDate) => {}
        None => match status {
            Some(Liquidation::Liquidated) => undecided.push((
                Rule::LiquidationUnknown,
                "liquidated, but no liquidation date to count the 80 days from".into(),
            )),
            Some(Liquidation::Unknown) if !has_col(Field::LiquidationDate) => undecided.push((
                Rule::LiquidationUnknown,
                format!(
                    "liquidation status `{}` is not one cape knows, and there is no liquidation date",
                    text(h.liquidation_status).unwrap_or_default()
                ),
            )),
            None if !has_col(Field::LiquidationDate) => undecided.push((
                Rule::LiquidationUnknown,
                "no liquidation status or date on the entry's rows".into(),
            )),
            _ => {}
        },
    }

    if e.issue_count() > 0 {
        let first = &e.issues()[0];
        undecided.push((
            Rule::RowError,
            format!(
                "{} row problem(s); first at {}: {}",
                e.issue_count(),
                ledger.place(first.file, first.line),
                first.message
            ),
        ));
    }

    let (decision, chosen) = if !fails.is_empty() {
        (Decision::Excluded, fails)
    } else if !undecided.is_empty() {
        (Decision::Review, undecided)
    } else {
        (Decision::Eligible, Vec::new())
    };
    let findings = (!chosen.is_empty() || !warns.is_empty()).then(|| {
        let mut reasons: Vec<Rule> = chosen.iter().map(|(r, _)| *r).collect();
        reasons.dedup();
        let mut warnings: Vec<Rule> = warns.iter().map(|(r, _)| *r).collect();
        warnings.dedup();
        let notes = chosen
            .into_iter()
            .chain(warns)
            .map(|(r, m)| format!("{r}: {m}"))
            .collect();
        Box::new(Findings {
            reasons,
            warnings,
            notes,
        })
    });
    Verdict {
        decision,
        findings,
        ieepa_duty: totals.ieepa_duty,
        days_since_liquidation: days_since,
        last_cape_day: last_day,
        protest_deadline,
    }
}

#[cfg(test)]
mod tests;
