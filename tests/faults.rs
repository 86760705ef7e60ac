//! Faults, through the binary: kill -9 at random moments, full and read-only disks, an output
//! path that is a file, two runs into one place, batch variants killed or out of time, and
//! SIGTERM/SIGINT while loading, solving and writing. The promise under test (docs/faults.md):
//! an output directory holds the old complete plan or the new complete one, never a mix, and
//! what a killed run leaves behind is cleared by the next run into the same place.
//!
//! Mounting a small tmpfs needs root; where it is not allowed those cases say so and pass.

mod common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rotaplan");

/// A plan directory's files, or `None` when it is absent.
type Snapshot = Option<BTreeMap<String, Vec<u8>>>;

fn snapshot(dir: &Path) -> Snapshot {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut m = BTreeMap::new();
    for e in entries {
        let p = e.unwrap().path();
        m.insert(
            p.file_name().unwrap().to_string_lossy().to_string(),
            std::fs::read(&p).unwrap(),
        );
    }
    Some(m)
}

/// Temporary or moved-aside directories and files a run leaves beside `out` while writing.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().to_string();
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&tmp) || n.starts_with(&old))
        .collect()
}

/// Copies inputs/demo into `dir`.
fn demo_into(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo");
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn solve_cmd(scenario: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("solve")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--threads", "1"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Runs a command to the end: (exit code, stderr).
fn run(mut c: Command) -> (Option<i32>, String) {
    let o = c.output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Sends `sig` to a process.
fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) on a child this test started and has not reaped yet.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
    }
}

