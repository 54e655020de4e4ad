//! The `cape` command line: parses arguments, resolves them into the library's
//! configurations, runs the command and maps the outcome to an exit code
//! (0 done, 1 findings, 2 could not run).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use cape::declaration::{self, DEFAULT_MAX_ENTRIES, TEMPLATE_NAME};
use cape::eligibility::{Reconciliation, RuleOptions};
use cape::entry::FilerCode;
use cape::es003::values::DateOrder;
use cape::es003::{InputFormat, InputSpec};
use cape::history::Declared;
use cape::prepare::{self, PrepareConfig, SplitBy};
use cape::report::claims::ClaimsConfig;
use cape::report::summary::Summary;
use cape::rules::InForce;
use cape::rules::listing::Listing;
use cape::validate::{self, ValidateConfig, ValidateOptions};
use cape::validation_result;
use cape::{out_folder, output};

/// Prepare and validate CAPE declarations for IEEPA duty refunds.
#[derive(Parser)]
#[command(name = "cape", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Turn ES-003 exports into declarations, with a reason for every entry left out.
    Prepare(PrepareArgs),
    /// Check a declaration CSV exactly as ACE's upload would, before uploading it.
    Validate(ValidateArgs),
    /// Read ACE Claim Details files: results per claim, and what to do about failed entries.
    Claims(ClaimsArgs),
    /// Write an empty declaration: the `Entry Number` header line alone.
    Template(TemplateArgs),
    /// Print the rules in force on a filing date, with their dates and sources.
    Rules(RulesArgs),
}

#[derive(Args)]
struct RulesArgs {
    /// The filing date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// Print one JSON document instead.
    #[arg(long)]
    json: bool,
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
    /// Earlier declarations and ACE Claim Details files, or folders of them: entries
    /// declared before are flagged (repeat the option, or give several paths after it).
    #[arg(long, value_name = "PATH", num_args = 1.., action = clap::ArgAction::Append)]
    declared: Vec<PathBuf>,
    /// Where to write Cape_Validation_Result.csv.
    #[arg(long, value_name = "PATH")]
    result: Option<PathBuf>,
    /// Print one JSON document on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
struct PrepareArgs {
    /// ES-003 exports: CSV, tab-separated text or XLSX (several are merged).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// The output folder.
    #[arg(
        short,
        long = "out-dir",
        value_name = "DIR",
        default_value = "cape-out"
    )]
    out_dir: PathBuf,
    /// The filing date that the 80-day window counts to (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    as_of: Option<NaiveDate>,
    /// A broker account's filer code: entries of other filer codes are left out.
    #[arg(long, value_name = "XXX", value_parser = parse_filer_code)]
    filer_code: Option<FilerCode>,
    /// An importer account's importer number: entries of other importers are left out.
    #[arg(long, value_name = "NUMBER", value_parser = parse_importer)]
    importer: Option<String>,
    /// One set of declaration files per filer code or per importer.
    #[arg(long, value_enum, default_value = "none")]
    split_by: SplitArg,
    /// The most entry numbers one declaration may hold.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ENTRIES,
          value_parser = parse_max_entries)]
    max_entries: usize,
    /// Earlier declarations and ACE Claim Details files, or folders of them: entries
    /// declared before are flagged (repeat the option, or give several paths after it).
    #[arg(long, value_name = "PATH", num_args = 1.., action = clap::ArgAction::Append)]
    declared: Vec<PathBuf>,
    /// Treat entries as unliquidated when the inputs have no liquidation columns.
    #[arg(long)]
    assume_unliquidated: bool,
    /// Accept reconciliation-flagged entries of types 01, 02 and 06 before 2026-06-29 too
    /// (the rule CBP applies from that day).
    #[arg(long, conflicts_with = "exclude_reconciliation")]
    allow_reconciliation: bool,
    /// Keep every reconciliation-flagged entry out, also types 01, 02 and 06 from
    /// 2026-06-29 (for a broker who knows their type 09 reconciliations are filed).
    #[arg(long)]
    exclude_reconciliation: bool,
    /// Read every input as this format instead of detecting it.
    #[arg(long, value_enum)]
    input_format: Option<FormatArg>,
    /// How the inputs write NN/NN/YYYY dates. Without it, month first as ACE writes them;
    /// when a date reads only day first, dates that read both ways go to review.
    #[arg(long, value_enum, value_name = "ORDER")]
    date_order: Option<DateOrderArg>,
    /// The XLSX sheet to read (default: "Main Report", else the first with the header).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Print one JSON document on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Fail (exit 1) when an entry needs review or a row could not be read.
    #[arg(long)]
    strict: bool,
    /// List the header and column that fed each field of each input.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum SplitArg {
    None,
    Filer,
    Importer,
}

#[derive(Clone, Copy, ValueEnum)]
enum DateOrderArg {
    /// Day/month/year (Excel in most of the world).
    Dmy,
    /// Month/day/year (ACE, Excel in the US).
    Mdy,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Tsv,
    Xlsx,
}

