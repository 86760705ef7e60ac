//! The rotaplan command line: one file per command; the only place that knows exit codes and
//! how things are said on a terminal. Arguments are parsed here once and handed down resolved.

mod ask;
mod batch;
mod check;
mod convert;
mod diff;
pub mod exit;
mod explain;
mod generate;
mod hand;
mod lifeline;
mod report;
mod solve;
pub mod summary;
mod verify;

use crate::base::{progress, signal, Error};
use crate::model::Formulation;
use crate::scenario::{Mode, Strategy};
use clap::{Parser, Subcommand};
use exit::fail;
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// Bound the solve by work, not time: same inputs, same plan (docs/performance.md#effort); the time limit stays as a safety stop.
        #[arg(long, value_parser = parse_effort)]
        effort: Option<f64>,
        /// Relative MIP gap at which to stop.
        #[arg(long, value_parser = parse_nonneg)]
        gap: Option<f64>,
        /// Solver threads.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
        threads: Option<u32>,
        /// No progress on stderr (errors are still shown).
        #[arg(long)]
        quiet: bool,
        /// Also show the solver's own log (presolve, iterations) on stderr.
        #[arg(long)]
        verbose: bool,
        /// Write the solver's own log to this file.
        #[arg(long = "solver-log")]
        solver_log: Option<PathBuf>,
        /// How a MIP is searched: auto, mip (branch and bound on everything) or rotation-first (docs/model.md).
        #[arg(long, value_parser = parse_strategy)]
        strategy: Option<Strategy>,
        /// Formulation of the windowed sums: expanded or aggregated (docs/model.md).
        #[arg(long, value_parser = parse_form)]
        formulation: Option<Formulation>,
        /// Rolling horizon: plan this many periods at once, window by window (docs/model.md).
        #[arg(long = "rolling-window", value_parser = clap::value_parser!(u64).range(1..))]
        rolling_window: Option<u64>,
        /// Rolling horizon: periods committed per window (default: window − longest tour + 1).
        #[arg(long = "rolling-step", value_parser = clap::value_parser!(u64).range(1..))]
        rolling_step: Option<u64>,
        /// Also write the model as handed to HiGHS (MPS, with the row and column names of docs/model.md) to this file.
        #[arg(long = "write-mps")]
        write_mps: Option<PathBuf>,
        /// A previous plan's output directory: keep what happened, pin published tours, price changes.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Also write the plan as one workbook, plan.xlsx (see docs/spreadsheets.md).
        #[arg(long)]
        xlsx: bool,
        /// Refuse a model whose estimated memory exceeds this many GB (default: the machine's memory).
        #[arg(long = "max-model-gb", value_parser = crate::model::size::parse_gb)]
        max_model_gb: Option<f64>,
        /// Exit 0 at once, writing nothing, when OUT already holds the plan of these inputs and options.
        #[arg(long = "skip-if-unchanged")]
        skip_if_unchanged: bool,
        /// Progress on stderr: text (an updating line on a terminal, plain lines on a pipe), or json (one object per line, for schedulers).
        #[arg(long = "log-format", value_parser = ["text", "json"], default_value = "text")]
        log_format: String,
        /// Take the tours of a (hand-edited) plan as given: PLAN_DIR or its deployments.csv; optimise only flows, stocks and unmet demand (docs/explain.md).
        #[arg(long, conflicts_with_all = ["pin", "previous"])]
        fix: Option<PathBuf>,
        /// Keep the tours listed in FILE (deployments.csv columns) and optimise around them (docs/explain.md).
        #[arg(long, conflicts_with = "previous")]
        pin: Option<PathBuf>,
        /// Also write the ask (ask.csv, ask.json: the fewest additional units that remove the coverage shortfall) beside the plan.
        #[arg(long, conflicts_with_all = ["fix", "pin"])]
        ask: bool,
        /// With --ask: at most this many additional units per nation and unit type.
        #[arg(long = "max-extra", requires = "ask", default_value_t = 5)]
        max_extra: u32,
        /// With --ask: the per-nation ceilings (default: ask-ceilings.csv in the scenario directory, if any).
        #[arg(long, requires = "ask")]
        ceilings: Option<PathBuf>,
    },
    /// Solve variants of a scenario side by side, in parallel or in shards (exit 0 all solved, 1 some failed, 2 input error).
    Batch(batch::BatchArgs),
    /// Join the summaries of a sharded batch into batch_summary.csv (exit 0 all solved, 1 some failed, 2 shards missing).
    BatchMerge(batch::MergeArgs),
    /// Tours added, removed and moved between two plans (exit 0 same, 1 different, 2 unreadable).
    Diff(diff::DiffArgs),
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
    /// Convert a scenario directory to one workbook (DST ending in .xlsx) or a workbook to a directory (exit 0 written, 2 invalid scenario, 1 cannot write).
    Convert { src: PathBuf, dst: PathBuf },
    /// Explain a plan's shortfalls in words: what is short, when, why, and what would fix it (exit 0 printed, 2 unreadable).
    Explain {
        out: PathBuf,
        /// Only this site or node.
        #[arg(long = "where")]
        where_: Option<String>,
        /// Only this role or commodity.
        #[arg(long)]
        what: Option<String>,
    },
    /// The fewest additional units, by nation and unit type, that remove the coverage shortfall: ask.csv (exit 0 written, 2 input error, 4 no plan in the limit, 1 other).
    Ask {
        scenario: PathBuf,
        /// Output directory (default outputs/<scenario name>-ask).
        #[arg(long)]
        out: Option<PathBuf>,
        /// At most this many additional units per nation and unit type.
        #[arg(long = "max-extra", default_value_t = 5)]
        max_extra: u32,
        /// Per-nation ceilings on the ask (default: ask-ceilings.csv in the scenario directory, if any).
        #[arg(long)]
        ceilings: Option<PathBuf>,
        /// Solver time limit in seconds (default: the scenario's).
        #[arg(long = "time-limit", value_parser = parse_positive)]
        time_limit: Option<f64>,
    },
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

