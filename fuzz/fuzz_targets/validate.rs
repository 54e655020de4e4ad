//! Declaration validation on any bytes, with and without a valid header.
#![no_main]

use std::path::Path;

use cape::history::Declared;
use cape::validate::{ValidateOptions, check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ValidateOptions {
        filer_code: cape::entry::FilerCode::parse("0S2"),
        max_entries: 50,
        declared: Declared::default(),
    };
    let mut with_header = b"Entry Number\r\n".to_vec();
    with_header.extend_from_slice(data);
    for bytes in [data, &with_header[..]] {
        let v = check(Path::new("d.csv"), bytes, &opts);
        assert_eq!(v.accepted, v.problems.is_empty());
        if let Some(r) = &v.result {
            let mut out = Vec::new();
            r.write_to(&mut out).unwrap();
        }
    }
});
