#![no_main]
//! See rotaplan::fuzzing::scenario_mutated.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rotaplan::fuzzing::scenario_mutated(data);
});
