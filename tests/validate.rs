//! `cape validate` end to end: exit codes, messages, and the exact bytes of
//! Cape_Validation_Result.csv.

mod common;

use common::{fixture, listing, read, run, scratch_with};

const RESULT_HEADER: &str =
    "Not 11 characters long,Duplicate entry numbers,Filer code not matching\r\n";

#[test]
fn the_cbp_guide_example_fails_initial_validation() {
    let (dir, f) = scratch_with("validate/cbp-guide-example.csv");
    let r = run(dir.path(), &["validate", &f, "--filer-code", "0s2"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "cbp-guide-example.csv: ACE would reject this file: Failed initial validation
  5 entry numbers read, 2 distinct; filer code 0S2
  line 2: 0S2-12345: Not 11 characters long (8 letters/digits once other characters are removed)
  line 4: 0S2-1234567-8: Duplicate entry numbers (same entry number as line 3)
  line 5: 0s2 12345678: Duplicate entry numbers (same entry number as line 3)
  line 6: 0S3-12345679: Filer code not matching (starts with 0S3; the account's filer code is 0S2)
warning[check-digit]: line 6: check digit does not verify: it should be 7 (0S3-1234567-7); probably mistyped, and ACE will reject it as not found
wrote Cape_Validation_Result.csv (3 values)
"
    );
    assert_eq!(
        read(dir.path().join("Cape_Validation_Result.csv")),
        format!("{RESULT_HEADER}0S2-12345,0S2-12345678,0S3-12345679\r\n")
    );
}

#[test]
fn a_clean_file_is_accepted_and_gets_the_header_alone() {
    let (dir, f) = scratch_with("validate/clean.csv");
    let r = run(dir.path(), &["validate", &f, "--result", "out/result.csv"]);
    assert_eq!(r.code, 2, "the out/ folder does not exist: {}", r.stderr);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let r = run(dir.path(), &["validate", &f, "--result", "out/result.csv"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "clean.csv: ACE would accept this file
  5 entry numbers read, 5 distinct; no filer code given (--filer-code), filer codes not checked
  not checked offline: that each entry exists and belongs to the importer (ACE's batch validation)
wrote out/result.csv (0 values)
"
    );
    assert_eq!(read(dir.path().join("out/result.csv")), RESULT_HEADER);
    assert_eq!(listing(&dir.path().join("out")), ["result.csv"]);
}

#[test]
fn filer_code_rule_under_a_broker_account() {
    let (dir, f) = scratch_with("validate/broker-0S2.csv");
    assert_eq!(
        run(dir.path(), &["validate", &f, "--filer-code", "0S2"]).code,
        0
    );
    let r = run(dir.path(), &["validate", &f, "--filer-code", "0S3"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        read(dir.path().join("Cape_Validation_Result.csv")),
        format!("{RESULT_HEADER},,0S2-1234567-8\r\n,,0S2-1111111-3\r\n,,0S2-7654321-8\r\n")
    );
}

#[test]
fn tier_one_failures_write_no_result_file() {
    for (rel, reason, hint) in [
        (
            "validate/empty.csv",
            "CSV content is empty",
            "add one entry number per row",
        ),
        (
            "validate/header-only.csv",
            "CSV content is empty",
            "add one entry number per row",
        ),
        (
            "validate/no-header.csv",
            "Header row is missing",
            "insert a first row `Entry Number`",
        ),
        (
            "validate/wrong-header.csv",
            "Header row is missing",
            "the first row is `Entry No.`",
        ),
        (
            "validate/declaration.txt",
            "Not a CSV file.",
            "ends in `.txt`",
        ),
        (
            "validate/workbook-saved-as.csv",
            "Not a CSV file.",
            "Excel workbook (.xlsx) saved with a .csv name",
        ),
    ] {
        let (dir, f) = scratch_with(rel);
        let r = run(dir.path(), &["validate", &f]);
        assert_eq!(r.code, 1, "{rel}");
        assert!(
            r.stderr
                .starts_with(&format!("{f}: ACE would reject this file: {reason}\n")),
            "{rel}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(hint), "{rel}: {}", r.stderr);
        assert_eq!(listing(dir.path()), vec![f.clone()], "{rel}");
    }
}

#[test]
fn warnings_pass_unless_strict() {
    let (dir, f) = scratch_with("validate/warnings.csv");
    let r = run(dir.path(), &["validate", &f]);
    assert_eq!(r.code, 0);
    for w in [
        "warning[bom]: line 1",
        "warning[extra-columns]: line 2: 1 row",
        "warning[blank-row]: line 3: 2 blank rows (lines 3, 5)",
        "warning[check-digit]: line 4: check digit does not verify: it should be 7",
    ] {
        assert!(r.stderr.contains(w), "{w}: {}", r.stderr);
    }
    assert_eq!(run(dir.path(), &["validate", &f, "--strict"]).code, 1);
}

#[test]
fn spreadsheet_damage_is_explained() {
    let (dir, f) = scratch_with("validate/spreadsheet-damaged.csv");
    let r = run(dir.path(), &["validate", &f]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("`6.05761E+10` is scientific notation"));
    assert!(
        r.stderr
            .contains("it was probably `00261111157` (its check digit verifies)")
    );
    assert!(r.stderr.contains("write it as `60576072486`"));
    assert_eq!(
        read(dir.path().join("Cape_Validation_Result.csv")),
        format!(
            "{RESULT_HEADER}6.05761E+10,,\r\n2611103162,,\r\n261111157,,\r\n60576072486.0,,\r\n"
        )
    );
}

#[test]
fn formulas_are_neutralised_in_the_result_file() {
    let (dir, f) = scratch_with("validate/formula.csv");
    assert_eq!(run(dir.path(), &["validate", &f]).code, 1);
    assert_eq!(
        read(dir.path().join("Cape_Validation_Result.csv")),
        format!("{RESULT_HEADER}\"'=HYPERLINK(\"\"http://x\"\")\",,\r\n'-1234,,\r\n")
    );
}

#[test]
fn too_many_entries() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Entry Number\r\n");
    for i in 0..10_000u32 {
        let e = cape::entry::EntryNumber::parse(&format!("ABC{i:07}0")).unwrap();
        text.push_str(&format!("{}\r\n", e.with_check_digit()));
    }
    std::fs::write(dir.path().join("big.csv"), &text).unwrap();
    let r = run(dir.path(), &["validate", "big.csv"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("the file holds 10000 entry numbers; one declaration holds at most 9999: split them into 2 declarations"), "{}", r.stderr);
    assert_eq!(
        run(
            dir.path(),
            &["validate", "big.csv", "--max-entries", "10000"]
        )
        .code,
        0
    );
}

#[test]
fn json_report() {
    let (dir, f) = scratch_with("validate/cbp-guide-example.csv");
    let r = run(
        dir.path(),
        &["validate", &f, "--filer-code", "0S2", "--json"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["accepted"], false);
    assert_eq!(v["tier"], 2);
    assert_eq!(v["reason"], "Failed initial validation");
    assert_eq!(v["rows"], 5);
    assert_eq!(v["counts"]["duplicate-entry"], 2);
    assert_eq!(v["problems"][0]["line"], 2);
    assert_eq!(v["problems"][0]["rule"], "entry-format");
    assert_eq!(v["problems"][0]["value"], "0S2-12345");
    assert_eq!(v["warnings"][0]["rule"], "check-digit");
    assert_eq!(v["result_file"], "Cape_Validation_Result.csv");
}

#[test]
fn cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["validate", "missing.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: missing.csv: cannot read the file: "),
        "{}",
        r.stderr
    );
    let clean = fixture("validate/clean.csv");
    let clean = clean.to_str().unwrap();
    let r = run(dir.path(), &["validate", clean, "--filer-code", "0S-2"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`0S-2` is not a filer code"),
        "{}",
        r.stderr
    );
    assert_eq!(
        run(dir.path(), &["validate", clean, "--max-entries", "0"]).code,
        2
    );
    assert_eq!(run(dir.path(), &["validate"]).code, 2);
    // Standard input is not read, as a declaration or as an earlier one.
    for args in [
        vec!["validate", "-"],
        vec!["validate", clean, "--declared", "-"],
    ] {
        let r = run(dir.path(), &args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(
            r.stderr
                .starts_with("error: `-`: standard input is not read"),
            "{}",
            r.stderr
        );
    }
    // The result path may not be the input.
    let (dir, f) = scratch_with("validate/clean.csv");
    let r = run(dir.path(), &["validate", &f, "--result", &f]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("refusing to write an output over an input"),
        "{}",
        r.stderr
    );
    assert_eq!(
        read(dir.path().join(&f)),
        read(fixture("validate/clean.csv"))
    );
}

#[test]
fn template_writes_the_header_alone_and_keeps_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["template"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "wrote ACEP_CapeEntryNumberUploadTemplate.csv\n")
    );
    let path = dir.path().join("ACEP_CapeEntryNumberUploadTemplate.csv");
    assert_eq!(read(&path), "Entry Number\r\n");
    std::fs::write(&path, "keep").unwrap();
    let r = run(dir.path(), &["template"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the file exists; pass --force to overwrite it"),
        "{}",
        r.stderr
    );
    assert_eq!(read(&path), "keep");
    assert_eq!(run(dir.path(), &["template", "--force"]).code, 0);
    assert_eq!(read(&path), "Entry Number\r\n");
    assert_eq!(run(dir.path(), &["template", "mine.csv"]).code, 0);
    // The template is a valid, empty declaration.
    let r = run(dir.path(), &["validate", "mine.csv"]);
    assert!(r.stderr.contains("CSV content is empty"));
}

#[test]
fn a_utf16_declaration_is_read_as_its_text() {
    let (dir, f) = scratch_with("validate/cbp-guide-example-utf16.csv");
    let r = run(dir.path(), &["validate", &f, "--filer-code", "0S2"]);
    assert_eq!(r.code, 1);
    let (plain, g) = scratch_with("validate/cbp-guide-example.csv");
    let want = run(plain.path(), &["validate", &g, "--filer-code", "0S2"]);
    // The same findings, and a warning that ACE may not read UTF-16.
    assert!(
        r.stderr.contains(
            "warning[bom]: line 1: the file is UTF-16 text (Excel's \"Unicode Text\"), read here as \
             text; ACE may not read it"
        ),
        "{}",
        r.stderr
    );
    let without: String = r
        .stderr
        .lines()
        .filter(|l| !l.starts_with("warning[bom]"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(without.replace(&f, &g), want.stderr);
    assert_eq!(
        read(dir.path().join("Cape_Validation_Result.csv")),
        read(plain.path().join("Cape_Validation_Result.csv"))
    );
}

/// A file far larger than any declaration, streamed through a pipe under a memory limit the
/// whole-file reading would exceed many times over: checked in bounded memory, with the
/// findings counted past the ones listed.
#[test]
fn a_huge_file_is_checked_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("huge.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    // 2 million rows (26 MB) by default; CAPE_HUGE_ROWS=77000000 streams 1 GB (slow in a
    // debug build: run it with `cargo test --release`).
    let rows: u32 = std::env::var("CAPE_HUGE_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(fifo).unwrap());
        w.write_all(b"Entry Number\r\n").unwrap();
        for i in 0..rows {
            // 300,000 distinct entries, each repeated.
            write!(w, "M2K{:08}\r\n", i % 300_000).unwrap();
        }
    });
    let r = common::run_limited(dir.path(), "-v 200000", &["validate", "huge.csv"]);
    writer.join().unwrap();
    let stderr = r.stderr;
    assert_eq!(r.code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("  {rows} entry numbers read, 200000 distinct;")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "the file holds {rows} entry numbers; one declaration holds at most 9999"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("entries past the first 200000 distinct ones were not compared"),
        "{stderr}"
    );
    assert!(
        stderr.lines().count() < 20_100,
        "{}",
        stderr.lines().count()
    );
}

/// ACE's own `Cape_Validation_Result.csv` (downloaded for a rejected upload) is never
/// replaced; cape's own result, from an earlier run, is.
#[test]
fn a_validation_result_cape_did_not_write_is_kept() {
    let (dir, f) = scratch_with("validate/cbp-guide-example.csv");
    let d = dir.path();
    let ace = "Not 11 characters long,Duplicate entry numbers,Filer code not matching\r\nX,,\r\n";
    std::fs::write(d.join("Cape_Validation_Result.csv"), ace).unwrap();
    let r = run(d, &["validate", &f, "--filer-code", "0S2"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "note: Cape_Validation_Result.csv exists (ACE's own result of an upload?) and is \
             left as it is\nwrote Cape_Validation_Result (cape).csv (3 values)\n"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(read(d.join("Cape_Validation_Result.csv")), ace);
    let ours = read(d.join("Cape_Validation_Result (cape).csv"));
    // Run again: ACE's file is still kept, cape's own is replaced.
    let r = run(d, &["validate", &f, "--filer-code", "0S2"]);
    assert_eq!(r.code, 1);
    assert_eq!(read(d.join("Cape_Validation_Result.csv")), ace);
    assert_eq!(read(d.join("Cape_Validation_Result (cape).csv")), ours);
    // Where no file had the name, cape's result there is its own the next time.
    let (dir, f) = scratch_with("validate/cbp-guide-example.csv");
    for _ in 0..2 {
        let r = run(dir.path(), &["validate", &f, "--filer-code", "0S2"]);
        assert!(
            r.stderr
                .ends_with("wrote Cape_Validation_Result.csv (3 values)\n"),
            "{}",
            r.stderr
        );
    }
}
