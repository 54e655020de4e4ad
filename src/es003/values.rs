//! Parsing ES-003 cell values, whatever file they came from: dates, flags, HTS numbers,
//! entry types and text. CSV fields and XLSX cells (converted by `xlsx_source::cell_text`)
//! go through these same functions, so the same value gives the same result.

use std::borrow::Cow;

use chrono::NaiveDate;

/// A parse failure; the caller names the column and the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

type Parsed<T> = Result<Option<T>, Invalid>;

/// Text of a cell: UTF-8 when it is valid, else Windows-1252 (as Excel writes ANSI CSV).
pub fn text(raw: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(raw) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(raw.iter().map(|&b| cp1252(b)).collect()),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Dates as ACE and spreadsheets write them: `MM/DD/YYYY` (one-digit month and day too),
/// `YYYY-MM-DD`, `YYYY/MM/DD`, each optionally followed by a time (`00:00:00`, `T00:00:00`,
/// `12:00:00 AM`), and `YYYYMMDD`. Blank is `None`.
pub fn date(raw: &[u8]) -> Parsed<NaiveDate> {
    let s = raw.trim_ascii();
    match ten_byte_date(s) {
        Some((y, m, d)) => calendar_date(y, m, d),
        None => date_any(s),
    }
}

/// How to read `NN/NN/YYYY` dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateOrder {
    /// Month first, as ACE writes them, unless a value of the column only reads day first.
    #[default]
    Detect,
    /// Month first (`--date-order mdy`).
    Mdy,
    /// Day first (`--date-order dmy`), as Excel saves in most of the world.
    Dmy,
}

/// How sure the reading of a date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    Sure,
    /// `06/12/2025`: month first and day first give two different dates.
    Ambiguous,
    /// `25/03/2026`: only day first reads it.
    DayFirst,
}

/// [`date`], with `NN/NN/YYYY` read in `order`, and how sure that reading is.
pub fn date_in(raw: &[u8], order: DateOrder) -> Parsed<(NaiveDate, Reading)> {
    let s = raw.trim_ascii();
    let Some((a, b, y)) = slash_date(s) else {
        return date(s).map(|d| d.map(|d| (d, Reading::Sure)));
    };
    let at = |m, d, r| calendar_date(y, m, d).map(|d| d.map(|d| (d, r)));
    match order {
        DateOrder::Mdy => at(a, b, Reading::Sure),
        DateOrder::Dmy => at(b, a, Reading::Sure),
        DateOrder::Detect if a > 12 && b <= 12 => at(b, a, Reading::DayFirst),
        DateOrder::Detect if a <= 12 && b <= 12 && a != b => at(a, b, Reading::Ambiguous),
        DateOrder::Detect => at(a, b, Reading::Sure),
    }
}

/// `N/N/YYYY` (one or two digits each, `/`, `-` or `.` between, an optional time after):
/// the two leading numbers and the year.
fn slash_date(s: &[u8]) -> Option<(u32, u32, u32)> {
    // `MM/DD/YYYY` exactly, as ACE writes every date: read in one step.
    if let Ok(b) = <&[u8; 10]>::try_from(s)
        && b[2] == b'/'
        && b[5] == b'/'
    {
        let digits = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |a, &c| {
                c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0'))
            })
        };
        return Some((digits(0..2)?, digits(3..5)?, digits(6..10)?));
    }
    let day = s
        .iter()
        .position(|&b| b == b' ' || b == b'T')
        .map_or(s, |p| &s[..p]);
    let mut parts = day.split(|&b| b == b'/' || b == b'-' || b == b'.');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let num = |x: &[u8], lens: std::ops::RangeInclusive<usize>| {
        (lens.contains(&x.len()) && x.iter().all(u8::is_ascii_digit))
            .then(|| x.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')))
    };
    if parts.next().is_some() {
        return None;
    }
    Some((num(a, 1..=2)?, num(b, 1..=2)?, num(y, 4..=4)?))
}

