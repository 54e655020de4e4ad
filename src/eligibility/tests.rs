//! Unit tests of the eligibility rules, on entries built from rows.

use super::*;
use crate::es003::{ColumnMap, RowSink};
use chrono::NaiveDate;

const HEADER: [&str; 12] = [
    "Entry Summary Number",
    "HTS Number - Full",
    "Line Tariff Duty Amount",
    "Line Tariff Goods Value Amount",
    "Entry Type Code",
    "Reconciliation Indicator",
    "Entry Summary Status",
    "Control Status",
    "Liquidation Status",
    "Liquidation Date",
    "Protest Status",
    "Importer Number",
];

/// An ordinary eligible entry's two rows, with `set` applied to both: (column, value).
fn rows(set: &[(usize, &str)]) -> Vec<Vec<&'static str>> {
    let base = [
        "ABC-1234567-6",
        "",
        "",
        "0",
        "01",
        "N",
        "Accepted",
        "CBP",
        "Unliquidated",
        "",
        "",
        "12-3456789-00",
    ];
    let mut a = base.to_vec();
    a[1] = "8471300100";
    a[2] = "0.00";
    let mut b = base.to_vec();
    b[1] = "9903.01.25";
    b[2] = "$1,000.10";
    let mut out = vec![a, b];
    for r in &mut out {
        for (c, v) in set {
            r[*c] = Box::leak(v.to_string().into_boxed_str());
        }
    }
    out
}

fn ledger_of(header: &[&str], rows: &[Vec<&str>]) -> Ledger {
    let names: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    let map = ColumnMap::resolve(&names);
    let mut ledger = Ledger::default();
    {
        let mut sink = ledger.file("t.csv", &map, &names, Default::default());
        for (i, r) in rows.iter().enumerate() {
            sink.row(i as u64 + 2, &r[..]);
        }
    }
    ledger
}

fn opts() -> RuleOptions {
    RuleOptions::new(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
}

fn verdict_with(set: &[(usize, &str)], o: &RuleOptions) -> Verdict {
    let l = ledger_of(&HEADER, &rows(set));
    assert_eq!(l.entries.len(), 1);
    decide(&l.entries[0], &l, o, &Declared::default())
}

fn verdict(set: &[(usize, &str)]) -> Verdict {
    verdict_with(set, &opts())
}

fn notes(v: &Verdict) -> Vec<&str> {
    v.notes().collect()
}

fn codes(rules: impl IntoIterator<Item = Rule>) -> Vec<&'static str> {
    rules.into_iter().map(|r| r.code()).collect()
}

#[test]
fn an_ordinary_entry_is_eligible_with_its_ieepa_duty() {
    let v = verdict(&[]);
    assert_eq!(v.decision, Decision::Eligible);
    // Nothing to say takes no allocation.
    assert!(v.findings.is_none(), "{:?}", notes(&v));
    assert_eq!(v.ieepa_duty, Cents(100_010));
    assert_eq!(v.last_cape_day, None);
}

#[test]
fn each_exclusion_rule() {
    for (set, code) in [
        (vec![(1, "9903.88.03")], "no-ieepa-line"),
        (vec![(1, "9903.03.01")], "no-ieepa-line"),
        (vec![(2, "0.00")], "zero-ieepa-duty"),
        (vec![(4, "08")], "excluded-entry-type"),
        (vec![(4, "9")], "excluded-entry-type"),
        (vec![(4, "23")], "excluded-entry-type"),
        (vec![(4, "47")], "excluded-entry-type"),
        (vec![(5, "Y")], "reconciliation-flagged"),
        (vec![(6, "Rejected")], "status-not-accepted"),
        (vec![(6, "CANCELLED")], "status-not-accepted"),
        (vec![(7, "Trade")], "trade-control"),
        (vec![(10, "Open")], "open-protest"),
        (vec![(10, "Suspended")], "open-protest"),
        (vec![(0, "ABC-12345")], "entry-format"),
    ] {
        let v = verdict(&set);
        assert_eq!(v.decision, Decision::Excluded, "{set:?}");
        assert_eq!(codes(v.reasons()), vec![code], "{set:?}");
    }
}

