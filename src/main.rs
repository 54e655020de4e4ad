//! The `cape` command line: parses arguments, resolves them into the library's
//! configurations, runs the command and maps the outcome to an exit code
//! (0 done, 1 findings, 2 could not run). The arguments themselves are in `cli.rs`.

mod cli;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser;

use cape::declaration::{self, TEMPLATE_NAME};
use cape::eligibility::{Reconciliation, RuleOptions};
use cape::es003::values::DateOrder;
use cape::es003::{InputFormat, InputSpec};
use cape::explain::{self, ExplainConfig};
use cape::history::Declared;
use cape::interest::{Basis, InterestOptions, Statement};
use cape::prepare::{self, PrepareConfig, SplitBy};
use cape::report::claims::ClaimsConfig;
use cape::report::summary::Summary;
use cape::rules::InForce;
use cape::rules::listing::Listing;
use cape::validate::{self, ValidateConfig, ValidateOptions};
use cape::validation_result;
use cape::{out_folder, output};
use cli::*;

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
        Command::Explain(a) => run_explain(a),
        Command::Completions(a) => run_completions(a),
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
    files_only(std::iter::once(&a.file).chain(&a.declarations.declared))?;
    let cfg = ValidateConfig {
        input: a.file,
        options: ValidateOptions {
            filer_code: a.filer_code,
            max_entries: a.declarations.max_entries,
            declared: load_declared(&a.declarations.declared)?,
        },
        result_path: a
            .result
            .clone()
            .unwrap_or_else(|| validation_result::FILE_NAME.into()),
        result_named: a.result.is_some(),
    };
    let v = validate::run(&cfg)?;
    if a.report.json {
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
    files_only(a.inputs.iter().chain(&a.declarations.declared))?;
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
        max_entries: a.declarations.max_entries,
        declared: load_declared(&a.declarations.declared)?,
        interest: InterestOptions {
            basis: match a.interest {
                InterestArg::Corporate => Some(Basis::Corporate),
                InterestArg::NonCorporate => Some(Basis::NonCorporate),
                InterestArg::None => None,
            },
            statement: match a.statement {
                StatementArg::Daily => Statement::Daily,
                StatementArg::Monthly => Statement::Monthly,
            },
        },
        progress: !a.report.json,
    };
    let prepared = prepare::run(&cfg)?;
    let summary = Summary::new(&cfg, &prepared);
    // The process ends right after: freeing every entry one by one is wasted time.
    std::mem::forget(prepared);
    if a.report.json {
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
    if a.report.json {
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
    print_stdout(&if a.report.json {
        listing.json()
    } else {
        listing.human()
    })?;
    Ok(Outcome::Done)
}

fn run_explain(a: ExplainArgs) -> anyhow::Result<Outcome> {
    let cfg = ExplainConfig {
        out_dir: a.out_dir,
        entries: a.entries,
    };
    let e = explain::run(&cfg)?;
    if a.report.json {
        print_stdout(&explain::render_json(&e))?;
    } else {
        print_stdout(&output::terminal_safe(&explain::render_human(&e)))?;
    }
    Ok(if e.not_found.is_empty() {
        Outcome::Done
    } else {
        Outcome::Findings
    })
}

fn run_completions(a: CompletionsArgs) -> anyhow::Result<Outcome> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "cape", &mut script);
    print_stdout(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Done)
}

fn run_template(a: TemplateArgs) -> anyhow::Result<Outcome> {
    declaration::write_file(&a.path, &[], a.force)
        .with_context(|| format!("cannot write the {TEMPLATE_NAME} template"))?;
    say(&format!("wrote {}\n", a.path.display()))?;
    Ok(Outcome::Done)
}
