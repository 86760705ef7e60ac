//! Replays the fuzz corpora and every saved finding (fuzz/corpus/, fuzz/regressions/) through
//! the same entry points the fuzz targets drive (rotaplan::fuzzing), on the stable toolchain.
//! Each input must return — no panic — within the campaign's hang bound of 10 s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TARGETS: [&str; 4] = [
    "csv_table",
    "scenario_toml",
    "scenario_mutated",
    "plan_readers",
];

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut found = Vec::new();
    for kind in ["corpus", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) {
            found.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    found.sort();
    found
}

fn demo_plan() -> BTreeMap<String, Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fixtures/demo-plan");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_corpus_and_regression_input_replays_cleanly() {
    let plan = demo_plan();
    assert_eq!(plan.len(), 9, "the demo plan fixture");
    let scratch = tempfile::tempdir().unwrap();
    for target in TARGETS {
        let files = inputs(target);
        assert!(!files.is_empty(), "fuzz/corpus/{target} is empty");
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let t0 = Instant::now();
            match target {
                "csv_table" => rotaplan::fuzzing::csv_table(&data),
                "scenario_toml" => rotaplan::fuzzing::scenario_toml(&data),
                "scenario_mutated" => rotaplan::fuzzing::scenario_mutated(&data),
                _ => rotaplan::fuzzing::plan_readers(&plan, &scratch.path().join("p"), &data),
            }
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "{}: {:?}",
                f.display(),
                t0.elapsed()
            );
        }
    }
}

#[test]
fn the_seed_plan_is_read_as_valid() {
    // The plan readers' seed is a real solved plan: verify finds nothing wrong with it, so
    // mutations start from the readers' deep paths, not their first error.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .arg("verify")
        .arg(dir.join("inputs/demo"))
        .arg(dir.join("fuzz/fixtures/demo-plan"))
        .output()
        .unwrap();
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stdout)
    );
}
