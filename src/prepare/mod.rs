//! `cape prepare`: from ES-003 exports to ready declarations. Opens every input and maps its
//! columns first (a missing required column stops the run before anything is written),
//! streams the rows into the per-entry ledger, decides every entry, plans the declaration
//! files while counting the entries for the summary (`tally.rs`), and writes all outputs,
//! each complete or not at all.

mod plan;
mod progress;
mod tally;

use std::path::{Path, PathBuf};

use crate::declaration;
use crate::eligibility::{self, Decision, RuleOptions, Verdict};
use crate::es003::{self, Field, InputFormat, InputSpec, ReadError};
use crate::history::Declared;
use crate::ledger::Ledger;
use crate::money::Cents;
use crate::out_folder::OutFolder;
use crate::output::{self, OutputError};
use crate::parallel;
use crate::report;
use crate::validation_result::{self, ValidationResult};

pub use plan::{DeclarationFile, SplitBy};
pub use tally::Tally;

/// The name of the per-entry report.
pub const ENTRIES_FILE: &str = "cape_entries.csv";

/// A resolved `cape prepare` run.
#[derive(Clone, Debug)]
pub struct PrepareConfig {
    pub inputs: Vec<InputSpec>,
    pub out_dir: PathBuf,
    pub rules: RuleOptions,
    pub split_by: SplitBy,
    pub max_entries: usize,
    /// What was declared before (`--declared`).
    pub declared: Declared,
    /// Show progress on stderr (only when it is a terminal).
    pub progress: bool,
}

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
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    #[error("{path}: cannot be the output folder: {file} is a file; choose another with --out-dir")]
    OutDirIsFile { path: PathBuf, file: PathBuf },
    #[error("{path}: cannot create the output folder")]
    OutDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One input as it was read.
#[derive(Clone, Debug)]
pub struct InputInfo {
    pub path: PathBuf,
    pub format: InputFormat,
    pub sheet: Option<String>,
    pub header_line: u64,
    pub rows: u64,
    /// Optional columns the input lacks.
    pub missing: Vec<Field>,
    /// The column that fed each field found.
    pub columns: Vec<ColumnUse>,
    /// The text encoding and delimiter, for text inputs.
    pub encoding: Option<&'static str>,
    pub delimiter: Option<char>,
}

/// One field of an input and the column it was read from.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ColumnUse {
    pub field: &'static str,
    /// The header as written.
    pub header: String,
    /// The column, from 1.
    pub column: usize,
    /// Whether the header is ACE's own name for the field.
    pub ace_name: bool,
}

impl ColumnUse {
    /// The fields of `header` and their columns.
    fn of(header: &es003::Header) -> Vec<ColumnUse> {
        Field::ALL
            .into_iter()
            .filter_map(|f| {
                let c = header.columns.get(f)?;
                let written = header.names.get(c).map_or("", |n| n.trim()).to_string();
                Some(ColumnUse {
                    field: f.code(),
                    ace_name: es003::columns::header_key(&written)
                        == es003::columns::header_key(f.header()),
                    header: written,
                    column: c + 1,
                })
            })
            .collect()
    }
}

/// Everything a run found and wrote.
pub struct Prepared {
    pub inputs: Vec<InputInfo>,
    pub ledger: Ledger,
    /// One verdict per ledger entry, same order.
    pub verdicts: Vec<Verdict>,
    /// The declaration file of each ledger entry, if any.
    pub placed: Vec<Option<usize>>,
    pub declarations: Vec<DeclarationFile>,
    pub validation_result: ValidationResult,
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// Inputs given more than once, read once.
    pub repeated: Vec<PathBuf>,
    /// The ledger's entries in the order of their numbers.
    pub by_number: Vec<usize>,
    /// What the entries add up to.
    pub tally: Tally,
}

impl Prepared {
    /// How many entries got decision `d`, and their IEEPA duty.
    pub fn bucket(&self, d: Decision) -> (usize, Cents) {
        self.tally.buckets[d as usize]
    }
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
    // Every input's header first: nothing is read or written if one lacks a column.
    let opened = specs
        .iter()
        .map(|s| es003::open(s))
        .collect::<Result<Vec<_>, _>>()?;
    let input_paths: Vec<PathBuf> = specs.iter().map(|i| i.path.clone()).collect();
    let out = |name: &str| cfg.out_dir.join(name);
    for name in [
        validation_result::FILE_NAME,
        ENTRIES_FILE,
        crate::audit::FILE_NAME,
    ] {
        output::ensure_not_input(&out(name), &input_paths)?;
    }

    check_out_dir(&cfg.out_dir)?;
    check_declared_outside(cfg)?;

    let on_read: Vec<bool> = opened.iter().map(es003::Opened::fingerprints).collect();
    let mut hashes = crate::audit::InputHashes::start(input_paths.clone(), &on_read);
    let mut ledger = Ledger::default();
    let mut inputs = Vec::new();
    for (i, o) in opened.into_iter().enumerate() {
        let header = o.header.clone();
        let info = InputInfo {
            path: o.path.clone(),
            format: o.format,
            sheet: header.sheet.clone(),
            header_line: header.line,
            rows: 0,
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
    let ((tally, validation_result), (declarations, placed)) = parallel::both(
        || {
            (
                Tally::new(&ledger, &verdicts),
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
    };
    write_outputs(cfg, &input_paths, &mut prepared, hashes)?;
    Ok(prepared)
}

/// Fails before the rows are read when the output folder cannot be one: its path, or a
/// folder on the way to it, is a file. (Whether it can be written is known only by writing.)
fn check_out_dir(dir: &Path) -> Result<(), PrepareError> {
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

/// Writes every output as a set into a staging folder, and puts the set in place of the
/// folder's old one in one step (see [`crate::out_folder`]).
fn write_outputs(
    cfg: &PrepareConfig,
    inputs: &[PathBuf],
    p: &mut Prepared,
    hashes: crate::audit::InputHashes,
) -> Result<(), PrepareError> {
    for d in &p.declarations {
        output::ensure_not_input(&cfg.out_dir.join(&d.name), inputs)?;
    }
    let folder = OutFolder::begin(&cfg.out_dir)?;
    // The declarations and the validation result are written while the entries report, the
    // one large output, is.
    let shared: &Prepared = p;
    let (small, entries) = parallel::both(
        || {
            let mut written = Vec::new();
            for d in &shared.declarations {
                written.push(folder.write(&d.name, |w| declaration::write_to(w, &d.entries))?);
            }
            written.push(folder.write(validation_result::FILE_NAME, |w| {
                shared.validation_result.write_to(w)
            })?);
            Ok::<_, OutputError>(written)
        },
        || folder.write(ENTRIES_FILE, |w| report::entries::write(w, shared)),
    );
    let mut written = small?;
    written.push(entries?);
    let audit = crate::audit::stage(cfg, p, hashes, &folder, &written)?;
    written.push(audit);
    let committed = folder.commit()?;
    p.written = written.into_iter().map(|w| w.path).collect();
    p.removed = committed.removed;
    Ok(())
}
