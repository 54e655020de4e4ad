//! Unit tests of the tiers, on bytes.

use super::*;

fn opts(filer: Option<&str>) -> ValidateOptions {
    ValidateOptions {
        filer_code: filer.and_then(FilerCode::parse),
        max_entries: 9_999,
        declared: Declared::default(),
    }
}

fn run_on(bytes: &[u8]) -> Validation {
    check(Path::new("d.csv"), bytes, &opts(None))
}

fn codes(f: &[Finding]) -> Vec<(Option<u64>, &'static str)> {
    f.iter().map(|f| (f.line, f.rule.code())).collect()
}

#[test]
fn a_clean_file_is_accepted_with_an_empty_result() {
    let v = run_on(b"Entry Number\r\n002-6110316-2\r\n00261111157\r\n");
    assert!(v.accepted);
    assert_eq!((v.tier, v.rows, v.distinct_entries), (2, 2, 2));
    assert!(v.problems.is_empty() && v.warnings.is_empty());
    assert_eq!(v.result, Some(ValidationResult::default()));
}

#[test]
fn header_is_matched_loosely() {
    for h in ["entry number", "  ENTRY NUMBER ", "\"Entry Number\""] {
        let v = run_on(format!("{h}\n00261103162\n").as_bytes());
        assert!(v.accepted, "{h}");
    }
}

#[test]
fn tier_one_failures_stop_the_check() {
    for (bytes, rule, reason) in [
        (&b""[..], Rule::EmptyFile, "CSV content is empty"),
        (b"\r\n\r\n", Rule::EmptyFile, "CSV content is empty"),
        (b"Entry Number\r\n", Rule::EmptyFile, "CSV content is empty"),
        (
            b"Entry Number\r\n,\r\n  \r\n",
            Rule::EmptyFile,
            "CSV content is empty",
        ),
        (
            b"00261103162\r\n",
            Rule::MissingHeader,
            REASON_MISSING_HEADER,
        ),
        (
            b"Entry No\r\n00261103162\r\n",
            Rule::MissingHeader,
            REASON_MISSING_HEADER,
        ),
        (
            b"\r\nEntry Number\r\n00261103162\r\n",
            Rule::MissingHeader,
            REASON_MISSING_HEADER,
        ),
        (b"PK\x03\x04\x14\0", Rule::NotCsv, "Not a CSV file."),
    ] {
        let v = run_on(bytes);
        assert!(!v.accepted);
        assert_eq!(v.tier, 1);
        assert_eq!(v.reason.as_deref(), Some(reason), "{bytes:?}");
        assert_eq!(codes(&v.problems), vec![(None, rule.code())], "{bytes:?}");
        assert!(v.result.is_none());
    }
}

#[test]
fn a_missing_header_says_which_row_is_there() {
    let v = run_on(b"0S2-1234567-8\r\n");
    assert!(
        v.problems[0]
            .message
            .contains("`0S2-1234567-8`, an entry number")
    );
    let v = run_on(b"\r\nEntry Number\r\n");
    assert!(
        v.problems[0]
            .message
            .starts_with("line 1: the first row is blank")
    );
}

#[test]
fn the_cbp_guide_example() {
    let bytes = b"Entry Number\r\n0S2-12345\r\n0S2-12345678\r\n0S2-12345678\r\n0S3-12345679\r\n";
    let v = check(Path::new("d.csv"), bytes, &opts(Some("0S2")));
    assert!(!v.accepted);
    assert_eq!(v.reason.as_deref(), Some(REASON_TIER2));
    assert_eq!(
        codes(&v.problems),
        vec![
            (Some(2), "entry-format"),
            (Some(4), "duplicate-entry"),
            (Some(5), "filer-mismatch")
        ]
    );
    let r = v.result.unwrap();
    assert_eq!(r.not_11_characters, ["0S2-12345"]);
    assert_eq!(r.duplicates, ["0S2-12345678"]);
    assert_eq!(r.filer_code_not_matching, ["0S3-12345679"]);
}

#[test]
fn duplicates_are_listed_once_in_their_first_form() {
    let v = run_on(b"Entry Number\n0s2-1234567-8\n0S212345678\n0S2 1234567 8\n");
    assert_eq!(v.problems.len(), 2);
    assert_eq!(v.result.unwrap().duplicates, ["0s2-1234567-8"]);
    assert_eq!(v.distinct_entries, 1);
}

#[test]
fn a_malformed_value_is_only_in_the_first_column() {
    let v = check(
        Path::new("d.csv"),
        b"Entry Number\n0S3-1234\n0S3-1234\n",
        &opts(Some("0S2")),
    );
    let r = v.result.unwrap();
    assert_eq!(r.not_11_characters, ["0S3-1234", "0S3-1234"]);
    assert!(r.duplicates.is_empty() && r.filer_code_not_matching.is_empty());
}

#[test]
fn too_many_entries_names_the_declarations_needed() {
    let mut bytes = b"Entry Number\n".to_vec();
    for i in 0..5u32 {
        let e = EntryNumber::parse(&format!("ABC{i:07}0"))
            .unwrap()
            .with_check_digit();
        bytes.extend_from_slice(format!("{e}\n").as_bytes());
    }
    let o = ValidateOptions {
        filer_code: None,
        max_entries: 2,
        declared: Declared::default(),
    };
    let v = check(Path::new("d.csv"), &bytes, &o);
    assert_eq!(codes(&v.problems), vec![(None, "too-many-entries")]);
    assert!(
        v.problems[0]
            .message
            .contains("split them into 3 declarations")
    );
}

#[test]
fn warnings_do_not_reject() {
    let v = run_on(b"\xEF\xBB\xBFEntry Number,Note\r\n00261103163,x\r\n\r\n00261111157\r\n");
    assert!(v.accepted);
    assert_eq!(
        codes(&v.warnings),
        vec![
            (Some(1), "bom"),
            (Some(1), "extra-columns"),
            (Some(2), "check-digit"),
            (Some(2), "extra-columns"),
            (Some(3), "blank-row"),
        ]
    );
    assert!(
        v.warnings[2]
            .message
            .contains("it should be 2 (002-6110316-2)")
    );
}

#[test]
fn spreadsheet_damage_is_explained_and_rejected() {
    let v = run_on(b"Entry Number\n6.05761E+10\n261103162\n");
    assert_eq!(
        codes(&v.problems),
        vec![(Some(2), "entry-format"), (Some(3), "entry-format")]
    );
    assert_eq!(
        codes(&v.warnings),
        vec![
            (Some(2), "spreadsheet-damage"),
            (Some(3), "spreadsheet-damage")
        ]
    );
}

#[test]
fn line_numbers_count_quoted_line_breaks_and_empty_lines() {
    let v = run_on(b"Entry Number\n\n\"0S2\n-12345\"\n\n0S2-1\n");
    assert_eq!(
        codes(&v.problems),
        vec![(Some(3), "entry-format"), (Some(6), "entry-format")]
    );
    assert_eq!(codes(&v.warnings), vec![(Some(2), "blank-row")]);
    assert!(v.warnings[0].message.contains("lines 2, 5)"));
}

#[test]
fn invalid_utf8_is_read_leniently() {
    let v = run_on(b"Entry Number\n002\xA06110316-2\n");
    assert!(v.accepted);
}