#[test]
fn every_failing_rule_is_recorded() {
    let v = verdict(&[(4, "47"), (5, "Y"), (7, "Trade")]);
    assert_eq!(
        codes(v.reasons()),
        vec![
            "excluded-entry-type",
            "reconciliation-flagged",
            "trade-control"
        ]
    );
    assert_eq!(notes(&v).len(), 3);
}

#[test]
fn closed_protests_and_cbp_control_pass() {
    for p in ["", "Closed", "DENIED", "None"] {
        assert_eq!(verdict(&[(10, p)]).decision, Decision::Eligible, "{p}");
    }
    assert_eq!(verdict(&[(7, "cbp")]).decision, Decision::Eligible);
}

#[test]
fn the_eighty_day_window() {
    // 2026-06-01 minus 80 days is 2026-03-13.
    let v = verdict(&[(8, "Liquidated"), (9, "03/13/2026")]);
    assert_eq!(v.decision, Decision::Eligible);
    assert_eq!(v.days_since_liquidation, Some(80));
    assert_eq!(v.last_cape_day.unwrap().to_string(), "2026-06-01");
    assert_eq!(v.protest_deadline.unwrap().to_string(), "2026-09-09");
    assert_eq!(codes(v.warnings()), vec!["near-deadline"]);

    let v = verdict(&[(8, "Liquidated"), (9, "2026-03-12")]);
    assert_eq!(codes(v.reasons()), vec!["liquidated-over-80-days"]);
    assert!(
        notes(&v)[0].contains("81 days before 2026-06-01"),
        "{:?}",
        notes(&v)
    );
    assert!(notes(&v)[0].contains("protest (CBP Form 19) is possible until 2026-09-08"));

    let v = verdict(&[(8, "Liquidated"), (9, "2025-11-01")]);
    assert!(
        notes(&v)[0].contains("the liquidation is final since 2026-04-30"),
        "{:?}",
        notes(&v)
    );

    // Eight days left: no warning; seven: a warning.
    assert!(verdict(&[(9, "03/21/2026")]).warnings().next().is_none());
    assert_eq!(
        codes(verdict(&[(9, "03/20/2026")]).warnings()),
        vec!["near-deadline"]
    );
}

#[test]
fn a_future_liquidation_date_is_still_unliquidated() {
    let v = verdict(&[(8, "Unliquidated"), (9, "2026-06-20")]);
    assert_eq!(v.decision, Decision::Eligible);
    assert_eq!(v.days_since_liquidation, None);
    assert_eq!(v.protest_deadline, None);
    assert_eq!(v.last_cape_day.unwrap().to_string(), "2026-09-08");
}

#[test]
fn liquidation_that_cannot_be_decided_needs_review() {
    let v = verdict(&[(8, "Liquidated")]);
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Review, vec!["liquidation-unknown"])
    );

    let header: Vec<&str> = HEADER[..8].to_vec();
    let rows: Vec<Vec<&str>> = rows(&[]).into_iter().map(|r| r[..8].to_vec()).collect();
    let l = ledger_of(&header, &rows);
    let v = decide(&l.entries[0], &l, &opts(), &Declared::default());
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Review, vec!["liquidation-unknown"])
    );
    let o = RuleOptions {
        assume_unliquidated: true,
        ..opts()
    };
    assert_eq!(
        decide(&l.entries[0], &l, &o, &Declared::default()).decision,
        Decision::Eligible
    );
}

#[test]
fn exclusion_wins_over_review() {
    let v = verdict(&[(8, "Liquidated"), (4, "47")]);
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Excluded, vec!["excluded-entry-type"])
    );
}

#[test]
fn unreadable_rows_put_the_entry_under_review() {
    let mut r = rows(&[]);
    r[1][2] = "N/A";
    let l = ledger_of(&HEADER, &r);
    let v = decide(&l.entries[0], &l, &opts(), &Declared::default());
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Review, vec!["row-error"])
    );
    assert!(
        notes(&v)[0].contains("t.csv:3: Line Tariff Duty Amount `N/A` is not an amount"),
        "{:?}",
        notes(&v)
    );

    let v = verdict(&[(9, "13/45/2025")]);
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Review, vec!["row-error"])
    );
}

