//! `rotaplan batch` and `rotaplan batch-merge`: many variants of one scenario, side by side
//! (docs/operations.md, "Batch work").
//!
//! Each variant is the base scenario with overrides applied in memory, written out as an ordinary
//! scenario directory (`DIR/<variant>/scenario/`) and solved by a child `rotaplan solve` process
//! with one solver thread (`DIR/<variant>/plan/`, log in `DIR/<variant>/solve.log`). Processes,
//! not threads: HiGHS fixes its thread count per process, and a crash in one variant cannot take
//! the others with it. `--jobs N` children run at once. `DIR/batch_summary.csv` compares them.
//!
//! `--shard I/N` runs only variants i (0-based, in name order) with i mod N = I−1, so the shards of
//! a Slurm job array or a Kubernetes Indexed Job run every variant exactly once; each writes
//! `DIR/batch_summary.shard-I-of-N.csv` and `batch-merge` joins them.

use super::exit;
use crate::base::diag::Diags;
use crate::base::outdir::dir_name;
use crate::base::text::{fmt_num, Csv};
use crate::batch::variants::{self, Change, Override, Variant};
use crate::batch::COLUMNS;
use crate::scenario::table::Table;
use crate::scenario::Scenario;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Arguments of `rotaplan batch`.
#[derive(clap::Args, Debug, Clone)]
pub struct BatchArgs {
    /// The base scenario directory.
    pub scenario: PathBuf,
    /// Variants file: CSV with columns variant, kind, target, value, from, to (docs/operations.md).
    pub variants: Option<PathBuf>,
    /// Output directory: one sub-directory per variant, and batch_summary.csv.
    #[arg(long)]
    pub out: PathBuf,
    /// Variants solved at once (default: the number of cores); each solve uses one thread.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub jobs: Option<u32>,
    /// Add one variant per nation, withdrawn for the whole horizon (`withdraw-<NATION>`).
    #[arg(long = "each-nation-withdraws")]
    pub each_nation_withdraws: bool,
    /// Add one variant per arcs.csv row, closed for the whole horizon (`arc-<FROM>-<TO>-<MODE>`).
    #[arg(long = "each-arc-fails")]
    pub each_arc_fails: bool,
    /// Do not run the unchanged base scenario as variant `base`.
    #[arg(long = "no-base")]
    pub no_base: bool,
    /// Run only shard I of N (1-based), e.g. 2/8. Default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
    #[arg(long)]
    pub shard: Option<String>,
    /// Number of shards when the index comes from the environment (default for Slurm: SLURM_ARRAY_TASK_COUNT).
    #[arg(long)]
    pub shards: Option<usize>,
    /// mip or lp for every variant (default: the scenario's).
    #[arg(long)]
    pub mode: Option<String>,
    /// Solver time limit per variant, seconds.
    #[arg(long = "time-limit")]
    pub time_limit: Option<f64>,
    /// Bound every variant's solve by work, not time (`solve --effort`): reruns give the same plans.
    #[arg(long, value_parser = super::parse_effort)]
    pub effort: Option<f64>,
    /// Wall-clock seconds a variant's process may run before it is stopped and reported as
    /// `timed_out` (default: none). Covers a solve that does not return within its --time-limit.
    #[arg(long = "variant-timeout", value_parser = super::lifeline::parse_timeout)]
    pub variant_timeout: Option<f64>,
    /// Relative MIP gap per variant.
    #[arg(long)]
    pub gap: Option<f64>,
    /// The memory each variant's model may be estimated to need, in GB (default: this machine's
    /// memory shared among the variants solved at once).
    #[arg(long = "max-model-gb", value_parser = crate::model::size::parse_gb)]
    pub max_model_gb: Option<f64>,
    /// Keep a variant's plan when its inputs and options have not changed since it was written.
    #[arg(long = "skip-if-unchanged")]
    pub skip_if_unchanged: bool,
    /// Progress lines as text or as one JSON object per line.
    #[arg(long = "log-format", default_value = "text")]
    pub log_format: String,
    /// List the variants this run (or shard) would solve, and stop.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
}

