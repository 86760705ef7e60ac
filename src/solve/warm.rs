//! An LP kept alive in HiGHS between steps, for decompositions: its bounds can be moved and its
//! basis read after a solve, or a basis given before one, so a solve starts by simplex from a
//! known vertex instead of from nothing.

use super::{apply_options, solve_with_callbacks, to_highs, SolveOptions};
use crate::base::Error;
use crate::model::lp::Lp;
use crate::scenario::Mode;
use highs::HighsModelStatus;
use std::time::Instant;

/// What one solve of a [`WarmLp`] found: the optimum and its duals (HiGHS's convention:
/// d(objective)/d(right-hand side) per row, reduced cost per column).
#[derive(Debug, Clone)]
pub struct LpPoint {
    pub objective: f64,
    pub values: Vec<f64>,
    pub row_duals: Vec<f64>,
    pub col_duals: Vec<f64>,
}

/// The LP inside HiGHS; `None` only while a solve is running.
pub struct WarmLp {
    model: Option<highs::Model>,
    opts: SolveOptions,
}

impl WarmLp {
    /// Hands `lp` to HiGHS (as an LP: integrality is ignored) with `opts`' options.
    pub fn new(lp: &Lp, opts: &SolveOptions) -> Result<WarmLp, Error> {
        let opts = SolveOptions {
            mode: Mode::Lp,
            ..opts.clone()
        };
        let mut model = to_highs(lp, false)?;
        apply_options(&mut model, &opts, false)?;
        Ok(WarmLp {
            model: Some(model),
            opts,
        })
    }

    fn ptr(&mut self) -> Result<*mut std::ffi::c_void, Error> {
        self.model
            .as_mut()
            .map(|m| m.as_mut_ptr())
            .ok_or_else(|| Error::Other("the LP was lost after a failed solve".to_string()))
    }

    /// Sets a HiGHS option (e.g. `simplex_strategy`, `run_crossover`).
    pub fn set_option<V: highs::HighsOptionValue>(
        &mut self,
        name: &str,
        value: V,
    ) -> Result<(), Error> {
        let m = self
            .model
            .as_mut()
            .ok_or_else(|| Error::Other("the LP was lost after a failed solve".to_string()))?;
        m.try_set_option(name, value)
            .map_err(|e| Error::Other(format!("HiGHS option {name}: {e:?}")))
    }

    /// Sets the bounds of the columns `cols` to `lo[i] ≤ v ≤ hi[i]`.
    pub fn set_bounds(&mut self, cols: &[usize], lo: &[f64], hi: &[f64]) -> Result<(), Error> {
        let ptr = self.ptr()?;
        let set: Vec<highs_sys::HighsInt> =
            cols.iter().map(|&c| c as highs_sys::HighsInt).collect();
        // SAFETY: ptr is live; set, lo and hi hold set.len() entries each.
        let status = unsafe {
            highs_sys::Highs_changeColsBoundsBySet(
                ptr,
                set.len() as highs_sys::HighsInt,
                set.as_ptr(),
                lo.as_ptr(),
                hi.as_ptr(),
            )
        };
        check(status, "change column bounds")
    }

    /// The basis of the last solve: a status per column and per row (HiGHS's codes: 0 at lower
    /// bound, 1 basic, 2 at upper bound, 3 free at zero, 4 nonbasic).
    pub fn basis(&mut self) -> Result<(Vec<i32>, Vec<i32>), Error> {
        let ptr = self.ptr()?;
        // SAFETY: ptr is live; the vectors are sized to the model's columns and rows.
        let (nc, nr) = unsafe {
            (
                highs_sys::Highs_getNumCol(ptr),
                highs_sys::Highs_getNumRow(ptr),
            )
        };
        let mut cols = vec![0 as highs_sys::HighsInt; nc.max(0) as usize];
        let mut rows = vec![0 as highs_sys::HighsInt; nr.max(0) as usize];
        // SAFETY: as above.
        let status =
            unsafe { highs_sys::Highs_getBasis(ptr, cols.as_mut_ptr(), rows.as_mut_ptr()) };
        check(status, "report its basis")?;
        Ok((
            cols.into_iter().map(|v| v as i32).collect(),
            rows.into_iter().map(|v| v as i32).collect(),
        ))
    }

    /// Starts the next solve from the basis given (statuses as in [`WarmLp::basis`]); `Err` when
    /// HiGHS refuses it.
    pub fn set_basis(&mut self, cols: &[i32], rows: &[i32]) -> Result<(), Error> {
        let ptr = self.ptr()?;
        // SAFETY: ptr is live; HiGHS reads one status per column and per row.
        let (nc, nr) = unsafe {
            (
                highs_sys::Highs_getNumCol(ptr),
                highs_sys::Highs_getNumRow(ptr),
            )
        };
        if cols.len() != nc as usize || rows.len() != nr as usize {
            return Err(Error::Other("a basis of another size".to_string()));
        }
        let c: Vec<highs_sys::HighsInt> = cols.iter().map(|&v| v as highs_sys::HighsInt).collect();
        let r: Vec<highs_sys::HighsInt> = rows.iter().map(|&v| v as highs_sys::HighsInt).collect();
        // SAFETY: as above.
        let status = unsafe { highs_sys::Highs_setBasis(ptr, c.as_ptr(), r.as_ptr()) };
        check(status, "take the basis")
    }

    /// Solves within `seconds`, from the last basis when there is one. Only a proven optimum is
    /// returned: a limit is `NoPlan`, a signal `Interrupted`.
    pub fn solve(&mut self, seconds: f64) -> Result<LpPoint, Error> {
        let mut model = self
            .model
            .take()
            .ok_or_else(|| Error::Other("the LP was lost after a failed solve".to_string()))?;
        // HiGHS counts its time limit over every run of the same instance, not this one alone.
        // SAFETY: the model is live.
        let spent = unsafe { highs_sys::Highs_getRunTime(model.as_mut_ptr()) };
        model
            .try_set_option("time_limit", spent.max(0.0) + seconds.max(0.1))
            .map_err(|e| Error::Other(format!("HiGHS option time_limit: {e:?}")))?;
        let solved = solve_with_callbacks(model, &self.opts, Instant::now(), false)?;
        let status = solved.status();
        let point = match status {
            HighsModelStatus::Optimal => {
                let sol = solved.get_solution();
                Ok(LpPoint {
                    objective: solved.objective_value(),
                    values: sol.columns().to_vec(),
                    row_duals: sol.dual_rows().to_vec(),
                    col_duals: sol.dual_columns().to_vec(),
                })
            }
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                Err(Error::Infeasible("the model is infeasible".into()))
            }
            HighsModelStatus::Unbounded => Err(Error::Infeasible("the model is unbounded".into())),
            HighsModelStatus::ReachedInterrupt => Err(Error::Interrupted),
            other => Err(Error::no_plan(format!("{other:?}"))),
        };
        let mut model = highs::Model::from(solved);
        // SAFETY: the model is live; the callback's data died with the solve, so HiGHS must not
        // call it again (a later add_row or bound change may log).
        unsafe { highs_sys::Highs_setCallback(model.as_mut_ptr(), None, std::ptr::null_mut()) };
        self.model = Some(model);
        point
    }
}

fn check(status: highs_sys::HighsInt, what: &str) -> Result<(), Error> {
    if status == highs_sys::kHighsStatusError {
        Err(Error::Other(format!("HiGHS could not {what}")))
    } else {
        Ok(())
    }
}
