//! Splitting CSV bytes into records, with the line each record starts on.
//!
//! Records are read exactly as the csv crate reads them (its defaults: `"` quotes with `""`
//! inside, any of `\r`, `\n` and `\r\n` ends a record, blank lines are skipped, a UTF-8 BOM
//! at the start is dropped, rows may differ in length), but faster on what exports are made
//! of: a line with no quote and no stray carriage return is split where it lies, and only
//! the fields up to the last one wanted. A batch takes a run of such lines in one pass that
//! finds delimiters and line ends 64 bytes at a time ([`special_bytes`]), and in that pass
//! also the lines whose quotes only enclose whole fields with nothing to unescape (ACE's
//! `"$12,599.50"`): such a field's text is the bytes inside its quotes. Any other line
//! goes to `csv_core`, byte for byte. The property tests (`csv_records/tests.rs`) check
//! every way of reading against the csv crate, on arbitrary bytes and on export-shaped
//! text, read in pieces of many sizes.

use std::io::{self, Read};

use super::special_bytes::special_bytes;

/// The longest row read: a longer one is almost surely an unterminated quote that would
/// swallow the rest of the file into memory.
pub const MAX_ROW_BYTES: usize = 64 << 20;

/// Reads records from `R` into a buffer it reuses.
pub struct RecordReader<R> {
    src: R,
    buf: Vec<u8>,
    /// `buf[pos..filled]` is read but not yet parsed.
    pos: usize,
    filled: usize,
    eof: bool,
    started: bool,
    /// The line of `buf[pos]`, from 1.
    line: u64,
    delimiter: u8,
    /// Fields past this many are not split off: the rest of the line is one more field.
    limit: usize,
    core: csv_core::Reader,
    /// Field data of a record that went through `csv_core`.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The current record: field bounds in `buf`, or in `out` when `in_out`.
    fields: Vec<(usize, usize)>,
    in_out: bool,
}

/// A record found by `locate`.
enum Located {
    /// One line with no quote and no stray carriage return: its text is `buf[start..end]`,
    /// left to split.
    Plain(usize, usize),
    /// Any other record, already read by `csv_core` into `fields`.
    Read,
}

/// Why no record could be read.
#[derive(Debug)]
pub struct RecordError {
    /// The line the failing record starts on.
    pub line: u64,
    pub source: io::Error,
}

impl<R: Read> RecordReader<R> {
    pub fn new(src: R, delimiter: u8) -> Self {
        Self::with_buffer(src, delimiter, 1 << 20)
    }

    /// A reader whose buffer starts at `size` bytes (it grows for longer rows).
    fn with_buffer(src: R, delimiter: u8, size: usize) -> Self {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // Mark the reader as used, so that a BOM is dropped at the start of the file only:
        // a line break at the start of a record is skipped and changes nothing else.
        let _ = core.read_record(b"\n", &mut [0], &mut [0]);
        RecordReader {
            src,
            buf: vec![0; size.max(1)],
            pos: 0,
            filled: 0,
            eof: false,
            started: false,
            line: 1,
            delimiter,
            limit: usize::MAX,
            core,
            out: vec![0; 4096],
            ends: vec![0; 64],
            fields: Vec::new(),
            in_out: false,
        }
    }

    /// The source, once reading is done.
    pub fn into_inner(self) -> R {
        self.src
    }

    /// From now on, split only the first `n` fields of a record exactly: `field(i)` for
    /// `i >= n` may hold several fields, or the rest of the line, or be missing.
    pub fn set_limit(&mut self, n: usize) {
        self.limit = n;
    }

    /// Field `i` of the current record.
    pub fn field(&self, i: usize) -> Option<&[u8]> {
        let &(s, e) = self.fields.get(i)?;
        Some(if self.in_out {
            &self.out[s..e]
        } else {
            &self.buf[s..e]
        })
    }