/// Waits for a child at most `limit`; panics (after killing it) when it does not end.
fn wait_for(child: &mut Child, limit: Duration) -> Option<i32> {
    let t0 = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st.code();
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            panic!("the process did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A small pseudo-random sequence (xorshift), seeded from the clock; the seed is printed so a
/// failure can be replayed with FAULT_SEED.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("FAULT_SEED={seed}");
        Rng(seed)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The plan of an `--mode lp` solve is the "old" plan, a MIP solve's the "new" one: they differ
/// (the relaxation deploys fractions of units), so a mix of the two would show.
fn is_whole(plan: &BTreeMap<String, Vec<u8>>, reference: &BTreeMap<String, Vec<u8>>) -> bool {
    plan.len() == reference.len()
        && reference.iter().all(|(f, bytes)| {
            // summary.json holds timings: compared by what it says, not byte for byte.
            if f == "summary.json" {
                let v: serde_json::Value = match serde_json::from_slice(&plan[f]) {
                    Ok(v) => v,
                    Err(_) => return false,
                };
                let r: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                v["objective"] == r["objective"] && v["mode"] == r["mode"]
            } else {
                plan.get(f) == Some(bytes)
            }
        })
}

#[test]
fn kill_9_at_random_moments_of_solve_leaves_the_old_or_the_new_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let (old_ref, new_ref) = (tmp.path().join("old-ref"), tmp.path().join("new-ref"));
    assert_eq!(run(solve_cmd(&sc, &old_ref, &["--mode", "lp"])).0, Some(0));
    let t0 = Instant::now();
    let mut c = solve_cmd(&sc, &new_ref, &[]);
    // Each file written and the swap take 40 ms longer, so kills land inside writes too.
    c.env("ROTAPLAN_FAULT_SLOW_WRITE_MS", "40");
    assert_eq!(run(c).0, Some(0));
    let whole_run = t0.elapsed();
    let (old, new) = (snapshot(&old_ref).unwrap(), snapshot(&new_ref).unwrap());
    assert_ne!(old["deployments.csv"], new["deployments.csv"]);

    let out = tmp.path().join("plan");
    assert_eq!(run(solve_cmd(&sc, &out, &["--mode", "lp"])).0, Some(0));
    let mut rng = Rng::new();
    let mut seen_new = false;
    for i in 0..8 {
        let mut c = solve_cmd(&sc, &out, &[]);
        c.env("ROTAPLAN_FAULT_SLOW_WRITE_MS", "40");
        let mut child = c.spawn().unwrap();
        let at = whole_run.mul_f64(0.1 + rng.unit());
        std::thread::sleep(at);
        signal(child.id(), libc::SIGKILL);
        let _ = wait_for(&mut child, Duration::from_secs(30));
        let now = snapshot(&out).expect("the output directory never disappears");
        let is_old = is_whole(&now, &old);
        let is_new = is_whole(&now, &new);
        assert!(
            is_old || is_new,
            "kill {i} at {at:?}: a mixed or partial plan: {:?}",
            now.keys().collect::<Vec<_>>()
        );
        // Once the new plan is in, the old never comes back.
        assert!(!(seen_new && is_old), "kill {i}: the old plan came back");
        seen_new |= is_new;
    }
    // A run that is not killed clears every leftover of the killed ones.
    assert_eq!(run(solve_cmd(&sc, &out, &[])).0, Some(0));
    assert!(is_whole(&snapshot(&out).unwrap(), &new));
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn the_next_run_clears_what_a_killed_run_left_and_puts_a_moved_plan_back() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let out = tmp.path().join("plan");
    assert_eq!(run(solve_cmd(&sc, &out, &["--mode", "lp"])).0, Some(0));
    let old = snapshot(&out).unwrap();
    // A dead process's pid: that of a child that has ended.
    let mut dead = Command::new("true").spawn().unwrap();
    dead.wait().unwrap();
    let pid = dead.id();
    // What a run killed between moving the old plan aside and renaming its own in leaves.
    let tmp_dir = tmp.path().join(format!(".plan.tmp-{pid}"));
    std::fs::create_dir(&tmp_dir).unwrap();
    std::fs::write(tmp_dir.join("deployments.csv"), "half").unwrap();
    std::fs::rename(&out, tmp.path().join(format!(".plan.old-{pid}"))).unwrap();
    // `--skip-if-unchanged` finds the old plan put back, current, and writes nothing.
    let (code, err) = run(solve_cmd(
        &sc,
        &out,
        &["--mode", "lp", "--skip-if-unchanged"],
    ));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(snapshot(&out).unwrap(), old);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Tmpfs(at.to_path_buf()))
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_with_exit_1_and_keeps_the_old_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let Some(fs) = Tmpfs::mount(&tmp.path().join("disk"), "2m") else {
        return;
    };
    let out = fs.0.join("plan");
    assert_eq!(run(solve_cmd(&sc, &out, &["--mode", "lp"])).0, Some(0));
    let old = snapshot(&out).unwrap();
    let plan_bytes: usize = old.values().map(Vec::len).sum();
    // Fill the disk, then free 8 KiB: far less than a plan (tens of KiB).
    assert!(plan_bytes > 32 * 1024, "{plan_bytes}");
    let filler = fs.0.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![7u8; 4096];
    let mut written = 0u64;
    while std::io::Write::write_all(&mut f, &chunk).is_ok() {
        written += 4096;
    }
    drop(f);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(written.saturating_sub(8192))
        .unwrap();
    let (code, err) = run(solve_cmd(&sc, &out, &[]));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(snapshot(&out).unwrap(), old);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_read_only_output_place_fails_before_solving_and_keeps_the_old_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let Some(fs) = Tmpfs::mount(&tmp.path().join("ro"), "4m") else {
        return;
    };
    let out = fs.0.join("plan");
    assert_eq!(run(solve_cmd(&sc, &out, &["--mode", "lp"])).0, Some(0));
    let old = snapshot(&out).unwrap();
    fs.remount_read_only();
    let t0 = Instant::now();
    let (code, err) = run(solve_cmd(&sc, &out, &[]));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("Read-only file system"), "{err}");
    assert!(err.contains("nothing was solved or written"), "{err}");
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "refused before the solve"
    );
    assert_eq!(snapshot(&out).unwrap(), old);
}

#[test]
fn an_output_path_that_is_a_file_or_a_foreign_directory_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "my notes").unwrap();
    let (code, err) = run(solve_cmd(&sc, &file, &[]));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("is a file, not a plan directory"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"my notes");
    // A directory of someone's files would be replaced whole by a plan: refused too.
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("brief.txt"), "mine").unwrap();
    let (code, err) = run(solve_cmd(&sc, &docs, &[]));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("not a rotaplan plan"), "{err}");
    assert_eq!(std::fs::read(docs.join("brief.txt")).unwrap(), b"mine");
}

#[test]
fn two_solves_into_one_place_one_plan_and_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let out = tmp.path().join("plan");
    let mut c = solve_cmd(&sc, &out, &[]);
    c.env("ROTAPLAN_FAULT_SLOW_WRITE_MS", "100");
    let mut first = c.spawn().unwrap();
    // The first run holds the lock once it has written its pid into it.
    let lock = tmp.path().join(".plan.lock");
    let t0 = Instant::now();
    while std::fs::read_to_string(&lock).ok().as_deref() != Some(&first.id().to_string()) {
        assert!(t0.elapsed() < Duration::from_secs(20), "no lock taken");
        std::thread::sleep(Duration::from_millis(10));
    }
    let (code, err) = run(solve_cmd(&sc, &out, &[]));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "another rotaplan run (pid {}) is writing to",
            first.id()
        )),
        "{err}"
    );
    assert_eq!(wait_for(&mut first, Duration::from_secs(60)), Some(0));
    let plan = snapshot(&out).unwrap();
    assert!(plan.contains_key("summary.json") && plan.contains_key("deployments.csv"));
    // The lock went with its holder: the next run goes ahead.
    assert_eq!(run(solve_cmd(&sc, &out, &[])).0, Some(0));
}

