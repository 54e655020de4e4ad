//! The audit trail of a `prepare` run: `cape_run.json` beside the outputs, with the tool
//! and rules versions, the filing date and every option that changes a decision, the
//! SHA-256 of every input, earlier declaration and output, and the counts. It holds no
//! clock time, so two runs on the same inputs and options write the same bytes.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::eligibility::Decision;
use crate::es003::InputFormat;
use crate::money::Cents;
use crate::out_folder::{OutFolder, Written};
use crate::output::{Fingerprint, OutputError};
use crate::prepare::prepared::{ColumnUse, InputInfo, PrepareConfig, Prepared, SplitBy, Tally};
use crate::rules::RULES_VERSION;

/// The name of the audit file.
pub const FILE_NAME: &str = "cape_run.json";

/// A file and its fingerprint.
#[derive(Serialize)]
pub struct FileHash {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<crate::history::Kind>,
}

impl FileHash {
    /// The entry for `path`, whose bytes have `fingerprint`.
    fn new(path: &Path, fingerprint: Fingerprint) -> FileHash {
        FileHash {
            path: path.display().to_string(),
            bytes: fingerprint.bytes,
            sha256: fingerprint.sha256,
            kind: None,
        }
    }
}

/// SHA-256 and size of a file, streamed.
pub fn hash_file(path: &Path) -> std::io::Result<FileHash> {
    Ok(FileHash::new(path, crate::output::fingerprint_file(path)?))
}

#[derive(Serialize)]
struct Options {
    filer_code: Option<String>,
    importer: Option<String>,
    split_by: &'static str,
    max_entries: usize,
    assume_unliquidated: bool,
    reconciliation: crate::eligibility::Reconciliation,
    input_format: Option<&'static str>,
    sheet: Option<String>,
    /// The interest estimate's rate (`None`: not estimated) and statement.
    interest: Option<crate::interest::Basis>,
    statement: crate::interest::Statement,
}

#[derive(Serialize)]
struct Counts {
    rows: u64,
    entries: usize,
    eligible: usize,
    excluded: usize,
    review: usize,
    ieepa_duty_eligible: Cents,
    ieepa_duty_excluded: Cents,
    ieepa_duty_review: Cents,
    interest_estimate_eligible: Cents,
    interest_estimate_excluded: Cents,
    interest_estimate_review: Cents,
    declarations: usize,
}

#[derive(Serialize)]
struct InputColumns {
    path: String,
    encoding: Option<&'static str>,
    delimiter: Option<char>,
    header_line: u64,
    columns: Vec<ColumnUse>,
}

#[derive(Serialize)]
struct RunRecord {
    tool: &'static str,
    version: &'static str,
    rules_version: &'static str,
    as_of: chrono::NaiveDate,
    /// The ids of the rule changes in force for the filing date.
    rule_changes_in_force: Vec<&'static str>,
    options: Options,
    inputs: Vec<FileHash>,
    /// How each input was read: encoding, delimiter, and the column of each field.
    input_columns: Vec<InputColumns>,
    declared: Vec<FileHash>,
    outputs: Vec<FileHash>,
    counts: Counts,
}

/// Why the audit file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{path}: cannot read it to fingerprint it")]
    Hash {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
}

fn hash(path: &Path) -> Result<FileHash, AuditError> {
    hash_file(path).map_err(|source| AuditError::Hash {
        path: path.into(),
        source,
    })
}

/// Fingerprints of the inputs: taken as an input is read where its reader can, computed on
/// a thread of their own, while the rows are parsed, for the others.
pub struct InputHashes {
    paths: Vec<PathBuf>,
    taken: Vec<Option<Fingerprint>>,
    others: std::thread::JoinHandle<Vec<(usize, Result<FileHash, AuditError>)>>,
}

impl InputHashes {
    /// Starts hashing the `paths` whose `on_read` is false, one after another.
    pub fn start(paths: Vec<PathBuf>, on_read: &[bool]) -> InputHashes {
        let others: Vec<(usize, PathBuf)> = paths
            .iter()
            .enumerate()
            .filter(|(i, _)| !on_read.get(*i).copied().unwrap_or(false))
            .map(|(i, p)| (i, p.clone()))
            .collect();
        InputHashes {
            taken: vec![None; paths.len()],
            paths,
            others: std::thread::spawn(move || {
                others.into_iter().map(|(i, p)| (i, hash(&p))).collect()
            }),
        }
    }

