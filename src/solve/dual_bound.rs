//! A proven lower bound from any row multipliers, and an LP solve that hands back the
//! multipliers it has when it stops at its limit.
//!
//! Why: at coalition scale the rotation relaxation needs more than its share of the minute, and
//! an interior-point solve stopped there has no optimum but does have an iterate whose row duals
//! are nearly right. Any multipliers give a valid bound (the Lagrangian below), so a relaxation
//! cut short still proves one (docs/performance.md#gen-xl-memory-and-bound).

use super::{apply_options, solve_with_callbacks, to_highs, SolveOptions};
use crate::base::Error;
use crate::model::lp::Lp;
use highs::HighsModelStatus;
use std::time::Instant;

/// A lower bound on min c·x subject to lo ≤ Ax ≤ hi and l ≤ x ≤ u (the LP relaxation of `lp`,
/// so of its MIP too) from row multipliers `y`, one per row; `None` when `y` proves nothing.
///
/// Derivation. Project y so each sign uses a finite side: y_i > 0 needs lo_i, y_i < 0 needs hi_i
/// (otherwise y_i = 0). For every feasible x, y_i·(a_i·x) ≥ y_i·lo_i when y_i ≥ 0 (as
/// a_i·x ≥ lo_i) and ≥ y_i·hi_i when y_i ≤ 0 (as a_i·x ≤ hi_i). With the reduced costs
/// rc = c − Aᵀy,
///
///   c·x = Σ_j rc_j·x_j + Σ_i y_i·(a_i·x) ≥ Σ_j min(rc_j·l_j, rc_j·u_j) + Σ_i y_i·(lo_i or hi_i).
///
/// A column whose cost side is open (rc_j < 0 with u_j = ∞) takes the bound its rows imply: a
/// `≤` row with every coefficient positive and every column's lower bound ≥ 0 gives
/// x_j ≤ hi_i / a_ij on every feasible point, so the feasible set and the bound are unchanged.
/// A column with no such bound (or rc_j > 0 with l_j = −∞) makes the bound −∞: `None`.
pub fn lagrangian_bound(lp: &Lp, y: &[f64]) -> Option<f64> {
    if y.len() != lp.num_rows() {
        return None;
    }
    let y: Vec<f64> = (0..lp.num_rows())
        .map(|r| {
            let v = y[r];
            if !v.is_finite() || (v > 0.0 && !lp.row_lo[r].is_finite()) {
                0.0
            } else if v < 0.0 && !lp.row_hi[r].is_finite() {
                0.0
            } else {
                v
            }
        })
        .collect();
    let rc = lp.reduced_costs(&y);
    let mut bound = 0.0;
    for (r, &yr) in y.iter().enumerate() {
        if yr != 0.0 {
            bound += yr * if yr > 0.0 { lp.row_lo[r] } else { lp.row_hi[r] };
        }
    }
    let mut upper = lp.col_hi.clone();
    if rc
        .iter()
        .zip(&upper)
        .any(|(&d, &u)| d < 0.0 && !u.is_finite())
    {
        implied_upper_bounds(lp, &mut upper);
    }
    for (c, &d) in rc.iter().enumerate() {
        let side = if d > 0.0 {
            lp.col_lo[c]
        } else if d < 0.0 {
            upper[c]
        } else {
            continue;
        };
        if !side.is_finite() {
            return None;
        }
        bound += d * side;
    }
    bound.is_finite().then_some(bound)
}

/// Tightens `upper` with x_j ≤ hi_i / a_ij from each `≤` row whose coefficients are all positive
/// and whose columns all have lower bounds ≥ 0 (the rest of the row is then ≥ 0).
fn implied_upper_bounds(lp: &Lp, upper: &mut [f64]) {
    for r in 0..lp.num_rows() {
        let hi = lp.row_hi[r];
        if !hi.is_finite() {
            continue;
        }
        let qualifies = lp
            .row_entries(r)
            .all(|(c, a)| a > 0.0 && lp.col_lo[c as usize] >= 0.0);
        if !qualifies {
            continue;
        }
        for (c, a) in lp.row_entries(r) {
            let u = &mut upper[c as usize];
            *u = u.min(hi / a);
        }
    }
}

/// What an LP solve stopped by its limit may still give.
#[derive(Debug, Clone)]
pub enum LpEnd {
    /// Solved: the optimum, a value per column and a dual per row.
    Optimal {
        objective: f64,
        values: Vec<f64>,
        row_duals: Vec<f64>,
    },
    /// Stopped by a limit: the row duals of the last iterate when the solver had one (not
    /// feasible, not optimal: only for [`lagrangian_bound`]), and why it stopped.
    Stopped {
        row_duals: Option<Vec<f64>>,
        why: String,
    },
}

