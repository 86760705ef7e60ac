//! The `solve` pipeline: load, build, solve, read the plan, render, write — with the exit code
//! each way it can end (SPEC §4). Kept apart from the CLI so batch runs reuse it as is.

use crate::bottleneck;
use crate::diag::Diags;
use crate::model::{self, Formulation};
use crate::output::{self, Rendered, Timings};
use crate::plan::{self, Plan};
use crate::scenario::{self, Mode, Scenario};
use crate::solve::{self, MpsRequest, SolveError, SolveOptions, Solved};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Exit codes of `solve` (SPEC §4).
pub mod exit {
    pub const OK: i32 = 0;
    pub const OTHER: i32 = 1;
    pub const INPUT: i32 = 2;
    pub const INFEASIBLE: i32 = 3;
    pub const NO_SOLUTION: i32 = 4;
}

/// Overrides from the command line; `None` keeps the scenario's value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub mode: Option<Mode>,
    pub time_limit_s: Option<f64>,
    pub mip_gap: Option<f64>,
    pub threads: Option<u32>,
    pub formulation: Option<Formulation>,
}

/// How a run ended, with the message for the user.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

/// A finished solve, before or after writing.
pub struct Outcome {
    pub rendered: Rendered,
    pub plan: Plan,
    pub solved: Solved,
}

/// The default formulation, chosen by measurement (README, "Formulation").
pub const DEFAULT_FORMULATION: Formulation = Formulation::Expanded;

/// Loads a scenario, printing warnings; errors become exit code 2.
pub fn load(dir: &Path, quiet: bool) -> Result<Scenario, (Diags, Failure)> {
    let out = scenario::load(dir);
    if !quiet {
        for w in out.diags.warnings() {
            eprintln!("{w}");
        }
    }
    match out.scenario {
        Some(s) => Ok(s),
        None => {
            let n = out.diags.errors().count();
            let mut msg = String::new();
            for e in out.diags.errors() {
                msg.push_str(&e.to_string());
                msg.push('\n');
            }
            msg.push_str(&format!("{n} error(s) in {}: nothing was solved or written", dir.display()));
            Err((out.diags, Failure { code: exit::INPUT, message: msg }))
        }
    }
}

/// Settings after overrides.
pub fn solve_options(sc: &Scenario, ov: &Overrides, log: bool, log_json: bool) -> SolveOptions {
    SolveOptions {
        mode: ov.mode.unwrap_or(sc.solver.mode),
        time_limit_s: ov.time_limit_s.unwrap_or(sc.solver.time_limit_s),
        mip_gap: ov.mip_gap.unwrap_or(sc.solver.mip_gap),
        threads: ov.threads.unwrap_or(sc.solver.threads),
        log,
        log_json,
    }
}