/// `MM/DD/YYYY` and `YYYY-MM-DD` exactly, as ACE and most tools write dates: read in one
/// step. Anything else (`None`) takes the general reading, which agrees on these.
fn ten_byte_date(s: &[u8]) -> Option<(u32, u32, u32)> {
    let b: &[u8; 10] = s.try_into().ok()?;
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |a, &c| {
            c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0'))
        })
    };
    if b[2] == b'/' && b[5] == b'/' {
        Some((digits(6..10)?, digits(0..2)?, digits(3..5)?))
    } else if b[4] == b'-' && b[7] == b'-' {
        Some((digits(0..4)?, digits(5..7)?, digits(8..10)?))
    } else {
        None
    }
}

/// The date `y`-`m`-`d`, when it exists and falls in 1900–2200.
fn calendar_date(y: u32, m: u32, d: u32) -> Parsed<NaiveDate> {
    NaiveDate::from_ymd_opt(y as i32, m, d)
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
        .map(Some)
        .ok_or(Invalid)
}

/// Every date shape [`date`] takes, from trimmed text.
fn date_any(s: &[u8]) -> Parsed<NaiveDate> {
    if s.is_empty() {
        return Ok(None);
    }
    let day = s
        .iter()
        .position(|&b| b == b' ' || b == b'T')
        .map_or(s, |p| &s[..p]);
    // At most three parts, kept on the stack: a date is parsed for every entry.
    let mut parts: [&[u8]; 3] = [&[]; 3];
    let mut count = 0;
    for part in day.split(|&b| b == b'/' || b == b'-') {
        let Some(slot) = parts.get_mut(count) else {
            return Err(Invalid);
        };
        *slot = part;
        count += 1;
    }
    let nums = &parts[..count];
    let n = |x: &[u8]| -> Option<u32> {
        if x.is_empty() || x.len() > 4 || !x.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(x.iter().fold(0u32, |a, &b| a * 10 + u32::from(b - b'0')))
    };
    let ymd = match nums {
        [y, m, d] if y.len() == 4 => (n(y), n(m), n(d)),
        [m, d, y] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => (n(y), n(m), n(d)),
        [all] if all.len() == 8 => (n(&all[..4]), n(&all[4..6]), n(&all[6..])),
        _ => return Err(Invalid),
    };
    match ymd {
        (Some(y), Some(m), Some(d)) => calendar_date(y, m, d),
        _ => Err(Invalid),
    }
}

/// Yes/no flags: `Y`/`N`, `Yes`/`No`, `True`/`False`, `1`/`0`; blank is `None`.
pub fn flag(raw: &[u8]) -> Parsed<bool> {
    let s = raw.trim_ascii();
    const YES: [&[u8]; 4] = [b"Y", b"YES", b"TRUE", b"1"];
    const NO: [&[u8]; 4] = [b"N", b"NO", b"FALSE", b"0"];
    if s.is_empty() {
        Ok(None)
    } else if YES.iter().any(|y| s.eq_ignore_ascii_case(y)) {
        Ok(Some(true))
    } else if NO.iter().any(|n| s.eq_ignore_ascii_case(n)) {
        Ok(Some(false))
    } else {
        Err(Invalid)
    }
}

/// An HTS number reduced to its digits (`9903.01.25` = `99030125`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hts {
    digits: [u8; 12],
    len: u8,
}

impl Hts {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits[..usize::from(self.len)]).unwrap_or_default()
    }

    /// IEEPA tariff lines: headings 9903.01 and 9903.02, and nothing else of Chapter 99.
    pub fn is_ieepa(&self) -> bool {
        crate::tariff_codes::family(self.as_str()).is_some_and(|f| f.is_ieepa())
    }

    /// Chapter 99 lines carry additional duties, not goods.
    pub fn is_chapter_99(&self) -> bool {
        self.digits[..usize::from(self.len)].starts_with(b"99")
    }
}

