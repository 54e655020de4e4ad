//! The entry-number rules of an entry: its format (with what a spreadsheet may have done to
//! it), the broker account's filer code, earlier declarations and claims, the check digit.
//! The words are `entry::problems`, the same as `cape validate` uses.

use super::Ctx;
use super::found::Found;
use crate::entry::problems;
use crate::rules::{Change, Rule};

pub(super) fn check(ctx: &Ctx, out: &mut Found) {
    let Some(n) = &ctx.e.number else {
        let raw = ctx.e.shown();
        out.add(
            Rule::EntryFormat,
            format!("`{raw}`: {}", problems::format(raw)),
        );
        if let Some(m) = crate::entry::spreadsheet_damage(raw) {
            out.add(Rule::SpreadsheetDamage, m);
        }
        return;
    };
    if let Some(m) = ctx.o.filer_code.and_then(|c| problems::filer(n, c)) {
        out.add(Rule::FilerMismatch, m);
    }
    if let Some(p) = ctx.declared.prior(n) {
        match p.retired_check {
            Some(text) if ctx.on.has(Change::ClaimErrors) => out.add(
                p.rule,
                format!(
                    "{}; CBP retired the check `{text}` on {} ({}): it no longer stands in the \
                     way",
                    p.message,
                    Change::ClaimErrors.effective().expect("dated"),
                    Change::ClaimErrors.spec().source
                ),
            ),
            _ => out.add(p.rule, p.message.clone()),
        }
    }
    if let Some(m) = problems::check_digit(n) {
        out.add(Rule::CheckDigit, m);
    }
}
