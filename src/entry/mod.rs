//! Entry numbers: normalising them as ACE does, the 11-character rule, the filer code and
//! the CBP check digit (CATAIR Entry Summary, AE Table 1).
//!
//! ACE drops every character that is not a letter or a digit (dashes, spaces, quotes) and
//! upper-cases the rest; an entry number is then exactly 11 characters: a 3-character filer
//! code, a 7-digit serial and a check digit. ACE does not test the check digit, so a wrong
//! one is a warning here, never a format error.

mod damage;
pub use damage::spreadsheet_damage;

use std::fmt;

/// Letters and digits in a well-formed entry number.
pub const ENTRY_LEN: usize = 11;
/// Letters and digits in a filer code.
pub const FILER_CODE_LEN: usize = 3;

/// A sort key of any byte string whose order is the bytes' lexicographic order when ties
/// are broken by the bytes themselves: the first 16 bytes, big-endian, zero-padded.
pub fn sort_prefix(bytes: &[u8]) -> u128 {
    let mut k = [0u8; 16];
    let n = bytes.len().min(16);
    k[..n].copy_from_slice(&bytes[..n]);
    u128::from_be_bytes(k)
}

/// The characters ACE keeps of `raw`: ASCII letters and digits, upper-cased.
pub fn normalise(raw: &str) -> String {
    normalise_bytes(raw.as_bytes())
}

/// [`normalise`] on raw bytes; bytes that are not ASCII letters or digits are dropped.
pub fn normalise_bytes(raw: &[u8]) -> String {
    raw.iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| char::from(b.to_ascii_uppercase()))
        .collect()
}

/// A well-formed entry number: 11 upper-case ASCII letters or digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryNumber([u8; ENTRY_LEN]);

impl EntryNumber {
    /// Normalises `raw` and accepts it when exactly 11 characters remain.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::parse_bytes(raw.as_bytes())
    }

    /// [`EntryNumber::parse`] on raw bytes, without allocating.
    pub fn parse_bytes(raw: &[u8]) -> Option<Self> {
        let mut out = [0u8; ENTRY_LEN];
        let mut n = 0;
        for &b in raw {
            if b.is_ascii_alphanumeric() {
                if n == ENTRY_LEN {
                    return None;
                }
                out[n] = b.to_ascii_uppercase();
                n += 1;
            }
        }
        (n == ENTRY_LEN).then_some(EntryNumber(out))
    }

    /// The normalised 11 characters, e.g. `ABC12345676`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The normalised 11 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The number read in base 36, digits before letters: numbers order as integers as they
    /// do as bytes, and 36^11 fits in 64 bits.
    pub fn ordinal(&self) -> u64 {
        self.0.iter().fold(0, |k, &b| {
            let digit = if b.is_ascii_digit() {
                b - b'0'
            } else {
                b - b'A' + 10
            };
            k * 36 + u64::from(digit)
        })
    }

    /// The first three characters.
    pub fn filer_code(&self) -> &str {
        &self.as_str()[..FILER_CODE_LEN]
    }

    /// The check digit the first ten characters call for.
    pub fn expected_check_digit(&self) -> u8 {
        check_digit(&self.0[..ENTRY_LEN - 1])
    }

    /// Whether the last character is the check digit the first ten call for.
    pub fn check_digit_ok(&self) -> bool {
        self.0[ENTRY_LEN - 1] == b'0' + self.expected_check_digit()
    }

    /// The printed form, `ABC-1234567-6`.
    pub fn dashed(&self) -> String {
        let s = self.as_str();
        format!("{}-{}-{}", &s[..3], &s[3..10], &s[10..])
    }

    /// This number with its last character replaced by the right check digit.
    pub fn with_check_digit(&self) -> EntryNumber {
        let mut out = self.0;
        out[ENTRY_LEN - 1] = b'0' + self.expected_check_digit();
        EntryNumber(out)
    }
}

impl fmt::Display for EntryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for EntryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryNumber({})", self.as_str())
    }
}

/// The digit a letter or digit counts as in the check-digit sum (AE Table 1).
fn char_value(b: u8) -> u32 {
    match b.to_ascii_uppercase() {
        d @ b'0'..=b'9' => u32::from(d - b'0'),
        // A-I -> 1-9, J-R -> 1-9, S-Z -> 2-9.
        l @ b'A'..=b'R' => u32::from((l - b'A') % 9) + 1,
        l @ b'S'..=b'Z' => u32::from(l - b'S') + 2,
        _ => 0,
    }
}

/// The CBP check digit of the first ten characters of an entry number: odd positions count
/// as they are, even positions are doubled (a two-digit result becomes the sum of its
/// digits), and the check digit is (10 - total mod 10) mod 10.
pub fn check_digit(first_ten: &[u8]) -> u8 {
    let total: u32 = first_ten
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let v = char_value(b);
            if i % 2 == 1 {
                let d = v * 2;
                d / 10 + d % 10
            } else {
                v
            }
        })
        .sum();
    ((10 - total % 10) % 10) as u8
}

/// A filer code: three ASCII letters or digits, upper-cased.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FilerCode([u8; FILER_CODE_LEN]);

impl FilerCode {
    /// Accepts exactly three letters or digits (surrounding spaces ignored, any case).
    pub fn parse(raw: &str) -> Option<Self> {
        let t = raw.trim().as_bytes();
        if t.len() != FILER_CODE_LEN || !t.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        Some(FilerCode([
            t[0].to_ascii_uppercase(),
            t[1].to_ascii_uppercase(),
            t[2].to_ascii_uppercase(),
        ]))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Whether `entry` starts with this filer code.
    pub fn matches(&self, entry: &EntryNumber) -> bool {
        entry.0[..FILER_CODE_LEN] == self.0
    }
}

/// The words of the entry-number rules, the same in `validate` and `prepare`.
pub mod problems {
    use super::{EntryNumber, FilerCode, normalise};

