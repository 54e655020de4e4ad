//! The entry-level rules read from one value each: entry type, the reconciliation flag, the
//! entry summary and control statuses, an AD/CVD entry's liquidation status, the protest
//! status (through their tables in `status_tables`), and the importer account.

use super::found::Found;
use super::status_tables::{Liquidation, Protest};
use super::{Ctx, Reconciliation};
use crate::es003::values::ident;
use crate::rules::{Change, Rule};

/// Entry types CAPE excludes from Phase 1 on: duty deferral, reconciliation, TIB, drawback.
pub const EXCLUDED_TYPES: [u8; 4] = [8, 9, 23, 47];
/// Warehouse entry types excluded by [`Change::WarehouseTypes`].
pub const WAREHOUSE_TYPES: [u8; 2] = [21, 22];
/// Entry types whose reconciliation-flagged entries [`Change::ReconciliationTypes`] accepts.
pub const RECONCILIATION_TYPES: [u8; 3] = [1, 2, 6];
/// AD/CVD entry types.
pub const ADCVD_TYPES: [u8; 4] = [3, 7, 34, 38];

pub(super) fn check(ctx: &Ctx, out: &mut Found) {
    let h = &ctx.e.header;
    if let Some(t) = h.entry_type {
        if EXCLUDED_TYPES.contains(&t) {
            out.add(Rule::ExcludedEntryType, format!("entry type {t:02}"));
        } else if WAREHOUSE_TYPES.contains(&t) && ctx.on.has(Change::WarehouseTypes) {
            out.add(
                Rule::ExcludedEntryType,
                format!(
                    "entry type {t:02} (warehouse): not accepted since {} ({})",
                    Change::WarehouseTypes.effective().expect("dated"),
                    Change::WarehouseTypes.spec().source
                ),
            );
        }
    }
    if h.reconciliation == Some(true) {
        reconciliation(ctx, out);
    }
    if let Some(s) = ctx.text(h.summary_status)
        && !(starts(s, "accept") || s.eq_ignore_ascii_case("a"))
    {
        out.add(Rule::StatusNotAccepted, format!("entry summary status {s}"));
    }
    if let Some(s) = ctx.text(h.control_status)
        && !has(s, "cbp")
    {
        out.add(Rule::TradeControl, format!("control status {s}"));
    }
    if let Some(t) = h.entry_type.filter(|t| ADCVD_TYPES.contains(t))
        && let Some((s, Liquidation::PendingLiquidation)) = ctx.liquidation_status()
    {
        out.add(
            Rule::AdcvdPendingLiquidation,
            format!(
                "AD/CVD entry type {t:02} in liquidation status `{s}`: CAPE does not take an \
                 AD/CVD entry once Commerce has issued liquidation instructions; check its \
                 status in ACE"
            ),
        );
    }
    match ctx.protest_status() {
        None | Some((_, Protest::Closed)) => {}
        Some((s, Protest::Open)) => out.add(Rule::OpenProtest, format!("protest status {s}")),
        Some((s, Protest::Unknown)) => out.add(
            Rule::ProtestUnknown,
            format!("protest status `{s}` is not one cape knows as open or closed"),
        ),
    }
}

/// A flagged entry: out, unless the 2026-06-29 rule takes its type.
fn reconciliation(ctx: &Ctx, out: &mut Found) {
    let t = ctx.e.header.entry_type;
    let takes_type = t.is_some_and(|t| RECONCILIATION_TYPES.contains(&t));
    match ctx.o.reconciliation {
        Reconciliation::Exclude => out.add(
            Rule::ReconciliationFlagged,
            "flagged for reconciliation (every flagged entry kept out: --exclude-reconciliation)",
        ),
        _ if takes_type && ctx.on.has(Change::ReconciliationTypes) => out.add(
            Rule::ReconciliationPending,
            format!(
                "flagged for reconciliation, type {:02}: CAPE takes it only while no type 09 \
                 reconciliation has been filed for it: declare it before the reconciliation",
                t.unwrap_or_default()
            ),
        ),
        _ if takes_type => out.add(
            Rule::ReconciliationFlagged,
            format!(
                "flagged for reconciliation; CAPE takes types 01, 02 and 06 from {} ({})",
                Change::ReconciliationTypes.effective().expect("dated"),
                Change::ReconciliationTypes.spec().source
            ),
        ),
        _ if ctx.on.has(Change::ReconciliationTypes) => out.add(
            Rule::ReconciliationFlagged,
            match t {
                Some(t) => {
                    format!("flagged for reconciliation, type {t:02}: only 01, 02 and 06 are taken")
                }
                None => "flagged for reconciliation, and no entry type to show it is 01, 02 or 06"
                    .into(),
            },
        ),
        _ => out.add(Rule::ReconciliationFlagged, "flagged for reconciliation"),
    }
}

/// An importer account: the entry's importer of record must be the account's.
pub(super) fn importer(ctx: &Ctx, out: &mut Found) {
    let Some(want) = &ctx.o.importer else { return };
    match ctx.text(ctx.e.header.importer_number) {
        Some(ior) if ident(ior.as_bytes()) != *want => out.add(
            Rule::ImporterMismatch,
            format!("importer of record {ior} is not the account's"),
        ),
        Some(_) => {}
        None if !ctx.has_col(crate::es003::Field::ImporterNumber) => out.add(
            Rule::ImporterUnknown,
            "no Importer Number column to match the entry to the account (--importer): add it \
             to the ES-003",
        ),
        None => out.add(
            Rule::ImporterUnknown,
            "no importer of record on the entry's rows to match to the account (--importer)",
        ),
    }
}

/// Whether `s` holds `word` (lower-case ASCII), ignoring ASCII case.
pub(super) fn has(s: &str, word: &str) -> bool {
    s.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// Whether `s` starts with `word` (lower-case ASCII), ignoring ASCII case.
pub(super) fn starts(s: &str, word: &str) -> bool {
    s.as_bytes()
        .get(..word.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(word.as_bytes()))
}
