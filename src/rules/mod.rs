//! The rule registry: every rule the tool applies, as data. Each rule has a stable kebab-case
//! code, what failing it does (its [`Severity`], which is what decides an entry), the text
//! ACE writes for it where CBP has one, a one-line description, the date it took effect, its
//! source and how sure that source is. Reports and JSON name rules by code only.
//!
//! CBP changes the rules with the filing date: the dated changes, and which of them are in
//! force on a date, are in [`changes`]; `cape rules` prints both ([`listing`]).

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

pub mod changes;
pub mod listing;

pub use changes::{Change, InForce};

/// The version of the rule set: changes whenever a rule's meaning changes, and is recorded
/// in every run's audit file.
pub const RULES_VERSION: &str = "cape-phase1-2026.2";

/// What a failed rule does to a file or an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; changes no decision (fails a run only under `--strict`).
    Warning,
    /// The entry can be neither declared nor excluded until a person looks at it.
    Review,
    /// ACE rejects the file at its entry-number tier, or the entry is left out.
    Exclude,
    /// ACE rejects the whole declaration file.
    File,
}

impl Severity {
    /// What the rule does, in one word, as `cape rules` prints it.
    pub fn does(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Review => "review",
            Severity::Exclude => "exclude",
            Severity::File => "reject-file",
        }
    }
}

/// How sure the source of a rule or change is (cape-rules.md §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Confidence {
    /// CBP's own text, or several sources that agree.
    C,
    /// One good source.
    L,
    /// Uncertain: an option, off by default.
    U,
}

/// Whether an ES-003 can show what a rule needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// `cape` checks it on every entry (when the file has the column).
    Checked,
    /// No ES-003 shows it: listed in every summary as not checked.
    NotInEs003,
}

/// Where a rule comes from.
pub const QRG: &str = "CBP CAPE Quick Reference Guide (April 2026); CSMS 68315804";
const CATAIR: &str = "CATAIR Entry Summary, AE Table 1";
const TOOL: &str = "cape's own check, not a CBP rule";
const UNPROVEN: &str = "cape: what the file cannot prove is left for review";
const ADCVD: &str = "CSMS of 2026-04-13, as summarised by several brokers";
const WINDOW: &str = "CSMS 67834313 (collection stopped 2026-02-24)";
const RECON_0629: &str = "CSMS 69035485";

/// The first day of CAPE Phase 1.
pub const PHASE1: NaiveDate = changes::date(2026, 4, 20);

macro_rules! rules {
    ($( $variant:ident => $code:literal, $sev:ident, $cbp:expr, $seen:ident,
        $since:expr, $source:expr, $conf:ident, $desc:literal; )*) => {
        /// A rule, by its stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            /// Every rule, in the order of this table.
            pub const ALL: &'static [Rule] = &[$( Rule::$variant, )*];

            /// The stable kebab-case code.
            pub fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code, )* }
            }

            /// One line saying what the rule checks (as first in force; see
            /// [`Rule::checks_on`] for a date).
            pub fn description(self) -> &'static str {
                match self { $( Rule::$variant => $desc, )* }
            }

            /// What failing it does: the one place an entry's decision comes from.
            pub fn severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// The text ACE shows for this failure, where it has one.
            pub fn cbp_text(self) -> Option<&'static str> {
                match self { $( Rule::$variant => $cbp, )* }
            }

            /// Whether an ES-003 can show it.
            pub fn seen(self) -> Seen {
                match self { $( Rule::$variant => Seen::$seen, )* }
            }

            /// The day the rule took effect.
            pub fn since(self) -> NaiveDate {
                match self { $( Rule::$variant => $since, )* }
            }

            /// Where the rule comes from.
            pub fn source(self) -> &'static str {
                match self { $( Rule::$variant => $source, )* }
            }

            pub fn confidence(self) -> Confidence {
                match self { $( Rule::$variant => Confidence::$conf, )* }
            }
        }
    };
}

