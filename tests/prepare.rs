//! `cape prepare` end to end, on the ES-003 fixtures: exit codes, messages, and the exact
//! bytes of the files written.

mod common;

use std::path::Path;

use common::{assert_expected, fixture, listing, read, run};

const AS_OF: &str = "2026-06-01";

/// A scratch folder with copies of the named ES-003 fixtures.
fn scratch(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        std::fs::copy(fixture(&format!("es003/{n}")), dir.path().join(n)).unwrap();
    }
    dir
}

fn prepare(dir: &Path, extra: &[&str]) -> common::Ran {
    let mut args = vec!["prepare", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    run(dir, &args)
}

fn expected(name: &str) -> String {
    read(fixture(&format!("es003/expected/{name}")))
}

/// The report's rows as `entry_number,decision,reasons`.
fn decisions(dir: &Path) -> Vec<String> {
    let text = read(dir.join("cape-out/cape_entries.csv"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            format!("{},{},{}", &r[0], &r[1], &r[2])
        })
        .collect()
}

/// The entry numbers of a declaration file.
fn declared(path: &Path) -> Vec<String> {
    read(path).lines().skip(1).map(str::to_string).collect()
}

#[test]
fn the_sample_gives_the_expected_files_and_summary() {
    let dir = scratch(&["sample.csv"]);
    let r = prepare(dir.path(), &["sample.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_expected("es003/expected/sample-summary.txt", &r.stderr);
    let out = dir.path().join("cape-out");
    assert_eq!(
        listing(&out),
        [
            "ACEP_CapeEntryNumberUploadTemplate.csv",
            "Cape_Validation_Result.csv",
            "cape_entries.csv",
            "cape_report.html",
            "cape_run.json"
        ]
    );
    assert_eq!(
        read(out.join("ACEP_CapeEntryNumberUploadTemplate.csv")),
        expected("sample-declaration.csv")
    );
    assert_eq!(
        read(out.join("Cape_Validation_Result.csv")),
        "Not 11 characters long,Duplicate entry numbers,Filer code not matching\r\n"
    );
    assert_expected(
        "es003/expected/sample-cape_entries.csv",
        &read(out.join("cape_entries.csv")),
    );
    assert_expected(
        "es003/expected/sample-cape_report.html",
        &read(out.join("cape_report.html")),
    );
    // What prepare writes, validate accepts.
    let r = run(
        dir.path(),
        &[
            "validate",
            "cape-out/ACEP_CapeEntryNumberUploadTemplate.csv",
            "--result",
            "v.csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn the_xlsx_export_decides_exactly_as_the_csv() {
    let dir = scratch(&["sample.csv", "sample.xlsx"]);
    assert_eq!(prepare(dir.path(), &["sample.csv", "-o", "a"]).code, 0);
    let r = prepare(dir.path(), &["sample.xlsx", "-o", "b"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for f in [
        "ACEP_CapeEntryNumberUploadTemplate.csv",
        "Cape_Validation_Result.csv",
    ] {
        assert_eq!(read(a.join(f)), read(b.join(f)), "{f}");
    }
    // The reports differ only in where the rows were (CSV lines 2.., sheet rows 5..).
    let strip = |p: &Path| -> Vec<String> {
        let text = read(p.join("cape_entries.csv"));
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                r.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 20)
                    .map(|(_, v)| v)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect()
    };
    assert_eq!(strip(&a), strip(&b));
    assert!(read(b.join("cape_entries.csv")).contains(",sample.xlsx:5-6,"));
    let r = prepare(dir.path(), &["sample.xlsx", "-o", "c", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["inputs"][0]["sheet"], "Main Report");
    assert_eq!(v["inputs"][0]["header_line"], 4);
    assert_eq!(v["inputs"][0]["format"], "xlsx");
}

#[test]
fn a_broker_account_leaves_other_filer_codes_out() {
    let dir = scratch(&["sample.csv"]);
    let r = prepare(dir.path(), &["sample.csv", "--filer-code", "m2k"]);
    assert_eq!(r.code, 0);
    assert!(decisions(dir.path()).contains(&"00210009221,excluded,filer-mismatch".to_string()));
    assert_eq!(
        read(dir.path().join("cape-out/Cape_Validation_Result.csv")),
        "Not 11 characters long,Duplicate entry numbers,Filer code not matching\r\n,,002-1000922-1\r\n"
    );
    let declared = declared(
        &dir.path()
            .join("cape-out/ACEP_CapeEntryNumberUploadTemplate.csv"),
    );
    assert_eq!(declared.len(), 8);
    assert!(declared.iter().all(|e| e.starts_with("M2K")));
}

#[test]
fn an_importer_account_leaves_other_importers_out() {
    let dir = scratch(&["sample.csv"]);
    let r = prepare(dir.path(), &["sample.csv", "--importer", "12-3456789-00"]);
    assert_eq!(r.code, 0);
    let d = decisions(dir.path());
    assert!(
        d.contains(&"M2K10003747,excluded,importer-mismatch".to_string()),
        "{d:?}"
    );
    assert!(d.contains(&"M2K10031144,excluded,importer-mismatch;excluded-entry-type;reconciliation-flagged;trade-control".to_string()), "{d:?}");
    assert_eq!(
        declared(
            &dir.path()
                .join("cape-out/ACEP_CapeEntryNumberUploadTemplate.csv")
        )
        .len(),
        7
    );
}

#[test]
fn split_by_importer_and_filer() {
    let dir = scratch(&["sample.csv"]);
    assert_eq!(
        prepare(dir.path(), &["sample.csv", "--split-by", "importer"]).code,
        0
    );
    let out = dir.path().join("cape-out");
    assert_eq!(
        listing(&out),
        [
            "ACEP_CapeEntryNumberUploadTemplate_12345678900_1.csv",
            "ACEP_CapeEntryNumberUploadTemplate_98765432100_1.csv",
            "Cape_Validation_Result.csv",
            "cape_entries.csv",
            "cape_report.html",
            "cape_run.json"
        ]
    );
    assert_eq!(
        declared(&out.join("ACEP_CapeEntryNumberUploadTemplate_98765432100_1.csv")),
        ["M2K10003747", "M2K10011963"]
    );
    let r = prepare(dir.path(), &["sample.csv", "--split-by", "filer"]);
    assert!(r.stderr.contains("removed a stale declaration from an earlier run: cape-out/ACEP_CapeEntryNumberUploadTemplate_12345678900_1.csv"), "{}", r.stderr);
    assert_eq!(
        listing(&out),
        [
            "ACEP_CapeEntryNumberUploadTemplate_002_1.csv",
            "ACEP_CapeEntryNumberUploadTemplate_M2K_1.csv",
            "Cape_Validation_Result.csv",
            "cape_entries.csv",
            "cape_report.html",
            "cape_run.json"
        ]
    );
    assert_eq!(
        declared(&out.join("ACEP_CapeEntryNumberUploadTemplate_002_1.csv")),
        ["00210009221"]
    );
}

#[test]
fn more_entries_than_a_declaration_holds_are_split_without_overlap() {
    let dir = scratch(&["sample.csv"]);
    let r = prepare(dir.path(), &["sample.csv", "--max-entries", "4"]);
    assert_eq!(r.code, 0);
    let out = dir.path().join("cape-out");
    let mut all = Vec::new();
    for (n, want) in [(1, 4), (2, 4), (3, 1)] {
        let name = format!("ACEP_CapeEntryNumberUploadTemplate_{n}.csv");
        let got = declared(&out.join(&name));
        assert_eq!(got.len(), want, "{name}");
        let path = format!("cape-out/{name}");
        assert_eq!(
            run(
                dir.path(),
                &["validate", &path, "--max-entries", "4", "--result", "v.csv"]
            )
            .code,
            0
        );
        all.extend(got);
    }
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, all, "sorted, and no entry twice");
    assert_eq!(all.len(), 9);
    assert!(
        r.stderr
            .contains("cape-out/ACEP_CapeEntryNumberUploadTemplate_3.csv (1 entry)")
    );
}

#[test]
fn a_missing_required_column_stops_before_any_output() {
    let dir = scratch(&["missing-duty.csv", "sample.csv"]);
    let r = prepare(dir.path(), &["sample.csv", "missing-duty.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "error: missing-duty.csv: no header row with the required columns in the first 20 \
             rows; missing `Line Tariff Duty Amount` (also accepted: Line Duty Amount, Line Tariff \
             Amount, Duty Amount, Duty Paid, Duty); the most header-like row (line 1) has: Entry \
             Summary Number, "
        ),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("cape-out").exists());
}

#[test]
fn damaged_rows_are_reported_and_their_entries_reviewed() {
    let dir = scratch(&["damaged.csv"]);
    let r = prepare(dir.path(), &["damaged.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        "row problems: 5 (their entries need review)",
        "  damaged.csv:2: Line Tariff Duty Amount `N/A` is not an amount",
        "  damaged.csv:4: Liquidation Date `13/45/2025` is not a date",
        "  damaged.csv:5: the row ends before the `Entry Type Code` column",
        "  damaged.csv:6: no Entry Summary Number on this row",
        "not checked: trade-control (no Control Status column)",
    ] {
        assert!(r.stderr.contains(line), "{line}\n{}", r.stderr);
    }
    assert_eq!(
        decisions(dir.path()),
        [
            "6.05761E+10,excluded,entry-format",
            "'=2+5,excluded,entry-format",
            "M2K-12345,excluded,entry-format",
            "M2K30000178,review,row-error",
            "M2K30000244,review,row-error",
            "M2K30000319,review,row-error",
            "M2K30000483,eligible,",
        ]
    );
    assert_eq!(
        read(dir.path().join("cape-out/Cape_Validation_Result.csv")),
        "Not 11 characters long,Duplicate entry numbers,Filer code not matching\r\n\
         6.05761E+10,,\r\nM2K-12345,,\r\n'=2+5,,\r\n"
    );
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    assert!(report.contains("spreadsheet-damage: `6.05761E+10` is scientific notation"));
    assert_eq!(prepare(dir.path(), &["damaged.csv", "--strict"]).code, 1);
}

#[test]
fn without_liquidation_columns_entries_need_review_unless_assumed() {
    let dir = scratch(&["no-liquidation.csv"]);
    let r = prepare(dir.path(), &["no-liquidation.csv"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("  review          3   IEEPA duty        $4,001.04   "),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("add Liquidation Date and Liquidation Status to the ES-003")
    );
    assert!(
        r.stderr
            .contains("no entry is eligible: no declaration written")
    );
    assert_eq!(
        listing(&dir.path().join("cape-out")),
        [
            "Cape_Validation_Result.csv",
            "cape_entries.csv",
            "cape_report.html",
            "cape_run.json"
        ]
    );
    assert_eq!(
        prepare(dir.path(), &["no-liquidation.csv", "--strict"]).code,
        1
    );
    let r = prepare(dir.path(), &["no-liquidation.csv", "--assume-unliquidated"]);
    assert!(
        r.stderr
            .contains("  eligible        3   IEEPA duty        $4,001.04   "),
        "{}",
        r.stderr
    );
    assert_eq!(
        read(
            dir.path()
                .join("cape-out/ACEP_CapeEntryNumberUploadTemplate.csv")
        ),
        "Entry Number\r\nM2K10002376\r\nM2K10003747\r\nM2K10005114\r\n"
    );
}

#[test]
fn reconciliation_flagged_entries_in_a_later_phase() {
    let dir = scratch(&["sample.csv"]);
    assert_eq!(
        prepare(dir.path(), &["sample.csv", "--allow-reconciliation"]).code,
        0
    );
    let d = decisions(dir.path());
    assert!(d.contains(&"M2K10024297,eligible,".to_string()), "{d:?}");
    assert!(d.contains(&"M2K10025666,eligible,".to_string()), "{d:?}");
    // Type 08 stays excluded, and its reconciliation flag with it.
    assert!(
        d.contains(
            &"M2K10031144,excluded,excluded-entry-type;reconciliation-flagged;trade-control"
                .to_string()
        ),
        "{d:?}"
    );
}

#[test]
fn a_broker_export_with_other_headers_merges_with_the_ace_export() {
    let dir = scratch(&["sample.csv", "broker-export.txt"]);
    let r = prepare(dir.path(), &["broker-export.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = decisions(dir.path());
    assert_eq!(d.len(), 5);
    assert!(
        d.contains(&"M2K20000352,excluded,zero-ieepa-duty".to_string()),
        "{d:?}"
    );
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    // Windows-1252 names are read, amounts with $ and thousands separators add up.
    assert!(report.contains(",CAFÉ IMPORTS “NORTE”,"), "{report}");
    assert!(
        report.contains("M2K20000113,eligible,,,12052.50,"),
        "{report}"
    );

    let r = prepare(dir.path(), &["sample.csv", "broker-export.txt"]);
    assert_eq!(r.code, 0);
    let d = decisions(dir.path());
    assert_eq!(d.len(), 25);
    assert!(
        d.contains(&"M2K10002376,eligible,".to_string()),
        "identical rows merge: {d:?}"
    );
    assert!(
        d.contains(&"M2K10007854,review,conflicting-values".to_string()),
        "{d:?}"
    );
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    assert!(report.contains("sample.csv:2-3; broker-export.txt:2-3"));
    assert!(report.contains(
        "conflicting-values: broker-export.txt:4: Liq Status `Liquidated` differs from `UNLIQUIDATED` on an earlier row"
    ));
}

#[test]
fn json_summary() {
    let dir = scratch(&["sample.csv"]);
    let r = prepare(dir.path(), &["sample.csv", "--json"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["eligible"], 9);
    assert_eq!(v["excluded"], 13);
    assert_eq!(v["review"], 0);
    assert_eq!(v["ieepa_duty_eligible"], "5396.07");
    assert_eq!(v["reasons"]["excluded-entry-type"], 3);
    assert_eq!(
        v["declarations"][0]["path"],
        "cape-out/ACEP_CapeEntryNumberUploadTemplate.csv"
    );
    assert_eq!(v["declarations"][0]["entries"], 9);
    assert_eq!(v["nearest_deadlines"][0]["entry_number"], "M2K-1000648-4");
    assert_eq!(v["as_of"], AS_OF);
}

#[test]
fn bad_arguments_and_outputs_over_inputs() {
    let dir = scratch(&["sample.csv"]);
    for args in [
        vec!["sample.csv", "--as-of", "06/01/2026"],
        vec!["sample.csv", "--filer-code", "M2"],
        vec!["sample.csv", "--split-by", "port"],
        vec!["sample.csv", "--max-entries", "0"],
        vec!["nothing.csv"],
    ] {
        let mut full = vec!["prepare"];
        full.extend(args.iter());
        let r = run(dir.path(), &full);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    assert!(!dir.path().join("cape-out").exists());
    // Standard input is not read; a file named `-` is.
    let r = prepare(dir.path(), &["-"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: `-`: standard input is not read; save it to a file and give the file's path \
         (a file named `-` is `./-`)\n"
    );
    std::fs::copy(dir.path().join("sample.csv"), dir.path().join("-")).unwrap();
    let r = prepare(dir.path(), &["./-", "-o", "dash-out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_dir_all(dir.path().join("dash-out")).unwrap();
    // An output folder that is a file stops the run, before anything is read or written.
    let r = prepare(dir.path(), &["sample.csv", "-o", "sample.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: sample.csv: cannot be the output folder: sample.csv is a file; \
         choose another with --out-dir\n"
    );
    assert_eq!(
        read(dir.path().join("sample.csv")),
        read(fixture("es003/sample.csv"))
    );
    // An input named like an output in the output folder is never overwritten.
    std::fs::create_dir(dir.path().join("cape-out")).unwrap();
    std::fs::copy(
        dir.path().join("sample.csv"),
        dir.path().join("cape-out/cape_entries.csv"),
    )
    .unwrap();
    let r = prepare(dir.path(), &["cape-out/cape_entries.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("refusing to write an output over an input file"),
        "{}",
        r.stderr
    );
    assert_eq!(
        read(dir.path().join("cape-out/cape_entries.csv")),
        read(dir.path().join("sample.csv"))
    );
}

#[test]
fn two_runs_write_the_same_bytes() {
    let dir = scratch(&["sample.csv", "broker-export.txt"]);
    let args = ["sample.csv", "broker-export.txt", "--split-by", "filer"];
    assert_eq!(prepare(dir.path(), &args).code, 0);
    let first: Vec<(String, String)> = listing(&dir.path().join("cape-out"))
        .into_iter()
        .map(|f| (f.clone(), read(dir.path().join("cape-out").join(&f))))
        .collect();
    assert_eq!(prepare(dir.path(), &args).code, 0);
    for (f, bytes) in first {
        assert_eq!(read(dir.path().join("cape-out").join(&f)), bytes, "{f}");
    }
}

#[test]
fn formats_by_content_and_by_option() {
    let dir = scratch(&["sample.xlsx", "broker-export.txt"]);
    // A workbook saved under a .csv name is still read as a workbook.
    std::fs::copy(
        dir.path().join("sample.xlsx"),
        dir.path().join("renamed.csv"),
    )
    .unwrap();
    let r = prepare(dir.path(), &["renamed.csv", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (v["inputs"][0]["format"].as_str(), v["eligible"].as_u64()),
        (Some("xlsx"), Some(9))
    );
    // Tab-separated text is recognised whatever its name, or named by --input-format.
    std::fs::copy(
        dir.path().join("broker-export.txt"),
        dir.path().join("pull.dat"),
    )
    .unwrap();
    for extra in [&[][..], &["--input-format", "tsv"][..]] {
        let mut args = vec!["pull.dat", "--json"];
        args.extend_from_slice(extra);
        let v: serde_json::Value =
            serde_json::from_str(&prepare(dir.path(), &args).stdout).unwrap();
        assert_eq!(v["entries"], 5, "{extra:?}");
    }
    let r = prepare(dir.path(), &["pull.dat", "--input-format", "csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("missing `Entry Summary Number`"),
        "{}",
        r.stderr
    );
}

#[test]
fn choosing_the_sheet() {
    let dir = scratch(&["sample.xlsx"]);
    assert_eq!(
        prepare(dir.path(), &["sample.xlsx", "--sheet", "main report"]).code,
        0
    );
    let r = prepare(dir.path(), &["sample.xlsx", "--sheet", "Report Parameters"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("sample.xlsx: sheet `Report Parameters`: no header row"),
        "{}",
        r.stderr
    );
    let r = prepare(dir.path(), &["sample.xlsx", "--sheet", "Data"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no sheet named `Data`; the workbook has: Report Parameters, Main Report"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_readme_documents_every_rule_code() {
    let readme = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    for rule in cape::rules::Rule::ALL {
        assert!(
            readme.contains(&format!("`{}`", rule.code())),
            "{} is not in the README",
            rule.code()
        );
    }
}

/// Outputs are ordinary files: as readable as the umask allows, not private like temporary
/// files; a file replaced keeps its permissions.
#[cfg(unix)]
#[test]
fn outputs_take_the_umask_and_keep_the_permissions_they_replace() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch(&["sample.csv"]);
    let with_umask = |mask: &str| {
        let status = std::process::Command::new("sh")
            .current_dir(dir.path())
            .args(["-c", &format!("umask {mask} && exec \"$0\" \"$@\"")])
            .arg(assert_cmd::cargo::cargo_bin("cape"))
            .args(["prepare", "--as-of", AS_OF, "sample.csv"])
            .output()
            .unwrap()
            .status;
        assert_eq!(status.code(), Some(0));
    };
    let out = dir.path().join("cape-out");
    let mode = |name: &str| {
        std::fs::metadata(out.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    with_umask("022");
    let names = listing(&out);
    assert_eq!(names.len(), 5, "{names:?}");
    for name in &names {
        assert_eq!(mode(name), 0o644, "{name}");
    }
    std::fs::set_permissions(
        out.join("cape_entries.csv"),
        PermissionsExt::from_mode(0o640),
    )
    .unwrap();
    with_umask("077");
    assert_eq!(mode("cape_entries.csv"), 0o640);
    assert_eq!(mode("Cape_Validation_Result.csv"), 0o644);
}
