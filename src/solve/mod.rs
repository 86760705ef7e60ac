//! Handing the model to HiGHS and reading back what it found.
//!
//! Our [`Lp`] goes to HiGHS through its C API as it is held, row by row (see [`to_highs`]), and
//! is solved on a `highs::Model`, because a planner needs what a modelling layer's `solve()`
//! hides: the objective the solver reports, the MIP gap, the log on stderr, a clean stop on
//! SIGINT/SIGTERM, row duals, and an MPS file with the row and column names of docs/model.md.

pub mod dual_bound;
pub mod fixed_out;
pub mod iis;
pub mod warm;

use crate::base::effort::{Effort, WorkLimits};
use crate::base::signal::interrupted;
use crate::base::Error;
use crate::base::{budget, progress};
use crate::model::lp::{Col, Lp};
use crate::scenario::Mode;
use highs::{HighsModelStatus, HighsSolutionStatus};
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// How the solver is run.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    pub mode: Mode,
    pub time_limit_s: f64,
    pub mip_gap: f64,
    pub threads: u32,
    /// Report this solve's progress (see `base::progress`); off for the many small solves
    /// inside a search.
    pub log: bool,
    /// HiGHS `solver` for LPs: "simplex", "ipm" or "choose" (None = HiGHS's default).
    pub lp_solver: Option<&'static str>,
    /// Share of MIP effort HiGHS spends on primal heuristics (its default 0.05 often finds no
    /// good plan on rotation models; 0.3 measured best: docs/performance.md).
    pub heuristic_effort: f64,
    /// `--effort`: the run is bounded by work, not time (`base::effort`); `None`: by time.
    pub effort: Option<Effort>,
    /// Work limits of this one call, set by the step that makes it (only under an effort).
    pub work: WorkLimits,
}

/// `Optimal`: proven within the requested gap. `Feasible`: stopped by a limit with a plan in hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Optimal,
    Feasible,
}

impl Status {
    /// `Optimal` when `gap` is within the requested `mip_gap`, else `Feasible`.
    pub fn for_gap(gap: f64, mip_gap: f64) -> Status {
        if gap <= mip_gap + 1e-12 {
            Status::Optimal
        } else {
            Status::Feasible
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
        }
    }
}

/// A solution: column values, objective, gap, and (for LPs) row duals.
#[derive(Debug, Clone)]
pub struct Solved {
    pub status: Status,
    pub values: Vec<f64>,
    /// The objective HiGHS reports (compare with the one evaluated on `values`).
    pub solver_objective: f64,
    /// A proven lower bound on the optimum (the MIP's dual bound; the objective for an LP).
    pub bound: f64,
    pub gap: f64,
    /// d(objective)/d(rhs) per row: of the LP, or for a MIP plan of the LP with its tour starts
    /// fixed when the strategy solved that one last (rotation-first, rolling horizon).
    pub row_duals: Option<Vec<f64>>,
    /// Reduced costs per column, as for `row_duals`.
    pub col_duals: Option<Vec<f64>>,
    /// The rotation model's LP relaxation when a strategy solved it on the way (rotation-first),
    /// so the bottleneck step prices pools, limits and reception without solving it again.
    pub relaxation: Option<KnownRelaxation>,
    /// The rotation model's Lagrangian multipliers per row, when a Lagrangian bound stood in
    /// for a relaxation that did not finish (`strategy::lagrange`): a warm start for the bound
    /// that counts sustainment. Not duals to report: the multipliers of an unfinished ascent.
    pub multipliers: Option<Vec<f64>>,
    pub seconds: f64,
}

/// An LP relaxation solved during a solve: its optimum and the dual of each row, by what the row
/// stands for (the rows are another model's, matched by [`RowKind`](crate::model::lp::RowKind)).
#[derive(Debug, Clone)]
pub struct KnownRelaxation {
    pub objective: f64,
    pub row_duals: Vec<(crate::model::lp::RowKind, f64)>,
    /// How long it took: the time another solve of the same LP is expected to take.
    pub seconds: f64,
}

