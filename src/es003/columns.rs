//! The ES-003 columns `cape` reads, the header names it accepts for each (ACE's own first,
//! then names seen in broker exports), and resolving a header row to column indices once.
//! Names match ignoring case, spaces, underscores and punctuation.

/// A column `cape` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    EntryNumber,
    Hts,
    Duty,
    GoodsValue,
    EntryType,
    ImporterNumber,
    ImporterName,
    LineNumber,
    TariffOrdinal,
    EntryDate,
    EntrySummaryDate,
    CountryOfOrigin,
    Port,
    ReconciliationFlag,
    SummaryStatus,
    ControlStatus,
    LiquidationStatus,
    LiquidationDate,
    ProtestStatus,
}

impl Field {
    pub const ALL: [Field; 19] = [
        Field::EntryNumber,
        Field::Hts,
        Field::Duty,
        Field::GoodsValue,
        Field::EntryType,
        Field::ImporterNumber,
        Field::ImporterName,
        Field::LineNumber,
        Field::TariffOrdinal,
        Field::EntryDate,
        Field::EntrySummaryDate,
        Field::CountryOfOrigin,
        Field::Port,
        Field::ReconciliationFlag,
        Field::SummaryStatus,
        Field::ControlStatus,
        Field::LiquidationStatus,
        Field::LiquidationDate,
        Field::ProtestStatus,
    ];

    /// Accepted header names; the first is ACE's.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Field::EntryNumber => &[
                "Entry Summary Number",
                "Entry Number",
                "Entry No",
                "Entry #",
                "Entry Summary #",
            ],
            Field::Hts => &[
                "HTS Number - Full",
                "HTS Number (Full)",
                "HTS Number",
                "HTS Code",
                "HTS",
                "HTSUS No",
                "Tariff",
            ],
            Field::Duty => &[
                "Line Tariff Duty Amount",
                "Line Duty Amount",
                "Line Tariff Amount",
                "Duty Amount",
                "Duty Paid",
                "Duty",
            ],
            Field::GoodsValue => &[
                "Line Tariff Goods Value Amount",
                "Line Goods Value Amount",
                "Entered Value",
                "Line Entered Value",
            ],
            Field::EntryType => &["Entry Type Code", "Entry Type"],
            Field::ImporterNumber => &[
                "Importer Number",
                "IOR Number",
                "IOR",
                "Importer No",
                "Importer of Record Number",
                "Importer of Record",
            ],
            Field::ImporterName => &["Importer Name", "Importer"],
            Field::LineNumber => &["Entry Summary Line Number", "Line Number", "Line No"],
            Field::TariffOrdinal => &["Tariff Ordinal Number", "Tariff Ordinal"],
            Field::EntryDate => &["Entry Date", "Import Date", "Importation Date"],
            Field::EntrySummaryDate => &["Entry Summary Date", "Summary Date"],
            Field::CountryOfOrigin => &["Country of Origin Code", "Country of Origin", "COO"],
            Field::Port => &["Port of Entry Code", "Port"],
            Field::ReconciliationFlag => &[
                "Reconciliation Indicator",
                "Recon Flag",
                "Recon Indicator",
                "Reconciliation Flag",
            ],
            Field::SummaryStatus => &["Entry Summary Status", "Summary Status", "Status"],
            Field::ControlStatus => &["Control Status"],
            Field::LiquidationStatus => &["Liquidation Status", "Liq Status"],
            Field::LiquidationDate => &["Liquidation Date", "Liq Date"],
            Field::ProtestStatus => &["Protest Status"],
        }
    }

    /// The field's stable name in reports and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Field::EntryNumber => "entry-number",
            Field::Hts => "hts",
            Field::Duty => "duty",
            Field::GoodsValue => "goods-value",
            Field::EntryType => "entry-type",
            Field::ImporterNumber => "importer-number",
            Field::ImporterName => "importer-name",
            Field::LineNumber => "line-number",
            Field::TariffOrdinal => "tariff-ordinal",
            Field::EntryDate => "entry-date",
            Field::EntrySummaryDate => "entry-summary-date",
            Field::CountryOfOrigin => "country-of-origin",
            Field::Port => "port",
            Field::ReconciliationFlag => "reconciliation-flag",
            Field::SummaryStatus => "summary-status",
            Field::ControlStatus => "control-status",
            Field::LiquidationStatus => "liquidation-status",
            Field::LiquidationDate => "liquidation-date",
            Field::ProtestStatus => "protest-status",
        }
    }

    /// ACE's header name.
    pub fn header(self) -> &'static str {
        self.names()[0]
    }

    pub fn is_required(self) -> bool {
        matches!(self, Field::EntryNumber | Field::Hts | Field::Duty)
    }
}

