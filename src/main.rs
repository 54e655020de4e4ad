//! The `cape` command line: parses arguments, resolves them into the library's
//! configurations, runs the command and maps the outcome to an exit code
//! (0 done, 1 findings, 2 could not run).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use cape::declaration::{self, DEFAULT_MAX_ENTRIES, TEMPLATE_NAME};
use cape::entry::FilerCode;
use cape::validate::{self, ValidateConfig, ValidateOptions};
use cape::validation_result;

/// Prepare and validate CAPE declarations for IEEPA duty refunds.
#[derive(Parser)]
#[command(name = "cape", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a declaration CSV exactly as ACE's upload would, before uploading it.
    Validate(ValidateArgs),
    /// Write an empty declaration: the `Entry Number` header line alone.
    Template(TemplateArgs),
}

#[derive(Args)]
struct ValidateArgs {
    /// The declaration CSV to check.
    file: PathBuf,
    /// The filer code of a Filer or Organizational Broker account: every entry must start
    /// with it.
    #[arg(long, value_name = "XXX", value_parser = parse_filer_code)]
    filer_code: Option<FilerCode>,
    /// The most entry numbers one declaration may hold.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ENTRIES,
          value_parser = parse_max_entries)]
    max_entries: usize,
    /// Where to write Cape_Validation_Result.csv.
    #[arg(long, value_name = "PATH", default_value = validation_result::FILE_NAME)]
    result: PathBuf,
    /// Print one JSON document on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
struct TemplateArgs {
    /// Where to write it.
    #[arg(default_value = "ACEP_CapeEntryNumberUploadTemplate.csv")]
    path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

fn parse_filer_code(s: &str) -> Result<FilerCode, String> {
    FilerCode::parse(s).ok_or_else(|| {
        format!("`{s}` is not a filer code: a filer code is 3 letters or digits, such as 0S2")
    })
}

fn parse_max_entries(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "`{s}` is not a number of entries: give a whole number from 1"
        )),
    }
}

/// What a command ended with, for the exit code.
enum Outcome {
    Done,
    Findings,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(a) => run_validate(a),
        Command::Template(a) => run_template(a),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes to stdout; a closed pipe ends quietly (see `is_broken_pipe`).
fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn run_validate(a: ValidateArgs) -> anyhow::Result<Outcome> {
    let cfg = ValidateConfig {
        input: a.file,
        options: ValidateOptions {
            filer_code: a.filer_code,
            max_entries: a.max_entries,
        },
        result_path: a.result,
    };
    let v = validate::run(&cfg)?;
    if a.json {
        print_stdout(&validate::render_json(&cfg, &v))?;
    } else {
        eprint!("{}", validate::render_human(&cfg, &v));
    }
    let strict_fail = a.strict && !v.warnings.is_empty();
    Ok(if v.accepted && !strict_fail {
        Outcome::Done
    } else {
        Outcome::Findings
    })
}

fn run_template(a: TemplateArgs) -> anyhow::Result<Outcome> {
    declaration::write_file(&a.path, &[], a.force)
        .with_context(|| format!("cannot write the {TEMPLATE_NAME} template"))?;
    eprintln!("wrote {}", a.path.display());
    Ok(Outcome::Done)
}
