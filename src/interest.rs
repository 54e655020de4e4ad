//! The interest estimate (cape-rules.md §7): CBP adds interest to a refund from the day the
//! duty was deposited to the day the entry is liquidated or reliquidated, at the IRS
//! overpayment rate of each quarter (26 U.S.C. 6621), compounded daily (6622; 19 U.S.C.
//! 1505(c)). An ES-003 shows neither day, so both are estimated, and every figure is
//! labelled an estimate.
//!
//! The arithmetic is exact decimal in integers: a growth factor with 18 decimal places is
//! multiplied by `1 + rate / days-in-year` for each day, rounded half to even to 18 places
//! after each day; the interest is the principal in cents times (factor − 1), rounded half
//! up to the cent. Factors depend only on the deposit day, so a run computes each once.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::money::Cents;
use crate::rules::Confidence;

/// Which of the IRS overpayment rates applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The corporate rate: most importers of record are corporations, and it is the lower
    /// of the two, so the default does not promise more than CBP pays.
    Corporate,
    NonCorporate,
}

/// How the importer pays its duty, which decides the deposit day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Statement {
    /// A daily statement: paid about 10 days after the entry summary date.
    Daily,
    /// A periodic monthly statement: paid on the 15th working day of the next month.
    Monthly,
}

/// The IRS overpayment rates of one calendar quarter, in basis points a year.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct QuarterRate {
    pub from: NaiveDate,
    pub non_corporate_bp: u32,
    pub corporate_bp: u32,
    pub source: &'static str,
    pub confidence: Confidence,
}

const fn q(y: i32, quarter: u32, non_corporate: u32, corporate: u32, c: Confidence) -> QuarterRate {
    QuarterRate {
        from: crate::rules::changes::date(y, (quarter - 1) * 3 + 1, 1),
        non_corporate_bp: non_corporate * 100,
        corporate_bp: corporate * 100,
        source: "IRS quarterly interest rate announcement (26 U.S.C. 6621(a)(1)); cape-rules.md §7",
        confidence: c,
    }
}

/// The overpayment rates, one row per quarter from 2025 Q1, in order.
pub const RATES: &[QuarterRate] = &[
    q(2025, 1, 7, 6, Confidence::C),
    q(2025, 2, 7, 6, Confidence::C),
    q(2025, 3, 7, 6, Confidence::C),
    q(2025, 4, 7, 6, Confidence::C),
    q(2026, 1, 7, 6, Confidence::C),
    q(2026, 2, 6, 5, Confidence::L),
    q(2026, 3, 7, 6, Confidence::L),
    q(2026, 4, 7, 6, Confidence::L),
];

/// The last day the rate table covers.
pub fn table_ends() -> NaiveDate {
    crate::rules::changes::date(2026, 12, 31)
}

/// Days from the entry summary date to the payment of a daily statement.
pub const DAILY_STATEMENT_DAYS: i64 = 10;
/// Days from CAPE's acceptance (taken as the filing date) to liquidation or reliquidation.
pub const SETTLE_DAYS: i64 = 45;
/// The working day of the next month on which a periodic monthly statement is paid.
pub const MONTHLY_STATEMENT_WORKING_DAY: u32 = 15;

/// One in 10^18: the unit of a growth factor.
const ONE: i128 = 1_000_000_000_000_000_000;

/// What the estimate assumes, resolved from the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterestOptions {
    /// `None`: no estimate (`--interest none`).
    pub basis: Option<Basis>,
    pub statement: Statement,
}

impl Default for InterestOptions {
    fn default() -> Self {
        InterestOptions {
            basis: Some(Basis::Corporate),
            statement: Statement::Daily,
        }
    }
}

/// The rate of the quarter holding `day` under `basis`, and whether the table covers it.
pub fn rate_on(day: NaiveDate, basis: Basis) -> (u32, bool) {
    let at = RATES.partition_point(|r| r.from <= day);
    let covered = at > 0 && day <= table_ends();
    let r = &RATES[at.saturating_sub(1)];
    let bp = match basis {
        Basis::Corporate => r.corporate_bp,
        Basis::NonCorporate => r.non_corporate_bp,
    };
    (bp, covered)
}

/// The factor by which a deposit grows from `from` to `to` (in units of 10^-18), and
/// whether every day was in the rate table.
pub fn growth(from: NaiveDate, to: NaiveDate, basis: Basis) -> (i128, bool) {
    let mut f = ONE;
    let mut covered = true;
    let mut day = from;
    while day < to {
        let (bp, inside) = rate_on(day, basis);
        covered &= inside;
        let year_days: i128 = if day.leap_year() { 366 } else { 365 };
        let den = year_days * 10_000;
        f = div_half_even(f * (den + i128::from(bp)), den);
        day += Duration::days(1);
    }
    (f, covered)
}

