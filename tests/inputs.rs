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
