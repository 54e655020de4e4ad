//! Entry-number normalisation and the check digit on any text.
#![no_main]

use cape::entry::{self, EntryNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let once = entry::normalise_bytes(data);
    assert_eq!(entry::normalise(&once), once);
    match EntryNumber::parse_bytes(data) {
        Some(e) => {
            assert_eq!(e.as_str(), once);
            assert!(e.with_check_digit().check_digit_ok());
            assert_eq!(EntryNumber::parse(&e.dashed()), Some(e));
        }
        None => assert_ne!(once.len(), entry::ENTRY_LEN),
    }
});
