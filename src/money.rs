//! Money as exact integer cents: parsing the amounts ES-003 exports carry (`$2,567.49`,
//! `2567.49`, `(12.00)`, `-12.00`) and printing them back. No floating point is ever summed.

use std::fmt;

use serde::{Serialize, Serializer};

/// A value that is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAnAmount;

/// An amount in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// Parses an amount: optional `$`, thousands separators, up to two decimals (further
    /// decimals must be zeros), a leading `-` or parentheses for negatives. Blank is `None`
    /// inside `Ok`; anything else that is not an amount is an error.
    pub fn parse(raw: &[u8]) -> Result<Option<Cents>, NotAnAmount> {
        match Cents::plain(raw) {
            Some(c) => Ok(Some(c)),
            None => Cents::parse_any(raw),
        }
    }

    /// The form most cells have, `1234.56`, `1234.5` or `1234` (at most 15 digits before
    /// the point), read in one pass; `None` for anything else, even if it is an amount.
    fn plain(s: &[u8]) -> Option<Cents> {
        let int_len = s.iter().take_while(|b| b.is_ascii_digit()).count();
        if int_len == 0 || int_len > 15 {
            return None;
        }
        let (int, frac) = s.split_at(int_len);
        let digit = |b: u8| i64::from(b - b'0');
        let units = int.iter().fold(0i64, |u, &b| u * 10 + digit(b));
        let cents = match *frac {
            [] => 0,
            [b'.', d] if d.is_ascii_digit() => digit(d) * 10,
            [b'.', d, e] if d.is_ascii_digit() && e.is_ascii_digit() => digit(d) * 10 + digit(e),
            _ => return None,
        };
        Some(Cents(units * 100 + cents))
    }

    /// [`Cents::parse`] for every form.
    fn parse_any(raw: &[u8]) -> Result<Option<Cents>, NotAnAmount> {
        let mut s = raw.trim_ascii();
        if s.is_empty() {
            return Ok(None);
        }
        let mut negative = false;
        if let Some(inner) = s.strip_prefix(b"(").and_then(|x| x.strip_suffix(b")")) {
            negative = true;
            s = inner.trim_ascii();
        }
        if let Some(rest) = s.strip_prefix(b"-") {
            if negative {
                return Err(NotAnAmount);
            }
            negative = true;
            s = rest.trim_ascii();
        }
        s = s.strip_prefix(b"$").unwrap_or(s).trim_ascii();
        if let Some(rest) = s.strip_prefix(b"-") {
            // `$-12.00`
            if negative {
                return Err(NotAnAmount);
            }
            negative = true;
            s = rest;
        }
        let (int, frac) = match s.iter().position(|&b| b == b'.') {
            Some(p) => (&s[..p], &s[p + 1..]),
            None => (s, &b""[..]),
        };
        if int.is_empty() && frac.is_empty() {
            return Err(NotAnAmount);
        }
        // A comma groups thousands: `12,345.67`. `250,00` (a decimal comma) or `1,2345` is
        // no amount: reading it as one would multiply it by a hundred.
        if int.contains(&b',') {
            let mut groups = int.split(|&b| b == b',');
            let lead = groups.next().unwrap_or_default();
            if !(1..=3).contains(&lead.len()) || groups.any(|g| g.len() != 3) {
                return Err(NotAnAmount);
            }
        }
        let mut units: i64 = 0;
        for &b in int {
            match b {
                b'0'..=b'9' => {
                    units = units
                        .checked_mul(10)
                        .and_then(|u| u.checked_add(i64::from(b - b'0')))
                        .ok_or(NotAnAmount)?;
                }
                b',' => {}
                _ => return Err(NotAnAmount),
            }
        }
        if !frac.iter().all(u8::is_ascii_digit) {
            return Err(NotAnAmount);
        }
        let (cents_part, rest) = frac.split_at(frac.len().min(2));
        if rest.iter().any(|&b| b != b'0') {
            // Fractions of a cent: ES-003 amounts never have them.
            return Err(NotAnAmount);
        }
        let mut cents = 0i64;
        for i in 0..2 {
            cents = cents * 10 + cents_part.get(i).map_or(0, |&b| i64::from(b - b'0'));
        }
        let total = units
            .checked_mul(100)
            .and_then(|u| u.checked_add(cents))
            .ok_or(NotAnAmount)?;
        Ok(Some(Cents(if negative { -total } else { total })))
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    /// Adds, saturating at the extremes (only hostile input gets there).
    pub fn saturating_add(self, other: Cents) -> Cents {
        Cents(self.0.saturating_add(other.0))
    }

    /// `$12,345.67`, for people.
    pub fn dollars(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = plain
            .strip_prefix('-')
            .map_or(("", plain.as_str()), |r| ("-", r));
        let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}${grouped}.{frac}")
    }
}