rules! {
    // Declaration file format (ACE tier 1: the Reason is the specific error).
    NotCsv => "not-csv", File, Some("Not a CSV file."), Checked, PHASE1, QRG, C,
        "the declaration must be a .csv text file";
    EmptyFile => "empty-file", File, Some("CSV content is empty"), Checked, PHASE1, QRG, C,
        "the declaration must hold at least one entry number below its header";
    MissingHeader => "missing-header", File, None, Checked, PHASE1, QRG, C,
        "the first row must be the header `Entry Number`";
    // Entry-number format (ACE tier 2: "Failed initial validation"), also entry rules.
    EntryFormat => "entry-format", Exclude, Some("Not 11 characters long"), Checked,
        PHASE1, QRG, C,
        "11 letters or digits once every other character is removed";
    DuplicateEntry => "duplicate-entry", Exclude, Some("Duplicate entry numbers"), Checked,
        PHASE1, QRG, C,
        "no entry number twice in one declaration, after normalising";
    FilerMismatch => "filer-mismatch", Exclude, Some("Filer code not matching"), Checked,
        PHASE1, QRG, C,
        "with a broker account, the first 3 characters are the account's filer code";
    TooManyEntries => "too-many-entries", Exclude, None, Checked, PHASE1, QRG, C,
        "at most --max-entries entry numbers (9,999 by default) in one declaration";
    // Eligibility of an entry (CAPE Phase 1).
    NoIeepaLine => "no-ieepa-line", Exclude, Some("NO IEEPA HTS ON ENTRY"), Checked,
        PHASE1, QRG, C,
        "at least one IEEPA HTS row (9903.01.xx or 9903.02.xx)";
    ZeroIeepaDuty => "zero-ieepa-duty", Exclude, None, Checked, PHASE1, QRG, C,
        "the IEEPA rows carry duty greater than zero";
    ExcludedEntryType => "excluded-entry-type", Exclude, Some("ENTRY TYPE NOT ALLOWED"),
        Checked, PHASE1, QRG, C,
        "entry type is not 08 duty deferral, 09 reconciliation, 23 TIB or 47 drawback";
    ReconciliationFlagged => "reconciliation-flagged", Exclude,
        Some("ENTRY SUMMARY FLAGGED FOR RECON"), Checked, PHASE1, QRG, C,
        "the entry summary is not flagged for reconciliation";
    StatusNotAccepted => "status-not-accepted", Exclude,
        Some("ENTRY SUMMARY IS CANCELLED/REJECTED"), Checked, PHASE1, QRG, C,
        "the entry summary status is Accepted";
    TradeControl => "trade-control", Exclude, Some("ENTRY SUMMARY IS IN TRADE CONTROL"),
        Checked, PHASE1, QRG, C,
        "the control status is CBP, not trade (filer) control";
    LiquidatedOver80Days => "liquidated-over-80-days", Exclude,
        Some("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS"), Checked, PHASE1, QRG, C,
        "unliquidated, or liquidated no more than 80 days before the filing date";
    OpenProtest => "open-protest", Exclude, Some("PROTEST ON ENTRY"), Checked, PHASE1, QRG, C,
        "no open or suspended protest on the entry";
    ImporterMismatch => "importer-mismatch", Exclude, Some("Account Mismatch"), Checked,
        PHASE1, QRG, C,
        "with an importer account, the importer of record is the account's";
    AlreadyDeclared => "already-declared", Exclude, None, Checked, PHASE1, QRG, C,
        "not in an earlier declaration that is pending or was accepted (Entry Summary Updated)";
    // Eligibility rules no ES-003 can show.
    Type09Filed => "type-09-filed", Exclude, None, NotInEs003,
        changes::date(2026, 6, 29), RECON_0629, C,
        "no type 09 reconciliation entry has been filed for a flagged entry of type 01, 02 or 06";
    EntryOnDrawback => "entry-on-drawback", Exclude, Some("ENTRY ON DRAWBACK"), NotInEs003,
        PHASE1, QRG, C,
        "the entry is not designated on a drawback claim";
    SuretyPaid => "surety-paid", Exclude, None, NotInEs003, PHASE1, QRG, C,
        "the IEEPA duty was not paid by a surety (CBP: do not declare those)";
    StatementUnpaid => "statement-unpaid", Exclude, Some("STATEMENT PROCESSING NOT COMPLETE"),
        NotInEs003, PHASE1, QRG, C,
        "the periodic monthly statement that holds the entry has been paid";
    // Undecidable from the file.
    RowError => "row-error", Review, None, Checked, PHASE1, UNPROVEN, C,
        "every row of the entry could be read";
    LiquidationUnknown => "liquidation-unknown", Review, None, Checked, PHASE1, UNPROVEN, C,
        "the liquidation status and date show whether the 80-day window is open";
    AdcvdPendingLiquidation => "adcvd-pending-liquidation", Review, None, Checked,
        PHASE1, ADCVD, C,
        "an AD/CVD entry (types 03, 07, 34, 38) is not in pending liquidation status";
    ProtestUnknown => "protest-unknown", Review, None, Checked, PHASE1, UNPROVEN, C,
        "the protest status is one cape can read as open or closed";
    ImporterUnknown => "importer-unknown", Review, None, Checked, PHASE1, UNPROVEN, C,
        "with an importer account, the entry shows its importer of record";
    ConflictingValues => "conflicting-values", Review, None, Checked, PHASE1, UNPROVEN, C,
        "the inputs agree on the entry's header values";
    // Warnings.
    CheckDigit => "check-digit", Warning, None, Checked, PHASE1, CATAIR, C,
        "the check digit verifies (ACE does not test it, but a mistyped number is not found)";
    Bom => "bom", Warning, None, Checked, PHASE1, TOOL, C,
        "the file starts without a UTF-8 byte-order mark";
    ExtraColumns => "extra-columns", Warning, None, Checked, PHASE1, QRG, C,
        "the declaration has one column";
    BlankRow => "blank-row", Warning, None, Checked, PHASE1, TOOL, C,
        "the declaration has no blank rows";
    SpreadsheetDamage => "spreadsheet-damage", Warning, None, Checked, PHASE1, TOOL, C,
        "no value looks damaged by a spreadsheet (scientific notation, lost leading zeros)";
    OutsideIeepaWindow => "outside-ieepa-window", Warning, None, Checked, PHASE1, WINDOW, C,
        "the entry date is within the IEEPA collection window (2025-02-04 to 2026-02-23) \
         and of its IEEPA headings";
    IeepaGoodsValue => "ieepa-goods-value", Warning,
        Some("Goods Value Amount Not Allowed on IEEPA HTS Line"), Checked, PHASE1, QRG, C,
        "IEEPA (Chapter 99) rows report no goods value";
    NearDeadline => "near-deadline", Warning, None, Checked, PHASE1, TOOL, C,
        "the last CAPE filing day is more than 7 days after the filing date";
    PreviouslyFailed => "previously-failed", Warning, None, Checked, PHASE1, TOOL, C,
        "not failed by ACE in an earlier claim (if it was, check that it was corrected)";
    ReconciliationPending => "reconciliation-pending", Warning, None, Checked,
        changes::date(2026, 6, 29), RECON_0629, C,
        "a reconciliation-flagged entry of type 01, 02 or 06: CAPE takes it only while no \
         type 09 reconciliation has been filed for it: declare it before the reconciliation";
}