#[test]
fn reconciliation_in_a_later_phase() {
    let later = RuleOptions {
        reconciliation: Reconciliation::Allow,
        ..opts()
    };
    assert_eq!(
        verdict_with(&[(5, "Yes")], &later).decision,
        Decision::Eligible
    );
    assert_eq!(
        verdict_with(&[(5, "Y"), (4, "06")], &later).decision,
        Decision::Eligible
    );
    let v = verdict_with(&[(5, "Y"), (4, "11")], &later);
    assert_eq!(codes(v.reasons()), vec!["reconciliation-flagged"]);
}

#[test]
fn account_rules() {
    let broker = RuleOptions {
        filer_code: crate::entry::FilerCode::parse("XYZ"),
        ..opts()
    };
    assert_eq!(
        codes(verdict_with(&[], &broker).reasons()),
        vec!["filer-mismatch"]
    );
    let importer = RuleOptions {
        importer: Some("123456789 00".replace(' ', "")),
        ..opts()
    };
    assert_eq!(verdict_with(&[], &importer).decision, Decision::Eligible);
    let other = RuleOptions {
        importer: Some("98765432100".into()),
        ..opts()
    };
    assert_eq!(
        codes(verdict_with(&[], &other).reasons()),
        vec!["importer-mismatch"]
    );
}

#[test]
fn warnings() {
    let v = verdict(&[(0, "ABC-1234567-7")]);
    assert_eq!(
        (v.decision, codes(v.warnings())),
        (Decision::Eligible, vec!["check-digit"])
    );
    let mut r = rows(&[]);
    r[1][3] = "500.00";
    let l = ledger_of(&HEADER, &r);
    assert_eq!(
        codes(decide(&l.entries[0], &l, &opts(), &Declared::default()).warnings()),
        vec!["ieepa-goods-value"]
    );
}

#[test]
fn conflicting_rows_need_review() {
    let mut r = rows(&[]);
    r[0][9] = "2026-04-01";
    r[1][9] = "2026-05-01";
    let l = ledger_of(&HEADER, &r);
    let v = decide(&l.entries[0], &l, &opts(), &Declared::default());
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Review, vec!["conflicting-values"])
    );
    // Text that differs only in case is the same.
    let mut r = rows(&[]);
    r[1][6] = "ACCEPTED";
    let l = ledger_of(&HEADER, &r);
    assert_eq!(
        decide(&l.entries[0], &l, &opts(), &Declared::default()).decision,
        Decision::Eligible
    );
}

proptest::proptest! {
    #[test]
    fn status_words_ignore_case_without_copying(
        s in "[ a-zA-Z/\\-éİ\u{a0}]{0,14}|(?i)(closed|open|n|accepted|cbp)[ a-z]{0,4}",
    ) {
        let l = s.to_ascii_lowercase();
        proptest::prop_assert_eq!(statuses::has(&s, "cbp"), l.contains("cbp"));
        proptest::prop_assert_eq!(statuses::starts(&s, "accept"), l.starts_with("accept"));
    }
}

