//! Rows passed in batches from a thread that reads them (CSV records split in place, or
//! XLSX cells turned to text) to the thread that takes them into the ledger, so that
//! reading and taking run side by side. Batches go back to the reader to be filled again.

use std::sync::mpsc;

use super::{Row, RowSink};

/// About how many bytes of rows a batch holds.
pub const BATCH_BYTES: usize = 1 << 20;

/// Rows: the text of their cells one after another, each cell's bounds in it, and each
/// row's line with the end of its cells in `bounds`.
#[derive(Default)]
pub struct Batch {
    pub data: Vec<u8>,
    pub bounds: Vec<(u32, u32)>,
    pub rows: Vec<(u64, u32)>,
}

impl Batch {
    fn clear(&mut self) {
        self.data.clear();
        self.bounds.clear();
        self.rows.clear();
    }
}

/// What a row lacks past its last cell.
#[derive(Clone, Copy)]
pub enum Beyond {
    /// No cell (a CSV row that ends early).
    Missing,
    /// An empty cell (a sheet's row, whose empty cells are not written).
    Empty,
}

/// A row of a batch.
struct BatchRow<'a> {
    data: &'a [u8],
    bounds: &'a [(u32, u32)],
    beyond: Beyond,
}

impl Row for BatchRow<'_> {
    #[inline]
    fn cell(&self, i: usize) -> Option<&[u8]> {
        let Some(&(s, e)) = self.bounds.get(i) else {
            return match self.beyond {
                Beyond::Missing => None,
                Beyond::Empty => Some(b""),
            };
        };
        self.data
            .get(s as usize..e as usize)
            .map(crate::input::excel::unwrap)
    }
}

/// The reading thread's end: empty batches to fill, and where to send them full.
pub struct Filler {
    full: mpsc::SyncSender<Batch>,
    empty: mpsc::Receiver<Batch>,
}

impl Filler {
    /// An empty batch, one given back if there is one.
    pub fn fresh(&self) -> Batch {
        let mut b = self.empty.try_recv().unwrap_or_default();
        b.clear();
        b
    }

    /// Sends a batch to be taken; `false` once the taker has stopped.
    pub fn send(&self, batch: Batch) -> bool {
        batch.rows.is_empty() || self.full.send(batch).is_ok()
    }
}

/// Runs `read` on a second thread, which fills batches and sends them through its
/// [`Filler`], while this thread hands their rows to `sink`, in order. Returns what `read`
/// returns, once every row it sent is taken.
pub fn stream<S, T, E, F>(sink: &mut S, beyond: Beyond, read: F) -> Result<T, E>
where
    S: RowSink,
    T: Send,
    E: Send,
    F: FnOnce(&Filler) -> Result<T, E> + Send,
{
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(2);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let filler = Filler {
                full: full_tx,
                empty: empty_rx,
            };
            read(&filler)
        });
        for batch in full_rx {
            let mut start = 0;
            for &(line, end) in &batch.rows {
                let bounds = &batch.bounds[start as usize..end as usize];
                let row = BatchRow {
                    data: &batch.data,
                    bounds,
                    beyond,
                };
                sink.row(line, &row);
                start = end;
            }
            let _ = empty_tx.send(batch);
        }
        crate::parallel::unwound(reader.join())
    })
}
