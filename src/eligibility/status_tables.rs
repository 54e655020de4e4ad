//! The liquidation and protest status values cape knows (cape-rules.md §5.2), as tables.
//! Values are matched ignoring case, spaces and punctuation; a value in no table is
//! [`Liquidation::Unknown`] or [`Protest::Unknown`], and its entry goes to review with the
//! value quoted: never to a confident decision. A word containing "liq" is not enough.

/// How a liquidation status reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liquidation {
    /// Not liquidated yet (CBP accepts suspended and extended entries too).
    Unliquidated,
    /// Not liquidated, but Commerce has issued liquidation instructions: an AD/CVD entry in
    /// this status fails.
    PendingLiquidation,
    Liquidated,
    Unknown,
}

/// Every liquidation status cape knows, as its key (see [`key`]).
pub const LIQUIDATION: &[(&str, Liquidation)] = {
    use Liquidation::*;
    &[
        ("unliquidated", Unliquidated),
        ("notliquidated", Unliquidated),
        ("nonliquidated", Unliquidated),
        ("open", Unliquidated),
        ("notyetliquidated", Unliquidated),
        ("scheduled", Unliquidated),
        ("scheduledforliquidation", Unliquidated),
        ("suspended", Unliquidated),
        ("suspendedliquidation", Unliquidated),
        ("liquidationsuspended", Unliquidated),
        ("extended", Unliquidated),
        ("liquidationextended", Unliquidated),
        ("underreview", Unliquidated),
        ("pending", PendingLiquidation),
        ("pendingliquidation", PendingLiquidation),
        ("liquidated", Liquidated),
        ("final", Liquidated),
        ("finalliquidation", Liquidated),
        ("reliquidated", Liquidated),
    ]
};

/// How a protest status reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protest {
    /// Open or suspended: the entry is out.
    Open,
    /// None, or decided: no effect.
    Closed,
    Unknown,
}

/// Every protest status cape knows, as its key; a blank cell is no protest.
pub const PROTEST: &[(&str, Protest)] = {
    use Protest::*;
    &[
        ("open", Open),
        ("pending", Open),
        ("filed", Open),
        ("received", Open),
        ("suspended", Open),
        ("underreview", Open),
        ("none", Closed),
        ("no", Closed),
        ("n", Closed),
        ("na", Closed),
        ("closed", Closed),
        ("denied", Closed),
        ("deniedinpart", Closed),
        ("approved", Closed),
        ("approvedinpart", Closed),
        ("allowed", Closed),
        ("allowedinpart", Closed),
        ("rejected", Closed),
        ("void", Closed),
        ("withdrawn", Closed),
        ("decided", Closed),
        ("completed", Closed),
    ]
};

/// The longest key in the tables, and more.
const MAX_KEY: usize = 32;

/// A status value's key: its ASCII letters and digits, lower-cased, with every space and
/// punctuation mark dropped. `None` when it holds other characters or is too long for any
/// table, so that it reads as unknown.
pub fn key(value: &str, buf: &mut [u8; MAX_KEY]) -> Option<usize> {
    let mut n = 0;
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() {
            *buf.get_mut(n)? = b.to_ascii_lowercase();
            n += 1;
        } else if !b.is_ascii() {
            return None;
        }
    }
    Some(n)
}

fn look_up<T: Copy>(table: &[(&str, T)], value: &str, unknown: T) -> T {
    let mut buf = [0; MAX_KEY];
    let Some(n) = key(value, &mut buf) else {
        return unknown;
    };
    let k = &buf[..n];
    table
        .iter()
        .find(|(t, _)| t.as_bytes() == k)
        .map_or(unknown, |&(_, v)| v)
}

pub fn liquidation(value: &str) -> Liquidation {
    look_up(LIQUIDATION, value, Liquidation::Unknown)
}

/// A blank value is no protest.
pub fn protest(value: &str) -> Protest {
    if value.trim().is_empty() {
        return Protest::Closed;
    }
    look_up(PROTEST, value, Protest::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a key back as a value someone might type: upper case, spaced, punctuated.
    fn spelled(key: &str) -> String {
        let mut s: String = key.to_ascii_uppercase();
        if s.len() > 3 {
            s.insert(3, ' ');
            s.insert(1, '-');
        }
        format!(" {s}.")
    }

    #[test]
    fn every_liquidation_value_reads_as_its_table_says() {
        for &(k, want) in LIQUIDATION {
            assert_eq!(liquidation(k), want, "{k}");
            assert_eq!(liquidation(&spelled(k)), want, "{k}");
        }
        for v in [
            "Pending Liquidation",
            "Suspended Liquidation",
            "Not Yet Liquidated",
            "Scheduled for Liquidation",
            "Liquidation Extended",
        ] {
            assert_ne!(liquidation(v), Liquidation::Liquidated, "{v}");
            assert_ne!(liquidation(v), Liquidation::Unknown, "{v}");
        }
        for v in [
            "Liq",
            "Liquidated?? maybe",
            "Liquidación",
            "Y",
            "",
            "deemed",
        ] {
            assert_eq!(liquidation(v), Liquidation::Unknown, "{v}");
        }
    }

    #[test]
    fn every_protest_value_reads_as_its_table_says() {
        for &(k, want) in PROTEST {
            assert_eq!(protest(k), want, "{k}");
            assert_eq!(protest(&spelled(k)), want, "{k}");
        }
        for v in [
            "Approved in Part",
            "Denied in Part",
            "Void",
            "N/A",
            "",
            "  ",
        ] {
            assert_eq!(protest(v), Protest::Closed, "{v}");
        }
        for v in ["Appealed", "Protest 1234", "Ouvert", "closed?open"] {
            assert_eq!(protest(v), Protest::Unknown, "{v}");
        }
    }

    #[test]
    fn keys_fit() {
        assert!(LIQUIDATION.iter().all(|(k, _)| k.len() < MAX_KEY));
        assert!(PROTEST.iter().all(|(k, _)| k.len() < MAX_KEY));
        let mut buf = [0; MAX_KEY];
        assert_eq!(key(&"a".repeat(40), &mut buf), None);
    }
}
