//! Damaged and hostile inputs end to end: each gives a clear message (exit 2 when the file
//! cannot be read, review when rows are damaged), never a panic, a hang, or a half-written
//! output.

mod common;

use std::io::Write;
use std::path::Path;

use common::{fixture, listing, read, run};

const HEADER: &str = "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount\r\n";

fn prepare(dir: &Path, input: &str) -> common::Ran {
    run(
        dir,
        &[
            "prepare",
            input,
            "--as-of",
            "2026-06-01",
            "--assume-unliquidated",
        ],
    )
}

/// Exit 2, a message naming the file, and no output folder.
fn refused(dir: &Path, input: &str, says: &str) {
    let r = prepare(dir, input);
    assert_eq!(r.code, 2, "{input}: {}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!("error: {input}: ")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(says), "{says}\n{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(!dir.join("cape-out").exists(), "{input}");
}

/// A ZIP archive of stored `parts`, as the zip crate writes it.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Rewrites the uncompressed size recorded for `part`, in its local header and its central
/// directory entry, as a decompression bomb would declare it.
fn declare_size(zip: &mut [u8], part: &str, size: u32) {
    // (signature, offset of the size, of the name length, of the name)
    let headers: [(&[u8], usize, usize, usize); 2] =
        [(b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)];
    for (sig, size_at, len_at, name_at) in headers {
        let mut at = 0;
        while let Some(p) = zip[at..].windows(4).position(|w| w == sig) {
            let h = at + p;
            let n = u16::from_le_bytes([zip[h + len_at], zip[h + len_at + 1]]) as usize;
            if zip.get(h + name_at..h + name_at + n) == Some(part.as_bytes()) {
                zip[h + size_at..h + size_at + 4].copy_from_slice(&size.to_le_bytes());
            }
            at = h + 4;
        }
    }
}

#[test]
fn a_truncated_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("es003/sample.xlsx")).unwrap();
    std::fs::write(dir.path().join("cut.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    refused(dir.path(), "cut.xlsx", "not a readable ZIP archive");
}

#[test]
fn a_zip_that_is_not_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("photos.xlsx"),
        zip_of(&[("IMG_0001.txt", b"hello")]),
    )
    .unwrap();
    refused(
        dir.path(),
        "photos.xlsx",
        "the file is a ZIP archive that is not an Excel workbook",
    );
}

#[test]
fn workbook_parts_that_would_inflate_past_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let mut z = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/sharedStrings.xml", b"<sst/>"),
    ]);
    declare_size(&mut z, "xl/sharedStrings.xml", 1 << 30);
    std::fs::write(dir.path().join("strings.xlsx"), &z).unwrap();
    refused(
        dir.path(),
        "strings.xlsx",
        "its shared strings inflate to 1024 MiB, over the 256 MiB",
    );

    let mut z = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
    ]);
    declare_size(&mut z, "xl/worksheets/sheet1.xml", 3 << 30);
    std::fs::write(dir.path().join("bomb.xlsx"), &z).unwrap();
    refused(dir.path(), "bomb.xlsx", "inflates");
    refused(dir.path(), "bomb.xlsx", "a decompression bomb?");
}

#[test]
fn invalid_utf8_nul_bytes_and_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = HEADER.as_bytes().to_vec();
    body.extend_from_slice(b"M2K-1000237-6,99030125,10.00\r\n");
    body.extend_from_slice(b"M2K-100\xff0374-7,99030125,11.00\r\n");
    body.extend_from_slice(b"M2K-1000511-4,9903\x000125,12.00\r\n");
    body.extend_from_slice(b"\x00\x00,\x00,\x00\r\n");
    std::fs::write(dir.path().join("bytes.csv"), &body).unwrap();
    let r = prepare(dir.path(), "bytes.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    // An invalid byte is dropped like any other non-alphanumeric character.
    assert!(report.contains("\r\nM2K10003747,eligible,"), "{report}");
    assert!(
        report.contains("\r\nM2K10005114,review,row-error,"),
        "{report}"
    );
    assert!(
        report.contains("HTS Number - Full `9903\u{0}0125` is not an HTS number"),
        "{report}"
    );
    assert!(r.stderr.contains("bytes.csv:5: "), "{}", r.stderr);
}

#[test]
fn an_unterminated_quote_in_a_small_file_puts_its_entry_under_review() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{HEADER}M2K-1000237-6,99030125,10.00\r\nM2K-1000374-7,\"99030125,11.00\r\nM2K-1000511-4,99030125,12.00\r\n"
    );
    std::fs::write(dir.path().join("quote.csv"), body).unwrap();
    let r = prepare(dir.path(), "quote.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    assert!(
        report.contains("\r\nM2K10003747,review,row-error,"),
        "{report}"
    );
    assert!(report.contains("\r\nM2K10002376,eligible,"), "{report}");
}

#[test]
fn a_row_longer_than_the_limit_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(dir.path().join("long.csv")).unwrap());
    f.write_all(HEADER.as_bytes()).unwrap();
    f.write_all(b"M2K-1000237-6,99030125,10.00\r\nM2K-1000374-7,\"")
        .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\",10.00\r\n").unwrap();
    drop(f);
    refused(
        dir.path(),
        "long.csv",
        "line 3: cannot read the CSV: a single row runs longer than 64 MiB",
    );
}