    /// The fingerprint of input `i`, taken as it was read.
    pub fn taken(&mut self, i: usize, fingerprint: Fingerprint) {
        if let Some(slot) = self.taken.get_mut(i) {
            *slot = Some(fingerprint);
        }
    }

    fn finish(self) -> Result<Vec<FileHash>, AuditError> {
        let mut others: Vec<Option<Result<FileHash, AuditError>>> =
            self.paths.iter().map(|_| None).collect();
        for (i, h) in crate::parallel::unwound(self.others.join()) {
            others[i] = Some(h);
        }
        let mut all = Vec::with_capacity(self.paths.len());
        for ((path, taken), other) in self.paths.iter().zip(self.taken).zip(others) {
            all.push(match (taken, other) {
                (Some(f), _) => FileHash::new(path, f),
                (None, Some(h)) => h?,
                // Expected from a read that did not give it.
                (None, None) => hash(path)?,
            });
        }
        Ok(all)
    }
}

/// What the audit trail reads of a run: its inputs as read and what the entries add up to.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub inputs: &'a [InputInfo],
    pub tally: &'a Tally,
    pub rows: u64,
    pub entries: usize,
    pub declarations: usize,
}

impl<'a> View<'a> {
    pub fn of(p: &'a Prepared) -> View<'a> {
        View {
            inputs: &p.inputs,
            tally: &p.tally,
            rows: p.ledger.rows_read,
            entries: p.ledger.entries.len(),
            declarations: p.declarations.len(),
        }
    }
}

/// Stages `cape_run.json` for a run whose other outputs are `outputs` (staged).
pub fn stage(
    cfg: &PrepareConfig,
    p: View<'_>,
    inputs: InputHashes,
    folder: &OutFolder,
    outputs: &[Written],
) -> Result<Written, AuditError> {
    let spec = cfg.inputs.first();
    let bucket = |d: Decision| p.tally.buckets[d as usize];
    let record = RunRecord {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        rules_version: RULES_VERSION,
        as_of: cfg.rules.as_of,
        rule_changes_in_force: cfg.rules.in_force().ids(),
        options: Options {
            filer_code: cfg.rules.filer_code.map(|c| c.to_string()),
            importer: cfg.rules.importer.clone(),
            split_by: match cfg.split_by {
                SplitBy::None => "none",
                SplitBy::Filer => "filer",
                SplitBy::Importer => "importer",
            },
            max_entries: cfg.max_entries,
            assume_unliquidated: cfg.rules.assume_unliquidated,
            reconciliation: cfg.rules.reconciliation,
            input_format: spec.and_then(|s| s.format).map(|f| match f {
                InputFormat::Csv => "csv",
                InputFormat::Tsv => "tsv",
                InputFormat::Xlsx => "xlsx",
            }),
            sheet: spec.and_then(|s| s.sheet.clone()),
            interest: cfg.interest.basis,
            statement: cfg.interest.statement,
        },
        inputs: inputs.finish()?,
        input_columns: p
            .inputs
            .iter()
            .map(|i| InputColumns {
                path: i.path.display().to_string(),
                encoding: i.encoding,
                delimiter: i.delimiter,
                header_line: i.header_line,
                columns: i.columns.clone(),
            })
            .collect(),
        declared: cfg
            .declared
            .files
            .iter()
            .map(|f| {
                hash(&f.path).map(|h| FileHash {
                    kind: Some(f.kind),
                    ..h
                })
            })
            .collect::<Result<_, _>>()?,
        outputs: outputs
            .iter()
            .map(|s| FileHash::new(&s.path, s.fingerprint.clone()))
            .collect(),
        counts: Counts {
            rows: p.rows,
            entries: p.entries,
            eligible: bucket(Decision::Eligible).0,
            excluded: bucket(Decision::Excluded).0,
            review: bucket(Decision::Review).0,
            ieepa_duty_eligible: bucket(Decision::Eligible).1,
            ieepa_duty_excluded: bucket(Decision::Excluded).1,
            ieepa_duty_review: bucket(Decision::Review).1,
            interest_estimate_eligible: p.tally.interest[Decision::Eligible as usize],
            interest_estimate_excluded: p.tally.interest[Decision::Excluded as usize],
            interest_estimate_review: p.tally.interest[Decision::Review as usize],
            declarations: p.declarations,
        },
    };
    let mut json = serde_json::to_vec_pretty(&record).unwrap_or_default();
    json.push(b'\n');
    Ok(folder.write(FILE_NAME, |w| w.write_all(&json))?)
}
