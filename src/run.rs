//! The `solve` pipeline: load, build, solve, read the plan, render, write — with the exit code
//! each way it can end (SPEC §4). Kept apart from the CLI so batch runs reuse it as is.

use crate::bottleneck;
use crate::diag::Diags;
use crate::model::lp::Var;
use crate::model::{self, Formulation};
use crate::output::{self, Rendered, Timings};
use crate::plan::{self, Plan};
use crate::scenario::Strategy;
use crate::scenario::{self, Mode, Scenario};
use crate::solve::{self, MpsRequest, SolveError, SolveOptions, Solved, Status};
use crate::stability::{self, Baseline};
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
    pub strategy: Option<solve::Strategy>,
    pub rolling_window: Option<usize>,
    pub rolling_step: Option<usize>,
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

/// The formulation to build: the flag's, else the default measured best for the mode (README,
/// "Formulation"): written-out rows for the MIP, aggregate variables (solved by interior point)
/// for the LP.
pub fn formulation(sc: &Scenario, ov: &Overrides) -> Formulation {
    ov.formulation
        .unwrap_or(match ov.mode.unwrap_or(sc.solver.mode) {
            Mode::Mip => Formulation::Expanded,
            Mode::Lp => Formulation::Aggregated,
        })
}

/// Where a `solve` run is, for the signal watchdog in `main`. HiGHS polls the interrupt flag
/// only between its steps, and a large model's presolve or first LP can run for minutes without
/// one; since nothing is written before the solve returns, the watchdog may end the process
/// during [`SOLVING`](phase::SOLVING) — but never once writing has begun.
pub mod phase {
    use std::sync::atomic::{AtomicU8, Ordering};

    pub const IDLE: u8 = 0;
    pub const SOLVING: u8 = 1;
    pub const WRITING: u8 = 2;
    pub const EXITING: u8 = 3;
    static PHASE: AtomicU8 = AtomicU8::new(IDLE);

