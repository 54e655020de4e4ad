//! The output folder as one transaction: a user looking at it, at any moment and after any
//! interruption, sees the previous run's set of files or the new one, never a mix.
//!
//! [`OutFolder::begin`] takes the folder's lock (a file beside it, naming the run), removes
//! what killed runs left behind, and makes a hidden staging folder beside it. Every output
//! is written there, flushed to disk and closed ([`OutFolder::write`]). [`OutFolder::commit`]
//! carries over every file of the old folder that is not cape's own (an earlier run's
//! output, recorded with its hash in that run's `cape_run.json` and unchanged since), and
//! then swaps the two folders in one step: `renameat2(RENAME_EXCHANGE)` on Linux. Elsewhere
//! the old folder is renamed aside and the new one into place, two steps with a moment
//! between them in which the folder is missing (never mixed). The old set is then removed.
//! Whether an old file is unchanged is known from its stamp (`stamps.rs`, kept beside the
//! folder) without reading it, or else from its hash.

mod stamps;

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use stamps::Stamp;

use crate::output::{Fingerprint, Fingerprinting, OutputError};

/// The run record that lists a run's own outputs.
const RUN_RECORD: &str = "cape_run.json";

/// An output written into the staging folder.
#[derive(Clone, Debug)]
pub struct Written {
    /// Where it will be once committed.
    pub path: PathBuf,
    pub fingerprint: Fingerprint,
}

/// What a commit did.
#[derive(Debug, Default)]
pub struct Committed {
    /// Outputs of the earlier run that the new set does not have.
    pub removed: Vec<PathBuf>,
}

/// An output folder being replaced.
pub struct OutFolder {
    dir: PathBuf,
    stage: PathBuf,
    lock: PathBuf,
    /// cape's own files in the old folder: name -> SHA-256 recorded.
    own: HashMap<OsString, String>,
    /// The old files' stamps, with the SHA-256 noted beside each.
    old_stamps: stamps::Noted,
    /// The stamps of the outputs written so far: name, stamp, SHA-256.
    stamps: Mutex<Vec<(String, Stamp, String)>>,
    done: bool,
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.into(),
        source,
    }
}

/// The folder that holds `dir` (`.` for a bare name).
fn parent_of(dir: &Path) -> &Path {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The start of the names of `dir`'s hidden siblings: `.NAME.cape-`.
fn sibling_prefix(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy());
    format!(".{name}.cape-")
}

/// `dir`'s hidden sibling for `tag` (the lock, a staging or an old folder).
fn sibling(dir: &Path, tag: &str) -> PathBuf {
    parent_of(dir).join(format!("{}{tag}", sibling_prefix(dir)))
}

/// A test may stop a run at a named step, as a kill would, or hold it there for a signal
/// (debug builds only).
fn fail_point(step: &str) -> Result<(), OutputError> {
    if cfg!(debug_assertions) && std::env::var("CAPE_FAIL_AT").is_ok_and(|s| s == step) {
        match std::env::var("CAPE_FAIL_HOW").as_deref() {
            Ok("kill") => std::process::abort(),
            Ok("wait") => {
                eprintln!("waiting at {step}");
                std::thread::sleep(std::time::Duration::from_secs(30));
            }
            _ => {}
        }
        return Err(OutputError::Io {
            path: step.into(),
            source: io::Error::other("stopped here for a test"),
        });
    }
    Ok(())
}

/// Whether process `pid` is alive.
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Without a way to ask, a lock is taken to be held.
        true
    }
}

impl OutFolder {
    /// Locks `dir` for this run and prepares an empty staging folder beside it.
    pub fn begin(dir: &Path) -> Result<OutFolder, OutputError> {
        let lock = sibling(dir, "lock");
        let parent = parent_of(dir);
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        take_lock(&lock, dir)?;
        let mut folder = OutFolder {
            dir: dir.into(),
            stage: sibling(dir, &format!("stage-{}", std::process::id())),
            lock,
            own: HashMap::new(),
            old_stamps: HashMap::new(),
            stamps: Mutex::new(Vec::new()),
            done: false,
        };
        folder.clean_leftovers();
        active().push((folder.stage.clone(), folder.lock.clone()));
        fs::create_dir(&folder.stage).map_err(io_err(&folder.stage))?;
        folder.own = own_files(dir);
        folder.old_stamps = stamps::read(&sibling(dir, stamps::TAG)).unwrap_or_default();
        Ok(folder)
    }

