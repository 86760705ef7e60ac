#![no_main]
//! See rotaplan::fuzzing::plan_readers: a solved demo plan with one file replaced by the input.
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

fn base() -> &'static BTreeMap<String, Vec<u8>> {
    static BASE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    BASE.get_or_init(|| {
        macro_rules! plan {
            ($($f:literal),*) => {
                BTreeMap::from([$(($f.to_string(), include_bytes!(concat!("../fixtures/demo-plan/", $f)).to_vec())),*])
            };
        }
        plan!(
            "deployments.csv",
            "coverage.csv",
            "nation_load.csv",
            "limit_use.csv",
            "movements.csv",
            "flows.csv",
            "stocks.csv",
            "bottlenecks.csv",
            "summary.json"
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let scratch = PathBuf::from(format!("/tmp/rotaplan-fuzz-plan-{}", std::process::id()));
    rotaplan::fuzzing::plan_readers(base(), &scratch, data);
});
