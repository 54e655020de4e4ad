//! `Cape_Validation_Result.csv` in CBP's own layout: one column per failed entry-number
//! rule (`Not 11 characters long`, `Duplicate entry numbers`, `Filer code not matching`),
//! each listing the offending values as they were written, padded with empty cells.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::output::{self, Fingerprint, OutputError, neutralise};
use crate::rules::Rule;

/// The file name ACE gives its validation result.
pub const FILE_NAME: &str = "Cape_Validation_Result.csv";

/// The three columns, in CBP's order.
pub const COLUMNS: [Rule; 3] = [Rule::EntryFormat, Rule::DuplicateEntry, Rule::FilerMismatch];

/// The values of each column.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationResult {
    pub not_11_characters: Vec<String>,
    pub duplicates: Vec<String>,
    pub filer_code_not_matching: Vec<String>,
}

impl ValidationResult {
    /// Whether no column lists a value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many values all columns list together.
    pub fn len(&self) -> usize {
        self.not_11_characters.len() + self.duplicates.len() + self.filer_code_not_matching.len()
    }

    /// Writes the CSV bytes: the header row, then the columns side by side.
    pub fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut csv = output::csv_writer(w);
        csv.write_record(COLUMNS.map(|r| r.cbp_text().unwrap_or_default()))?;
        let cols = [
            &self.not_11_characters,
            &self.duplicates,
            &self.filer_code_not_matching,
        ];
        let rows = cols.iter().map(|c| c.len()).max().unwrap_or(0);
        for i in 0..rows {
            csv.write_record(cols.map(|c| {
                c.get(i)
                    .map(|v| neutralise(v))
                    .unwrap_or_default()
                    .into_owned()
            }))?;
        }
        csv.flush()
    }

    /// Writes the file atomically.
    /// Writes the file atomically; returns the fingerprint of what was written.
    pub fn write_file(&self, path: &Path) -> Result<Fingerprint, OutputError> {
        output::write_atomic(path, |w| self.write_to(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(r: &ValidationResult) -> String {
        let mut out = Vec::new();
        r.write_to(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_alone_when_clean() {
        assert_eq!(
            bytes(&ValidationResult::default()),
            "Not 11 characters long,Duplicate entry numbers,Filer code not matching\r\n"
        );
    }

    #[test]
    fn columns_are_padded() {
        let r = ValidationResult {
            not_11_characters: vec!["0S2-12345".into(), "=1+2".into()],
            duplicates: vec!["0S2-12345678".into()],
            filer_code_not_matching: vec![],
        };
        assert_eq!(
            bytes(&r),
            "Not 11 characters long,Duplicate entry numbers,Filer code not matching\r\n\
             0S2-12345,0S2-12345678,\r\n'=1+2,,\r\n"
        );
    }
}