fn div_half_even(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

/// `principal × (factor − 1)`, rounded half up to the cent. Principal is not negative.
pub fn interest_on(principal: Cents, factor: i128) -> Cents {
    let n = i128::from(principal.0.max(0)) * (factor - ONE);
    let cents = (n + ONE / 2) / ONE;
    Cents(i64::try_from(cents).unwrap_or(i64::MAX))
}

/// The estimated deposit day of duty on an entry summary of `summary_date`.
pub fn deposit_day(summary_date: NaiveDate, statement: Statement) -> NaiveDate {
    match statement {
        Statement::Daily => summary_date + Duration::days(DAILY_STATEMENT_DAYS),
        Statement::Monthly => {
            let (y, m) = if summary_date.month() == 12 {
                (summary_date.year() + 1, 1)
            } else {
                (summary_date.year(), summary_date.month() + 1)
            };
            let mut day = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(summary_date);
            let mut working = 0;
            loop {
                if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                    working += 1;
                    if working == MONTHLY_STATEMENT_WORKING_DAY {
                        return day;
                    }
                }
                day += Duration::days(1);
            }
        }
    }
}

/// The estimated day interest stops: liquidation about [`SETTLE_DAYS`] after CAPE accepts
/// the entry, or reliquidation in the next cycle, taken as the same.
pub fn settle_day(filing: NaiveDate) -> NaiveDate {
    filing + Duration::days(SETTLE_DAYS)
}

/// The rounding rule, in words.
pub const ROUNDING: &str = "daily factor 1 + rate/days-in-year, rounded half to even to 18 \
                            decimal places each day; interest rounded half up to the cent";

/// How an estimate was made, in words, for the summary, the JSON and the HTML report.
#[derive(Clone, Debug, Serialize)]
pub struct Method {
    /// `corporate`, `non-corporate`, or `None` when not estimated.
    pub basis: Option<Basis>,
    pub statement: Statement,
    pub rate: String,
    pub deposit_day: String,
    pub ends_on: NaiveDate,
    pub ends: String,
    pub rounding: &'static str,
    /// Whether some estimate ran past the rate table, which then gave its last rate.
    pub past_rate_table: bool,
}

impl Method {
    pub fn of(o: InterestOptions, filing: NaiveDate, past_rate_table: bool) -> Method {
        let rate = match o.basis {
            Some(Basis::Corporate) => "IRS corporate overpayment rate of each quarter",
            Some(Basis::NonCorporate) => "IRS non-corporate overpayment rate of each quarter",
            None => "not estimated (--interest none)",
        };
        let deposit_day = match o.statement {
            Statement::Daily => format!(
                "entry summary date + {DAILY_STATEMENT_DAYS} days (daily statement; \
                 --statement monthly for a periodic monthly one)"
            ),
            Statement::Monthly => format!(
                "{MONTHLY_STATEMENT_WORKING_DAY}th working day (Monday to Friday) of the month \
                 after the entry summary date (periodic monthly statement)"
            ),
        };
        Method {
            basis: o.basis,
            statement: o.statement,
            rate: format!("{rate}, compounded daily (26 U.S.C. 6621, 6622)"),
            deposit_day,
            ends_on: settle_day(filing),
            ends: format!(
                "filing date + {SETTLE_DAYS} days: CAPE liquidates an unliquidated entry about \
                 {SETTLE_DAYS} days after accepting it, and reliquidates a liquidated one in \
                 its next cycle, taken as the same day"
            ),
            rounding: ROUNDING,
            past_rate_table,
        }
    }

    /// The warning when the table ran out, if it did.
    pub fn warning(&self) -> Option<String> {
        let last = RATES.last()?;
        self.past_rate_table.then(|| {
            format!(
                "the interest rate table ends {}: later days use its last quarter's rate \
                 (from {}), until the IRS announces the next",
                table_ends(),
                last.from
            )
        })
    }
}

/// The estimates of one run: factors computed once per deposit day.
pub struct Estimator {
    basis: Basis,
    statement: Statement,
    settle: NaiveDate,
    factors: FxHashMap<NaiveDate, (i128, bool)>,
    /// Whether some estimate ran past (or before) the rate table.
    pub outside_table: bool,
}

impl Estimator {
    /// `None` when no estimate is wanted.
    pub fn new(o: InterestOptions, filing: NaiveDate) -> Option<Estimator> {
        Some(Estimator {
            basis: o.basis?,
            statement: o.statement,
            settle: settle_day(filing),
            factors: FxHashMap::default(),
            outside_table: false,
        })
    }

