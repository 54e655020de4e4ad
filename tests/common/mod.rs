//! Helpers shared by the end-to-end tests: the binary, fixtures, a scratch folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `cape` binary, run in `dir`.
pub fn cape(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("cape").unwrap();
    c.current_dir(dir);
    c
}

/// A fixture's path.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// A scratch folder holding a copy of the fixture, and the copy's name.
pub fn scratch_with(rel: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let name = Path::new(rel)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    std::fs::copy(fixture(rel), dir.path().join(&name)).unwrap();
    (dir, name)
}

/// A run's exit code, stdout and stderr.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(dir: &Path, args: &[&str]) -> Ran {
    let out = cape(dir).args(args).output().unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `run`, under a shell limit (`ulimit` options: `-n 256` open files, `-v 200000` KiB of
/// memory), the arguments given to the shell as they are (no quoting).
pub fn run_limited(dir: &Path, limit: &str, args: &[&str]) -> Ran {
    let bin = assert_cmd::cargo::cargo_bin("cape");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit {limit} && exec '{}' {}",
            bin.display(),
            args.join(" ")
        ))
        .current_dir(dir)
        .output()
        .unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The file names in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Asserts that `actual` is the expected file `rel` under `fixtures/`. With `CAPE_BLESS=1`
/// the file is written instead: review its diff before committing it.
#[allow(dead_code)]
pub fn assert_expected(rel: &str, actual: &str) {
    let path = fixture(rel);
    if std::env::var_os("CAPE_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (CAPE_BLESS=1 writes it)", path.display()));
    assert!(
        actual == want,
        "{} differs from what the run wrote (CAPE_BLESS=1 rewrites it; review the diff):\n{}",
        path.display(),
        first_difference(&want, actual)
    );
}

/// The first line where two texts differ, both ways.
fn first_difference(want: &str, got: &str) -> String {
    let (mut w, mut g) = (want.lines(), got.lines());
    for n in 1.. {
        match (w.next(), g.next()) {
            (None, None) => break,
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    "line {n}:\n  expected: {}\n  actual:   {}",
                    a.unwrap_or("(end)"),
                    b.unwrap_or("(end)")
                );
            }
        }
    }
    "line endings or a final newline differ".to_string()
}

pub fn read(path: impl AsRef<Path>) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}
