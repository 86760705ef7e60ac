//! Which rows and bounds make an LP infeasible: HiGHS's irreducible infeasible subsystem (IIS),
//! through its C API (`Highs_getIis`), on the LP relaxation (integrality dropped).

use super::to_highs;
use crate::base::Error;
use crate::model::lp::Lp;

/// How hard HiGHS looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// One row whose bounds its columns' bounds alone cannot meet (no solve: linear in the
    /// nonzeros). Finds every conflict of fixed tours in the written-out model, where a hard row
    /// holds the tour columns themselves.
    Light,
    /// An elastic LP and a deletion filter down to an irreducible set (solves LPs: give it a
    /// time limit).
    Full,
}

/// The rows and columns HiGHS names; empty when it found none (a feasible LP, or the time limit).
#[derive(Debug, Clone, Default)]
pub struct Iis {
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
}

/// Asks HiGHS for an IIS of `lp` taken as an LP.
pub fn find(lp: &Lp, effort: Effort, time_limit_s: f64) -> Result<Iis, Error> {
    if lp.num_cols() == 0 || lp.num_rows() == 0 {
        return Ok(Iis::default());
    }
    let mut model = to_highs(lp, false)?;
    let strategy = match effort {
        Effort::Light => highs_sys::kHighsIisStrategyLight,
        Effort::Full => highs_sys::kHighsIisStrategyFromLpRowPriority,
    };
    let err = |name: &str| {
        let name = name.to_string();
        move |e: highs::TrySetOptionError| Error::Other(format!("HiGHS option {name}: {e:?}"))
    };
    model
        .try_set_option("output_flag", false)
        .map_err(err("output_flag"))?;
    model
        .try_set_option("iis_strategy", strategy as i32)
        .map_err(err("iis_strategy"))?;
    model
        .try_set_option("iis_time_limit", time_limit_s)
        .map_err(err("iis_time_limit"))?;
    model
        .try_set_option("time_limit", time_limit_s)
        .map_err(err("time_limit"))?;
    let (nc, nr) = (lp.num_cols(), lp.num_rows());
    // HiGHS fills at most every column and row; the status arrays hold one entry each.
    let mut col_index = vec![0 as highs_sys::HighsInt; nc];
    let mut row_index = vec![0 as highs_sys::HighsInt; nr];
    let mut col_bound = vec![0 as highs_sys::HighsInt; nc];
    let mut row_bound = vec![0 as highs_sys::HighsInt; nr];
    let mut col_status = vec![0 as highs_sys::HighsInt; nc];
    let mut row_status = vec![0 as highs_sys::HighsInt; nr];
    let (mut iis_cols, mut iis_rows): (highs_sys::HighsInt, highs_sys::HighsInt) = (0, 0);
    // SAFETY: the pointer is a live Highs instance owned by `model`; every array is as long as
    // the model has columns or rows, the most HiGHS writes.
    let status = unsafe {
        highs_sys::Highs_getIis(
            model.as_mut_ptr(),
            &mut iis_cols,
            &mut iis_rows,
            col_index.as_mut_ptr(),
            row_index.as_mut_ptr(),
            col_bound.as_mut_ptr(),
            row_bound.as_mut_ptr(),
            col_status.as_mut_ptr(),
            row_status.as_mut_ptr(),
        )
    };
    if status == highs_sys::kHighsStatusError {
        // A time limit before infeasibility was established, or a model HiGHS cannot analyse.
        return Ok(Iis::default());
    }
    let take = |v: &[highs_sys::HighsInt], n: highs_sys::HighsInt, len: usize| -> Vec<usize> {
        v[..(n.max(0) as usize).min(len)]
            .iter()
            .filter_map(|&i| usize::try_from(i).ok().filter(|&i| i < len))
            .collect()
    };
    Ok(Iis {
        rows: take(&row_index, iis_rows, nr),
        cols: take(&col_index, iis_cols, nc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lp::{RowKind, Var};

    /// x ≥ 2 (a pinned tour), y ≥ 0, and x + y ≤ 1 (a pool of one): the row cannot hold.
    /// A second row x ≤ 5 holds. Both efforts name the first row only.
    #[test]
    fn a_row_its_lower_bounds_overfill_is_named() {
        let mut lp = Lp::new();
        let x = lp.col(
            Var::Tour { triple: 0, t: 0 },
            2.0,
            f64::INFINITY,
            1.0,
            false,
        );
        let y = lp.col(
            Var::Tour { triple: 0, t: 1 },
            0.0,
            f64::INFINITY,
            1.0,
            false,
        );
        lp.row(
            RowKind::Pool { offer: 0, t: 0 },
            f64::NEG_INFINITY,
            5.0,
            &[(x, 1.0)],
        );
        lp.row(
            RowKind::Pool { offer: 0, t: 1 },
            f64::NEG_INFINITY,
            1.0,
            &[(x, 1.0), (y, 1.0)],
        );
        for effort in [Effort::Light, Effort::Full] {
            let iis = find(&lp, effort, 10.0).expect("HiGHS answers");
            assert_eq!(iis.rows, vec![1], "{effort:?}");
        }
        // Feasible once the pool holds two: nothing named.
        lp.row_hi[1] = 2.0;
        let iis = find(&lp, Effort::Light, 10.0).expect("HiGHS answers");
        assert!(iis.rows.is_empty());
    }
}
