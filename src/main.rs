//! The rotaplan command line (SPEC §4).

use clap::{Parser, Subcommand};
use rotaplan::model::Formulation;
use rotaplan::run::{self, exit, Overrides};
use rotaplan::scenario::Mode;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "rotaplan",
    version,
    about = "Plans the rotation and sustainment of a multinational force (LP/MIP with HiGHS)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario and report every problem as file:line: column: message (exit 0 valid, 2 not).
    Check { scenario: PathBuf },
    /// Solve a scenario and write the plan (exit 0 written, 2 input error, 3 infeasible, 4 no plan in the limits, 1 other).
    Solve {
        scenario: PathBuf,
        /// Output directory (default outputs/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// mip (whole units) or lp (relaxation).
        #[arg(long, value_parser = parse_mode)]
        mode: Option<Mode>,
        /// Solver time limit in seconds.
        #[arg(long = "time-limit", value_parser = parse_positive)]
        time_limit: Option<f64>,
        /// Relative MIP gap at which to stop.
        #[arg(long, value_parser = parse_nonneg)]
        gap: Option<f64>,
        /// Solver threads.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
        threads: Option<u32>,
        /// No solver log or progress on stderr.
        #[arg(long)]
        quiet: bool,
        /// How a MIP is searched: auto, mip (branch and bound on everything) or rotation-first (see README).
        #[arg(long, value_parser = parse_strategy)]
        strategy: Option<rotaplan::scenario::Strategy>,
        /// Formulation of the windowed sums: expanded or aggregated (see README).
        #[arg(long, value_parser = parse_form)]
        formulation: Option<Formulation>,
        /// Rolling horizon: plan this many periods at once, window by window (see README).
        #[arg(long = "rolling-window", value_parser = clap::value_parser!(u64).range(1..))]
        rolling_window: Option<u64>,
        /// Rolling horizon: periods committed per window (default: window − longest tour + 1).
        #[arg(long = "rolling-step", value_parser = clap::value_parser!(u64).range(1..))]
        rolling_step: Option<u64>,
        /// Also write the model as handed to HiGHS (MPS, with SPEC names) to this file.
        #[arg(long = "write-mps")]
        write_mps: Option<PathBuf>,
        /// A previous plan's output directory: keep what happened, pin published tours, price changes.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Exit 0 at once, writing nothing, when OUT already holds the plan of these inputs and options.
        #[arg(long = "skip-if-unchanged")]
        skip_if_unchanged: bool,
        /// Progress on stderr: text (the solver's log), or json (one object per line, for schedulers).
        #[arg(long = "log-format", value_parser = ["text", "json"], default_value = "text")]
        log_format: String,
    },
    /// Solve variants of a scenario side by side, in parallel or in shards (exit 0 all solved, 1 some failed, 2 input error).
    Batch(rotaplan::batch::BatchArgs),
    /// Join the summaries of a sharded batch into batch_summary.csv (exit 0 all solved, 1 some failed, 2 shards missing).
    BatchMerge(rotaplan::batch::MergeArgs),
    /// Tours added, removed and moved between two plans (exit 0 same, 1 different, 2 unreadable).
    Diff(rotaplan::diff::DiffArgs),
    /// Re-check a written (possibly hand-edited) plan without the solver (exit 0 valid, 1 violations, 2 unreadable).
    Verify {
        scenario: PathBuf,
        out: PathBuf,
        /// The previous plan a `solve --previous` run was made against (default: the one summary.json names).
        #[arg(long)]
        previous: Option<PathBuf>,
    },
    /// Draw report.html again from a written plan (exit 0 written, 2 unreadable inputs, 1 other).
    Report { scenario: PathBuf, out: PathBuf },
    /// Write a synthetic scenario of any size (for benchmarks).
    Generate {
        out: PathBuf,
        #[arg(long, default_value_t = 10)]
        nations: usize,
        #[arg(long, default_value_t = 12)]
        sites: usize,
        #[arg(long = "unit-types", default_value_t = 6)]
        unit_types: usize,
        #[arg(long, default_value_t = 104)]
        periods: usize,
        #[arg(long, default_value_t = 30)]
        nodes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn parse_mode(s: &str) -> Result<Mode, String> {
    Mode::parse(s).ok_or_else(|| format!("expected mip or lp, got `{s}`"))
}

fn parse_strategy(s: &str) -> Result<rotaplan::scenario::Strategy, String> {
    rotaplan::scenario::Strategy::parse(s)
        .ok_or_else(|| format!("expected auto, mip or rotation-first, got `{s}`"))
}

fn parse_form(s: &str) -> Result<Formulation, String> {
    Formulation::parse(s).ok_or_else(|| format!("expected expanded or aggregated, got `{s}`"))
}

fn parse_positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("expected a number of seconds > 0, got `{s}`")),
    }
}

