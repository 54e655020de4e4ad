//! The ES-003 CSV reader, the ledger and the rules, on any bytes after a valid header.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"Entry Summary Number,HTS Number - Full,Line Tariff Duty Amount,\
Line Tariff Goods Value Amount,Entry Type Code,Reconciliation Indicator,Entry Summary Status,\
Control Status,Liquidation Status,Liquidation Date,Protest Status,Importer Number,Entry Date\n"
        .to_vec();
    bytes.extend_from_slice(data);
    common::read_and_decide(common::input_file("in.csv", &bytes));
    // And the same bytes with no header given: the header search must cope.
    common::read_and_decide(common::input_file("raw.csv", data));
});
