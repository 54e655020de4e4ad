//! Entry numbers a spreadsheet has damaged (scientific notation, lost leading zeros, a
//! decimal point), with a message that says what probably happened and how to fix it. Both
//! `validate` and the rules of `prepare` name the damage in these words.

use super::{ENTRY_LEN, EntryNumber};

/// What a spreadsheet probably did to `value`, a value that is not a well-formed entry
/// number, or `None` when it shows no such sign.
pub fn spreadsheet_damage(value: &str) -> Option<String> {
    let v = value.trim();
    if is_scientific(v) {
        return Some(format!(
            "`{v}` is scientific notation: a spreadsheet turned an all-digit entry number into \
             a number and dropped its last digits; take the number from the source again, \
             format the column as Text, and save as CSV"
        ));
    }
    if let Some(int) = v.strip_suffix(".0").or_else(|| v.strip_suffix(".00"))
        && int.len() == ENTRY_LEN
        && int.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(format!(
            "`{v}` is an entry number written as a decimal number by a spreadsheet; format the \
             column as Text and write it as `{int}`"
        ));
    }
    if (9..ENTRY_LEN).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        let lost = ENTRY_LEN - v.len();
        let restored = format!("{}{v}", "0".repeat(lost));
        let verifies = EntryNumber::parse(&restored).is_some_and(|e| e.check_digit_ok());
        let note = if verifies {
            " (its check digit verifies)"
        } else {
            ""
        };
        return Some(format!(
            "`{v}` is all digits and {} long: a spreadsheet probably dropped {lost} leading \
             zero{} of a numeric filer code; it was probably `{restored}`{note}: format the \
             column as Text, restore the zeros, and save as CSV",
            v.len(),
            if lost == 1 { "" } else { "s" }
        ));
    }
    None
}

/// `6.05761E+10`, `6E10`, `6.05761e-3`: digits, an optional fraction, an exponent.
fn is_scientific(v: &str) -> bool {
    let Some((mantissa, exp)) = v.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    !int.is_empty()
        && !exp.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && exp.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation() {
        assert!(is_scientific("6.05761E+10"));
        assert!(is_scientific("6E10"));
        assert!(is_scientific("6.05761e-3"));
        assert!(!is_scientific("0S2E1234567"));
        assert!(!is_scientific("E10"));
        assert!(!is_scientific("6.0E"));
        assert!(
            spreadsheet_damage("6.05761E+10")
                .unwrap()
                .contains("scientific")
        );
    }

    #[test]
    fn lost_leading_zeros_are_restored_and_checked() {
        let m = spreadsheet_damage("261103162").unwrap();
        assert!(
            m.contains("`00261103162` (its check digit verifies)"),
            "{m}"
        );
        let m = spreadsheet_damage("2611031620").unwrap();
        assert!(m.contains("dropped 1 leading zero "), "{m}");
        assert!(!m.contains("verifies"), "{m}");
        assert!(spreadsheet_damage("12345678").is_none());
        assert!(spreadsheet_damage("0S2-12345").is_none());
    }

    #[test]
    fn decimal_numbers() {
        let m = spreadsheet_damage("60576072486.0").unwrap();
        assert!(m.contains("`60576072486`"), "{m}");
    }
}
