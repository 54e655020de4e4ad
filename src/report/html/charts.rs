//! The report's charts, as inline SVG with every figure written beside its bar as text, so
//! they read without a script, in print, and to a screen reader.

use maud::{Markup, html};

use super::model::{Reason, Total, Week};
use crate::eligibility::Decision;
use crate::money::Cents;

/// The fill of each decision's bars.
pub fn colour(d: Decision) -> &'static str {
    match d {
        Decision::Eligible => "#2e7d32",
        Decision::Excluded => "#8a8f98",
        Decision::Review => "#e0a100",
    }
}

/// `value` of `max` as a length of at most `full`, at least 1 when not zero.
fn length(value: Cents, max: Cents, full: i64) -> i64 {
    if max.0 <= 0 || value.0 <= 0 {
        return 0;
    }
    let l = i128::from(value.0) * i128::from(full) / i128::from(max.0);
    (l as i64).max(1)
}

fn entries(n: usize) -> String {
    format!("{n} {}", if n == 1 { "entry" } else { "entries" })
}

const LABEL: i64 = 190;
const BAR: i64 = 330;
const ROW: i64 = 30;

/// Horizontal bars: one per row, label on the left, figures on the right.
fn bars(title: &str, rows: &[(String, &str, Cents, String)]) -> Markup {
    let max = rows.iter().map(|r| r.2).max().unwrap_or(Cents(0));
    let height = ROW * rows.len() as i64 + 10;
    html! {
        svg class="chart" role="img" aria-label=(title) viewBox={"0 0 760 " (height)}
            xmlns="http://www.w3.org/2000/svg" {
            @for (k, (label, fill, value, figures)) in rows.iter().enumerate() {
                @let y = 5 + ROW * k as i64;
                text x=(LABEL - 8) y=(y + 19) text-anchor="end" { (label) }
                rect x=(LABEL) y=(y + 4) width=(length(*value, max, BAR)) height=(ROW - 10)
                    fill=(fill) {}
                text x=(LABEL + length(*value, max, BAR) + 8) y=(y + 19) { (figures) }
            }
        }
    }
}

/// IEEPA duty by decision.
pub fn by_decision(totals: &[Total]) -> Markup {
    let rows: Vec<(String, &str, Cents, String)> = totals
        .iter()
        .map(|t| {
            (
                t.decision.as_str().to_string(),
                colour(t.decision),
                t.duty,
                format!("{} · {}", t.duty.dollars(), entries(t.entries)),
            )
        })
        .collect();
    bars("IEEPA duty by decision", &rows)
}

/// Entries and IEEPA duty per reason.
pub fn by_reason(reasons: &[Reason]) -> Markup {
    let rows: Vec<(String, &str, Cents, String)> = reasons
        .iter()
        .map(|r| {
            let fill = match r.rule.severity() {
                crate::rules::Severity::Review => colour(Decision::Review),
                _ => colour(Decision::Excluded),
            };
            (
                r.rule.code().to_string(),
                fill,
                r.duty,
                format!("{} · {}", entries(r.entries), r.duty.dollars()),
            )
        })
        .collect();
    bars("Entries and IEEPA duty per reason", &rows)
}

/// The next weeks: entries, and eligible duty, whose last CAPE day falls in each.
pub fn timeline(weeks: &[Week]) -> Markup {
    let max = weeks
        .iter()
        .map(|w| w.eligible_duty)
        .max()
        .unwrap_or(Cents(0));
    let (col, top, plot) = (62_i64, 34_i64, 150_i64);
    html! {
        svg class="chart" role="img" aria-label="Last CAPE days in the next twelve weeks"
            viewBox={"0 0 " (col * weeks.len() as i64 + 10) " 240"}
            xmlns="http://www.w3.org/2000/svg" {
            @for (k, w) in weeks.iter().enumerate() {
                @let x = 5 + col * k as i64;
                @let h = length(w.eligible_duty, max, plot);
                @let y = top + plot - h;
                rect x=(x + 8) y=(y) width=(col - 16) height=(h) fill=(colour(Decision::Eligible)) {}
                text x=(x + col / 2) y=(y - 16) text-anchor="middle" class="small" {
                    (entries(w.entries))
                }
                text x=(x + col / 2) y=(y - 4) text-anchor="middle" class="small" {
                    (compact(w.eligible_duty))
                }
                line x1=(x) x2=(x + col) y1=(top + plot) y2=(top + plot) stroke="#555" {}
                text x=(x + col / 2) y=(top + plot + 18) text-anchor="middle" class="small" {
                    (w.from.format("%b %-d"))
                }
            }
        }
    }
}

/// Whole dollars with separators, for narrow labels: `$12,346` (rounded half up).
fn compact(c: Cents) -> String {
    let whole = Cents(((c.0 + 50).div_euclid(100)) * 100).dollars();
    whole.trim_end_matches(".00").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_never_vanish() {
        assert_eq!(length(Cents(50), Cents(100), 300), 150);
        assert_eq!(length(Cents(1), Cents(1_000_000), 300), 1);
        assert_eq!(length(Cents(0), Cents(100), 300), 0);
        assert_eq!(length(Cents(5), Cents(0), 300), 0);
        assert_eq!(length(Cents(i64::MAX), Cents(i64::MAX), 300), 300);
    }

    #[test]
    fn compact_dollars() {
        assert_eq!(compact(Cents(1_234_549)), "$12,345");
        assert_eq!(compact(Cents(1_234_550)), "$12,346");
        assert_eq!(compact(Cents(0)), "$0");
    }
}
