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
            date_order: Default::default(),
        }],
        out_dir: dir.join("out"),
        rules: RuleOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()),
        split_by: SplitBy::None,
        max_entries: 3,
        declared: Declared::default(),
        interest: Default::default(),
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
            // The reader sees the value inside Excel's `="…"` guard.
            .map(|r| cape::input::excel::unwrap_str(&r[0]).trim())
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

/// Large enough that deciding and writing the report are spread over threads: every entry is
/// reported once, in order, with the row that the same entry gets in a small run.
#[test]
fn a_large_export_is_accounted_for_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let n: u64 = 30_011;
    let number = |i: u64| {
        EntryNumber::parse(&format!("M2K{:07}0", (i * 7919) % n))
            .unwrap()
            .with_check_digit()
    };
    let mut body = String::from(
        "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount,Liquidation Date\n",
    );
    for i in 0..n {
        let e = number(i);
        // Every third entry liquidated long ago (excluded), the rest unliquidated.
        let liq = if i % 3 == 0 { "01/02/2026" } else { "" };
        body.push_str(&format!(
            "{e},9903.01.25,{i}.05,{liq}\n{e},8471.30.0100,1.00,{liq}\n"
        ));
    }
    std::fs::write(&input, body).unwrap();
    let mut cfg = config(dir.path(), &input);
    cfg.max_entries = 9999;
    let p = prepare::run(&cfg).unwrap();
    accounted(dir.path(), &p);
    let report = std::fs::read_to_string(dir.path().join("out/cape_entries.csv")).unwrap();
    let rows: Vec<&str> = report.lines().skip(1).collect();
    assert_eq!(rows.len() as u64, n);
    let numbers: Vec<&str> = rows.iter().map(|r| &r[..11]).collect();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "sorted, no repeats"
    );
    let excluded = rows
        .iter()
        .filter(|r| r[12..].starts_with("excluded,"))
        .count();
    assert_eq!(excluded as u64, n.div_ceil(3));

    // One of them, alone: the same decision and values.
    let one = dir.path().join("one");
    std::fs::create_dir(&one).unwrap();
    let e = number(2);
    let input = one.join("big.csv");
    std::fs::write(
        &input,
        format!("Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount,Liquidation Date\n{e},9903.01.25,2.05,\n{e},8471.30.0100,1.00,\n"),
    )
    .unwrap();
    prepare::run(&config(&one, &input)).unwrap();
    let alone = std::fs::read_to_string(one.join("out/cape_entries.csv")).unwrap();
    // Up to the declaration file and sources, which differ between the runs.
    let head = |r: &str| r.split(',').take(18).collect::<Vec<_>>().join(",");
    let row = head(alone.lines().nth(1).unwrap());
    assert_eq!(rows.iter().filter(|r| head(r) == row).count(), 1, "{row}");
}
