//! What nightly jobs need from `solve`: identical bytes for identical inputs, the input
//! hash, `--skip-if-unchanged`, `--log-format json`, and a clean end on SIGTERM/SIGINT.

mod common;

use common::{generate, rotaplan, toml, Scenario};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One site needing an infantry unit for 4 weeks; A's one unit serves it (objective 280).
fn small() -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(4, 7, ""))
        .file("nations.csv", "nation\nA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf,land,infantry,100,28,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day\nA,inf,1,10\n",
        )
        .file("sites.csv", "site,zone\nS1,Z1\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\n")
}

fn solve(dir: &Path, out: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "solve",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    rotaplan(&args)
}

/// summary.json without `timings_ms`, the one part allowed to differ between runs.
fn summary_sans_timings(out: &Path) -> serde_json::Value {
    let mut v = common::read_summary(out);
    v.as_object_mut().unwrap().remove("timings_ms");
    v
}

#[test]
fn same_inputs_give_the_same_bytes_and_the_inputs_hash() {
    let sc = small();
    let dir = sc.write();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let r = solve(dir.path(), out, &["--quiet"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let mut names: Vec<String> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert!(
        names.contains(&"deployments.csv".to_string())
            && names.contains(&"summary.json".to_string())
    );
    for name in &names {
        if name != "summary.json" {
            assert_eq!(
                std::fs::read(a.join(name)).unwrap(),
                std::fs::read(b.join(name)).unwrap(),
                "{name} differs"
            );
        }
    }
    assert_eq!(summary_sans_timings(&a), summary_sans_timings(&b));
    // docs/outputs.md#how-files-are-written: SHA-256 over scenario.toml and each present table, in file-name order, each
    // preceded by its name.
    let mut h = Sha256::new();
    for (name, text) in &sc.files {
        h.update(name.as_bytes());
        h.update(text.as_bytes());
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(common::read_summary(&a)["input_hash"], hex.as_str());
    // And `diff` agrees that nothing changed.
    let r = rotaplan(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        dir.path().join("d.csv").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

fn mtime(p: &Path) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn skip_if_unchanged_exits_early_only_when_nothing_changed() {
    let dir = small().write();
    let out = dir.path().join("out");
    // No plan yet: it solves.
    let r = solve(dir.path(), &out, &["--quiet", "--skip-if-unchanged"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = std::fs::read(out.join("summary.json")).unwrap();
    let stamp = mtime(&out.join("summary.json"));
    std::thread::sleep(Duration::from_millis(20));
    // Same inputs and options: nothing is solved or written.
    let r = solve(dir.path(), &out, &["--quiet", "--skip-if-unchanged"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("nothing to do"), "{}", r.stdout);
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), first);
    assert_eq!(mtime(&out.join("summary.json")), stamp);
    // The JSON log says so too.
    let r = solve(
        dir.path(),
        &out,
        &["--skip-if-unchanged", "--log-format", "json"],
    );
    assert_eq!(r.code, 0);
    let ev: serde_json::Value = serde_json::from_str(r.stderr.lines().last().unwrap()).unwrap();
    assert_eq!(ev["event"], "skipped");
    // Another search strategy may find another plan: it solves again.
    let r = solve(
        dir.path(),
        &out,
        &[
            "--quiet",
            "--skip-if-unchanged",
            "--strategy",
            "rotation-first",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("nothing to do"), "{}", r.stdout);
    assert_eq!(
        common::read_summary(&out)["options"]["strategy"],
        "rotation-first"
    );
    // Other options: it solves again (an lp plan is another plan).
    let r = solve(
        dir.path(),
        &out,
        &["--quiet", "--skip-if-unchanged", "--mode", "lp"],
    );
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains("nothing to do"));
    assert_eq!(common::read_summary(&out)["mode"], "lp");
    assert_eq!(common::read_summary(&out)["options"]["mode"], "lp");
    // Changed inputs: it solves again, and the hash follows the inputs.
    let old_hash = common::read_summary(&out)["input_hash"].clone();
    std::fs::write(
        dir.path().join("requirements.csv"),
        "site,role,required\nS1,infantry,2\n",
    )
    .unwrap();
    let r = solve(
        dir.path(),
        &out,
        &["--quiet", "--skip-if-unchanged", "--mode", "lp"],
    );
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains("nothing to do"));
    assert_ne!(common::read_summary(&out)["input_hash"], old_hash);
}

#[test]
fn json_log_lines_for_schedulers() {
    // An unknown column gives a warning, which must come as a JSON event too.
    let dir = small()
        .file("sites.csv", "site,zone,colour\nS1,Z1,red\n")
        .write();
    let out = dir.path().join("out");
    let r = solve(dir.path(), &out, &["--log-format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<serde_json::Value> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line: {l}: {e}")))
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"warning") && kinds.contains(&"model"),
        "{kinds:?}"
    );
    let done = events.last().unwrap();
    assert_eq!(done["event"], "done");
    assert_eq!(done["status"], "optimal");
    assert_eq!(done["objective"], 280.0);
    assert!(done["elapsed_s"].is_number());
    // stdout keeps the human summary.
    assert!(r.stdout.contains("optimal"), "{}", r.stdout);
    // Errors are events as well, with the exit code.
    let broken = small()
        .file("offers.csv", "nation,unit_type,units\nA,inf,x\n")
        .write();
    let r = solve(
        broken.path(),
        &broken.path().join("out"),
        &["--log-format", "json"],
    );
    assert_eq!(r.code, 2);
    let ev: serde_json::Value = serde_json::from_str(r.stderr.lines().last().unwrap()).unwrap();
    assert_eq!(ev["event"], "error");
    assert_eq!(ev["exit_code"], 2);
    assert!(
        ev["message"]
            .as_str()
            .unwrap()
            .contains("offers.csv:2: units"),
        "{ev}"
    );
    // A format that does not exist is a usage error.
    let r = solve(dir.path(), &out, &["--log-format", "xml"]);
    assert_eq!(r.code, 2);
}

/// A signal during the solve of a large model: a prompt exit 1 and nothing written, not even a
/// temporary directory.
#[test]
fn sigterm_or_sigint_during_a_solve_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big");
    generate(&big, [30, 40, 8, 104, 60], 1);
    for signal in ["TERM", "INT"] {
        let runs = tmp.path().join(format!("runs-{signal}"));
        std::fs::create_dir_all(&runs).unwrap();
        let out = runs.join("plan");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args([
                "solve",
                big.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--threads",
                "1",
                "--quiet",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1000));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the solve ended before the signal: make the scenario bigger"
        );
        let sent = Instant::now();
        let k = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(k.success());
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            if sent.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("SIG{signal}: no exit within 60 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let waited = sent.elapsed();
        let mut err = String::new();
        use std::io::Read;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(1), "SIG{signal}: {err}");
        assert!(
            waited < Duration::from_secs(20),
            "SIG{signal}: took {waited:?} to stop"
        );
        assert!(err.contains("interrupted by a signal"), "{err}");
        assert!(err.contains("Nothing was written"), "{err}");
        let left: Vec<String> = std::fs::read_dir(&runs)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(left.is_empty(), "SIG{signal} left {left:?} behind");
    }
}
