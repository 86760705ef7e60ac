//! The `solve` pipeline, step by step: load → settings → build → strategy → extract → analyse →
//! render → pictures → write. Kept apart from the command line so batch runs and tests use it as it is; it
//! reports what went wrong as an [`Error`] and leaves exit codes and wording to `cli`.

use crate::analysis::{bottleneck, conflict, explain};
use crate::base::text::round9;
use crate::base::{progress, signal, Error};
use crate::model::{self, Model};
use crate::output::{self, Rendered, SolveFacts, SummaryModel, Timings};
use crate::plan::{self, Plan};
use crate::planfile::previous::Baseline;
use crate::scenario::{self, Mode, Scenario};
use crate::settings::Settings;
use crate::solve::{self, MpsRequest, Solved, Status};
use crate::strategy::{self, Strategy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A finished solve, before or after writing.
pub struct Outcome {
    pub rendered: Rendered,
    pub plan: Plan,
    pub solved: Solved,
}

/// Loads a scenario; warnings are reported as progress events when `warnings`, and errors come
/// back as one input error listing every problem.
pub fn load(dir: &Path, warnings: bool) -> Result<Scenario, Error> {
    let out = scenario::load(dir);
    if warnings {
        for w in out.diags.warnings() {
            progress::event(
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
            Err(Error::Input(msg))
        }
    }
}

/// Builds, solves and renders a loaded scenario's files (writes nothing; report.html and
/// plan.xlsx come after whatever the caller adds, from [`attach_pictures`]). `extra` holds
/// summary.json sections the caller adds (`options`).
pub fn solve_scenario(
    sc: &Scenario,
    settings: &Settings,
    load_ms: u64,
    mps: Option<&Path>,
    baseline: Option<&Baseline>,
    extra: BTreeMap<String, serde_json::Value>,
) -> Result<Outcome, Error> {
    let mut extra = extra;
    let opts = &settings.solve;
    let t0 = Instant::now();
    progress::phase("build", None);
    let mut m = model::build_with(sc, opts.mode, settings.formulation, baseline, true);
    if let Some(hand) = &settings.hand {
        if let Err(e) = model::hand::apply_hand(&mut m, hand) {
            let why: String = conflict::unheld(&m, hand)
                .iter()
                .map(|s| format!("  {s}\n"))
                .collect();
            return Err(Error::Infeasible(format!(
                "{e}\n{why}nothing was solved or written"
            )));
        }
    }
    let build_ms = t0.elapsed().as_millis() as u64;
    report_model(&m, build_ms);
    if let Some(problem) = m.magnitude_problem() {
        return Err(Error::Input(format!(
            "{problem}\nnothing was solved or written"
        )));
    }
    // Tours held by the planner or a previous plan that overfill a row alone: found in
    // milliseconds here, rather than after a search that cannot succeed. (Should HiGHS fail
    // here, the solve goes on and meets the conflict itself.)
    if m.lp.col_lo.iter().any(|&lo| lo > 0.0) {
        let list = conflict::conflicts(
            sc,
            baseline,
            settings.hand.as_ref(),
            opts.time_limit_s,
            false,
        )
        .unwrap_or_default();
        if !list.is_empty() {
            return Err(conflicts_error(
                "the tours held fixed cannot all be kept",
                &list,
            ));
        }
    }
    let t1 = Instant::now();
    progress::phase("solve", Some(opts.time_limit_s));
    let strategy = strategy::resolve(settings.strategy, opts, &m);
    let mut solved = search(sc, settings, &m, strategy, mps, baseline, &mut extra)
        .map_err(|e| after_solve(e, sc, settings, baseline))?;
    let solve_ms = t1.elapsed().as_millis() as u64;
    let t2 = Instant::now();
    let plan = extract(sc, &m, &solved, baseline, &mut extra);
    let t3 = Instant::now();
    progress::phase("bottlenecks", None);
    let bottlenecks = analyse(&m, &mut solved, settings, strategy);
    let bottleneck_ms = t3.elapsed().as_millis() as u64;
    if let Some(list) = &bottlenecks {
        extra.insert("bottlenecks".to_string(), bottleneck::json(&m, list, 10));
    }
    let explained = explain(&m, &plan, &solved, settings, baseline.is_some());
    extra.insert("explanations".to_string(), explain::json(&explained));
    if let Some(e) = &opts.effort {
        extra.insert("effort".to_string(), effort_json(e));
    }
    let timings = Timings {
        load: load_ms,
        build: build_ms,
        solve: solve_ms,
        bottlenecks: bottleneck_ms,
        // Reading the plan out; `write` adds the time to write the files. (Two `elapsed()`
        // calls subtracted could go negative under load and panic.)
        write: t3.duration_since(t2).as_millis() as u64,
    };
    let facts = SolveFacts {
        status: solved.status.as_str(),
        gap: solved.gap,
        model: SummaryModel {
            variables: m.lp.num_cols(),
            integer_variables: if m.mode == Mode::Mip {
                m.lp.num_integer()
            } else {
                0
            },
            constraints: m.lp.num_rows(),
            nonzeros: m.lp.nonzeros(),
            formulation: m.form.as_str().to_string(),
        },
    };
    let mut rendered = output::render(sc, &plan, facts, timings, extra);
    if let Some(list) = &bottlenecks {
        rendered.files.insert(
            "bottlenecks.csv".to_string(),
            bottleneck::csv(&m, list).text.into_bytes(),
        );
    }
    rendered.files.insert(
        "explanations.csv".to_string(),
        explain::csv(sc, &explained.rows).text.into_bytes(),
    );
    Ok(Outcome {
        rendered,
        plan,
        solved,
    })
}

/// The model's size, once built.
fn report_model(m: &Model, build_ms: u64) {
    let ints = if m.mode == Mode::Mip {
        m.lp.num_integer()
    } else {
        0
    };
    progress::event(
        &format!(
            "model: {} variables ({ints} integer), {} constraints, {} nonzeros, {} form, built in {build_ms} ms",
            m.lp.num_cols(),
            m.lp.num_rows(),
            m.lp.nonzeros(),
            m.form.as_str(),
        ),
        serde_json::json!({"event": "model", "variables": m.lp.num_cols(), "integer_variables": ints, "constraints": m.lp.num_rows(),
            "nonzeros": m.lp.nonzeros(), "formulation": m.form.as_str(), "build_ms": build_ms}),
    );
}

/// Solves the built model by the resolved strategy (window by window when a rolling horizon is
/// set), writing it as MPS first when asked; records the strategy in `extra`.
fn search(
    sc: &Scenario,
    settings: &Settings,
    m: &Model,
    strategy: Strategy,
    mps: Option<&Path>,
    baseline: Option<&Baseline>,
    extra: &mut BTreeMap<String, serde_json::Value>,
) -> Result<Solved, Error> {
    let opts = &settings.solve;
    let mps_req = mps.map(|p| MpsRequest {
        path: p.to_path_buf(),
        col_names: (0..m.lp.num_cols()).map(|c| m.col_name(c)).collect(),
        row_names: (0..m.lp.num_rows()).map(|r| m.row_name(r)).collect(),
        objective_offset: fixed_cost(sc, m, baseline),
    });
    if opts.mode == Mode::Mip {
        let name = if settings.rolling.is_some() {
            "rolling-horizon"
        } else {
            strategy.as_str()
        };
        extra.insert("strategy".to_string(), serde_json::json!(name));
    }
    match settings.rolling {
        Some(rolling) => {
            if let Some(req) = &mps_req {
                solve::write_model(&m.lp, true, req)?;
            }
            // Every window is searched the way the whole model would be: a window has fewer
            // tour starts but the same structure.
            let (solved, report) =
                strategy::rolling::solve(sc, opts, settings.formulation, rolling, strategy, m)?;
            extra.insert("rolling".to_string(), report);
            Ok(solved)
        }
        None => strategy::solve_model(
            sc,
            opts,
            settings.formulation,
            baseline,
            m,
            strategy,
            mps_req.as_ref(),
        ),
    }
}

/// A solve that ended without a plan, in the words a planner needs: nothing was written, and
/// for an infeasible model, which fixed inputs conflict with which hard row (by file:line).
fn after_solve(e: Error, sc: &Scenario, settings: &Settings, baseline: Option<&Baseline>) -> Error {
    match e {
        Error::Infeasible(m) => {
            progress::phase("conflicts", None);
            let found = conflict::conflicts(
                sc,
                baseline,
                settings.hand.as_ref(),
                settings.solve.time_limit_s,
                true,
            );
            match found {
                Ok(list) if !list.is_empty() => conflicts_error(&m, &list),
                // The LP relaxation holds (or the search for the rows ran out of time).
                _ => Error::Infeasible(format!(
                    "{m}. Every shortfall is priced, so this means fixed inputs conflict with a hard limit, but no single input row could be named (the model with tours in fractions is feasible, or the search ran out of time); run `rotaplan check` on the scenario. Nothing was written."
                )),
            }
        }
        Error::Interrupted => Error::Other(format!("{}. Nothing was written.", Error::Interrupted)),
        other => other.map_message(|m| format!("{m}. Nothing was written.")),
    }
}

/// Exit 3 naming each conflict of fixed inputs, one line each.
fn conflicts_error(what: &str, list: &[String]) -> Error {
    let lines: String = list.iter().map(|s| format!("  {s}\n")).collect();
    Error::Infeasible(format!(
        "{what}: fixed inputs overfill a hard limit (every shortfall is priced, so nothing else can):\n{lines}Change one of the rows named and solve again. Nothing was written."
    ))
}

/// The part of the objective no decision changes, which the solver's objective leaves out: the
/// cost of the tours under way at the start and, in a nightly rerun, the change penalty of
/// previous tours the new model cannot hold at all. Added back to compare objectives, and
/// written into the MPS file so that file is the whole model.
fn fixed_cost(sc: &Scenario, m: &Model, baseline: Option<&Baseline>) -> f64 {
    let under_way: f64 = sc
        .deployed
        .iter()
        .map(|it| {
            plan::deployment_cost(
                sc,
                &plan::Tour {
                    nation: it.nation,
                    unit_type: it.unit_type,
                    site: it.site,
                    start: it.start_period,
                    units: f64::from(it.units),
                    unit_no: None,
                    initial: true,
                },
            )
        })
        .sum();
    let Some(base) = baseline else {
        return under_way;
    };
    let held: BTreeSet<(usize, usize, usize, usize)> = m
        .triples
        .iter()
        .flat_map(|x| {
            x.x.iter()
                .enumerate()
                .filter(|(_, c)| c.is_some())
                .map(move |(t, _)| (x.nation, x.unit_type, x.site, t))
        })
        .collect();
    under_way
        + base
            .planned
            .iter()
            .filter(|(k, _)| !held.contains(k))
            .map(|(_, (a, _))| a * sc.stability.change_penalty)
            .sum::<f64>()
}

/// The plan in the planner's terms, with the change penalty of a nightly rerun; warns when the
/// objective evaluated on the plan differs from the solver's (a modelling bug the user should
/// know of).
fn extract(
    sc: &Scenario,
    m: &Model,
    solved: &Solved,
    baseline: Option<&Baseline>,
    extra: &mut BTreeMap<String, serde_json::Value>,
) -> Plan {
    let mut plan = model::extract(m, &solved.values);
    let constant = fixed_cost(sc, m, baseline);
    if let Some(base) = baseline {
        let (changed, list) = plan::changes::changes(sc, base, &plan.tours);
        plan.terms.change_penalty = changed * sc.stability.change_penalty;
        let pinned: f64 = base.pinned.values().sum();
        extra.insert(
            "stability".to_string(),
            serde_json::json!({
                "previous": base.dir.display().to_string(),
                "tours_carried_over": base.carried,
                "tours_pinned": pinned,
                "tours_changed": round9(changed),
                "changes": list,
            }),
        );
    }
    let ours = plan.terms.total();
    let theirs = solved.solver_objective + constant;
    if (ours - theirs).abs() > 1e-6 * ours.abs().max(1.0) + 1e-3 {
        let msg = format!("warning: objective evaluated on the plan ({ours}) differs from the solver's ({theirs})");
        progress::event(
            &msg,
            serde_json::json!({"event": "warning", "message": msg}),
        );
    }
    plan
}

/// Bottlenecks: which rows bind and what relaxing them is worth. The LP relaxation solved on
/// the way also bounds the optimum, so it may tighten the reported gap (never less honestly).
/// A failure here costs the bottleneck list, not the plan.
fn analyse(
    m: &Model,
    solved: &mut Solved,
    settings: &Settings,
    strategy: Strategy,
) -> Option<Vec<bottleneck::Bottleneck>> {
    let opts = &settings.solve;
    // The whole model's relaxation prices every row and bounds the gap best, but on coupled
    // models past about a million nonzeros it rarely finishes in its share (unless its two
    // halves are quick): rotation-first and rolling-horizon solves of those go straight to the
    // rotation relaxation.
    let whole = m.lp.nonzeros() <= strategy::WHOLE_RELAXATION_UP_TO
        || strategy::decomposed::quick(m)
        || (strategy != Strategy::RotationFirst && settings.rolling.is_none());
    // A rotation-first solve's search already tried the rotation relaxation with a larger share
    // of the limit: when it did not finish there, this step's share would not either.
    let rotation_tried =
        strategy::goes_rotation_first(opts, m, strategy) && settings.rolling.is_none();
    match bottleneck::find(m, solved, opts, whole, rotation_tried) {
        Ok((list, relaxation)) => {
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
            let msg = format!("warning: bottlenecks not computed ({e})");
            progress::event(
                &msg,
                serde_json::json!({"event": "warning", "message": msg}),
            );
            None
        }
    }
}

/// Explanations of every shortfall episode; what-ifs are re-solved only where a solve of the
/// relaxed scenario is the same kind of model as this plan's.
fn explain(
    m: &Model,
    plan: &Plan,
    solved: &Solved,
    settings: &Settings,
    previous: bool,
) -> explain::Report {
    progress::phase("explanations", None);
    use explain::ReSolve;
    let how = if settings.hand.is_some() {
        ReSolve::No("a plan with tours from the planner's hand (--fix, --pin) is not re-solved")
    } else if previous {
        ReSolve::No("a nightly rerun (--previous) is not re-solved")
    } else if settings.rolling.is_some() {
        ReSolve::No("a rolling-horizon plan is not re-solved")
    } else if solved.status != Status::Optimal {
        ReSolve::AroundPlan("the plan is not proven optimal: what-ifs are re-solved around it")
    } else {
        ReSolve::Whole
    };
    explain::explain(m, plan, solved, &settings.solve, how)
}

/// summary.json's `effort`: the units, and whether the time limit stopped a step before its
/// work was done (then the plan is not reproducible: the clock, not the work, decided it).
fn effort_json(e: &crate::base::effort::Effort) -> serde_json::Value {
    let stopped = e.time_stopped();
    serde_json::json!({
        "units": e.units,
        "stopped_by_time_limit": stopped,
        "reproducible": !stopped,
    })
}

/// Draws report.html, and plan.xlsx when asked for, from the rendered files: the last step
/// before [`write`], once whatever the command adds to the plan (the ask, a hand plan's section)
/// is in, so each is drawn once and shows all of it.
pub fn attach_pictures(sc: &Scenario, rendered: &mut Rendered) -> Result<(), Error> {
    crate::report::attach(sc, rendered);
    if sc.output.xlsx {
        crate::workbook::attach(sc, rendered)
            .map_err(|message| Error::Other(format!("{message}; nothing was written")))?;
    }
    Ok(())
}

/// Serialises the summary and writes every file atomically into `out`.
pub fn write(out: &Path, outcome: &mut Outcome, write_started: Instant) -> Result<(), Error> {
    // A signal during the analysis after the solve (bottlenecks, explanations) stops the run
    // like one during the solve: nothing is written. Once writing has begun, it finishes.
    if signal::interrupted().load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::Other(
            "interrupted by a signal before the plan was written. Nothing was written.".into(),
        ));
    }
    if !signal::phase::enter_writing() {
        // A signal's watchdog is ending the process (exit 1, nothing written): do not start.
        loop {
            std::thread::park();
        }
    }
    progress::phase("write", None);
    outcome.rendered.summary.timings_ms.write += write_started.elapsed().as_millis() as u64;
    let mut files = outcome.rendered.files.clone();
    let json = serde_json::to_string_pretty(&outcome.rendered.summary)
        .map_err(|e| Error::Other(e.to_string()))?;
    files.insert("summary.json".to_string(), format!("{json}\n").into_bytes());
    output::write_atomically(out, &files).map_err(|e| {
        Error::Other(format!(
            "cannot write the plan to {}: {e}; nothing was written",
            out.display()
        ))
    })
}

