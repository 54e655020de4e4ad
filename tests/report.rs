//! What a run shows people, end to end: the interest estimate of entries computed by hand,
//! the HTML report (its exact bytes for the sample, escaping, and how a browser renders it),
//! `cape explain` and the shell completions.

mod common;

use std::path::Path;

use common::{read, run, scratch_with};

/// The rows of a `cape_entries.csv` as `entry_number,ieepa_duty,interest_estimate`.
fn interest_column(out: &Path) -> Vec<String> {
    let text = read(out.join("cape_entries.csv"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (n, d, i) = (
        at("entry_number"),
        at("ieepa_duty"),
        at("interest_estimate"),
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            format!("{},{},{}", &r[n], &r[d], &r[i])
        })
        .collect()
}

// The figures were computed by hand with decimal arithmetic outside cape, by the rule the
// README states: deposit = entry summary date + 10 days, end = filing date + 45 days
// (2026-05-16), a daily factor 1 + r/365 rounded half-even to 18 places, the interest
// rounded half up to the cent. The third entry's days cross 2026-04-01, when the rates fall
// by one point.
#[test]
fn interest_of_three_entries_computed_by_hand() {
    let (dir, name) = scratch_with("es003/interest.csv");
    for (basis, want, total) in [
        (
            "corporate",
            ["93141.05", "52.53", "28.65"],
            "interest (est.)     $93,222.23",
        ),
        (
            "non-corporate",
            ["109608.48", "61.77", "33.98"],
            "interest (est.)    $109,704.23",
        ),
    ] {
        let out = format!("out-{basis}");
        let r = run(
            dir.path(),
            &[
                "prepare",
                &name,
                "--as-of",
                "2026-04-01",
                "-o",
                &out,
                "--interest",
                basis,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            interest_column(&dir.path().join(&out)),
            [
                format!("M2K10002376,1234567.89,{}", want[0]),
                format!("M2K10003747,1000.00,{}", want[1]),
                format!("M2K10005114,2567.49,{}", want[2]),
            ],
            "{basis}"
        );
        assert!(r.stderr.contains(total), "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "interest (est.): IRS {basis} rate, compounded daily, from entry summary date + \
                 10 days to 2026-05-16 (filing + 45 days)"
            )),
            "{}",
            r.stderr
        );
        // Within the rate table: no warning.
        assert!(!r.stderr.contains("table ends"), "{}", r.stderr);
    }
}

#[test]
fn interest_none_leaves_the_column_blank_and_the_summary_quiet() {
    let (dir, name) = scratch_with("es003/interest.csv");
    let r = run(
        dir.path(),
        &[
            "prepare",
            &name,
            "--as-of",
            "2026-04-01",
            "--interest",
            "none",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        interest_column(&dir.path().join("cape-out"))
            .iter()
            .all(|row| row.ends_with(',')),
    );
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["interest_estimate_eligible"], "0.00");
    assert_eq!(j["interest_method"]["basis"], serde_json::Value::Null);
}

