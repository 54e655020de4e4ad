//! `cape prepare`: from ES-003 exports to ready declarations, as a pipeline of stages. Opens
//! every input and maps its columns first (a missing required column stops the run before
//! anything is written), streams the rows into the per-entry ledger, decides every entry,
//! plans the declaration files while counting the entries for the summary (`tally.rs`),
//! and hands the run's read-only view (`prepared.rs`) to the output stage (`outputs.rs`),
//! which writes the whole set or nothing.

mod outputs;
mod plan;
pub mod prepared;
mod progress;
mod tally;

use std::path::{Path, PathBuf};

use crate::eligibility;
use crate::es003::{self, Field, InputFormat, ReadError};
use crate::ledger::Ledger;
use crate::output::{self, OutputError};
use crate::parallel;
use crate::report;
use crate::validation_result;

pub use plan::{DeclarationFile, SplitBy};
pub use prepared::{ColumnUse, ENTRIES_FILE, InputInfo, PrepareConfig, Prepared};
pub use tally::Tally;

/// Why `cape prepare` could not run.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Refused(String),
    #[error(
        "{out}: the output folder holds {declared}, given to --declared: a run replaces what is \
         in its output folder, and the record of what was declared must not be touched; keep \
         filed declarations in a folder of their own (`filed/`) and choose another --out-dir"
    )]
    DeclaredInOut { out: PathBuf, declared: PathBuf },
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{dir}: the new outputs were not put in place; the folder holds what it held before")]
    NotCommitted {
        dir: PathBuf,
        #[source]
        source: OutputError,
    },
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    #[error(
        "{path}: cannot be the output folder: it is the current folder, or holds it, and a run \
         replaces its output folder as a whole; choose a folder of its own, such as cape-out"
    )]
    OutDirIsCurrent { path: PathBuf },
    #[error("{path}: cannot be the output folder: {file} is a file; choose another with --out-dir")]
    OutDirIsFile { path: PathBuf, file: PathBuf },
    #[error("{path}: cannot create the output folder")]
    OutDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Runs `cape prepare`.
pub fn run(cfg: &PrepareConfig) -> Result<Prepared, PrepareError> {
    // An input named twice (under any path) is read once.
    let mut seen = std::collections::HashSet::new();
    let mut repeated = Vec::new();
    let mut specs = Vec::new();
    for spec in &cfg.inputs {
        let id = std::fs::canonicalize(&spec.path).unwrap_or_else(|_| spec.path.clone());
        if seen.insert(id) {
            specs.push(spec);
        } else {
            repeated.push(spec.path.clone());
        }
    }
    // Every input's header first: nothing is read or written if one lacks a column. A file
    // is closed again and opened anew when its turn comes, so that few files are open
    // whatever the number of inputs; a pipe is kept (its copy is all there is of it).
    let mut on_read = Vec::new();
    let mut early = Vec::new();
    let mut opened = Vec::new();
    for s in &specs {
        let o = es003::open(s)?;
        let regular = std::fs::metadata(&s.path).is_ok_and(|m| m.is_file());
        // The copy of a piped workbook lives only as long as its reader: fingerprint it now.
        let now = (!regular && !o.fingerprints())
            .then(|| output::fingerprint_file(o.readable_path()))
            .transpose()
            .map_err(|source| {
                PrepareError::Audit(crate::audit::AuditError::Hash {
                    path: s.path.clone(),
                    source,
                })
            })?;
        on_read.push(o.fingerprints() || now.is_some());
        early.push(now);
        opened.push((!regular).then_some(o));
    }
    let input_paths: Vec<PathBuf> = specs.iter().map(|i| i.path.clone()).collect();
    let out = |name: &str| cfg.out_dir.join(name);
    for name in [
        validation_result::FILE_NAME,
        ENTRIES_FILE,
        crate::audit::FILE_NAME,
        report::html::FILE_NAME,
    ] {
        output::ensure_not_input(&out(name), &input_paths)?;
    }

    check_out_dir(&cfg.out_dir)?;
    check_declared_outside(cfg)?;

    let mut hashes = crate::audit::InputHashes::start(input_paths.clone(), &on_read);
    for (i, f) in early.into_iter().enumerate() {
        if let Some(f) = f {
            hashes.taken(i, f);
        }
    }
    let mut ledger = Ledger::default();
    let mut inputs = Vec::new();
    for (i, kept) in opened.into_iter().enumerate() {
        let o = match kept {
            Some(o) => o,
            None => es003::open(specs[i])?,
        };
        let header = o.header.clone();
        let info = InputInfo {
            path: o.path.clone(),
            format: o.format,
            sheet: header.sheet.clone(),
            header_line: header.line,
            rows: 0,
            bytes: std::fs::metadata(&o.path)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
            missing: Field::ALL
                .into_iter()
                .filter(|f| header.columns.get(*f).is_none())
                .collect(),
            columns: ColumnUse::of(&header),
            encoding: o.encoding.map(|e| e.name()),
            delimiter: (o.format != InputFormat::Xlsx).then_some(char::from(o.delimiter)),
        };
        let before = ledger.rows_read;
        {
            let name = o.path.display().to_string();
            let order = specs[i].date_order;
            let mut sink = ledger.file(&name, &header.columns, &header.names, order);
            {
                let mut shown = progress::Progress::new(&mut sink, &o.path, cfg.progress);
                if let Some(fingerprint) = o.read_rows(&mut shown)? {
                    hashes.taken(i, fingerprint);
                }
            }
            sink.finish();
            if let Some(why) = ledger.refusals.first() {
                return Err(PrepareError::Refused(why.clone()));
            }
        }
        inputs.push(InputInfo {
            rows: ledger.rows_read - before,
            ..info
        });
    }

    ledger.end_of_input();

    // The entries are sorted while they are decided.
    let (by_number, verdicts) = parallel::both(
        || report::entries::by_number(&ledger.entries),
        || {
            let decider = eligibility::Decider::new(&cfg.rules, &cfg.declared, &ledger);
            parallel::map(&ledger.entries, |e| decider.decide(e))
        },
    );
    // The entries are counted, and CBP's validation result drawn up, while the declarations
    // are planned.
    let (interest, interest_past_table) = estimate_interest(cfg, &ledger, &verdicts);
    let ((tally, validation_result), (declarations, placed)) = parallel::both(
        || {
            (
                Tally::new(&ledger, &verdicts, &interest),
                plan::validation_result(&ledger, &verdicts),
            )
        },
        || {
            plan::plan(
                &ledger,
                &verdicts,
                &by_number,
                cfg.split_by,
                cfg.max_entries,
            )
        },
    );

    let mut prepared = Prepared {
        tally,
        by_number,
        inputs,
        ledger,
        verdicts,
        placed,
        declarations,
        validation_result,
        written: Vec::new(),
        removed: Vec::new(),
        repeated,
        interest,
        interest_past_table,
    };
    outputs::write_outputs(cfg, &input_paths, &mut prepared, hashes)?;
    Ok(prepared)
}

