//! The liquidation and protest statuses of one ledger, read through their tables once per
//! distinct value rather than once per entry: a file holds a handful of status values and
//! hundreds of thousands of entries.

use super::status_tables::{self, Liquidation, Protest};
use crate::ledger::{Ledger, Sym};

/// Each status value's reading, by its place in the ledger's interner.
pub(crate) struct Readings {
    liquidation: Vec<Option<Liquidation>>,
    protest: Vec<Option<Protest>>,
}

impl Readings {
    pub fn of(ledger: &Ledger) -> Readings {
        let n = ledger.strings.len();
        let mut r = Readings {
            liquidation: vec![None; n],
            protest: vec![None; n],
        };
        for e in &ledger.entries {
            if let Some(s) = e.header.liquidation_status {
                r.liquidation[s.index()]
                    .get_or_insert_with(|| status_tables::liquidation(ledger.strings.get(s)));
            }
            if let Some(s) = e.header.protest_status {
                r.protest[s.index()]
                    .get_or_insert_with(|| status_tables::protest(ledger.strings.get(s)));
            }
        }
        r
    }

    /// The reading of a liquidation status of the ledger's entries.
    pub fn liquidation(&self, s: Sym) -> Liquidation {
        self.liquidation[s.index()].unwrap_or(Liquidation::Unknown)
    }

    /// The reading of a protest status of the ledger's entries.
    pub fn protest(&self, s: Sym) -> Protest {
        self.protest[s.index()].unwrap_or(Protest::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::es003::{ColumnMap, RowSink};

    /// The readings kept are the tables' own, value by value.
    #[test]
    fn a_reading_kept_is_the_tables_reading() {
        let names: Vec<String> = [
            "Entry Summary Number",
            "HTS Number - Full",
            "Line Tariff Duty Amount",
            "Liquidation Status",
            "Protest Status",
        ]
        .map(String::from)
        .to_vec();
        let map = ColumnMap::resolve(&names);
        let mut ledger = Ledger::default();
        let values: Vec<&str> = status_tables::LIQUIDATION
            .iter()
            .map(|(k, _)| *k)
            .chain(status_tables::PROTEST.iter().map(|(k, _)| *k))
            .chain([
                "Pending Liquidation",
                "Approved in Part",
                "Deemed",
                "Appealed",
                "N/A",
            ])
            .collect();
        let numbers: Vec<String> = (0..values.len())
            .map(|i| format!("ABC{:08}", 10_000 + i))
            .collect();
        {
            let mut sink = ledger.file("t.csv", &map, &names, Default::default());
            for (i, v) in values.iter().enumerate() {
                let w = values[values.len() - 1 - i];
                sink.row(
                    i as u64 + 2,
                    &[numbers[i].as_str(), "99030125", "1.00", v, w][..],
                );
            }
        }
        let r = Readings::of(&ledger);
        for e in &ledger.entries {
            let l = e.header.liquidation_status.unwrap();
            let p = e.header.protest_status.unwrap();
            assert_eq!(
                r.liquidation(l),
                status_tables::liquidation(ledger.strings.get(l))
            );
            assert_eq!(r.protest(p), status_tables::protest(ledger.strings.get(p)));
        }
    }
}
