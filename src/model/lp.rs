//! A plain sparse LP/MIP, built row by row, with every column and row tagged by the model family
//! it belongs to. Tags make the model readable after the fact: names in the MPS file, bottleneck
//! rows traced back to input lines, and objective terms reported one by one.

/// Index of a column (variable) in [`Lp`].
pub type Col = u32;

/// What a column stands for; indices point into the scenario or the model's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Var {
    /// x: tours of an eligible (nation, unit type, site) triple begun in period t.
    Tour {
        triple: u32,
        t: u32,
    },
    /// short: role-units a requirement row lacks in period t.
    Short {
        req: u32,
        t: u32,
    },
    /// Aggregated form: units of a triple on the ground in t.
    Ground {
        triple: u32,
        t: u32,
    },
    /// Aggregated form: tours of an offer begun in t, over all its sites.
    Started {
        offer: u32,
        t: u32,
    },
    /// Sustainment: tons of commodity k at node w demanded in t.
    Demand {
        k: u32,
        w: u32,
        t: u32,
    },
    Flow {
        k: u32,
        arc: u32,
        t: u32,
    },
    Output {
        k: u32,
        supply: u32,
        t: u32,
    },
    Stock {
        k: u32,
        w: u32,
        t: u32,
    },
    Unmet {
        k: u32,
        w: u32,
        t: u32,
    },
    DosShort {
        k: u32,
        w: u32,
        t: u32,
    },
    /// Site supply (rotation model only, [`super::site_supply`]): tons demanded at node w in t,
    /// all commodities together; stock, net inflow, unmet tons and days-of-supply shortfall.
    SiteDemand {
        w: u32,
        t: u32,
    },
    SiteStock {
        w: u32,
        t: u32,
    },
    SiteInflow {
        w: u32,
        t: u32,
    },
    SiteUnmet {
        w: u32,
        t: u32,
    },
    SiteDosNeed {
        w: u32,
        t: u32,
    },
    SiteDosShort {
        w: u32,
        t: u32,
    },
    /// The same for a hub's catchment (the hub and every node supply reaches only through it):
    /// its stock, in transit inside it included, and its net inflow.
    CatchmentStock {
        h: u32,
        t: u32,
    },
    CatchmentInflow {
        h: u32,
        t: u32,
    },
    /// Nightly reruns: units of difference from the previous plan at a tour start.
    Change {
        triple: u32,
        t: u32,
    },
}

/// What a row stands for, named after the docs/model.md constraint families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    Pool { offer: u32, t: u32 },
    MaxDeployed { offer: u32, t: u32 },
    Coverage { site: u32, role: u32, t: u32 },
    ContingentLimit { limit: u32, t: u32 },
    Reception { node: u32, t: u32 },
    GroundDef { triple: u32, t: u32 },
    StartedDef { offer: u32, t: u32 },
    DemandDef { k: u32, w: u32, t: u32 },
    ArcCapacity { arc: u32, t: u32 },
    Storage { w: u32, t: u32 },
    Balance { k: u32, w: u32, t: u32 },
    UnmetCap { k: u32, w: u32, t: u32 },
    DaysOfSupply { k: u32, w: u32, t: u32 },
    SiteDemandDef { w: u32, t: u32 },
    SiteBalance { w: u32, t: u32 },
    SiteUnmetCap { w: u32, t: u32 },
    SiteDosNeedDef { w: u32, t: u32 },
    SiteDaysOfSupply { w: u32, t: u32 },
    CatchmentBalance { h: u32, t: u32 },
    CatchmentHolds { h: u32, t: u32 },
    ChangeUp { triple: u32, t: u32 },
    ChangeDown { triple: u32, t: u32 },
}

/// The model as handed to the solver.
#[derive(Debug, Default, Clone)]
pub struct Lp {
    pub col_lo: Vec<f64>,
    pub col_hi: Vec<f64>,
    pub cost: Vec<f64>,
    pub integer: Vec<bool>,
    pub var: Vec<Var>,
    pub row_lo: Vec<f64>,
    pub row_hi: Vec<f64>,
    pub row_kind: Vec<RowKind>,
    /// CSR: row r holds entries `row_start[r]..row_start[r+1]` of `idx`/`val`.
    pub row_start: Vec<usize>,
    pub idx: Vec<Col>,
    pub val: Vec<f64>,
}

impl Lp {
    pub fn new() -> Lp {
        Lp {
            row_start: vec![0],
            ..Default::default()
        }
    }

    /// Adds a column with bounds and objective coefficient (the terms are recomputed from the
    /// plan in `plan::terms`, not read off the columns).
    pub fn col(&mut self, var: Var, lo: f64, hi: f64, cost: f64, integer: bool) -> Col {
        let c = self.var.len() as Col;
        self.col_lo.push(lo);
        self.col_hi.push(hi);
        self.cost.push(cost);
        self.integer.push(integer);
        self.var.push(var);
        c
    }

