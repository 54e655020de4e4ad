//! CBP's error texts in ACE's Claim Details (cape-rules.md §8), as a table: the rule each
//! reports where cape has one, what to do about it, and the change that retired the check
//! where CBP has retired it. Texts are matched as upper-case substrings, most specific first.

use crate::rules::{Change, Rule};

/// One error text CBP writes for a failed entry.
#[derive(Debug)]
pub struct ClaimError {
    /// The text as CBP writes it.
    pub text: &'static str,
    /// Upper-case pieces any of which identifies it.
    keys: &'static [&'static str],
    pub rule: Option<Rule>,
    pub action: &'static str,
    /// The change from which CBP no longer applies the check.
    pub retired: Option<Change>,
}

const PSC_THEN_AGAIN: &str =
    "correct the HTS lines with a post-summary correction, then declare the entry again";
const RETIRED: &str = "CBP retired this check on 2026-06-25 (CSMS 69056483): declare the entry \
                       again";

const fn e(
    text: &'static str,
    keys: &'static [&'static str],
    rule: Option<Rule>,
    action: &'static str,
) -> ClaimError {
    ClaimError {
        text,
        keys,
        rule,
        action,
        retired: None,
    }
}

pub const CLAIM_ERRORS: &[ClaimError] = &[
    ClaimError {
        retired: Some(Change::ClaimErrors),
        ..e(
            "HTS RELATIONSHIP/SEQUENCE MISMATCH",
            &["RELATIONSHIP/SEQUENCE"],
            None,
            RETIRED,
        )
    },
    ClaimError {
        retired: Some(Change::ClaimErrors),
        ..e(
            "GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97",
            &["MUST BE REPORTED ON THE CH"],
            None,
            RETIRED,
        )
    },
    e(
        "HTS RELATIONSHIP MISMATCH",
        &["HTS RELATIONSHIP"],
        None,
        PSC_THEN_AGAIN,
    ),
    e("INVALID HTS", &["INVALID HTS"], None, PSC_THEN_AGAIN),
    e(
        "Goods Value Amount Not Allowed on IEEPA HTS Line",
        &["NOT ALLOWED ON IEEPA"],
        Some(Rule::IeepaGoodsValue),
        "remove the goods value from the IEEPA line with a post-summary correction, then \
         declare the entry again",
    ),
    e(
        "UNABLE TO CALCULATE DUTY",
        &["UNABLE TO CALCULATE"],
        None,
        "declare the entry again (this often clears); if it fails again, write to CBP's IEEPA \
         refunds mailbox",
    ),
    e(
        "STATEMENT PROCESSING NOT COMPLETE",
        &["STATEMENT PROCESSING"],
        Some(Rule::StatementUnpaid),
        "declare the entry again once its periodic monthly statement is paid",
    ),
    e(
        "ENTRY ON DRAWBACK",
        &["ON DRAWBACK"],
        Some(Rule::EntryOnDrawback),
        "the entry is designated on a drawback claim: it is not for CAPE",
    ),
    e(
        "ENTRY SUMMARY FLAGGED FOR RECON",
        &["RECON"],
        Some(Rule::ReconciliationFlagged),
        "from 2026-06-29 CAPE takes types 01, 02 and 06 while no type 09 reconciliation is \
         filed: declare it again if that holds; other types wait for a later CAPE phase",
    ),
    e(
        "ENTRY SUMMARY IS CANCELLED/REJECTED",
        &["CANCELLED", "REJECTED"],
        Some(Rule::StatusNotAccepted),
        "the entry summary is cancelled or rejected: correct it with the filer, then declare \
         it again",
    ),
    e(
        "ENTRY SUMMARY IS IN TRADE CONTROL",
        &["TRADE CONTROL"],
        Some(Rule::TradeControl),
        "ask the filer to release the entry summary to CBP control, then declare it again",
    ),
    e(
        "ENTRY SUMMARY IS IN FINAL LIQUIDATION STATUS",
        &["FINAL LIQUIDATION", "80 DAYS", "RELIQUIDATE"],
        Some(Rule::LiquidatedOver80Days),
        "protest (CBP Form 19) until liquidation + 180 days, or wait for a later CAPE phase",
    ),
    e(
        "NO IEEPA HTS ON ENTRY",
        &["IEEPA"],
        Some(Rule::NoIeepaLine),
        "CBP sees no IEEPA HTS on the entry: check it; a post-summary correction may be needed \
         before declaring it again",
    ),
    e(
        "PROTEST ON ENTRY",
        &["PROTEST"],
        Some(Rule::OpenProtest),
        "the protest decides this entry; not CAPE",
    ),
    e(
        "Account Mismatch",
        &["ACCOUNT MISMATCH"],
        Some(Rule::ImporterMismatch),
        "declare it from the importer of record's account, or the filer's that filed it",
    ),
    e(
        "Filer code not matching",
        &["FILER CODE NOT MATCHING"],
        Some(Rule::FilerMismatch),
        "declare it from the account of the filer code it starts with",
    ),
    e(
        "Not 11 characters long",
        &["NOT 11 CHARACTERS"],
        Some(Rule::EntryFormat),
        "correct the entry number, then declare it again",
    ),
    e(
        "an entry previously submitted",
        &["PREVIOUSLY SUBMITTED", "ALREADY", "DUPLICATE"],
        Some(Rule::AlreadyDeclared),
        "already declared: nothing to do; follow it in ES-022 and REV-615",
    ),
    e(
        "ENTRY TYPE NOT ALLOWED",
        &["ENTRY TYPE", "DRAWBACK", "DEFERRAL", "TIB"],
        Some(Rule::ExcludedEntryType),
        "this entry type is not in CAPE",
    ),
];