/// Arguments of `rotaplan batch-merge`.
#[derive(clap::Args, Debug, Clone)]
pub struct MergeArgs {
    /// Batch output directories holding batch_summary.shard-I-of-N.csv files.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged summary (default: the first DIR's batch_summary.csv).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

const TERMS: [&str; 7] = [
    "coverage_penalty",
    "deployment_cost",
    "tour_cost",
    "transport_cost",
    "supply_cost",
    "sustainment_penalty",
    "days_of_supply_penalty",
];

/// One row of the summary, by column name.
type Row = BTreeMap<&'static str, String>;

/// A variant ready to run: its name, the scenario after overrides, and a short description.
struct Job {
    name: String,
    scenario: Scenario,
    overrides: String,
}

fn json_mode(fmt: &str) -> Result<bool, String> {
    match fmt {
        "text" => Ok(false),
        "json" => Ok(true),
        other => Err(format!(
            "--log-format: expected text or json, got `{other}`"
        )),
    }
}

/// Which shard this run is, if any: (I, N) with 1 ≤ I ≤ N.
pub fn shard_from(
    arg: Option<&str>,
    shards: Option<usize>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(usize, usize)>, String> {
    if let Some(s) = arg {
        let parsed = s.split_once('/').and_then(|(i, n)| {
            Some((
                i.trim().parse::<usize>().ok()?,
                n.trim().parse::<usize>().ok()?,
            ))
        });
        return match parsed {
            Some((i, n)) if n >= 1 && (1..=n).contains(&i) => {
                if shards.is_some_and(|m| m != n) {
                    return Err(format!(
                        "--shard {s} and --shards {} disagree",
                        shards.unwrap_or(0)
                    ));
                }
                Ok(Some((i, n)))
            }
            _ => Err(format!(
                "--shard: expected I/N with 1 ≤ I ≤ N, e.g. 2/8, got `{s}`"
            )),
        };
    }
    let int = |name: &str| -> Result<Option<i64>, String> {
        match env(name) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| format!("{name}={v} is not a whole number")),
        }
    };
    if let Some(id) = int("SLURM_ARRAY_TASK_ID")? {
        // The array may be 0-9, 1-10 or 0-18:2: the index is the task's place in the array.
        let min = int("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = int("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let n = match shards {
            Some(n) => n as i64,
            None => int("SLURM_ARRAY_TASK_COUNT")?.ok_or("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give --shards N or --shard I/N")?,
        };
        let idx = (id - min) / step;
        if n < 1 || idx < 0 || idx >= n || (id - min) % step != 0 {
            return Err(format!(
                "SLURM_ARRAY_TASK_ID={id} (array min {min}, step {step}) is not one of {n} shards; give --shard I/N"
            ));
        }
        return Ok(Some((idx as usize + 1, n as usize)));
    }
    if let Some(idx) = int("JOB_COMPLETION_INDEX")? {
        let Some(n) = shards else {
            return Err("JOB_COMPLETION_INDEX is set: give --shards N (the Job's completions), or --shard I/N".into());
        };
        if idx < 0 || idx as usize >= n {
            return Err(format!(
                "JOB_COMPLETION_INDEX={idx} is not below --shards {n}"
            ));
        }
        return Ok(Some((idx as usize + 1, n)));
    }
    match shards {
        Some(_) => Err("--shards needs an index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX; or give --shard I/N".into()),
        None => Ok(None),
    }
}

/// The variants of shard (I, N) out of names sorted by name: every N-th, starting at I−1.
pub fn shard_select(sorted: usize, shard: Option<(usize, usize)>) -> Vec<usize> {
    match shard {
        None => (0..sorted).collect(),
        Some((i, n)) => (0..sorted).filter(|k| k % n == i - 1).collect(),
    }
}

/// The built-in sweeps: each nation withdrawn; each arcs.csv row closed.
fn sweeps(base: &Scenario, nations: bool, arcs: bool) -> Vec<Variant> {
    let mut out = Vec::new();
    if nations {
        for (n, nat) in base.nations.iter().enumerate() {
            out.push(Variant {
                name: format!("withdraw-{}", dir_name(&nat.code)),
                overrides: vec![Override {
                    source: "--each-nation-withdraws".into(),
                    file: "--each-nation-withdraws".into(),
                    line: None,
                    change: Change::WithdrawNation {
                        nation: n,
                        from: None,
                    },
                }],
            });
        }
    }
    if arcs {
        if let Some(net) = &base.network {
            let mut seen = BTreeSet::new();
            for a in &net.arcs {
                // One variant per arcs.csv row: a bidirectional row is one crossing.
                if !seen.insert(a.line) {
                    continue;
                }
                let (f, t) = (&net.nodes[a.from].code, &net.nodes[a.to].code);
                out.push(Variant {
                    name: format!("arc-{}-{}-{}", dir_name(f), dir_name(t), a.mode),
                    overrides: vec![Override {
                        source: "--each-arc-fails".into(),
                        file: "--each-arc-fails".into(),
                        line: None,
                        change: Change::CloseArc {
                            from: a.from,
                            to: a.to,
                            mode: Some(a.mode.clone()),
                            window: (None, None),
                        },
                    }],
                });
            }
        }
    }
    // Codes that become the same directory name get a numeric suffix.
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for v in &mut out {
        let k = taken.entry(v.name.to_ascii_lowercase()).or_insert(0);
        *k += 1;
        if *k > 1 {
            v.name = format!("{}-{}", v.name, k);
        }
    }
    out
}

/// A short, readable list of a variant's overrides for the summary.
fn describe(base: &Scenario, v: &Variant) -> String {
    let d = |x: Option<chrono::NaiveDate>| x.map_or(String::new(), |d| d.to_string());
    let win = |f: Option<chrono::NaiveDate>, t: Option<chrono::NaiveDate>| {
        if f.is_none() && t.is_none() {
            String::new()
        } else {
            format!(" [{}..{}]", d(f), d(t))
        }
    };
    let parts: Vec<String> = v
        .overrides
        .iter()
        .map(|o| match &o.change {
            Change::WithdrawNation { nation, from } => {
                format!(
                    "withdraw_nation {}{}",
                    base.nations[*nation].code,
                    from.map_or(String::new(), |f| format!(" from {f}"))
                )
            }
            Change::ScaleRequirements {
                site,
                role,
                factor,
                from,
                to,
            } => {
                let target = match (site, role) {
                    (Some(s), _) => format!("site:{}", base.sites[*s].code),
                    (_, Some(r)) => format!("role:{r}"),
                    _ => "*".into(),
                };
                format!("scale_requirements {target} x{factor}{}", win(*from, *to))
            }
            Change::Limit {
                nation,
                zone,
                domain,
                max,
                from,
                to,
                add,
            } => format!(
                "{} {}:{}:{} {max}{}",
                if *add { "add_limit" } else { "set_limit" },
                nation.map_or("*".to_string(), |n| base.nations[n].code.clone()),
                zone.clone().unwrap_or_else(|| "*".into()),
                domain.map_or("*", |x| x.as_str()),
                win(*from, *to)
            ),
            Change::CloseArc {
                from,
                to,
                mode,
                window,
            } => {
                let code = |w: usize| {
                    base.network
                        .as_ref()
                        .map_or("?", |n| n.nodes[w].code.as_str())
                };
                format!(
                    "close_arc {}>{}{}{}",
                    code(*from),
                    code(*to),
                    mode.as_deref().map_or(String::new(), |m| format!(":{m}")),
                    win(window.0, window.1)
                )
            }
            Change::Pool { offer, units } => {
                let o = &base.offers[*offer];
                format!(
                    "pool {}:{} {units}",
                    base.nations[o.nation].code, base.unit_types[o.unit_type].code
                )
            }
            Change::TourDays { unit_type, days } => {
                format!("tour_days {} {days}", base.unit_types[*unit_type].code)
            }
            Change::DwellDays { unit_type, days } => {
                format!("dwell_days {} {days}", base.unit_types[*unit_type].code)
            }
        })
        .collect();
    parts.join("; ")
}

/// Builds every variant of the batch (base, file, sweeps), sorted by name. Problems are input
/// errors: all are reported, nothing runs.
fn build_jobs(args: &BatchArgs, base: &Scenario, d: &mut Diags) -> Vec<Job> {
    let mut list: Vec<Variant> = Vec::new();
    if !args.no_base {
        list.push(Variant {
            name: "base".into(),
            overrides: vec![],
        });
    }
    if let Some(path) = &args.variants {
        let label = path.display().to_string();
        match crate::base::inputlimits::read_capped(path) {
            Ok(bytes) => {
                list.extend(variants::parse(&label, &bytes, base, d));
            }
            Err(e) => d.error(
                &label,
                None,
                None,
                format!("cannot read the variants file: {e}"),
            ),
        }
    }
    list.extend(sweeps(
        base,
        args.each_nation_withdraws,
        args.each_arc_fails,
    ));
    // Names are directories: unique, also where the file system ignores case.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for v in &list {
        if let Some(first) = seen.insert(v.name.to_ascii_lowercase(), v.name.clone()) {
            let why = if v.name == "base" || first == "base" {
                "`base` is the unchanged scenario (use --no-base to name a variant `base`)"
                    .to_string()
            } else {
                format!("variant `{}` clashes with `{first}` (names are directories; case does not count)", v.name)
            };
            let src = v.overrides.first();
            d.error(
                src.map_or("batch", |o| o.file.as_str()),
                src.and_then(|o| o.line),
                Some("variant"),
                why,
            );
        }
    }
    // Apply every variant even after errors, so one run reports every problem.
    let mut jobs = Vec::new();
    for v in &list {
        if let Some(sc) = variants::apply(base, v, d) {
            jobs.push(Job {
                name: v.name.clone(),
                overrides: describe(base, v),
                scenario: sc,
            });
        }
    }
    jobs.sort_by(|a, b| a.name.cmp(&b.name));
    jobs
}

