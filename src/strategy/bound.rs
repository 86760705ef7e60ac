//! A lower bound of the whole model that counts sustainment, for rotation-first solves.
//!
//! The rotation relaxation bounds tours and shortfalls only: every ton moved, stored or left
//! unmet is outside it, so on a model whose network costs a few per cent of the objective the
//! reported gap cannot fall below those few per cent, however good the plan. This bound adds
//! them back, from one extra LP:
//!
//! Let V(d) be the network's least cost for demand d (tons per commodity, node and period). It is
//! the optimum of an LP whose right-hand sides move with d, so V is convex, and the duals π of the
//! demand rows (`DemandDef`) of the plan's fixed-tours LP are a subgradient at the plan's demand
//! d0: V(d) ≥ V(d0) + π·(d − d0) for every d. Demand is d = k + G·x (k: tours under way; G: tons
//! per tour start), so every whole plan x, with R(x) its rotation cost, costs at least
//!
//! ```text
//!   R(x) + V(d(x)) ≥ [R(x) + π·G·x] + V(d0) − π·G·x0
//! ```
//!
//! and the bracket is bounded from below by the LP relaxation of the rotation model with every
//! tour start's cost raised by its π·G. The bound holds for any x0; it is tight when the
//! network's cost is near linear around d0 (roomy networks: transport cost per ton), and adds
//! little when the plan sits on a kink of V (a saturated network).

use crate::base::effort::{self, Effort};
use crate::base::Error;
use crate::model::lp::{RowKind, Var};
use crate::model::Model;
use crate::solve::{SolveOptions, Solved};
use crate::strategy::lagrange;
use crate::strategy::search::Relaxation;
use std::collections::HashMap;
use std::time::Instant;

/// The tangent: the bound, the rotation model's costs raised by each tour start's π·G (the
/// sustainment cost it adds near the plan), the relaxation with those costs, and the constant
/// V(d0) − π·G·x0 that turns a raised cost into the tangent's estimate of the whole cost.
#[derive(Debug, Clone)]
pub struct Tangent {
    pub bound: f64,
    pub costs: Vec<f64>,
    pub relaxation: Relaxation,
    pub offset: f64,
}

/// The tangent bound above, from `fixed` (the full model `m` solved as an LP with the plan's
/// tours fixed, with its duals) and the rotation model `rotation` (the same code's model without
/// the network), within `seconds`. `None` when `fixed` has no duals, when the relaxation does not
/// finish in time, or when `m` couples tours and network by any row other than demand (then the
/// argument above does not hold as written).
pub fn sustainment_tangent(
    m: &Model,
    rotation: &Model,
    fixed: &Solved,
    opts: &SolveOptions,
    seconds: f64,
) -> Result<Option<Tangent>, Error> {
    let Some((cost, offset)) = raised_costs(m, rotation, fixed) else {
        return Ok(None);
    };
    let mut lp = rotation.lp.clone();
    lp.cost = cost;
    match crate::strategy::search::relax_lp(&lp, rotation.form, opts, seconds) {
        Ok(rel) => Ok(Some(Tangent {
            bound: rel.objective + offset,
            costs: lp.cost,
            relaxation: rel,
            offset,
        })),
        Err(Error::NoPlan(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The same tangent bound with the Lagrangian bound of the raised rotation model in place of its
/// relaxation ([`lagrange::bound_with`]), for when that relaxation does not finish: started from
/// the rotation model's `multipliers`, aimed at the plan `plan` (rotation columns), until
/// `deadline` or, under `effort`, its count of iterations. Valid for any multipliers, so
/// whatever the ascent reaches is a bound.
pub fn lagrangian_tangent(
    m: &Model,
    rotation: &Model,
    fixed: &Solved,
    plan: &[f64],
    multipliers: &[f64],
    deadline: Instant,
    effort: Option<&Effort>,
) -> Option<f64> {
    let (cost, offset) = raised_costs(m, rotation, fixed)?;
    let upper: f64 = plan.iter().zip(&cost).map(|(x, c)| x * c).sum();
    let iterations = effort.map(|e| e.count(effort::LAGRANGE_ITERATIONS_PER_UNIT) as usize);
    let out = lagrange::bound_with(
        rotation,
        &cost,
        Some(multipliers),
        upper,
        deadline,
        iterations,
        None,
    )?;
    if let (Some(e), true) = (effort, out.stopped_by_time) {
        e.note_time_stop();
    }
    Some(out.bound + offset)
}

/// The rotation model's costs raised by each tour start's π·G, and the constant V(d0) − π·G·x0
/// that turns a raised cost into the tangent's estimate of the whole cost. `None` as for
/// [`sustainment_tangent`].
fn raised_costs(m: &Model, rotation: &Model, fixed: &Solved) -> Option<(Vec<f64>, f64)> {
    let duals = fixed.row_duals.as_ref()?;
    let x0 = &fixed.values;
    let rot_col: HashMap<Var, usize> = rotation
        .lp
        .var
        .iter()
        .enumerate()
        .map(|(c, v)| (*v, c))
        .collect();
    let in_rotation = |c: u32| rot_col.get(&m.lp.var[c as usize]).copied();
    let mut cost = rotation.lp.cost.clone();
    // π·G·x0: the tangent's shift.
    let mut shift = 0.0;
    for r in 0..m.lp.num_rows() {
        let demand = matches!(m.lp.row_kind[r], RowKind::DemandDef { .. });
        let pi = duals[r];
        let (mut tours, mut network) = (false, false);
        for (c, a) in m.lp.row_entries(r) {
            match in_rotation(c) {
                Some(j) => {
                    tours = true;
                    if demand {
                        // The row reads d − Σ g_j x_j = k, so a = −g_j.
                        cost[j] -= pi * a;
                        shift -= pi * a * x0[c as usize];
                    }
                }
                None => network = true,
            }
        }
        if tours && network && !demand {
            return None;
        }
    }
    // V(d0): the network's share of the fixed-tours optimum.
    let network_cost: f64 = (0..m.lp.num_cols())
        .filter(|&c| in_rotation(c as u32).is_none())
        .map(|c| m.lp.cost[c] * x0[c])
        .sum();
    Some((cost, network_cost - shift))
}
