//! Files as Excel and ACE really save them: UTF-16 "Unicode Text", semicolons, pipes,
//! files that are not exports at all. The same data gives the same decisions, or a clear
//! refusal (exit 2, the file, the fix) and no output.

mod common;

use std::path::Path;

use common::{fixture, read, run};

const AS_OF: &str = "2026-06-01";

/// The report of a run on `input` in `dir`, with the source column cut off (it names the
/// input file).
fn report_of(dir: &Path, input: &str) -> String {
    let r = run(dir, &["prepare", input, "--as-of", AS_OF, "-o", "out"]);
    assert_eq!(r.code, 0, "{input}: {}", r.stderr);
    let text = read(dir.join("out/cape_entries.csv"));
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    text.replace(input, "INPUT")
}

fn copy(dir: &Path, rel: &str) -> String {
    let name = Path::new(rel).file_name().unwrap().to_str().unwrap();
    std::fs::copy(fixture(rel), dir.join(name)).unwrap();
    name.to_string()
}

#[test]
fn unicode_text_and_semicolons_give_the_sample_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let sample = copy(dir.path(), "es003/sample.csv");
    let want = report_of(dir.path(), &sample);
    assert!(want.contains("M2K10002376,eligible,"), "{want}");
    for rel in [
        "es003/sample-utf16le.txt",
        "es003/sample-utf16be.txt",
        "es003/sample-semicolon.csv",
    ] {
        let name = copy(dir.path(), rel);
        assert_eq!(report_of(dir.path(), &name), want, "{rel}");
    }
}

/// ACE's own CSV: a byte-order mark, CRLF, amounts written `"$10,000.00"` and `$0.00`, and
/// some rows with every field quoted, as other tools save them. The rows are those of
/// `sample.csv`, line for line: the same report, and the same declaration, byte for byte.
#[test]
fn ace_formatting_gives_the_sample_report_and_declaration() {
    let dir = tempfile::tempdir().unwrap();
    let sample = copy(dir.path(), "es003/sample.csv");
    let want = report_of(dir.path(), &sample);
    let ace = copy(dir.path(), "es003/ace-formatted.csv");
    let r = run(
        dir.path(),
        &["prepare", &ace, "--as-of", AS_OF, "-o", "out"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read(
            dir.path()
                .join("out/ACEP_CapeEntryNumberUploadTemplate.csv")
        ),
        read(fixture("es003/expected/sample-declaration.csv"))
    );
    let got = read(dir.path().join("out/cape_entries.csv")).replace(&ace, "INPUT");
    assert_eq!(got, want);
}

#[test]
fn a_pipe_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let sample = copy(dir.path(), "es003/sample.csv");
    let want = report_of(dir.path(), &sample);
    // Nothing may be lost to the bytes read to tell the format.
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let body = std::fs::read(fixture("es003/sample.csv")).unwrap();
    let writer = std::thread::spawn(move || std::fs::write(fifo, body).unwrap());
    let got = report_of(dir.path(), "pipe.csv");
    writer.join().unwrap();
    assert_eq!(got, want);
}

/// Exit 2, the file named with what it is, and no output.
fn refused(dir: &Path, name: &str, bytes: &[u8], says: &str) {
    std::fs::write(dir.join(name), bytes).unwrap();
    let r = run(dir, &["prepare", name, "--as-of", AS_OF, "-o", "out"]);
    assert_eq!(r.code, 2, "{name}: {}", r.stderr);
    assert!(
        r.stderr
            .starts_with(&format!("error: {name}: the file is {says}")),
        "{name}: {}",
        r.stderr
    );
    assert!(!dir.join("out").exists(), "{name}");
}

#[test]
fn what_is_not_an_export_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    refused(d, "scan.csv", b"%PDF-1.7\n...", "a PDF document");
    refused(d, "photo.csv", b"\x89PNG\r\n\x1a\n....", "a PNG image");
    refused(
        d,
        "old.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1......",
        "an old Excel workbook (.xls)",
    );
    let no_mark: Vec<u8> = "Entry Summary Number\tHTS\r\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    refused(
        d,
        "unicode.txt",
        &no_mark,
        "UTF-16 text without a byte-order mark",
    );
}

/// The decisions of a run, as `entry,decision,reasons`.
fn decisions(dir: &Path, args: &[&str]) -> (common::Ran, Vec<String>) {
    let mut all = vec!["prepare", "--as-of", AS_OF, "-o", "out"];
    all.extend_from_slice(args);
    let r = run(dir, &all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = read(dir.join("out/cape_entries.csv"));
    let rows = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(3).collect::<Vec<_>>().join(","))
        .collect();
    (r, rows)
}

