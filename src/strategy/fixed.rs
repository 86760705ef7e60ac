//! The whole model as an LP with every tour fixed: how rotation-first and rolling-horizon plans
//! get their flows, stocks and unmet demand, and the duals that price the network.

use crate::base::{budget, Error};
use crate::model::{self, lp::Var};
use crate::scenario::Mode;
use crate::solve::{self, SolveOptions, Solved, Status};
use std::time::Instant;

/// The full model as an LP with every tour start fixed at `starts(triple, t)`, so only the
/// sustainment families (flows, stocks, unmet demand) are left to decide; solved within what is
/// left of the limit, and at least a minute. The gap is measured against `bound`, a lower bound
/// of the full model proven elsewhere. The LP's duals are kept: they are the ones the bottleneck
/// step prices the network with.
pub fn solve_with_tours_fixed(
    m: &model::Model,
    starts: impl Fn(u32, u32) -> f64,
    opts: &SolveOptions,
    bound: f64,
    started: Instant,
) -> Result<Solved, Error> {
    // The tours go to HiGHS as constants, not as columns (`solve::fixed_out`).
    let fixed: Vec<Option<f64>> = (0..m.lp.num_cols())
        .map(|c| match m.lp.var[c] {
            Var::Tour { triple, t } => Some(starts(triple, t).max(m.lp.col_lo[c])),
            _ => None,
        })
        .collect();
    let left = (opts.time_limit_s - started.elapsed().as_secs_f64())
        .max(opts.time_limit_s * budget::FIXED_TOURS_LP_MIN_SHARE)
        .max(budget::FIXED_TOURS_LP_MIN_S);
    let lp_opts = SolveOptions {
        mode: Mode::Lp,
        time_limit_s: left,
        ..opts.clone()
    };
    let f = solve::fixed_out::solve_with_fixed(&m.lp, &fixed, &lp_opts)?;
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
        multipliers: None,
        seconds: started.elapsed().as_secs_f64(),
    })
}
