//! `cape explain ENTRY...`: one entry of a run, quickly. It reads the run's outputs
//! (`cape_entries.csv` and `cape_run.json` in the output folder), finds each entry however
//! it is spelled (dashes, spaces, lower case), and shows its decision, reasons and warnings
//! with their notes, deadlines, declaration file and the input rows it was read from.
//! Nothing is written.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::entry::normalise;
use crate::report::entries::COLUMNS;

/// The most input lines shown for one entry.
pub const MAX_LINES: usize = 40;

/// A resolved `cape explain` run.
#[derive(Clone, Debug)]
pub struct ExplainConfig {
    pub out_dir: PathBuf,
    /// The entries asked for, as typed.
    pub entries: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error(
        "{path}: no run to explain: run `cape prepare` first, or give its output folder with -o"
    )]
    NoRun { path: PathBuf },
    #[error("{path}: cannot read it")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a report cape wrote ({why}); run `cape prepare` again")]
    NotOurs { path: PathBuf, why: String },
}

/// Where an entry's rows are in one input, and those rows as they are now.
#[derive(Debug, Serialize)]
pub struct Source {
    pub file: String,
    pub first_line: u64,
    pub last_line: u64,
    /// The rows in that range that hold the entry.
    pub lines: Vec<Line>,
    /// Why no lines are shown, when none are.
    pub unavailable: Option<String>,
}

/// One row of an input, as it is now.
#[derive(Debug, Serialize)]
pub struct Line {
    pub line: u64,
    pub text: String,
}

