//! The output folder as one transaction: what a user sees in it is the previous run's set
//! or the new one, a killed run leaves nothing visible, only cape's own files are replaced,
//! one run writes a folder at a time.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixture, listing, read, run};

/// Every file of `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            for (k, v) in snapshot(&e.path()) {
                out.insert(format!("{name}/{k}"), v);
            }
        } else {
            out.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("es003/sample.csv"), dir.path().join("sample.csv")).unwrap();
    dir
}

/// `prepare` on the sample into `out`, with `extra` options.
fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "prepare",
        "sample.csv",
        "--as-of",
        "2026-06-01",
        "-o",
        "out",
    ];
    args.extend_from_slice(extra);
    args
}

fn prepare(dir: &Path, extra: &[&str]) -> common::Ran {
    run(dir, &args(extra))
}

/// A run held in the middle of its commit (after the carry-over), once its staging folder
/// is there.
fn held(dir: &Path, extra: &[&str]) -> std::process::Child {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cape"))
        .args(args(extra))
        .current_dir(dir)
        .env("CAPE_FAIL_AT", "carried")
        .env("CAPE_FAIL_HOW", "wait")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let staged = || {
        listing(dir)
            .iter()
            .any(|n| n.starts_with(".out.cape-stage-"))
    };
    // A debug build under a full parallel test run can take seconds to get there.
    for _ in 0..2400 {
        if staged() {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the held run did not stage its folder within 60 s");
}

/// What is beside the output folder, but the stamps a completed run keeps there.
fn beside(dir: &Path) -> Vec<String> {
    let mut v = listing(dir);
    v.retain(|n| n != STAMPS);
    v
}

/// The stamps of the `out` folder's files, beside it (Unix).
const STAMPS: &str = ".out.cape-stamps";

/// A run stopped at `step` (killed, or failing there).
fn stopped(dir: &Path, step: &str, how: &str, extra: &[&str]) -> i32 {
    let out = common::cape(dir)
        .args(args(extra))
        .env("CAPE_FAIL_AT", step)
        .env("CAPE_FAIL_HOW", how)
        .output()
        .unwrap();
    out.status.code().unwrap_or(-1)
}

#[test]
fn a_user_s_files_are_carried_over_and_stale_outputs_go() {
    let dir = scratch();
    let d = dir.path();
    // The first run splits the eligible entries into five declarations.
    assert_eq!(prepare(d, &["--max-entries", "2"]).code, 0);
    assert_eq!(
        listing(&d.join("out"))
            .iter()
            .filter(|n| n.starts_with("ACEP_"))
            .count(),
        5
    );
    let user = [
        "ACEP_CapeEntryNumberUploadTemplate (1).csv",
        "ACEP_CapeEntryNumberUploadTemplate - accepted 2026-05-01.csv",
        "notes.txt",
    ];
    for u in user {
        std::fs::write(d.join("out").join(u), format!("{u}\r\n")).unwrap();
    }
    std::fs::create_dir(d.join("out/mine")).unwrap();
    std::fs::write(d.join("out/mine/a.txt"), "a").unwrap();
    let r = prepare(d, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut want = vec![
        "ACEP_CapeEntryNumberUploadTemplate (1).csv",
        "ACEP_CapeEntryNumberUploadTemplate - accepted 2026-05-01.csv",
        "ACEP_CapeEntryNumberUploadTemplate.csv",
        "Cape_Validation_Result.csv",
        "cape_entries.csv",
        "cape_report.html",
        "cape_run.json",
        "mine",
        "notes.txt",
    ];
    want.sort();
    assert_eq!(listing(&d.join("out")), want);
    for u in user {
        assert_eq!(
            std::fs::read_to_string(d.join("out").join(u)).unwrap(),
            format!("{u}\r\n")
        );
    }
    assert_eq!(
        std::fs::read_to_string(d.join("out/mine/a.txt")).unwrap(),
        "a"
    );
    // Nothing is left beside the folder.
    assert_eq!(beside(d), ["out", "sample.csv"]);
}

#[test]
fn a_changed_output_is_not_replaced() {
    let dir = scratch();
    let d = dir.path();
    assert_eq!(prepare(d, &[]).code, 0);
    let decl = d.join("out/ACEP_CapeEntryNumberUploadTemplate.csv");
    std::fs::write(&decl, "Entry Number\r\nM2K10002376\r\n").unwrap();
    let before = snapshot(&d.join("out"));
    let r = prepare(d, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "error: out: the new outputs were not put in place; the folder holds what it held \
             before: out/ACEP_CapeEntryNumberUploadTemplate.csv: cannot write the file: this \
             file was not written by cape, or was changed since"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&d.join("out")), before);
    assert_eq!(beside(d), ["out", "sample.csv"]);
}

/// An output changed in place to bytes of the same size, with its modification time put
/// back, is still not taken for cape's own: its stamp no longer matches, and its hash is
/// not the one recorded. An untouched set is replaced, its stamps trusted.
#[test]
fn an_output_changed_under_the_same_size_and_time_is_not_replaced() {
    let dir = scratch();
    let d = dir.path();
    assert_eq!(prepare(d, &[]).code, 0);
    // Untouched: replaced, run after run.
    assert_eq!(prepare(d, &[]).code, 0);
    let entries = d.join("out/cape_entries.csv");
    let text = std::fs::read(&entries).unwrap();
    let mtime = std::fs::metadata(&entries).unwrap().modified().unwrap();
    let mut changed = text.clone();
    let at = changed.len() - 3;
    changed[at] = if changed[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&entries, &changed).unwrap();
    let f = std::fs::File::options().write(true).open(&entries).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    let before = snapshot(&d.join("out"));
    let r = prepare(d, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "out/cape_entries.csv: cannot write the file: this file was not \
             written by cape, or was changed since"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&d.join("out")), before);
    // Put back as it was, it is cape's own again (by its hash: the stamp has moved on).
    std::fs::write(&entries, &text).unwrap();
    assert_eq!(prepare(d, &[]).code, 0);
}

/// Beside the folder, the stamps of the set in it: every output but the stamps' own, by
/// name with its SHA-256 as `cape_run.json` records it; a completed run leaves no other
/// file there.
#[cfg(unix)]
#[test]
fn the_stamps_beside_the_folder_name_every_output() {
    let dir = scratch();
    let d = dir.path();
    assert_eq!(prepare(d, &[]).code, 0);
    assert_eq!(prepare(d, &[]).code, 0);
    assert_eq!(listing(d), [STAMPS, "out", "sample.csv"]);
    let text = read(d.join(STAMPS));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("cape stamps 1"));
    let run: serde_json::Value = serde_json::from_str(&read(d.join("out/cape_run.json"))).unwrap();
    let mut noted: Vec<(String, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.splitn(9, ' ').collect();
            (f[8].to_string(), f[0].to_string())
        })
        .collect();
    noted.retain(|(name, _)| name != "cape_run.json");
    let mut recorded: Vec<(String, String)> = run["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let name = Path::new(o["path"].as_str().unwrap()).file_name().unwrap();
            (
                name.to_string_lossy().into_owned(),
                o["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    recorded.sort();
    assert_eq!(noted, recorded);
}

#[test]
fn a_stopped_run_leaves_the_old_set_or_the_new_one() {
    for (step, how, new) in [
        ("staged", "kill", false),
        ("staged", "fail", false),
        ("carried", "kill", false),
        ("carried", "fail", false),
        ("rename", "fail", false),
        ("swapped", "kill", true),
    ] {
        let dir = scratch();
        let d = dir.path();
        assert_eq!(prepare(d, &["--max-entries", "2"]).code, 0);
        let old = snapshot(&d.join("out"));
        // The run that completes: its set, for comparison.
        let other = scratch();
        assert_eq!(prepare(other.path(), &[]).code, 0);
        let fresh = snapshot(&other.path().join("out"));
        let code = stopped(d, step, how, &[]);
        assert_ne!(code, 0, "{step} {how}");
        let seen = snapshot(&d.join("out"));
        if new {
            // cape_run.json names the folder: compare the declarations and reports.
            let strip = |s: &BTreeMap<String, Vec<u8>>| s.keys().cloned().collect::<Vec<_>>();
            assert_eq!(strip(&seen), strip(&fresh), "{step} {how}");
            assert_eq!(
                seen["ACEP_CapeEntryNumberUploadTemplate.csv"],
                fresh["ACEP_CapeEntryNumberUploadTemplate.csv"]
            );
        } else {
            assert_eq!(seen, old, "{step} {how}");
        }
        // The next run cleans what the stopped one left, and completes.
        let r = prepare(d, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(beside(d), ["out", "sample.csv"], "{step} {how}");
        assert_eq!(
            snapshot(&d.join("out")).keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>()
        );
    }
}

#[test]
fn one_run_per_folder() {
    let dir = scratch();
    let d = dir.path();
    // A lock held by a live process: this test's own.
    std::fs::write(
        d.join(".out.cape-lock"),
        format!("{}\n", std::process::id()),
    )
    .unwrap();
    let r = prepare(d, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "out: cannot write the file: another cape run (process {}) is writing this folder",
            std::process::id()
        )),
        "{}",
        r.stderr
    );
    assert!(!d.join("out").exists());
    // A killed run's lock is taken over.
    std::fs::write(d.join(".out.cape-lock"), "4000000000\n").unwrap();
    let r = prepare(d, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(beside(d), ["out", "sample.csv"]);
}

#[test]
fn an_output_folder_holding_a_declared_file_is_refused() {
    let dir = scratch();
    let d = dir.path();
    assert_eq!(prepare(d, &[]).code, 0);
    let before = snapshot(&d.join("out"));
    for declared in ["out", "out/ACEP_CapeEntryNumberUploadTemplate.csv"] {
        let r = prepare(d, &["--declared", declared]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "error: out: the output folder holds {declared}, given to --declared"
            )),
            "{}",
            r.stderr
        );
        assert_eq!(snapshot(&d.join("out")), before);
    }
}