/// `rotaplan batch`: returns the exit code.
pub fn run(args: &BatchArgs) -> i32 {
    let json = match json_mode(&args.log_format) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("rotaplan batch: {e}");
            return exit::INPUT;
        }
    };
    if let Some(m) = &args.mode {
        if crate::scenario::Mode::parse(m).is_none() {
            eprintln!("rotaplan batch: --mode: expected mip or lp, got `{m}`");
            return exit::INPUT;
        }
    }
    if args.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0))
        || args.gap.is_some_and(|g| !(g.is_finite() && g >= 0.0))
    {
        eprintln!("rotaplan batch: --time-limit must be > 0 and --gap ≥ 0");
        return exit::INPUT;
    }
    let shard = match shard_from(args.shard.as_deref(), args.shards, &|k| {
        std::env::var(k).ok()
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rotaplan batch: {e}");
            return exit::INPUT;
        }
    };
    let base = match crate::pipeline::load(&args.scenario, false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return exit::exit_code(&e);
        }
    };
    let mut d = Diags::default();
    let jobs = build_jobs(args, &base, &mut d);
    if d.has_errors() {
        for e in d.errors() {
            eprintln!("{e}");
        }
        eprintln!("{} error(s): nothing was run", d.errors().count());
        return exit::INPUT;
    }
    if jobs.is_empty() {
        eprintln!(
            "rotaplan batch: no variants to run (give VARIANTS.csv or a sweep, or drop --no-base)"
        );
        return exit::INPUT;
    }
    let total = jobs.len();
    let mine = shard_select(total, shard);
    let shard_note = shard.map_or(String::new(), |(i, n)| format!(" (shard {i}/{n})"));
    if args.dry_run {
        for &k in &mine {
            println!("{}\t{}", jobs[k].name, jobs[k].overrides);
        }
        return exit::OK;
    }
    // Write every variant's scenario first: a disk problem shows before any solve starts.
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("rotaplan batch: cannot create {}: {e}", args.out.display());
        return exit::OTHER;
    }
    // Shards of one batch share `out`; the same shard run twice at once must not.
    let summary_name = shard.map_or("batch_summary.csv".to_string(), |(i, n)| {
        format!("batch_summary.shard-{i}-of-{n}.csv")
    });
    let _summary_lock = match crate::base::outdir::lock_beside(&args.out, &summary_name) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!(
                "rotaplan batch: {}",
                crate::base::outdir::lock_message(&e, &args.out)
            );
            return exit::OTHER;
        }
    };
    for &k in &mine {
        let dir = args.out.join(&jobs[k].name).join("scenario");
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = crate::scenario::write::write(&jobs[k].scenario, &dir) {
            eprintln!("rotaplan batch: cannot write {}: {e}", dir.display());
            return exit::OTHER;
        }
    }
    let n_jobs = args
        .jobs
        .map(|j| j as usize)
        .unwrap_or_else(crate::base::cores::available)
        .min(mine.len())
        .max(1);
    if json {
        eprintln!(
            "{}",
            serde_json::json!({"event": "batch_start", "variants": mine.len(), "of": total, "shard": shard.map(|(i, n)| format!("{i}/{n}")), "jobs": n_jobs})
        );
    } else {
        eprintln!(
            "batch: {} variant(s){shard_note}, {n_jobs} at a time, into {}",
            mine.len(),
            args.out.display()
        );
    }
    // Variants solved side by side share the machine's memory: each is refused a model that
    // would need more than its share, before it is built.
    let model_gb = args
        .max_model_gb
        .or_else(|| crate::model::size::machine_gb().map(|g| g / n_jobs as f64));
    // And its cores: a child told it has one does not start the work it would do beside HiGHS
    // on a second core (`base::cores`), which would only slow its neighbours.
    let cores = (crate::base::cores::available() / n_jobs).max(1);
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let rows: Mutex<BTreeMap<String, Row>> = Mutex::new(BTreeMap::new());
    let exe = std::env::current_exe();
    std::thread::scope(|s| {
        for _ in 0..n_jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= mine.len() {
                    break;
                }
                let job = &jobs[mine[i]];
                let row = match &exe {
                    Ok(exe) => run_one(exe, args, job, model_gb, cores),
                    Err(e) => failed_row(
                        job,
                        "failed",
                        1,
                        &format!("cannot find the rotaplan executable: {e}"),
                        0.0,
                    ),
                };
                let k = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(json, k, mine.len(), &row);
                // A poisoned lock still holds every row inserted so far: keep them.
                rows.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(job.name.clone(), row);
            });
        }
    });
    let mut rows: Vec<Row> = rows
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_values()
        .collect();
    fill_vs_base(&mut rows);
    let failed = rows.iter().filter(|r| !is_ok(r)).count();
    let file = match shard {
        None => args.out.join("batch_summary.csv"),
        Some((i, n)) => args.out.join(format!("batch_summary.shard-{i}-of-{n}.csv")),
    };
    if let Err(e) = write_summary(&file, &rows) {
        eprintln!("rotaplan batch: cannot write {}: {e}", file.display());
        return exit::OTHER;
    }
    if shard.is_none() {
        crate::report::batch::write_beside(&file);
    }
    let secs = started.elapsed().as_secs_f64();
    if json {
        eprintln!(
            "{}",
            serde_json::json!({"event": "batch_done", "variants": rows.len(), "failed": failed, "elapsed_s": (secs * 1000.0).round() / 1000.0, "summary": file.display().to_string()})
        );
    } else {
        eprintln!(
            "batch: {} variant(s) done in {secs:.1} s, {failed} failed{shard_note}",
            rows.len()
        );
    }
    println!("summary written to {}", file.display());
    if failed > 0 {
        exit::OTHER
    } else {
        exit::OK
    }
}