    /// The folder the outputs go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes staging and old folders that killed runs left beside `dir`.
    fn clean_leftovers(&self) {
        let prefix = sibling_prefix(&self.dir);
        let Ok(listing) = fs::read_dir(parent_of(&self.dir)) else {
            return;
        };
        for e in listing.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if let Some(rest) = n.strip_prefix(&prefix)
                && (rest.starts_with("stage-") || rest.starts_with("old-"))
            {
                let _ = fs::remove_dir_all(e.path());
            } else if let Some(rest) = n.strip_prefix(&prefix)
                && rest.starts_with(stamps::NEW_TAG)
            {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// Writes the output `name` through `fill` into the staging folder, flushed to disk and
    /// closed: the run holds no file open between outputs. A new output gets the umask's
    /// mode, or the mode of cape's own earlier file it replaces.
    pub fn write<F>(&self, name: &str, fill: F) -> Result<Written, OutputError>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        let path = self.stage.join(name);
        let err = io_err(&path);
        let file = File::create_new(&path).map_err(&err)?;
        #[cfg(unix)]
        if self.own.contains_key(std::ffi::OsStr::new(name))
            && let Ok(old) = fs::symlink_metadata(self.dir.join(name))
            && old.is_file()
        {
            // Best effort: some network drives refuse to change permissions.
            let _ = file.set_permissions(old.permissions());
        }
        let mut w = Fingerprinting::new(BufWriter::with_capacity(64 << 10, file));
        fill(&mut w).map_err(&err)?;
        w.flush().map_err(&err)?;
        let (fingerprint, buffered) = w.into_parts();
        let file = buffered.into_inner().map_err(|e| err(e.into_error()))?;
        file.sync_all().map_err(&err)?;
        if let Some(stamp) = file.metadata().ok().as_ref().and_then(Stamp::of) {
            let mut all = self.stamps.lock().unwrap_or_else(|e| e.into_inner());
            all.push((name.to_string(), stamp, fingerprint.sha256.clone()));
        }
        Ok(Written {
            path: self.dir.join(name),
            fingerprint,
        })
    }

    /// Puts the staged set in place of the folder's old one, carrying over every file that
    /// is not cape's own. On failure the folder holds the old set, untouched.
    pub fn commit(mut self) -> Result<Committed, OutputError> {
        fail_point("staged")?;
        let mut committed = Committed::default();
        let existed = fs::symlink_metadata(&self.dir).is_ok_and(|m| m.is_dir());
        if existed {
            let listing = fs::read_dir(&self.dir).map_err(io_err(&self.dir))?;
            for e in listing {
                let e = e.map_err(io_err(&self.dir))?;
                let name = e.file_name();
                let from = e.path();
                let to = self.stage.join(&name);
                let ours = self.own.get(&name).is_some_and(|sha| {
                    fs::symlink_metadata(&from).is_ok_and(|m| {
                        m.is_file()
                            && (self.unchanged(&name, &m, sha)
                                || crate::output::fingerprint_file(&from)
                                    .is_ok_and(|h| h.sha256 == *sha))
                    })
                });
                if ours {
                    if !to.exists() {
                        committed.removed.push(self.dir.join(&name));
                    }
                    continue;
                }
                if fs::symlink_metadata(&to).is_ok() {
                    return Err(OutputError::Io {
                        path: from,
                        source: io::Error::other(
                            "this file was not written by cape, or was changed since: cape \
                             will not replace it; move it away, or choose another --out-dir",
                        ),
                    });
                }
                carry(&from, &to)?;
            }
        }
        fail_point("carried")?;
        File::open(&self.stage)
            .and_then(|d| d.sync_all())
            .map_err(io_err(&self.stage))?;
        if existed {
            swap(&self.stage, &self.dir)?;
            self.done = true;
            fail_point("swapped")?;
            // The old set now sits where the staging folder was.
            let _ = fs::remove_dir_all(&self.stage);
        } else {
            fs::rename(&self.stage, &self.dir).map_err(io_err(&self.dir))?;
            self.done = true;
        }
        self.write_stamps();
        let _ = File::open(parent_of(&self.dir)).and_then(|d| d.sync_all());
        committed.removed.sort();
        Ok(committed)
    }
}

impl OutFolder {
    /// Whether the old file `name`, described by `meta`, shows the stamp noted when cape
    /// wrote it with the SHA-256 `sha`.
    fn unchanged(&self, name: &std::ffi::OsStr, meta: &fs::Metadata, sha: &str) -> bool {
        self.old_stamps
            .get(name)
            .is_some_and(|(stamp, noted)| noted == sha && Stamp::of(meta) == Some(*stamp))
    }

    /// Replaces the stamps beside the folder with those of the set just put in place. They
    /// only spare the next run reading its files again: if they cannot be written, the
    /// next run hashes the files.
    fn write_stamps(&self) {
        let mut all = std::mem::take(&mut *self.stamps.lock().unwrap_or_else(|e| e.into_inner()));
        let path = sibling(&self.dir, stamps::TAG);
        if all.is_empty() {
            let _ = fs::remove_file(&path);
            return;
        }
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let new = sibling(
            &self.dir,
            &format!("{}-{}", stamps::NEW_TAG, std::process::id()),
        );
        let written = fs::write(&new, stamps::render(&all)).and_then(|()| fs::rename(&new, &path));
        if written.is_err() {
            let _ = fs::remove_file(&new);
            let _ = fs::remove_file(&path);
        }
    }
}

impl Drop for OutFolder {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.stage);
        }
        let _ = fs::remove_file(&self.lock);
        active().retain(|(s, _)| *s != self.stage);
    }
}