/// Sets HiGHS's options from `opts`: log, time limit, gap, threads, heuristic effort (MIPs),
/// the LP solver (the root LP's for MIPs) and a fixed random seed (determinism).
fn apply_options(
    model: &mut highs::Model,
    opts: &SolveOptions,
    integer: bool,
) -> Result<(), Error> {
    fn opt_err(name: &'static str) -> impl Fn(highs::TrySetOptionError) -> Error {
        move |e| Error::Other(format!("HiGHS option {name}: {e:?}"))
    }
    model
        .try_set_option("output_flag", opts.log)
        .map_err(opt_err("output_flag"))?;
    model
        .try_set_option("log_to_console", false)
        .map_err(opt_err("log_to_console"))?;
    model
        .try_set_option("time_limit", opts.time_limit_s)
        .map_err(opt_err("time_limit"))?;
    model
        .try_set_option("mip_rel_gap", opts.mip_gap)
        .map_err(opt_err("mip_rel_gap"))?;
    model
        .try_set_option("threads", opts.threads as i32)
        .map_err(opt_err("threads"))?;
    if integer {
        model
            .try_set_option("mip_heuristic_effort", opts.heuristic_effort)
            .map_err(opt_err("mip_heuristic_effort"))?;
    }
    if let Some(v) = opts.lp_solver {
        if integer {
            // The MIP's root LP; later LPs warm-start from its basis with simplex.
            model
                .try_set_option("mip_lp_solver", v)
                .map_err(opt_err("mip_lp_solver"))?;
        } else {
            model
                .try_set_option("solver", v)
                .map_err(opt_err("solver"))?;
        }
    }
    let limits = [
        ("simplex_iteration_limit", opts.work.simplex_iterations),
        ("ipm_iteration_limit", opts.work.ipm_iterations),
        ("mip_max_nodes", opts.work.mip_nodes.filter(|_| integer)),
    ];
    for (name, value) in limits {
        if let Some(v) = value {
            model.try_set_option(name, v).map_err(opt_err(name))?;
        }
    }
    // Determinism: one fixed random seed (HiGHS's default, set explicitly).
    model
        .try_set_option("random_seed", 0)
        .map_err(opt_err("random_seed"))?;
    Ok(())
}

/// Runs HiGHS on `model` with rotaplan's callback (log on stderr, interrupt on a signal, and with
/// `mip_progress` the MIP's improving plans and progress lines).
fn solve_with_callbacks(
    mut model: highs::Model,
    opts: &SolveOptions,
    started: Instant,
    mip_progress: bool,
) -> Result<highs::SolvedModel, Error> {
    let mut data = Box::new(CallbackData {
        log: opts.log,
        started,
        last_progress: f64::NEG_INFINITY,
    });
    let ptr = model.as_mut_ptr();
    // SAFETY: `data` outlives the solve (it is dropped at the end of this function, after
    // `try_solve` returns), and the callback only reads and writes through the pointers HiGHS gives.
    unsafe {
        highs_sys::Highs_setCallback(
            ptr,
            Some(callback),
            &mut *data as *mut CallbackData as *mut c_void,
        );
        let mut kinds = vec![
            highs_sys::kHighsCallbackLogging,
            highs_sys::kHighsCallbackSimplexInterrupt,
            highs_sys::kHighsCallbackIpmInterrupt,
            highs_sys::kHighsCallbackMipInterrupt,
        ];
        if mip_progress {
            kinds.push(highs_sys::kHighsCallbackMipImprovingSolution);
            kinds.push(highs_sys::kHighsCallbackMipLogging);
        }
        for kind in kinds {
            highs_sys::Highs_startCallback(ptr, kind);
        }
    }
    let solved = model
        .try_solve()
        .map_err(|e| Error::Other(format!("HiGHS failed while solving: {e:?}")))?;
    drop(data);
    Ok(solved)
}

/// Under an effort, a solve stopped by the clock rather than its work limits makes the run's
/// plan not reproducible: noted on the effort.
fn note_time_stop(opts: &SolveOptions, status: HighsModelStatus) {
    if let (Some(e), HighsModelStatus::ReachedTimeLimit) = (&opts.effort, status) {
        e.note_time_stop();
    }
}

/// Relative gap of `upper` over `lower` (0 when both are 0).
pub fn relative_gap(upper: f64, lower: f64) -> f64 {
    if upper.abs() > 1e-9 {
        ((upper - lower) / upper.abs()).max(0.0)
    } else {
        0.0
    }
}

