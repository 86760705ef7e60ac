//! Inputs at and past the limits (docs/limits.md): a 1 GB CSV, ten million rows, a line of
//! 100 MB, a horizon of a million periods, a scenario.toml nested a thousand deep, and a model
//! estimated too large for memory. Each gives a clear error (exit 2) within bounded memory; the
//! files are generated here, sparse or streamed, so the test stays fast.

mod common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Copies inputs/demo into a temporary directory.
fn demo() -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Runs `rotaplan ARGS` and returns (exit code, stdout + stderr, peak resident memory in MB),
/// the memory from the kernel's accounting of that one child (wait4).
fn run_measured(args: &[&str]) -> (i32, String, f64) {
    let dir = tempfile::tempdir().unwrap();
    let (o, e) = (dir.path().join("out"), dir.path().join("err"));
    let child = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&o).unwrap())
        .stderr(std::fs::File::create(&e).unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 reaps our own child and fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(r, child.id() as libc::pid_t);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let text = std::fs::read_to_string(&o).unwrap() + &std::fs::read_to_string(&e).unwrap();
    (code, text, usage.ru_maxrss as f64 / 1024.0)
}

#[test]
fn a_1_gb_csv_is_refused_without_reading_it() {
    let dir = demo();
    // Sparse: 1 GB long, no disk used.
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("nations.csv"))
        .unwrap();
    f.set_len(1_000_000_000).unwrap();
    let (code, text, mb) = run_measured(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains(
            "nations.csv: cannot read: the file is 1.0 GB, above the limit of 250.0 MB per input file"
        ),
        "{text}"
    );
    assert!(mb < 100.0, "{mb} MB");
}

#[test]
fn ten_million_rows_stop_at_the_row_limit_in_bounded_memory() {
    let dir = demo();
    // 10 million copies of a valid limits.csv row: 170 MB, under the file-size limit.
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(dir.path().join("limits.csv")).unwrap());
    writeln!(f, "nation,zone,domain,max_troops,from,to").unwrap();
    let row = b"*,UA,land,2400,,\n";
    for _ in 0..10_000_000 {
        f.write_all(row).unwrap();
    }
    drop(f);
    let (code, text, mb) = run_measured(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
    // The header is line 1, so the 1,000,001st data row is line 1,000,002.
    assert!(
        text.contains("limits.csv:1000002: more than 1000000 rows: above the limit per table"),
        "{text}"
    );
    // The file (170 MB) plus a million parsed rows: well under a gigabyte.
    assert!(mb < 1000.0, "{mb} MB");
}

#[test]
fn a_line_of_100_mb_is_refused_by_its_number() {
    let dir = demo();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("sites.csv"))
        .unwrap();
    // sites.csv holds a header and three rows: the long line is line 5.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sites.csv"))
            .unwrap()
            .lines()
            .count(),
        4
    );
    let chunk = vec![b'x'; 1_000_000];
    for _ in 0..100 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\n").unwrap();
    drop(f);
    let (code, text, mb) = run_measured(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("sites.csv:5: line longer than 1.0 MB: not a table row"),
        "{text}"
    );
    assert!(mb < 400.0, "{mb} MB");
}

