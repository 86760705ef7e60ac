#![no_main]
//! See rotaplan::fuzzing::csv_table.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rotaplan::fuzzing::csv_table(data);
});