/// What to do about a text no row knows.
pub const UNKNOWN_ACTION: &str = "not an error text cape knows: read it in ACE";

/// What to do about an entry that fails `rule`: the action of the claim error CBP writes for
/// it, where it writes one, so that `prepare` and `claims` say the same; else cape's own.
pub fn next_step(rule: Rule) -> &'static str {
    if let Some(c) = CLAIM_ERRORS.iter().find(|c| c.rule == Some(rule)) {
        return c.action;
    }
    match rule {
        Rule::ZeroIeepaDuty => "no IEEPA duty was paid on the entry: nothing to refund",
        Rule::DuplicateEntry => "keep the entry once in the declaration",
        Rule::TooManyEntries => "split the declaration (cape prepare does it by itself)",
        Rule::Type09Filed => {
            "a type 09 reconciliation is filed: the refund comes through the reconciliation"
        }
        Rule::SuretyPaid => "the surety paid the duty: do not declare the entry (CBP)",
        Rule::RowError => {
            "correct the rows the notes name in the export (or pull it again), and run again"
        }
        Rule::LiquidationUnknown => {
            "add Liquidation Date and Liquidation Status to the ES-003 in ACE's report builder \
             and pull it again, or pass --assume-unliquidated if the entries are unliquidated"
        }
        Rule::AdcvdPendingLiquidation => {
            "check in ACE that the AD/CVD entry is not in pending liquidation, then declare it"
        }
        Rule::ProtestUnknown => "check the protest in ACE: declare only without an open protest",
        Rule::ImporterUnknown => {
            "add Importer Number to the ES-003, or check the importer of record in ACE"
        }
        Rule::ConflictingValues => {
            "the exports disagree on the entry: pull it again from ACE and use the newer one"
        }
        _ => UNKNOWN_STEP,
    }
}

/// What to do about a rule no table row answers.
const UNKNOWN_STEP: &str = "read the note, and check the entry in ACE";

/// The row of a CBP error text, where cape knows it.
pub fn known(error: &str) -> Option<&'static ClaimError> {
    let e = error.to_ascii_uppercase();
    CLAIM_ERRORS
        .iter()
        .find(|c| c.keys.iter().any(|k| e.contains(k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_known_as_its_own_row() {
        for c in CLAIM_ERRORS {
            assert_eq!(known(c.text).map(|k| k.text), Some(c.text));
            assert_eq!(known(&c.text.to_lowercase()).map(|k| k.text), Some(c.text));
            if let Some(r) = c.rule.and_then(|r| r.cbp_text()) {
                assert_eq!(known(r).and_then(|k| k.rule), c.rule, "{r}");
            }
        }
        assert!(known("SOMETHING NEW").is_none());
    }

    #[test]
    fn every_reason_has_a_next_step_and_claims_say_the_same() {
        use crate::rules::Severity;
        for &r in Rule::ALL {
            if matches!(r.severity(), Severity::Exclude | Severity::Review) {
                assert_ne!(next_step(r), UNKNOWN_STEP, "{r}");
            }
            if let Some(text) = r.cbp_text()
                && let Some(c) = known(text)
                && c.rule == Some(r)
            {
                assert_eq!(next_step(r), c.action, "{r}");
            }
        }
    }

    #[test]
    fn retired_checks_are_the_two_of_2026_06_25() {
        let retired: Vec<&str> = CLAIM_ERRORS
            .iter()
            .filter(|c| c.retired == Some(Change::ClaimErrors))
            .map(|c| c.text)
            .collect();
        assert_eq!(
            retired,
            [
                "HTS RELATIONSHIP/SEQUENCE MISMATCH",
                "GOODS VALUE AMOUNT MUST BE REPORTED ON THE CH 1-97"
            ]
        );
        assert!(
            known("HTS RELATIONSHIP MISMATCH")
                .unwrap()
                .retired
                .is_none()
        );
    }
}
