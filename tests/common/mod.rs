//! Shared helpers for the integration tests: write a scenario into a temporary directory, run
//! the rotaplan binary, and solve-then-verify so the model and the independent checker police
//! each other on every solve test.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `rotaplan generate DIR` with the sizes (nations, sites, unit types, periods, nodes) and seed
/// given; panics unless it succeeds.
pub fn generate(dir: &Path, [nations, sites, unit_types, periods, nodes]: [usize; 5], seed: u64) {
    let n = |v: usize| v.to_string();
    let r = rotaplan(&[
        "generate",
        dir.to_str().expect("a UTF-8 path"),
        "--nations",
        &n(nations),
        "--sites",
        &n(sites),
        "--unit-types",
        &n(unit_types),
        "--periods",
        &n(periods),
        "--nodes",
        &n(nodes),
        "--seed",
        &seed.to_string(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// What a run of the binary returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `rotaplan ARGS`.
pub fn rotaplan(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .output()
        .expect("the test binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A scenario under construction: file name -> contents.
#[derive(Clone, Default)]
pub struct Scenario {
    pub files: BTreeMap<String, String>,
}

impl Scenario {
    pub fn new() -> Scenario {
        Scenario::default()
    }

    pub fn file(mut self, name: &str, text: &str) -> Scenario {
        self.files.insert(name.to_string(), text.to_string());
        self
    }

    pub fn without(mut self, name: &str) -> Scenario {
        self.files.remove(name);
        self
    }

    /// Writes the files into a fresh temporary directory.
    pub fn write(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in &self.files {
            std::fs::write(dir.path().join(name), text).expect("write scenario file");
        }
        dir
    }
}

/// A scenario.toml with the given horizon and extra lines.
pub fn toml(periods: usize, period_days: u32, extra: &str) -> String {
    format!("name = \"test\"\nstart = 2027-01-04\nperiods = {periods}\nperiod_days = {period_days}\n{extra}\n")
}

/// Solves `dir` into `<tmp>/out`, asserts exit 0, runs `rotaplan verify` on the result and
/// asserts it passes too. Returns the output directory and the parsed summary.
pub fn solve_and_verify(dir: &Path, extra_args: &[&str]) -> (PathBuf, serde_json::Value) {
    let out = dir.join("out");
    let mut args = vec![
        "solve",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra_args);
    let r = rotaplan(&args);
    assert_eq!(
        r.code, 0,
        "solve failed:\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    let v = rotaplan(&["verify", dir.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(
        v.code, 0,
        "verify found violations in the solved plan:\n{}\n{}",
        v.stdout, v.stderr
    );
    let summary = read_summary(&out);
    (out, summary)
}

/// Solves `dir` into `<dir>/out` with `--strategy rotation-first --log-format json`, asserts
/// exit 0, and returns the output directory and the run (its stderr holds the log events).
pub fn rotation_first_with_json_log(dir: &Path) -> (PathBuf, Run) {
    let out = dir.join("out");
    let r = rotaplan(&[
        "solve",
        dir.to_str().expect("a UTF-8 path"),
        "--out",
        out.to_str().expect("a UTF-8 path"),
        "--strategy",
        "rotation-first",
        "--log-format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (out, r)
}

/// Options for solving a built model's LP in a test: one thread, two minutes, a tight gap.
pub fn lp_options() -> rotaplan::solve::SolveOptions {
    rotaplan::solve::SolveOptions {
        mode: rotaplan::scenario::Mode::Lp,
        time_limit_s: 120.0,
        mip_gap: 1e-4,
        threads: 1,
        log: false,
        lp_solver: None,
        heuristic_effort: 0.05,
        effort: None,
        work: Default::default(),
    }
}

pub fn read_summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("summary.json"))
        .expect("valid JSON")
}

/// Reads a CSV output into rows of (header -> cell).
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// Sum of a numeric column over rows matching a filter.
pub fn sum(
    rows: &[BTreeMap<String, String>],
    col: &str,
    keep: impl Fn(&BTreeMap<String, String>) -> bool,
) -> f64 {
    rows.iter()
        .filter(|r| keep(r))
        .map(|r| r[col].parse::<f64>().expect("number"))
        .sum()
}

pub fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is not a number in {v}"))
}

/// Copies a scenario into a temporary directory (so outputs land there, not in inputs/).
pub fn copy(src: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// A site only one nation may serve (tests/ask.rs, tests/report_why.rs): one role-unit of
/// infantry at S1 (zone east) over 12 weekly periods; inf_bn tours 28 days with 56 of dwell, so
/// a unit tours once in the horizon. AAA offers 2 (offers.csv:2), BBB and CCC 3 each; `limits`
/// is limits.csv (caveats keeping nations out of zone east).
pub fn one_nation_site(limits: &str) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation\nAAA\nBBB\nCCC\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units\nAAA,inf_bn,2\nBBB,inf_bn,3\nCCC,inf_bn,3\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\n")
        .file("limits.csv", limits)
}

/// Debian's chromium, when installed (`make deps` installs it).
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|c| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(c))
                .find(|p| p.is_file())
        })
    })
}

/// The DOM headless Chromium builds from `url` (`--dump-dom`), with the flags this machine's
/// closed network needs and a fresh profile; panics when the browser fails.
pub fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let r = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            url,
        ])
        .output()
        .expect("chromium runs");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    String::from_utf8_lossy(&r.stdout).into_owned()
}
