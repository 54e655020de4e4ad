//! Claim results and earlier declarations end to end: `cape claims`, `--declared` on
//! `prepare` and `validate`, and the audit trail.

mod common;

use std::path::Path;

use common::{fixture, read, run};

/// A scratch folder with the sample ES-003 and a copy of the claims history folder.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("es003/sample.csv"), dir.path().join("sample.csv")).unwrap();
    std::fs::copy(
        fixture("claims/cbp-guide-claim.csv"),
        dir.path().join("cbp-guide-claim.csv"),
    )
    .unwrap();
    let history = dir.path().join("history");
    std::fs::create_dir(&history).unwrap();
    for e in std::fs::read_dir(fixture("claims/history")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), history.join(e.file_name())).unwrap();
    }
    dir
}

/// `entry,decision,reasons,warnings` rows of the report for the given entries.
fn rows_of(dir: &Path, entries: &[&str]) -> Vec<String> {
    let text = read(dir.join("cape-out/cape_entries.csv"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| entries.contains(&&r[0]))
        .map(|r| format!("{},{},{},{}", &r[0], &r[1], &r[2], &r[3]))
        .collect()
}

#[test]
fn claims_report_for_the_cbp_guide_example() {
    let dir = scratch();
    let r = run(dir.path(), &["claims", "cbp-guide-claim.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "cape claims: 1 file(s), 1 claim(s), 8 entry results: 6 updated, 2 failed
claim 100000013568: 6 updated, 2 failed
       1  ENTRY SUMMARY IS CANCELLED/REJECTED
       1  ENTRY SUMMARY IS IN TRADE CONTROL
failed entries:
  SSA26031301  claim 100000013568  trade-control: ENTRY SUMMARY IS IN TRADE CONTROL
      -> ask the filer to release the entry summary to CBP control, then declare it again
  SSA26031608  claim 100000013568  status-not-accepted: ENTRY SUMMARY IS CANCELLED/REJECTED
      -> the entry summary is cancelled or rejected: correct it with the filer, then declare it again
wrote cape_claims.csv
"
    );
    let csv = read(dir.path().join("cape_claims.csv"));
    assert!(csv.starts_with(
        "claim_number,entry_number,status,error_description,rule,action,source\r\n\
         100000013568,SSA26031301,Failed,ENTRY SUMMARY IS IN TRADE CONTROL,trade-control,\
         \"ask the filer to release the entry summary to CBP control, then declare it again\",\
         cbp-guide-claim.csv:3\r\n\
         100000013568,SSA26031602,Entry Summary Updated,,,,cbp-guide-claim.csv:6\r\n"
    ));
    assert_eq!(csv.lines().count(), 9);
}

#[test]
fn claims_with_wrapped_values_unknown_texts_and_disagreeing_results() {
    let dir = scratch();
    let r = run(
        dir.path(),
        &[
            "claims",
            "history/claim-100000020001.csv",
            "history/claim-100000020002.csv",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["overall"]["entries"], 5);
    assert_eq!(v["overall"]["updated"], 2);
    assert_eq!(v["overall"]["failed"], 3);
    assert_eq!(
        v["claims"]["100000020001"]["errors"]["ENTRY SUMMARY IS IN TRADE CONTROL"],
        2
    );
    let unknown = &v["failed"][2];
    assert_eq!(unknown["entry_number"], "M2K10010594");
    assert_eq!(
        unknown["error_description"],
        "ENTRY TEMPORARILY LOCKED FOR REVIEW"
    );
    assert_eq!(unknown["rule"], serde_json::Value::Null);
    assert_eq!(
        unknown["action"],
        "not an error text cape knows: read it in ACE"
    );
    assert_eq!(v["failed"][1]["latest"], false);
    assert_eq!(
        v["conflicts"][0],
        "M2K10007854: claim 100000020001 Failed, claim 100000020002 Entry Summary Updated; the \
         latest, claim 100000020002, counts"
    );
    let csv = read(dir.path().join("cape_claims.csv"));
    assert!(csv.contains(
        "100000020001,M2K10005114,Entry Summary Updated,,,,history/claim-100000020001.csv:2\r\n"
    ));
}

#[test]
fn a_file_that_is_not_claim_details() {
    let dir = scratch();
    let r = run(
        dir.path(),
        &["claims", "history/declaration-2026-05-01.csv"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no Claim Details file among the inputs")
            && r.stderr.contains(
                "history/declaration-2026-05-01.csv: a declaration (`Entry Number`), not Claim \
                 Details: skipped"
            ),
        "{}",
        r.stderr
    );
    let r = run(dir.path(), &["claims", "-"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: `-`: standard input is not read"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("cape_claims.csv").exists());
}

#[test]
fn prepare_leaves_declared_entries_out_and_warns_of_failed_ones() {
    let dir = scratch();
    let r = run(
        dir.path(),
        &[
            "prepare",
            "sample.csv",
            "--as-of",
            "2026-06-01",
            "--declared",
            "history",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with(
        "note: --declared: skipped history/notes.txt: neither a declaration nor Claim Details\n"
    ));
    assert!(
        r.stderr.contains("  already-declared                 4\n"),
        "{}",
        r.stderr
    );
    assert_eq!(
        rows_of(
            dir.path(),
            &[
                "M2K10002376",
                "M2K10005114",
                "M2K10006484",
                "M2K10007854",
                "M2K10010594"
            ]
        ),
        [
            "M2K10002376,excluded,already-declared,",
            "M2K10005114,excluded,already-declared,",
            "M2K10006484,eligible,,previously-failed;near-deadline",
            "M2K10007854,excluded,already-declared,",
            "M2K10010594,eligible,,previously-failed;check-digit",
        ]
    );
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    for note in [
        "already-declared: declared in history/declaration-2026-05-20.csv with no claim result given yet",
        "already-declared: claim 100000020001 (history/claim-100000020001.csv:2): Entry Summary Updated",
        "previously-failed: failed in claim 100000020001 (history/claim-100000020001.csv:3): ENTRY \
         SUMMARY IS IN TRADE CONTROL; declare it again only if corrected",
        "already-declared: claim 100000020002 (history/claim-100000020002.csv:2): Entry Summary \
         Updated (latest claim wins over claim 100000020001 Failed)",
        "previously-failed: failed in claim 100000020002 (history/claim-100000020002.csv:3): ENTRY \
         TEMPORARILY LOCKED FOR REVIEW",
    ] {
        assert!(report.contains(note), "{note}");
    }
    let declared = read(
        dir.path()
            .join("cape-out/ACEP_CapeEntryNumberUploadTemplate.csv"),
    );
    assert_eq!(
        declared,
        "Entry Number\r\n00210009221\r\nM2K10006484\r\nM2K10010594\r\nM2K10011963\r\nM2K10013332\r\n"
    );
}

#[test]
fn a_corrected_entry_declared_again_is_not_declared_a_third_time() {
    let dir = scratch();
    let args = [
        "prepare",
        "sample.csv",
        "--as-of",
        "2026-06-01",
        "--declared",
        "history",
    ];
    assert_eq!(run(dir.path(), &args).code, 0);
    // The new declaration is uploaded; its results are not back yet.
    std::fs::copy(
        dir.path()
            .join("cape-out/ACEP_CapeEntryNumberUploadTemplate.csv"),
        dir.path().join("history/declaration-2026-06-01.csv"),
    )
    .unwrap();
    assert_eq!(run(dir.path(), &args).code, 0);
    assert_eq!(
        rows_of(dir.path(), &["M2K10006484"]),
        ["M2K10006484,excluded,already-declared,near-deadline"]
    );
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    assert!(report.contains(
        "declared in history/declaration-2026-06-01.csv with no claim result given yet; before \
         that, failed in claim 100000020001"
    ));
    assert!(
        !dir.path()
            .join("cape-out/ACEP_CapeEntryNumberUploadTemplate.csv")
            .exists()
    );
}

#[test]
fn validate_fails_a_file_that_repeats_a_declared_entry() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("next.csv"),
        "Entry Number\r\nM2K-1000237-6\r\nM2K-1000648-4\r\n00210009221\r\n",
    )
    .unwrap();
    let r = run(
        dir.path(),
        &["validate", "next.csv", "--declared", "history"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(
        "next.csv: ACE would accept this file, but 1 of its entries were declared before: ACE will \
         fail them; remove them from the file\n"
    ), "{}", r.stderr);
    assert!(r.stderr.contains(
        "  line 2: M2K-1000237-6: declared in history/declaration-2026-05-20.csv with no claim result given yet\n"
    ), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning[previously-failed]: line 3: failed in claim 100000020001")
    );
    assert_eq!(run(dir.path(), &["validate", "next.csv"]).code, 0);
    // A named file that is neither kind is an error, not a silent skip.
    let r = run(
        dir.path(),
        &["validate", "next.csv", "--declared", "history/notes.txt"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("history/notes.txt: neither a declaration"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_audit_trail_fingerprints_inputs_and_outputs() {
    let dir = scratch();
    let args = [
        "prepare",
        "sample.csv",
        "--as-of",
        "2026-06-01",
        "--declared",
        "history",
        "--filer-code",
        "M2K",
    ];
    assert_eq!(run(dir.path(), &args).code, 0);
    let first = read(dir.path().join("cape-out/cape_run.json"));
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["tool"], "cape");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["as_of"], "2026-06-01");
    assert_eq!(v["options"]["filer_code"], "M2K");
    assert_eq!(v["inputs"][0]["path"], "sample.csv");
    let sample = std::fs::read(dir.path().join("sample.csv")).unwrap();
    assert_eq!(v["inputs"][0]["sha256"], sha256_hex(&sample));
    assert_eq!(v["declared"].as_array().unwrap().len(), 5);
    assert_eq!(v["declared"][0]["kind"], "claim-details");
    let outputs: Vec<&str> = v["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        [
            "cape-out/ACEP_CapeEntryNumberUploadTemplate.csv",
            "cape-out/Cape_Validation_Result.csv",
            "cape-out/cape_entries.csv",
            "cape-out/cape_report.html"
        ]
    );
    for o in v["outputs"].as_array().unwrap() {
        let bytes = std::fs::read(dir.path().join(o["path"].as_str().unwrap())).unwrap();
        assert_eq!(o["sha256"], sha256_hex(&bytes));
        assert_eq!(o["bytes"], bytes.len());
    }
    assert_eq!(v["counts"]["eligible"], 4);
    // The same run again writes the same bytes.
    assert_eq!(run(dir.path(), &args).code, 0);
    assert_eq!(read(dir.path().join("cape-out/cape_run.json")), first);
}

#[test]
fn every_input_is_fingerprinted_in_order_whatever_its_format() {
    // CSV inputs are fingerprinted as they are read, workbooks on a thread of their own.
    let dir = scratch();
    std::fs::copy(fixture("es003/sample.xlsx"), dir.path().join("sample.xlsx")).unwrap();
    std::fs::copy(
        fixture("es003/broker-export.txt"),
        dir.path().join("broker-export.txt"),
    )
    .unwrap();
    let inputs = ["sample.xlsx", "sample.csv", "broker-export.txt"];
    let mut args = vec!["prepare", "--as-of", "2026-06-01"];
    args.extend(inputs);
    assert_eq!(run(dir.path(), &args).code, 0);
    let v: serde_json::Value =
        serde_json::from_str(&read(dir.path().join("cape-out/cape_run.json"))).unwrap();
    let got = v["inputs"].as_array().unwrap();
    assert_eq!(got.len(), inputs.len());
    for (h, name) in got.iter().zip(inputs) {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(h["path"], name);
        assert_eq!(h["bytes"], bytes.len());
        assert_eq!(h["sha256"], sha256_hex(&bytes), "{name}");
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The same claim downloaded twice, under names in either order: an entry once accepted
/// stays declared, and the twice-listed failure counts once.
#[test]
fn a_claim_downloaded_twice_in_either_name_order() {
    for (first, second) in [("day1.csv", "day2.csv"), ("z-day1.csv", "day2.csv")] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("filed")).unwrap();
        std::fs::copy(
            fixture("claims/downloads/day1.csv"),
            d.join("filed").join(first),
        )
        .unwrap();
        std::fs::copy(
            fixture("claims/downloads/day2.csv"),
            d.join("filed").join(second),
        )
        .unwrap();
        std::fs::copy(fixture("es003/sample.csv"), d.join("sample.csv")).unwrap();
        let r = run(d, &["claims", "filed"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains("2 entry results: 1 updated, 1 failed"),
            "{first}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!(
                "downloads disagree: M2K10002376: claim 100000030001 is Entry Summary Updated in \
                 filed/{first}:2 and Failed in filed/{second}:2; Entry Summary Updated counts"
            )),
            "{first}: {}",
            r.stderr
        );
        let r = run(
            d,
            &[
                "prepare",
                "sample.csv",
                "--as-of",
                "2026-06-01",
                "--declared",
                "filed",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let report = read(d.join("cape-out/cape_entries.csv"));
        assert!(
            report.contains("\r\nM2K10002376,excluded,already-declared,"),
            "{first}: {report}"
        );
        assert!(
            report.contains("\r\n00210009221,eligible,,previously-failed"),
            "{first}: {report}"
        );
    }
}