/// HTS numbers: digits, with dots and spaces allowed between them; 4 to 12 digits.
pub fn hts(raw: &[u8]) -> Parsed<Hts> {
    let s = raw.trim_ascii();
    if s.is_empty() {
        return Ok(None);
    }
    let mut out = Hts {
        digits: [0; 12],
        len: 0,
    };
    // Most cells are digits alone: one pass to check them, one copy.
    if (4..=out.digits.len()).contains(&s.len()) && s.iter().all(u8::is_ascii_digit) {
        out.digits[..s.len()].copy_from_slice(s);
        out.len = s.len() as u8;
        return Ok(Some(out));
    }
    for &b in s {
        match b {
            b'0'..=b'9' => {
                if usize::from(out.len) == out.digits.len() {
                    return Err(Invalid);
                }
                out.digits[usize::from(out.len)] = b;
                out.len += 1;
            }
            b'.' | b' ' => {}
            _ => return Err(Invalid),
        }
    }
    if out.len < 4 {
        return Err(Invalid);
    }
    Ok(Some(out))
}

/// Entry type codes: two digits (`01`), also a spreadsheet's `1`, and `01 - Consumption`.
pub fn entry_type(raw: &[u8]) -> Parsed<u8> {
    let s = raw.trim_ascii();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = s[digits..].trim_ascii_start();
    if digits == 0 || digits > 2 || !(rest.is_empty() || rest.starts_with(b"-")) {
        return Err(Invalid);
    }
    Ok(Some(
        s[..digits].iter().fold(0u8, |a, &b| a * 10 + (b - b'0')),
    ))
}

