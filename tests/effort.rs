//! `--effort N`: a solve bounded by work (restricted MIPs, nodes, LP iterations, what-ifs), not
//! by the clock, so the same inputs give byte-identical plan files on every rerun, even when
//! the plan is not proven optimal. The one field allowed to differ is `timings_ms` in
//! summary.json (wall-clock milliseconds per step).

mod common;

use common::{copy, generate, num, read_summary, rotaplan};
use std::path::{Path, PathBuf};

/// summary.json's text with the `timings_ms` block (the only timing fields) taken out.
fn without_timings(text: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.trim_start().starts_with("\"timings_ms\"") {
            skipping = true;
            continue;
        }
        if skipping {
            if line.trim_start().starts_with('}') {
                skipping = false;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Solves `scenario` into `out` with `args`, asserts exit 0 and that `verify` accepts the plan.
fn solve(scenario: &Path, out: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec![
        "solve",
        scenario.to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
        "--quiet",
    ];
    all.extend_from_slice(args);
    let r = rotaplan(&all);
    assert_eq!(r.code, 0, "solve failed:\n{}\n{}", r.stdout, r.stderr);
    let v = rotaplan(&[
        "verify",
        scenario.to_str().expect("UTF-8 path"),
        out.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(v.code, 0, "verify:\n{}\n{}", v.stdout, v.stderr);
    read_summary(out)
}

/// Solves twice with the same arguments and asserts every file of the two plans is the same,
/// byte for byte (summary.json apart from `timings_ms`). Returns the first run's summary.
fn twice_identical(scenario: &Path, work: &Path, args: &[&str]) -> serde_json::Value {
    let a = work.join("run-1");
    let b = work.join("run-2");
    let summary = solve(scenario, &a, args);
    solve(scenario, &b, args);
    let names = |d: &PathBuf| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .expect("plan directory")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&a), names(&b), "the two runs wrote different files");
    assert!(names(&a).contains(&"deployments.csv".to_string()));
    for name in names(&a) {
        let x = std::fs::read(a.join(&name)).expect("read");
        let y = std::fs::read(b.join(&name)).expect("read");
        if name == "summary.json" {
            let (x, y) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
            assert!(x.contains("\"timings_ms\""));
            assert_eq!(
                without_timings(&x),
                without_timings(&y),
                "summary.json differs beyond timings_ms"
            );
        } else {
            assert!(
                x == y,
                "{name} differs between two runs with the same effort"
            );
        }
    }
    // The run says it was bounded by work alone, and records the effort among its options.
    assert_eq!(summary["effort"]["reproducible"], true, "{summary}");
    assert_eq!(summary["effort"]["stopped_by_time_limit"], false);
    summary
}

/// The small generated scenario of these tests: 4 nations, 5 sites, 4 unit types, 40 weeks,
/// 10 network nodes (657 tour starts, so `auto` would take HiGHS's branch and bound: the
/// tests ask for rotation-first to exercise the search).
fn small_generated(dir: &Path) -> PathBuf {
    let sc = dir.join("gen");
    generate(&sc, [4, 5, 4, 40, 10], 1);
    sc
}

#[test]
fn demo_reruns_byte_identical_under_an_effort() {
    let demo = copy(Path::new("inputs/demo"));
    let work = tempfile::tempdir().expect("temp dir");
    // With the workbook too: plan.xlsx is compared byte for byte like the CSVs.
    let s = twice_identical(demo.path(), work.path(), &["--effort", "1", "--xlsx"]);
    assert!(work.path().join("run-1").join("plan.xlsx").is_file());
    assert_eq!(num(&s, &["options", "effort"]), 1.0);
    assert_eq!(num(&s, &["effort", "units"]), 1.0);
}

#[test]
fn a_plan_short_of_its_optimum_reruns_byte_identical() {
    let work = tempfile::tempdir().expect("temp dir");
    let sc = small_generated(work.path());
    // A gap of 0.01 % and a twentieth of a unit (0.05 × 25 → 1 restricted MIP of at most 1,000
    // nodes, then the whole rotation MIP to 0.05 × 200 = 10 nodes: src/base/effort.rs): the
    // effort ends before the proof, so the plan is only `feasible`, the case where a time limit
    // made reruns differ.
    let s = twice_identical(
        &sc,
        work.path(),
        &[
            "--effort",
            "0.05",
            "--gap",
            "0.0001",
            "--strategy",
            "rotation-first",
        ],
    );
    assert_eq!(s["status"], "feasible", "{s}");
    assert_eq!(s["strategy"], "rotation-first");
}

#[test]
fn a_rolling_horizon_reruns_byte_identical() {
    let work = tempfile::tempdir().expect("temp dir");
    let sc = small_generated(work.path());
    // 40 weeks in windows of 30 committing 5: windows from weeks 0, 5 and 10 (10 + 30 = 40).
    let s = twice_identical(
        &sc,
        work.path(),
        &[
            "--effort",
            "0.1",
            "--rolling-window",
            "30",
            "--rolling-step",
            "5",
            "--strategy",
            "rotation-first",
        ],
    );
    assert_eq!(s["strategy"], "rolling-horizon");
    let windows = s["rolling"]["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 3);
}

#[test]
fn more_effort_never_gives_a_worse_plan_and_none_beats_the_optimum() {
    let work = tempfile::tempdir().expect("temp dir");
    let sc = small_generated(work.path());
    let objective = |out: &str, args: &[&str]| {
        let s = solve(&sc, &work.path().join(out), args);
        (num(&s, &["objective"]), s)
    };
    let search = ["--gap", "0.0001", "--strategy", "rotation-first"];
    // A hundred-thousandth of a unit: 4 simplex iterations for the rotation relaxation (400,000
    // per unit), too few to finish it, so the search starts from the plan with no new tours and
    // gets one restricted MIP; a twentieth of a unit finishes the relaxation and searches from it.
    let (tiny, _) = objective("tiny", &[&search[..], &["--effort", "0.00001"]].concat());
    let (small, _) = objective("small", &[&search[..], &["--effort", "0.05"]].concat());
    // The optimum: HiGHS's branch and bound on the whole model to a zero gap (the time limit
    // is far above what this size needs; only a proven optimum is used), and below it the LP
    // relaxation, which bounds every whole plan from below.
    let (lp, _) = objective("lp", &["--mode", "lp"]);
    let (best, exact) = objective(
        "exact",
        &["--strategy", "mip", "--gap", "0", "--time-limit", "600"],
    );
    assert!(
        tiny > small,
        "the effort must limit: {tiny} (0.00001 units) against {small} (0.05 units)"
    );
    let tol = 1e-6 * best.abs();
    assert!(lp <= best + tol, "LP relaxation {lp} above the plan {best}");
    if exact["status"] == "optimal" {
        assert!(small >= best - tol, "{small} beats the optimum {best}");
    }
    assert!(small >= lp - tol && tiny >= lp - tol);
}

#[test]
fn a_time_limit_that_fires_first_is_reported() {
    let work = tempfile::tempdir().expect("temp dir");
    let sc = small_generated(work.path());
    let out = work.path().join("out");
    // 1000 units (25,000 restricted MIPs, then the whole rotation MIP to 200,000 nodes at a zero
    // gap) cannot be done in one second: the safety stop fires, and the plan says so.
    let r = rotaplan(&[
        "solve",
        sc.to_str().expect("UTF-8"),
        "--out",
        out.to_str().expect("UTF-8"),
        "--effort",
        "1000",
        "--time-limit",
        "1",
        "--gap",
        "0",
        "--strategy",
        "rotation-first",
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let s = read_summary(&out);
    assert_eq!(s["effort"]["stopped_by_time_limit"], true, "{s}");
    assert_eq!(s["effort"]["reproducible"], false);
    assert!(r.stdout.contains("NOT reproducible"), "{}", r.stdout);
    assert!(r
        .stderr
        .contains("the time limit (1 s) stopped the solve before its effort (1000)"));
}

#[test]
fn effort_from_scenario_toml_and_bad_values() {
    let demo = copy(Path::new("inputs/demo"));
    let toml = demo.path().join("scenario.toml");
    let text = std::fs::read_to_string(&toml).expect("scenario.toml");
    std::fs::write(
        &toml,
        text.replace("threads = 1", "threads = 1\neffort = 0.5"),
    )
    .expect("write");
    let work = tempfile::tempdir().expect("temp dir");
    let s = solve(demo.path(), &work.path().join("out"), &[]);
    assert_eq!(num(&s, &["options", "effort"]), 0.5);
    // The flag wins over the file.
    let s = solve(demo.path(), &work.path().join("out2"), &["--effort", "2"]);
    assert_eq!(num(&s, &["effort", "units"]), 2.0);

    std::fs::write(
        &toml,
        text.replace("threads = 1", "threads = 1\neffort = 0"),
    )
    .expect("write");
    let r = rotaplan(&["check", demo.path().to_str().expect("UTF-8")]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("expected units of effort > 0"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = rotaplan(&["solve", "inputs/demo", "--effort", "0"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("expected units of effort"),
        "{}",
        r.stderr
    );
}

#[test]
fn batch_passes_the_effort_to_every_variant() {
    let demo = copy(Path::new("inputs/demo"));
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("batch");
    let r = rotaplan(&[
        "batch",
        demo.path().to_str().expect("UTF-8"),
        "--out",
        out.to_str().expect("UTF-8"),
        "--effort",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let s = read_summary(&out.join("base").join("plan"));
    assert_eq!(num(&s, &["options", "effort"]), 1.0);
    assert_eq!(s["effort"]["reproducible"], true);
}
