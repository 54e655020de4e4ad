//! `cape_report.html`: the run as a broker's customer reads it. One self-contained page (no
//! script, no style or font from the network), readable in a narrow window and printable:
//! the run, totals with the interest estimate, charts, the entries near their deadline and
//! those to review, what to do next, one row per importer, and the inputs.
//!
//! The page is built with `maud`, which escapes every value it is given: an importer name
//! `<script>` from an input shows as text.

pub mod charts;
pub mod model;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::eligibility::Decision;
use crate::money::Cents;
use model::{Listed, Model};

/// The report's file name in the output folder.
pub const FILE_NAME: &str = "cape_report.html";

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1b1f24; margin: 0 auto; padding: 1rem 1.25rem 3rem; max-width: 64rem; }
h1 { font-size: 1.55rem; margin: .6rem 0 .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #d0d4da; }
p.lead, p.note, .small, figcaption { color: #4a515a; }
p.note, figcaption { font-size: .88rem; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .28rem .5rem; border-bottom: 1px solid #e3e6ea;
  vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.sum td { font-weight: 600; border-top: 2px solid #9aa1aa; }
tr.top td { border-top: 0; border-bottom: 2px solid #9aa1aa; }
.eligible { color: #2e7d32; } .excluded { color: #5f6670; } .review { color: #9a6a00; }
code { font-size: .9em; background: #f3f5f7; padding: 0 .2em; border-radius: 3px;
  white-space: nowrap; }
figure { margin: 1rem 0; }
svg.chart { width: 100%; height: auto; max-width: 760px; min-width: 560px;
  font-size: 13px; }
.wide > table { min-width: 40rem; }
svg.chart text { fill: #1b1f24; } svg.chart text.small { font-size: 11px; }
ul.notes { margin: .1rem 0; padding-left: 1.1rem; }
@media (max-width: 40rem) { body { padding: .5rem; } th, td { padding: .2rem .3rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .wide > table, svg.chart { min-width: 0; }
  h2 { break-after: avoid; } figure, tr { break-inside: avoid; }
  .wide { overflow: visible; }
}
@page { margin: 14mm; }
"#;

/// The page.
pub fn render(m: &Model) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "CAPE declarations, filing date " (m.as_of) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (run(m))
                (totals(m))
                (charts_section(m))
                (near(m))
                (review(m))
                (next_steps(m))
                (importers(m))
                (inputs(m))
                footer { p.note { "Written by cape " (env!("CARGO_PKG_VERSION"))
                    ". Every entry is explained in cape_entries.csv; cape_run.json records \
                     the inputs and outputs of this run." } }
            }
        }
    };
    let mut s = page.into_string();
    s.push('\n');
    s
}

fn run(m: &Model) -> Markup {
    let declared: usize = m.declarations.iter().map(|d| d.1).sum();
    html! {
        header {
            h1 { "CAPE declarations for filing on " (m.as_of) }
            p.lead {
                (count(m.rows, "row", "rows")) " read from " (count(m.inputs.len() as u64, "input", "inputs"))
                "; " (count(declared as u64, "entry", "entries")) " in "
                (count(m.declarations.len() as u64, "declaration file", "declaration files"))
                ". Rules " code { (m.rules_version) } ", with the changes in force on the filing date:"
            }
            ul {
                @for (id, what) in &m.changes { li { code { (id) } " " (what) } }
            }
        }
    }
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn totals(m: &Model) -> Markup {
    let sum = |f: fn(&model::Total) -> Cents| {
        m.totals
            .iter()
            .fold(Cents(0), |a, t| a.saturating_add(f(t)))
    };
    let all: usize = m.totals.iter().map(|t| t.entries).sum();
    let estimated = m.method.basis.is_some();
    html! {
        h2 id="totals" { "Totals" }
        div.wide { table {
            thead { tr {
                th { "decision" } th.n { "entries" } th.n { "IEEPA duty" }
                @if estimated { th.n { "interest (estimate)" } }
            } }
            tbody {
                @for t in &m.totals {
                    tr {
                        td class=(t.decision.as_str()) { (t.decision.as_str()) }
                        td.n { (t.entries) } td.n { (t.duty.dollars()) }
                        @if estimated { td.n { (t.interest.dollars()) } }
                    }
                }
                tr.sum {
                    td { "all" } td.n { (all) } td.n { (sum(|t| t.duty).dollars()) }
                    @if estimated { td.n { (sum(|t| t.interest).dollars()) } }
                }
            }
        } }
        p.note {
            @if estimated {
                "Interest is an estimate: " (m.method.rate) ", from the deposit day ("
                (m.method.deposit_day) ") to " (m.method.ends_on) " (" (m.method.ends) "). "
                "Rounding: " (m.method.rounding) ". CBP computes the real figure."
                @if m.not_estimated > 0 {
                    " Not estimated for " (count(m.not_estimated as u64, "entry", "entries"))
                    " without an Entry Summary Date."
                }
                @if let Some(w) = m.method.warning() { " Note: " (w) "." }
            } @else {
                "No interest estimate (--interest none)."
            }
        }
    }
}

fn charts_section(m: &Model) -> Markup {
    html! {
        h2 id="charts" { "Where the duty is" }
        figure {
            div.wide { (charts::by_decision(&m.totals)) }
            figcaption { "IEEPA duty by decision." }
        }
        @if !m.reasons.is_empty() {
            figure {
                div.wide { (charts::by_reason(&m.reasons)) }
                figcaption { "Entries and IEEPA duty per reason (an entry may have several)." }
            }
        }
        h2 id="timeline" { "Deadlines in the next 12 weeks" }
        figure {
            div.wide { (charts::timeline(&m.weeks)) }
            figcaption {
                @if m.weeks.iter().all(|w| w.entries == 0) {
                    "No last CAPE day falls in these weeks. "
                }
                "Entries not excluded whose last CAPE day (liquidation + 80 days) falls in each \
                 week from " (m.as_of) ", and the eligible IEEPA duty among them. Unliquidated \
                 entries have no deadline yet."
            }
        }
    }
}

fn entry_table(rows: &[Listed], more: usize) -> Markup {
    html! {
        div.wide { table {
            thead { tr {
                th { "entry" } th { "importer" } th { "decision" } th.n { "IEEPA duty" }
                th { "last CAPE day" } th { "reasons and notes" }
            } }
            tbody {
                @for r in rows {
                    tr {
                        td { code { (r.number) } } td { (r.importer) }
                        td class=(r.decision.as_str()) { (r.decision.as_str()) }
                        td.n { (r.duty.dollars()) }
                        td { @if let Some(d) = r.last_cape_day { (d) } }
                        td {
                            (r.codes.join(", "))
                            @if !r.notes.is_empty() {
                                ul.notes { @for n in &r.notes { li { (n) } } }
                            }
                        }
                    }
                }
            }
        } }
        @if more > 0 {
            p.note { "And " (count(more as u64, "entry", "entries")) " more: see cape_entries.csv." }
        }
    }
}

fn near(m: &Model) -> Markup {
    html! {
        h2 id="near" { "Near the deadline (" (model::NEAR_DAYS) " days or less)" }
        @if m.near.is_empty() {
            p { "No entry that can still be declared is within " (model::NEAR_DAYS)
                " days of its last CAPE day." }
        } @else { (entry_table(&m.near, m.near_more)) }
    }
}

fn review(m: &Model) -> Markup {
    html! {
        h2 id="review" { "To review" }
        @if m.review.is_empty() {
            p { "No entry needs review." }
        } @else {
            p { "These entries can be neither declared nor left out until someone looks at them." }
            (entry_table(&m.review, m.review_more))
        }
    }
}

fn next_steps(m: &Model) -> Markup {
    html! {
        h2 id="next" { "What to do next" }
        @if m.next_steps.is_empty() {
            p { "Every entry is eligible: upload the declaration files." }
        } @else {
            div.wide { table {
                thead { tr { th { "reason" } th { "what to do" } } }
                tbody { @for (rule, step) in &m.next_steps {
                    tr { td { code { (rule.code()) } } td { (step) } }
                } }
            } }
        }
    }
}

/// An importer row's figures, from its entries on.
fn figures(i: &model::Importer) -> Markup {
    let d = |x: Decision| i.duty[x as usize].dollars();
    html! {
        td.n { (i.entries) }
        td.n { (d(Decision::Eligible)) } td.n { (d(Decision::Excluded)) }
        td.n { (d(Decision::Review)) }
        td { @if let Some(n) = i.nearest { (n) } }
    }
}

fn importers(m: &Model) -> Markup {
    html! {
        h2 id="importers" { "Per importer (" (m.importers.len()) ")" }
        p.note { "Sorted by eligible IEEPA duty. The nearest last CAPE day is that of the \
                  importer's entries not excluded." }
        div.wide { table {
            thead { tr {
                th { "importer number" } th { "name" } th.n { "entries" }
                th.n { "eligible duty" } th.n { "excluded duty" } th.n { "review duty" }
                th { "nearest last CAPE day" }
            } }
            tbody {
                tr.sum.top {
                    td { "all" } td { (m.importers.len() + m.importers_more) " importers" }
                    (figures(&m.importers_all))
                }
                @for i in &m.importers {
                    tr { td { (i.number) } td { (i.name) } (figures(i)) }
                }
                @if m.importers_more > 0 {
                    tr.sum {
                        td { "others" } td { (m.importers_more) " more importers" }
                        (figures(&m.importers_rest))
                    }
                }
            }
        } }
    }
}

fn inputs(m: &Model) -> Markup {
    html! {
        h2 id="run" { "Inputs and declarations" }
        div.wide { table {
            thead { tr { th { "input" } th { "format" } th.n { "size" } th.n { "rows" } } }
            tbody { @for i in &m.inputs {
                tr {
                    td { (i.path) } td { (i.format) }
                    td.n { @if let Some(b) = i.bytes { (count(b, "byte", "bytes")) } }
                    td.n { (i.rows) }
                }
            } }
        } }
        @if m.declarations.is_empty() {
            p { "No entry is eligible: no declaration file was written." }
        } @else {
            ul { @for (name, n) in &m.declarations {
                li { code { (name) } ": " (count(*n as u64, "entry", "entries")) }
            } }
        }
    }
}
