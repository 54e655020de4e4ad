//! Writing output files safely: every file appears complete or not at all (written to a
//! temporary file beside it, then renamed into place), no input is ever overwritten, and
//! values echoed from inputs are neutralised against spreadsheet formula injection.

use std::borrow::Cow;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: refusing to write an output over an input file; choose another output path")]
    IsInput { path: PathBuf },
    #[error("{path}: the file exists; pass --force to overwrite it")]
    Exists { path: PathBuf },
    #[error("{path}: cannot write the file")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Line ends of every CSV file written: CRLF, as Excel's "CSV (Comma delimited)" writes.
pub const CSV_LINE_END: &[u8] = b"\r\n";

/// A CSV writer with the project's conventions (CRLF, quoting only where needed).
pub fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w)
}

/// Appends one CSV field to `buf`, quoted only where needed (a comma, quote, CR or LF in
/// it), as the csv crate writes it; with `guard`, neutralised against formulas first.
pub fn push_field(buf: &mut Vec<u8>, value: &[u8], guard: bool) {
    let prefix = guard
        && matches!(
            value.first(),
            Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
        );
    let quote = value
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
    if quote {
        buf.push(b'"');
    }
    if prefix {
        buf.push(b'\'');
    }
    if quote {
        for &b in value {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(value);
    }
}

/// Prefixes `'` to a value that a spreadsheet would run as a formula (a leading `=`, `+`,
/// `-`, `@`, tab or carriage return), so that it shows as text.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// Text for a terminal: every control character but the line feed (an escape sequence in an
/// entry number could clear the screen or rewrite "ACE would reject this file"), and the
/// characters that reorder text (bidirectional overrides), written as `\u{1b}`.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `a` and `b` name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Fails when `path` is one of `inputs`.
pub fn ensure_not_input(path: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    if inputs.iter().any(|i| same_file(i, path)) {
        return Err(OutputError::IsInput { path: path.into() });
    }
    Ok(())
}

/// The size and SHA-256 of bytes written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub bytes: u64,
    pub sha256: String,
}

/// Hex of a SHA-256 digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A reader or writer that fingerprints the bytes passing through it.
pub struct Fingerprinting<T> {
    inner: T,
    hasher: Sha256,
    bytes: u64,
}

impl<T> Fingerprinting<T> {
    pub fn new(inner: T) -> Self {
        Fingerprinting {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The fingerprint of the bytes so far, and what they went through.
    pub fn into_parts(self) -> (Fingerprint, T) {
        (
            Fingerprint {
                bytes: self.bytes,
                sha256: hex(&self.hasher.finalize()),
            },
            self.inner,
        )
    }

    /// The fingerprint of the bytes so far.
    pub fn finish(self) -> Fingerprint {
        Fingerprint {
            bytes: self.bytes,
            sha256: hex(&self.hasher.finalize()),
        }
    }
}

impl<W: Write> Write for Fingerprinting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: io::Read> io::Read for Fingerprinting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The size and SHA-256 of bytes in memory.
pub fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Fingerprint {
        bytes: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
    }
}

/// The size and SHA-256 of a file, streamed.
pub fn fingerprint_file(path: &Path) -> io::Result<Fingerprint> {
    let mut f = Fingerprinting::new(fs::File::open(path)?);
    let mut buf = vec![0u8; 1 << 20];
    while io::Read::read(&mut f, &mut buf)? != 0 {}
    Ok(f.finish())
}

/// Bytes gathered before each write to an output: a declaration of 9,999 entries is two
/// writes, not sixteen.
const WRITE_BUFFER: usize = 64 << 10;

/// An output written to a temporary file beside its path, not yet in place.
pub struct Staged {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    pub fingerprint: Fingerprint,
}

impl Staged {
    /// Where it will go.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames it into place.
    pub fn commit(self) -> Result<PathBuf, OutputError> {
        let path = self.path;
        self.tmp.persist(&path).map_err(|e| OutputError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(path)
    }
}

/// Writes `fill`'s bytes to a temporary file in `path`'s folder and fingerprints them; the
/// file is removed again if anything fails, or if the result is dropped uncommitted.
pub fn stage<F>(path: &Path, fill: F) -> Result<Staged, OutputError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let err = |source| OutputError::Io {
        path: path.into(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cape-").suffix(".tmp");
    // Temporary files are private by default; outputs are ordinary files: readable as the
    // user's umask allows, or as the file they replace was.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    // Best effort: some network drives refuse to change permissions, and the output is
    // worth more than its mode.
    #[cfg(unix)]
    if let Some(old) = std::fs::metadata(path).ok().filter(|m| m.is_file()) {
        let _ = tmp.as_file().set_permissions(old.permissions());
    }
    let fingerprint = {
        let mut w = Fingerprinting::new(BufWriter::with_capacity(WRITE_BUFFER, tmp.as_file_mut()));
        fill(&mut w).map_err(err)?;
        w.flush().map_err(err)?;
        w.finish()
    };
    Ok(Staged {
        path: path.into(),
        tmp,
        fingerprint,
    })
}

/// Writes `path` through `fill`: into a temporary file in the same folder, renamed over
/// `path` only once `fill` succeeded and the data is flushed. Nothing partial is left.
/// Returns the fingerprint of what was written.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<Fingerprint, OutputError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let staged = stage(path, fill)?;
    let fingerprint = staged.fingerprint.clone();
    staged.commit()?;
    Ok(fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_their_file_fingerprint_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"Entry Number\r\n").unwrap();
        assert_eq!(
            fingerprint(b"Entry Number\r\n"),
            fingerprint_file(&path).unwrap()
        );
    }

    #[test]
    fn terminal_escapes_are_shown_not_run() {
        assert_eq!(terminal_safe("a\nb"), "a\nb");
        assert_eq!(
            terminal_safe("M2K\u{1b}[2J\rACE would accept\u{9b}\u{202e}x"),
            "M2K\\u{1b}[2J\\u{d}ACE would accept\\u{9b}\\u{202e}x"
        );
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn neutralises_formula_starts_only() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-12"), "'-12");
        assert_eq!(neutralise("@x"), "'@x");
        assert_eq!(neutralise("0S2-12345"), "0S2-12345");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        for v in [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "",
            " spaced ",
            "=1+2",
            "-5",
        ] {
            let mut ours = Vec::new();
            push_field(&mut ours, v.as_bytes(), false);
            let mut theirs = csv_writer(Vec::new());
            theirs.write_record([v, "x"]).unwrap();
            let theirs = theirs.into_inner().unwrap();
            let expected = &theirs[..theirs.len() - b",x\r\n".len()];
            assert_eq!(ours, expected, "{v:?}");
        }
        let mut guarded = Vec::new();
        push_field(&mut guarded, b"=HYPERLINK(\"x\")", true);
        assert_eq!(guarded, b"\"'=HYPERLINK(\"\"x\"\")\"");
    }

    #[test]
    fn a_failed_fill_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let r = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn staged_files_appear_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let staged = stage(&path, |w| w.write_all(b"abc")).unwrap();
        assert!(!path.exists());
        assert_eq!(
            staged.fingerprint.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let dropped = stage(&dir.path().join("other.csv"), |w| w.write_all(b"x")).unwrap();
        drop(dropped);
        staged.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"abc");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_an_input_as_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        fs::write(&input, "x").unwrap();
        let alias = dir.path().join(".").join("in.csv");
        assert!(ensure_not_input(&alias, std::slice::from_ref(&input)).is_err());
        assert!(ensure_not_input(&dir.path().join("other.csv"), &[input]).is_ok());
    }
}