fn parse_strategy(s: &str) -> Result<Strategy, String> {
    Strategy::parse(s).ok_or_else(|| format!("expected auto, mip or rotation-first, got `{s}`"))
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

pub(crate) fn parse_effort(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e6 => Ok(v),
        _ => Err(format!(
            "expected units of effort, a number > 0 (1 is about a minute and a half's work on frontline-100k), got `{s}`"
        )),
    }
}

fn parse_nonneg(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number ≥ 0, got `{s}`")),
    }
}

/// Runs the command line; returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // Usage errors are input errors (2), like clap's own convention; --help/--version are 0.
            return ExitCode::from(if e.use_stderr() { exit::INPUT as u8 } else { 0 });
        }
    };
    watch_signals();
    let code = match cli.command {
        Command::Check { scenario } => check::run(&scenario),
        Command::Solve {
            scenario,
            out,
            mode,
            time_limit,
            effort,
            gap,
            threads,
            quiet,
            verbose,
            solver_log,
            formulation,
            strategy,
            rolling_window,
            rolling_step,
            write_mps,
            previous,
            skip_if_unchanged,
            max_model_gb,
            xlsx,
            log_format,
            fix,
            pin,
            ask,
            max_extra,
            ceilings,
        } => {
            let ov = crate::settings::Overrides {
                mode,
                time_limit_s: time_limit,
                mip_gap: gap,
                threads,
                formulation,
                strategy,
                rolling_window: rolling_window.map(|w| w as usize),
                rolling_step: rolling_step.map(|s| s as usize),
                effort,
            };
            match solve::init_progress(quiet, log_format == "json", verbose, solver_log.as_deref())
            {
                Err(e) => fail(&e),
                Ok(()) => solve::run(&solve::Args {
                    scenario,
                    out,
                    overrides: ov,
                    mps: write_mps,
                    previous,
                    skip_if_unchanged,
                    max_model_gb,
                    xlsx,
                    hand: fix
                        .map(|p| (p, crate::planfile::hand::HandMode::Fix))
                        .or(pin.map(|p| (p, crate::planfile::hand::HandMode::Pin))),
                    ask: ask.then_some(solve::AskArgs {
                        max_extra,
                        ceilings,
                    }),
                }),
            }
        }
        Command::Batch(args) => batch::run(&args),
        Command::BatchMerge(args) => batch::merge(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Verify {
            scenario,
            out,
            previous,
        } => verify::run(&scenario, &out, previous.as_deref()),
        Command::Report { scenario, out } => report::run(&scenario, &out),
        Command::Convert { src, dst } => convert::run(&src, &dst),
        Command::Ask {
            scenario,
            out,
            max_extra,
            ceilings,
            time_limit,
        } => ask::run(&scenario, out, max_extra, ceilings.as_deref(), time_limit),
        Command::Explain { out, where_, what } => {
            explain::run(&out, where_.as_deref(), what.as_deref())
        }
        Command::Generate {
            out,
            nations,
            sites,
            unit_types,
            periods,
            nodes,
            seed,
        } => generate::run(
            &out,
            &crate::generate::GenParams {
                nations,
                sites,
                unit_types,
                periods,
                nodes,
                seed,
            },
        ),
    };
    progress::finish();
    ExitCode::from(code as u8)
}

/// First SIGINT/SIGTERM: the solver stops at its next callback and nothing is written. A second
/// one ends the process at once (still nothing half-written: see `output::write_atomically`).
/// The solver polls the flag only between its steps (a large model's presolve can take
/// minutes); after a grace period a solve still running is ended here: nothing is written before
/// the solve returns (`base::signal::phase`), so exit 1 leaves no plan, whole or half.
fn watch_signals() {
    let flag = signal::interrupted().clone();
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register_conditional_shutdown(sig, exit::OTHER, flag.clone());
        let _ = signal_hook::flag::register(sig, flag.clone());
    }
    std::thread::spawn(move || {
        let flag = signal::interrupted();
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
        loop {
            if signal::phase::try_exit() {
                fail(&Error::Other(
                    "interrupted by a signal before a plan was found. Nothing was written."
                        .to_string(),
                ));
                crate::base::outdir::remove_lock_files();
                std::process::exit(exit::OTHER);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
}