/// `12345.67`, `-0.05`: a plain decimal, for files and JSON.
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Cents {
    /// Appends the plain decimal (as `Display` writes it) to `out`, without formatting
    /// machinery.
    pub fn push_to(self, out: &mut Vec<u8>) {
        if self.0 < 0 {
            out.push(b'-');
        }
        let abs = self.0.unsigned_abs();
        push_u64(out, abs / 100);
        let c = (abs % 100) as u8;
        out.extend_from_slice(&[b'.', b'0' + c / 10, b'0' + c % 10]);
    }
}

/// Appends the decimal digits of `n`.
pub fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Result<Option<i64>, NotAnAmount> {
        Cents::parse(s.as_bytes()).map(|c| c.map(|c| c.0))
    }

    #[test]
    fn formats_seen_in_exports() {
        assert_eq!(p("$2,567.49"), Ok(Some(256_749)));
        assert_eq!(p("2567.49"), Ok(Some(256_749)));
        assert_eq!(
            p("\"$1,234,567.89\"".trim_matches('"')),
            Ok(Some(123_456_789))
        );
        assert_eq!(p("12,345"), Ok(Some(1_234_500)));
        assert_eq!(p("2567.4"), Ok(Some(256_740)));
        assert_eq!(p("2567"), Ok(Some(256_700)));
        assert_eq!(p(".5"), Ok(Some(50)));
        assert_eq!(p("(12.00)"), Ok(Some(-1200)));
        assert_eq!(p("-12.00"), Ok(Some(-1200)));
        assert_eq!(p("$-12.00"), Ok(Some(-1200)));
        assert_eq!(p("-$12.00"), Ok(Some(-1200)));
        assert_eq!(p(" 1.230 "), Ok(Some(123)));
        assert_eq!(p(""), Ok(None));
        assert_eq!(p("  "), Ok(None));
    }

    #[test]
    fn not_amounts() {
        for bad in [
            "N/A",
            "1.234",
            "12.3.4",
            "$",
            "-",
            "1e5",
            ",12",
            "--1",
            "(-1)",
            "1 2",
            // Decimal commas, and commas that do not group thousands.
            "250,00",
            "1,5",
            "1,2345.00",
            "1234,567",
            "12,,345",
            "12,345,67",
            "1,234,",
        ] {
            assert_eq!(p(bad), Err(NotAnAmount), "{bad}");
        }
        assert_eq!(p("99999999999999999999"), Err(NotAnAmount));
    }

    #[test]
    fn printing() {
        assert_eq!(Cents(256_749).to_string(), "2567.49");
        assert_eq!(Cents(-5).to_string(), "-0.05");
        assert_eq!(Cents(0).to_string(), "0.00");
        assert_eq!(Cents(123_456_789).dollars(), "$1,234,567.89");
        assert_eq!(Cents(-100_000).dollars(), "-$1,000.00");
        assert_eq!(Cents(99).dollars(), "$0.99");
    }

    proptest! {
        #[test]
        fn display_round_trips(c in -1_000_000_000_000i64..1_000_000_000_000) {
            let s = Cents(c).to_string();
            prop_assert_eq!(Cents::parse(s.as_bytes()), Ok(Some(Cents(c))));
            let d = Cents(c).dollars();
            prop_assert_eq!(Cents::parse(d.as_bytes()), Ok(Some(Cents(c))));
        }

        #[test]
        fn push_to_writes_what_display_writes(c in any::<i64>()) {
            let mut out = Vec::new();
            Cents(c).push_to(&mut out);
            prop_assert_eq!(String::from_utf8(out).unwrap(), Cents(c).to_string());
        }

        #[test]
        fn never_panics(s in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = Cents::parse(&s);
        }

        #[test]
        fn the_plain_reading_agrees_with_the_full_one(
            s in "[0-9]{0,18}(\\.[0-9]{0,3})?[0-9 .,$)]?"
        ) {
            let b = s.as_bytes();
            if let Some(c) = Cents::plain(b) {
                prop_assert_eq!(Cents::parse_any(b), Ok(Some(c)));
            }
            prop_assert_eq!(Cents::parse(b), Cents::parse_any(b));
        }
    }
}