/// Builds, solves and renders a loaded scenario (writes nothing).
pub fn solve_scenario(
    sc: &Scenario,
    opts: &SolveOptions,
    form: Formulation,
    load_ms: u64,
    mps: Option<&Path>,
    extra: BTreeMap<String, serde_json::Value>,
) -> Result<Outcome, Failure> {
    let t0 = Instant::now();
    let m = model::build(sc, opts.mode, form);
    let build_ms = t0.elapsed().as_millis() as u64;
    if opts.log {
        eprintln!(
            "model: {} variables ({} integer), {} constraints, {} nonzeros, {} form, built in {} ms",
            m.lp.num_cols(),
            if opts.mode == Mode::Mip { m.lp.num_integer() } else { 0 },
            m.lp.num_rows(),
            m.lp.nonzeros(),
            form.as_str(),
            build_ms
        );
    }
    let mps_req = mps.map(|p| MpsRequest {
        path: p.to_path_buf(),
        col_names: (0..m.lp.num_cols()).map(|c| m.col_name(c)).collect(),
        row_names: (0..m.lp.num_rows()).map(|r| m.row_name(r)).collect(),
    });
    let t1 = Instant::now();
    let solved = solve::solve(&m.lp, opts, mps_req.as_ref()).map_err(|e| Failure {
        code: match e {
            SolveError::Infeasible | SolveError::Unbounded => exit::INFEASIBLE,
            SolveError::NoSolution(_) => exit::NO_SOLUTION,
            SolveError::Interrupted | SolveError::Other(_) => exit::OTHER,
        },
        message: match e {
            SolveError::Infeasible | SolveError::Unbounded => format!(
                "{e}. Every shortfall is priced, so this means fixed inputs conflict with a hard limit; run `rotaplan check` on the scenario. Nothing was written."
            ),
            _ => format!("{e}. Nothing was written."),
        },
    })?;
    let solve_ms = t1.elapsed().as_millis() as u64;
    let t2 = Instant::now();
    let plan = plan::extract(&m, &solved);
    // The objective evaluated on the plan must match the solver's (plus the constant cost of the
    // initial tours); a mismatch means a modelling bug, and the user should know.
    let constant: f64 = plan.tours.iter().filter(|t| t.initial).map(|t| tour_constant(sc, t)).sum();
    let ours = plan.terms.total();
    let theirs = solved.solver_objective + constant;
    if (ours - theirs).abs() > 1e-6 * ours.abs().max(1.0) + 1e-3 && opts.log {
        eprintln!("warning: objective evaluated on the plan ({ours}) differs from the solver's ({theirs})");
    }
    let mut extra = extra;
    let t3 = Instant::now();
    let bottlenecks = match bottleneck::find(&m, &solved, opts) {
        Ok(list) => Some(list),
        Err(e) => {
            if opts.log {
                eprintln!("warning: bottlenecks not computed ({e})");
            }
            None
        }
    };
    let bottleneck_ms = t3.elapsed().as_millis() as u64;
    if let Some(list) = &bottlenecks {
        extra.insert("bottlenecks".to_string(), bottleneck::json(&m, list, 10));
    }
    let timings = Timings { load: load_ms, build: build_ms, solve: solve_ms, bottlenecks: bottleneck_ms, write: t2.elapsed().as_millis() as u64 };
    let mut rendered = output::render(&m, &solved, &plan, timings, extra);
    if let Some(list) = &bottlenecks {
        rendered.files.insert("bottlenecks.csv".to_string(), bottleneck::csv(&m, list).text.into_bytes());
    }
    Ok(Outcome { rendered, plan, solved })
}

/// Cost of an initial tour that no decision can change (cost_per_day inside the horizon).
fn tour_constant(sc: &Scenario, t: &plan::Tour) -> f64 {
    let Some(off) = sc.offer_of(t.nation, t.unit_type) else { return 0.0 };
    let l = sc.unit_types[t.unit_type].tour as i64;
    let periods = ((t.start + l).min(sc.periods as i64) - t.start.max(0)).max(0) as f64;
    off.cost_per_day * sc.period_days as f64 * periods * t.units
}

/// Serialises the summary and writes every file atomically into `out`.
pub fn write(out: &Path, outcome: &mut Outcome, write_started: Instant) -> Result<(), Failure> {
    outcome.rendered.summary.timings_ms.write += write_started.elapsed().as_millis() as u64;
    let mut files = outcome.rendered.files.clone();
    let json = serde_json::to_string_pretty(&outcome.rendered.summary).map_err(|e| Failure { code: exit::OTHER, message: e.to_string() })?;
    files.insert("summary.json".to_string(), format!("{json}\n").into_bytes());
    output::write_atomically(out, &files).map_err(|e| Failure {
        code: exit::OTHER,
        message: format!("cannot write the plan to {}: {e}; nothing was written", out.display()),
    })
}

/// The default output directory: `outputs/<scenario name>`.
pub fn default_out(sc: &Scenario) -> PathBuf {
    PathBuf::from("outputs").join(&sc.name)
}
