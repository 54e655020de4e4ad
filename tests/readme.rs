//! The README's commands, run as written: every `$ cape …` example prints what the README
//! shows, and the workflow's steps work in order on the bundled fixtures.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, read, run};

fn readme() -> String {
    read(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
}

/// The fixture named `name` (its path from the project root, or a file name in a fixture
/// folder).
fn find_fixture(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if root.join(name).is_file() {
        return Some(root.join(name));
    }
    ["es003", "claims", "validate"]
        .iter()
        .map(|d| fixture(d).join(name))
        .find(|p| p.is_file())
}

/// The indented `$ …` examples of the README, each with the output shown under it.
fn examples(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("    $ ") {
            out.extend(current.take());
            current = Some((cmd.to_string(), String::new()));
        } else if let (Some((_, shown)), Some(l)) = (&mut current, line.strip_prefix("    ")) {
            shown.push_str(l);
            shown.push('\n');
        } else {
            out.extend(current.take());
        }
    }
    out.extend(current);
    out
}

#[test]
fn every_example_prints_what_the_readme_shows() {
    let text = readme();
    let examples = examples(&text);
    assert!(examples.len() >= 4, "{examples:?}");
    let dir = tempfile::tempdir().unwrap();
    for (cmd, shown) in &examples {
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let got = match args[0] {
            "cape" => {
                for a in &args[2..] {
                    if let Some(f) = find_fixture(a) {
                        let to = dir.path().join(a);
                        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                        std::fs::copy(f, to).unwrap();
                    }
                }
                let r = run(dir.path(), &args[1..]);
                assert!(r.code == 0 || r.code == 1, "{cmd}: {}", r.stderr);
                format!("{}{}", r.stdout, r.stderr)
            }
            "cat" => read(dir.path().join(args[1])).replace("\r\n", "\n"),
            other => panic!("README example runs `{other}`"),
        };
        assert_eq!(got, *shown, "{cmd}");
    }
}

#[test]
fn the_workflow_runs_as_written() {
    let text = readme();
    // The commands of the workflow, as the README spells them.
    for cmd in [
        "`cape prepare ES003.csv [more exports…] --as-of 2026-06-01 --declared\n   filed/`",
        "`cape validate FILE --declared\n   filed/`",
        "`cape claims filed/*.csv`",
    ] {
        assert!(text.contains(cmd), "README no longer says {cmd}");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("es003/sample.csv"), d.join("ES003.csv")).unwrap();
    std::fs::create_dir(d.join("filed")).unwrap();
    let step2 = [
        "prepare",
        "ES003.csv",
        "--as-of",
        "2026-06-01",
        "--declared",
        "filed/",
    ];
    // Step 2, with nothing filed yet.
    let r = run(d, &step2);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Step 3: the declaration is uploaded and copied into filed/.
    let decl = "ACEP_CapeEntryNumberUploadTemplate.csv";
    std::fs::copy(d.join("cape-out").join(decl), d.join("filed").join(decl)).unwrap();
    let r = run(
        d,
        &[
            "validate",
            &format!("cape-out/{decl}"),
            "--declared",
            "filed/",
        ],
    );
    assert_eq!(r.code, 1, "every entry is declared now: {}", r.stdout);
    // Step 4: the claim's results are downloaded into filed/, beside the declaration; the
    // shell expands `filed/*.csv` to both.
    std::fs::copy(
        fixture("claims/downloads/day1.csv"),
        d.join("filed/claim.csv"),
    )
    .unwrap();
    let r = run(d, &["claims", &format!("filed/{decl}"), "filed/claim.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The summary is for people: on stderr.
    assert!(
        r.stderr
            .contains("1 file(s), 1 claim(s), 2 entry results: 1 updated, 1 failed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("note: filed/{decl}: a declaration")),
        "{}",
        r.stderr
    );
    // The folder itself reads the same.
    let r2 = run(d, &["claims", "filed/"]);
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    assert_eq!(r2.stderr, r.stderr);
    // Step 5: the next declaration leaves out what was declared.
    let r = run(d, &step2);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = read(d.join("cape-out/cape_entries.csv"));
    assert!(
        report.contains("\r\nM2K10002376,excluded,already-declared,"),
        "{report}"
    );
}