    /// The interest on `duty` deposited for a summary of `summary_date`; `None` without a
    /// summary date.
    pub fn estimate(&mut self, duty: Cents, summary_date: Option<NaiveDate>) -> Option<Cents> {
        let from = deposit_day(summary_date?, self.statement);
        let (basis, settle) = (self.basis, self.settle);
        let &mut (f, covered) = self
            .factors
            .entry(from)
            .or_insert_with(|| growth(from, settle, basis));
        if duty.0 > 0 && from < settle {
            self.outside_table |= !covered;
        }
        Some(interest_on(duty, f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_table_has_one_row_per_quarter_in_order() {
        for w in RATES.windows(2) {
            let next = w[0]
                .from
                .checked_add_months(chrono::Months::new(3))
                .unwrap();
            assert_eq!(w[1].from, next);
        }
        assert_eq!(RATES[0].from, d(2025, 1, 1));
        assert_eq!(RATES.last().unwrap().from, d(2026, 10, 1));
        assert_eq!(rate_on(d(2026, 4, 1), Basis::Corporate), (500, true));
        assert_eq!(rate_on(d(2026, 3, 31), Basis::Corporate), (600, true));
        assert_eq!(rate_on(d(2026, 6, 30), Basis::NonCorporate), (600, true));
        assert_eq!(rate_on(d(2027, 1, 1), Basis::NonCorporate), (700, false));
    }

    #[test]
    fn one_day_at_six_percent() {
        // 1 + 0.06 / 365 = 1.000164383561643835616…, rounded to 18 places.
        let (f, covered) = growth(d(2025, 5, 1), d(2025, 5, 2), Basis::Corporate);
        assert_eq!(f, 1_000_164_383_561_643_836);
        assert!(covered);
        // $100,000.00 for one day: 16.4383… dollars.
        assert_eq!(interest_on(Cents(10_000_000), f), Cents(1644));
        assert_eq!(
            growth(d(2025, 5, 2), d(2025, 5, 1), Basis::Corporate).0,
            ONE
        );
    }

    // Hand-computed with decimal arithmetic outside cape, by the stated rule: each day
    // multiplies by 1 + r/365, rounded half-even to 18 places; the interest is rounded half
    // up to the cent.
    #[test]
    fn three_entries_computed_by_hand() {
        // Within 2025 Q3 at 6% corporate: 2025-07-01 to 2025-09-30, 91 days.
        let (f, _) = growth(d(2025, 7, 1), d(2025, 9, 30), Basis::Corporate);
        assert_eq!(f, 1_015_070_100_605_992_358);
        assert_eq!(interest_on(Cents(100_000), f), Cents(1_507));
        // Across 2026 Q1 (6%) into Q2 (5%): 2026-03-02 to 2026-05-16, 30 days then 45.
        let (f, _) = growth(d(2026, 3, 2), d(2026, 5, 16), Basis::Corporate);
        assert_eq!(interest_on(Cents(256_749), f), Cents(2_865));
        // Non-corporate from 2025-02-20 to 2026-12-31: 679 days, at 7% but for the 91 of 2026 Q2 at 6%.
        let (f, covered) = growth(d(2025, 2, 20), d(2026, 12, 31), Basis::NonCorporate);
        assert!(covered);
        assert_eq!(interest_on(Cents(123_456_789), f), Cents(16_818_269));
    }

    #[test]
    fn deposit_days() {
        assert_eq!(
            deposit_day(d(2025, 6, 12), Statement::Daily),
            d(2025, 6, 22)
        );
        // July 2025 starts on a Tuesday, and the 4th is not skipped (weekends only).
        assert_eq!(
            deposit_day(d(2025, 6, 12), Statement::Monthly),
            d(2025, 7, 21)
        );
        assert_eq!(
            deposit_day(d(2025, 12, 3), Statement::Monthly),
            d(2026, 1, 21)
        );
    }

    #[test]
    fn past_the_table_the_last_rate_is_used_and_said() {
        let mut e = Estimator::new(InterestOptions::default(), d(2026, 12, 1)).unwrap();
        assert!(e.estimate(Cents(100), Some(d(2026, 11, 1))).is_some());
        assert!(e.outside_table);
        let mut e = Estimator::new(InterestOptions::default(), d(2026, 6, 1)).unwrap();
        assert_eq!(e.estimate(Cents(100), None), None);
        e.estimate(Cents(100), Some(d(2026, 1, 1)));
        assert!(!e.outside_table);
        let none = InterestOptions {
            basis: None,
            ..InterestOptions::default()
        };
        assert!(Estimator::new(none, d(2026, 6, 1)).is_none());
    }
}
