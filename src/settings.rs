//! Every setting of a solve, resolved once: command-line flags over scenario.toml over the
//! defaults, checked against the scenario, so no later step looks at flags or the file again.

use crate::base::effort::{Effort, WorkLimits};
use crate::base::Error;
use crate::model::Formulation;
use crate::planfile::hand::Hand;
use crate::scenario::rolling::{settle, Rolling};
use crate::scenario::{Mode, Scenario, Strategy};
use crate::solve::SolveOptions;

/// Overrides from the command line; `None` keeps the scenario's value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub mode: Option<Mode>,
    pub time_limit_s: Option<f64>,
    pub mip_gap: Option<f64>,
    pub threads: Option<u32>,
    pub formulation: Option<Formulation>,
    pub strategy: Option<Strategy>,
    pub rolling_window: Option<usize>,
    pub rolling_step: Option<usize>,
    /// `--effort`: units of work instead of the time limit (`base::effort`).
    pub effort: Option<f64>,
}

/// A solve's settings after overrides and defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// What the solver is told: mode, limit, gap, threads, LP solver, heuristic effort.
    pub solve: SolveOptions,
    pub formulation: Formulation,
    /// The strategy asked for; `auto` is resolved once the model is built (it depends on its size).
    pub strategy: Strategy,
    /// Plan the horizon window by window; `None`: in one model.
    pub rolling: Option<Rolling>,
    /// Tours from the planner's hand (`solve --fix`/`--pin`), set by the command line.
    pub hand: Option<Hand>,
}

impl Settings {
    /// Resolves every setting; a bad rolling-horizon setting is an input error naming where it
    /// came from (the flags or scenario.toml).
    pub fn resolve(sc: &Scenario, ov: &Overrides, log: bool) -> Result<Settings, Error> {
        Ok(Settings {
            solve: solve_options(sc, ov, log),
            formulation: formulation(sc, ov),
            strategy: ov.strategy.unwrap_or(sc.solver.strategy),
            rolling: rolling(sc, ov)?,
            hand: None,
        })
    }
}

/// The formulation to build: the flag's, else the default measured best for the mode
/// (docs/performance.md): written-out rows for the MIP and for the LP with a supply network (whose
/// rotation half is solved in cumulative form, `strategy::decomposed`), aggregate variables
/// (solved by interior point) for the LP without one.
pub fn formulation(sc: &Scenario, ov: &Overrides) -> Formulation {
    ov.formulation
        .unwrap_or(match ov.mode.unwrap_or(sc.solver.mode) {
            Mode::Mip => Formulation::Expanded,
            Mode::Lp if sc.network.is_some() => Formulation::Expanded,
            Mode::Lp => Formulation::Aggregated,
        })
}

/// What the solver is told, after overrides; `log`: report this solve's progress.
pub fn solve_options(sc: &Scenario, ov: &Overrides, log: bool) -> SolveOptions {
    let time_limit_s = ov.time_limit_s.unwrap_or(sc.solver.time_limit_s);
    SolveOptions {
        mode: ov.mode.unwrap_or(sc.solver.mode),
        time_limit_s,
        mip_gap: ov.mip_gap.unwrap_or(sc.solver.mip_gap),
        threads: ov.threads.unwrap_or(sc.solver.threads),
        log,
        // Interior point is much faster than simplex on the aggregated LP, and simplex on the
        // written-out one (docs/performance.md).
        lp_solver: (formulation(sc, ov) == Formulation::Aggregated).then_some("ipm"),
        heuristic_effort: sc.solver.heuristic_effort,
        effort: ov
            .effort
            .or(sc.solver.effort)
            .map(|units| Effort::new(units, time_limit_s)),
        work: WorkLimits::default(),
    }
}

/// The rolling-horizon settings after overrides, checked against the scenario's tour lengths
/// (see [`settle`]).
fn rolling(sc: &Scenario, ov: &Overrides) -> Result<Option<Rolling>, Error> {
    let (window, from_flag) = match (ov.rolling_window, sc.solver.rolling_window) {
        (Some(w), _) => (Some(w), true),
        (None, w) => (w, false),
    };
    let step = ov.rolling_step.or(sc.solver.rolling_step);
    let mode = ov.mode.unwrap_or(sc.solver.mode);
    settle(sc, mode, window, step).map_err(|why| {
        Error::Input(format!(
            "{}: {why}; nothing was solved or written",
            if from_flag || ov.rolling_step.is_some() {
                "--rolling-window/--rolling-step".to_string()
            } else {
                format!(
                    "{}: solver.rolling_window/rolling_step",
                    sc.dir.join("scenario.toml").display()
                )
            }
        ))
    })
}
