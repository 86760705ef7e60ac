//! The rotation's constraint families, one method each, each documenting its inequality
//! (docs/model.md): pool, max deployed, coverage, contingent limits and caveats, reception.

use super::lp::{Col, RowKind, Var};
use super::vars::Model;
use std::collections::BTreeMap;

const INF: f64 = f64::INFINITY;

impl Model<'_> {
    /// Constraint 1, pool: units busy (on tour or in dwell) never exceed the nation's pool.
    pub(super) fn pool(&mut self) {
        let mut buf = Vec::new();
        for (o, off) in self.sc.offers.iter().enumerate() {
            if self.by_offer[o].is_empty() {
                continue;
            }
            let ut = &self.sc.unit_types[off.unit_type];
            let busy = (ut.tour + ut.dwell) as i64;
            for t in 0..self.periods() {
                buf.clear();
                self.push_offer_starts(o, t as i64 - busy + 1, t as i64, 1.0, &mut buf);
                let room = off.units as f64 - self.initial.busy[o][t];
                self.lp.row(
                    RowKind::Pool {
                        offer: o as u32,
                        t: t as u32,
                    },
                    -INF,
                    room,
                    &buf,
                );
            }
        }
    }

    /// Constraint 2, max deployed: units of an offer on the ground at once, where the nation caps it.
    pub(super) fn max_deployed(&mut self) {
        let mut buf = Vec::new();
        for (o, off) in self.sc.offers.iter().enumerate() {
            let Some(max) = off.max_deployed else {
                continue;
            };
            if self.by_offer[o].is_empty() {
                continue;
            }
            let l = self.sc.unit_types[off.unit_type].tour as i64;
            for t in 0..self.periods() {
                buf.clear();
                self.push_offer_starts(o, t as i64 - l + 1, t as i64, 1.0, &mut buf);
                let room = max as f64 - self.initial.ground[o][t];
                self.lp.row(
                    RowKind::MaxDeployed {
                        offer: o as u32,
                        t: t as u32,
                    },
                    -INF,
                    room,
                    &buf,
                );
            }
        }
    }

    /// Constraint 3, coverage: role-units covering a site, plus shortfall, meet the active requirements.
    /// Shortfall is priced per requirement row, so the optimiser leaves the lowest priority short.
    pub(super) fn coverage(&mut self) {
        let sc = self.sc;
        let t_n = self.periods();
        self.short = vec![vec![None; t_n]; sc.requirements.len()];
        let mut groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (i, r) in sc.requirements.iter().enumerate() {
            groups
                .entry((r.site, self.role_id(&r.role)))
                .or_default()
                .push(i);
        }
        let pd = sc.period_days as f64;
        let mut buf = Vec::new();
        for ((s, role), reqs) in groups {
            let covering_triples: Vec<usize> = (0..self.triples.len())
                .filter(|&tr| {
                    self.triples[tr].site == s
                        && self.role_id(&sc.unit_types[self.triples[tr].unit_type].role) == role
                })
                .collect();
            for t in 0..t_n {
                let active: Vec<usize> = reqs
                    .iter()
                    .copied()
                    .filter(|&i| {
                        sc.active(sc.requirements[i].from, sc.requirements[i].to, t as i64)
                    })
                    .collect();
                let required: f64 = active.iter().map(|&i| sc.requirements[i].required).sum();
                let already = self.initial.covering.get(&(s, role)).map_or(0.0, |v| v[t]);
                let need = required - already;
                if need <= 1e-9 {
                    continue;
                }
                buf.clear();
                for &tr in &covering_triples {
                    let v = sc.unit_types[self.triples[tr].unit_type].role_value;
                    self.push_covering(tr, t, v, &mut buf);
                }
                for &i in &active {
                    let r = &sc.requirements[i];
                    if r.required <= 0.0 {
                        continue;
                    }
                    let cost = sc.penalties.coverage * r.priority * pd;
                    let c = self.lp.col(
                        Var::Short {
                            req: i as u32,
                            t: t as u32,
                        },
                        0.0,
                        r.required,
                        cost,
                        false,
                    );
                    self.short[i][t] = Some(c);
                    buf.push((c, 1.0));
                }
                self.lp.row(
                    RowKind::Coverage {
                        site: s as u32,
                        role: role as u32,
                        t: t as u32,
                    },
                    need,
                    INF,
                    &buf,
                );
            }
        }
    }

    /// Constraint 4, contingent limits and caveats: troops on the ground under each limits.csv row.
    pub(super) fn contingent_limits(&mut self) {
        let sc = self.sc;
        let mut buf = Vec::new();
        for (li, lim) in sc.limits.iter().enumerate() {
            let matching: Vec<usize> = (0..self.triples.len())
                .filter(|&tr| {
                    let x = &self.triples[tr];
                    crate::scenario::limit_matches(sc, lim, x.nation, x.unit_type, x.site)
                })
                .collect();
            if matching.is_empty() {
                continue;
            }
            for t in 0..self.periods() {
                if !sc.active(lim.from, lim.to, t as i64) {
                    continue;
                }
                buf.clear();
                for &tr in &matching {
                    let troops = sc.unit_types[self.triples[tr].unit_type].troops as f64;
                    self.push_ground(tr, t, troops, &mut buf);
                }
                if buf.is_empty() {
                    continue;
                }
                let room = lim.max_troops - self.initial.limit_troops[li][t];
                self.lp.row(
                    RowKind::ContingentLimit {
                        limit: li as u32,
                        t: t as u32,
                    },
                    -INF,
                    room,
                    &buf,
                );
            }
        }
    }

    /// Constraint 5, reception: troops arriving plus leaving through a node per period (docs/model.md#reception).
    pub(super) fn reception(&mut self) {
        let sc = self.sc;
        let Some(net) = &sc.network else { return };
        let t_n = self.periods();
        let mut buf: Vec<(Col, f64)> = Vec::new();
        for (w, node) in net.nodes.iter().enumerate() {
            let Some(pax) = node.pax_per_day else {
                continue;
            };
            let through: Vec<usize> = (0..self.triples.len())
                .filter(|&tr| sc.sites[self.triples[tr].site].reception == Some(w))
                .collect();
            if through.is_empty() {
                continue;
            }
            for t in 0..t_n {
                buf.clear();
                for &tr in &through {
                    let ut = &sc.unit_types[self.triples[tr].unit_type];
                    let m = ut.troops as f64;
                    let x = &self.triples[tr].x;
                    // Arrivals in t; departures of tours begun in t−L+1 (the same tour when L = 1).
                    let leaving_start = t as i64 - ut.tour as i64 + 1;
                    if ut.tour == 1 {
                        if let Some(c) = x[t] {
                            buf.push((c, 2.0 * m));
                        }
                        continue;
                    }
                    if let Some(c) = x[t] {
                        buf.push((c, m));
                    }
                    if leaving_start >= 0 {
                        if let Some(c) = x[leaving_start as usize] {
                            buf.push((c, m));
                        }
                    }
                }
                if buf.is_empty() {
                    continue;
                }
                let room = pax * sc.period_days as f64 - self.initial.departures[w][t];
                self.lp.row(
                    RowKind::Reception {
                        node: w as u32,
                        t: t as u32,
                    },
                    -INF,
                    room,
                    &buf,
                );
            }
        }
    }
}