/// One entry found: its row of `cape_entries.csv`, by column name, and its sources.
#[derive(Debug, Serialize)]
pub struct Found {
    pub asked: String,
    pub fields: Vec<(&'static str, String)>,
    pub sources: Vec<Source>,
}

impl Found {
    pub fn get(&self, column: &str) -> &str {
        self.fields
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// What `cape explain` found.
#[derive(Debug, Serialize)]
pub struct Explained {
    pub out_dir: String,
    pub as_of: Option<String>,
    pub found: Vec<Found>,
    pub not_found: Vec<String>,
}

/// What `cape_run.json` says of one input.
struct RunInput {
    path: String,
    sha256: String,
}

fn read_run(dir: &Path) -> (Option<String>, Vec<RunInput>) {
    let Ok(text) = std::fs::read(dir.join(crate::audit::FILE_NAME)) else {
        return (None, Vec::new());
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return (None, Vec::new());
    };
    let inputs = v["inputs"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| {
                    Some(RunInput {
                        path: i["path"].as_str()?.to_string(),
                        sha256: i["sha256"].as_str()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    (v["as_of"].as_str().map(str::to_string), inputs)
}

pub fn run(cfg: &ExplainConfig) -> Result<Explained, ExplainError> {
    let path = cfg.out_dir.join(crate::prepare::ENTRIES_FILE);
    let bytes = std::fs::read(&path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ExplainError::NoRun { path: path.clone() },
        _ => ExplainError::Read {
            path: path.clone(),
            source,
        },
    })?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(&bytes[..]);
    let not_ours = |why: String| ExplainError::NotOurs {
        path: path.clone(),
        why,
    };
    let head = rdr.headers().map_err(|e| not_ours(e.to_string()))?.clone();
    if head.iter().collect::<Vec<_>>() != COLUMNS {
        return Err(not_ours("its columns are not those of this version".into()));
    }
    let wanted: Vec<String> = cfg.entries.iter().map(|e| normalise(e)).collect();
    let mut rows: Vec<Option<csv::StringRecord>> = vec![None; wanted.len()];
    for r in rdr.records() {
        let r = r.map_err(|e| not_ours(e.to_string()))?;
        let key = normalise(r.get(0).unwrap_or(""));
        for (k, w) in wanted.iter().enumerate() {
            if rows[k].is_none() && !w.is_empty() && *w == key {
                rows[k] = Some(r.clone());
            }
        }
    }
    let (as_of, inputs) = read_run(&cfg.out_dir);
    let mut found = Vec::new();
    let mut not_found = Vec::new();
    for (k, row) in rows.into_iter().enumerate() {
        let Some(row) = row else {
            not_found.push(cfg.entries[k].clone());
            continue;
        };
        let fields: Vec<(&'static str, String)> = COLUMNS
            .iter()
            .zip(row.iter())
            .map(|(c, v)| (*c, v.to_string()))
            .collect();
        let mut f = Found {
            asked: cfg.entries[k].clone(),
            fields,
            sources: Vec::new(),
        };
        f.sources = sources(f.get("sources"), &wanted[k], &inputs);
        found.push(f);
    }
    Ok(Explained {
        out_dir: cfg.out_dir.display().to_string(),
        as_of,
        found,
        not_found,
    })
}

/// Parses `file:first-last; file:line` and reads those rows from the inputs where they are
/// unchanged since the run.
fn sources(text: &str, number: &str, inputs: &[RunInput]) -> Vec<Source> {
    text.split("; ")
        .filter(|s| !s.is_empty())
        .filter_map(|s| {
            let (file, range) = s.rsplit_once(':')?;
            let (a, b) = range.split_once('-').unwrap_or((range, range));
            let (first_line, last_line) = (a.parse().ok()?, b.parse().ok()?);
            let (lines, unavailable) = match read_lines(file, first_line, last_line, number, inputs)
            {
                Ok(l) => (l, None),
                Err(why) => (Vec::new(), Some(why)),
            };
            Some(Source {
                file: file.to_string(),
                first_line,
                last_line,
                lines,
                unavailable,
            })
        })
        .collect()
}

fn read_lines(
    file: &str,
    first: u64,
    last: u64,
    number: &str,
    inputs: &[RunInput],
) -> Result<Vec<Line>, String> {
    let Some(recorded) = inputs.iter().find(|i| i.path == file) else {
        return Err("not in cape_run.json".into());
    };
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read it now: {e}"))?;
    use sha2::Digest;
    if crate::output::hex(&sha2::Sha256::digest(&bytes)) != recorded.sha256 {
        return Err("it changed since the run".into());
    }
    let text = crate::input::decode_whole(&bytes)
        .map_err(|k| format!("{}: its rows are shown in no text form here", k.what()))?;
    let mut out = Vec::new();
    for (k, line) in text.split(|&b| b == b'\n').enumerate() {
        let n = k as u64 + 1;
        if n > last || out.len() == MAX_LINES {
            break;
        }
        let line = String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line));
        if n >= first && normalise(&line).contains(number) {
            out.push(Line {
                line: n,
                text: line.into_owned(),
            });
        }
    }
    Ok(out)
}

/// For people.
pub fn render_human(e: &Explained) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for f in &e.found {
        let g = |c: &str| f.get(c);
        let shown = crate::entry::EntryNumber::parse(g("entry_number"))
            .map_or_else(|| g("entry_number").to_string(), |n| n.dashed());
        let _ = writeln!(s, "{shown}: {}", g("decision"));
        let _ = write!(s, "  IEEPA duty {}", g("ieepa_duty"));
        if !g("interest_estimate").is_empty() {
            let _ = write!(s, ", interest {} (estimate)", g("interest_estimate"));
        }
        s.push('\n');
        let _ = writeln!(
            s,
            "  importer {} {}; entry type {}, entered {}",
            g("importer_number"),
            g("importer_name"),
            g("entry_type"),
            g("entry_date")
        );
        for (label, column) in [("reasons", "reasons"), ("warnings", "warnings")] {
            if !g(column).is_empty() {
                let _ = writeln!(s, "  {label}: {}", g(column).replace(';', ", "));
            }
        }
        for n in g("notes").split(" | ").filter(|n| !n.is_empty()) {
            let _ = writeln!(s, "    {n}");
        }
        let statuses = [
            ("summary", "entry_summary_status"),
            ("control", "control_status"),
            ("reconciliation", "reconciliation_flag"),
            ("protest", "protest_status"),
            ("liquidation", "liquidation_status"),
        ]
        .iter()
        .filter(|(_, c)| !g(c).is_empty())
        .map(|(l, c)| format!("{l} {}", g(c)))
        .collect::<Vec<_>>();
        if !statuses.is_empty() {
            let _ = writeln!(s, "  status: {}", statuses.join(", "));
        }
        if !g("liquidation_date").is_empty() {
            let _ = writeln!(
                s,
                "  liquidated {} ({} days before the filing date); last CAPE day {}; protest \
                 until {}",
                g("liquidation_date"),
                g("days_since_liquidation"),
                g("last_cape_day"),
                g("protest_deadline")
            );
        }
        match g("declaration_file") {
            "" => {
                let _ = writeln!(s, "  in no declaration file");
            }
            d => {
                let _ = writeln!(
                    s,
                    "  declared in {}",
                    Path::new(&e.out_dir).join(d).display()
                );
            }
        }
        for src in &f.sources {
            let _ = writeln!(
                s,
                "  from {}:{}-{}",
                src.file, src.first_line, src.last_line
            );
            if let Some(why) = &src.unavailable {
                let _ = writeln!(s, "    (rows not shown: {why})");
            }
            for l in &src.lines {
                let _ = writeln!(s, "    {:>6}: {}", l.line, l.text);
            }
        }
    }
    for n in &e.not_found {
        let _ = writeln!(
            s,
            "{n}: not in the run in {} (cape_entries.csv has every entry of its inputs)",
            e.out_dir
        );
    }
    s
}

/// The columns the JSON gives as lists.
const LISTS: [&str; 4] = ["reasons", "warnings", "notes", "sources"];

fn split<'a>(v: &'a str, by: &str) -> Vec<&'a str> {
    v.split(by).filter(|s| !s.is_empty()).collect()
}

/// One JSON document.
pub fn render_json(e: &Explained) -> String {
    #[derive(Serialize)]
    struct Entry<'a> {
        asked: &'a str,
        #[serde(flatten)]
        fields: std::collections::BTreeMap<&'static str, &'a str>,
        reasons: Vec<&'a str>,
        warnings: Vec<&'a str>,
        notes: Vec<&'a str>,
        sources: &'a [Source],
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        out_dir: &'a str,
        as_of: Option<&'a str>,
        entries: Vec<Entry<'a>>,
        not_found: &'a [String],
    }
    let doc = Doc {
        out_dir: &e.out_dir,
        as_of: e.as_of.as_deref(),
        entries: e
            .found
            .iter()
            .map(|f| Entry {
                asked: &f.asked,
                fields: f
                    .fields
                    .iter()
                    .filter(|(c, _)| !LISTS.contains(c))
                    .map(|(c, v)| (*c, v.as_str()))
                    .collect(),
                reasons: split(f.get("reasons"), ";"),
                warnings: split(f.get("warnings"), ";"),
                notes: split(f.get("notes"), " | "),
                sources: &f.sources,
            })
            .collect(),
        not_found: &e.not_found,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
