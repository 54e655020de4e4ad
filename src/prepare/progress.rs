//! Progress on stderr while large inputs are read: one line, rewritten in place, with the
//! rows read, the entries so far and the line reached in the input. Only when stderr is a
//! terminal, not with `--json`, and only once a read has run for a while.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::es003::{Row, RowSink};

/// Rows between two looks at the clock.
const CHECK_EVERY: u64 = 1 << 16;
/// How long a read runs before progress shows: a short run prints no progress at all.
const AFTER: Duration = Duration::from_secs(2);

/// Passes rows on to `inner`, now and then saying how far it got.
pub struct Progress<'a, S> {
    inner: &'a mut S,
    label: String,
    enabled: bool,
    rows: u64,
    started: Instant,
    shown: bool,
}

impl<'a, S> Progress<'a, S> {
    pub fn new(inner: &'a mut S, path: &Path, wanted: bool) -> Self {
        Progress {
            inner,
            label: crate::output::terminal_safe(&path.display().to_string()).into_owned(),
            enabled: wanted && std::io::stderr().is_terminal(),
            rows: 0,
            started: Instant::now(),
            shown: false,
        }
    }
}

impl<S: RowSink> RowSink for Progress<'_, S> {
    fn row<R: Row + ?Sized>(&mut self, line: u64, row: &R) {
        self.inner.row(line, row);
        self.rows += 1;
        if self.enabled && self.rows.is_multiple_of(CHECK_EVERY) && self.started.elapsed() > AFTER {
            // Progress is a courtesy: a terminal that fails it does not stop the run.
            let mut err = std::io::stderr();
            let entries = self
                .inner
                .entries()
                .map_or_else(String::new, |n| format!(", {n} entries"));
            let _ = write!(
                err,
                "\r\x1b[2K{}: {} rows read{entries}, at line {line}…",
                self.label, self.rows
            );
            let _ = err.flush();
            self.shown = true;
        }
    }
}

impl<S> Drop for Progress<'_, S> {
    fn drop(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