/// What a plan depends on besides the scenario's files, kept as `options` in summary.json so
/// `solve --skip-if-unchanged` can tell whether a rerun would redo the same work. `previous` is
/// the previous plan's directory (`--previous`), fingerprinted by its deployments.csv.
pub fn options_json(settings: &Settings, previous: Option<&Path>) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let opts = &settings.solve;
    let prev = previous.map(|p| match std::fs::read(p.join("deployments.csv")) {
        Ok(bytes) => Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        Err(_) => String::new(),
    });
    let mut options = serde_json::json!({
        "mode": opts.mode.as_str(),
        "time_limit_s": opts.time_limit_s,
        "mip_gap": opts.mip_gap,
        "threads": opts.threads,
        "formulation": settings.formulation.as_str(),
        "strategy": settings.strategy.as_str(),
        "rolling": settings.rolling.map(|r| serde_json::json!({"window": r.window, "step": r.step})),
        "previous_plan_sha256": prev,
    });
    // Only when set, so the options of plans bounded by time read as they always have.
    if let Some(e) = &opts.effort {
        options["effort"] = serde_json::json!(e.units);
    }
    options
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

/// The default output directory: `outputs/<scenario name>`, the name made a safe directory
/// name (`base::outdir::dir_name`).
pub fn default_out(sc: &Scenario) -> PathBuf {
    PathBuf::from("outputs").join(crate::base::outdir::dir_name(&sc.name))
}