#[test]
fn a_file_with_only_a_header() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.csv"), HEADER).unwrap();
    let r = prepare(dir.path(), "empty.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("cape prepare: 1 input read, 0 rows, 0 entries"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("no entry is eligible: no declaration written")
    );
    assert_eq!(
        read(dir.path().join("cape-out/cape_entries.csv"))
            .lines()
            .count(),
        1,
        "the header row alone"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nothing.csv"), "").unwrap();
    refused(dir.path(), "nothing.csv", "the file is empty");
}

#[test]
fn ten_thousand_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut header: Vec<String> = (0..10_000).map(|i| format!("Extra {i}")).collect();
    header[4_000] = "Entry Summary Number".into();
    header[7_000] = "HTS Number - Full".into();
    header[9_999] = "Line Tariff Duty Amount".into();
    let mut row = vec![String::new(); 10_000];
    row[4_000] = "M2K-1000237-6".into();
    row[7_000] = "99030125".into();
    row[9_999] = "10.00".into();
    let body = format!("{}\r\n{}\r\n", header.join(","), row.join(","));
    std::fs::write(dir.path().join("wide.csv"), body).unwrap();
    let r = prepare(dir.path(), "wide.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read(
            dir.path()
                .join("cape-out/ACEP_CapeEntryNumberUploadTemplate.csv")
        ),
        "Entry Number\r\nM2K10002376\r\n"
    );
}

#[test]
fn the_same_input_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("es003/sample.csv"), dir.path().join("sample.csv")).unwrap();
    let r = run(
        dir.path(),
        &[
            "prepare",
            "sample.csv",
            "./sample.csv",
            "--as-of",
            "2026-06-01",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (v["rows"].as_u64(), v["entries"].as_u64()),
        (Some(47), Some(22))
    );
    assert_eq!(v["repeated_inputs"][0], "./sample.csv");
    assert_eq!(v["ieepa_duty_eligible"], "5396.07");
}

#[test]
fn an_output_folder_that_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("es003/sample.csv"), dir.path().join("sample.csv")).unwrap();
    // The output folder's path runs through a file.
    let r = run(
        dir.path(),
        &["prepare", "sample.csv", "-o", "sample.csv/out"],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: sample.csv/out: cannot be the output folder: sample.csv is a file; \
         choose another with --out-dir\n"
    );
    // One target is a folder that cape did not write: nothing is put in place, nothing is
    // left beside it.
    std::fs::create_dir_all(dir.path().join("cape-out/cape_entries.csv")).unwrap();
    let r = run(
        dir.path(),
        &["prepare", "sample.csv", "--as-of", "2026-06-01"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "cape-out/cape_entries.csv: cannot write the file: this file was not written by cape"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(listing(&dir.path().join("cape-out")), ["cape_entries.csv"]);
    assert_eq!(listing(dir.path()), ["cape-out", "sample.csv"]);
}

#[test]
fn a_no_break_space_is_not_an_entry_number() {
    // Found by the accounting property: a cell of U+00A0 alone became an entry "".
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{HEADER}\u{a0},99030125,10.00\r\n\u{a0},\u{a0},\u{a0}\r\nM2K-1000237-6,99030125,10.00\r\n"
    );
    std::fs::write(dir.path().join("nbsp.csv"), body).unwrap();
    let r = prepare(dir.path(), "nbsp.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("nbsp.csv:2: no Entry Summary Number on this row"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("row problems: 1 "),
        "the blank row is no problem: {}",
        r.stderr
    );
    let report = read(dir.path().join("cape-out/cape_entries.csv"));
    assert_eq!(report.lines().count(), 2, "{report}");
}

/// Terminal escapes in an entry number are shown, never sent to the terminal: they could
/// clear the screen or rewrite the verdict.
#[test]
fn terminal_escapes_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esc.csv"),
        b"Entry Number\r\n0S2\x1b[2J\x1b[1;1HACE would accept this file\x07\r\n",
    )
    .unwrap();
    let r = run(dir.path(), &["validate", "esc.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        !r.stderr.contains('\x1b') && !r.stderr.contains('\x07'),
        "{:?}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("line 2: 0S2\\u{1b}[2J\\u{1b}[1;1HACE would accept this file\\u{7}:"),
        "{}",
        r.stderr
    );
    let mut body = HEADER.as_bytes().to_vec();
    body.extend_from_slice(b"M2K-1000237-6\x1b]0;owned\x07,99030125,N/A\r\n");
    std::fs::write(dir.path().join("esc-es003.csv"), &body).unwrap();
    let r = prepare(dir.path(), "esc-es003.csv");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains('\x1b'), "{:?}", r.stderr);
}

/// A full disk behind stderr ends the run with exit 2, not a panic.
#[test]
fn a_failed_write_to_stderr_is_exit_2() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("es003/sample.csv"), dir.path().join("sample.csv")).unwrap();
    for args in [
        &["prepare", "sample.csv", "--as-of", "2026-06-01"][..],
        &[
            "validate",
            "cape-out/ACEP_CapeEntryNumberUploadTemplate.csv",
        ],
    ] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("cape"))
            .current_dir(dir.path())
            .args(args)
            .stderr(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // And behind stdout.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("cape"))
        .args(["rules", "--json"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
