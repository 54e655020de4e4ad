//! What `cape_report.html` shows, gathered in one pass over the run's read-only view: totals,
//! one row per importer, entries and duty per reason, the next twelve weeks of deadlines,
//! the entries to review and those near their deadline, and what to do next per reason.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::eligibility::{Decision, Verdict};
use crate::interest::Method;
use crate::ledger::{EntryState, Ledger, Sym};
use crate::money::Cents;
use crate::prepare::prepared::{PrepareConfig, Prepared};
use crate::rules::{RULES_VERSION, Rule};

/// Weeks in the deadline timeline.
pub const WEEKS: usize = 12;
/// Entries within this many days of their last CAPE day are listed as near it.
pub const NEAR_DAYS: i64 = 14;
/// At most this many entries in each list; the rest are counted.
pub const LISTED: usize = 200;
/// At most this many importers in the table; the rest are added up in one row.
pub const IMPORTERS: usize = 2_000;

/// One decision's totals.
pub struct Total {
    pub decision: Decision,
    pub entries: usize,
    pub duty: Cents,
    pub interest: Cents,
}

/// One importer of record's figures while the entries are read: small, for a broker's
/// file may hold an importer per entry.
#[derive(Default)]
struct Figures {
    number: Option<Sym>,
    name: Option<Sym>,
    entries: u32,
    duty: [Cents; 3],
    nearest: Option<NaiveDate>,
}

/// The figures of every importer, in the order first seen. An importer is found by its
/// number's place in the ledger's strings: no hashing, and room for all of them taken at
/// once, counted before.
struct Importers {
    /// Per importer number (0 for none, else its string's place + 1), its place in `all`.
    slot: Vec<u32>,
    all: Vec<Figures>,
}

const NO_SLOT: u32 = u32::MAX;

impl Importers {
    /// The importers of `entries`, each with its number and name and no figures yet.
    fn new<'a>(ledger: &Ledger, entries: impl Iterator<Item = &'a EntryState>) -> Importers {
        let mut slot = vec![NO_SLOT; ledger.strings.len() + 1];
        let mut count = 0u32;
        let mut firsts = Vec::new();
        for e in entries {
            let s = &mut slot[Self::key(e)];
            if *s == NO_SLOT {
                *s = count;
                count += 1;
                firsts.push((e.header.importer_number, e.header.importer_name));
            }
        }
        let mut all = Vec::with_capacity(firsts.len());
        all.extend(firsts.into_iter().map(|(number, name)| Figures {
            number,
            name,
            ..Figures::default()
        }));
        Importers { slot, all }
    }

    fn key(e: &EntryState) -> usize {
        e.header.importer_number.map_or(0, |s| s.index() + 1)
    }

    fn of(&mut self, e: &EntryState) -> &mut Figures {
        &mut self.all[self.slot[Self::key(e)] as usize]
    }
}

/// One importer of record's row.
#[derive(Default)]
pub struct Importer {
    pub number: String,
    pub name: String,
    pub entries: usize,
    /// IEEPA duty by [`Decision`].
    pub duty: [Cents; 3],
    /// The nearest last CAPE day of its entries not excluded.
    pub nearest: Option<NaiveDate>,
}

/// One reason's entries and their IEEPA duty.
pub struct Reason {
    pub rule: Rule,
    pub entries: usize,
    pub duty: Cents,
}

/// One week of the deadline timeline.
pub struct Week {
    pub from: NaiveDate,
    pub entries: usize,
    pub eligible_duty: Cents,
}

/// One entry in a list.
pub struct Listed {
    pub number: String,
    pub importer: String,
    pub decision: Decision,
    pub duty: Cents,
    pub last_cape_day: Option<NaiveDate>,
    pub codes: Vec<&'static str>,
    pub notes: Vec<String>,
}

/// An input as the report shows it.
pub struct Input {
    pub path: String,
    pub format: &'static str,
    pub bytes: Option<u64>,
    pub rows: u64,
}