/// 1,100 importers, one declaration each, with 256 files open at most: each output is
/// closed as soon as it is written.
#[test]
fn many_declarations_with_few_open_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut body = String::from(
        "Entry Summary Number,Importer Number,HTS Number - Full,Line Tariff Duty Amount\r\n",
    );
    for i in 0..1100u32 {
        let e = format!("M2K{:07}", 2_000_000 + i);
        let digit = cape::entry::EntryNumber::parse(&format!("{e}0"))
            .unwrap()
            .with_check_digit();
        body.push_str(&format!(
            "{digit},{:02}-{:07}-00,99030125,10.00\r\n",
            i % 90 + 10,
            i
        ));
    }
    std::fs::write(d.join("many.csv"), body).unwrap();
    let r = common::run_limited(
        d,
        "-n 256",
        &[
            "prepare",
            "many.csv",
            "--as-of",
            "2026-06-01",
            "--assume-unliquidated",
            "--split-by",
            "importer",
            "-o",
            "out",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let decls = listing(&d.join("out"))
        .iter()
        .filter(|n| n.starts_with("ACEP_"))
        .count();
    assert_eq!(decls, 1100);
}

/// SIGINT or SIGTERM in the middle of the commit: the folder keeps the old set, and
/// nothing is left beside it.
#[test]
fn a_signal_leaves_the_old_set_and_no_leftovers() {
    for (sig, code) in [("TERM", 143), ("INT", 130)] {
        let dir = scratch();
        let d = dir.path();
        assert_eq!(prepare(d, &["--max-entries", "2"]).code, 0);
        let old = snapshot(&d.join("out"));
        let mut child = held(d, &[]);
        let staged = || listing(d).iter().any(|n| n.starts_with(".out.cape-stage-"));
        assert!(staged(), "{sig}");
        std::thread::sleep(std::time::Duration::from_millis(100));
        let killed = std::process::Command::new("kill")
            .args([&format!("-{sig}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{sig}");
        assert_eq!(snapshot(&d.join("out")), old, "{sig}");
        assert_eq!(beside(d), ["out", "sample.csv"], "{sig}");
    }
}

/// 300 inputs with 64 files open at most: each input is opened when its turn comes.
#[test]
fn many_inputs_with_few_open_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut names = Vec::new();
    for i in 0..300u32 {
        let e = cape::entry::EntryNumber::parse(&format!("M2K{:07}0", 3_000_000 + i))
            .unwrap()
            .with_check_digit();
        let name = format!("in{i:03}.csv");
        std::fs::write(
            d.join(&name),
            format!(
                "Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount\r\n{e},99030125,1.00\r\n"
            ),
        )
        .unwrap();
        names.push(name);
    }
    let mut args = vec!["prepare"];
    args.extend(names.iter().map(String::as_str));
    args.extend([
        "--as-of",
        "2026-06-01",
        "--assume-unliquidated",
        "-o",
        "out",
    ]);
    let r = common::run_limited(d, "-n 64", &args);
    let stderr = r.stderr;
    assert_eq!(r.code, 0, "{stderr}");
    assert!(
        stderr.contains("300 inputs read, 300 rows, 300 entries"),
        "{stderr}"
    );
}

/// A symbolic link in the folder, under an output's name, is neither followed nor
/// replaced: the run stops, and the link and its target are as they were.
#[cfg(unix)]
#[test]
fn a_link_under_an_output_name_is_not_followed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    let d = dir.path();
    assert_eq!(prepare(d, &[]).code, 0);
    let target = d.join("elsewhere.csv");
    std::fs::write(&target, "mine\r\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let decl = d.join("out/ACEP_CapeEntryNumberUploadTemplate.csv");
    std::fs::remove_file(&decl).unwrap();
    std::os::unix::fs::symlink(&target, &decl).unwrap();
    let r = prepare(d, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        std::fs::symlink_metadata(&decl)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine\r\n");
    assert_eq!(
        std::fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
        0o4755
    );
}

/// A new output gets the umask's mode; one that replaces cape's own earlier file keeps
/// that file's mode.
#[cfg(unix)]
#[test]
fn modes_come_from_the_umask_or_the_file_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    let d = dir.path();
    let bin = assert_cmd::cargo::cargo_bin("cape");
    let with_umask = |mask: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {mask} && exec '{}' prepare sample.csv --as-of 2026-06-01 -o out",
                bin.display()
            ))
            .current_dir(d)
            .status()
            .unwrap()
    };
    assert!(with_umask("077").success());
    let mode = |n: &str| {
        std::fs::metadata(d.join("out").join(n))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("cape_entries.csv"), 0o600);
    std::fs::set_permissions(
        d.join("out/cape_entries.csv"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    assert!(with_umask("022").success());
    assert_eq!(mode("cape_entries.csv"), 0o640);
    assert_eq!(mode("Cape_Validation_Result.csv"), 0o600);
}

/// Two runs into one folder: while the first is in its commit, the second is refused and
/// names it; the first then completes.
#[test]
fn a_second_run_into_a_folder_in_use_is_refused() {
    let dir = scratch();
    let d = dir.path();
    assert_eq!(prepare(d, &[]).code, 0);
    let mut first = held(d, &["--max-entries", "2"]);
    let second = prepare(d, &[]);
    assert_eq!(second.code, 2);
    assert!(
        second.stderr.contains(&format!(
            "another cape run (process {}) is writing this folder",
            first.id()
        )),
        "{}",
        second.stderr
    );
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status();
    first.wait().unwrap();
    assert_eq!(beside(d), ["out", "sample.csv"]);
}

/// The folder is replaced as a whole: the current folder, or one holding it, cannot be it.
#[test]
fn the_current_folder_is_not_an_output_folder() {
    let dir = scratch();
    let d = dir.path();
    for out in [".", ".."] {
        let r = run(
            d,
            &["prepare", "sample.csv", "--as-of", "2026-06-01", "-o", out],
        );
        assert_eq!(r.code, 2);
        assert!(
            r.stderr.starts_with(&format!(
                "error: {out}: cannot be the output folder: it is the current folder, or holds it"
            )),
            "{}",
            r.stderr
        );
    }
    assert_eq!(beside(d), ["sample.csv"]);
}