#[test]
fn a_line_at_the_limit_is_read_and_one_byte_more_is_not() {
    // A name cell padded so the whole line is exactly 1,000,000 bytes (without its `\n`).
    for (extra, ok) in [(0usize, true), (1, false)] {
        let dir = demo();
        let prefix = "CAN,";
        let tail = ",2027-04-05,";
        let name = "n".repeat(1_000_000 - prefix.len() - tail.len() + extra);
        let text = std::fs::read_to_string(dir.path().join("nations.csv")).unwrap();
        let text = text.replace("CAN,Canada,2027-04-05,", &format!("{prefix}{name}{tail}"));
        std::fs::write(dir.path().join("nations.csv"), text).unwrap();
        let r = rotaplan(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(
            r.code == 0,
            ok,
            "extra {extra}: {}",
            &r.stdout[..r.stdout.len().min(300)]
        );
        if !ok {
            assert!(r.stdout.contains("nations.csv:6: line longer than 1.0 MB"));
        }
    }
}

#[test]
fn a_million_periods_are_refused_by_the_model_size_estimate() {
    let dir = demo();
    // Without the network (its capacities are per day), one day per period.
    for f in [
        "nodes.csv",
        "arcs.csv",
        "supply.csv",
        "consumption.csv",
        "commodities.csv",
        "initial_stocks.csv",
    ] {
        std::fs::remove_file(dir.path().join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap();
    let toml = toml
        .replace("periods = 52", "periods = 1000000")
        .replace("period_days = 7", "period_days = 1");
    std::fs::write(dir.path().join("scenario.toml"), toml).unwrap();
    let (code, text, mb) = run_measured(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("scenario.toml: the model of this scenario would be too large"),
        "{text}"
    );
    assert!(mb < 100.0, "{mb} MB");
    let out = dir.path().join("out");
    let (code, text, mb) = run_measured(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("--max-model-gb"), "{text}");
    assert!(mb < 100.0, "{mb} MB");
    assert!(!out.exists());
}

#[test]
fn the_model_size_limit_names_the_estimate_and_the_flag_and_can_be_raised() {
    let dir = demo();
    let out = dir.path().join("out");
    let d = dir.path().to_str().unwrap();
    // The demo's MIP: by the estimate's own counts about 1.5e5 nonzeros and some 9e3 columns
    // and rows, i.e. 1.5e5 × 400 + 9e3 × 600 bytes ≈ 0.07 GB: over 0.01 GB, under 1 GB.
    let r = rotaplan(&[
        "solve",
        d,
        "--out",
        out.to_str().unwrap(),
        "--max-model-gb",
        "0.01",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("an estimated 1.5"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("more than the limit of 0.01 GB set by --max-model-gb"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    let r = rotaplan(&[
        "solve",
        d,
        "--out",
        out.to_str().unwrap(),
        "--max-model-gb",
        "1",
        "--quiet",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = rotaplan(&["solve", d, "--max-model-gb", "0"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("expected a number of gigabytes > 0"));
}

#[test]
fn scenario_toml_nested_a_thousand_deep_is_an_error_not_a_crash() {
    let nestings = [
        format!("x = {}{}", "[".repeat(1000), "]".repeat(1000)),
        format!("x = {}1{}", "{a = ".repeat(1000), "}".repeat(1000)),
        (1..=1000)
            .map(|i| format!("[{}]\n", vec!["a"; i].join(".")))
            .collect::<String>(),
    ];
    for nest in nestings {
        let dir = demo();
        let p = dir.path().join("scenario.toml");
        let toml = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("{toml}\n{nest}\n")).unwrap();
        let (code, text, mb) = run_measured(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 2, "{}", &text[..text.len().min(500)]);
        assert!(
            text.starts_with("scenario.toml"),
            "{}",
            &text[..text.len().min(500)]
        );
        assert!(mb < 200.0, "{mb} MB");
    }
}

#[test]
fn a_batch_passes_the_model_size_limit_to_each_variant() {
    // The demo's model is about 0.07 GB by the estimate (worked in the test above): a batch
    // limit of 0.01 GB refuses its variant before it is built, 1 GB lets it solve.
    let dir = demo();
    let d = dir.path().to_str().unwrap();
    let small = dir.path().join("small");
    let r = rotaplan(&[
        "batch",
        d,
        "--out",
        small.to_str().unwrap(),
        "--max-model-gb",
        "0.01",
        "--time-limit",
        "20",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = read_csv(&small.join("batch_summary.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "input_error", "{:?}", rows[0]);
    assert!(!small.join("base/plan/deployments.csv").exists());
    let big = dir.path().join("big");
    let r = rotaplan(&[
        "batch",
        d,
        "--out",
        big.to_str().unwrap(),
        "--max-model-gb",
        "1",
        "--time-limit",
        "20",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read_csv(&big.join("batch_summary.csv"))[0]["status"],
        "optimal"
    );
}

#[test]
fn a_scenario_name_cannot_put_the_plan_outside_outputs() {
    // A name from a hostile scenario.toml: without --out the plan goes to outputs/<name>, and
    // the name becomes one safe directory name (every `/` an `_`, a leading `.` prefixed).
    let dir = demo();
    let toml = std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap();
    let toml = toml.replacen("name = \"demo\"", "name = \"../../escaped\"", 1);
    assert!(
        toml.contains("escaped"),
        "the demo's scenario.toml names itself `demo`"
    );
    std::fs::write(dir.path().join("scenario.toml"), toml).unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args([
            "solve",
            dir.path().to_str().unwrap(),
            "--quiet",
            "--time-limit",
            "20",
        ])
        .current_dir(&work)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(work
        .join("outputs/x.._.._escaped/deployments.csv")
        .is_file());
    assert!(!dir.path().join("escaped").exists());
    assert!(!work.join("escaped").exists());
}
