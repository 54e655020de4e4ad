//! The declaration-file convention, defined once: every declaration `cape` writes has no
//! BOM, the header `Entry Number`, one normalised 11-character entry number per row and
//! CRLF line ends (as Excel's "CSV (Comma delimited)" writes them).

use std::io::Write;
use std::path::Path;

use crate::entry::EntryNumber;
use crate::output::{self, CSV_LINE_END, OutputError};

/// The header ACE requires in the first row.
pub const HEADER: &str = "Entry Number";
/// The name of CBP's template, and of the declaration `cape` writes by default.
pub const TEMPLATE_NAME: &str = "ACEP_CapeEntryNumberUploadTemplate";
/// The most entry numbers CBP accepts in one declaration (CSMS; some guides say 10,000).
pub const DEFAULT_MAX_ENTRIES: usize = 9_999;

/// Writes the declaration bytes for `entries`, in the order given.
pub fn write_to(w: &mut dyn Write, entries: &[EntryNumber]) -> std::io::Result<()> {
    w.write_all(HEADER.as_bytes())?;
    w.write_all(CSV_LINE_END)?;
    for e in entries {
        w.write_all(e.as_str().as_bytes())?;
        w.write_all(CSV_LINE_END)?;
    }
    Ok(())
}

/// Writes a declaration file atomically. With `force` false, an existing file is kept and
/// an error returned.
pub fn write_file(path: &Path, entries: &[EntryNumber], force: bool) -> Result<(), OutputError> {
    if !force && path.exists() {
        return Err(OutputError::Exists { path: path.into() });
    }
    output::write_atomic(path, |w| write_to(w, entries)).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_of_the_convention() {
        let mut out = Vec::new();
        let e = [
            EntryNumber::parse("002-6110316-2").unwrap(),
            EntryNumber::parse("abc-1234567-6").unwrap(),
        ];
        write_to(&mut out, &e).unwrap();
        assert_eq!(out, b"Entry Number\r\n00261103162\r\nABC12345676\r\n");
    }
}
