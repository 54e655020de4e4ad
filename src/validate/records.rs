//! The rows of a declaration as they stream: each record with the line it starts on, and
//! every empty line as a blank record of its own, so that a check can name blank rows.
//! Records are split by `csv_core` exactly as the csv crate splits them; lines are counted
//! on the bytes as they pass, in a buffer of fixed size, so a file of any size is read in
//! bounded memory. The tests hold it to the whole-file reading it replaced.

use std::io::{self, Read};

/// A row: its first line number and its fields, decoded leniently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
}

impl Record {
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }

    pub fn is_blank_first(&self) -> bool {
        self.fields.first().is_none_or(|f| f.trim().is_empty())
    }
}

/// The longest field kept: a longer one is cut (it is no entry number, and an unclosed
/// quote must not pull the rest of a large file into memory).
const MAX_FIELD: usize = 4096;

/// Streams the records of `R`.
pub struct Records<R> {
    src: R,
    core: csv_core::Reader,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    eof: bool,
    done: bool,
    /// Line breaks consumed so far.
    newlines: u64,
    last_byte: Option<u8>,
    /// The record being read: its first line, its last line with content, its fields.
    start: Option<u64>,
    content_line: u64,
    field: Vec<u8>,
    fields: Vec<String>,
    /// Where `csv_core` writes a field's bytes.
    out: Box<[u8; 4096]>,
    /// The line after the last record's content: blank records are due up to the next.
    next_line: u64,
    /// Blank lines due before the record in `ready`.
    blank_from: u64,
    ready: Option<Record>,
}

impl<R: Read> Records<R> {
    pub fn new(src: R) -> Self {
        Records {
            src,
            core: csv_core::ReaderBuilder::new().build(),
            buf: vec![0; 64 * 1024],
            pos: 0,
            filled: 0,
            eof: false,
            done: false,
            newlines: 0,
            last_byte: None,
            start: None,
            content_line: 0,
            field: Vec::new(),
            fields: Vec::new(),
            out: Box::new([0; 4096]),
            next_line: 1,
            blank_from: 1,
            ready: None,
        }
    }

    /// Counts the lines of bytes the record reader consumed.
    fn count(&mut self, from: usize, to: usize) {
        for &b in &self.buf[from..to] {
            match b {
                b'\n' => self.newlines += 1,
                b'\r' => {}
                _ => {
                    let line = self.newlines + 1;
                    self.start.get_or_insert(line);
                    self.content_line = line;
                }
            }
        }
        if to > from {
            self.last_byte = Some(self.buf[to - 1]);
        }
    }

    fn push_field(&mut self) {
        self.fields
            .push(String::from_utf8_lossy(&self.field).into_owned());
        self.field.clear();
    }

    /// Reads on to the end of the next record; `None` at the end of the file.
    fn next_record(&mut self) -> io::Result<Option<Record>> {
        loop {
            if self.pos == self.filled && !self.eof {
                self.pos = 0;
                self.filled = loop {
                    match self.src.read(&mut self.buf) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        r => break r?,
                    }
                };
                self.eof = self.filled == 0;
            }
            let input = &self.buf[self.pos..self.filled];
            let (res, nin, nout) = self.core.read_field(input, &mut self.out[..]);
            let from = self.pos;
            self.pos += nin;
            self.count(from, self.pos);
            let room = MAX_FIELD.saturating_sub(self.field.len());
            self.field.extend_from_slice(&self.out[..nout.min(room)]);
            use csv_core::ReadFieldResult as F;
            match res {
                F::InputEmpty | F::OutputFull => {}
                F::Field { record_end } => {
                    self.push_field();
                    if record_end {
                        let line = self.start.take().unwrap_or(self.newlines + 1);
                        return Ok(Some(Record {
                            line,
                            fields: std::mem::take(&mut self.fields),
                        }));
                    }
                }
                F::End => return Ok(None),
            }
        }
    }

    /// The next record, blank lines included.
    pub fn next(&mut self) -> io::Result<Option<Record>> {
        loop {
            if let Some(r) = &self.ready {
                if self.blank_from < r.line {
                    self.blank_from += 1;
                    return Ok(Some(blank(self.blank_from - 1)));
                }
                return Ok(self.ready.take());
            }
            if self.done {
                // Empty lines after the last row; the file's own final line end is not one.
                let total =
                    self.newlines + 1 - u64::from(matches!(self.last_byte, None | Some(b'\n')));
                if self.next_line <= total {
                    self.next_line += 1;
                    return Ok(Some(blank(self.next_line - 1)));
                }
                return Ok(None);
            }
            match self.next_record()? {
                Some(r) => {
                    self.blank_from = self.next_line;
                    self.next_line = self.content_line.max(r.line) + 1;
                    self.ready = Some(r);
                }
                None => self.done = true,
            }
        }
    }
}

fn blank(line: u64) -> Record {
    Record {
        line,
        fields: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The whole-file reading: the csv crate over the bytes, lines from byte offsets.
    fn reference(body: &[u8]) -> Vec<Record> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut out = Vec::new();
        let line_at = |o: usize| body[..o].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let mut next_line = 1u64;
        let mut rec = csv::ByteRecord::new();
        loop {
            let before = rdr.position().byte() as usize;
            if !rdr.read_byte_record(&mut rec).unwrap_or(false) {
                break;
            }
            let end = (rdr.position().byte() as usize).min(body.len());
            let is_break = |b: &u8| *b == b'\r' || *b == b'\n';
            let start = before + body[before..end].iter().take_while(|b| is_break(b)).count();
            let content_end = end
                - body[start..end]
                    .iter()
                    .rev()
                    .take_while(|b| is_break(b))
                    .count();
            let line = line_at(start);
            for l in next_line..line {
                out.push(blank(l));
            }
            next_line = line_at(content_end.max(start)) + 1;
            out.push(Record {
                line,
                fields: rec
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            });
        }
        let total = line_at(body.len()) - u64::from(body.ends_with(b"\n") || body.is_empty());
        for l in next_line..=total {
            out.push(blank(l));
        }
        out
    }

    fn streamed(body: &[u8]) -> Vec<Record> {
        let mut r = Records::new(body);
        let mut out = Vec::new();
        while let Some(rec) = r.next().unwrap() {
            out.push(rec);
        }
        out
    }

    #[test]
    fn blank_lines_crlf_and_quoted_breaks() {
        for body in [
            &b"Entry Number\r\n\r\nA\r\n\"B\r\n\r\nC\"\r\n\r\n\r\n"[..],
            b"",
            b"\n",
            b"a",
            b"a\n\nb",
            b"\r\r\na\r",
            b"\"a\nb\"\n\n",
        ] {
            assert_eq!(streamed(body), reference(body), "{body:?}");
        }
    }

    proptest! {
        #[test]
        fn streaming_agrees_with_the_whole_file_reading(
            body in prop::collection::vec(prop::sample::select(b"ab,\"\r\n \xff".to_vec()), 0..80)
        ) {
            prop_assert_eq!(streamed(&body), reference(&body));
        }
    }
}
