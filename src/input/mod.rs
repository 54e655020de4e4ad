//! The one input layer every reader sits on: what is the same for an ES-003 export, a
//! declaration, a claim download and a `--declared` file.
//!
//! [`Source::open`] opens a path and settles what the file is: text (UTF-8, or UTF-16 told
//! by its byte-order mark), a workbook, or something no reader takes (a PDF, an image, an
//! old `.xls`, a ZIP that is not a workbook, NUL-filled bytes), with the words that say so.
//! An input that is not a regular file (a pipe, `<(…)`, a FIFO) is copied whole to a hidden
//! temporary file first, so the bytes read to tell its kind are never lost. Text comes out
//! as UTF-8 without its mark ([`Source::text`]), with its delimiter sniffed
//! ([`sniff_delimiter`]); line breaks are kept, so line numbers are the file's own.

pub mod decode;
pub mod excel;

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

pub use decode::{Decoded, Encoding};

/// How many bytes from the top are read to tell the kind and delimiter of a file.
pub const HEAD_BYTES: usize = 64 * 1024;

/// What a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text(Encoding),
    /// A ZIP with `xl/` parts: an Excel workbook.
    Workbook,
    /// Anything no reader takes; the text says what it looks like.
    Other(&'static str),
}

/// Why an input could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot read the file")]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: cannot copy the input to a temporary file to read it")]
    Spool {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// An open input, at its first byte.
pub struct Source {
    path: PathBuf,
    file: File,
    /// The copy of a pipe or FIFO, kept for as long as the source.
    spool: Option<tempfile::TempPath>,
    head: Vec<u8>,
    /// How many bytes of `head` the file has gone past (a pipe opened to stream).
    consumed: usize,
    kind: Kind,
}

impl Source {
    /// Opens `path` and tells what it is.
    pub fn open(path: &Path) -> Result<Source, InputError> {
        Source::opened(path, true)
    }

    /// [`Source::open`] for a reader that reads the file once, from the start
    /// ([`Source::stream`]): a pipe is not copied, its first bytes are read again from
    /// memory.
    pub fn open_stream(path: &Path) -> Result<Source, InputError> {
        Source::opened(path, false)
    }

    fn opened(path: &Path, spool_pipes: bool) -> Result<Source, InputError> {
        let open_err = |source| InputError::Open {
            path: path.into(),
            source,
        };
        let mut file = File::open(path).map_err(open_err)?;
        let meta = file.metadata().map_err(open_err)?;
        let mut spool = None;
        if meta.is_dir() {
            return Err(open_err(io::Error::other(
                "it is a folder; give the files in it",
            )));
        }
        let pipe = !meta.is_file();
        if pipe && spool_pipes {
            // A pipe cannot be read twice: keep all of it.
            let spool_err = |source| InputError::Spool {
                path: path.into(),
                source,
            };
            let mut tmp = tempfile::Builder::new()
                .prefix(".cape-input-")
                .tempfile()
                .map_err(spool_err)?;
            io::copy(&mut file, tmp.as_file_mut()).map_err(spool_err)?;
            let (mut f, p) = tmp.into_parts();
            f.rewind().map_err(spool_err)?;
            file = f;
            spool = Some(p);
        }
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut file)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(open_err)?;
        let consumed = if pipe && spool.is_none() {
            head.len()
        } else {
            file.rewind().map_err(open_err)?;
            0
        };
        let kind = kind_of(&head);
        Ok(Source {
            path: path.into(),
            file,
            spool,
            head,
            consumed,
            kind,
        })
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Whether the file holds no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.head.is_empty()
    }

    /// The first bytes of the text, decoded (empty for what is not text).
    pub fn text_head(&self) -> Vec<u8> {
        let Kind::Text(enc) = self.kind else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // The head is read whole, so any error is impossible here.
        let _ = Decoded::new(&self.head[..], enc).read_to_end(&mut out);
        out
    }

    /// The delimiter of a text file: comma, tab or semicolon, whichever its first lines
    /// hold most outside quotes (a comma on a tie).
    pub fn delimiter(&self) -> u8 {
        sniff_delimiter(&self.text_head())
    }

    /// The file's raw bytes, from the start.
    pub fn into_file(self) -> (File, Option<tempfile::TempPath>) {
        debug_assert_eq!(self.consumed, 0, "a streamed pipe has no file to give");
        (self.file, self.spool)
    }

    /// The file's raw bytes from the start, read once (what [`Source::open_stream`] opened).
    pub fn stream(self) -> impl Read {
        let Source {
            file,
            head,
            consumed,
            ..
        } = self;
        let mut head = head;
        head.truncate(consumed);
        io::Cursor::new(head).chain(file)
    }

    /// The text as UTF-8 without its mark, from the start, read through `wrap` (which sees
    /// the raw bytes: a fingerprint of the file as it is).
    pub fn text<R: Read>(self, wrap: impl FnOnce(File) -> R) -> Text<R> {
        let enc = match self.kind {
            Kind::Text(e) => e,
            _ => Encoding::Utf8 { bom: false },
        };
        Text {
            reader: Decoded::new(wrap(self.file), enc),
            _spool: self.spool,
        }
    }
}

/// A text input being read (see [`Source::text`]).
pub struct Text<R> {
    reader: Decoded<R>,
    _spool: Option<tempfile::TempPath>,
}