fn is_ok(r: &Row) -> bool {
    matches!(
        r.get("status").map(String::as_str),
        Some("optimal" | "feasible")
    )
}

/// One progress line per finished variant, on stderr.
fn progress(json: bool, k: usize, n: usize, r: &Row) {
    let g = |c: &str| r.get(c).cloned().unwrap_or_default();
    if json {
        let num = |c: &str| g(c).parse::<f64>().ok();
        eprintln!(
            "{}",
            serde_json::json!({
                "event": "variant", "done": k, "total": n, "variant": g("variant"), "status": g("status"),
                "objective": num("objective"), "shortfall": num("shortfall_role_unit_periods"), "unmet_tons": num("unmet_tons"),
                "wall_s": num("wall_s"), "message": g("message"),
            })
        );
    } else if is_ok(r) {
        eprintln!(
            "[{k}/{n}] {}: {}, objective {}, shortfall {}, unmet {} t, {} s",
            g("variant"),
            g("status"),
            crate::base::text::thousands(g("objective").parse().unwrap_or(0.0)),
            g("shortfall_role_unit_periods"),
            g("unmet_tons"),
            g("wall_s")
        );
    } else {
        eprintln!(
            "[{k}/{n}] {}: {} ({}), {} s",
            g("variant"),
            g("status"),
            g("message"),
            g("wall_s")
        );
    }
}

