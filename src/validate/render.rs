//! What `cape validate` tells the user: a short human summary that starts with what ACE
//! would say, or one JSON document.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Finding, ValidateConfig, Validation};

#[derive(Serialize)]
struct JsonReport<'a> {
    file: String,
    accepted: bool,
    tier: u8,
    reason: Option<&'a str>,
    rows: usize,
    distinct_entries: usize,
    filer_code: Option<String>,
    max_entries: usize,
    counts: BTreeMap<&'static str, usize>,
    problems: &'a [Finding],
    warnings: &'a [Finding],
    result_file: Option<String>,
}

/// The JSON document for a run.
pub fn render_json(cfg: &ValidateConfig, v: &Validation) -> String {
    let counts = v.counts.clone();
    let report = JsonReport {
        file: cfg.input.display().to_string(),
        accepted: v.accepted,
        tier: v.tier,
        reason: v.reason.as_deref(),
        rows: v.rows,
        distinct_entries: v.distinct_entries,
        filer_code: cfg.options.filer_code.map(|c| c.to_string()),
        max_entries: cfg.options.max_entries,
        counts,
        problems: &v.problems,
        warnings: &v.warnings,
        result_file: v.result.as_ref().map(|_| {
            v.result_written
                .as_ref()
                .unwrap_or(&cfg.result_path)
                .display()
                .to_string()
        }),
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

fn line_prefix(f: &Finding) -> String {
    match f.line {
        Some(l) => format!("line {l}: "),
        None => String::new(),
    }
}

/// The human summary for a run.
pub fn render_human(cfg: &ValidateConfig, v: &Validation) -> String {
    let mut s = String::new();
    let file = cfg.input.display();
    match &v.reason {
        None if v.already_declared() > 0 => {
            let _ = writeln!(
                s,
                "{file}: ACE would accept this file, but {} of its entries were declared before: \
                 ACE will fail them; remove them from the file",
                v.already_declared()
            );
        }
        None => {
            let _ = writeln!(s, "{file}: ACE would accept this file");
        }
        Some(reason) => {
            let _ = writeln!(s, "{file}: ACE would reject this file: {reason}");
        }
    }
    if v.tier == 2 {
        let account = match cfg.options.filer_code {
            Some(c) => format!("filer code {c}"),
            None => "no filer code given (--filer-code), filer codes not checked".into(),
        };
        let _ = writeln!(
            s,
            "  {} entry number{} read, {} distinct; {account}",
            v.rows,
            if v.rows == 1 { "" } else { "s" },
            v.distinct_entries
        );
    }
    if v.accepted {
        let _ = writeln!(
            s,
            "  not checked offline: that each entry exists and belongs to the importer (ACE's \
             batch validation)"
        );
    }
    for p in &v.problems {
        let value = p
            .value
            .as_deref()
            .map(|x| format!("{x}: "))
            .unwrap_or_default();
        let _ = writeln!(s, "  {}{value}{}", line_prefix(p), p.message);
    }
    for w in &v.warnings {
        let _ = writeln!(s, "warning[{}]: {}{}", w.rule, line_prefix(w), w.message);
    }
    if let Some(r) = &v.result {
        if let Some(w) = &v.result_written {
            let _ = writeln!(
                s,
                "note: {} exists (ACE's own result of an upload?) and is left as it is",
                cfg.result_path.display()
            );
            let _ = writeln!(
                s,
                "wrote {} ({} value{})",
                w.display(),
                r.len(),
                if r.len() == 1 { "" } else { "s" }
            );
        } else {
            let _ = writeln!(
                s,
                "wrote {} ({} value{})",
                cfg.result_path.display(),
                r.len(),
                if r.len() == 1 { "" } else { "s" }
            );
        }
    }
    s
}