impl<R: Read> Text<R> {
    /// The wrapped source, once reading is done.
    pub fn into_inner(self) -> R {
        self.reader.into_inner()
    }
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

/// The text of a whole file held in memory (a claim download, a declaration), as UTF-8
/// without its mark; `Err` with the file's kind when it is not text.
pub fn decode_whole(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, Kind> {
    match kind_of(bytes) {
        Kind::Text(Encoding::Utf8 { bom }) => Ok(std::borrow::Cow::Borrowed(
            &bytes[if bom { 3 } else { 0 }..],
        )),
        Kind::Text(enc) => {
            let mut out = Vec::with_capacity(bytes.len());
            decode::decode_utf16(&bytes[2..], enc == Encoding::Utf16Be, true, &mut out);
            Ok(std::borrow::Cow::Owned(out))
        }
        other => Err(other),
    }
}

/// What the first bytes of a file say it is (only the first [`HEAD_BYTES`] are looked at).
pub fn kind_of(head: &[u8]) -> Kind {
    let head = &head[..head.len().min(HEAD_BYTES)];
    let enc = Encoding::of(head);
    if !matches!(enc, Encoding::Utf8 { bom: false }) {
        return Kind::Text(enc);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        // The first entry of an Excel workbook is `[Content_Types].xml` or an `xl/` part;
        // the central directory may be past the head, so look at the names that are in it.
        let named = |n: &[u8]| memchr::memmem::find(head, n).is_some();
        return if named(b"[Content_Types].xml") || named(b"xl/") {
            Kind::Workbook
        } else {
            Kind::Other("a ZIP archive that is not an Excel workbook")
        };
    }
    let signatures: [(&[u8], &'static str); 7] = [
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an old Excel workbook (.xls)",
        ),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
    ];
    if let Some((_, what)) = signatures.iter().find(|(sig, _)| head.starts_with(sig)) {
        return Kind::Other(what);
    }
    // A stray NUL is damage in a row, which the row's reader reports; text full of them
    // is not text. Every other byte NUL: UTF-16 saved without its mark.
    let nuls = memchr::memchr_iter(0, head).count();
    if nuls * 3 >= head.len() && nuls > 0 {
        return Kind::Other(
            "UTF-16 text without a byte-order mark (NUL bytes between the letters)",
        );
    }
    if nuls * 20 >= head.len() && nuls > 0 {
        return Kind::Other("binary data (it holds many NUL bytes), not text");
    }
    Kind::Text(enc)
}

impl Kind {
    /// What the file is, for messages: "a PDF document", "a workbook", "text".
    pub fn what(self) -> &'static str {
        match self {
            Kind::Text(_) => "text",
            Kind::Workbook => "a workbook",
            Kind::Other(what) => what,
        }
    }
}

/// How to make a file of `kind` readable, for messages: "save it as …".
pub fn save_as_fix(kind: Kind) -> &'static str {
    match kind {
        Kind::Other(w) if w.starts_with("UTF-16") => {
            "save it again from Excel as \"Unicode Text\" or \"CSV UTF-8\", which write the mark"
        }
        _ => "open it in Excel and use File > Save As > \"CSV (Comma delimited)\"",
    }
}

/// Comma, tab or semicolon: whichever `text` (a file's first bytes) holds most outside
/// quotes, in its first lines; a comma on a tie.
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    let mut lines = 0;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b'\t' if !quoted => counts[1] += 1,
            b';' if !quoted => counts[2] += 1,
            b'\n' if !quoted => {
                lines += 1;
                if lines == 30 {
                    break;
                }
            }
            _ => {}
        }
    }
    let [c, t, s] = counts;
    if t > c && t >= s {
        b'\t'
    } else if s > c && s > t {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_their_first_bytes() {
        assert_eq!(kind_of(b"a,b"), Kind::Text(Encoding::Utf8 { bom: false }));
        assert_eq!(kind_of(b"\xFF\xFEa\0"), Kind::Text(Encoding::Utf16Le));
        assert_eq!(kind_of(b"PK\x03\x04..[Content_Types].xml"), Kind::Workbook);
        assert_eq!(
            kind_of(b"PK\x03\x04..notes.txt"),
            Kind::Other("a ZIP archive that is not an Excel workbook")
        );
        assert_eq!(kind_of(b"%PDF-1.7"), Kind::Other("a PDF document"));
        assert_eq!(kind_of(b"\x89PNG\r\n"), Kind::Other("a PNG image"));
        let Kind::Other(w) = kind_of(b"E\0n\0t\0r\0y\0") else {
            panic!()
        };
        assert!(w.starts_with("UTF-16"), "{w}");
    }

    #[test]
    fn delimiters_are_counted_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n\"1,5\"\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;c\n\"1,5\";\"2,5\";3\n"), b';');
        assert_eq!(sniff_delimiter(b"Entry Number\n"), b',');
        assert_eq!(sniff_delimiter(b"a,\"$1,234.56\";x\n"), b',');
    }

    #[test]
    fn a_pipe_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return;
        }
        let data: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("{i},x\n").into_bytes())
            .collect();
        let writer = {
            let (fifo, data) = (fifo.clone(), data.clone());
            std::thread::spawn(move || std::fs::write(fifo, data).unwrap())
        };
        let src = Source::open(&fifo).unwrap();
        assert_eq!(src.kind(), Kind::Text(Encoding::Utf8 { bom: false }));
        let mut all = Vec::new();
        src.text(|f| f).read_to_end(&mut all).unwrap();
        writer.join().unwrap();
        assert_eq!(all, data);
    }
}
