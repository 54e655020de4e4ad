//! Chapter 99 headings as CAPE sees them (cape-rules.md §6): IEEPA (9903.01 and 9903.02,
//! the only rows CAPE refunds), the IEEPA headings that ended before the collection window
//! did, and the families of the other Chapter 99 rows, so that a user sees why an entry
//! refunds nothing. A prefix test on `9903` or `99030` would be wrong: 9903.03 and 9903.05
//! are not IEEPA.

use chrono::NaiveDate;

use crate::rules::changes::date;

/// What a Chapter 99 row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Family {
    Ieepa,
    /// 9903.01.43–.76, the April 2025 country rates (ended early).
    IeepaApril2025,
    /// 9903.01.84–.89 (ended early).
    IeepaIndia,
    Section301,
    Section232,
    Section201,
    Section301Other,
    Section122,
    Section338,
    OtherChapter99,
}

impl Family {
    /// Whether CAPE refunds rows of this family: 9903.01 and 9903.02.
    pub fn is_ieepa(self) -> bool {
        matches!(
            self,
            Family::Ieepa | Family::IeepaApril2025 | Family::IeepaIndia
        )
    }

    /// Families of rows CAPE does not refund, in the order notes name them.
    pub const NOT_IEEPA: [Family; 7] = [
        Family::Section301,
        Family::Section232,
        Family::Section201,
        Family::Section301Other,
        Family::Section122,
        Family::Section338,
        Family::OtherChapter99,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Family::Ieepa | Family::IeepaApril2025 | Family::IeepaIndia => "IEEPA",
            Family::Section301 => "Section 301 (9903.88, 9903.91)",
            Family::Section232 => "Section 232 (9903.74–.94, 9903.04.6x)",
            Family::Section201 => "Section 201 (9903.45)",
            Family::Section301Other => "Section 301 forced labor / Brazil (9903.05)",
            Family::Section122 => "Section 122 (9903.03.01–.11)",
            Family::Section338 => "Section 338 (9903.03.12–.16)",
            Family::OtherChapter99 => "other Chapter 99",
        }
    }
}

/// The family of a Chapter 99 HTS number given as digits; `None` outside Chapter 99.
pub fn family(digits: &str) -> Option<Family> {
    let d = digits.as_bytes();
    if !d.starts_with(b"99") {
        return None;
    }
    let sub = |from: usize| -> Option<u8> {
        let s = d.get(from..from + 2)?;
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    Some(match d.get(..6) {
        Some(b"990301") => match sub(6) {
            Some(43..=76) => Family::IeepaApril2025,
            Some(84..=89) => Family::IeepaIndia,
            _ => Family::Ieepa,
        },
        Some(b"990302") => Family::Ieepa,
        Some(b"990388" | b"990391") => Family::Section301,
        Some(
            b"990380" | b"990381" | b"990382" | b"990385" | b"990394" | b"990374" | b"990378"
            | b"990376",
        ) => Family::Section232,
        Some(b"990304") if d.get(6) == Some(&b'6') => Family::Section232,
        Some(b"990345") => Family::Section201,
        Some(b"990305") => Family::Section301Other,
        Some(b"990303") => match sub(6) {
            Some(1..=11) => Family::Section122,
            Some(12..=16) => Family::Section338,
            _ => Family::OtherChapter99,
        },
        _ => Family::OtherChapter99,
    })
}

/// A set of families, as bits: what an entry's Chapter 99 rows were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Families(u16);

impl Families {
    pub fn insert(&mut self, f: Family) {
        self.0 |= 1 << f as u8;
    }
    pub fn contains(self, f: Family) -> bool {
        self.0 & (1 << f as u8) != 0
    }
    pub fn union(self, o: Families) -> Families {
        Families(self.0 | o.0)
    }
}

/// An IEEPA heading that ended before the collection window did.
pub struct EndedHeading {
    pub family: Family,
    pub headings: &'static str,
    pub what: &'static str,
    /// The last day goods could enter under it.
    pub last_day: NaiveDate,
}

pub const ENDED_HEADINGS: [EndedHeading; 2] = [
    EndedHeading {
        family: Family::IeepaApril2025,
        headings: "9903.01.43–.76",
        what: "the April 2025 country rates, replaced by 9903.02",
        last_day: date(2025, 8, 6),
    },
    EndedHeading {
        family: Family::IeepaIndia,
        headings: "9903.01.84–.89",
        what: "India",
        last_day: date(2026, 2, 6),
    },
];

/// Goods entered in this window paid IEEPA duties (CSMS 67834313).
pub const IEEPA_WINDOW: (NaiveDate, NaiveDate) = (date(2025, 2, 4), date(2026, 2, 23));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_of_chapter_99() {
        for (hts, want) in [
            ("99030125", Some(Family::Ieepa)),
            ("99030236", Some(Family::Ieepa)),
            ("99030143", Some(Family::IeepaApril2025)),
            ("99030176", Some(Family::IeepaApril2025)),
            ("99030177", Some(Family::Ieepa)),
            ("99030184", Some(Family::IeepaIndia)),
            ("99030189", Some(Family::IeepaIndia)),
            ("99030190", Some(Family::Ieepa)),
            ("99038803", Some(Family::Section301)),
            ("99039101", Some(Family::Section301)),
            ("99038501", Some(Family::Section232)),
            ("99030460", Some(Family::Section232)),
            ("99030450", Some(Family::OtherChapter99)),
            ("99034501", Some(Family::Section201)),
            ("99030501", Some(Family::Section301Other)),
            ("99030301", Some(Family::Section122)),
            ("99030311", Some(Family::Section122)),
            ("99030312", Some(Family::Section338)),
            ("99030316", Some(Family::Section338)),
            ("99030317", Some(Family::OtherChapter99)),
            ("99021234", Some(Family::OtherChapter99)),
            ("8471300100", None),
        ] {
            assert_eq!(family(hts), want, "{hts}");
        }
    }
}
