//! Spreading per-entry work over the machine's cores, with results in their original order:
//! mapping a slice, running two jobs side by side, and formatting a large output in chunks
//! that are written in order while later ones are being formatted. Small inputs stay on the
//! calling thread. A thread's panic goes on in the thread that joins it.

use std::io::{self, Write};
use std::sync::mpsc;

/// Below this many items, threads cost more than they save.
const MIN_PARALLEL: usize = 20_000;

/// How many threads to use for `items` items.
fn threads_for(items: usize) -> usize {
    if items < MIN_PARALLEL {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
}

/// What a joined thread returned; if it panicked, the panic goes on here.
pub fn unwound<T>(joined: std::thread::Result<T>) -> T {
    joined.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `(a(), b())`, `a` on a second thread while `b` runs on this one.
pub fn both<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let a = s.spawn(a);
        let b = b();
        (unwound(a.join()), b)
    })
}

/// `items.iter().map(f).collect()`, on several threads.
pub fn map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    map_on(threads_for(items.len()), items, f)
}

fn map_on<T: Sync, U: Send>(threads: usize, items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    if threads <= 1 || items.is_empty() {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    let (first, rest) = items.split_at(per);
    std::thread::scope(|s| {
        let parts: Vec<_> = rest
            .chunks(per)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
            .collect();
        // This thread maps the first part straight into the result: only the later parts
        // are copied.
        let mut out = Vec::with_capacity(items.len());
        out.extend(first.iter().map(f));
        for part in parts {
            out.extend(unwound(part.join()));
        }
        out
    })
}

/// Items formatted per chunk.
const CHUNK: usize = 8192;

/// Writes `format(scratch, i, buf)` for every `i` in `0..items`, in order, to `w` (each
/// thread has a scratch `S` of its own). Chunks of items are formatted on several threads,
/// each a chunk ahead at most, and written in turn, so memory stays at a few chunks
/// whatever the size of the output.
pub fn write_ordered<S, F>(w: &mut dyn Write, items: usize, format: F) -> io::Result<()>
where
    S: Default,
    F: Fn(&mut S, usize, &mut Vec<u8>) + Sync,
{
    write_ordered_on(threads_for(items), w, items, format)
}

fn write_ordered_on<S, F>(
    threads: usize,
    w: &mut dyn Write,
    items: usize,
    format: F,
) -> io::Result<()>
where
    S: Default,
    F: Fn(&mut S, usize, &mut Vec<u8>) + Sync,
{
    let chunks = items.div_ceil(CHUNK);
    let fill = |k: usize, buf: &mut Vec<u8>| {
        let mut scratch = S::default();
        buf.clear();
        (k * CHUNK..((k + 1) * CHUNK).min(items)).for_each(|i| format(&mut scratch, i, buf));
    };
    if threads <= 1 {
        let mut buf = Vec::new();
        for k in 0..chunks {
            fill(k, &mut buf);
            w.write_all(&buf)?;
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        // Helper t formats chunks t, t + threads, …; this thread writes them in turn, and
        // hands each buffer back for reuse.
        let mut from_helpers = Vec::new();
        let mut to_helpers = Vec::new();
        for t in 0..threads {
            let (done_tx, done_rx) = mpsc::sync_channel::<Vec<u8>>(1);
            let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
            let fill = &fill;
            s.spawn(move || {
                for k in (t..chunks).step_by(threads) {
                    let mut buf = free_rx.try_recv().unwrap_or_default();
                    fill(k, &mut buf);
                    if done_tx.send(buf).is_err() {
                        return;
                    }
                }
            });
            from_helpers.push(done_rx);
            to_helpers.push(free_tx);
        }
        for k in 0..chunks {
            let t = k % threads;
            let buf = from_helpers[t]
                .recv()
                .map_err(|_| io::Error::other("a formatting thread stopped"))?;
            w.write_all(&buf)?;
            let _ = to_helpers[t].send(buf);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order() {
        let items: Vec<u32> = (0..10_007).collect();
        let want: Vec<u32> = items.iter().map(|x| x * 2).collect();
        for threads in [1, 2, 3, 8] {
            assert_eq!(map_on(threads, &items, |x| x * 2), want, "{threads}");
            assert_eq!(
                map_on(threads, &items[..2], |x| x * 2),
                want[..2],
                "{threads}"
            );
        }
        assert!(map_on(3, &items[..0], |x| x * 2).is_empty());
    }

    #[test]
    fn both_returns_both_and_passes_a_panic_on() {
        let items = [1, 2, 3];
        assert_eq!(both(|| items.len(), || items.iter().sum::<i32>()), (3, 6));
        let r = std::panic::catch_unwind(|| both(|| panic!("side job"), || 1));
        let panic = r.unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"side job"));
    }

    #[test]
    fn write_ordered_writes_every_item_once_in_order() {
        for threads in [1, 2, 3] {
            for n in [0, 1, CHUNK - 1, CHUNK, 5 * CHUNK + 17] {
                let mut out = Vec::new();
                // The scratch counts the items a thread formats within one chunk.
                write_ordered_on(threads, &mut out, n, |seen: &mut usize, i, b| {
                    *seen += 1;
                    assert!(*seen <= CHUNK);
                    b.extend_from_slice(format!("{i}\n").as_bytes())
                })
                .unwrap();
                let want: String = (0..n).map(|i| format!("{i}\n")).collect();
                assert_eq!(String::from_utf8(out).unwrap(), want, "{threads} {n}");
            }
        }
    }

    #[test]
    fn a_failed_write_stops_the_helpers() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let r = write_ordered_on(3, &mut Full, 10 * CHUNK, |_: &mut (), _, b| b.push(b'x'));
        assert_eq!(r.unwrap_err().to_string(), "disk full");
    }
}