/// Solves `lp` as an LP with HiGHS's presolve off, so that an interior-point solve stopped by
/// its limit still reports its last iterate (HiGHS keeps none of a presolved model's).
pub fn solve_lp_keeping_duals(lp: &Lp, opts: &SolveOptions) -> Result<LpEnd, Error> {
    let started = Instant::now();
    let mut model = to_highs(lp, false)?;
    apply_options(&mut model, opts, false)?;
    model
        .try_set_option("presolve", "off")
        .map_err(|e| Error::Other(format!("HiGHS option presolve: {e:?}")))?;
    let solved = solve_with_callbacks(model, opts, started, false)?;
    super::note_time_stop(opts, solved.status());
    match solved.status() {
        HighsModelStatus::Optimal => {
            let sol = solved.get_solution();
            Ok(LpEnd::Optimal {
                objective: solved.objective_value(),
                values: sol.columns().to_vec(),
                row_duals: sol.dual_rows().to_vec(),
            })
        }
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            Err(Error::Infeasible("the model is infeasible".into()))
        }
        HighsModelStatus::Unbounded => Err(Error::Infeasible("the model is unbounded".into())),
        HighsModelStatus::ReachedInterrupt => Err(Error::Interrupted),
        other => {
            // HiGHS reports whether the duals it holds are those of an iterate (status 1,
            // infeasible point) or better; none (0) when it has nothing.
            let has_duals = solved
                .int_info_value(c"dual_solution_status")
                .is_ok_and(|s| s > 0);
            let row_duals = has_duals
                .then(|| solved.get_solution().dual_rows().to_vec())
                .filter(|d| d.len() == lp.num_rows() && d.iter().all(|v| v.is_finite()));
            Ok(LpEnd::Stopped {
                row_duals,
                why: format!("{other:?}"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lp::{RowKind, Var};

    /// min 2x + 3y  s.t.  r0: x + y ≥ 4,  r1: x ≤ 3,  x, y ≥ 0 (no upper bounds).
    /// By hand: x is cheaper, so x = 3 and y = 1: optimum 9, with duals y0 = 3 (y basic:
    /// 3 − y0 = 0) and y1 = −1 (x basic: 2 − y0 − y1 = 0).
    fn tiny() -> Lp {
        let mut lp = Lp::new();
        let x = lp.col(Var::Tour { triple: 0, t: 0 }, 0.0, f64::INFINITY, 2.0, true);
        let y = lp.col(Var::Tour { triple: 0, t: 1 }, 0.0, f64::INFINITY, 3.0, true);
        lp.row(
            RowKind::Coverage {
                site: 0,
                role: 0,
                t: 0,
            },
            4.0,
            f64::INFINITY,
            &[(x, 1.0), (y, 1.0)],
        );
        lp.row(
            RowKind::Pool { offer: 0, t: 0 },
            f64::NEG_INFINITY,
            3.0,
            &[(x, 1.0)],
        );
        lp
    }

    #[test]
    fn the_optimal_duals_prove_the_optimum() {
        // 3·4 + (−1)·3 = 9, reduced costs 0.
        assert_eq!(lagrangian_bound(&tiny(), &[3.0, -1.0]), Some(9.0));
    }

    #[test]
    fn other_multipliers_prove_less_and_never_more() {
        let lp = tiny();
        // y = (2, 0): rc = (0, 1), bound 2·4 = 8.
        assert_eq!(lagrangian_bound(&lp, &[2.0, 0.0]), Some(8.0));
        // y = (3, 0): rc_x = −1 with x unbounded above, but r1 implies x ≤ 3: 12 − 3 = 9.
        assert_eq!(lagrangian_bound(&lp, &[3.0, 0.0]), Some(9.0));
        // y = (−1, 5): wrong signs for both rows, projected to 0: rc = c ≥ 0, bound 0.
        assert_eq!(lagrangian_bound(&lp, &[-1.0, 5.0]), Some(0.0));
        // y = (4, 0): rc_y = −1 and nothing bounds y above: no bound.
        assert_eq!(lagrangian_bound(&lp, &[4.0, 0.0]), None);
        // A wrong length proves nothing.
        assert_eq!(lagrangian_bound(&lp, &[3.0]), None);
    }

    /// An interior point stopped after two iterations still hands back its row duals, and the
    /// bound they prove lies at or below the optimum 9 worked out above.
    #[test]
    fn a_stopped_interior_point_still_proves_a_bound() {
        let opts = SolveOptions {
            lp_solver: Some("ipm"),
            work: crate::base::effort::WorkLimits {
                ipm_iterations: Some(2),
                ..Default::default()
            },
            ..crate::solve::test_options()
        };
        let lp = tiny();
        match solve_lp_keeping_duals(&lp, &opts).unwrap() {
            LpEnd::Stopped { row_duals, .. } => {
                let y = row_duals.expect("the iterate's duals");
                assert_eq!(y.len(), 2);
                let b = lagrangian_bound(&lp, &y).expect("a finite bound");
                assert!(b <= 9.0 + 1e-9, "{b}");
            }
            LpEnd::Optimal { .. } => panic!("two iterations were expected not to finish"),
        }
        let whole = SolveOptions {
            work: Default::default(),
            ..opts
        };
        match solve_lp_keeping_duals(&lp, &whole).unwrap() {
            LpEnd::Optimal {
                objective,
                row_duals,
                ..
            } => {
                assert!((objective - 9.0).abs() < 1e-6, "{objective}");
                let b = lagrangian_bound(&lp, &row_duals).expect("a finite bound");
                assert!((b - 9.0).abs() < 1e-6, "{b}");
            }
            other => panic!("{other:?}"),
        }
    }
}
