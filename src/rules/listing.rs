//! `cape rules`: the rules in force on a filing date, with what each does, CBP's text, what it
//! checks, since when and on whose word; and the dated changes around that date. Rendered for
//! people and as JSON from one [`Listing`].

use std::fmt::Write;

use chrono::NaiveDate;
use serde::Serialize;

use super::changes::{CHANGES, Standing};
use super::{Confidence, InForce, RULES_VERSION, Rule, Seen};

/// One rule as `cape rules` shows it.
#[derive(Serialize)]
pub struct RuleRow {
    pub code: &'static str,
    /// exclude / review / warning / reject-file
    pub does: &'static str,
    pub cbp_text: Option<&'static str>,
    pub checks: &'static str,
    pub since: NaiveDate,
    pub source: &'static str,
    pub confidence: Confidence,
    /// False for what no ES-003 can show: never checked, listed as such.
    pub checked_from_es003: bool,
}

/// One dated change and where it stands on the date.
#[derive(Serialize)]
pub struct ChangeRow {
    pub id: &'static str,
    pub effective: Option<NaiveDate>,
    pub ends: Option<NaiveDate>,
    pub standing: Standing,
    pub what: &'static str,
    pub source: &'static str,
    pub confidence: Confidence,
    pub rules: Vec<&'static str>,
}

/// The rules in force on one date, and the changes around it.
#[derive(Serialize)]
pub struct Listing {
    pub as_of: NaiveDate,
    pub rules_version: &'static str,
    pub rules: Vec<RuleRow>,
    pub changes: Vec<ChangeRow>,
}

impl Listing {
    pub fn new(on: InForce) -> Listing {
        let rules = Rule::ALL
            .iter()
            .filter(|r| r.in_force(on))
            .map(|&r| RuleRow {
                code: r.code(),
                does: r.severity().does(),
                cbp_text: r.cbp_text(),
                checks: r.checks_on(on),
                since: r.since(),
                source: r.source(),
                confidence: r.confidence(),
                checked_from_es003: r.seen() == Seen::Checked,
            })
            .collect();
        let changes = CHANGES
            .iter()
            .map(|c| ChangeRow {
                id: c.id,
                effective: c.effective,
                ends: c.ends,
                standing: Standing::of(c, on),
                what: c.what,
                source: c.source,
                confidence: c.confidence,
                rules: c.rules.iter().map(|r| r.code()).collect(),
            })
            .collect();
        Listing {
            as_of: on.as_of(),
            rules_version: RULES_VERSION,
            rules,
            changes,
        }
    }

    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn human(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "cape rules in force on {} (rules {}): {} rules",
            self.as_of,
            self.rules_version,
            self.rules.len()
        );
        for r in &self.rules {
            let _ = writeln!(
                s,
                "\n{}  [{}]  since {}",
                r.code,
                if r.checked_from_es003 {
                    r.does.to_string()
                } else {
                    format!("{}, not checked: no ES-003 shows it", r.does)
                },
                r.since
            );
            let _ = writeln!(s, "    checks:   {}", r.checks);
            if let Some(t) = r.cbp_text {
                let _ = writeln!(s, "    CBP text: {t}");
            }
            let _ = writeln!(s, "    source:   {} ({:?})", r.source, r.confidence);
        }
        let _ = writeln!(
            s,
            "\nchanges (confidence: C = CBP's text or agreeing sources, L = one source, \
             U = uncertain):"
        );
        for c in &self.changes {
            let when = c
                .effective
                .map_or("announced ".to_string(), |d| d.to_string());
            let _ = writeln!(
                s,
                "  {when}  {:<24} {}\n      {} [{}; {:?}]",
                c.standing.as_str(),
                c.id,
                c.what,
                c.source,
                c.confidence
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::super::changes::date;
    use super::*;

    #[test]
    fn the_listing_follows_the_date() {
        let before = Listing::new(InForce::on(date(2026, 6, 28)));
        let after = Listing::new(InForce::on(date(2026, 6, 29)));
        let has = |l: &Listing, code| l.rules.iter().any(|r| r.code == code);
        assert!(!has(&before, "reconciliation-pending"));
        assert!(has(&after, "reconciliation-pending"));
        let standing = |l: &Listing, id| l.changes.iter().find(|c| c.id == id).unwrap().standing;
        assert_eq!(
            standing(&before, "2026-06-29-reconciliation-types"),
            Standing::Coming
        );
        assert_eq!(
            standing(&after, "2026-06-29-reconciliation-types"),
            Standing::InForce
        );
    }
}