    /// `entry-format`: the value is not 11 letters or digits.
    pub fn format(raw: &str) -> String {
        let n = normalise(raw).len();
        format!("Not 11 characters long ({n} letters/digits once other characters are removed)")
    }

    /// `filer-mismatch`, where `entry` does not start with `code`.
    pub fn filer(entry: &EntryNumber, code: FilerCode) -> Option<String> {
        (!code.matches(entry)).then(|| {
            format!(
                "Filer code not matching (starts with {}; the account's filer code is {code})",
                entry.filer_code()
            )
        })
    }

    /// `check-digit`, where the check digit does not verify.
    pub fn check_digit(entry: &EntryNumber) -> Option<String> {
        (!entry.check_digit_ok()).then(|| {
            format!(
                "check digit does not verify: it should be {} ({}); probably mistyped, and ACE \
                 will reject it as not found",
                entry.expected_check_digit(),
                entry.with_check_digit().dashed()
            )
        })
    }
}

impl fmt::Display for FilerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REAL: [&str; 6] = [
        "002-6110316-2",
        "002-6111115-7",
        "MYK-2800086-4",
        "BII-0599285-4",
        "605-7607248-6",
        "ABC-1234567-6",
    ];

    #[test]
    fn real_entry_numbers_verify() {
        for raw in REAL {
            let e = EntryNumber::parse(raw).unwrap();
            assert!(e.check_digit_ok(), "{raw}");
            assert_eq!(e.dashed(), raw);
        }
    }

    #[test]
    fn a_changed_digit_fails_and_names_the_right_one() {
        let e = EntryNumber::parse("002-6110316-3").unwrap();
        assert!(!e.check_digit_ok());
        assert_eq!(e.expected_check_digit(), 2);
        assert_eq!(e.with_check_digit().as_str(), "00261103162");
    }

    #[test]
    fn letters_count_by_the_table() {
        assert_eq!(char_value(b'A'), 1);
        assert_eq!(char_value(b'I'), 9);
        assert_eq!(char_value(b'J'), 1);
        assert_eq!(char_value(b'R'), 9);
        assert_eq!(char_value(b'S'), 2);
        assert_eq!(char_value(b'Z'), 9);
        assert_eq!(char_value(b'k'), 2);
    }

    #[test]
    fn normalising_drops_punctuation_and_upper_cases() {
        assert_eq!(normalise(" abc-1234567-6 "), "ABC12345676");
        assert_eq!(normalise("=\"60576072486\""), "60576072486");
        assert_eq!(
            EntryNumber::parse("abc 1234567 6").unwrap().as_str(),
            "ABC12345676"
        );
        assert!(EntryNumber::parse("0S2-12345").is_none());
        assert!(EntryNumber::parse("0S2-123456789").is_none());
        assert!(EntryNumber::parse("").is_none());
        assert!(EntryNumber::parse("ÄBC-1234567-6").is_none());
    }

    #[test]
    fn sort_prefix_orders_as_bytes_do() {
        let mut v = vec![
            "M2K10002376",
            "00210009221",
            "6.05761E+10",
            "=2+5",
            "M2K",
            "M2K-12345",
            "",
        ];
        let mut by_key = v.clone();
        by_key.sort_by_key(|s| (sort_prefix(s.as_bytes()), s.as_bytes()));
        v.sort();
        assert_eq!(by_key, v);
    }

    #[test]
    fn filer_codes() {
        let f = FilerCode::parse(" 0s2 ").unwrap();
        assert_eq!(f.as_str(), "0S2");
        assert!(f.matches(&EntryNumber::parse("0S2-12345678").unwrap()));
        assert!(!f.matches(&EntryNumber::parse("0S3-12345679").unwrap()));
        assert!(FilerCode::parse("0S").is_none());
        assert!(FilerCode::parse("0S-2").is_none());
        assert!(FilerCode::parse("0S22").is_none());
    }

    #[test]
    fn ordinals_span_base_36() {
        let ordinal = |s: &str| EntryNumber::parse(s).unwrap().ordinal();
        assert_eq!(ordinal("00000000000"), 0);
        assert_eq!(ordinal("0000000000A"), 10);
        assert_eq!(ordinal("00000000010"), 36);
        assert_eq!(ordinal("ZZZZZZZZZZZ"), 36u64.pow(11) - 1);
    }

    proptest! {
        #[test]
        fn normalising_twice_is_normalising_once(s in ".*") {
            let once = normalise(&s);
            prop_assert_eq!(normalise(&once), once.clone());
        }

        #[test]
        fn parse_agrees_with_normalise(s in ".*") {
            let n = normalise(&s);
            match EntryNumber::parse(&s) {
                Some(e) => prop_assert_eq!(e.as_str(), n.as_str()),
                None => prop_assert_ne!(n.len(), ENTRY_LEN),
            }
        }

        #[test]
        fn ordinals_order_as_the_bytes_do(a in "[0-9A-Z]{11}", b in "[0-9A-Z]{11}") {
            let (x, y) = (EntryNumber::parse(&a).unwrap(), EntryNumber::parse(&b).unwrap());
            prop_assert_eq!(x.ordinal().cmp(&y.ordinal()), a.cmp(&b));
        }

        #[test]
        fn a_computed_check_digit_always_verifies(s in "[A-Za-z0-9]{3}[0-9]{7}[0-9]") {
            let e = EntryNumber::parse(&s).unwrap().with_check_digit();
            prop_assert!(e.check_digit_ok());
        }
    }
}
