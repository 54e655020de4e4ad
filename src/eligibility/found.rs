//! What the rule functions find on one entry, routed by the rule table's severity: the one
//! place where a finding becomes an exclusion, a review or a warning, and where "excluded
//! beats review beats eligible" is decided.

use super::{Decision, Findings};
use crate::rules::{Rule, Severity};

/// Findings of one entry, by what they do; nothing is allocated until something is found.
#[derive(Default)]
pub(crate) struct Found {
    excluded: Vec<(Rule, String)>,
    review: Vec<(Rule, String)>,
    warnings: Vec<(Rule, String)>,
}

impl Found {
    /// Records that `rule` failed, or could not be decided, or warns, as its severity says.
    pub fn add(&mut self, rule: Rule, note: impl Into<String>) {
        let list = match rule.severity() {
            Severity::Exclude | Severity::File => &mut self.excluded,
            Severity::Review => &mut self.review,
            Severity::Warning => &mut self.warnings,
        };
        list.push((rule, note.into()));
    }

    /// The most severe finding's severity, if any.
    fn worst(&self) -> Option<Severity> {
        let all = self
            .excluded
            .iter()
            .chain(&self.review)
            .chain(&self.warnings);
        all.map(|(r, _)| r.severity()).max()
    }

    /// The decision, and the findings behind it: the reasons of the deciding kind, then the
    /// warnings.
    pub fn finish(self) -> (Decision, Option<Box<Findings>>) {
        let decision = Decision::of(self.worst());
        let chosen = match decision {
            Decision::Excluded => self.excluded,
            Decision::Review => self.review,
            Decision::Eligible => Vec::new(),
        };
        if chosen.is_empty() && self.warnings.is_empty() {
            return (decision, None);
        }
        let mut reasons: Vec<Rule> = chosen.iter().map(|(r, _)| *r).collect();
        reasons.dedup();
        let mut warnings: Vec<Rule> = self.warnings.iter().map(|(r, _)| *r).collect();
        warnings.dedup();
        let notes = chosen
            .into_iter()
            .chain(self.warnings)
            .map(|(r, m)| format!("{r}: {m}"))
            .collect();
        (
            decision,
            Some(Box::new(Findings {
                reasons,
                warnings,
                notes,
            })),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_beats_review_beats_eligible() {
        let mut f = Found::default();
        assert_eq!(Found::default().finish().0, Decision::Eligible);
        f.add(Rule::CheckDigit, "w");
        f.add(Rule::LiquidationUnknown, "r");
        f.add(Rule::TradeControl, "x");
        let (d, found) = f.finish();
        assert_eq!(d, Decision::Excluded);
        let found = found.unwrap();
        assert_eq!(found.reasons, [Rule::TradeControl]);
        assert_eq!(found.warnings, [Rule::CheckDigit]);
        assert_eq!(found.notes, ["trade-control: x", "check-digit: w"]);

        let mut f = Found::default();
        f.add(Rule::LiquidationUnknown, "r");
        f.add(Rule::CheckDigit, "w");
        assert_eq!(f.finish().0, Decision::Review);
        let mut f = Found::default();
        f.add(Rule::ReconciliationPending, "w");
        assert_eq!(f.finish().0, Decision::Eligible);
    }
}