/// Pids of processes whose command line mentions `needle` (Linux /proc).
fn processes_with(needle: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            if String::from_utf8_lossy(&cmd).contains(needle) {
                found.push(pid);
            }
        }
    }
    found
}

fn batch_cmd(sc: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("batch")
        .arg(sc)
        .args(extra)
        .arg("--out")
        .arg(out)
        .args(["--jobs", "1", "--mode", "lp"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn summary_rows(file: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rd = csv::Reader::from_path(file).unwrap();
    let headers = rd.headers().unwrap().clone();
    rd.records()
        .map(|r| {
            let row: BTreeMap<String, String> = headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect();
            (row["variant"].clone(), row)
        })
        .collect()
}

#[test]
fn a_killed_variant_is_named_in_the_summary_and_the_others_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let variants = tmp.path().join("variants.csv");
    std::fs::write(
        &variants,
        "variant,kind,target,value,from,to\nno-FRA,withdraw_nation,FRA,,,\n",
    )
    .unwrap();
    let out = tmp.path().join("batch");
    let mut c = batch_cmd(&sc, &out, &[variants.to_str().unwrap()]);
    c.env("ROTAPLAN_FAULT_SLOW_WRITE_MS", "100");
    let mut batch = c.spawn().unwrap();
    // Variants run in name order: `base` first. Kill its solver process.
    let needle = format!("{}/base/scenario", out.display());
    let t0 = Instant::now();
    let victim = loop {
        if let Some(&p) = processes_with(&needle).first() {
            break p;
        }
        assert!(t0.elapsed() < Duration::from_secs(20), "base never started");
        std::thread::sleep(Duration::from_millis(5));
    };
    signal(victim, libc::SIGKILL);
    assert_eq!(wait_for(&mut batch, Duration::from_secs(60)), Some(1));
    let rows = summary_rows(&out.join("batch_summary.csv"));
    assert_eq!(rows["base"]["status"], "failed");
    assert!(rows["base"]["message"].contains("killed by a signal"));
    assert_eq!(rows["no-FRA"]["status"], "optimal");
    assert!(out.join("no-FRA/plan/summary.json").is_file());
    assert!(!out.join("base/plan").exists());
    assert_eq!(leftovers(&out.join("base/plan")), Vec::<String>::new());
}

#[test]
fn a_variant_past_its_time_is_stopped_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let out = tmp.path().join("batch");
    // Writing the plan's ten or more files takes > 10 × 2 s here, well past the allowance of
    // 1 s and the grace of 10 s after it.
    let mut c = batch_cmd(&sc, &out, &["--variant-timeout", "1"]);
    c.env("ROTAPLAN_FAULT_SLOW_WRITE_MS", "2000");
    let t0 = Instant::now();
    let (code, err) = run(c);
    assert_eq!(code, Some(1), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(25));
    let rows = summary_rows(&out.join("batch_summary.csv"));
    assert_eq!(rows["base"]["status"], "timed_out");
    assert!(rows["base"]["message"].contains("--variant-timeout 1 s"));
    assert!(!out.join("base/plan").exists());
    assert_eq!(leftovers(&out.join("base/plan")), Vec::<String>::new());
}

#[test]
fn kill_9_of_batch_and_batch_merge_leaves_whole_files_and_no_stray_solvers() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let variants = tmp.path().join("variants.csv");
    std::fs::write(
        &variants,
        "variant,kind,target,value,from,to\nno-FRA,withdraw_nation,FRA,,,\n",
    )
    .unwrap();
    let out = tmp.path().join("batch");
    for shard in ["1/2", "2/2"] {
        let (code, err) = run(batch_cmd(
            &sc,
            &out,
            &[variants.to_str().unwrap(), "--shard", shard],
        ));
        assert_eq!(code, Some(0), "{err}");
    }
    let merged = out.join("batch_summary.csv");
    let merge = || {
        let mut c = Command::new(BIN);
        c.arg("batch-merge")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    assert_eq!(run(merge()).0, Some(0));
    let whole = std::fs::read(&merged).unwrap();
    let mut rng = Rng::new();
    for _ in 0..5 {
        let mut child = merge().spawn().unwrap();
        std::thread::sleep(Duration::from_micros((rng.unit() * 5000.0) as u64));
        signal(child.id(), libc::SIGKILL);
        let _ = child.wait();
        assert_eq!(std::fs::read(&merged).unwrap(), whole);
    }
    // A merge killed while writing leaves a temporary file: the next merge removes it.
    let mut dead = Command::new("true").spawn().unwrap();
    dead.wait().unwrap();
    let stray = out.join(format!(".batch_summary.csv.tmp-{}", dead.id()));
    std::fs::write(&stray, "half").unwrap();
    assert_eq!(run(merge()).0, Some(0));
    assert!(!stray.exists());

    // kill -9 of a batch in the middle of a variant: its solver goes too (no orphan keeps
    // writing), and every plan left is whole.
    let shard_summary = out.join("batch_summary.shard-1-of-2.csv");
    let before = std::fs::read(&shard_summary).unwrap();
    let mut c = batch_cmd(&sc, &out, &[variants.to_str().unwrap(), "--shard", "1/2"]);
    c.env("ROTAPLAN_FAULT_SLOW_WRITE_MS", "200");
    let mut batch = c.spawn().unwrap();
    let needle = format!("{}/", out.display());
    let t0 = Instant::now();
    while processes_with(&format!("{needle}base/scenario")).is_empty() {
        assert!(t0.elapsed() < Duration::from_secs(20), "no variant started");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    signal(batch.id(), libc::SIGKILL);
    let _ = batch.wait();
    let t0 = Instant::now();
    while !processes_with(&format!("{needle}base/scenario")).is_empty() {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "a solver outlived its killed batch"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(std::fs::read(&shard_summary).unwrap(), before);
    let plan = out.join("base/plan");
    if let Some(files) = snapshot(&plan) {
        assert!(
            files.contains_key("summary.json") && files.len() >= 8,
            "{files:?}"
        );
    }
    // The rerun of the shard completes and clears what the killed one left.
    let (code, err) = run(batch_cmd(
        &sc,
        &out,
        &[variants.to_str().unwrap(), "--shard", "1/2"],
    ));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(leftovers(&plan), Vec::<String>::new());
    assert_eq!(summary_rows(&shard_summary)["base"]["status"], "optimal");
}

#[test]
fn sigterm_and_sigint_while_loading_solving_and_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    demo_into(&sc);
    let out = tmp.path().join("plan");
    let lp = ["--mode", "lp"];
    assert_eq!(run(solve_cmd(&sc, &out, &lp)).0, Some(0));
    let old = snapshot(&out).unwrap();
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // Loading and building (the first milliseconds), then the MIP search (the demo's takes
        // about a second of CPU).
        for after_ms in [2u64, 30, 400] {
            let mut child = solve_cmd(&sc, &out, &[]).spawn().unwrap();
            std::thread::sleep(Duration::from_millis(after_ms));
            signal(child.id(), sig);
            let t0 = Instant::now();
            let code = wait_for(&mut child, Duration::from_secs(15));
            let now = snapshot(&out).unwrap();
            // The run ends within the 2 s grace plus a step of the solver, exit 1, and the old
            // plan stays (a signal before the handlers exist ends it the same way). A run
            // that had already begun writing finishes its whole plan.
            assert!(t0.elapsed() < Duration::from_secs(10));
            match code {
                Some(1) | None => assert!(is_whole(&now, &old), "{sig} at {after_ms} ms"),
                Some(0) => assert_eq!(now.len(), old.len(), "{sig} at {after_ms} ms"),
                other => panic!("{sig} at {after_ms} ms: exit {other:?}"),
            }
            assert_eq!(leftovers(&out), Vec::<String>::new());
            if code == Some(0) {
                assert_eq!(run(solve_cmd(&sc, &out, &lp)).0, Some(0));
            }
        }
        // Writing: the write, once begun, finishes (it is short), so the plan is new and whole.
        let mut c = solve_cmd(&sc, &out, &[]);
        c.env("ROTAPLAN_FAULT_SLOW_WRITE_MS", "150");
        let mut child = c.spawn().unwrap();
        let tmp_dir = tmp.path().join(format!(".plan.tmp-{}", child.id()));
        let t0 = Instant::now();
        while !tmp_dir.exists() {
            assert!(t0.elapsed() < Duration::from_secs(60), "never wrote");
            std::thread::sleep(Duration::from_millis(2));
        }
        signal(child.id(), sig);
        let code = wait_for(&mut child, Duration::from_secs(30));
        let now = snapshot(&out).unwrap();
        assert_eq!(code, Some(0), "{sig} while writing");
        assert_eq!(now.len(), old.len());
        assert!(!is_whole(&now, &old), "the new plan is in");
        assert_eq!(leftovers(&out), Vec::<String>::new());
        assert_eq!(run(solve_cmd(&sc, &out, &lp)).0, Some(0));
    }
}

/// Runs `solve` on `scenario` into `out` with progress as JSON on stderr, sends `sig` when a
/// stderr line contains `trigger`, and returns (exit code, seconds from the signal to the end,
/// whether the trigger was seen, stderr).
fn signal_at(
    scenario: &Path,
    out: &Path,
    extra: &[&str],
    trigger: &str,
    sig: i32,
) -> (Option<i32>, f64, bool, String) {
    use std::io::BufRead;
    let mut c = Command::new(BIN);
    c.arg("solve")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(["--log-format", "json", "--threads", "1"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let pid = child.id();
    let stderr = child.stderr.take().unwrap();
    let trigger = trigger.to_string();
    let reader = std::thread::spawn(move || {
        let mut sent: Option<Instant> = None;
        let mut text = String::new();
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sent.is_none() && line.contains(&trigger) {
                signal(pid, sig);
                sent = Some(Instant::now());
            }
            text.push_str(&line);
            text.push('\n');
        }
        (sent, text)
    });
    let code = wait_for(&mut child, Duration::from_secs(300));
    let ended = Instant::now();
    let (sent, text) = reader.join().unwrap();
    let after = sent.map_or(f64::NAN, |t| ended.duration_since(t).as_secs_f64());
    (code, after, sent.is_some(), text)
}

#[test]
fn sigterm_aimed_at_each_phase_of_a_larger_solve() {
    // reassurance-10k is large enough that each phase lasts long enough to be hit: building,
    // HiGHS's presolve of the whole MIP (seen in its log with --verbose), the rotation-first
    // search, the bottleneck step (about a second) and the explanations. Before writing begins
    // a signal stops the run: exit 1 within the 2 s grace and a step, the old plan untouched.
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    demo_into(&demo);
    let sc = tmp.path().join("sc");
    std::fs::create_dir_all(&sc).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/reassurance-10k");
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, sc.join(p.file_name().unwrap())).unwrap();
        }
    }
    let out = tmp.path().join("plan");
    assert_eq!(run(solve_cmd(&demo, &out, &["--mode", "lp"])).0, Some(0));
    let old = snapshot(&out).unwrap();
    let limit = ["--time-limit", "10"];
    let cases: [(&str, &[&str], &str, i32, bool); 6] = [
        ("build", &limit, "\"phase\":\"build\"", libc::SIGTERM, false),
        (
            "presolve",
            &["--strategy", "mip", "--verbose", "--time-limit", "10"],
            "Presolving model",
            libc::SIGTERM,
            false,
        ),
        (
            "search",
            &limit,
            "\"event\":\"heuristic\"",
            libc::SIGTERM,
            false,
        ),
        (
            "bottlenecks",
            &limit,
            "\"phase\":\"bottlenecks\"",
            libc::SIGTERM,
            false,
        ),
        (
            "bottlenecks",
            &limit,
            "\"phase\":\"bottlenecks\"",
            libc::SIGINT,
            false,
        ),
        // With no shortfall the explanations take a moment: the write may already have begun.
        (
            "explanations",
            &limit,
            "\"phase\":\"explanations\"",
            libc::SIGTERM,
            true,
        ),
    ];
    for (phase, extra, trigger, sig, may_finish) in cases {
        let (code, after, seen, text) = signal_at(&sc, &out, extra, trigger, sig);
        assert!(seen, "{phase}: `{trigger}` never appeared:\n{text}");
        assert!(after < 8.0, "{phase}: ended {after:.1} s after the signal");
        let now = snapshot(&out).unwrap();
        match code {
            Some(1) => {
                assert!(now == old, "{phase}: the old plan was changed");
                assert!(text.contains("\"event\":\"error\""), "{phase}:\n{text}");
            }
            Some(0) if may_finish => {
                assert_eq!(now.len(), old.len(), "{phase}: the new plan is whole");
                assert!(now["summary.json"] != old["summary.json"], "{phase}");
                assert_eq!(run(solve_cmd(&demo, &out, &["--mode", "lp"])).0, Some(0));
            }
            other => panic!("{phase} (signal {sig}): exit {other:?}\n{text}"),
        }
        assert_eq!(leftovers(&out), Vec::<String>::new(), "{phase}");
    }
}