fn failed_row(job: &Job, status: &str, code: i32, message: &str, wall: f64) -> Row {
    let mut r = Row::new();
    r.insert("variant", job.name.clone());
    r.insert("status", status.to_string());
    r.insert("exit_code", code.to_string());
    r.insert("wall_s", fmt_num(wall));
    r.insert("overrides", job.overrides.clone());
    r.insert("message", message.to_string());
    r
}

/// Sends SIGTERM to a child (it ends its solve cleanly and writes nothing half).
fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Runs one variant in a child process and reads what it wrote.
fn run_one(exe: &Path, args: &BatchArgs, job: &Job, model_gb: Option<f64>, cores: usize) -> Row {
    let vdir = args.out.join(&job.name);
    let plan = vdir.join("plan");
    let log_path = vdir.join("solve.log");
    let t0 = Instant::now();
    if crate::base::signal::interrupted().load(Ordering::Relaxed) {
        return failed_row(
            job,
            "interrupted",
            1,
            "not run: the batch was interrupted",
            0.0,
        );
    }
    let log = match std::fs::File::create(&log_path) {
        Ok(f) => f,
        Err(e) => {
            return failed_row(
                job,
                "failed",
                1,
                &format!("cannot create {}: {e}", log_path.display()),
                0.0,
            )
        }
    };
    let log2 = match log.try_clone() {
        Ok(f) => f,
        Err(e) => {
            return failed_row(
                job,
                "failed",
                1,
                &format!("cannot open {}: {e}", log_path.display()),
                0.0,
            )
        }
    };
    let mut cmd = Command::new(exe);
    cmd.arg("solve")
        .arg(vdir.join("scenario"))
        .arg("--out")
        .arg(&plan)
        .args(["--threads", "1", "--quiet"])
        .env(crate::base::cores::ENV, cores.to_string());
    if let Some(m) = &args.mode {
        cmd.args(["--mode", m]);
    }
    if let Some(t) = args.time_limit {
        cmd.arg("--time-limit").arg(t.to_string());
    }
    if let Some(e) = args.effort {
        cmd.arg("--effort").arg(e.to_string());
    }
    if let Some(g) = args.gap {
        cmd.arg("--gap").arg(g.to_string());
    }
    if let Some(g) = model_gb {
        cmd.arg("--max-model-gb").arg(g.to_string());
    }
    if args.skip_if_unchanged {
        cmd.arg("--skip-if-unchanged");
    }
    super::lifeline::end_with_parent(&mut cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log2));
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return failed_row(
                job,
                "failed",
                1,
                &format!("cannot start {}: {e}", exe.display()),
                0.0,
            )
        }
    };
    let mut forwarded = false;
    let mut overdue = super::lifeline::Deadline::new(args.variant_timeout);
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Ok(st),
            Ok(None) => {}
            Err(e) => break Err(e),
        }
        overdue.enforce(&mut child, t0);
        if !forwarded && crate::base::signal::interrupted().load(Ordering::Relaxed) {
            terminate(child.id());
            forwarded = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = t0.elapsed().as_secs_f64();
    let code = match status {
        Ok(st) => st.code(),
        Err(e) => {
            return failed_row(
                job,
                "failed",
                1,
                &format!("lost the solver process: {e}"),
                wall,
            )
        }
    };
    let log_text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let first_line = |default: &str| {
        let l = log_text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or(default);
        let mut s: String = l.chars().take(300).collect();
        if s.len() < l.len() {
            s.push('…');
        }
        s
    };
    match code {
        Some(0) => match read_plan_summary(&plan) {
            Ok(v) => ok_row(job, &v, wall),
            Err(e) => failed_row(
                job,
                "failed",
                1,
                &format!("the plan's summary.json is unreadable: {e}"),
                wall,
            ),
        },
        other => {
            // A failed variant must not leave an older plan that could be taken for its result.
            // (Leftovers of its killed write first: a plan they would put back goes too.)
            crate::base::outdir::clean_leftovers(&plan);
            let _ = std::fs::remove_dir_all(&plan);
            let (status, code) = match other {
                _ if overdue.fired() => ("timed_out", other.unwrap_or(-1)),
                Some(2) => ("input_error", 2),
                Some(3) => ("infeasible", 3),
                Some(4) => ("no_solution", 4),
                Some(c)
                    if forwarded || crate::base::signal::interrupted().load(Ordering::Relaxed) =>
                {
                    ("interrupted", c)
                }
                Some(c) => ("failed", c),
                None => ("failed", -1),
            };
            let msg = match other {
                _ if overdue.fired() => overdue.message(),
                None => "the solver process was killed by a signal".to_string(),
                _ => first_line("no message"),
            };
            failed_row(
                job,
                status,
                code,
                &format!("{msg} (see {})", log_path.display()),
                wall,
            )
        }
    }
}

