//! An LP with some columns fixed, solved without them: each fixed column's share of a row moves
//! to the row's bounds and its cost to a constant, so HiGHS receives only what is left to decide.
//!
//! Why: once every tour is fixed, the tour columns hold most of the whole model's matrix (the
//! demand each tour raises, period by period, commodity by commodity). Handing them to HiGHS only
//! for its presolve to remove them again cost gigabytes at coalition scale
//! (docs/performance.md#gen-xl-memory-and-bound).

use super::{solve, SolveOptions, Solved};
use crate::base::Error;
use crate::model::lp::{Col, Lp};

/// Solves `lp` as an LP with column c held at `fixed[c]` where that is `Some` (its own bounds
/// set aside), the other columns as `lp` has them.
///
/// The answer is the one [`solve`] gives for `lp` with those columns' bounds set to their values:
/// a value and a reduced cost for every column of `lp`, a dual for every row (the rows are all
/// kept, in order, so a row's dual is the same row's), and the objective with the fixed columns'
/// cost in it. A fixed column's reduced cost is c_j − Σ_i a_ij·y_i, HiGHS's convention.
pub fn solve_with_fixed(
    lp: &Lp,
    fixed: &[Option<f64>],
    opts: &SolveOptions,
) -> Result<Solved, Error> {
    if fixed.len() != lp.num_cols() {
        return Err(Error::Other(format!(
            "{} fixed values for {} columns",
            fixed.len(),
            lp.num_cols()
        )));
    }
    let (reduced, new_index, constant) = without_fixed(lp, fixed);
    if reduced.num_cols() == 0 {
        // Nothing left to decide: HiGHS must still judge the rows, so it gets them all.
        let mut whole = lp.clone();
        for (c, v) in fixed.iter().enumerate() {
            if let Some(v) = *v {
                whole.col_lo[c] = v;
                whole.col_hi[c] = v;
            }
        }
        return solve(&whole, opts, None);
    }
    let r = solve(&reduced, opts, None)?;
    let values: Vec<f64> = (0..lp.num_cols())
        .map(|c| match (fixed[c], new_index[c]) {
            (Some(v), _) => v,
            (None, Some(n)) => r.values[n as usize],
            (None, None) => 0.0,
        })
        .collect();
    let col_duals = match (&r.col_duals, &r.row_duals) {
        (Some(cd), Some(y)) => {
            // c − Aᵀy for the fixed columns, HiGHS's own value for the rest.
            let mut rc = lp.reduced_costs(y);
            for (c, n) in new_index.iter().enumerate() {
                if let Some(n) = n {
                    rc[c] = cd[*n as usize];
                }
            }
            Some(rc)
        }
        _ => None,
    };
    Ok(Solved {
        values,
        solver_objective: r.solver_objective + constant,
        bound: r.bound + constant,
        col_duals,
        ..r
    })
}