/// Names for the MPS file; `None` when no file is wanted.
pub struct MpsRequest {
    pub path: PathBuf,
    pub col_names: Vec<String>,
    pub row_names: Vec<String>,
    /// The objective's constant (what no decision changes), written into the file so it holds
    /// the whole model; the model handed to the solver keeps none, so gaps are measured on the
    /// part that decisions change.
    pub objective_offset: f64,
}

/// State shared with the HiGHS callback.
struct CallbackData {
    log: bool,
    started: Instant,
    last_progress: f64,
}

/// The solver's log goes to the solver log (when one was asked for), its MIP progress to the
/// progress line; interrupts stop the solve cleanly.
unsafe extern "C" fn callback(
    kind: c_int,
    message: *const c_char,
    out: *const highs_sys::HighsCallbackDataOut,
    data_in: *mut highs_sys::HighsCallbackDataIn,
    user: *mut c_void,
) {
    // SAFETY: `user` is the `CallbackData` passed to Highs_setCallback, alive for the whole solve;
    // HiGHS passes valid (or null) pointers for the other arguments.
    let data = unsafe { &mut *(user as *mut CallbackData) };
    match kind {
        highs_sys::kHighsCallbackLogging => {
            if !message.is_null() {
                let msg = unsafe { CStr::from_ptr(message) }.to_string_lossy();
                progress::solver_log(&msg);
            }
        }
        highs_sys::kHighsCallbackMipImprovingSolution | highs_sys::kHighsCallbackMipLogging => {
            if data.log && !out.is_null() {
                let o = unsafe { &*out };
                let now = data.started.elapsed().as_secs_f64();
                if now - data.last_progress >= 1.0
                    || kind == highs_sys::kHighsCallbackMipImprovingSolution
                {
                    data.last_progress = now;
                    progress::solver_progress(o.mip_primal_bound, o.mip_dual_bound, o.mip_gap);
                }
            }
        }
        _ => {
            if interrupted().load(Ordering::Relaxed) && !data_in.is_null() {
                unsafe { (*data_in).user_interrupt = 1 };
            }
        }
    }
}

/// Solves `lp`; in `mip` mode, when HiGHS finds no plan within the time limit, falls back to the
/// LP relaxation rounded down.
///
/// Rounding down is always feasible here: every row on tour starts is a `≤` with nonnegative
/// coefficients (pools, caps, limits, reception), coverage and sustainment have priced slack, and
/// pinned starts are whole numbers the relaxation already exceeds. The continuous rest is then
/// re-optimised with the tours fixed, and the gap is reported against the LP bound, so a planner
/// always gets a plan and an honest measure of how far it may be from the best.
pub fn solve_plan(lp: &Lp, opts: &SolveOptions, mps: Option<&MpsRequest>) -> Result<Solved, Error> {
    match solve(lp, opts, mps) {
        Err(Error::NoPlan(why)) if opts.mode == Mode::Mip && lp.integer.iter().any(|&b| b) => {
            rounded_relaxation(lp, opts, &why)
        }
        other => other,
    }
}

