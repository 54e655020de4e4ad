//! The XLSX reader (ZIP checks, calamine, header search, cell conversion) on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read_and_decide(common::input_file("in.xlsx", data));
});