#[test]
fn past_the_rate_table_the_last_rate_is_used_with_a_warning() {
    let (dir, name) = scratch_with("es003/interest.csv");
    let r = run(
        dir.path(),
        &["prepare", &name, "--as-of", "2026-12-01", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let m = &j["interest_method"];
    assert_eq!(m["basis"], "corporate");
    assert_eq!(m["statement"], "daily");
    assert_eq!(m["ends_on"], "2027-01-15");
    assert_eq!(m["past_rate_table"], true);
    let r = run(dir.path(), &["prepare", &name, "--as-of", "2026-12-01"]);
    assert!(
        r.stderr.contains(
            "the interest rate table ends 2026-12-31: later days use its last quarter's rate \
             (from 2026-10-01), until the IRS announces the next"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn values_from_the_inputs_are_escaped_in_the_html_report() {
    let (dir, name) = scratch_with("es003/hostile-names.csv");
    let r = run(dir.path(), &["prepare", &name, "--as-of", "2026-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = read(dir.path().join("cape-out/cape_report.html"));
    for raw in [
        "<script",
        "<img",
        "<svg onload",
        "<b>",
        "<i>",
        "</td></tr></table><script",
    ] {
        assert!(!page.contains(raw), "{raw} reached the page unescaped");
    }
    for shown in [
        "&lt;script&gt;alert('name')&lt;/script&gt;",
        "Tom &amp; Jerry's &lt;b&gt;Imports&lt;/b&gt;",
        "AB&amp;CD&quot;&gt;&lt;svg onload=alert(2)&gt;",
    ] {
        assert!(page.contains(shown), "{shown} is not on the page");
    }
    // The page's own structure is intact: every table it opens, it closes.
    assert_eq!(
        page.matches("<table>").count(),
        page.matches("</table>").count()
    );
}

/// Headless Chromium, where installed (`.ci/run` installs Debian's `chromium`, and sets
/// `CAPE_REQUIRE_BROWSER=1` so that CI cannot skip the test).
fn chromium() -> Option<std::path::PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CAPE_REQUIRE_BROWSER").is_none(),
            "CAPE_REQUIRE_BROWSER is set but no chromium is installed (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium (apt-get install chromium to run this test)");
    }
    found
}

/// Runs headless Chromium on `page` with `args`, in a profile of its own.
fn in_browser(bin: &Path, profile: &Path, page: &Path, args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `html` with every tag replaced by a space.
fn without_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// `1234567.5` as the report writes it: `$1,234,567.50`.
fn dollars(amount: &str) -> String {
    let (whole, cents) = amount.split_once('.').unwrap();
    let mut grouped = String::new();
    for (k, c) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("${grouped}.{cents}")
}

// The screenshot in the README is the one this test takes: `CAPE_BLESS=1 cargo test --test
// report the_report_renders` writes it to fixtures/es003/expected/sample-cape_report.png.
#[test]
fn the_report_renders_in_a_browser_with_the_totals_of_the_json() {
    let Some(bin) = chromium() else { return };
    let (dir, name) = scratch_with("es003/sample.csv");
    let r = run(
        dir.path(),
        &["prepare", &name, "--as-of", "2026-06-01", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let page = dir.path().join("cape-out/cape_report.html");
    let profile = dir.path().join("profile");

    // The text of the page as the browser built it, without tags.
    let dom = in_browser(&bin, &profile, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    let text = without_tags(&dom).replace("&amp;", "&");
    for key in [
        "ieepa_duty_eligible",
        "ieepa_duty_excluded",
        "ieepa_duty_review",
        "interest_estimate_eligible",
        "interest_estimate_excluded",
        "interest_estimate_review",
    ] {
        let shown = dollars(j[key].as_str().unwrap());
        assert!(text.contains(&shown), "{key}: {shown} is not on the page");
    }
    for key in ["eligible", "excluded", "review", "entries"] {
        let n = j[key].as_u64().unwrap().to_string();
        assert!(
            text.split_whitespace().any(|w| w == n),
            "{key}: {n} is not on the page"
        );
    }

    let shot = dir.path().join("report.png");
    in_browser(
        &bin,
        &profile,
        &page,
        &[
            "--window-size=1000,1800",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let inked = pixels
        .iter()
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    // The eligible bars' green (#2e7d32), give or take the rendering.
    let green = pixels
        .iter()
        .filter(|p| p[0] < 70 && (100..150).contains(&p[1]) && p[2] < 80)
        .count();
    assert!(
        inked * 100 > pixels.len(),
        "the screenshot is blank: {inked} of {} pixels inked",
        pixels.len()
    );
    assert!(
        green > 2_000,
        "no chart bars on the screenshot ({green} green pixels)"
    );
    if std::env::var_os("CAPE_BLESS").is_some_and(|v| v == "1") {
        std::fs::copy(
            &shot,
            common::fixture("es003/expected/sample-cape_report.png"),
        )
        .unwrap();
    }
}

/// A folder with the sample prepared in `cape-out/`.
fn prepared_sample() -> tempfile::TempDir {
    let (dir, name) = scratch_with("es003/sample.csv");
    let r = run(dir.path(), &["prepare", &name, "--as-of", "2026-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

#[test]
fn explain_shows_an_entry_written_any_way() {
    let dir = prepared_sample();
    let want = "\
M2K-1001470-2: excluded
  IEEPA duty 640.00, interest 40.56 (estimate)
  importer 12-3456789-00 ACME TOOLS INC; entry type 01, entered 2025-06-12
  reasons: liquidated-over-80-days
    liquidated-over-80-days: liquidated 2026-03-12, 81 days before 2026-06-01; the last CAPE \
day was 2026-05-31; a protest (CBP Form 19) is possible until 2026-09-08
  status: summary ACCEPTED, control CBP, reconciliation N, liquidation LIQUIDATED
  liquidated 2026-03-12 (81 days before the filing date); last CAPE day 2026-05-31; protest \
until 2026-09-08
  in no declaration file
  from sample.csv:23-24
        23: M2K-1001470-2,01,ACCEPTED,CBP,N,12-3456789-00,ACME TOOLS INC,2704,06/12/2025,\
06/12/2025,1,CN,1,8471300100,10000.00,0.00,LIQUIDATED,03/12/2026,
        24: M2K-1001470-2,01,ACCEPTED,CBP,N,12-3456789-00,ACME TOOLS INC,2704,06/12/2025,\
06/12/2025,1,CN,2,99030125,0.00,640.00,LIQUIDATED,03/12/2026,
";
    for spelling in [
        "M2K-1001470-2",
        "m2k 1001470 2",
        "M2K10014702",
        " m2k-10014-702 ",
    ] {
        let r = run(dir.path(), &["explain", spelling]);
        assert_eq!(r.code, 0, "{spelling}: {}", r.stderr);
        assert_eq!(r.stdout, want, "{spelling}");
    }
    // Declared entries name their file.
    let r = run(dir.path(), &["explain", "M2K-1000237-6"]);
    assert!(
        r.stdout
            .contains("  declared in cape-out/ACEP_CapeEntryNumberUploadTemplate.csv\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn explain_says_which_entries_are_not_in_the_run() {
    let dir = prepared_sample();
    let r = run(dir.path(), &["explain", "M2K-1000237-6", "ABC-9999999-9"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with("M2K-1000237-6: eligible\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with(
        "ABC-9999999-9: not in the run in cape-out (cape_entries.csv has every entry of its \
         inputs)\n"
    ));
    let r = run(
        dir.path(),
        &["explain", "M2K-1000237-6", "--json", "-o", "cape-out"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["as_of"], "2026-06-01");
    assert_eq!(j["entries"][0]["decision"], "eligible");
    assert_eq!(j["entries"][0]["reasons"], serde_json::json!([]));
    assert_eq!(j["entries"][0]["sources"][0]["lines"][0]["line"], 2);
    assert_eq!(j["not_found"], serde_json::json!([]));
    // The rows are not shown from an input changed since the run.
    std::fs::write(dir.path().join("sample.csv"), "changed\n").unwrap();
    let r = run(dir.path(), &["explain", "M2K-1000237-6"]);
    assert!(
        r.stdout
            .contains("  from sample.csv:2-3\n    (rows not shown: it changed since the run)\n"),
        "{}",
        r.stdout
    );
    // Without a run, the way out.
    let r = run(dir.path(), &["explain", "M2K-1000237-6", "-o", "elsewhere"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: elsewhere/cape_entries.csv: no run to explain: run `cape prepare` first, or \
         give its output folder with -o\n"
    );
}

/// Whether `shell` is installed; CI (`CAPE_REQUIRE_SHELLS=1`) requires it.
fn have(shell: &str) -> bool {
    let there = std::process::Command::new(shell)
        .arg("-c")
        .arg("true")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        there || std::env::var_os("CAPE_REQUIRE_SHELLS").is_none(),
        "CAPE_REQUIRE_SHELLS is set but {shell} is not installed"
    );
    there
}

#[test]
fn completions_parse_in_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, check) in [
        ("bash", &["-n"][..]),
        ("zsh", &["-n"][..]),
        ("fish", &["--no-execute"][..]),
        ("powershell", &[][..]),
    ] {
        let r = run(dir.path(), &["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for word in [
            "prepare",
            "validate",
            "explain",
            "interest",
            "non-corporate",
        ] {
            assert!(r.stdout.contains(word), "{shell}: no {word}");
        }
        if check.is_empty() {
            // No PowerShell on Debian: its script registers a completer for `cape`.
            assert!(r.stdout.contains("Register-ArgumentCompleter"), "{shell}");
            continue;
        }
        if !have(shell) {
            eprintln!("skipped: {shell} is not installed");
            continue;
        }
        let script = dir.path().join(format!("cape.{shell}"));
        std::fs::write(&script, &r.stdout).unwrap();
        let out = std::process::Command::new(shell)
            .args(check)
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(run(dir.path(), &["completions", "tcsh"]).code, 2);
}

#[test]
fn the_report_lists_the_entries_to_review_with_their_reasons_and_next_steps() {
    let (dir, name) = scratch_with("es003/no-liquidation.csv");
    let r = run(dir.path(), &["prepare", &name, "--as-of", "2026-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = read(dir.path().join("cape-out/cape_report.html"));
    let review =
        &page[page.find("<h2 id=\"review\">").unwrap()..page.find("<h2 id=\"next\">").unwrap()];
    for entry in ["M2K-1000237-6", "M2K-1000374-7", "M2K-1000511-4"] {
        assert!(review.contains(entry), "{entry} is not in the review list");
    }
    assert_eq!(
        review.matches("<td>liquidation-unknown").count(),
        3,
        "{review}"
    );
    // What to do next, in the same words as everywhere else.
    assert!(page.contains(
        "<td><code>liquidation-unknown</code></td><td>add Liquidation Date and Liquidation \
         Status to the ES-003"
    ));
    assert!(page.contains("No last CAPE day falls in these weeks."));
    assert!(page.contains("No entry is eligible: no declaration file was written."));
}