impl Rule {
    /// Whether the rule is in force on the day `on` stands for.
    pub fn in_force(self, on: InForce) -> bool {
        self.since() <= on.as_of()
    }

    /// What the rule checks on the day `on` stands for: the latest change in force that
    /// rewords it, else its own description.
    pub fn checks_on(self, on: InForce) -> &'static str {
        on.changes()
            .filter_map(|c| c.rewords().iter().find(|(r, _)| *r == self))
            .last()
            .map_or(self.description(), |(_, text)| text)
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for r in Rule::ALL {
            let c = r.code();
            assert!(seen.insert(c), "{c} twice");
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !c.starts_with('-'),
                "{c}"
            );
            assert!(!r.description().is_empty());
            assert!(!r.source().is_empty());
            assert!(r.since() >= PHASE1, "{c}");
        }
    }

    #[test]
    fn cbp_texts_of_the_validation_result_columns() {
        assert_eq!(Rule::EntryFormat.cbp_text(), Some("Not 11 characters long"));
        assert_eq!(
            Rule::DuplicateEntry.cbp_text(),
            Some("Duplicate entry numbers")
        );
        assert_eq!(
            Rule::FilerMismatch.cbp_text(),
            Some("Filer code not matching")
        );
    }

    #[test]
    fn a_rule_is_in_force_from_its_day() {
        let on = |y, m, d| InForce::on(changes::date(y, m, d));
        let r = Rule::ReconciliationPending;
        assert!(!r.in_force(on(2026, 6, 28)));
        assert!(r.in_force(on(2026, 6, 29)));
        assert!(r.in_force(on(2026, 6, 30)));
        assert!(Rule::TradeControl.in_force(on(2026, 4, 20)));
    }

    #[test]
    fn what_a_rule_checks_follows_the_changes() {
        let t = Rule::ExcludedEntryType;
        let on = |y, m, d| InForce::on(changes::date(y, m, d));
        assert_eq!(t.checks_on(on(2026, 7, 6)), t.description());
        assert!(
            t.checks_on(on(2026, 7, 7)).contains("21 or 22"),
            "{}",
            t.checks_on(on(2026, 7, 7))
        );
        let r = Rule::ReconciliationFlagged;
        assert_eq!(r.checks_on(on(2026, 6, 28)), r.description());
        assert!(r.checks_on(on(2026, 6, 29)).contains("01, 02 or 06"));
    }
}
