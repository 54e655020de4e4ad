//! The last stage of `cape prepare`: writing the set of outputs from the run's read-only
//! view, into a staging folder swapped in as one (see [`crate::out_folder`]).

use std::path::PathBuf;

use super::PrepareError;
use super::prepared::{ENTRIES_FILE, PrepareConfig, Prepared};
use crate::declaration;
use crate::out_folder::OutFolder;
use crate::output::{self, OutputError};
use crate::parallel;
use crate::report;
use crate::validation_result;

/// Writes every output as a set into a staging folder, and puts the set in place of the
/// folder's old one in one step (see [`crate::out_folder`]).
pub(super) fn write_outputs(
    cfg: &PrepareConfig,
    inputs: &[PathBuf],
    p: &mut Prepared,
    hashes: crate::audit::InputHashes,
) -> Result<(), PrepareError> {
    for d in &p.declarations {
        output::ensure_not_input(&cfg.out_dir.join(&d.name), inputs)?;
    }
    // Until the swap, the folder holds exactly what it held before: every error says so.
    let untouched = |e: OutputError| PrepareError::NotCommitted {
        dir: cfg.out_dir.clone(),
        source: e,
    };
    let folder = OutFolder::begin(&cfg.out_dir).map_err(untouched)?;
    // The declarations, the validation result and the HTML report are written while the
    // entries report, the one large output, is.
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
            let page = report::html::render(&report::html::model::Model::new(cfg, shared));
            let page = folder.write(report::html::FILE_NAME, |w| w.write_all(page.as_bytes()))?;
            Ok::<_, OutputError>((written, page))
        },
        || {
            folder.write(ENTRIES_FILE, |w| {
                report::entries::write(w, report::entries::View::of(shared))
            })
        },
    );
    let (mut written, page) = small.map_err(untouched)?;
    written.push(entries.map_err(untouched)?);
    written.push(page);
    let audit = crate::audit::stage(cfg, crate::audit::View::of(p), hashes, &folder, &written)
        .map_err(|e| match e {
            crate::audit::AuditError::Output(o) => untouched(o),
            other => PrepareError::Audit(other),
        })?;
    written.push(audit);
    let committed = folder.commit().map_err(untouched)?;
    p.written = written.into_iter().map(|w| w.path).collect();
    p.removed = committed.removed;
    Ok(())
}
