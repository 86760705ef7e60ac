//! Where the fixed numbers of the model come from, so a model that cannot be solved can be
//! traced back to the input rows a planner would open: each tour under way's share of a row's
//! right-hand side (deployed.csv, a previous plan, an earlier rolling window), and each input
//! line behind a tour column's lower bound (`--pin`, `--fix`, a frozen tour of `--previous`).
//! Rows name their own input (offers.csv, limits.csv, nodes.csv) through their [`RowKind`].

use super::lp::{Col, RowKind};
use super::vars::Model;
use crate::scenario::InitialTour;

/// Why a tour column has a lower bound above zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// `solve --pin`: at least these units begin then.
    Pinned,
    /// `solve --fix`: exactly these units begin then.
    Fixed,
    /// `solve --previous`: published within `[stability] freeze_days`, kept as it is.
    Frozen,
}

/// One input line behind a tour column's lower bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The file as messages name it (`pins.csv`, or the previous plan's deployments.csv path).
    pub file: String,
    pub line: usize,
    pub units: f64,
    pub held: Held,
}

impl Model<'_> {
    /// Records that `units` of column `c`'s lower bound come from `file:line`.
    pub fn hold(&mut self, c: Col, file: &str, line: usize, units: f64, held: Held) {
        self.fixed_from.entry(c).or_default().push(Origin {
            file: file.to_string(),
            line,
            units,
            held,
        });
    }

    /// What each tour under way puts into row `r`'s right-hand side: (index into
    /// `sc.deployed`, units or troops). The same counts as [`Model::initial_tours`] (a test
    /// keeps them equal), per tour instead of summed. Empty for rows tours under way do not
    /// fill (coverage and the sustainment rows are priced, never full).
    pub fn initial_share(&self, r: usize) -> Vec<(usize, f64)> {
        self.initial_share_of(self.lp.row_kind[r])
    }

    /// [`Model::initial_share`] of the row `kind` would be, whether or not the model holds it.
    pub fn initial_share_of(&self, kind: RowKind) -> Vec<(usize, f64)> {
        let sc = self.sc;
        let l_of = |it: &InitialTour| {
            let ut = &sc.unit_types[it.unit_type];
            (ut.tour as i64, ut.dwell as i64)
        };
        let of_offer = |it: &InitialTour, o: u32| {
            let off = &sc.offers[o as usize];
            it.nation == off.nation && it.unit_type == off.unit_type
        };
        let troops = |it: &InitialTour| it.units as f64 * sc.unit_types[it.unit_type].troops as f64;
        let pick = |f: &dyn Fn(&InitialTour) -> Option<f64>| -> Vec<(usize, f64)> {
            sc.deployed
                .iter()
                .enumerate()
                .filter_map(|(i, it)| f(it).map(|v| (i, v)))
                .collect()
        };
        match kind {
            RowKind::Pool { offer, t } => pick(&|it| {
                let ((l, d), t) = (l_of(it), t as i64);
                (of_offer(it, offer) && it.start_period <= t && t < it.start_period + l + d)
                    .then_some(it.units as f64)
            }),
            RowKind::MaxDeployed { offer, t } => pick(&|it| {
                let ((l, _), t) = (l_of(it), t as i64);
                (of_offer(it, offer) && it.start_period <= t && t < it.start_period + l)
                    .then_some(it.units as f64)
            }),
            RowKind::ContingentLimit { limit, t } => pick(&|it| {
                let ((l, _), t) = (l_of(it), t as i64);
                let lim = &sc.limits[limit as usize];
                (crate::scenario::limit_matches(sc, lim, it.nation, it.unit_type, it.site)
                    && it.start_period <= t
                    && t < it.start_period + l)
                    .then(|| troops(it))
            }),
            RowKind::Reception { node, t } => pick(&|it| {
                let (l, _) = l_of(it);
                (sc.sites[it.site].reception == Some(node as usize)
                    && it.start_period + l - 1 == t as i64)
                    .then(|| troops(it))
            }),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Formulation;
    use crate::scenario::Mode;

    /// Per tour and summed must agree: on every row of the demo (which has tours under way at
    /// pools, limits and reception nodes), the shares add up to the constant the row was built
    /// with.
    #[test]
    fn shares_add_up_to_the_constants_of_the_rows() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo");
        let sc = crate::scenario::load(&dir)
            .scenario
            .expect("the demo loads");
        let m = crate::model::build(&sc, Mode::Lp, Formulation::Expanded);
        let ini = &m.initial;
        let mut nonzero = 0;
        for r in 0..m.lp.num_rows() {
            let want = match m.lp.row_kind[r] {
                RowKind::Pool { offer, t } => ini.busy[offer as usize][t as usize],
                RowKind::MaxDeployed { offer, t } => ini.ground[offer as usize][t as usize],
                RowKind::ContingentLimit { limit, t } => {
                    ini.limit_troops[limit as usize][t as usize]
                }
                RowKind::Reception { node, t } => ini.departures[node as usize][t as usize],
                _ => 0.0,
            };
            let got: f64 = m.initial_share(r).iter().map(|s| s.1).sum();
            assert!(
                (got - want).abs() < 1e-9,
                "{}: {got} != {want}",
                m.row_name(r)
            );
            if want > 0.0 {
                nonzero += 1;
            }
        }
        assert!(nonzero > 0, "the demo's tours under way fill some rows");
    }
}
