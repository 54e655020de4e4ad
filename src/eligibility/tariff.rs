//! The tariff-line rules of an entry: at least one IEEPA row, IEEPA duty above zero, no goods
//! value on IEEPA rows, and the entry date within the IEEPA collection window and within the
//! dates of the IEEPA headings it uses (`tariff_codes`). An entry with no IEEPA row is told
//! which families its other Chapter 99 rows belong to.

use super::Ctx;
use super::found::Found;
use crate::es003::Field;
use crate::money::Cents;
use crate::rules::Rule;
use crate::tariff_codes::{ENDED_HEADINGS, Family, IEEPA_WINDOW};

pub(super) fn check(ctx: &Ctx, out: &mut Found) {
    let t = &ctx.totals;
    // Totals that cannot be trusted (rows unreadable, or parts in conflict) exclude nothing.
    let unreadable = ctx.e.unreadable.contains(Field::Hts)
        || ctx.e.unreadable.contains(Field::Duty)
        || ctx.rows_conflict;
    if t.ieepa_rows == 0 {
        if !unreadable {
            out.add(Rule::NoIeepaLine, no_ieepa_note(ctx));
        }
    } else if t.ieepa_duty <= Cents::ZERO && !unreadable {
        out.add(
            Rule::ZeroIeepaDuty,
            format!("the {} IEEPA row(s) carry no duty", t.ieepa_rows),
        );
    }
    if t.ieepa_goods_value_rows > 0 {
        out.add(
            Rule::IeepaGoodsValue,
            format!(
                "{} IEEPA row(s) report a goods value",
                t.ieepa_goods_value_rows
            ),
        );
    }
}

/// "No IEEPA row", and what the entry's other Chapter 99 rows are.
fn no_ieepa_note(ctx: &Ctx) -> String {
    let families = ctx
        .e
        .files()
        .fold(Default::default(), |all, f| f.totals.chapter99.union(all));
    let named: Vec<&str> = Family::NOT_IEEPA
        .iter()
        .filter(|f| families.contains(**f))
        .map(|f| f.label())
        .collect();
    if named.is_empty() {
        "no 9903.01/9903.02 row, and no other Chapter 99 row".into()
    } else {
        format!(
            "no 9903.01/9903.02 row; its other Chapter 99 rows are {}, which CAPE does not \
             refund",
            named.join(", ")
        )
    }
}

/// The entry date against the collection window and the headings that ended early.
pub(super) fn entry_date(ctx: &Ctx, out: &mut Found) {
    let Some(d) = ctx.e.header.entry_date else {
        return;
    };
    let (from, to) = IEEPA_WINDOW;
    if d < from || d > to {
        out.add(
            Rule::OutsideIeepaWindow,
            format!("entry date {d} is outside the IEEPA collection window ({from} to {to})"),
        );
        return;
    }
    for h in &ENDED_HEADINGS {
        if d > h.last_day && ctx.totals.chapter99.contains(h.family) {
            out.add(
                Rule::OutsideIeepaWindow,
                format!(
                    "entry date {d} is after IEEPA heading {} ({}) ended: its last day was {}",
                    h.headings, h.what, h.last_day
                ),
            );
        }
    }
}