fn rounded_relaxation(lp: &Lp, opts: &SolveOptions, why: &str) -> Result<Solved, Error> {
    let started = Instant::now();
    if opts.log {
        let text = format!(
            "the MIP found no plan within {} s ({why}): rounding the LP relaxation down instead",
            opts.time_limit_s
        );
        progress::event(
            &text,
            serde_json::json!({"event": "fallback", "step": "rounded-relaxation", "message": text}),
        );
    }
    // The relaxation gets a budget of its own (at least a minute): without it there is no plan.
    let budget = SolveOptions {
        mode: Mode::Lp,
        time_limit_s: opts.time_limit_s.max(budget::ROUNDED_RELAXATION_MIN_S),
        ..opts.clone()
    };
    let relaxed = match solve(lp, &budget, None) {
        Ok(r) => r,
        Err(Error::NoPlan(_)) => return least_plan(lp, opts),
        Err(e) => return Err(e),
    };
    let fixed = solve(
        &lp.with_integers_fixed(&relaxed.values, true),
        &budget,
        None,
    )?;
    let (ub, lb) = (fixed.solver_objective, relaxed.solver_objective);
    let gap = relative_gap(ub, lb);
    Ok(Solved {
        status: Status::for_gap(gap, opts.mip_gap),
        values: fixed.values,
        solver_objective: ub,
        bound: lb,
        gap,
        row_duals: None,
        col_duals: None,
        relaxation: None,
        multipliers: None,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The last resort when no search found a plan in time: every tour start at its lower bound
/// (no new tours but pinned ones), which keeps every hard row, and the continuous rest (the
/// supply network) re-optimised as an LP with a budget of its own. All objective terms are
/// non-negative, so 0 is a valid bound and the gap says honestly how little is proven.
pub fn least_plan(lp: &Lp, opts: &SolveOptions) -> Result<Solved, Error> {
    let started = Instant::now();
    if opts.log {
        let text = "no search found a plan in time: writing the plan with no new tours (gap 100 %)";
        progress::event(
            text,
            serde_json::json!({"event": "fallback", "step": "no-new-tours", "message": text}),
        );
    }
    let lows: Vec<f64> = lp.col_lo.clone();
    let budget = SolveOptions {
        mode: Mode::Lp,
        time_limit_s: opts.time_limit_s.max(budget::NO_NEW_TOURS_MIN_S),
        ..opts.clone()
    };
    let fixed = solve(&lp.with_integers_fixed(&lows, true), &budget, None)?;
    let ub = fixed.solver_objective;
    Ok(Solved {
        status: if ub.abs() <= 1e-9 {
            Status::Optimal
        } else {
            Status::Feasible
        },
        values: fixed.values,
        solver_objective: ub,
        bound: 0.0,
        gap: if ub.abs() > 1e-9 { 1.0 } else { 0.0 },
        row_duals: None,
        col_duals: None,
        relaxation: None,
        multipliers: None,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Solves `lp` with HiGHS.
pub fn solve(lp: &Lp, opts: &SolveOptions, mps: Option<&MpsRequest>) -> Result<Solved, Error> {
    let started = Instant::now();
    let integer = opts.mode == Mode::Mip;
    if lp.num_cols() == 0 {
        // Nothing to decide (HiGHS calls an empty model an error): the plan is the fixed inputs.
        return Ok(Solved {
            status: Status::Optimal,
            values: Vec::new(),
            solver_objective: 0.0,
            bound: 0.0,
            gap: 0.0,
            row_duals: Some(vec![0.0; lp.num_rows()]),
            col_duals: Some(Vec::new()),
            relaxation: None,
            multipliers: None,
            seconds: 0.0,
        });
    }
    let mut model = to_highs(lp, integer)?;
    if let Some(req) = mps {
        write_mps(&mut model, req)?;
    }
    apply_options(&mut model, opts, integer)?;

    let solved = solve_with_callbacks(model, opts, started, true)?;
    let status = solved.status();
    note_time_stop(opts, status);
    // Read the solution status as a plain integer: the binding's typed accessor panics on
    // values it does not know (HiGHS reports -1 in some end states).
    let has_solution = solved.int_info_value(c"primal_solution_status").ok()
        == Some(HighsSolutionStatus::Feasible as i64);
    let status = match status {
        HighsModelStatus::Optimal => Status::Optimal,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(Error::Infeasible("the model is infeasible".into()))
        }
        HighsModelStatus::Unbounded => {
            return Err(Error::Infeasible("the model is unbounded".into()))
        }
        HighsModelStatus::ReachedInterrupt => {
            return Err(Error::Interrupted);
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedMemoryLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget => {
            // An LP stopped by a limit has no trustworthy plan (docs/model.md#bounds-and-gap).
            if !has_solution || !integer {
                return Err(Error::no_plan(format!("{status:?}")));
            }
            Status::Feasible
        }
        other => return Err(Error::Other(format!("HiGHS ended with status {other:?}"))),
    };
    if !has_solution {
        return Err(Error::no_plan("the solver returned no feasible point"));
    }
    let gap = if integer && lp.integer.iter().any(|&b| b) {
        let g = solved.mip_gap();
        if g.is_finite() {
            g.max(0.0)
        } else {
            0.0
        }
    } else {
        0.0
    };
    let solver_objective = solved.objective_value();
    let bound = if integer && lp.integer.iter().any(|&b| b) {
        solved
            .double_info_value(c"mip_dual_bound")
            .ok()
            .filter(|b| b.is_finite())
            .unwrap_or(f64::NEG_INFINITY)
    } else {
        solver_objective
    };
    let sol = solved.get_solution();
    let lp_duals = !integer || !lp.integer.iter().any(|&b| b);
    Ok(Solved {
        status,
        values: sol.columns().to_vec(),
        solver_objective,
        bound,
        gap,
        row_duals: lp_duals.then(|| sol.dual_rows().to_vec()),
        col_duals: lp_duals.then(|| sol.dual_columns().to_vec()),
        relaxation: None,
        multipliers: None,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Hands `lp` to HiGHS: columns and rows in `lp`'s order, bounds, integrality (with `integer`)
/// and costs, minimised.
///
/// The matrix goes over as `lp` holds it, row-wise, and HiGHS turns it column-wise itself. Going
/// through good_lp instead built an expression per row, the highs crate's row problem and its
/// column-wise copy: at coalition scale (19M nonzeros) hundreds of MB on top of ours and
/// HiGHS's (docs/performance.md). The model HiGHS receives is the same: rows with their entries
/// by column, so the same column-wise matrix, and the same MPS file.
fn to_highs(lp: &Lp, integer: bool) -> Result<highs::Model, Error> {
    use highs_sys::HighsInt;
    let too_large = |what: &str, n: usize| {
        Error::Other(format!(
            "the model is too large for HiGHS: {n} {what} (at most {})",
            HighsInt::MAX
        ))
    };
    let count = |what: &str, n: usize| HighsInt::try_from(n).map_err(|_| too_large(what, n));
    let (nc, nr, nz) = (
        count("columns", lp.num_cols())?,
        count("rows", lp.num_rows())?,
        count("nonzeros", lp.nonzeros())?,
    );
    // The column indices go to HiGHS as they are held: a `Col` has HighsInt's size, and every
    // index is below the column count, which fits (checked above), so the bits are the same.
    const _: () = assert!(std::mem::size_of::<Col>() == std::mem::size_of::<HighsInt>());
    // Every start is at most the nonzero count, which fits.
    let starts: Vec<HighsInt> = lp.row_start[..lp.num_rows()]
        .iter()
        .map(|&s| s as HighsInt)
        .collect();
    // Every row rotaplan builds is one-sided or an equality: the open side goes over as ±∞,
    // and a cost of zero as +0 (as good_lp handed them over).
    let (row_lo, row_hi): (Vec<f64>, Vec<f64>) = (0..lp.num_rows())
        .map(|r| {
            let (lo, hi) = (lp.row_lo[r], lp.row_hi[r]);
            if lo == hi {
                (lo, lo)
            } else if lo.is_finite() {
                debug_assert!(hi.is_infinite(), "ranged rows are not built");
                (lo, f64::INFINITY)
            } else {
                (f64::NEG_INFINITY, hi)
            }
        })
        .unzip();
    let cost: Vec<f64> = lp
        .cost
        .iter()
        .map(|&c| if c != 0.0 { c } else { 0.0 })
        .collect();
    // An empty HiGHS instance, quiet as the highs crate makes them, to pass the model into.
    let mut model = highs::Model::try_new(highs::ColProblem::default())
        .map_err(|e| Error::Other(format!("HiGHS could not start: {e:?}")))?;
    let ptr = model.as_mut_ptr();
    // Integrality only for a MIP with integer columns (HiGHS then runs its MIP solver); none
    // (a null pointer) makes an LP.
    let integrality: Option<Vec<HighsInt>> =
        (integer && lp.integer.iter().any(|&b| b)).then(|| {
            lp.integer
                .iter()
                .map(|&b| {
                    if b {
                        highs_sys::kHighsVarTypeInteger
                    } else {
                        highs_sys::kHighsVarTypeContinuous
                    }
                })
                .collect()
        });
    // SAFETY: ptr is a live Highs instance; every array holds the count HiGHS reads from it
    // (columns: cost, bounds and integrality; rows: bounds and starts; nonzeros: indices and
    // values), no Hessian is passed, and HiGHS copies them before the call returns.
    let status = unsafe {
        highs_sys::Highs_passModel(
            ptr,
            nc,
            nr,
            nz,
            0,
            highs_sys::kHighsMatrixFormatRowwise,
            0, // no Hessian: the format HiGHS's own Highs_passLp passes
            highs_sys::kHighsObjSenseMinimize,
            0.0,
            cost.as_ptr(),
            lp.col_lo.as_ptr(),
            lp.col_hi.as_ptr(),
            row_lo.as_ptr(),
            row_hi.as_ptr(),
            starts.as_ptr(),
            lp.idx.as_ptr() as *const HighsInt,
            lp.val.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            integrality
                .as_ref()
                .map_or(std::ptr::null(), |v| v.as_ptr()),
        )
    };
    if status == highs_sys::kHighsStatusError {
        return Err(Error::Other("HiGHS refused the model".to_string()));
    }
    Ok(model)
}

/// Options for the solver's unit tests: an LP, 10 s, one thread, quiet, gap 1e-6.
#[cfg(test)]
pub(crate) fn test_options() -> SolveOptions {
    SolveOptions {
        mode: Mode::Lp,
        time_limit_s: 10.0,
        mip_gap: 1e-6,
        threads: 1,
        log: false,
        lp_solver: None,
        heuristic_effort: 0.05,
        effort: None,
        work: Default::default(),
    }
}

/// Writes `lp` as handed to HiGHS (MPS with the names of docs/model.md), without solving it.
pub fn write_model(lp: &Lp, integer: bool, req: &MpsRequest) -> Result<(), Error> {
    let mut model = to_highs(lp, integer)?;
    write_mps(&mut model, req)
}

/// Writes the model with family names to an MPS (or, by extension, LP) file.
fn write_mps(model: &mut highs::Model, req: &MpsRequest) -> Result<(), Error> {
    let ptr = model.as_mut_ptr();
    let cstr =
        |s: &str| CString::new(s).map_err(|_| Error::Other(format!("name with a NUL byte: {s}")));
    for (i, n) in req.col_names.iter().enumerate() {
        let n = cstr(n)?;
        // SAFETY: ptr is a live Highs instance; n is a valid C string for the call.
        unsafe { highs_sys::Highs_passColName(ptr, i as highs_sys::HighsInt, n.as_ptr()) };
    }
    for (i, n) in req.row_names.iter().enumerate() {
        let n = cstr(n)?;
        // SAFETY: as above.
        unsafe { highs_sys::Highs_passRowName(ptr, i as highs_sys::HighsInt, n.as_ptr()) };
    }
    // SAFETY: as above.
    unsafe { highs_sys::Highs_changeObjectiveOffset(ptr, req.objective_offset) };
    let path = cstr(&req.path.to_string_lossy())?;
    // SAFETY: as above.
    let status = unsafe { highs_sys::Highs_writeModel(ptr, path.as_ptr()) };
    if status == highs_sys::kHighsStatusError {
        return Err(Error::Other(format!(
            "cannot write the model to {}",
            req.path.display()
        )));
    }
    // The same model may be solved next: without the offset, as every other solve.
    // SAFETY: as above.
    unsafe { highs_sys::Highs_changeObjectiveOffset(ptr, 0.0) };
    Ok(())
}

/// A MIP solve like [`solve`] (same options, text log and interrupt handling) that hands HiGHS
/// a first incumbent: `start`, one value per column, feasible for `lp`. Used by the rotation
/// heuristic (`crate::strategy::search`), whose incumbents are always feasible.
///
/// With `presolve`, HiGHS 1.16 has been seen to return a start as "optimal" with a wrong
/// objective (docs/performance.md#tried-and-dropped): callers that turn it on check the returned values (rows and
/// objective) themselves and must not use `bound`. With presolve off `bound` is HiGHS's proven
/// bound for `lp` as given.
pub fn solve_from(
    lp: &Lp,
    opts: &SolveOptions,
    start: &[f64],
    presolve: bool,
) -> Result<Solved, Error> {
    let started = Instant::now();
    if lp.num_cols() == 0 || start.len() != lp.num_cols() {
        return solve(lp, opts, None);
    }
    let mut model = to_highs(lp, true)?;
    // The root LP's solver is left to HiGHS here: these restricted MIPs are small.
    let mip_opts = SolveOptions {
        lp_solver: None,
        ..opts.clone()
    };
    apply_options(&mut model, &mip_opts, true)?;
    model
        .try_set_option("presolve", if presolve { "on" } else { "off" })
        .map_err(|e| Error::Other(format!("HiGHS option presolve: {e:?}")))?;
    model
        .try_set_solution(Some(start), None, None, None)
        .map_err(|e| Error::Other(format!("HiGHS refused the start: {e:?}")))?;
    let solved = solve_with_callbacks(model, opts, started, false)?;
    note_time_stop(opts, solved.status());
    let has_solution = solved.int_info_value(c"primal_solution_status").ok()
        == Some(HighsSolutionStatus::Feasible as i64);
    let status = match solved.status() {
        HighsModelStatus::Optimal => Status::Optimal,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Err(Error::Infeasible("the model is infeasible".into()))
        }
        HighsModelStatus::Unbounded => {
            return Err(Error::Infeasible("the model is unbounded".into()))
        }
        HighsModelStatus::ReachedInterrupt => return Err(Error::Interrupted),
        other => {
            if !has_solution {
                return Err(Error::no_plan(format!("{other:?}")));
            }
            Status::Feasible
        }
    };
    if !has_solution {
        return Err(Error::no_plan("the solver returned no feasible point"));
    }
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite())
        .unwrap_or(f64::NEG_INFINITY);
    let gap = solved.mip_gap();
    Ok(Solved {
        status,
        values: solved.get_solution().columns().to_vec(),
        solver_objective: solved.objective_value(),
        bound,
        gap: if gap.is_finite() { gap.max(0.0) } else { 0.0 },
        row_duals: None,
        col_duals: None,
        relaxation: None,
        multipliers: None,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lp::{RowKind, Var};
    use highs_sys::HighsInt;

    /// The model as HiGHS holds it: column-wise (starts, indices, values), costs, bounds, sense
    /// and integrality.
    struct Held {
        cost: Vec<f64>,
        col: (Vec<f64>, Vec<f64>),
        row: (Vec<f64>, Vec<f64>),
        start: Vec<HighsInt>,
        index: Vec<HighsInt>,
        value: Vec<f64>,
        integrality: Vec<HighsInt>,
        sense: HighsInt,
    }

    fn held(model: &mut highs::Model) -> Held {
        let p = model.as_mut_ptr();
        // SAFETY: p is live; every array is sized by the counts HiGHS reports for the model.
        unsafe {
            let (nc, nr, nz) = (
                highs_sys::Highs_getNumCol(p) as usize,
                highs_sys::Highs_getNumRow(p) as usize,
                highs_sys::Highs_getNumNz(p) as usize,
            );
            let mut h = Held {
                cost: vec![0.0; nc],
                col: (vec![0.0; nc], vec![0.0; nc]),
                row: (vec![0.0; nr], vec![0.0; nr]),
                start: vec![0; nc + 1],
                index: vec![0; nz],
                value: vec![0.0; nz],
                integrality: vec![0; nc],
                sense: 0,
            };
            let (mut c, mut r, mut z, mut offset) = (0, 0, 0, 0.0);
            let status = highs_sys::Highs_getLp(
                p,
                highs_sys::kHighsMatrixFormatColwise,
                &mut c,
                &mut r,
                &mut z,
                &mut h.sense,
                &mut offset,
                h.cost.as_mut_ptr(),
                h.col.0.as_mut_ptr(),
                h.col.1.as_mut_ptr(),
                h.row.0.as_mut_ptr(),
                h.row.1.as_mut_ptr(),
                h.start.as_mut_ptr(),
                h.index.as_mut_ptr(),
                h.value.as_mut_ptr(),
                h.integrality.as_mut_ptr(),
            );
            assert_ne!(status, highs_sys::kHighsStatusError);
            assert_eq!((c as usize, r as usize, z as usize), (nc, nr, nz));
            assert_eq!(offset, 0.0);
            h.start[nc] = nz as HighsInt;
            h
        }
    }

    /// min 2a + 0b + 5c, a integer in [0, 3], b in [1, ∞), c in [0, 4] integer;
    /// r0: a + 2b ≥ 3; r1: 4b − c ≤ 6; r2: a + b + c = 5; r3: c ≤ 2.
    fn tiny() -> Lp {
        let mut lp = Lp::new();
        let v = |t| Var::Tour { triple: 0, t };
        let a = lp.col(v(0), 0.0, 3.0, 2.0, true);
        let b = lp.col(v(1), 1.0, f64::INFINITY, 0.0, false);
        let c = lp.col(v(2), 0.0, 4.0, 5.0, true);
        let k = |t| RowKind::Pool { offer: 0, t };
        lp.row(k(0), 3.0, f64::INFINITY, &[(a, 1.0), (b, 2.0)]);
        lp.row(k(1), f64::NEG_INFINITY, 6.0, &[(b, 4.0), (c, -1.0)]);
        lp.row(k(2), 5.0, 5.0, &[(a, 1.0), (b, 1.0), (c, 1.0)]);
        lp.row(k(3), f64::NEG_INFINITY, 2.0, &[(c, 1.0)]);
        lp
    }

    #[test]
    fn highs_holds_the_lp_as_built() {
        let lp = tiny();
        for integer in [false, true] {
            let mut model = to_highs(&lp, integer).unwrap();
            let h = held(&mut model);
            assert_eq!(h.sense, highs_sys::kHighsObjSenseMinimize);
            assert_eq!(h.cost, vec![2.0, 0.0, 5.0]);
            assert_eq!(h.col.0, vec![0.0, 1.0, 0.0]);
            assert_eq!(h.col.1[..1], [3.0]);
            assert!(h.col.1[1] >= 1e30, "b has no upper bound");
            assert_eq!(h.col.1[2], 4.0);
            assert_eq!((h.row.0[0], h.row.0[2]), (3.0, 5.0));
            assert!(h.row.1[0] >= 1e30 && h.row.0[1] <= -1e30 && h.row.0[3] <= -1e30);
            assert_eq!((h.row.1[1], h.row.1[2], h.row.1[3]), (6.0, 5.0, 2.0));
            // Column-wise: a in r0, r2; b in r0, r1, r2; c in r1, r2, r3 (rows ascending).
            assert_eq!(h.start, vec![0, 2, 5, 8]);
            assert_eq!(h.index, vec![0, 2, 0, 1, 2, 1, 2, 3]);
            assert_eq!(h.value, vec![1.0, 1.0, 2.0, 4.0, 1.0, -1.0, 1.0, 1.0]);
            let int = highs_sys::kHighsVarTypeInteger;
            let cont = highs_sys::kHighsVarTypeContinuous;
            if integer {
                assert_eq!(h.integrality, vec![int, cont, int]);
            } else {
                assert!(h.integrality.iter().all(|&i| i == cont));
            }
        }
    }

    /// The tiny model's optima, by hand. b ≥ 1 costs nothing, c costs most, so c = 0 where
    /// possible: r1 then needs 4b ≤ 6, b ≤ 1.5; r2: a = 5 − b ≤ 3 needs b ≥ 2. So c > 0:
    /// with c free, a + b + c = 5, 4b − c ≤ 6, c ≤ 2. Cost 2a + 5c with a = 5 − b − c:
    /// 10 − 2b + 3c, so b as large as r1 allows: b = (6 + c)/4, cost 10 − (6 + c)/2 + 3c =
    /// 7 + 2.5c, and a = 5 − (6 + c)/4 − c ≤ 3 needs c ≥ 0.4. LP: c = 0.4, b = 1.6, a = 3,
    /// cost 6 + 2 = 8. MIP (a, c whole): c = 0 needs a = 5 − b ≥ 3.5, too many; c = 1 needs
    /// b ≤ 1.75 and a = 4 − b whole, so a = 3, b = 1: cost 6 + 5 = 11; c = 2 costs 10 already
    /// and a ≥ 1 (a = 3 − b with b ≤ 2): at least 12. So 11.
    #[test]
    fn the_tiny_model_solves_to_its_optimum() {
        let lp = tiny();
        let opts = SolveOptions {
            mip_gap: 1e-9,
            ..test_options()
        };
        let r = solve(&lp, &opts, None).unwrap();
        assert!(
            (r.solver_objective - 8.0).abs() < 1e-7,
            "{}",
            r.solver_objective
        );
        let mip = SolveOptions {
            mode: Mode::Mip,
            ..opts
        };
        let r = solve(&lp, &mip, None).unwrap();
        assert!(
            (r.solver_objective - 11.0).abs() < 1e-7,
            "{}",
            r.solver_objective
        );
    }
}