    /// Adds a row `lo ≤ Σ val·x ≤ hi` (use ±∞ for one-sided rows). Zero coefficients are dropped.
    /// Each column may appear once: callers sum repeated columns themselves (a check in tests).
    pub fn row(&mut self, kind: RowKind, lo: f64, hi: f64, terms: &[(Col, f64)]) {
        for &(c, v) in terms {
            if v != 0.0 {
                self.idx.push(c);
                self.val.push(v);
            }
        }
        self.row_lo.push(lo);
        self.row_hi.push(hi);
        self.row_kind.push(kind);
        self.row_start.push(self.idx.len());
    }

    pub fn num_cols(&self) -> usize {
        self.var.len()
    }

    pub fn num_rows(&self) -> usize {
        self.row_kind.len()
    }

    pub fn nonzeros(&self) -> usize {
        self.idx.len()
    }

    pub fn num_integer(&self) -> usize {
        self.integer.iter().filter(|&&b| b).count()
    }

    /// Entries of row r.
    pub fn row_entries(&self, r: usize) -> impl Iterator<Item = (Col, f64)> + '_ {
        let (a, b) = (self.row_start[r], self.row_start[r + 1]);
        self.idx[a..b]
            .iter()
            .copied()
            .zip(self.val[a..b].iter().copied())
    }

    /// Each column's reduced cost c − Aᵀy for the row duals `y` (HiGHS's convention: y is
    /// d(objective)/d(right-hand side)).
    pub fn reduced_costs(&self, y: &[f64]) -> Vec<f64> {
        let mut rc = self.cost.clone();
        for (r, &yr) in y.iter().enumerate().take(self.num_rows()) {
            if yr == 0.0 {
                continue;
            }
            for (c, a) in self.row_entries(r) {
                rc[c as usize] -= a * yr;
            }
        }
        rc
    }

    /// A copy with every integer column fixed at `values` (rounded to nearest, or down when
    /// `down`): an LP over the continuous rest.
    pub fn with_integers_fixed(&self, values: &[f64], down: bool) -> Lp {
        let mut fixed = self.clone();
        for c in 0..fixed.num_cols() {
            if fixed.integer[c] {
                let v = if down {
                    (values[c] + 1e-6).floor()
                } else {
                    values[c].round()
                };
                let v = v.max(fixed.col_lo[c]);
                fixed.col_lo[c] = v;
                fixed.col_hi[c] = v;
                fixed.integer[c] = false;
            }
        }
        fixed
    }

    /// The first number the solver would misread as infinite or lose to rounding: a cost,
    /// coefficient, finite bound or right-hand side of magnitude ≥ `limit`. `Err` names the place:
    /// `("column", index)` or `("row", index)`.
    pub fn check_magnitudes(&self, limit: f64) -> Result<(), (&'static str, usize, f64)> {
        // Costs and coefficients must be finite; bounds may be ±∞ only on their open side.
        let big = |v: f64| !v.is_finite() || v.abs() >= limit;
        let big_bound = |v: f64, open: f64| v != open && big(v);
        for c in 0..self.num_cols() {
            if big(self.cost[c]) {
                return Err(("column", c, self.cost[c]));
            }
            if big_bound(self.col_lo[c], f64::NEG_INFINITY) {
                return Err(("column", c, self.col_lo[c]));
            }
            if big_bound(self.col_hi[c], f64::INFINITY) {
                return Err(("column", c, self.col_hi[c]));
            }
        }
        for r in 0..self.num_rows() {
            if big_bound(self.row_lo[r], f64::NEG_INFINITY) {
                return Err(("row", r, self.row_lo[r]));
            }
            if big_bound(self.row_hi[r], f64::INFINITY) {
                return Err(("row", r, self.row_hi[r]));
            }
            if let Some((_, v)) = self.row_entries(r).find(|&(_, v)| big(v)) {
                return Err(("row", r, v));
            }
        }
        Ok(())
    }

    /// The largest violation of any row or bound by `x` (for sanity checks of solver output).
    pub fn max_violation(&self, x: &[f64]) -> f64 {
        let mut worst: f64 = 0.0;
        for c in 0..self.num_cols() {
            worst = worst.max(self.col_lo[c] - x[c]).max(x[c] - self.col_hi[c]);
        }
        for r in 0..self.num_rows() {
            let a: f64 = self.row_entries(r).map(|(c, v)| v * x[c as usize]).sum();
            worst = worst.max(self.row_lo[r] - a).max(a - self.row_hi[r]);
        }
        worst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_are_dropped_and_violations_measured() {
        let mut lp = Lp::new();
        let a = lp.col(Var::Tour { triple: 0, t: 0 }, 0.0, 1.0, 0.0, false);
        let b = lp.col(Var::Tour { triple: 0, t: 1 }, 0.0, 1.0, 0.0, false);
        lp.row(
            RowKind::Pool { offer: 0, t: 0 },
            f64::NEG_INFINITY,
            1.0,
            &[(a, 3.0), (b, 0.0)],
        );
        assert_eq!(lp.nonzeros(), 1);
        assert_eq!(lp.row_entries(0).collect::<Vec<_>>(), vec![(a, 3.0)]);
        assert_eq!(lp.max_violation(&[0.5, 0.0]), 0.5);
    }
}