fn read_plan_summary(plan: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(plan.join("summary.json")).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

fn ok_row(job: &Job, v: &serde_json::Value, wall: f64) -> Row {
    let mut r = Row::new();
    let f = |x: &serde_json::Value| x.as_f64().map_or(String::new(), fmt_num);
    r.insert("variant", job.name.clone());
    r.insert(
        "status",
        v["status"].as_str().unwrap_or("feasible").to_string(),
    );
    r.insert("exit_code", "0".into());
    r.insert("objective", f(&v["objective"]));
    for t in TERMS {
        r.insert(t, f(&v["terms"][t]));
    }
    r.insert(
        "gap",
        v["gap"].as_f64().map_or(String::new(), |g| {
            format!("{}", crate::base::text::round9(g))
        }),
    );
    r.insert(
        "shortfall_role_unit_periods",
        f(&v["shortfall"]["role_unit_periods"]),
    );
    r.insert("unmet_tons", f(&v["shortfall"]["unmet_tons"]));
    r.insert("peak_troops", f(&v["peak_troops"]));
    if let Some(b) = v["bottlenecks"].as_array().and_then(|a| a.first()) {
        let kind = b["kind"].as_str().unwrap_or("");
        let name = b["name"].as_str().unwrap_or("");
        r.insert(
            "top_bottleneck",
            format!("{kind} {name}").trim().to_string(),
        );
        r.insert("top_bottleneck_value", f(&b["marginal_value"]));
    }
    r.insert(
        "solve_s",
        v["timings_ms"]["solve"]
            .as_f64()
            .map_or(String::new(), |ms| fmt_num(ms / 1000.0)),
    );
    r.insert("wall_s", fmt_num(wall));
    r.insert("overrides", job.overrides.clone());
    r.insert(
        "message",
        if v["status"] == "feasible" {
            "stopped at a limit: best plan found".into()
        } else {
            String::new()
        },
    );
    r
}

/// objective − base objective, where both exist.
fn fill_vs_base(rows: &mut [Row]) {
    let base = rows
        .iter()
        .find(|r| r.get("variant").map(String::as_str) == Some("base"))
        .filter(|r| is_ok(r))
        .and_then(|r| r.get("objective").and_then(|o| o.parse::<f64>().ok()));
    for r in rows.iter_mut() {
        let v = match (
            base,
            is_ok(r),
            r.get("objective").and_then(|o| o.parse::<f64>().ok()),
        ) {
            (Some(b), true, Some(o)) => fmt_num(o - b),
            _ => String::new(),
        };
        r.insert("objective_vs_base", v);
    }
}

/// Writes a summary CSV atomically (temporary file, then rename), rows in variant order.
fn write_summary(file: &Path, rows: &[Row]) -> std::io::Result<()> {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by(|a, b| a.get("variant").cmp(&b.get("variant")));
    let mut csv = Csv::new(&COLUMNS);
    for r in sorted {
        csv.row(
            COLUMNS
                .iter()
                .map(|c| r.get(c).cloned().unwrap_or_default()),
        );
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "summary".into());
    let tmp = file.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    crate::base::outdir::clean_stale_temp_files(file);
    std::fs::write(&tmp, csv.text)?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// `rotaplan batch-merge DIR...`: joins the shards' summaries; exit 0 when every variant
/// succeeded, 1 when some failed, 2 when shards are missing, duplicated or unreadable.
pub fn merge(args: &MergeArgs) -> i32 {
    let mut d = Diags::default();
    // (N, I) -> file
    let mut found: BTreeMap<(usize, usize), PathBuf> = BTreeMap::new();
    for dir in &args.dirs {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                d.error(
                    &dir.display().to_string(),
                    None,
                    None,
                    format!("cannot read the directory: {e}"),
                );
                continue;
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        for name in names {
            let Some(rest) = name
                .strip_prefix("batch_summary.shard-")
                .and_then(|r| r.strip_suffix(".csv"))
            else {
                continue;
            };
            let Some((i, n)) = rest
                .split_once("-of-")
                .and_then(|(i, n)| Some((i.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            else {
                continue;
            };
            let path = dir.join(&name);
            if let Some(first) = found.insert((n, i), path.clone()) {
                d.error(
                    &path.display().to_string(),
                    None,
                    None,
                    format!("shard {i}/{n} appears twice (also {})", first.display()),
                );
            }
        }
    }
    let counts: BTreeSet<usize> = found.keys().map(|(n, _)| *n).collect();
    if found.is_empty() {
        d.error(
            "batch-merge",
            None,
            None,
            "no batch_summary.shard-I-of-N.csv file in the given directories",
        );
    } else if counts.len() > 1 {
        let list: Vec<String> = counts.iter().map(|n| n.to_string()).collect();
        d.error(
            "batch-merge",
            None,
            None,
            format!(
                "shard summaries of different shard counts ({}): merge one run at a time",
                list.join(", ")
            ),
        );
    } else {
        let n = counts.iter().next().copied().unwrap_or(0);
        let missing: Vec<String> = (1..=n)
            .filter(|i| !found.contains_key(&(n, *i)))
            .map(|i| format!("{i}/{n}"))
            .collect();
        if !missing.is_empty() {
            d.error(
                "batch-merge",
                None,
                None,
                format!(
                    "missing shard(s) {}: rerun them, then merge again",
                    missing.join(", ")
                ),
            );
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    if !d.has_errors() {
        for path in found.values() {
            let label = path.display().to_string();
            let bytes = match crate::base::inputlimits::read_capped(path) {
                Ok(b) => b,
                Err(e) => {
                    d.error(&label, None, None, format!("cannot read: {e}"));
                    continue;
                }
            };
            let Some(t) = Table::parse(&label, &bytes, &COLUMNS, &[], &mut d) else {
                continue;
            };
            for r in &t.rows {
                let mut row = Row::new();
                for c in COLUMNS {
                    row.insert(c, t.get(r, c).unwrap_or("").to_string());
                }
                let name = row["variant"].clone();
                let here = format!("{label}:{}", r.line);
                if let Some(first) = seen.insert(name.clone(), here) {
                    d.error(
                        &label,
                        Some(r.line),
                        Some("variant"),
                        format!("variant `{name}` also in {first}"),
                    );
                    continue;
                }
                rows.push(row);
            }
        }
    }
    if d.has_errors() {
        for e in d.errors() {
            eprintln!("{e}");
        }
        eprintln!("nothing was merged");
        return exit::INPUT;
    }
    fill_vs_base(&mut rows);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.dirs[0].join("batch_summary.csv"));
    if let Err(e) = write_summary(&out, &rows) {
        eprintln!("rotaplan batch-merge: cannot write {}: {e}", out.display());
        return exit::OTHER;
    }
    crate::report::batch::write_beside(&out);
    let failed = rows.iter().filter(|r| !is_ok(r)).count();
    println!(
        "{} shard(s), {} variant(s), {failed} failed: {}",
        found.len(),
        rows.len(),
        out.display()
    );
    if failed > 0 {
        exit::OTHER
    } else {
        exit::OK
    }
}
