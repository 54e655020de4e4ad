//! Every rule the tool applies, with its stable kebab-case code, a one-line description and,
//! where CBP has one, the text ACE writes for it. Reports and JSON name rules by code only.

use serde::{Serialize, Serializer};

/// The version of the rule set: changes whenever a rule's meaning changes, and is recorded
/// in every run's audit file.
pub const RULES_VERSION: &str = "cape-phase1-2026.1";

/// What a failed rule does to a file or an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// ACE rejects the whole declaration file.
    File,
    /// ACE rejects the file at its entry-number tier, or the entry is left out.
    Exclude,
    /// The entry can be neither declared nor excluded until a person looks at it.
    Review,
    /// Worth knowing; changes no decision (fails a run only under `--strict`).
    Warning,
}

macro_rules! rules {
    ($( $variant:ident => $code:literal, $sev:ident, $cbp:expr, $desc:literal; )*) => {
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

            /// One line saying what the rule checks.
            pub fn description(self) -> &'static str {
                match self { $( Rule::$variant => $desc, )* }
            }

            /// What failing it does.
            pub fn severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// The text ACE shows for this failure, where it has one.
            pub fn cbp_text(self) -> Option<&'static str> {
                match self { $( Rule::$variant => $cbp, )* }
            }
        }
    };
}

rules! {
    // Declaration file format (ACE tier 1: the Reason is the specific error).
    NotCsv => "not-csv", File, Some("Not a CSV file."),
        "the declaration must be a .csv text file";
    EmptyFile => "empty-file", File, Some("CSV content is empty"),
        "the declaration must hold at least one entry number below its header";
    MissingHeader => "missing-header", File, None,
        "the first row must be the header `Entry Number`";
    // Entry-number format (ACE tier 2: "Failed initial validation"), also entry rules.
    EntryFormat => "entry-format", Exclude, Some("Not 11 characters long"),
        "11 letters or digits once every other character is removed";
    DuplicateEntry => "duplicate-entry", Exclude, Some("Duplicate entry numbers"),
        "no entry number twice in one declaration, after normalising";
    FilerMismatch => "filer-mismatch", Exclude, Some("Filer code not matching"),
        "with a broker account, the first 3 characters are the account's filer code";
    TooManyEntries => "too-many-entries", Exclude, None,
        "at most --max-entries entry numbers (9,999 by default) in one declaration";
    // Eligibility of an entry (CAPE Phase 1).
    NoIeepaLine => "no-ieepa-line", Exclude, Some("NO IEEPA HTS ON ENTRY"),
        "at least one IEEPA HTS row (9903.01.xx or 9903.02.xx)";
    ZeroIeepaDuty => "zero-ieepa-duty", Exclude, None,
        "the IEEPA rows carry duty greater than zero";
    ExcludedEntryType => "excluded-entry-type", Exclude, None,
        "entry type is not 08 duty deferral, 09 reconciliation, 23 TIB or 47 drawback";
    ReconciliationFlagged => "reconciliation-flagged", Exclude,
        Some("ENTRY SUMMARY FLAGGED FOR RECON"),
        "the entry summary is not flagged for reconciliation";
    StatusNotAccepted => "status-not-accepted", Exclude,
        Some("ENTRY SUMMARY IS CANCELLED/REJECTED"),
        "the entry summary status is Accepted";
    TradeControl => "trade-control", Exclude, Some("ENTRY SUMMARY IS IN TRADE CONTROL"),
        "the control status is CBP, not trade (filer) control";
    LiquidatedOver80Days => "liquidated-over-80-days", Exclude,
        Some("ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS"),
        "unliquidated, or liquidated no more than 80 days before the filing date";
    OpenProtest => "open-protest", Exclude, Some("PROTEST ON ENTRY"),
        "no open or suspended protest on the entry";
    ImporterMismatch => "importer-mismatch", Exclude, Some("Account Mismatch"),
        "with an importer account, the importer of record is the account's";
    AlreadyDeclared => "already-declared", Exclude, None,
        "not in an earlier declaration that is pending or was accepted (Entry Summary Updated)";
    // Undecidable from the file.
    RowError => "row-error", Review, None,
        "every row of the entry could be read";
    LiquidationUnknown => "liquidation-unknown", Review, None,
        "the file has liquidation columns, so the 80-day window can be checked";
    ConflictingValues => "conflicting-values", Review, None,
        "the inputs agree on the entry's header values";
    // Warnings.
    CheckDigit => "check-digit", Warning, None,
        "the check digit verifies (ACE does not test it, but a mistyped number is not found)";
    Bom => "bom", Warning, None,
        "the file starts without a UTF-8 byte-order mark";
    ExtraColumns => "extra-columns", Warning, None,
        "the declaration has one column";
    BlankRow => "blank-row", Warning, None,
        "the declaration has no blank rows";
    SpreadsheetDamage => "spreadsheet-damage", Warning, None,
        "no value looks damaged by a spreadsheet (scientific notation, lost leading zeros)";
    OutsideIeepaWindow => "outside-ieepa-window", Warning, None,
        "the entry date is within the IEEPA collection window, 2025-02-04 to 2026-02-23";
    IeepaGoodsValue => "ieepa-goods-value", Warning, None,
        "IEEPA (Chapter 99) rows report no goods value";
    NearDeadline => "near-deadline", Warning, None,
        "the last CAPE filing day is more than 7 days after the filing date";
    PreviouslyFailed => "previously-failed", Warning, None,
        "not failed by ACE in an earlier claim (if it was, check that it was corrected)";
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
}
