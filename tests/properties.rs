//! Properties over generated inputs: no input makes `cape` panic, every entry of the input
//! is in `cape_entries.csv`, and the eligible entries are exactly those declared.

use std::collections::BTreeSet;
use std::path::Path;

use cape::eligibility::{Decision, RuleOptions};
use cape::entry::EntryNumber;
use cape::es003::InputSpec;
use cape::history::Declared;
use cape::output::neutralise;
use cape::prepare::{self, PrepareConfig, SplitBy};
use proptest::prelude::*;

fn config(dir: &Path, input: &Path) -> PrepareConfig {
    PrepareConfig {
        inputs: vec![InputSpec {
            path: input.into(),
            format: None,
            sheet: None,
        }],
        out_dir: dir.join("out"),
        rules: RuleOptions {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            filer_code: None,
            importer: None,
            assume_unliquidated: false,
            allow_reconciliation: false,
        },
        split_by: SplitBy::None,
        max_entries: 3,
        declared: Declared::default(),
        progress: false,
    }
}

/// The entry numbers of every declaration written.
fn declared(out: &Path) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for f in std::fs::read_dir(out).unwrap() {
        let f = f.unwrap();
        let name = f.file_name().to_string_lossy().into_owned();
        if name.starts_with("ACEP_CapeEntryNumberUploadTemplate") {
            let text = std::fs::read_to_string(f.path()).unwrap();
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some("Entry Number"));
            for l in lines {
                assert!(set.insert(l.to_string()), "{l} in two declarations");
            }
        }
    }
    set
}

/// The first column of `cape_entries.csv`.
fn reported(out: &Path) -> BTreeSet<String> {
    let mut rdr = csv::Reader::from_path(out.join("cape_entries.csv")).unwrap();
    rdr.records().map(|r| r.unwrap()[0].to_string()).collect()
}

/// Checks the accounting of a finished run.
fn accounted(dir: &Path, p: &prepare::Prepared) {
    let out = dir.join("out");
    let eligible: BTreeSet<String> = p
        .ledger
        .entries
        .iter()
        .zip(&p.verdicts)
        .filter(|(_, v)| v.decision == Decision::Eligible)
        .map(|(e, _)| {
            e.number
                .expect("eligible entries are well formed")
                .to_string()
        })
        .collect();
    assert_eq!(declared(&out), eligible);
    assert_eq!(reported(&out).len(), p.ledger.entries.len());
}

/// Cell text: anything, with a bias towards CSV's special characters and entry numbers.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z0-9]{3}-[0-9]{7}-[0-9]",
        "9903\\.0[1-3]\\.[0-9]{2}",
        "\\$?[0-9]{1,5}\\.[0-9]{2}",
        "[ ,\"\r\n=+@-]{0,3}[a-zA-Z0-9]{0,12}[ ,\"\r\n]{0,2}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_entry_is_accounted_for(rows in prop::collection::vec(prop::collection::vec(cell(), 3..6), 0..25)) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let mut w = csv::WriterBuilder::new().flexible(true).from_path(&input).unwrap();
        w.write_record(["Entry Summary Number", "HTS Number - Full", "Line Tariff Duty Amount", "Liquidation Date"]).unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        drop(w);
        let p = prepare::run(&config(dir.path(), &input)).unwrap();
        accounted(dir.path(), &p);
        // Exactly the distinct entry values of the input, as the report shows them.
        let expected: BTreeSet<String> = rows
            .iter()
            .map(|r| r[0].trim())
            .filter(|v| !v.is_empty())
            .map(|v| EntryNumber::parse(v).map_or_else(|| v.to_string(), |e| e.to_string()))
            .map(|v| neutralise(&v).into_owned())
            .collect();
        prop_assert_eq!(reported(&dir.path().join("out")), expected);
    }

    #[test]
    fn any_bytes_as_an_export(body in prop::collection::vec(any::<u8>(), 0..600), with_header in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let mut bytes = if with_header {
            b"Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount\n".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(&body);
        std::fs::write(&input, &bytes).unwrap();
        match prepare::run(&config(dir.path(), &input)) {
            Ok(p) => accounted(dir.path(), &p),
            // Refused before any output: nothing written.
            Err(_) => prop_assert!(!dir.path().join("out").exists()),
        }
    }

    #[test]
    fn any_bytes_as_a_declaration(body in prop::collection::vec(any::<u8>(), 0..400)) {
        let opts = cape::validate::ValidateOptions {
            filer_code: cape::entry::FilerCode::parse("ABC"),
            max_entries: 5,
            declared: Declared::default(),
        };
        let mut bytes = b"Entry Number\n".to_vec();
        bytes.extend_from_slice(&body);
        for b in [&body[..], &bytes[..]] {
            let v = cape::validate::check(Path::new("d.csv"), b, &opts);
            prop_assert_eq!(v.accepted, v.problems.is_empty());
            if let Some(r) = &v.result {
                prop_assert!(r.len() <= v.problems.len());
            }
        }
    }
}