#[test]
fn decimal_commas_are_row_errors_not_hundredfold_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let name = copy(dir.path(), "es003/decimal-comma.csv");
    let (r, rows) = decisions(dir.path(), &[&name]);
    assert!(
        r.stderr
            .contains("  eligible        0   IEEPA duty            $0.00   "),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "decimal-comma.csv:2: Line Tariff Duty Amount `0,00` is not an amount; a comma may \
             only group thousands (`12,345.67`): save the export with a point as the decimal \
             separator (`250.00`, not `250,00`)"
        ),
        "{}",
        r.stderr
    );
    assert!(
        rows.contains(&"M2K10002376,review,row-error".to_string()),
        "{rows:?}"
    );
}

#[test]
fn day_first_dates_are_not_trusted_unless_the_order_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let name = copy(dir.path(), "es003/day-first-dates.csv");
    // Liquidated 12 March 2026 (over 80 days before the filing date), 25 March 2026, and
    // not liquidated.
    let (r, rows) = decisions(dir.path(), &[&name]);
    assert_eq!(
        rows,
        [
            "M2K10002376,review,row-error",
            "M2K10003747,review,row-error",
            "M2K10005114,eligible,"
        ]
    );
    assert!(
        r.stderr.contains(&format!(
            "note: {name}:3: Liquidation Date `25/03/2026` reads only as day/month/year"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("give --date-order dmy or mdy"),
        "{}",
        r.stderr
    );
    let (_, rows) = decisions(dir.path(), &[&name, "--date-order", "dmy"]);
    assert_eq!(
        rows,
        [
            "M2K10002376,excluded,liquidated-over-80-days",
            "M2K10003747,eligible,",
            "M2K10005114,eligible,"
        ]
    );
    let (r, rows) = decisions(dir.path(), &[&name, "--date-order", "mdy"]);
    assert_eq!(rows[0], "M2K10002376,eligible,");
    assert!(
        r.stderr
            .contains("Liquidation Date `25/03/2026` is not a date"),
        "{}",
        r.stderr
    );
}

#[test]
fn excel_guarded_cells_are_read_in_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let sample = copy(dir.path(), "es003/sample.csv");
    let want = report_of(dir.path(), &sample);
    let name = copy(dir.path(), "es003/guarded-cells.csv");
    assert_eq!(report_of(dir.path(), &name), want);
}

/// The decisions and IEEPA duty of every entry, from `cape_entries.csv`.
fn decided(dir: &Path, inputs: &[&str]) -> Vec<String> {
    let mut args = vec!["prepare", "--as-of", AS_OF, "-o", "out"];
    args.extend_from_slice(inputs);
    let r = run(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = read(dir.join("out/cape_entries.csv"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            format!("{},{},{},{}", &r[0], &r[1], &r[2], &r[4])
        })
        .collect()
}

#[test]
fn a_split_export_gives_the_decisions_of_the_whole_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for f in ["sample.csv", "split-part1.csv", "split-part2.csv"] {
        copy(d, &format!("es003/{f}"));
    }
    let whole = decided(d, &["sample.csv"]);
    // M2K-1001470-2 has its commodity row in part 1 and its IEEPA row in part 2.
    assert!(
        whole.contains(&"M2K10014702,excluded,liquidated-over-80-days,640.00".to_string()),
        "{whole:?}"
    );
    assert_eq!(decided(d, &["split-part1.csv", "split-part2.csv"]), whole);
    assert_eq!(decided(d, &["split-part2.csv", "split-part1.csv"]), whole);
    // A part given twice counts once.
    assert_eq!(
        decided(d, &["split-part1.csv", "split-part2.csv", "sample.csv"]),
        whole
    );
}

#[test]
fn exports_pasted_together_count_each_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy(d, "es003/sample.csv");
    let whole = decided(d, &["sample.csv"]);
    let mut twice = std::fs::read(fixture("es003/sample.csv")).unwrap();
    twice.extend(std::fs::read(fixture("es003/sample.csv")).unwrap());
    std::fs::write(d.join("twice.csv"), twice).unwrap();
    let r = run(d, &["prepare", "twice.csv", "--as-of", AS_OF, "-o", "out"]);
    assert!(
        r.stderr.contains(
            "note: twice.csv: the header row comes again 1 time (line 49; exports pasted \
             together?): skipped, not read as entries"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(" 94 rows, 22 entries"), "{}", r.stderr);
    assert_eq!(decided(d, &["twice.csv"]), whole);
}