/// A header reduced for matching: lower-case letters and digits only (`#` kept, since
/// `Entry #` is a name of its own).
pub fn header_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric() || *c == '#')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Column indices of the fields found in a header row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    index: [Option<usize>; Field::ALL.len()],
}

impl ColumnMap {
    /// Maps each field to the first column whose header is its most preferred name.
    pub fn resolve<S: AsRef<str>>(headers: &[S]) -> ColumnMap {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h.as_ref())).collect();
        let mut map = ColumnMap::default();
        for field in Field::ALL {
            map.index[field as usize] = field.names().iter().find_map(|name| {
                let want = header_key(name);
                keys.iter().position(|k| *k == want)
            });
        }
        map
    }

    pub fn get(&self, field: Field) -> Option<usize> {
        self.index[field as usize]
    }

    /// The required fields this header lacks.
    pub fn missing_required(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|f| f.is_required() && self.get(*f).is_none())
            .collect()
    }

    /// Whether the row holds every required column.
    pub fn is_complete(&self) -> bool {
        self.missing_required().is_empty()
    }

    /// Columns that name a field already mapped to another column: (field, the column used,
    /// the other column). The column used has the most preferred name, ACE's first.
    pub fn doubles<S: AsRef<str>>(&self, headers: &[S]) -> Vec<(Field, usize, usize)> {
        let mut out = Vec::new();
        for field in Field::ALL {
            let Some(used) = self.get(field) else {
                continue;
            };
            let names: Vec<String> = field.names().iter().map(|n| header_key(n)).collect();
            for (i, h) in headers.iter().enumerate() {
                if i != used && names.contains(&header_key(h.as_ref())) {
                    out.push((field, used, i));
                }
            }
        }
        out
    }

    /// How many fields were found.
    pub fn found(&self) -> usize {
        self.index.iter().flatten().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ace_headers_and_broker_aliases() {
        let m = ColumnMap::resolve(&[
            "Entry Summary Number",
            "HTS Number - Full",
            "Line Tariff Duty Amount",
        ]);
        assert!(m.is_complete());
        assert_eq!(m.get(Field::Hts), Some(1));
        let m = ColumnMap::resolve(&["duty_paid", "ENTRY #", "hts code", "Liq. Date", "junk"]);
        assert_eq!(m.get(Field::EntryNumber), Some(1));
        assert_eq!(m.get(Field::Duty), Some(0));
        assert_eq!(m.get(Field::Hts), Some(2));
        assert_eq!(m.get(Field::LiquidationDate), Some(3));
        assert_eq!(m.found(), 4);
    }

    #[test]
    fn the_canonical_name_wins_over_an_alias() {
        let m = ColumnMap::resolve(&["HTS Number", "HTS Number - Full", "Entry No", "Duty"]);
        assert_eq!(m.get(Field::Hts), Some(1));
    }

    #[test]
    fn two_columns_for_one_field_are_told() {
        let h = ["HTS Number", "HTS Number - Full", "Entry No", "Duty", "hts"];
        let m = ColumnMap::resolve(&h);
        assert_eq!(m.doubles(&h), vec![(Field::Hts, 1, 0), (Field::Hts, 1, 4)]);
        let h = ["Entry No", "HTS", "Duty"];
        assert!(ColumnMap::resolve(&h).doubles(&h).is_empty());
    }

    #[test]
    fn entry_hash_is_not_entry() {
        assert_eq!(header_key("Entry #"), "entry#");
        let m = ColumnMap::resolve(&["Entry", "HTS", "Duty"]);
        assert_eq!(m.missing_required(), vec![Field::EntryNumber]);
    }
}
