//! The 80-day rule. CAPE Phase 1 takes an entry that is unliquidated, or was liquidated no
//! more than 80 days before the filing date: 80 days is still in, 81 is out. The last CAPE
//! day is the liquidation date + 80; a protest is possible until + 180 (19 U.S.C. 1514).
//! A liquidation date after the filing date is a scheduled liquidation: still unliquidated.
//! The status is read through its table (`status_tables.rs`, beside this file); a status
//! that no table knows, or no liquidation columns at all, leaves the window undecided.
//! (AD/CVD entries in pending liquidation are a status rule: `statuses.rs`.)

use chrono::{Days, NaiveDate};

use super::Ctx;
use super::found::Found;
use super::status_tables::Liquidation;
use crate::es003::Field;
use crate::rules::Rule;

/// Days after liquidation during which CAPE Phase 1 takes an entry.
pub const CAPE_DAYS: u64 = 80;
/// Days after liquidation during which a protest is possible (19 U.S.C. 1514).
pub const PROTEST_DAYS: u64 = 180;
/// A warning is given when the last CAPE day is this close to the filing date.
pub const NEAR_DEADLINE_DAYS: i64 = 7;

/// The entry's deadlines, where its liquidation date gives them.
#[derive(Default)]
pub(super) struct Window {
    pub days_since: Option<i64>,
    pub last_day: Option<NaiveDate>,
    pub protest_deadline: Option<NaiveDate>,
}

pub(super) fn check(ctx: &Ctx, out: &mut Found) -> Window {
    let (h, as_of) = (&ctx.e.header, ctx.o.as_of);
    let (status, reading) = ctx.liquidation_status().unzip();
    if reading == Some(Liquidation::Unknown) {
        out.add(
            Rule::LiquidationUnknown,
            format!(
                "liquidation status `{}` is not one cape knows",
                status.unwrap_or_default()
            ),
        );
    }
    let Some(d) = h.liquidation_date else {
        if let Some(why) = undated(ctx, reading) {
            out.add(Rule::LiquidationUnknown, why);
        }
        return Window::default();
    };
    let last = days(d, CAPE_DAYS);
    let mut w = Window {
        last_day: Some(last),
        ..Window::default()
    };
    if d > as_of {
        return w;
    }
    let since = (as_of - d).num_days();
    let protest = days(d, PROTEST_DAYS);
    (w.days_since, w.protest_deadline) = (Some(since), Some(protest));
    if reading == Some(Liquidation::Unknown) {
        return w;
    }
    if since > CAPE_DAYS as i64 {
        let after = if as_of <= protest {
            format!("a protest (CBP Form 19) is possible until {protest}")
        } else {
            format!("the liquidation is final since {protest}: a later CAPE phase or the courts")
        };
        out.add(
            Rule::LiquidatedOver80Days,
            format!(
                "liquidated {d}, {since} days before {as_of}; the last CAPE day was {last}; {after}"
            ),
        );
    } else if (last - as_of).num_days() <= NEAR_DEADLINE_DAYS {
        out.add(
            Rule::NearDeadline,
            format!(
                "last CAPE day {last}, {} days after {as_of}",
                (last - as_of).num_days()
            ),
        );
    }
    w
}

/// Why an entry with no liquidation date cannot be placed in the window, if it cannot.
fn undated(ctx: &Ctx, reading: Option<Liquidation>) -> Option<&'static str> {
    if !ctx.has_col(Field::LiquidationDate) && !ctx.has_col(Field::LiquidationStatus) {
        return (!ctx.o.assume_unliquidated).then_some(
            "no Liquidation Date or Liquidation Status column: add them to the ES-003 in ACE, \
             or pass --assume-unliquidated",
        );
    }
    match reading {
        // A date that could not be read is a row error already.
        _ if ctx.e.unreadable.contains(Field::LiquidationDate) => None,
        Some(Liquidation::Liquidated) => {
            Some("liquidated, but no liquidation date to count the 80 days from")
        }
        None if !ctx.has_col(Field::LiquidationDate) => {
            Some("no liquidation status or date on the entry's rows")
        }
        // Not liquidated, or a status no table knows (said above).
        _ => None,
    }
}

fn days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}