/// The staging folders and locks of the folders being written, for the signal handler.
fn active() -> std::sync::MutexGuard<'static, Vec<(PathBuf, PathBuf)>> {
    static ACTIVE: std::sync::Mutex<Vec<(PathBuf, PathBuf)>> = std::sync::Mutex::new(Vec::new());
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// On Ctrl-C, SIGTERM or a closed terminal, removes what staging left (the folder itself
/// is the old set or the new one at every moment) and ends with 128 + the signal's number.
/// Call before any thread starts: the signals are then taken by one thread of their own.
pub fn clean_up_on_signals() {
    #[cfg(unix)]
    // SAFETY: the signal set is initialised by sigemptyset before use; blocking signals in
    // this thread, before any other exists, makes every later thread inherit the mask, so
    // only the waiting thread below receives them.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, s);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || {
            let mut sig = 0;
            if libc::sigwait(&set, &mut sig) == 0 {
                for (stage, lock) in active().iter() {
                    let _ = fs::remove_dir_all(stage);
                    let _ = fs::remove_file(lock);
                }
                std::process::exit(128 + sig);
            }
        });
    }
}

/// Takes the lock file `lock` for `dir`: created only if absent; a lock whose run is gone
/// is taken over.
fn take_lock(lock: &Path, dir: &Path) -> Result<(), OutputError> {
    for _ in 0..2 {
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(lock)
        {
            Ok(mut f) => {
                let _ = writeln!(f, "{}", std::process::id());
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(lock)
                    .ok()
                    .and_then(|s| s.trim().parse::<u32>().ok());
                match holder {
                    Some(pid) if alive(pid) => {
                        return Err(OutputError::Io {
                            path: dir.into(),
                            source: io::Error::other(format!(
                                "another cape run (process {pid}) is writing this folder; wait \
                                 for it to end, or choose another --out-dir (its lock is {})",
                                lock.display()
                            )),
                        });
                    }
                    // A killed run's lock.
                    _ => {
                        let _ = fs::remove_file(lock);
                    }
                }
            }
            Err(e) => return Err(io_err(lock)(e)),
        }
    }
    Err(OutputError::Io {
        path: lock.into(),
        source: io::Error::other("cannot take the folder's lock"),
    })
}

/// cape's own files in `dir`: the outputs its `cape_run.json` records, by name, with the
/// record itself.
fn own_files(dir: &Path) -> HashMap<OsString, String> {
    let mut own = HashMap::new();
    let record = dir.join(RUN_RECORD);
    let Ok(text) = fs::read(&record) else {
        return own;
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return own;
    };
    if json["tool"] != "cape" {
        return own;
    }
    for o in json["outputs"].as_array().into_iter().flatten() {
        if let (Some(p), Some(sha)) = (o["path"].as_str(), o["sha256"].as_str())
            && let Some(name) = Path::new(p).file_name()
        {
            own.insert(name.to_os_string(), sha.to_string());
        }
    }
    // The record is cape's own as long as it reads as one.
    own.insert(RUN_RECORD.into(), crate::output::fingerprint(&text).sha256);
    own
}

/// Carries `from` (a file, link or folder of the user's) into the new set: a hard link
/// where the file system allows, else a copy; a symbolic link stays a link.
fn carry(from: &Path, to: &Path) -> Result<(), OutputError> {
    let meta = fs::symlink_metadata(from).map_err(io_err(from))?;
    if meta.file_type().is_symlink() {
        #[cfg(unix)]
        {
            let target = fs::read_link(from).map_err(io_err(from))?;
            return std::os::unix::fs::symlink(target, to).map_err(io_err(to));
        }
    }
    if meta.is_dir() {
        fs::create_dir(to).map_err(io_err(to))?;
        for e in fs::read_dir(from).map_err(io_err(from))? {
            let e = e.map_err(io_err(from))?;
            carry(&e.path(), &to.join(e.file_name()))?;
        }
        return Ok(());
    }
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to).map_err(io_err(to))?;
    }
    Ok(())
}

/// Exchanges the folders `a` and `b` in one step where the system can.
fn swap(a: &Path, b: &Path) -> Result<(), OutputError> {
    // A test makes the rename itself fail here.
    fail_point("rename")?;
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let ca = std::ffi::CString::new(a.as_os_str().as_bytes())
            .map_err(|_| io_err(a)(io::Error::other("NUL in path")))?;
        let cb = std::ffi::CString::new(b.as_os_str().as_bytes())
            .map_err(|_| io_err(b)(io::Error::other("NUL in path")))?;
        // SAFETY: both paths are NUL-terminated strings that live across the call.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        // A file system without the exchange (some network drives) takes the two steps.
        if e.raw_os_error() != Some(libc::EINVAL) && e.raw_os_error() != Some(libc::ENOSYS) {
            return Err(io_err(b)(e));
        }
    }
    let old = sibling(b, &format!("old-{}", std::process::id()));
    fs::rename(b, &old).map_err(io_err(b))?;
    if let Err(e) = fs::rename(a, b) {
        // Put the old set back.
        let _ = fs::rename(&old, b);
        return Err(io_err(b)(e));
    }
    // The old set goes where the staging folder was, for the caller to remove.
    fs::rename(&old, a).map_err(io_err(a))
}