fn parse_nonneg(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number ≥ 0, got `{s}`")),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // Usage errors are input errors (2), like clap's own convention; --help/--version are 0.
            return ExitCode::from(if e.use_stderr() { exit::INPUT as u8 } else { 0 });
        }
    };
    // First SIGINT/SIGTERM: the solver stops at its next callback and nothing is written.
    // A second one ends the process at once (still nothing half-written: see output.rs).
    let flag = rotaplan::solve::interrupted().clone();
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register_conditional_shutdown(sig, exit::OTHER, flag.clone());
        let _ = signal_hook::flag::register(sig, flag.clone());
    }
    // The solver polls the flag only between its steps (a large model's presolve can take minutes);
    // after a grace period a solve still running is ended here: nothing is written before the
    // solve returns (run::phase), so exit 1 leaves no plan, whole or half.
    let json_log =
        matches!(&cli.command, Command::Solve { log_format, .. } if log_format == "json");
    std::thread::spawn(move || {
        let flag = rotaplan::solve::interrupted();
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
        loop {
            if run::phase::try_exit() {
                fail(
                    json_log,
                    exit::OTHER,
                    "interrupted by a signal before a plan was found. Nothing was written.",
                );
                std::process::exit(exit::OTHER);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
    let code = match cli.command {
        Command::Check { scenario } => check(&scenario),
        Command::Solve {
            scenario,
            out,
            mode,
            time_limit,
            gap,
            threads,
            quiet,
            formulation,
            strategy,
            rolling_window,
            rolling_step,
            write_mps,
            previous,
            skip_if_unchanged,
            log_format,
        } => {
            let ov = Overrides {
                mode,
                time_limit_s: time_limit,
                mip_gap: gap,
                threads,
                formulation,
                strategy,
                rolling_window: rolling_window.map(|w| w as usize),
                rolling_step: rolling_step.map(|s| s as usize),
            };
            let nightly = Nightly {
                skip_if_unchanged,
                json: log_format == "json",
            };
            solve(&scenario, out, &ov, quiet, write_mps, previous, nightly)
        }
        Command::Batch(args) => rotaplan::batch::run(&args),
        Command::BatchMerge(args) => rotaplan::batch::merge(&args),
        Command::Diff(args) => rotaplan::diff::run(&args),
        Command::Verify {
            scenario,
            out,
            previous,
        } => rotaplan::verify::run(&scenario, &out, previous.as_deref()),
        Command::Report { scenario, out } => rotaplan::report::run(&scenario, &out),
        Command::Generate {
            out,
            nations,
            sites,
            unit_types,
            periods,
            nodes,
            seed,
        } => {
            let p = rotaplan::generate::GenParams {
                nations,
                sites,
                unit_types,
                periods,
                nodes,
                seed,
            };
            match rotaplan::generate::validate_params(&p)
                .map_err(|e| (exit::INPUT, e))
                .and_then(|_| {
                    rotaplan::generate::generate(&out, &p)
                        .map_err(|e| (exit::OTHER, format!("cannot write {}: {e}", out.display())))
                }) {
                Ok(()) => {
                    println!("scenario written to {}", out.display());
                    exit::OK
                }
                Err((code, msg)) => {
                    eprintln!("rotaplan generate: {msg}");
                    code
                }
            }
        }
    };
    ExitCode::from(code as u8)
}

fn check(dir: &std::path::Path) -> i32 {
    let mut out = rotaplan::scenario::load(dir);
    // Numbers that are each fine may still multiply into a model the solver cannot take:
    // building it (milliseconds) finds them here, as `solve` would.
    if let Some(sc) = &out.scenario {
        let ov = Overrides::default();
        let m = rotaplan::model::build(sc, sc.solver.mode, run::formulation(sc, &ov));
        if let Some(problem) = m.magnitude_problem() {
            out.diags.items.push(problem);
        }
    }
    for d in &out.diags.items {
        println!("{d}");
    }
    let errors = out.diags.errors().count();
    let warnings = out.diags.warnings().count();
    if errors > 0 {
        println!(
            "{errors} error(s), {warnings} warning(s): {} is not valid",
            dir.display()
        );
        exit::INPUT
    } else {
        println!("{} is valid ({warnings} warning(s))", dir.display());
        exit::OK
    }
}

/// Options of `solve` for nightly jobs (docs/operations.md).
struct Nightly {
    skip_if_unchanged: bool,
    json: bool,
}

/// Reports a failed run on stderr (as a JSON event with `--log-format json`); returns its code.
fn fail(json: bool, code: i32, message: &str) -> i32 {
    run::log_event(
        json,
        message,
        serde_json::json!({"event": "error", "exit_code": code, "message": message}),
    );
    code
}

fn solve(
    dir: &std::path::Path,
    out: Option<PathBuf>,
    ov: &Overrides,
    quiet: bool,
    mps: Option<PathBuf>,
    previous: Option<PathBuf>,
    nightly: Nightly,
) -> i32 {
    let t0 = Instant::now();
    run::phase::enter_solving();
    let json = nightly.json;
    let mut sc = match run::load_logged(dir, quiet, json) {
        Ok(s) => s,
        Err((_, f)) => return fail(json, f.code, &f.message),
    };
    let baseline = match &previous {
        None => None,
        Some(p) => match rotaplan::stability::load_previous(&mut sc, p) {
            Ok(b) => Some(b),
            Err(diags) => {
                for e in diags.errors() {
                    eprintln!("{e}");
                }
                eprintln!("the previous plan in {} does not fit the scenario: nothing was solved or written", p.display());
                return exit::INPUT;
            }
        },
    };
    let load_ms = t0.elapsed().as_millis() as u64;
    let mut opts = run::solve_options(&sc, ov, !quiet, json);
    opts.rolling = match run::rolling(&sc, ov) {
        Ok(r) => r,
        Err(f) => return fail(json, f.code, &f.message),
    };
    if opts.rolling.is_some() && baseline.is_some() {
        return fail(
            json,
            exit::INPUT,
            "--previous cannot be combined with a rolling horizon yet: solve the nightly rerun in one model; nothing was solved or written",
        );
    }
    let form = run::formulation(&sc, ov);
    let out = out.unwrap_or_else(|| run::default_out(&sc));
    let options = run::options_json(&opts, form, previous.as_deref());
    if nightly.skip_if_unchanged && run::plan_is_current(&out, &sc, &options) {
        let msg = format!(
            "{}: inputs and options unchanged since the plan in {} (input_hash {}): nothing to do",
            sc.name,
            out.display(),
            &sc.input_hash[..12.min(sc.input_hash.len())]
        );
        run::log_event(
            json,
            &msg,
            serde_json::json!({"event": "skipped", "out": out.display().to_string(), "input_hash": sc.input_hash}),
        );
        println!("{msg}");
        return exit::OK;
    }
    let extra = std::collections::BTreeMap::from([("options".to_string(), options)]);
    let mut outcome = match run::solve_scenario(
        &sc,
        &opts,
        form,
        load_ms,
        mps.as_deref(),
        baseline.as_ref(),
        extra,
    ) {
        Ok(o) => o,
        Err(f) => return fail(json, f.code, &f.message),
    };
    let tw = Instant::now();
    if let Err(f) = run::write(&out, &mut outcome, tw) {
        return fail(json, f.code, &f.message);
    }
    let s = &outcome.rendered.summary;
    if s.status == "feasible" && !quiet {
        let msg = format!("stopped at a limit before proving optimality: the best plan found is written (status feasible, gap {:.2}%)", s.gap * 100.0);
        run::log_event(
            json,
            &msg,
            serde_json::json!({"event": "limit", "message": msg, "gap": s.gap}),
        );
    }
    if json && !quiet {
        eprintln!(
            "{}",
            serde_json::json!({"event": "done", "status": s.status, "objective": s.objective, "gap": s.gap, "out": out.display().to_string(),
                "elapsed_s": (t0.elapsed().as_secs_f64() * 1000.0).round() / 1000.0})
        );
    }
    let load = rotaplan::output::nation_load(&sc, &outcome.plan.tours);
    let mut peaks: Vec<(String, f64)> = sc
        .nations
        .iter()
        .enumerate()
        .map(|(n, nat)| {
            (
                nat.code.clone(),
                load[n]
                    .iter()
                    .map(|p| p.iter().sum::<f64>())
                    .fold(0.0, f64::max),
            )
        })
        .filter(|(_, v)| *v > 0.0)
        .collect();
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    print!(
        "{}",
        rotaplan::summary_text::summary_text(
            &outcome.rendered.summary,
            &out.display().to_string(),
            &peaks
        )
    );
    exit::OK
}