/// The options of a run on `y-m-d`.
fn on(y: i32, m: u32, d: u32) -> RuleOptions {
    RuleOptions::new(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// (decision, reasons, warnings) of the entry with `set`, filed with `o`.
fn outcome(
    set: &[(usize, &str)],
    o: &RuleOptions,
) -> (Decision, Vec<&'static str>, Vec<&'static str>) {
    let v = verdict_with(set, o);
    (v.decision, codes(v.reasons()), codes(v.warnings()))
}

#[test]
fn reconciliation_types_from_2026_06_29() {
    let flagged = |t: &'static str| vec![(5, "Y"), (4, t)];
    let out = (Decision::Excluded, vec!["reconciliation-flagged"], vec![]);
    let pending = (Decision::Eligible, vec![], vec!["reconciliation-pending"]);
    for t in ["01", "02", "06"] {
        assert_eq!(outcome(&flagged(t), &on(2026, 6, 28)), out, "{t}");
        assert_eq!(outcome(&flagged(t), &on(2026, 6, 29)), pending, "{t}");
        assert_eq!(outcome(&flagged(t), &on(2026, 6, 30)), pending, "{t}");
    }
    // Other types, or none known, stay out on every date.
    for d in [28, 29, 30] {
        assert_eq!(outcome(&flagged("11"), &on(2026, 6, d)), out);
    }
    let mut r = rows(&[(5, "Y")]);
    for row in &mut r {
        row[4] = "";
    }
    let l = ledger_of(&HEADER, &r);
    let v = decide(&l.entries[0], &l, &on(2026, 7, 1), &Declared::default());
    assert_eq!(codes(v.reasons()), ["reconciliation-flagged"]);
    assert!(notes(&v)[0].contains("no entry type"), "{:?}", notes(&v));
    // The broker who knows the type 09s are filed keeps them all out.
    let none = RuleOptions {
        reconciliation: Reconciliation::Exclude,
        ..on(2026, 7, 1)
    };
    assert_eq!(outcome(&flagged("01"), &none), out);
    // And the later rule can be applied before its day.
    let early = RuleOptions {
        reconciliation: Reconciliation::Allow,
        ..on(2026, 6, 1)
    };
    assert_eq!(outcome(&flagged("06"), &early), pending);
}

#[test]
fn warehouse_types_from_2026_07_07() {
    let out = || (Decision::Excluded, vec!["excluded-entry-type"], vec![]);
    let eligible = (Decision::Eligible, vec![], vec![]);
    for t in ["21", "22"] {
        assert_eq!(outcome(&[(4, t)], &on(2026, 7, 6)), eligible, "{t}");
        assert_eq!(outcome(&[(4, t)], &on(2026, 7, 7)), out(), "{t}");
        assert_eq!(outcome(&[(4, t)], &on(2026, 7, 8)), out(), "{t}");
    }
    for t in ["31", "32", "34", "38"] {
        assert_eq!(outcome(&[(4, t)], &on(2026, 7, 8)), eligible, "{t}");
    }
    let v = verdict_with(&[(4, "21")], &on(2026, 7, 7));
    assert!(
        notes(&v)[0].contains("not accepted since 2026-07-07"),
        "{:?}",
        notes(&v)
    );
}

#[test]
fn adcvd_entries_in_pending_liquidation_need_review() {
    for t in ["03", "07", "34", "38"] {
        assert_eq!(
            outcome(&[(4, t), (8, "Pending Liquidation")], &opts()),
            (Decision::Review, vec!["adcvd-pending-liquidation"], vec![]),
            "{t}"
        );
        for s in [
            "Suspended Liquidation",
            "Unliquidated",
            "liquidation suspended",
        ] {
            assert_eq!(
                outcome(&[(4, t), (8, s)], &opts()).0,
                Decision::Eligible,
                "{t} {s}"
            );
        }
    }
    // Other entry types in pending liquidation are simply unliquidated.
    assert_eq!(
        outcome(&[(8, "PENDING LIQUIDATION")], &opts()).0,
        Decision::Eligible
    );
}

#[test]
fn statuses_are_read_through_their_tables() {
    for s in [
        "Scheduled for Liquidation",
        "Pending Liquidation",
        "Not Yet Liquidated",
        "Suspended Liquidation",
        "Liquidation Extended",
    ] {
        assert_eq!(outcome(&[(8, s)], &opts()).0, Decision::Eligible, "{s}");
    }
    // A status no table knows is never decided with confidence, even with a date.
    for set in [
        vec![(8, "Deemed")],
        vec![(8, "Deemed"), (9, "2025-01-01")],
        vec![(8, "Deemed"), (9, "2026-05-01")],
    ] {
        let v = verdict_with(&set, &opts());
        assert_eq!(
            (v.decision, codes(v.reasons())),
            (Decision::Review, vec!["liquidation-unknown"]),
            "{set:?}"
        );
        assert!(notes(&v)[0].contains("`Deemed`"), "{:?}", notes(&v));
    }
    for p in [
        "Approved in Part",
        "Denied in Part",
        "Void",
        "Allowed",
        "Rejected",
    ] {
        assert_eq!(outcome(&[(10, p)], &opts()).0, Decision::Eligible, "{p}");
    }
    for p in ["Filed", "Received", "Under Review", "PENDING"] {
        assert_eq!(outcome(&[(10, p)], &opts()).1, ["open-protest"], "{p}");
    }
    let v = verdict(&[(10, "Appealed")]);
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Review, vec!["protest-unknown"])
    );
    assert!(notes(&v)[0].contains("`Appealed`"));
}