    /// From loading to the end of the solve: nothing has been written.
    pub fn enter_solving() {
        let _ = PHASE.compare_exchange(IDLE, SOLVING, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Before writing; false when the watchdog is already ending the process.
    pub fn enter_writing() -> bool {
        PHASE
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |p| {
                (p != EXITING).then_some(WRITING)
            })
            .is_ok()
    }

    /// For the watchdog: true when the process may end now (solving, nothing written).
    pub fn try_exit() -> bool {
        PHASE
            .compare_exchange(SOLVING, EXITING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }
}

/// A progress or warning line on stderr: text, or one JSON object per line (`--log-format json`).
pub fn log_event(json: bool, text: &str, event: serde_json::Value) {
    if json {
        eprintln!("{event}");
    } else {
        eprintln!("{text}");
    }
}

/// Loads a scenario, printing warnings; errors become exit code 2.
pub fn load(dir: &Path, quiet: bool) -> Result<Scenario, (Diags, Failure)> {
    load_logged(dir, quiet, false)
}

/// [`load`], with warnings as JSON events when `json`.
pub fn load_logged(dir: &Path, quiet: bool, json: bool) -> Result<Scenario, (Diags, Failure)> {
    let out = scenario::load(dir);
    if !quiet {
        for w in out.diags.warnings() {
            log_event(
                json,
                &w.to_string(),
                serde_json::json!({"event": "warning", "message": w.to_string()}),
            );
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
            msg.push_str(&format!(
                "{n} error(s) in {}: nothing was solved or written",
                dir.display()
            ));
            Err((
                out.diags,
                Failure {
                    code: exit::INPUT,
                    message: msg,
                },
            ))
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
        // Interior point is much faster than simplex on the aggregated LP, and simplex on the
        // written-out one (README, "Formulation").
        lp_solver: (formulation(sc, ov) == Formulation::Aggregated).then_some("ipm"),
        strategy: ov.strategy.unwrap_or(sc.solver.strategy),
        heuristic_effort: sc.solver.heuristic_effort,
        rolling: None,
    }
}

/// The rolling-horizon settings after overrides, checked against the scenario's tour lengths
/// (see [`crate::rolling::settle`]); a bad value is an input error (exit 2).
pub fn rolling(sc: &Scenario, ov: &Overrides) -> Result<Option<crate::rolling::Rolling>, Failure> {
    let (window, from_flag) = match (ov.rolling_window, sc.solver.rolling_window) {
        (Some(w), _) => (Some(w), true),
        (None, w) => (w, false),
    };
    let step = ov.rolling_step.or(sc.solver.rolling_step);
    let mode = ov.mode.unwrap_or(sc.solver.mode);
    crate::rolling::settle(sc, mode, window, step).map_err(|why| Failure {
        code: exit::INPUT,
        message: format!(
            "{}: {why}; nothing was solved or written",
            if from_flag || ov.rolling_step.is_some() {
                "--rolling-window/--rolling-step".to_string()
            } else {
                format!(
                    "{}: solver.rolling_window/rolling_step",
                    sc.dir.join("scenario.toml").display()
                )
            }
        ),
    })
}

/// `auto` solves the rotation first from this many integer tour starts on, when there is a
/// supply network (measured: README, "Performance").
pub const ROTATION_FIRST_FROM: usize = 1000;

/// The rotation-first strategy: the rotation MIP alone (no network), then the full model as an
/// LP with those tours fixed.
///
/// The sustainment families add no constraint on tours (unmet demand is priced, not forbidden),
/// and their terms are never negative, so the rotation MIP's proven bound is a lower bound of the
/// full model too: the gap reported against it is honest. When the network is roomy the plan is
/// near-optimal; when sustainment should have changed the tours, the gap shows it.
fn rotation_first(
    sc: &Scenario,
    opts: &SolveOptions,
    form: Formulation,
    baseline: Option<&Baseline>,
    m: &model::Model,
) -> Result<Solved, SolveError> {
    let started = Instant::now();
    let rotation = model::build_with(sc, opts.mode, form, baseline, false);
    if opts.log {
        log_event(
            opts.log_json,
            &format!(
                "strategy rotation-first: rotation MIP of {} variables ({} integer), {} constraints first",
                rotation.lp.num_cols(),
                rotation.lp.num_integer(),
                rotation.lp.num_rows()
            ),
            serde_json::json!({"event": "phase", "phase": "rotation-mip"}),
        );
    }
    let rot_opts = SolveOptions {
        time_limit_s: opts.time_limit_s * 0.8,
        ..opts.clone()
    };
    // The LP relaxation, then restricted MIPs around it (src/heuristic.rs): HiGHS's branch and
    // bound on the whole rotation MIP spends a coalition-size time limit before its first good plan.
    let r = match crate::heuristic::solve_rotation(&rotation, &rot_opts) {
        Ok(r) => r,
        Err(SolveError::NoSolution(_)) => solve::least_plan(&rotation.lp, &rot_opts)?,
        Err(e) => return Err(e),
    };
    let t_fixed = Instant::now();
    let mut solved = with_rotation_plan(m, &rotation, &r.values, opts, r.bound, started)?;
    let fixed_seconds = t_fixed.elapsed().as_secs_f64();
    let tangent = sustainment_bound(
        m,
        &rotation,
        &mut solved,
        r.relaxation.as_ref(),
        opts,
        started,
    )?;
    if let Some(tangent) = tangent {
        sustainment_search(
            m,
            &rotation,
            &r.values,
            tangent,
            &mut solved,
            opts,
            started,
            fixed_seconds,
        )?;
    }
    solved.relaxation = r.relaxation;
    Ok(solved)
}

/// The full model as an LP with the tours of `values` (a plan of the rotation model) fixed.
///
/// The rotation model is built by the same code up to its sustainment families, so its tour
/// columns are the full model's, in the same order: they are matched by what they stand for.
fn with_rotation_plan(
    m: &model::Model,
    rotation: &model::Model,
    values: &[f64],
    opts: &SolveOptions,
    bound: f64,
    started: Instant,
) -> Result<Solved, SolveError> {
    let starts: BTreeMap<(u32, u32), f64> = rotation
        .lp
        .var
        .iter()
        .enumerate()
        .filter_map(|(c, v)| match v {
            Var::Tour { triple, t } => Some(((*triple, *t), values[c].round())),
            _ => None,
        })
        .collect();
    let starts = |triple: u32, t: u32| starts.get(&(triple, t)).copied().unwrap_or(0.0);
    solve_with_tours_fixed(m, starts, opts, bound, started)
}

/// The rotation search again, from the plan in hand, with each tour start's cost raised by the
/// sustainment it adds near that plan (the tangent's π·G), within what is left of the limit
/// after room for one more fixed-tours LP. The search alone picks tours blind to the network: at
/// frontline-100k with 300 s it covered 147 more role-unit-weeks (−15.3 M) for 23,191 t more
/// unmet supply (+23.2 M). Raised costs are only an estimate (exact while each node stays on the
/// same side of its limits), so the plan found is kept only when the whole model's LP with its
/// tours fixed costs less; the bound is untouched.
#[allow(clippy::too_many_arguments)]
fn sustainment_search(
    m: &model::Model,
    rotation: &model::Model,
    plan: &[f64],
    tangent: crate::bound::Tangent,
    solved: &mut Solved,
    opts: &SolveOptions,
    started: Instant,
    fixed_seconds: f64,
) -> Result<(), SolveError> {
    let t = Instant::now();
    let end = opts.time_limit_s - 1.5 * fixed_seconds - 1.0;
    let seconds = end - started.elapsed().as_secs_f64();
    if seconds < (0.05 * opts.time_limit_s).max(3.0) {
        return Ok(());
    }
    let mut costed = rotation.clone();
    costed.lp.cost = tangent.costs;
    let quiet = SolveOptions {
        log: false,
        log_json: false,
        ..opts.clone()
    };
    let deadline = Instant::now() + std::time::Duration::from_secs_f64(seconds);
    let (found, stats) =
        crate::heuristic::search(&costed, &tangent.relaxation, &quiet, deadline, Some(plan))?;
    let same = (0..plan.len()).all(|c| {
        !matches!(rotation.lp.var[c], Var::Tour { .. })
            || found.values[c].round() == plan[c].round()
    });
    let before = solved.solver_objective;
    let mut kept = false;
    if !same {
        let other = with_rotation_plan(m, rotation, &found.values, opts, solved.bound, started)?;
        if other.solver_objective < before - 1e-9 * before.abs() {
            *solved = other;
            kept = true;
        }
    }
    if opts.log {
        let text = format!(
            "sustainment search: {} restricted MIPs with sustainment-raised tour costs: whole plan {before:.0} -> {:.0}{} ({:.1} s)",
            stats.restricted_mips,
            solved.solver_objective,
            if kept { "" } else { " (kept the plan in hand)" },
            t.elapsed().as_secs_f64()
        );
        log_event(
            opts.log_json,
            &text,
            serde_json::json!({"event": "heuristic", "step": "sustainment-search", "before": before,
                "after": solved.solver_objective, "kept": kept, "restricted_mips": stats.restricted_mips}),
        );
    }
    Ok(())
}

/// Tightens the bound of a rotation-first plan with one that counts sustainment
/// ([`crate::bound::sustainment_tangent`]), when the time left in the limit is enough for one
/// more rotation relaxation (judged by how long the first took).
fn sustainment_bound(
    m: &model::Model,
    rotation: &model::Model,
    solved: &mut Solved,
    first: Option<&solve::KnownRelaxation>,
    opts: &SolveOptions,
    started: Instant,
) -> Result<Option<crate::bound::Tangent>, SolveError> {
    let left = opts.time_limit_s - started.elapsed().as_secs_f64();
    let Some(first) = first else { return Ok(None) };
    let say = |text: String, event: serde_json::Value| {
        if opts.log {
            log_event(opts.log_json, &text, event);
        }
    };
    if left < 1.5 * first.seconds + 1.0 {
        say(
            format!("sustainment bound: skipped ({left:.1} s left; the rotation relaxation took {:.1} s)", first.seconds),
            serde_json::json!({"event": "bound", "step": "sustainment", "skipped": true}),
        );
        return Ok(None);
    }
    let t = Instant::now();
    let Some(tangent) = crate::bound::sustainment_tangent(m, rotation, solved, opts, left)? else {
        say(
            format!(
                "sustainment bound: none within the {left:.1} s left ({:.1} s)",
                t.elapsed().as_secs_f64()
            ),
            serde_json::json!({"event": "bound", "step": "sustainment", "bound": null}),
        );
        return Ok(None);
    };
    let lower = tangent.bound;
    say(
        format!(
            "sustainment bound: {lower:.0} against the rotation bound {:.0} ({:.1} s)",
            solved.bound,
            t.elapsed().as_secs_f64()
        ),
        serde_json::json!({"event": "bound", "step": "sustainment", "bound": lower,
            "rotation_bound": solved.bound, "elapsed_s": t.elapsed().as_secs_f64()}),
    );
    let upper = solved.solver_objective;
    if lower > solved.bound {
        solved.bound = lower.min(upper);
        solved.gap = solve::relative_gap(upper, solved.bound);
        solved.status = Status::for_gap(solved.gap, opts.mip_gap);
    }
    Ok(Some(tangent))
}

/// The full model as an LP with every tour start fixed at `starts(triple, t)`, so only the
/// sustainment families (flows, stocks, unmet demand) are left to decide; solved within what is
/// left of the limit, and at least a minute. The gap is measured against `bound`, a lower bound
/// of the full model proven elsewhere. The LP's duals are kept: they are the ones the bottleneck
/// step prices the network with.
pub(crate) fn solve_with_tours_fixed(
    m: &model::Model,
    starts: impl Fn(u32, u32) -> f64,
    opts: &SolveOptions,
    bound: f64,
    started: Instant,
) -> Result<Solved, SolveError> {
    let mut fixed = m.lp.clone();
    for c in 0..fixed.num_cols() {
        if let Var::Tour { triple, t } = fixed.var[c] {
            let v = starts(triple, t).max(fixed.col_lo[c]);
            fixed.col_lo[c] = v;
            fixed.col_hi[c] = v;
        }
        fixed.integer[c] = false;
    }
    let left = (opts.time_limit_s - started.elapsed().as_secs_f64())
        .max(opts.time_limit_s * 0.2)
        .max(60.0);
    let lp_opts = SolveOptions {
        mode: Mode::Lp,
        time_limit_s: left,
        ..opts.clone()
    };
    let f = solve::solve(&fixed, &lp_opts, None)?;
    let (upper, lower) = (f.solver_objective, bound);
    let gap = solve::relative_gap(upper, lower);
    Ok(Solved {
        status: Status::for_gap(gap, opts.mip_gap),
        values: f.values,
        solver_objective: upper,
        bound: lower,
        gap,
        row_duals: f.row_duals,
        col_duals: f.col_duals,
        relaxation: None,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What `auto` means for this model: rotation-first for MIPs with a supply network and more
/// than [`ROTATION_FIRST_FROM`] tour starts, branch and bound on everything otherwise.
pub fn resolve_strategy(opts: &SolveOptions, m: &model::Model) -> Strategy {
    match opts.strategy {
        Strategy::Auto
            if opts.mode == Mode::Mip
                && m.net.is_some()
                && m.lp.num_integer() > ROTATION_FIRST_FROM =>
        {
            Strategy::RotationFirst
        }
        Strategy::Auto => Strategy::Mip,
        s => s,
    }
}

/// Nonzeros up to which the bottleneck step tries the whole model's relaxation after a
/// rotation-first or rolling-horizon solve (gen-S, 0.3M: it tightens the bound from 32 % to
/// under 1 %).
pub const WHOLE_RELAXATION_UP_TO: usize = 1_000_000;

/// Whether [`solve_model`] takes the rotation-first path: the strategy asks for it and there is
/// a MIP with a network to split off.
fn goes_rotation_first(opts: &SolveOptions, m: &model::Model, strategy: Strategy) -> bool {
    strategy == Strategy::RotationFirst && opts.mode == Mode::Mip && m.net.is_some()
}

/// Solves a built model by `strategy` (already resolved), writing it as MPS first when asked.
pub fn solve_model(
    sc: &Scenario,
    opts: &SolveOptions,
    form: Formulation,
    baseline: Option<&Baseline>,
    m: &model::Model,
    strategy: Strategy,
    mps: Option<&MpsRequest>,
) -> Result<Solved, SolveError> {
    if goes_rotation_first(opts, m, strategy) {
        if let Some(req) = mps {
            solve::write_model(&m.lp, true, req)?;
        }
        rotation_first(sc, opts, form, baseline, m)
    } else {
        solve::solve_plan(&m.lp, opts, mps)
    }
}

/// Builds, solves and renders a loaded scenario (writes nothing).
pub fn solve_scenario(
    sc: &Scenario,
    opts: &SolveOptions,
    form: Formulation,
    load_ms: u64,
    mps: Option<&Path>,
    baseline: Option<&Baseline>,
    extra: BTreeMap<String, serde_json::Value>,
) -> Result<Outcome, Failure> {
    let t0 = Instant::now();
    let mut extra = extra;
    let m = model::build_with(sc, opts.mode, form, baseline, true);
    let build_ms = t0.elapsed().as_millis() as u64;
    if opts.log {
        let ints = if opts.mode == Mode::Mip {
            m.lp.num_integer()
        } else {
            0
        };
        log_event(
            opts.log_json,
            &format!(
                "model: {} variables ({ints} integer), {} constraints, {} nonzeros, {} form, built in {build_ms} ms",
                m.lp.num_cols(),
                m.lp.num_rows(),
                m.lp.nonzeros(),
                form.as_str(),
            ),
            serde_json::json!({"event": "model", "variables": m.lp.num_cols(), "integer_variables": ints, "constraints": m.lp.num_rows(),
                "nonzeros": m.lp.nonzeros(), "formulation": form.as_str(), "build_ms": build_ms}),
        );
    }
    if let Some(problem) = m.magnitude_problem() {
        return Err(Failure {
            code: exit::INPUT,
            message: format!("{problem}\nnothing was solved or written"),
        });
    }
    let mps_req = mps.map(|p| MpsRequest {
        path: p.to_path_buf(),
        col_names: (0..m.lp.num_cols()).map(|c| m.col_name(c)).collect(),
        row_names: (0..m.lp.num_rows()).map(|r| m.row_name(r)).collect(),
    });
    let t1 = Instant::now();
    let strategy = resolve_strategy(opts, &m);
    let solved = match opts.rolling {
        Some(rolling) => {
            if let Some(req) = &mps_req {
                solve::write_model(&m.lp, true, req).map_err(|e| Failure {
                    code: exit::OTHER,
                    message: format!("{e}. Nothing was written."),
                })?;
            }
            crate::rolling::solve(sc, opts, form, rolling, &m).map(|(solved, report)| {
                extra.insert("rolling".to_string(), report);
                solved
            })
        }
        None => solve_model(sc, opts, form, baseline, &m, strategy, mps_req.as_ref()),
    };
    if opts.mode == Mode::Mip {
        let name = if opts.rolling.is_some() {
            "rolling-horizon"
        } else {
            strategy.as_str()
        };
        extra.insert("strategy".to_string(), serde_json::json!(name));
    }
    let mut solved = solved.map_err(|e| Failure {
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
    let mut plan = plan::extract(&m, &solved);
    // The objective evaluated on the plan must match the solver's (plus the constant cost of the
    // initial tours); a mismatch means a modelling bug, and the user should know.
    let mut constant: f64 = plan
        .tours
        .iter()
        .filter(|t| t.initial)
        .map(|t| plan::deployment_cost(sc, t))
        .sum();
    if let Some(base) = baseline {
        let (changed, list) = stability::changes(sc, base, &plan.tours);
        plan.terms.change_penalty = changed * sc.stability.change_penalty;
        // Previous tours the new model cannot hold at all are changes no decision avoids.
        let held: std::collections::BTreeSet<(usize, usize, usize, usize)> = m
            .triples
            .iter()
            .flat_map(|x| {
                x.x.iter()
                    .enumerate()
                    .filter(|(_, c)| c.is_some())
                    .map(move |(t, _)| (x.nation, x.unit_type, x.site, t))
            })
            .collect();
        constant += base
            .planned
            .iter()
            .filter(|(k, _)| !held.contains(k))
            .map(|(_, (a, _))| a * sc.stability.change_penalty)
            .sum::<f64>();
        let pinned: f64 = base.pinned.values().sum();
        extra.insert(
            "stability".to_string(),
            serde_json::json!({
                "previous": base.dir.display().to_string(),
                "tours_carried_over": base.carried,
                "tours_pinned": pinned,
                "tours_changed": output::round9(changed),
                "changes": list,
            }),
        );
    }
    let ours = plan.terms.total();
    let theirs = solved.solver_objective + constant;
    if (ours - theirs).abs() > 1e-6 * ours.abs().max(1.0) + 1e-3 && opts.log {
        let msg = format!("warning: objective evaluated on the plan ({ours}) differs from the solver's ({theirs})");
        log_event(
            opts.log_json,
            &msg,
            serde_json::json!({"event": "warning", "message": msg}),
        );
    }
    let t3 = Instant::now();
    // The whole model's relaxation prices every row and bounds the gap best, but on coupled
    // models past about a million nonzeros it rarely finishes in its share (reassurance-10k:
    // ~30 s at 2.4M): rotation-first and rolling-horizon solves of those go straight to the
    // rotation relaxation.
    let whole = m.lp.nonzeros() <= WHOLE_RELAXATION_UP_TO
        || (strategy != Strategy::RotationFirst && opts.rolling.is_none());
    // A rotation-first solve's search tried the rotation relaxation with at least 40 % of the
    // limit (68 % at 60 s): when it did not finish there, this step's fifth would not either.
    let rotation_tried = goes_rotation_first(opts, &m, strategy) && opts.rolling.is_none();
    let bottlenecks = match bottleneck::find(&m, &solved, opts, whole, rotation_tried) {
        Ok((list, relaxation)) => {
            // The LP relaxation bounds the optimum from below: a tighter bound than the
            // search's own makes the reported gap smaller, never less honest.
            if let Some(lower) = relaxation.filter(|&b| b > solved.bound) {
                let upper = solved.solver_objective;
                solved.bound = lower;
                solved.gap = solve::relative_gap(upper, lower);
                if Status::for_gap(solved.gap, opts.mip_gap) == Status::Optimal {
                    solved.status = Status::Optimal;
                }
            }
            Some(list)
        }
        Err(e) => {
            if opts.log {
                let msg = format!("warning: bottlenecks not computed ({e})");
                log_event(
                    opts.log_json,
                    &msg,
                    serde_json::json!({"event": "warning", "message": msg}),
                );
            }
            None
        }
    };
    let bottleneck_ms = t3.elapsed().as_millis() as u64;
    if let Some(list) = &bottlenecks {
        extra.insert("bottlenecks".to_string(), bottleneck::json(&m, list, 10));
    }
    let timings = Timings {
        load: load_ms,
        build: build_ms,
        solve: solve_ms,
        bottlenecks: bottleneck_ms,
        write: (t2.elapsed() - t3.elapsed()).as_millis() as u64,
    };
    let mut rendered = output::render(&m, &solved, &plan, timings, extra);
    if let Some(list) = &bottlenecks {
        rendered.files.insert(
            "bottlenecks.csv".to_string(),
            bottleneck::csv(&m, list).text.into_bytes(),
        );
    }
    crate::report::attach(sc, &mut rendered, opts.log, opts.log_json);
    Ok(Outcome {
        rendered,
        plan,
        solved,
    })
}

/// Serialises the summary and writes every file atomically into `out`.
pub fn write(out: &Path, outcome: &mut Outcome, write_started: Instant) -> Result<(), Failure> {
    if !phase::enter_writing() {
        // A signal's watchdog is ending the process (exit 1, nothing written): do not start.
        loop {
            std::thread::park();
        }
    }
    outcome.rendered.summary.timings_ms.write += write_started.elapsed().as_millis() as u64;
    let mut files = outcome.rendered.files.clone();
    let json = serde_json::to_string_pretty(&outcome.rendered.summary).map_err(|e| Failure {
        code: exit::OTHER,
        message: e.to_string(),
    })?;
    files.insert("summary.json".to_string(), format!("{json}\n").into_bytes());
    output::write_atomically(out, &files).map_err(|e| Failure {
        code: exit::OTHER,
        message: format!(
            "cannot write the plan to {}: {e}; nothing was written",
            out.display()
        ),
    })
}

/// What a plan depends on besides the scenario's files, kept as `options` in summary.json so
/// `solve --skip-if-unchanged` can tell whether a rerun would redo the same work. `previous` is
/// the previous plan's directory (`--previous`), fingerprinted by its deployments.csv.
pub fn options_json(
    opts: &SolveOptions,
    form: Formulation,
    previous: Option<&Path>,
) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let prev = previous.map(|p| match std::fs::read(p.join("deployments.csv")) {
        Ok(bytes) => Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        Err(_) => String::new(),
    });
    serde_json::json!({
        "mode": opts.mode.as_str(),
        "time_limit_s": opts.time_limit_s,
        "mip_gap": opts.mip_gap,
        "threads": opts.threads,
        "formulation": form.as_str(),
        "rolling": opts.rolling.map(|r| serde_json::json!({"window": r.window, "step": r.step})),
        "previous_plan_sha256": prev,
    })
}

/// Whether `out` already holds a plan of exactly these inputs, options and rotaplan version.
pub fn plan_is_current(out: &Path, sc: &Scenario, options: &serde_json::Value) -> bool {
    let Ok(text) = std::fs::read_to_string(out.join("summary.json")) else {
        return false;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    v["input_hash"].as_str() == Some(sc.input_hash.as_str())
        && v["version"].as_str() == Some(env!("CARGO_PKG_VERSION"))
        && v.get("options") == Some(options)
        && out.join("deployments.csv").is_file()
}

/// The default output directory: `outputs/<scenario name>`.
pub fn default_out(sc: &Scenario) -> PathBuf {
    PathBuf::from("outputs").join(&sc.name)
}
