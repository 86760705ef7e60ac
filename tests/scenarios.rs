//! The shipped scenarios under inputs/: every one passes `check`; the demo solves to a verified
//! optimum; reassurance-10k (the `make run` default) solves in `lp` mode and verifies.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("inputs/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("scenario.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_shipped_scenario_passes_check() {
    let dirs = inputs();
    let names: Vec<String> = dirs
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in ["demo", "reassurance-10k", "coalition-30k", "frontline-100k"] {
        assert!(names.iter().any(|n| n == want), "inputs/{want} is missing");
    }
    for d in dirs {
        let r = rotaplan(&["check", d.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}:\n{}", d.display(), r.stdout);
    }
}

#[test]
fn the_demo_solves_to_a_verified_plan() {
    let dir = copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo"));
    let (out, s) = solve_and_verify(dir.path(), &[]);
    assert_eq!(s["status"], "optimal");
    for f in [
        "deployments.csv",
        "coverage.csv",
        "nation_load.csv",
        "limit_use.csv",
        "movements.csv",
        "flows.csv",
        "stocks.csv",
        "bottlenecks.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
}

#[test]
fn reassurance_10k_solves_in_lp_mode_and_verifies() {
    let dir = copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/reassurance-10k"));
    // A generous limit: the LP is solved to optimality long before it on a quiet machine (about
    // 30 s), and a loaded one must not turn this correctness test into a timing test.
    let (_, s) = solve_and_verify(dir.path(), &["--mode", "lp", "--time-limit", "900"]);
    assert_eq!(s["status"], "optimal");
    assert_eq!(s["mode"], "lp");
    // Initial tours on the ground cost per day and nothing can remove them, so even the
    // relaxation's objective is strictly positive.
    assert!(num(&s, &["objective"]) > 0.0);
}
