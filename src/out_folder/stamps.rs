//! How a run knows the previous run's outputs unchanged without reading them again.
//!
//! A run replaces only the files that cape wrote itself and nobody changed since: their
//! SHA-256 must be the one that run's `cape_run.json` records. Hashing the previous set
//! again (60 MB and more on a broker's export) took about as long as deciding every entry.
//! So each output's identity is noted right after it is written and flushed to disk: its
//! device, inode, size, and modification and change times. They are kept beside the
//! folder, in the hidden `.NAME.cape-stamps` next to its lock: not in it, so that the
//! folders of two runs on the same inputs hold the same bytes. When a file of the old set
//! still shows
//! the identity noted beside the SHA-256 that the record holds, it is the file cape
//! wrote; any write to a file, a copy over it or a change of its times gives it a new
//! change time (which no program can set back), and a file saved anew is a new inode. A
//! file without a matching stamp is hashed, as before; so is every file on systems
//! other than Unix.
//!
//! Each line: `SHA-256 device inode size mtime-s mtime-ns ctime-s ctime-ns name`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::path::Path;

/// The tag of the stamps file among the folder's hidden siblings.
pub const TAG: &str = "stamps";

/// The tag of a stamps file being written (then renamed over the old one).
pub const NEW_TAG: &str = "stamps-new";

/// The first line, naming the format.
const HEADER: &str = "cape stamps 1";

/// A file's identity on disk, as far as it changes with the file's contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp([i64; 7]);

impl Stamp {
    /// The identity of the file `meta` describes (none where the system gives no inode and
    /// change time).
    pub fn of(meta: &fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stamp([
                meta.dev() as i64,
                meta.ino() as i64,
                meta.size() as i64,
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec(),
            ]))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// The stamps file's text for `files` (name, stamp, SHA-256).
pub fn render(files: &[(String, Stamp, String)]) -> String {
    let mut out = format!("{HEADER}\n");
    for (name, Stamp(s), sha) in files {
        let fields: Vec<String> = s.iter().map(i64::to_string).collect();
        out.push_str(&format!("{sha} {} {name}\n", fields.join(" ")));
    }
    out
}

/// Stamps by file name, each with the SHA-256 noted beside it.
pub type Noted = HashMap<OsString, (Stamp, String)>;

/// The stamps in the file `path`, by name, with the SHA-256 noted beside each. Nothing
/// when it is missing or not a stamps file.
pub fn read(path: &Path) -> Option<Noted> {
    let raw = fs::read(path).ok()?;
    let text = std::str::from_utf8(&raw).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let mut stamps = HashMap::new();
    for line in lines {
        let mut parts = line.splitn(9, ' ');
        let sha = parts.next()?;
        let mut s = [0i64; 7];
        for v in &mut s {
            *v = parts.next()?.parse().ok()?;
        }
        let name = parts.next()?;
        stamps.insert(name.into(), (Stamp(s), sha.to_string()));
    }
    Some(stamps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = Stamp([1, 2, 3, 4, 5, -6, 7]);
        let files = vec![
            ("cape_entries.csv".to_string(), a, "ab".repeat(32)),
            (
                "name with spaces.csv".to_string(),
                Stamp([0; 7]),
                "cd".repeat(32),
            ),
        ];
        let path = dir.path().join("stamps");
        fs::write(&path, render(&files)).unwrap();
        let read = read(&path).unwrap();
        assert_eq!(read.len(), 2);
        for (name, stamp, sha) in files {
            assert_eq!(read[&OsString::from(name)], (stamp, sha));
        }
    }

    #[test]
    fn anything_else_is_no_stamps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stamps");
        assert!(read(&path).is_none());
        for text in ["", "cape stamps 2\n", "cape stamps 1\nab 1 2 3\n", "x\n"] {
            fs::write(&path, text).unwrap();
            assert!(read(&path).is_none(), "{text:?}");
        }
    }

    #[test]
    fn a_change_to_a_file_changes_its_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        fs::write(&p, "abc").unwrap();
        let before = Stamp::of(&fs::metadata(&p).unwrap());
        if before.is_none() {
            return;
        }
        // The same size, and the modification time put back: the change time still moves.
        let mtime = fs::metadata(&p).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&p, "xyz").unwrap();
        fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_ne!(Stamp::of(&fs::metadata(&p).unwrap()), before);
    }
}
