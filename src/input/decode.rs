//! Turning the bytes of a text input into UTF-8 as they stream: UTF-8 passes through with
//! its byte-order mark dropped, UTF-16 (little or big endian, told by its mark) is decoded.
//! Line breaks are kept as they are, so line numbers are the same in either encoding.

use std::io::{self, Read};

/// How a text input is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, or ASCII; `bom` when it starts with a UTF-8 byte-order mark.
    Utf8 { bom: bool },
    /// UTF-16 little endian with a byte-order mark: Excel's "Unicode Text".
    Utf16Le,
    /// UTF-16 big endian with a byte-order mark.
    Utf16Be,
}

impl Encoding {
    /// The encoding told by the first bytes of a file.
    pub fn of(head: &[u8]) -> Encoding {
        if head.starts_with(b"\xFF\xFE") {
            Encoding::Utf16Le
        } else if head.starts_with(b"\xFE\xFF") {
            Encoding::Utf16Be
        } else {
            Encoding::Utf8 {
                bom: head.starts_with(b"\xEF\xBB\xBF"),
            }
        }
    }

    /// The length of the byte-order mark.
    pub fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8 { bom } => 3 * usize::from(bom),
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
        }
    }

    /// A short name, for summaries and the audit trail.
    pub fn name(self) -> &'static str {
        match self {
            // A cell that is not UTF-8 is read as Windows-1252.
            Encoding::Utf8 { bom: false } => "utf-8/windows-1252",
            Encoding::Utf8 { bom: true } => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

/// A reader of UTF-8 text over `R`'s bytes in `encoding`, without the byte-order mark.
pub struct Decoded<R> {
    src: R,
    encoding: Encoding,
    /// Bytes of the mark still to drop.
    skip: usize,
    /// Raw bytes read but not yet decoded (at most one code unit and one pending surrogate).
    raw: Vec<u8>,
    /// Decoded bytes not yet handed out: `out[pos..]`.
    out: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Decoded<R> {
    pub fn new(src: R, encoding: Encoding) -> Self {
        Decoded {
            src,
            encoding,
            skip: encoding.bom_len(),
            raw: Vec::new(),
            out: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    /// The source, once reading is done.
    pub fn into_inner(self) -> R {
        self.src
    }

    /// Reads raw bytes and decodes them into `out`; false at the end.
    fn fill(&mut self, want: usize) -> io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.eof {
            let have = self.raw.len();
            self.raw.resize(have + want.max(64), 0);
            let n = loop {
                match self.src.read(&mut self.raw[have..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            self.raw.truncate(have + n);
            self.eof = n == 0;
            let drop = self.skip.min(self.raw.len());
            self.raw.drain(..drop);
            self.skip -= drop;
            let big = self.encoding == Encoding::Utf16Be;
            let used = decode_utf16(&self.raw, big, self.eof, &mut self.out);
            self.raw.drain(..used);
        }
        Ok(!self.out.is_empty())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Encoding::Utf8 { .. } = self.encoding {
            // Pass through, dropping the mark once.
            while self.skip > 0 {
                let mut mark = [0u8; 3];
                let n = self.src.read(&mut mark[..self.skip])?;
                if n == 0 {
                    self.skip = 0;
                    return Ok(0);
                }
                self.skip -= n;
            }
            return self.src.read(buf);
        }
        if self.pos == self.out.len() && !self.fill(buf.len())? {
            return Ok(0);
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Decodes the UTF-16 code units of `raw` into `out` as UTF-8; returns how many bytes were
/// used. A surrogate pair cut by the end of `raw` waits for the next bytes unless `last`.
/// A unit that pairs with nothing becomes U+FFFD.
pub fn decode_utf16(raw: &[u8], big_endian: bool, last: bool, out: &mut Vec<u8>) -> usize {
    let unit = |i: usize| {
        let b = [raw[i], raw[i + 1]];
        if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    };
    let mut i = 0;
    let mut utf8 = [0u8; 4];
    while i + 1 < raw.len() {
        let u = unit(i);
        let (c, len) = match u {
            0xD800..=0xDBFF => {
                if i + 3 >= raw.len() {
                    if !last {
                        break;
                    }
                    ('\u{FFFD}', 2)
                } else {
                    let lo = unit(i + 2);
                    if (0xDC00..=0xDFFF).contains(&lo) {
                        let c =
                            0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                        (char::from_u32(c).unwrap_or('\u{FFFD}'), 4)
                    } else {
                        ('\u{FFFD}', 2)
                    }
                }
            }
            0xDC00..=0xDFFF => ('\u{FFFD}', 2),
            _ => (char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'), 2),
        };
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        i += len;
    }
    if last && i < raw.len() {
        // An odd byte at the very end.
        out.extend_from_slice("\u{FFFD}".as_bytes());
        i = raw.len();
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        let mut v = if big {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            v.extend(if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        v
    }

    /// Reads everything through a source that gives `chunk` bytes at a time.
    fn read_all(bytes: &[u8], enc: Encoding, chunk: usize) -> String {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut d = Decoded::new(Trickle(bytes, chunk), enc);
        let mut s = String::new();
        d.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn both_byte_orders_decode_in_pieces_of_any_size() {
        let text = "Entry Summary Number\tHTS\r\n0S2-1234567-8\t9903.01.25 €𝄞\r\n";
        for big in [false, true] {
            let bytes = utf16(text, big);
            let enc = Encoding::of(&bytes);
            assert_eq!(
                enc,
                if big {
                    Encoding::Utf16Be
                } else {
                    Encoding::Utf16Le
                }
            );
            for chunk in 1..9 {
                assert_eq!(read_all(&bytes, enc, chunk), text, "chunk {chunk}");
            }
        }
    }

    #[test]
    fn utf8_loses_only_its_mark() {
        let bytes = b"\xEF\xBB\xBFa,b\r\n";
        let enc = Encoding::of(bytes);
        assert_eq!(enc, Encoding::Utf8 { bom: true });
        for chunk in 1..4 {
            assert_eq!(read_all(bytes, enc, chunk), "a,b\r\n");
        }
        assert_eq!(read_all(b"a,b", Encoding::of(b"a,b"), 1), "a,b");
    }

    #[test]
    fn broken_units_become_replacement_characters() {
        let mut out = Vec::new();
        // A lone low surrogate, a high one followed by a letter, an odd last byte.
        let raw = [0x00, 0xDC, 0x00, 0xD8, 0x41, 0x00, 0x42];
        assert_eq!(decode_utf16(&raw, false, true, &mut out), raw.len());
        assert_eq!(String::from_utf8(out).unwrap(), "\u{FFFD}\u{FFFD}A\u{FFFD}");
        // A pair cut by the end of the bytes waits, unless they are the last.
        let mut out = Vec::new();
        assert_eq!(decode_utf16(&[0x3D, 0xD8], false, false, &mut out), 0);
        assert!(out.is_empty());
    }
}
