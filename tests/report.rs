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