/// Everything the report shows.
pub struct Model {
    pub as_of: NaiveDate,
    pub rules_version: &'static str,
    /// Id and summary of each rule change in force.
    pub changes: Vec<(&'static str, &'static str)>,
    pub inputs: Vec<Input>,
    pub rows: u64,
    pub totals: Vec<Total>,
    pub method: Method,
    pub not_estimated: usize,
    pub importers: Vec<Importer>,
    /// How many importers the table leaves out, and their figures added up.
    pub importers_more: usize,
    pub importers_rest: Importer,
    /// All importers added up.
    pub importers_all: Importer,
    pub reasons: Vec<Reason>,
    pub weeks: Vec<Week>,
    pub review: Vec<Listed>,
    pub review_more: usize,
    pub near: Vec<Listed>,
    pub near_more: usize,
    /// What to do next, per reason present.
    pub next_steps: Vec<(Rule, &'static str)>,
    /// Declaration files written, and how many entries each holds.
    pub declarations: Vec<(String, usize)>,
}

fn listed(ledger: &Ledger, e: &EntryState, v: &Verdict) -> Listed {
    let text = |s: Option<crate::ledger::Sym>| s.map_or("", |i| ledger.strings.get(i));
    Listed {
        number: e
            .number
            .map_or_else(|| e.shown().to_string(), |n| n.dashed()),
        importer: text(e.header.importer_number).to_string(),
        decision: v.decision,
        duty: v.ieepa_duty,
        last_cape_day: v.last_cape_day,
        codes: v.reasons().chain(v.warnings()).map(|r| r.code()).collect(),
        notes: v.notes().map(String::from).collect(),
    }
}

/// Adds `f` into `into`.
fn add(into: &mut Importer, f: &Importer) {
    into.entries += f.entries;
    for (a, b) in into.duty.iter_mut().zip(f.duty) {
        *a = a.saturating_add(b);
    }
    into.nearest = match (into.nearest, f.nearest) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
}

/// The table's rows, sorted by eligible duty then number: the first [`IMPORTERS`], how many
/// are left out, their sum, and the sum of all.
fn importer_rows(
    ledger: &Ledger,
    mut all: Vec<Figures>,
) -> (Vec<Importer>, usize, Importer, Importer) {
    let text = |s: Option<Sym>| s.map_or("", |i| ledger.strings.get(i));
    let eligible = |f: &Figures| f.duty[Decision::Eligible as usize];
    let order = |a: &Figures, b: &Figures| {
        eligible(b)
            .cmp(&eligible(a))
            .then_with(|| text(a.number).cmp(text(b.number)))
    };
    // Only the rows listed need their order: with an importer per entry, sorting them all
    // took longer than deciding the entries.
    if all.len() > IMPORTERS {
        all.select_nth_unstable_by(IMPORTERS, order);
        all[..IMPORTERS].sort_unstable_by(order);
    } else {
        all.sort_unstable_by(order);
    }
    let (mut rest, mut total) = (Importer::default(), Importer::default());
    let mut rows = Vec::new();
    let more = all.len().saturating_sub(IMPORTERS);
    for (k, f) in all.into_iter().enumerate() {
        let row = Importer {
            number: if k < IMPORTERS {
                text(f.number).to_string()
            } else {
                String::new()
            },
            name: if k < IMPORTERS {
                text(f.name).to_string()
            } else {
                String::new()
            },
            entries: f.entries as usize,
            duty: f.duty,
            nearest: f.nearest,
        };
        add(&mut total, &row);
        if k < IMPORTERS {
            rows.push(row);
        } else {
            add(&mut rest, &row);
        }
    }
    (rows, more, rest, total)
}

impl Model {
    pub fn new(cfg: &PrepareConfig, p: &Prepared) -> Model {
        let as_of = cfg.rules.as_of;
        let ledger = &p.ledger;
        let mut importers = Importers::new(ledger, p.by_number.iter().map(|&i| &ledger.entries[i]));
        let mut reasons: BTreeMap<Rule, (usize, Cents)> = BTreeMap::new();
        let first_week = as_of;
        let mut weeks: Vec<Week> = (0..WEEKS)
            .map(|k| Week {
                from: first_week + Duration::days(7 * k as i64),
                entries: 0,
                eligible_duty: Cents(0),
            })
            .collect();
        let (mut review, mut review_more) = (Vec::new(), 0);
        // Entries near their deadline, as (last CAPE day, index): listed nearest first.
        let mut near_by_day: Vec<(NaiveDate, usize)> = Vec::new();
        for &i in &p.by_number {
            let (e, v) = (&ledger.entries[i], &p.verdicts[i]);
            let row = importers.of(e);
            row.entries += 1;
            let d = &mut row.duty[v.decision as usize];
            *d = d.saturating_add(v.ieepa_duty);
            for r in v.reasons() {
                let (n, duty) = reasons.entry(r).or_insert((0, Cents(0)));
                *n += 1;
                *duty = duty.saturating_add(v.ieepa_duty);
            }
            let open = v.decision != Decision::Excluded;
            let last = v
                .last_cape_day
                .filter(|_| open && v.days_since_liquidation.is_some());
            if let Some(last) = last {
                row.nearest = Some(row.nearest.map_or(last, |n| n.min(last)));
                let days = (last - first_week).num_days();
                if (0..7 * WEEKS as i64).contains(&days) {
                    let w = &mut weeks[(days / 7) as usize];
                    w.entries += 1;
                    if v.decision == Decision::Eligible {
                        w.eligible_duty = w.eligible_duty.saturating_add(v.ieepa_duty);
                    }
                }
            }
            if v.decision == Decision::Review {
                if review.len() < LISTED {
                    review.push(listed(ledger, e, v));
                } else {
                    review_more += 1;
                }
            }
            if let Some(l) = last.filter(|l| (*l - as_of).num_days() <= NEAR_DAYS) {
                near_by_day.push((l, i));
            }
        }
        // Stable: entries of one day stay in the order of their numbers.
        near_by_day.sort_by_key(|&(day, _)| day);
        let near_more = near_by_day.len().saturating_sub(LISTED);
        let near: Vec<Listed> = near_by_day
            .iter()
            .take(LISTED)
            .map(|&(_, i)| listed(ledger, &ledger.entries[i], &p.verdicts[i]))
            .collect();
        let (importers, importers_more, importers_rest, importers_all) =
            importer_rows(ledger, importers.all);
        let mut reasons: Vec<Reason> = reasons
            .into_iter()
            .map(|(rule, (entries, duty))| Reason {
                rule,
                entries,
                duty,
            })
            .collect();
        // Where the most duty is held back first.
        reasons.sort_by(|a, b| b.duty.cmp(&a.duty).then(b.entries.cmp(&a.entries)));
        let next_steps = reasons
            .iter()
            .map(|r| (r.rule, crate::claim_errors::next_step(r.rule)))
            .collect();
        let on = cfg.rules.in_force();
        Model {
            as_of,
            rules_version: RULES_VERSION,
            changes: on.changes().map(|c| (c.spec().id, c.spec().what)).collect(),
            inputs: p
                .inputs
                .iter()
                .map(|i| Input {
                    path: i.path.display().to_string(),
                    format: match i.format {
                        crate::es003::InputFormat::Csv => "CSV",
                        crate::es003::InputFormat::Tsv => "tab-separated text",
                        crate::es003::InputFormat::Xlsx => "XLSX",
                    },
                    bytes: i.bytes,
                    rows: i.rows,
                })
                .collect(),
            rows: ledger.rows_read,
            totals: [Decision::Eligible, Decision::Excluded, Decision::Review]
                .into_iter()
                .map(|d| Total {
                    decision: d,
                    entries: p.tally.buckets[d as usize].0,
                    duty: p.tally.buckets[d as usize].1,
                    interest: p.tally.interest[d as usize],
                })
                .collect(),
            method: Method::of(cfg.interest, as_of, p.interest_past_table),
            not_estimated: if cfg.interest.basis.is_some() {
                p.tally.not_estimated
            } else {
                0
            },
            importers,
            importers_more,
            importers_rest,
            importers_all,
            reasons,
            weeks,
            review,
            review_more,
            near,
            near_more,
            next_steps,
            declarations: p
                .declarations
                .iter()
                .map(|d| (d.name.clone(), d.entries.len()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(eligible: i64, nearest: Option<u32>) -> Figures {
        let mut duty = [Cents(0); 3];
        duty[Decision::Eligible as usize] = Cents(eligible);
        duty[Decision::Review as usize] = Cents(1);
        Figures {
            number: None,
            name: None,
            entries: 1,
            duty,
            nearest: nearest.map(|d| NaiveDate::from_ymd_opt(2026, 7, d).unwrap()),
        }
    }

    #[test]
    fn the_listed_importers_are_those_a_full_sort_puts_first() {
        let mut ledger = Ledger::default();
        let mut all = Vec::new();
        let mut x = 7u64;
        for k in 0..IMPORTERS * 3 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let number = ledger.strings.intern(&format!(
                "IOR{:05}",
                (x >> 33) % 100_000 + k as u64 * 100_000
            ));
            // Few distinct duties: many ties, broken by number.
            all.push(Figures {
                number: Some(number),
                ..figures(((x >> 20) % 50) as i64, None)
            });
        }
        let text = |f: &Figures| ledger.strings.get(f.number.unwrap()).to_string();
        let mut sorted: Vec<(i64, String)> = all
            .iter()
            .map(|f| (-f.duty[Decision::Eligible as usize].0, text(f)))
            .collect();
        sorted.sort();
        let (rows, more, _, _) = importer_rows(&ledger, all);
        assert_eq!(more, IMPORTERS * 2);
        let got: Vec<(i64, String)> = rows
            .iter()
            .map(|r| (-r.duty[Decision::Eligible as usize].0, r.number.clone()))
            .collect();
        assert_eq!(got, sorted[..IMPORTERS]);
    }

    #[test]
    fn importers_by_eligible_duty_the_rest_added_up() {
        let mut ledger = Ledger::default();
        let mut all = Vec::new();
        let n = IMPORTERS + 3;
        for k in 0..n {
            let number = ledger.strings.intern(&format!("IOR{k:05}"));
            // Duty rises with k; two importers tie at the top.
            let duty = if k == n - 2 { k as i64 + 1 } else { k as i64 };
            all.push(Figures {
                number: Some(number),
                ..figures(duty, Some(1 + (k % 28) as u32))
            });
        }
        all.push(figures(0, None));
        let (rows, more, rest, all) = importer_rows(&ledger, all);
        assert_eq!(rows.len(), IMPORTERS);
        assert_eq!(more, 4);
        // The tie is broken by number.
        assert_eq!(rows[0].number, format!("IOR{:05}", n - 2));
        assert_eq!(rows[1].number, format!("IOR{:05}", n - 1));
        for w in rows.windows(2) {
            let e = |i: &Importer| i.duty[Decision::Eligible as usize];
            assert!(e(&w[0]) >= e(&w[1]));
        }
        assert_eq!(rest.entries, 4);
        assert_eq!(all.entries, n + 1);
        let sum = |i: &Importer| i.duty[Decision::Review as usize];
        assert_eq!(sum(&all), Cents(n as i64 + 1));
        assert_eq!(
            all.nearest,
            Some(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap())
        );
    }
}
