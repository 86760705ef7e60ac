#![no_main]
//! See rotaplan::fuzzing::scenario_toml.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rotaplan::fuzzing::scenario_toml(data);
});