/// Fails before the rows are read when the output folder cannot be one: its path, or a
/// folder on the way to it, is a file. (Whether it can be written is known only by writing.)
/// The interest estimate of every entry (see [`crate::interest`]), and whether one ran past
/// the rate table.
fn estimate_interest(
    cfg: &PrepareConfig,
    ledger: &Ledger,
    verdicts: &[eligibility::Verdict],
) -> (Vec<Option<crate::money::Cents>>, bool) {
    let Some(mut est) = crate::interest::Estimator::new(cfg.interest, cfg.rules.as_of) else {
        return (vec![None; ledger.entries.len()], false);
    };
    let all = ledger
        .entries
        .iter()
        .zip(verdicts)
        .map(|(e, v)| est.estimate(v.ieepa_duty, e.header.summary_date))
        .collect();
    (all, est.outside_table)
}

fn check_out_dir(dir: &Path) -> Result<(), PrepareError> {
    // The folder is replaced as a whole: not the one the user stands in, or one above it.
    if let (Ok(out), Ok(here)) = (std::fs::canonicalize(dir), std::env::current_dir())
        && here.starts_with(&out)
    {
        return Err(PrepareError::OutDirIsCurrent { path: dir.into() });
    }
    let mut at = Some(dir);
    while let Some(p) = at.filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(meta) = std::fs::metadata(p) {
            if meta.is_dir() {
                return Ok(());
            }
            return Err(PrepareError::OutDirIsFile {
                path: dir.into(),
                file: p.into(),
            });
        }
        at = p.parent();
    }
    Ok(())
}

/// Refuses an output folder that is, or holds, a path given to `--declared`.
fn check_declared_outside(cfg: &PrepareConfig) -> Result<(), PrepareError> {
    let Ok(out) = std::fs::canonicalize(&cfg.out_dir) else {
        return Ok(());
    };
    let declared = cfg
        .declared
        .given
        .iter()
        .chain(cfg.declared.files.iter().map(|f| &f.path));
    for d in declared {
        if let Ok(c) = std::fs::canonicalize(d)
            && c.starts_with(&out)
        {
            return Err(PrepareError::DeclaredInOut {
                out: cfg.out_dir.clone(),
                declared: d.clone(),
            });
        }
    }
    Ok(())
}
