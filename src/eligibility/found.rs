//! What the rule functions find on one entry, routed by the rule table's severity: the one
//! place where a finding becomes an exclusion, a review or a warning, and where "excluded
//! beats review beats eligible" is decided.

use super::Decision;
use crate::rules::{Rule, Severity};

/// Why an entry is not eligible, and what to look at: the failed rules (for `review` the
/// undecided ones), the warnings, and one sentence per reason and warning. Held in one
/// allocation, because an export damaged on every row gives every entry findings: its
/// two counts, each rule as its place in [`Rule::ALL`], then the sentences, each after the
/// first preceded by a byte that UTF-8 text never holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Findings(Box<[u8]>);

/// Between two sentences of [`Findings`].
const SEPARATOR: u8 = 0xFF;

impl Findings {
    fn new(reasons: &[Rule], warnings: &[Rule], notes: &[String]) -> Findings {
        // An entry meets each rule once or a few times: far fewer than 256 of either.
        let (reasons, warnings) = (
            &reasons[..reasons.len().min(255)],
            &warnings[..warnings.len().min(255)],
        );
        let text: usize = notes.iter().map(|n| n.len() + 1).sum();
        let mut b = Vec::with_capacity(2 + reasons.len() + warnings.len() + text);
        b.extend([reasons.len() as u8, warnings.len() as u8]);
        b.extend(reasons.iter().chain(warnings).map(|&r| r as u8));
        for (k, n) in notes.iter().enumerate() {
            if k > 0 {
                b.push(SEPARATOR);
            }
            b.extend_from_slice(n.as_bytes());
        }
        Findings(b.into_boxed_slice())
    }

    fn rules(&self, from: usize, n: u8) -> impl Iterator<Item = Rule> + Clone + '_ {
        self.0[from..from + usize::from(n)]
            .iter()
            .map(|&r| Rule::ALL[usize::from(r)])
    }

    pub fn reasons(&self) -> impl Iterator<Item = Rule> + Clone + '_ {
        self.rules(2, self.0[0])
    }

    pub fn warnings(&self) -> impl Iterator<Item = Rule> + Clone + '_ {
        self.rules(2 + usize::from(self.0[0]), self.0[1])
    }

    pub fn notes(&self) -> impl Iterator<Item = &str> + '_ {
        let start = 2 + usize::from(self.0[0]) + usize::from(self.0[1]);
        self.0[start..]
            .split(|&b| b == SEPARATOR)
            .map(|n| std::str::from_utf8(n).expect("stored from text"))
    }
}

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
    pub fn finish(self) -> (Decision, Option<Findings>) {
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
        let notes: Vec<String> = chosen
            .into_iter()
            .chain(self.warnings)
            .map(|(r, m)| format!("{r}: {m}"))
            .collect();
        (decision, Some(Findings::new(&reasons, &warnings, &notes)))
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
        assert_eq!(found.reasons().collect::<Vec<_>>(), [Rule::TradeControl]);
        assert_eq!(found.warnings().collect::<Vec<_>>(), [Rule::CheckDigit]);
        let notes: Vec<&str> = found.notes().collect();
        assert_eq!(notes, ["trade-control: x", "check-digit: w"]);

        let mut f = Found::default();
        f.add(Rule::LiquidationUnknown, "r");
        f.add(Rule::CheckDigit, "w");
        assert_eq!(f.finish().0, Decision::Review);
        let mut f = Found::default();
        f.add(Rule::ReconciliationPending, "w");
        assert_eq!(f.finish().0, Decision::Eligible);
    }

    #[test]
    fn findings_give_back_every_rule_and_sentence() {
        let reasons = [Rule::TradeControl, Rule::RowError];
        let warnings: Vec<Rule> = Rule::ALL.iter().rev().copied().collect();
        let notes = [
            "a: x | y".to_string(),
            String::new(),
            "é: `ü`\n\u{FFFD}".into(),
        ];
        let f = Findings::new(&reasons, &warnings, &notes);
        assert_eq!(f.reasons().collect::<Vec<_>>(), reasons);
        assert_eq!(f.warnings().collect::<Vec<_>>(), warnings);
        assert_eq!(f.notes().collect::<Vec<_>>(), notes);
        let one = Findings::new(&[], &[Rule::CheckDigit], &["check-digit: w".into()]);
        assert_eq!(one.reasons().count(), 0);
        assert_eq!(one.notes().collect::<Vec<_>>(), ["check-digit: w"]);
    }
}
