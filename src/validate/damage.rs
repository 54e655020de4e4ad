//! Recognising files that are not CSV text, with a message that says what probably
//! happened and how to fix it (values a spreadsheet damaged: `entry::damage`).

use std::path::Path;

use crate::input::{self, Kind};

/// Why the file is "Not a CSV file." for ACE, or `None` when it is a `.csv` text file.
/// What is not text is named in the words `prepare` uses too.
pub fn not_csv(name: &Path, kind: Kind) -> Option<String> {
    let ext = name.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !ext.eq_ignore_ascii_case("csv") {
        let shown = if ext.is_empty() {
            "has no extension".to_string()
        } else {
            format!("ends in `.{ext}`")
        };
        return Some(format!(
            "the file name {shown}; ACE accepts only .csv files: save it as \"CSV (Comma \
             delimited)\" (File > Save As in Excel)"
        ));
    }
    let what = match kind {
        Kind::Text(_) => return None,
        Kind::Workbook => "a ZIP archive: an Excel workbook (.xlsx) saved with a .csv name",
        Kind::Other(what) => what,
    };
    Some(format!("the file is {what}; {}", input::save_as_fix(kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_csv_by_name_and_content() {
        let csv = Path::new("d.csv");
        let not_csv = |name: &Path, bytes: &[u8]| not_csv(name, input::kind_of(bytes));
        assert!(not_csv(Path::new("d.xlsx"), b"Entry Number\n").is_some());
        assert!(not_csv(Path::new("d"), b"Entry Number\n").is_some());
        assert!(not_csv(Path::new("D.CSV"), b"Entry Number\n").is_none());
        assert!(not_csv(csv, b"PK\x03\x04rest").unwrap().contains("ZIP"));
        assert!(not_csv(csv, b"a\0b").unwrap().contains("NUL"));
        assert!(not_csv(csv, b"").is_none());
    }
}
