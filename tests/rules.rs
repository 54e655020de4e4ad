//! The rules follow the filing date, end to end: one export decided before and after each of
//! CBP's changes, with the exact report rows; `cape rules` for two dates, as text and JSON;
//! the options that move the reconciliation rule; a check CBP retired; the README's rule
//! table against the registry.

mod common;

use std::path::Path;

use cape::rules::changes::CHANGES;
use cape::rules::{Rule, Seen};
use common::{assert_expected, fixture, read, run};

/// A scratch folder with copies of the named fixtures (paths under `fixtures/`).
fn scratch(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        let to = dir.path().join(Path::new(n).file_name().unwrap());
        std::fs::copy(fixture(n), to).unwrap();
    }
    dir
}

/// The report row of `entry`, as `decision,reasons,warnings`, and its notes.
fn row(out: &Path, entry: &str) -> (String, String) {
    let text = read(out.join("cape_entries.csv"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let notes = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "notes")
        .unwrap();
    rdr.records()
        .map(Result::unwrap)
        .find(|r| &r[0] == entry)
        .map(|r| {
            (
                format!("{},{},{}", &r[1], &r[2], &r[3]),
                r[notes].to_string(),
            )
        })
        .unwrap_or_else(|| panic!("{entry} is not in the report"))
}

/// `cape prepare rule-changes.csv` filed on `date` into `out`, with `extra`; it must succeed.
fn prepare_at(dir: &Path, date: &str, out: &str, extra: &[&str]) -> common::Ran {
    let mut args = vec!["prepare", "rule-changes.csv", "--as-of", date, "-o", out];
    args.extend_from_slice(extra);
    let r = run(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

#[test]
fn one_export_before_and_after_each_change() {
    let dir = scratch(&["es003/rule-changes.csv"]);
    for (date, eligible) in [("2026-06-28", 9), ("2026-06-29", 11), ("2026-07-07", 9)] {
        let out = format!("out-{date}");
        prepare_at(dir.path(), date, &out, &[]);
        let report = read(dir.path().join(&out).join("cape_entries.csv"));
        assert_expected(
            &format!("es003/expected/rule-changes-{date}-cape_entries.csv"),
            &report,
        );
        let declared = read(
            dir.path()
                .join(&out)
                .join("ACEP_CapeEntryNumberUploadTemplate.csv"),
        );
        assert_eq!(declared.lines().count(), eligible + 1, "{date}");
    }
}

#[test]
fn the_run_records_the_rules_and_changes_of_its_filing_date() {
    let dir = scratch(&["es003/rule-changes.csv"]);
    let changes = |date: &str| {
        let out = format!("o{date}");
        let r = prepare_at(dir.path(), date, &out, &["--json"]);
        let run: serde_json::Value =
            serde_json::from_str(&read(dir.path().join(&out).join("cape_run.json"))).unwrap();
        let summary: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(run["rules_version"], cape::rules::RULES_VERSION);
        assert_eq!(
            run["rule_changes_in_force"],
            summary["rule_changes_in_force"]
        );
        (
            run["rule_changes_in_force"].clone(),
            summary["not_shown_by_es003"].clone(),
        )
    };
    let (before, unseen_before) = changes("2026-06-28");
    let (after, unseen_after) = changes("2026-06-29");
    assert_eq!(
        before,
        serde_json::json!(["2026-04-20-phase-1", "2026-06-25-claim-errors"])
    );
    assert_eq!(
        after,
        serde_json::json!([
            "2026-04-20-phase-1",
            "2026-06-25-claim-errors",
            "2026-06-29-reconciliation-types"
        ])
    );
    assert_eq!(
        unseen_before,
        serde_json::json!(["entry-on-drawback", "surety-paid", "statement-unpaid"])
    );
    assert_eq!(
        unseen_after,
        serde_json::json!([
            "type-09-filed",
            "entry-on-drawback",
            "surety-paid",
            "statement-unpaid"
        ])
    );
}

#[test]
fn cape_rules_prints_what_is_in_force_on_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let before = run(dir.path(), &["rules", "--as-of", "2026-06-28"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    let after = run(dir.path(), &["rules", "--as-of", "2026-07-07"]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    let b = &before.stdout;
    let a = &after.stdout;
    assert!(b.starts_with("cape rules in force on 2026-06-28 (rules cape-phase1-2026.2)"));
    assert!(!b.contains("\nreconciliation-pending  ["), "{b}");
    assert!(
        a.contains("\nreconciliation-pending  [warning]  since 2026-06-29\n"),
        "{a}"
    );
    assert!(b.contains(
        "\nexcluded-entry-type  [exclude]  since 2026-04-20\n    checks:   entry type is not 08 \
         duty deferral, 09 reconciliation, 23 TIB or 47 drawback\n    CBP text: ENTRY TYPE NOT \
         ALLOWED\n"
    ), "{b}");
    assert!(
        a.contains(
            "    checks:   entry type is not 08 duty deferral, 09 reconciliation, 21 or 22 \
         warehouse, 23 TIB or 47 drawback\n"
        ),
        "{a}"
    );
    assert!(
        b.contains("\n  2026-07-07  not yet in force         2026-07-07-warehouse-types\n"),
        "{b}"
    );
    assert!(
        a.contains("\n  2026-07-07  in force                 2026-07-07-warehouse-types\n"),
        "{a}"
    );
    assert!(
        a.contains("\nentry-on-drawback  [exclude, not checked: no ES-003 shows it]"),
        "{a}"
    );
    assert!(
        a.contains("  announced   announced, not in force  announced-final-liquidation-phase"),
        "{a}"
    );

    let json = run(dir.path(), &["rules", "--as-of", "2026-06-28", "--json"]);
    assert_eq!(json.code, 0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["as_of"], "2026-06-28");
    let rules = v["rules"].as_array().unwrap();
    let recon = rules
        .iter()
        .find(|r| r["code"] == "reconciliation-flagged")
        .unwrap();
    assert_eq!(recon["does"], "exclude");
    assert_eq!(recon["cbp_text"], "ENTRY SUMMARY FLAGGED FOR RECON");
    assert_eq!(recon["since"], "2026-04-20");
    assert_eq!(recon["confidence"], "C");
    assert!(rules.iter().all(|r| r["code"] != "reconciliation-pending"));
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), CHANGES.len());
    let standing: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["standing"].as_str().unwrap()))
        .collect();
    assert_eq!(
        standing,
        [
            ("2026-04-20-phase-1", "in-force"),
            ("2026-06-25-claim-errors", "in-force"),
            ("2026-06-29-reconciliation-types", "coming"),
            ("2026-07-07-warehouse-types", "coming"),
            ("announced-final-liquidation-phase", "announced"),
        ]
    );
    let bad = run(dir.path(), &["rules", "--as-of", "28/06/2026"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("write it as YYYY-MM-DD"),
        "{}",
        bad.stderr
    );
}

#[test]
fn the_reconciliation_options_move_the_rule() {
    let dir = scratch(&["es003/rule-changes.csv"]);
    let at = |date: &str, opt: &str| {
        let out = format!("o-{date}{opt}");
        prepare_at(dir.path(), date, &out, &[opt]);
        row(&dir.path().join(out), "R2C30000008")
    };
    assert_eq!(
        at("2026-06-28", "--allow-reconciliation").0,
        "eligible,,reconciliation-pending"
    );
    let (kept_out, note) = at("2026-07-07", "--exclude-reconciliation");
    assert_eq!(kept_out, "excluded,reconciliation-flagged,");
    assert!(note.contains("--exclude-reconciliation"), "{note}");
    let both = run(
        dir.path(),
        &[
            "prepare",
            "rule-changes.csv",
            "--allow-reconciliation",
            "--exclude-reconciliation",
        ],
    );
    assert_eq!(both.code, 2);
    assert!(!dir.path().join("cape-out").exists());
}

#[test]
fn a_failure_by_a_check_cbp_retired_comes_back_with_a_note() {
    let dir = scratch(&["es003/rule-changes.csv", "claims/retired-check.csv"]);
    let at = |date: &str| {
        let out = format!("o-{date}");
        prepare_at(dir.path(), date, &out, &["--declared", "retired-check.csv"]);
        let out = dir.path().join(out);
        (
            row(&out, "R2C30000859"),
            row(&out, "R2C30001360"),
            row(&out, "R2C30001535").0,
        )
    };
    let (retired, invalid, updated) = at("2026-06-24");
    assert_eq!(retired.0, "eligible,,previously-failed");
    assert!(!retired.1.contains("CBP retired"), "{}", retired.1);
    assert_eq!(invalid.0, "eligible,,previously-failed");
    assert_eq!(updated, "excluded,already-declared,");
    let (retired, invalid, _) = at("2026-06-25");
    assert_eq!(retired.0, "eligible,,previously-failed");
    assert!(
        retired.1.contains(
            "CBP retired the check `HTS RELATIONSHIP/SEQUENCE MISMATCH` on 2026-06-25 (CSMS \
             69056483): it no longer stands in the way"
        ),
        "{}",
        retired.1
    );
    assert!(!invalid.1.contains("CBP retired"), "{}", invalid.1);

    let r = run(dir.path(), &["claims", "retired-check.csv", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let actions: Vec<&str> = v["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "CBP retired this check on 2026-06-25 (CSMS 69056483): declare the entry again",
            "correct the HTS lines with a post-summary correction, then declare the entry again"
        ]
    );
}

#[test]
fn an_importer_account_and_the_importer_columns() {
    let dir = tempfile::tempdir().unwrap();
    let rows = "ABC-1234567-6,8471300100,0.00\r\nABC-1234567-6,99030125,10.00\r\n";
    std::fs::write(
        dir.path().join("no-ior.csv"),
        format!("Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount\r\n{rows}"),
    )
    .unwrap();
    let rows = "ABC-1234567-6,8471300100,0.00,12-3456789-00\r\n\
                ABC-1234567-6,99030125,10.00,12-3456789-00\r\n";
    for header in ["Importer of Record Number", "Importer of Record"] {
        std::fs::write(
            dir.path().join(format!("{header}.csv")),
            format!(
                "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount,{header}\r\n{rows}"
            ),
        )
        .unwrap();
    }
    let go = |file: &str, out: &str| {
        let args = [
            "prepare",
            file,
            "-o",
            out,
            "--as-of",
            "2026-07-01",
            "--assume-unliquidated",
            "--importer",
            "98-7654321-00",
        ];
        let r = run(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        row(&dir.path().join(out), "ABC12345676")
    };
    let (d, note) = go("no-ior.csv", "a");
    assert_eq!(d, "review,importer-unknown,");
    assert!(note.contains("no Importer Number column"), "{note}");
    assert_eq!(
        go("Importer of Record Number.csv", "b").0,
        "excluded,importer-mismatch,"
    );
    assert_eq!(
        go("Importer of Record.csv", "c").0,
        "excluded,importer-mismatch,"
    );
}

/// The README's rule table, as the registry gives it.
fn rule_table() -> String {
    let mut s = String::from(
        "| code | does | since | what it checks | CBP error text | source |\n\
         |---|---|---|---|---|---|\n",
    );
    for r in Rule::ALL {
        let does = match r.seen() {
            Seen::Checked => r.severity().does().to_string(),
            Seen::NotInEs003 => {
                format!("{} (not checked: no ES-003 shows it)", r.severity().does())
            }
        };
        s += &format!(
            "| `{}` | {does} | {} | {} | {} | {} ({:?}) |\n",
            r.code(),
            r.since(),
            r.description().replace('|', "\\|"),
            r.cbp_text().unwrap_or(""),
            r.source(),
            r.confidence()
        );
    }
    s
}

/// The README's table of dated changes, as the registry gives it.
fn change_table() -> String {
    let mut s =
        String::from("| effective | change | id | rules | source |\n|---|---|---|---|---|\n");
    for c in CHANGES {
        let rules: Vec<String> = c.rules.iter().map(|r| format!("`{}`", r.code())).collect();
        s += &format!(
            "| {} | {} | `{}` | {} | {} ({:?}) |\n",
            c.effective.map_or("announced".into(), |d| d.to_string()),
            c.what,
            c.id,
            rules.join(", "),
            c.source,
            c.confidence
        );
    }
    s
}

#[test]
fn the_readme_tables_are_the_registry() {
    let readme = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let rules = rule_table();
    assert!(
        readme.contains(&rules),
        "the README's rule table should read:\n{rules}"
    );
    let changes = change_table();
    assert!(
        readme.contains(&changes),
        "the README's table of changes should read:\n{changes}"
    );
}