#[test]
fn the_same_row_with_other_values_is_a_conflict_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy(d, "es003/sample.csv");
    copy(d, "es003/split-conflict.csv");
    // The second copy of M2K-1000237-6's IEEPA row has a Section 301 number: read alone it
    // would have no IEEPA row; together the entry is under review, not excluded.
    let want = "M2K10002376,review,conflicting-values,1000.00".to_string();
    for order in [
        ["sample.csv", "split-conflict.csv"],
        ["split-conflict.csv", "sample.csv"],
    ] {
        let got = decided(d, &order);
        assert!(got.contains(&want), "{order:?}: {got:?}");
    }
}

#[test]
fn the_column_of_each_field_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = copy(d, "es003/broker-export.txt");
    let r = run(d, &["prepare", &name, "--as-of", AS_OF, "-o", "out"]);
    assert!(
        r.stderr.contains(
            "note: broker-export.txt read by other names: `Entry #` as entry-number, `HTS Code` \
             as hts, `Duty Paid` as duty,"
        ),
        "{}",
        r.stderr
    );
    let r = run(
        d,
        &["prepare", &name, "--as-of", AS_OF, "-o", "out", "--verbose"],
    );
    assert!(
        r.stderr.contains(
            "columns of broker-export.txt (utf-8/windows-1252, tab-separated), header on line \
             1:\n  entry-number         column   1  Entry #\n"
        ),
        "{}",
        r.stderr
    );
    let run_json: serde_json::Value =
        serde_json::from_str(&read(d.join("out/cape_run.json"))).unwrap();
    let cols = &run_json["input_columns"][0];
    assert_eq!(cols["delimiter"], "\t");
    assert_eq!(cols["columns"][0]["field"], "entry-number");
    assert_eq!(cols["columns"][0]["header"], "Entry #");
    assert_eq!(cols["columns"][0]["column"], 1);
    let r = run(
        d,
        &["prepare", &name, "--as-of", AS_OF, "-o", "out", "--json"],
    );
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["inputs"][0]["columns"], cols["columns"]);
}

#[test]
fn two_columns_for_one_field_and_a_status_that_is_a_claim_status() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("two.csv"),
        "HTS Number,Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount\r\n\
         8471300100,M2K-1000237-6,99030125,10.00\r\n",
    )
    .unwrap();
    let (r, rows) = decisions(d, &["two.csv", "--assume-unliquidated"]);
    assert!(
        r.stderr.contains(
            "note: two.csv: columns 3 `HTS Number - Full` and 1 `HTS Number` both name the hts \
             field; column 3 `HTS Number - Full` is read (ACE's name), column 1 is not"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(rows, ["M2K10002376,eligible,"]);
    std::fs::write(
        d.join("claims.csv"),
        "Entry Number,HTS,Duty,Status\r\nM2K-1000237-6,99030125,10.00,Entry Summary Updated\r\n",
    )
    .unwrap();
    let r = run(
        d,
        &[
            "prepare",
            "claims.csv",
            "--as-of",
            AS_OF,
            "-o",
            "claims-out",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(
            "error: claims.csv: its `Status` column holds `Entry Summary Updated` (line 2), a \
             claim status from ACE's Claim Details, not an entry summary status"
        ),
        "{}",
        r.stderr
    );
    assert!(!d.join("claims-out").exists());
}

#[test]
fn a_piped_workbook_is_read_and_fingerprinted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = copy(d, "es003/sample.xlsx");
    let want = report_of(d, &name);
    let fifo = d.join("pipe.xlsx");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let body = std::fs::read(fixture("es003/sample.xlsx")).unwrap();
    let sha = cape::output::fingerprint_file(&fixture("es003/sample.xlsx")).unwrap();
    let writer = std::thread::spawn(move || std::fs::write(fifo, body).unwrap());
    let r = run(d, &["prepare", "pipe.xlsx", "--as-of", AS_OF, "-o", "out"]);
    writer.join().unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = read(d.join("out/cape_entries.csv")).replace("pipe.xlsx", "INPUT");
    assert_eq!(got, want);
    let record: serde_json::Value =
        serde_json::from_str(&read(d.join("out/cape_run.json"))).unwrap();
    assert_eq!(record["inputs"][0]["sha256"], sha.sha256.as_str());
}
