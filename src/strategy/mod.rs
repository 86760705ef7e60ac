//! How a built model is searched: HiGHS's branch and bound on everything, rotation-first, or a
//! rolling horizon of windows; each ends with a plan of the whole model and a proven bound.
//! Composite searches (rotation-first, rolling horizon) are built on the single solve, never
//! the reverse.

pub mod bound;
pub mod decomposed;
pub mod fixed;
pub mod greedy;
pub mod lagrange;
pub mod rolling;
pub mod rotation_first;
pub mod search;

pub use crate::scenario::Strategy;

use crate::base::effort::{self, WorkLimits};
use crate::base::Error;
use crate::model::{Formulation, Model};
use crate::planfile::previous::Baseline;
use crate::scenario::{Mode, Scenario};
use crate::solve::{self, MpsRequest, SolveOptions, Solved};

/// `auto` solves the rotation first from this many integer tour starts on, when there is a
/// supply network (measured: docs/performance.md).
pub const ROTATION_FIRST_FROM: usize = 1000;

/// What `auto` means for this model: rotation-first for MIPs with a supply network and more
/// than [`ROTATION_FIRST_FROM`] tour starts, branch and bound on everything otherwise.
pub fn resolve(asked: Strategy, opts: &SolveOptions, m: &Model) -> Strategy {
    match asked {
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
/// rotation-first or rolling-horizon solve: below it the relaxation is quick and tightens the
/// bound a great deal (docs/performance.md#measurements-behind-constants-in-the-code).
pub const WHOLE_RELAXATION_UP_TO: usize = 1_000_000;

/// Whether [`solve_model`] takes the rotation-first path: the strategy asks for it and there is
/// a MIP with a network to split off.
pub fn goes_rotation_first(opts: &SolveOptions, m: &Model, strategy: Strategy) -> bool {
    strategy == Strategy::RotationFirst && opts.mode == Mode::Mip && m.net.is_some()
}

/// Solves a built model by `strategy` (already resolved), writing it as MPS first when asked.
pub fn solve_model(
    sc: &Scenario,
    opts: &SolveOptions,
    form: Formulation,
    baseline: Option<&Baseline>,
    m: &Model,
    strategy: Strategy,
    mps: Option<&MpsRequest>,
) -> Result<Solved, Error> {
    if goes_rotation_first(opts, m, strategy) {
        if let Some(req) = mps {
            solve::write_model(&m.lp, true, req)?;
        }
        rotation_first::rotation_first(sc, opts, form, baseline, m)
    } else if opts.mode == Mode::Lp && decomposed::applies(m) {
        if let Some(req) = mps {
            solve::write_model(&m.lp, false, req)?;
        }
        match decomposed::solve(m, opts)? {
            Some(solved) => Ok(solved),
            None => solve::solve_plan(&m.lp, opts, None),
        }
    } else if let Some(e) = opts.effort.as_ref().filter(|_| opts.mode == Mode::Mip) {
        // Under an effort HiGHS's branch and bound stops at a node count, not the clock.
        let bounded = SolveOptions {
            work: WorkLimits::nodes(e.highs_count(effort::WHOLE_MIP_NODES_PER_UNIT)),
            ..opts.clone()
        };
        solve::solve_plan(&m.lp, &bounded, mps)
    } else {
        solve::solve_plan(&m.lp, opts, mps)
    }
}