    /// Appends the current record's fields to `data`, and their bounds in `data` to
    /// `bounds`.
    fn append_to(&self, data: &mut Vec<u8>, bounds: &mut Vec<(u32, u32)>) {
        let src = if self.in_out { &self.out } else { &self.buf };
        let (Some(first), Some(last)) = (self.fields.first(), self.fields.last()) else {
            return;
        };
        let base = data.len();
        data.extend_from_slice(&src[first.0..last.1]);
        // A record is at most `MAX_ROW_BYTES` (64 MiB): offsets in a batch fit in u32.
        let at = |p: usize| (p - first.0 + base) as u32;
        bounds.extend(self.fields.iter().map(|&(s, e)| (at(s), at(e))));
    }

    /// Reads the next record; returns the line it starts on, or `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<u64>, RecordError> {
        let Some((line, record)) = self.locate()? else {
            return Ok(None);
        };
        if let Located::Plain(start, end) = record {
            self.in_out = false;
            self.fields.clear();
            let fields = &mut self.fields;
            split(&self.buf[start..end], self.delimiter, self.limit, |s, e| {
                fields.push((start + s, start + e));
            });
        }
        Ok(Some(line))
    }

    /// Reads the next record and appends it to `data` (its text, or its fields once
    /// unquoted) and the bounds of its fields in `data` to `bounds`; returns the line it
    /// starts on.
    pub fn next_into(
        &mut self,
        data: &mut Vec<u8>,
        bounds: &mut Vec<(u32, u32)>,
    ) -> Result<Option<u64>, RecordError> {
        let Some((line, record)) = self.locate()? else {
            return Ok(None);
        };
        match record {
            Located::Plain(start, end) => {
                let base = data.len();
                data.extend_from_slice(&self.buf[start..end]);
                // A record is at most `MAX_ROW_BYTES` (64 MiB): offsets in a batch fit in u32.
                split(&data[base..], self.delimiter, self.limit, |s, e| {
                    bounds.push(((base + s) as u32, (base + e) as u32));
                });
            }
            Located::Read => self.append_to(data, bounds),
        }
        Ok(Some(line))
    }

    /// Appends records to a batch, as [`next_into`](Self::next_into) does, and for each one
    /// its line and the end of its fields in `bounds` to `rows`, until `data` holds `want`
    /// bytes; returns `false` once the input has ended.
    pub fn next_batch(
        &mut self,
        data: &mut Vec<u8>,
        bounds: &mut Vec<(u32, u32)>,
        rows: &mut Vec<(u64, u32)>,
        want: usize,
    ) -> Result<bool, RecordError> {
        while data.len() < want {
            if self.started {
                self.plain_lines(data, bounds, rows, want);
                if data.len() >= want {
                    break;
                }
            }
            match self.next_into(data, bounds)? {
                Some(line) => rows.push((line, bounds.len() as u32)),
                None => return Ok(false),
            }
        }
        Ok(true)
    }

    /// Takes the complete lines at `pos` whose only quotes enclose whole fields with no
    /// quote, carriage return or line feed inside (`"$12,599.50"`) and whose only carriage
    /// return is the one before their line feed, in one pass over the buffer: their fields
    /// are found 64 bytes at a time and the lines copied to `data` together, a quoted
    /// field's bounds falling inside its quotes. Stops before any other line (a blank one
    /// too), which `next_into` then reads, and once `data` holds `want` bytes.
    fn plain_lines(
        &mut self,
        data: &mut Vec<u8>,
        bounds: &mut Vec<(u32, u32)>,
        rows: &mut Vec<(u64, u32)>,
        want: usize,
    ) {
        let buf = &self.buf[..self.filled];
        let (start, delimiter, limit) = (self.pos, self.delimiter, self.limit);
        let ends_line = |p: usize| buf.get(p).is_none_or(|&b| b == b'\n' || b == b'\r');
        if ends_line(start) {
            return;
        }
        // Positions in `buf` from `start` on become positions in `data` from its end on.
        let shift = data.len().wrapping_sub(start);
        let at = |p: usize| p.wrapping_add(shift) as u32;
        let (mut line_start, mut field_start, mut taken) = (start, start, 0);
        let (mut kept, mut end, mut lines) = (bounds.len(), start, 0);
        // The cell being read (past the limit too), whether its opening quote is still
        // open, and its text inside the quotes once they are closed.
        let (mut cell, mut open, mut inside) = (start, false, None);
        let mut chunk = start;
        let want = want.saturating_sub(data.len());
        'lines: while chunk < buf.len() {
            let mut hits = special_bytes(&buf[chunk..], delimiter);
            while hits != 0 {
                let p = chunk + hits.trailing_zeros() as usize;
                hits &= hits - 1;
                match buf[p] {
                    _ if open && buf[p] != b'"' => {
                        if buf[p] != delimiter {
                            // A line break inside quotes.
                            break 'lines;
                        }
                    }
                    b if b == delimiter => {
                        if taken < limit {
                            let (s, e) = inside.take().unwrap_or((field_start, p));
                            bounds.push((at(s), at(e)));
                            (field_start, taken) = (p + 1, taken + 1);
                        }
                        (cell, inside) = (p + 1, None);
                    }
                    b'"' if open => {
                        // The closing quote, if a delimiter or the line's end follows it.
                        let next = buf.get(p + 1).copied();
                        let closes = next == Some(delimiter)
                            || next == Some(b'\n')
                            || (next == Some(b'\r') && buf.get(p + 2) == Some(&b'\n'));
                        if !closes {
                            break 'lines;
                        }
                        (open, inside) = (false, Some((cell + 1, p)));
                    }
                    b'"' if p == cell && inside.is_none() => open = true,
                    b'\n' => {
                        if p - line_start > MAX_ROW_BYTES {
                            break 'lines;
                        }
                        let body_end = if buf[p - 1] == b'\r' { p - 1 } else { p };
                        let last = inside.take().filter(|_| taken < limit);
                        let (s, e) = last.unwrap_or((field_start, body_end));
                        bounds.push((at(s), at(e)));
                        rows.push((self.line + lines, bounds.len() as u32));
                        lines += 1;
                        (end, kept) = (p + 1, bounds.len());
                        (line_start, field_start, taken, cell) = (end, end, 0, end);
                        if end - start >= want || ends_line(end) {
                            break 'lines;
                        }
                    }
                    // The carriage return of a CRLF: the line feed ends the line.
                    b'\r' if buf.get(p + 1) == Some(&b'\n') => {}
                    // A quote inside a field, or a carriage return alone: not a plain line.
                    _ => break 'lines,
                }
            }
            chunk += 64;
        }
        bounds.truncate(kept);
        data.extend_from_slice(&buf[start..end]);
        self.pos = end;
        self.line += lines;
    }

    /// Finds the next record and the line it starts on.
    fn locate(&mut self) -> Result<Option<(u64, Located)>, RecordError> {
        if !self.started {
            self.started = true;
            while self.filled < 3 && !self.eof {
                self.fill(1)?;
            }
            if self.buf[..self.filled].starts_with(b"\xEF\xBB\xBF") {
                self.pos = 3;
            }
        }
        // Blank lines, and the line breaks that end the previous record.
        loop {
            match self.buf[self.pos..self.filled]
                .iter()
                .position(|&b| b != b'\n' && b != b'\r')
            {
                Some(k) => {
                    self.skip(k);
                    break;
                }
                None => {
                    self.skip(self.filled - self.pos);
                    if self.eof {
                        return Ok(None);
                    }
                    self.fill(0)?;
                }
            }
        }
        let line = self.line;
        // The line's end, reading on until it is in the buffer.
        let mut searched = self.pos;
        let nl = loop {
            if let Some(k) = memchr::memchr(b'\n', &self.buf[searched..self.filled]) {
                break searched + k;
            }
            if self.eof {
                break self.filled;
            }
            searched = self.filled;
            let kept = self.pos;
            self.fill(line)?;
            searched -= kept;
        };
        if nl - self.pos > MAX_ROW_BYTES {
            return Err(too_long(line));
        }
        let mut body_end = nl;
        if body_end > self.pos && self.buf[body_end - 1] == b'\r' {
            body_end -= 1;
        }
        let start = self.pos;
        if memchr::memchr2(b'"', b'\r', &self.buf[start..body_end]).is_some() {
            self.read_with_core(line)?;
            return Ok(Some((line, Located::Read)));
        }
        self.pos = (nl + 1).min(self.filled);
        if nl < self.filled {
            self.line += 1;
        }
        Ok(Some((line, Located::Plain(start, body_end))))
    }

    /// Reads the record at `pos` with `csv_core`, reading on as long as it lasts.
    fn read_with_core(&mut self, line: u64) -> Result<(), RecordError> {
        self.in_out = true;
        self.fields.clear();
        let (mut nout, mut nend, mut taken) = (0, 0, 0usize);
        loop {
            let input = &self.buf[self.pos..self.filled];
            let (res, nin, o, e) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            nout += o;
            nend += e;
            taken += nin;
            self.skip(nin);
            use csv_core::ReadRecordResult as R;
            match res {
                R::Record => break,
                R::End => break,
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::InputEmpty => {
                    if taken > MAX_ROW_BYTES {
                        return Err(too_long(line));
                    }
                    if !self.eof {
                        self.fill(line)?;
                    }
                }
            }
        }
        let mut start = 0;
        for &end in &self.ends[..nend] {
            self.fields.push((start, end));
            start = end;
        }
        Ok(())
    }

    /// Moves `pos` on by `n` bytes, counting the line breaks passed.
    fn skip(&mut self, n: usize) {
        let passed = &self.buf[self.pos..self.pos + n];
        self.line += memchr::memchr_iter(b'\n', passed).count() as u64;
        self.pos += n;
    }

    /// Reads more of the file, keeping `buf[pos..filled]` (moved to the front). Grows the
    /// buffer when that part fills it, up to a row of [`MAX_ROW_BYTES`]; `line` names the
    /// record being read, for the error.
    fn fill(&mut self, line: u64) -> Result<(), RecordError> {
        self.buf.copy_within(self.pos..self.filled, 0);
        self.filled -= self.pos;
        self.pos = 0;
        if self.filled > MAX_ROW_BYTES {
            return Err(too_long(line));
        }
        if self.filled == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => return Err(RecordError { line, source }),
            }
        }
    }
}

/// Calls `field(start, end)` for the fields of `line`, at most `limit` of them ended by a
/// delimiter and then the rest of the line. The line holds no quote, carriage return or line
/// feed (`locate` sends any other to `csv_core`), so every byte [`special_bytes`] marks in it
/// is a delimiter.
fn split(line: &[u8], delimiter: u8, limit: usize, mut field: impl FnMut(usize, usize)) {
    let (mut start, mut taken) = (0, 0);
    for (base, chunk) in (0..).step_by(64).zip(line.chunks(64)) {
        let mut hits = special_bytes(chunk, delimiter);
        while hits != 0 {
            if taken == limit {
                return field(start, line.len());
            }
            let at = base + hits.trailing_zeros() as usize;
            field(start, at);
            (start, taken) = (at + 1, taken + 1);
            hits &= hits - 1;
        }
    }
    field(start, line.len());
}

fn too_long(line: u64) -> RecordError {
    RecordError {
        line,
        source: io::Error::other(format!(
            "a single row runs longer than {} MiB: probably a quote (\") that is never closed; \
             fix the quoting or save the export from ACE again",
            MAX_ROW_BYTES >> 20
        )),
    }
}

#[cfg(test)]
mod tests;