#[test]
fn an_importer_account_needs_the_importer_column() {
    let importer = RuleOptions {
        importer: Some("12345678900".into()),
        ..opts()
    };
    let header: Vec<&str> = HEADER[..11].to_vec();
    let rows: Vec<Vec<&str>> = rows(&[]).into_iter().map(|r| r[..11].to_vec()).collect();
    let l = ledger_of(&header, &rows);
    let v = decide(&l.entries[0], &l, &importer, &Declared::default());
    assert_eq!(
        (v.decision, codes(v.reasons())),
        (Decision::Review, vec!["importer-unknown"])
    );
    assert!(
        notes(&v)[0].contains("no Importer Number column"),
        "{:?}",
        notes(&v)
    );
    // A blank importer on the rows cannot be matched either.
    assert_eq!(outcome(&[(11, "")], &importer).1, ["importer-unknown"]);
    // Without an importer account nothing is asked of the column.
    assert_eq!(
        decide(&l.entries[0], &l, &opts(), &Declared::default()).decision,
        Decision::Eligible
    );
}

#[test]
fn the_other_chapter_99_rows_are_named() {
    let v = verdict(&[(1, "9903.88.03")]);
    assert!(notes(&v)[0].contains("Section 301"), "{:?}", notes(&v));
    let v = verdict(&[(1, "9903.03.12")]);
    assert!(notes(&v)[0].contains("Section 338"), "{:?}", notes(&v));
    let mut r = rows(&[]);
    r.truncate(1);
    let l = ledger_of(&HEADER, &r);
    let v = decide(&l.entries[0], &l, &opts(), &Declared::default());
    assert!(
        notes(&v)[0].ends_with("no other Chapter 99 row"),
        "{:?}",
        notes(&v)
    );
}

#[test]
fn headings_that_ended_early() {
    let header: Vec<&str> = HEADER.iter().copied().chain(["Entry Date"]).collect();
    let at = |hts: &'static str, date: &'static str| {
        let mut r = rows(&[(1, hts)]);
        for row in &mut r {
            row.push(date);
        }
        r[0][1] = "8471300100";
        let l = ledger_of(&header, &r);
        decide(&l.entries[0], &l, &opts(), &Declared::default())
    };
    assert!(at("9903.01.50", "2025-08-06").warnings().next().is_none());
    let v = at("9903.01.50", "2025-08-07");
    assert_eq!(codes(v.warnings()), ["outside-ieepa-window"]);
    assert!(notes(&v)[0].contains("9903.01.43–.76") && notes(&v)[0].contains("2025-08-06"));
    assert!(at("9903.01.84", "2026-02-06").warnings().next().is_none());
    assert_eq!(
        codes(at("9903.01.89", "2026-02-07").warnings()),
        ["outside-ieepa-window"]
    );
    assert!(at("9903.01.25", "2026-02-07").warnings().next().is_none());
}

#[test]
fn a_failure_by_a_retired_check_says_so_from_2026_06_25() {
    use crate::claims;
    let text = "CLAIM_NUMBER,ENTRY_NUMBER,STATUS,ERROR_DESCRIPTION\r\n\
                1001,ABC12345676,Failed,HTS RELATIONSHIP/SEQUENCE MISMATCH\r\n";
    let results = claims::parse(std::path::Path::new("c.csv"), text.as_bytes()).unwrap();
    let declared = Declared::from_results(&results);
    let l = ledger_of(&HEADER, &rows(&[]));
    let at = |d| decide(&l.entries[0], &l, &on(2026, 6, d), &declared);
    for d in [24, 25, 26] {
        let v = at(d);
        assert_eq!(
            (v.decision, codes(v.warnings())),
            (Decision::Eligible, vec!["previously-failed"])
        );
        assert_eq!(
            notes(&v)[0].contains("CBP retired the check"),
            d >= 25,
            "{d}: {:?}",
            notes(&v)
        );
    }
}