#[derive(Args)]
struct ClaimsArgs {
    /// Claim Details files downloaded from ACE (CSV).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Where to write the per-entry report.
    #[arg(long, value_name = "PATH", default_value = cape::report::claims::FILE_NAME)]
    output: PathBuf,
    /// Print one JSON document on stdout instead of the summary.
    #[arg(long)]
    json: bool,
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

fn parse_as_of(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2026-05-01"))
}

fn parse_importer(s: &str) -> Result<String, String> {
    let id = cape::es003::values::ident(s.as_bytes());
    if id.is_empty() {
        return Err(format!(
            "`{s}` is not an importer number, such as 12-3456789-00"
        ));
    }
    Ok(id)
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
    out_folder::clean_up_on_signals();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Prepare(a) => run_prepare(a),
        Command::Validate(a) => run_validate(a),
        Command::Claims(a) => run_claims(a),
        Command::Template(a) => run_template(a),
        Command::Rules(a) => run_rules(a),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Whatever stderr is, the exit code says it: a failed write is not a panic.
            let _ = std::io::stderr()
                .write_all(output::terminal_safe(&format!("error: {e:#}\n")).as_bytes());
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

/// Writes text for people to stderr, with control characters from the inputs escaped; a
/// write that fails ends the run (exit 2), never a panic.
fn say(text: &str) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    err.write_all(output::terminal_safe(text).as_bytes())
        .and_then(|()| err.flush())
        .context("cannot write to stderr")
}

/// Writes to stdout; a closed pipe ends quietly (see `is_broken_pipe`).
fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Every input is a file: `-` (standard input) is refused with the way out.
fn files_only<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> anyhow::Result<()> {
    if paths.into_iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!(
            "`-`: standard input is not read; save it to a file and give the file's path \
             (a file named `-` is `./-`)"
        );
    }
    Ok(())
}

fn load_declared(paths: &[PathBuf]) -> anyhow::Result<Declared> {
    let d = Declared::load(paths).context("cannot read --declared")?;
    for (path, why) in &d.skipped {
        say(&format!(
            "note: --declared: skipped {}: {why}\n",
            path.display()
        ))?;
    }
    for n in &d.notes {
        say(&format!("note: --declared: downloads disagree: {n}\n"))?;
    }
    Ok(d)
}

fn run_validate(a: ValidateArgs) -> anyhow::Result<Outcome> {
    files_only(std::iter::once(&a.file).chain(&a.declared))?;
    let cfg = ValidateConfig {
        input: a.file,
        options: ValidateOptions {
            filer_code: a.filer_code,
            max_entries: a.max_entries,
            declared: load_declared(&a.declared)?,
        },
        result_path: a
            .result
            .clone()
            .unwrap_or_else(|| validation_result::FILE_NAME.into()),
        result_named: a.result.is_some(),
    };
    let v = validate::run(&cfg)?;
    if a.json {
        print_stdout(&validate::render_json(&cfg, &v))?;
    } else {
        say(&validate::render_human(&cfg, &v))?;
    }
    let strict_fail = a.strict && !v.warnings.is_empty();
    Ok(if v.accepted && v.already_declared() == 0 && !strict_fail {
        Outcome::Done
    } else {
        Outcome::Findings
    })
}

fn run_prepare(a: PrepareArgs) -> anyhow::Result<Outcome> {
    files_only(a.inputs.iter().chain(&a.declared))?;
    let format = a.input_format.map(|f| match f {
        FormatArg::Csv => InputFormat::Csv,
        FormatArg::Tsv => InputFormat::Tsv,
        FormatArg::Xlsx => InputFormat::Xlsx,
    });
    let cfg = PrepareConfig {
        inputs: a
            .inputs
            .into_iter()
            .map(|path| InputSpec {
                path,
                format,
                sheet: a.sheet.clone(),
                date_order: match a.date_order {
                    None => DateOrder::Detect,
                    Some(DateOrderArg::Dmy) => DateOrder::Dmy,
                    Some(DateOrderArg::Mdy) => DateOrder::Mdy,
                },
            })
            .collect(),
        out_dir: a.out_dir,
        rules: RuleOptions {
            as_of: a.as_of.unwrap_or_else(today),
            filer_code: a.filer_code,
            importer: a.importer,
            assume_unliquidated: a.assume_unliquidated,
            reconciliation: if a.allow_reconciliation {
                Reconciliation::Allow
            } else if a.exclude_reconciliation {
                Reconciliation::Exclude
            } else {
                Reconciliation::ByDate
            },
        },
        split_by: match a.split_by {
            SplitArg::None => SplitBy::None,
            SplitArg::Filer => SplitBy::Filer,
            SplitArg::Importer => SplitBy::Importer,
        },
        max_entries: a.max_entries,
        declared: load_declared(&a.declared)?,
        progress: !a.json,
    };
    let prepared = prepare::run(&cfg)?;
    let summary = Summary::new(&cfg, &prepared);
    // The process ends right after: freeing every entry one by one is wasted time.
    std::mem::forget(prepared);
    if a.json {
        print_stdout(&summary.json())?;
    } else {
        say(&summary.human_with(a.verbose))?;
    }
    let unsure = summary.review > 0 || summary.row_problems > 0;
    Ok(if a.strict && unsure {
        Outcome::Findings
    } else {
        Outcome::Done
    })
}

fn run_claims(a: ClaimsArgs) -> anyhow::Result<Outcome> {
    files_only(&a.files)?;
    let cfg = ClaimsConfig {
        inputs: a.files,
        output: a.output,
    };
    let report = cape::report::claims::run(&cfg)?;
    if a.json {
        print_stdout(&report.json())?;
    } else {
        say(&report.human())?;
    }
    Ok(Outcome::Done)
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn run_rules(a: RulesArgs) -> anyhow::Result<Outcome> {
    let listing = Listing::new(InForce::on(a.as_of.unwrap_or_else(today)));
    print_stdout(&if a.json {
        listing.json()
    } else {
        listing.human()
    })?;
    Ok(Outcome::Done)
}

fn run_template(a: TemplateArgs) -> anyhow::Result<Outcome> {
    declaration::write_file(&a.path, &[], a.force)
        .with_context(|| format!("cannot write the {TEMPLATE_NAME} template"))?;
    say(&format!("wrote {}\n", a.path.display()))?;
    Ok(Outcome::Done)
}