/// Identifiers compared loosely (importer numbers): letters and digits, upper-cased.
pub fn ident(raw: &[u8]) -> String {
    crate::entry::normalise_bytes(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Parsed<String> {
        date(s.as_bytes()).map(|o| o.map(|d| d.to_string()))
    }

    #[test]
    fn day_first_dates_are_told_apart() {
        let d = |s: &str, o| date_in(s.as_bytes(), o);
        let ymd = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(
            d("12/03/2026", DateOrder::Detect),
            Ok(Some((ymd(2026, 12, 3), Reading::Ambiguous)))
        );
        assert_eq!(
            d("12/03/2026", DateOrder::Dmy),
            Ok(Some((ymd(2026, 3, 12), Reading::Sure)))
        );
        assert_eq!(
            d("25/03/2026", DateOrder::Detect),
            Ok(Some((ymd(2026, 3, 25), Reading::DayFirst)))
        );
        assert_eq!(d("25/03/2026", DateOrder::Mdy), Err(Invalid));
        assert_eq!(
            d("03/03/2026 00:00:00", DateOrder::Detect),
            Ok(Some((ymd(2026, 3, 3), Reading::Sure)))
        );
        assert_eq!(
            d("03/25/2026", DateOrder::Detect),
            Ok(Some((ymd(2026, 3, 25), Reading::Sure)))
        );
        assert_eq!(
            d("25.03.2026", DateOrder::Detect),
            Ok(Some((ymd(2026, 3, 25), Reading::DayFirst)))
        );
        assert_eq!(
            d("2026-03-12", DateOrder::Dmy),
            Ok(Some((ymd(2026, 3, 12), Reading::Sure)))
        );
        assert_eq!(d("", DateOrder::Detect), Ok(None));
    }

    #[test]
    fn dates() {
        for s in [
            "03/09/2026",
            "3/9/2026",
            "2026-03-09",
            "2026/03/09 00:00:00",
            "2026-03-09T00:00:00",
            "03/09/2026 12:00:00 AM",
            "20260309",
            " 03/09/2026 ",
        ] {
            assert_eq!(d(s), Ok(Some("2026-03-09".into())), "{s}");
        }
        assert_eq!(d(""), Ok(None));
        for bad in [
            "13/45/2025",
            "2026-02-30",
            "N/A",
            "03/09/26",
            "2026-3",
            "0000-01-01",
            "2026-03-09-01",
            "1/2/3/2026",
            "2026--03",
        ] {
            assert_eq!(d(bad), Err(Invalid), "{bad}");
        }
    }

    proptest::proptest! {
        /// The one-step reading of `MM/DD/YYYY` and `YYYY-MM-DD` gives what the general
        /// reading gives: on near-dates in both orders with any separators, and on any ten
        /// digits and separators.
        #[test]
        fn the_ten_byte_reading_agrees_with_the_general_one(
            (y, m, d) in (1850u32..2250, 0u32..14, 0u32..33),
            (s1, s2) in (proptest::sample::select(vec!['/', '-', '.']), proptest::sample::select(vec!['/', '-', '.'])),
            year_first in proptest::bool::ANY,
            any in "[0-9/-]{10}",
        ) {
            let near = if year_first {
                format!("{y:04}{s1}{m:02}{s2}{d:02}")
            } else {
                format!("{m:02}{s1}{d:02}{s2}{y:04}")
            };
            for s in [near.as_bytes(), any.as_bytes()] {
                if let Some((y, m, d)) = ten_byte_date(s) {
                    proptest::prop_assert_eq!(calendar_date(y, m, d), date_any(s));
                }
            }
        }
    }

    #[test]
    fn flags() {
        for (s, v) in [("Y", true), ("yes", true), ("TRUE", true), ("1", true)] {
            assert_eq!(flag(s.as_bytes()), Ok(Some(v)));
        }
        for s in ["N", "No", "false", "0"] {
            assert_eq!(flag(s.as_bytes()), Ok(Some(false)));
        }
        assert_eq!(flag(b" "), Ok(None));
        assert_eq!(flag(b"maybe"), Err(Invalid));
    }

    #[test]
    fn hts_numbers() {
        let h = hts(b"9903.01.25").unwrap().unwrap();
        assert_eq!(h.as_str(), "99030125");
        assert!(h.is_ieepa() && h.is_chapter_99());
        assert!(hts(b"99030225").unwrap().unwrap().is_ieepa());
        for not in ["99030301", "99038803", "99039101", "9903", "8471300100"] {
            assert!(!hts(not.as_bytes()).unwrap().unwrap().is_ieepa(), "{not}");
        }
        assert_eq!(hts(b""), Ok(None));
        assert_eq!(hts(b"ABC"), Err(Invalid));
        assert_eq!(hts(b"990"), Err(Invalid));
        assert_eq!(hts(b"1234567890123"), Err(Invalid));
        assert_eq!(hts(b"1234.56789.0123"), Err(Invalid));
        for (raw, digits) in [
            (&b"123456789012"[..], "123456789012"),
            (b" 1234\t", "1234"),
            (b"8471.30.0100", "8471300100"),
            (b"12 34", "1234"),
        ] {
            assert_eq!(hts(raw).unwrap().unwrap().as_str(), digits, "{raw:?}");
        }
    }

    #[test]
    fn entry_types() {
        assert_eq!(entry_type(b"01"), Ok(Some(1)));
        assert_eq!(entry_type(b"1"), Ok(Some(1)));
        assert_eq!(entry_type(b"47"), Ok(Some(47)));
        assert_eq!(entry_type(b"06 - Consumption FTZ"), Ok(Some(6)));
        assert_eq!(entry_type(b""), Ok(None));
        assert_eq!(entry_type(b"X1"), Err(Invalid));
        assert_eq!(entry_type(b"101"), Err(Invalid));
    }

    #[test]
    fn windows_1252_text() {
        assert_eq!(text(b"Caf\xe9 \x93Co\x94"), "Café “Co”");
        assert_eq!(text("Café".as_bytes()), "Café");
    }
}
