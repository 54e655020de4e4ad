//! The command line's arguments, as clap parses them: nothing here reaches the library,
//! which `main.rs` hands resolved configurations.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use cape::declaration::DEFAULT_MAX_ENTRIES;
use cape::entry::FilerCode;

/// Prepare and validate CAPE declarations for IEEPA duty refunds.
#[derive(Parser)]
#[command(name = "cape", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    /// Show what a run decided for entries, and why: reasons, notes, deadlines, input rows.
    Explain(ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish or powershell) on stdout.
    Completions(CompletionsArgs),
}

#[derive(Args)]
pub(crate) struct ExplainArgs {
    /// Entry numbers, written any way (`M2K-1000237-6`, `m2k 1000237 6`, `M2K10002376`).
    #[arg(required = true, value_name = "ENTRY")]
    pub(crate) entries: Vec<String>,
    /// The output folder of the run.
    #[arg(
        short,
        long = "out-dir",
        value_name = "DIR",
        default_value = "cape-out"
    )]
    pub(crate) out_dir: PathBuf,
    #[command(flatten)]
    pub(crate) report: JsonArg,
}

#[derive(Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Args)]
pub(crate) struct RulesArgs {
    /// The filing date (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub(crate) as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub(crate) report: JsonArg,
}

#[derive(Args)]
pub(crate) struct ValidateArgs {
    /// The declaration CSV to check.
    pub(crate) file: PathBuf,
    /// The filer code of a Filer or Organizational Broker account: every entry must start
    /// with it.
    #[arg(long, value_name = "XXX", value_parser = parse_filer_code)]
    pub(crate) filer_code: Option<FilerCode>,
    #[command(flatten)]
    pub(crate) declarations: DeclarationArgs,
    /// Where to write Cape_Validation_Result.csv.
    #[arg(long, value_name = "PATH")]
    pub(crate) result: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) report: JsonArg,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub(crate) strict: bool,
}

#[derive(Args)]
pub(crate) struct PrepareArgs {
    /// ES-003 exports: CSV, tab-separated text or XLSX (several are merged).
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<PathBuf>,
    /// The output folder.
    #[arg(
        short,
        long = "out-dir",
        value_name = "DIR",
        default_value = "cape-out"
    )]
    pub(crate) out_dir: PathBuf,
    /// The filing date that the 80-day window counts to (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub(crate) as_of: Option<NaiveDate>,
    /// A broker account's filer code: entries of other filer codes are left out.
    #[arg(long, value_name = "XXX", value_parser = parse_filer_code)]
    pub(crate) filer_code: Option<FilerCode>,
    /// An importer account's importer number: entries of other importers are left out.
    #[arg(long, value_name = "NUMBER", value_parser = parse_importer)]
    pub(crate) importer: Option<String>,
    /// One set of declaration files per filer code or per importer.
    #[arg(long, value_enum, default_value = "none")]
    pub(crate) split_by: SplitArg,
    #[command(flatten)]
    pub(crate) declarations: DeclarationArgs,
    /// Treat entries as unliquidated when the inputs have no liquidation columns.
    #[arg(long)]
    pub(crate) assume_unliquidated: bool,
    /// Accept reconciliation-flagged entries of types 01, 02 and 06 before 2026-06-29 too
    /// (the rule CBP applies from that day).
    #[arg(long, conflicts_with = "exclude_reconciliation")]
    pub(crate) allow_reconciliation: bool,
    /// Keep every reconciliation-flagged entry out, also types 01, 02 and 06 from
    /// 2026-06-29 (for a broker who knows their type 09 reconciliations are filed).
    #[arg(long)]
    pub(crate) exclude_reconciliation: bool,
    /// Read every input as this format instead of detecting it.
    #[arg(long, value_enum)]
    pub(crate) input_format: Option<FormatArg>,
    /// How the inputs write NN/NN/YYYY dates. Without it, month first as ACE writes them;
    /// when a date reads only day first, dates that read both ways go to review.
    #[arg(long, value_enum, value_name = "ORDER")]
    pub(crate) date_order: Option<DateOrderArg>,
    /// The IRS overpayment rate the interest estimate uses: corporate (the default: most
    /// importers are corporations, and it is the lower rate), non-corporate, or none.
    #[arg(long, value_enum, value_name = "RATE", default_value = "corporate")]
    pub(crate) interest: InterestArg,
    /// How the importer pays duty, which sets the estimated deposit day: a daily statement
    /// (entry summary date + 10 days) or a periodic monthly one (15th working day of the
    /// next month).
    #[arg(long, value_enum, default_value = "daily")]
    pub(crate) statement: StatementArg,
    /// The XLSX sheet to read (default: "Main Report", else the first with the header).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    #[command(flatten)]
    pub(crate) report: JsonArg,
    /// Fail (exit 1) when an entry needs review or a row could not be read.
    #[arg(long)]
    pub(crate) strict: bool,
    /// List the header and column that fed each field of each input.
    #[arg(long, short)]
    pub(crate) verbose: bool,
}

/// What a declaration may hold and what was declared before: `prepare` and `validate`.
#[derive(Args)]
pub(crate) struct DeclarationArgs {
    /// The most entry numbers one declaration may hold.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ENTRIES,
          value_parser = parse_max_entries)]
    pub(crate) max_entries: usize,
    /// Earlier declarations and ACE Claim Details files, or folders of them: entries
    /// declared before are flagged (repeat the option, or give several paths after it).
    #[arg(long, value_name = "PATH", num_args = 1.., action = clap::ArgAction::Append)]
    pub(crate) declared: Vec<PathBuf>,
}

/// One JSON document on stdout instead of the summary: every command that reports.
#[derive(Args)]
pub(crate) struct JsonArg {
    /// Print one JSON document on stdout instead of the summary.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum SplitArg {
    None,
    Filer,
    Importer,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DateOrderArg {
    /// Day/month/year (Excel in most of the world).
    Dmy,
    /// Month/day/year (ACE, Excel in the US).
    Mdy,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum InterestArg {
    Corporate,
    NonCorporate,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StatementArg {
    Daily,
    Monthly,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    Csv,
    Tsv,
    Xlsx,
}

#[derive(Args)]
pub(crate) struct ClaimsArgs {
    /// Claim Details files downloaded from ACE (CSV).
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Where to write the per-entry report.
    #[arg(long, value_name = "PATH", default_value = cape::report::claims::FILE_NAME)]
    pub(crate) output: PathBuf,
    #[command(flatten)]
    pub(crate) report: JsonArg,
}

#[derive(Args)]
pub(crate) struct TemplateArgs {
    /// Where to write it.
    #[arg(default_value = "ACEP_CapeEntryNumberUploadTemplate.csv")]
    pub(crate) path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub(crate) force: bool,
}

pub(crate) fn parse_filer_code(s: &str) -> Result<FilerCode, String> {
    FilerCode::parse(s).ok_or_else(|| {
        format!("`{s}` is not a filer code: a filer code is 3 letters or digits, such as 0S2")
    })
}

pub(crate) fn parse_as_of(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2026-05-01"))
}

pub(crate) fn parse_importer(s: &str) -> Result<String, String> {
    let id = cape::es003::values::ident(s.as_bytes());
    if id.is_empty() {
        return Err(format!(
            "`{s}` is not an importer number, such as 12-3456789-00"
        ));
    }
    Ok(id)
}

pub(crate) fn parse_max_entries(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "`{s}` is not a number of entries: give a whole number from 1"
        )),
    }
}