/// `lp` without its fixed columns: the reduced LP, each old column's index in it (`None` when
/// fixed) and the fixed columns' cost.
///
/// A row lo ≤ Σ_free a·x + Σ_fixed a·v ≤ hi becomes lo − s ≤ Σ_free a·x ≤ hi − s with
/// s = Σ_fixed a·v (an infinite side stays infinite); a row left with no entries keeps its
/// place, so HiGHS still checks that s lies within the row's bounds.
fn without_fixed(lp: &Lp, fixed: &[Option<f64>]) -> (Lp, Vec<Option<Col>>, f64) {
    let mut reduced = Lp::new();
    let mut new_index = vec![None; lp.num_cols()];
    let mut constant = 0.0;
    for c in 0..lp.num_cols() {
        match fixed[c] {
            Some(v) => constant += lp.cost[c] * v,
            None => {
                new_index[c] = Some(reduced.col(
                    lp.var[c],
                    lp.col_lo[c],
                    lp.col_hi[c],
                    lp.cost[c],
                    lp.integer[c],
                ))
            }
        }
    }
    let mut terms: Vec<(Col, f64)> = Vec::new();
    for r in 0..lp.num_rows() {
        terms.clear();
        let mut shift = 0.0;
        for (c, a) in lp.row_entries(r) {
            match (fixed[c as usize], new_index[c as usize]) {
                (Some(v), _) => shift += a * v,
                (None, Some(n)) => terms.push((n, a)),
                (None, None) => {}
            }
        }
        reduced.row(
            lp.row_kind[r],
            lp.row_lo[r] - shift,
            lp.row_hi[r] - shift,
            &terms,
        );
    }
    (reduced, new_index, constant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lp::{RowKind, Var};

    fn opts() -> SolveOptions {
        crate::solve::test_options()
    }

    /// min 3x + 2y + z  s.t.  x + y ≥ 4,  y + z ≤ 5,  x − z = 1,  0 ≤ x, y, z ≤ 10,
    /// with x fixed at 2.
    ///
    /// By hand: x = 2 gives z = x − 1 = 1 and y ≥ 4 − x = 2, y ≤ 5 − z = 4; y costs 2 a unit,
    /// so y = 2. Objective 3·2 + 2·2 + 1 = 11. Duals (HiGHS: d objective / d right-hand side):
    /// raising the first row's 4 raises y, +2; the second row is slack, 0; raising the third
    /// row's 1 lowers z by one, −1. x's reduced cost is c − Aᵀy = 3 − (1·2 + 1·(−1)) = 2.
    fn tiny() -> Lp {
        let mut lp = Lp::new();
        let tour = |t| Var::Tour { triple: 0, t };
        let x = lp.col(tour(0), 0.0, 10.0, 3.0, true);
        let y = lp.col(tour(1), 0.0, 10.0, 2.0, false);
        let z = lp.col(tour(2), 0.0, 10.0, 1.0, false);
        let kind = |t| RowKind::Pool { offer: 0, t };
        lp.row(kind(0), 4.0, f64::INFINITY, &[(x, 1.0), (y, 1.0)]);
        lp.row(kind(1), f64::NEG_INFINITY, 5.0, &[(y, 1.0), (z, 1.0)]);
        lp.row(kind(2), 1.0, 1.0, &[(x, 1.0), (z, -1.0)]);
        lp
    }

    #[test]
    fn a_fixed_column_moves_to_the_row_bounds_and_the_answer_is_the_whole_lps() {
        let lp = tiny();
        let r = solve_with_fixed(&lp, &[Some(2.0), None, None], &opts()).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-7;
        assert!(close(r.solver_objective, 11.0), "{}", r.solver_objective);
        assert_eq!(r.values.len(), 3);
        for (v, want) in r.values.iter().zip([2.0, 2.0, 1.0]) {
            assert!(close(*v, want), "{:?}", r.values);
        }
        let y = r.row_duals.clone().unwrap();
        for (d, want) in y.iter().zip([2.0, 0.0, -1.0]) {
            assert!(close(*d, want), "{y:?}");
        }
        let rc = r.col_duals.clone().unwrap();
        assert!(close(rc[0], 2.0), "{rc:?}");

        // The same LP handed over whole, x's bounds set to 2: the same answer.
        let mut whole = lp.clone();
        whole.col_lo[0] = 2.0;
        whole.col_hi[0] = 2.0;
        let w = solve(&whole, &opts(), None).unwrap();
        assert!(close(w.solver_objective, r.solver_objective));
        for (a, b) in w.row_duals.unwrap().iter().zip(&y) {
            assert!(close(*a, *b));
        }
        for (a, b) in w.col_duals.unwrap().iter().zip(&rc) {
            assert!(close(*a, *b));
        }
    }

    #[test]
    fn fixed_values_that_break_a_row_leave_the_lp_infeasible() {
        // x = 7 forces z = 6, and then y + z ≤ 5 cannot hold for any y ≥ 0.
        let r = solve_with_fixed(&tiny(), &[Some(7.0), None, None], &opts());
        assert!(matches!(r, Err(Error::Infeasible(_))), "{r:?}");
        // Every column fixed: nothing left to decide, the rows are still checked.
        let r = solve_with_fixed(&tiny(), &[Some(2.0), Some(1.0), Some(1.0)], &opts());
        assert!(matches!(r, Err(Error::Infeasible(_))), "{r:?}");
        let r = solve_with_fixed(&tiny(), &[Some(2.0), Some(2.0), Some(1.0)], &opts()).unwrap();
        assert!((r.solver_objective - 11.0).abs() < 1e-9);
    }
}
