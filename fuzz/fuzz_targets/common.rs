//! Shared by the ES-003 targets: the bytes as a file, read and decided as `prepare` would.

use std::path::PathBuf;

use cape::eligibility::{self, RuleOptions};
use cape::es003::{self, InputSpec};
use cape::history::Declared;
use cape::ledger::Ledger;

/// A file of this process's own for the input.
pub fn input_file(name: &str, data: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("cape-fuzz-{}-{name}", std::process::id()));
    std::fs::write(&path, data).expect("temporary file");
    path
}

/// Opens, reads every row, and decides every entry; errors are fine, panics are not.
pub fn read_and_decide(path: PathBuf) {
    let spec = InputSpec {
        path: path.clone(),
        format: None,
        sheet: None,
        date_order: Default::default(),
    };
    let Ok(opened) = es003::open(&spec) else {
        return;
    };
    let header = opened.header.clone();
    let mut ledger = Ledger::default();
    {
        let mut sink = ledger.file("in", &header.columns, &header.names, Default::default());
        let _ = opened.read_rows(&mut sink);
        sink.finish();
    }
    let rules = RuleOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
    let declared = Declared::default();
    for e in &ledger.entries {
        let _ = eligibility::decide(e, &ledger, &rules, &declared);
    }
}
