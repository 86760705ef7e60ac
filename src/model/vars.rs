//! The model's columns and what they stand for: tour starts per (nation, unit type, site)
//! triple, tours under way at the start, the aggregate states of the aggregated formulation,
//! the expression helpers every constraint family builds its rows from (units on the ground,
//! covering, busy), and the names of columns and rows.

use super::lp::{Col, Lp, RowKind, Var};
use crate::scenario::{Mode, Scenario};
use std::collections::BTreeMap;

const INF: f64 = f64::INFINITY;

/// How the windowed sums (on ground, busy) are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formulation {
    /// Every row sums the tour starts of its window: long rows, a tight and simple MIP.
    Expanded,
    /// Aggregate variables (units on the ground per triple, starts per offer and period), each
    /// defined once over its window and then used with one term per row: far fewer nonzeros.
    Aggregated,
}

impl Formulation {
    pub fn parse(s: &str) -> Option<Formulation> {
        match s {
            "expanded" => Some(Formulation::Expanded),
            "aggregated" => Some(Formulation::Aggregated),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Formulation::Expanded => "expanded",
            Formulation::Aggregated => "aggregated",
        }
    }
}

/// An eligible (nation, unit type, site): the nation offers the type and the site asks for its role.
#[derive(Debug, Clone)]
pub struct Triple {
    pub nation: usize,
    pub unit_type: usize,
    pub site: usize,
    pub offer: usize,
    /// x column per start period, `None` where the tour is impossible (pruned).
    pub x: Vec<Option<Col>>,
    /// Aggregated form: units on the ground per period.
    pub ground: Vec<Option<Col>>,
}

/// Counts contributed by tours already under way at `start` (constants in every row).
#[derive(Debug, Clone, Default)]
pub struct Initial {
    /// Units busy (tour or dwell) per offer and period.
    pub busy: Vec<Vec<f64>>,
    /// Units on the ground per offer and period.
    pub ground: Vec<Vec<f64>>,
    /// Role-units covering per (site, role) and period.
    pub covering: BTreeMap<(usize, usize), Vec<f64>>,
    /// Troops on the ground under each limits.csv row per period.
    pub limit_troops: Vec<Vec<f64>>,
    /// Troops leaving through each node per period.
    pub departures: Vec<Vec<f64>>,
}

/// The built model and the indices needed to read a solution back.
#[derive(Clone)]
pub struct Model<'s> {
    pub sc: &'s Scenario,
    pub mode: Mode,
    pub form: Formulation,
    pub lp: Lp,
    /// Role names; index = role id used in rows.
    pub roles: Vec<String>,
    pub triples: Vec<Triple>,
    /// Triples of each offer.
    pub by_offer: Vec<Vec<usize>>,
    /// Aggregated form: tour starts per offer and period, over all sites.
    pub started: Vec<Vec<Option<Col>>>,
    /// Shortfall columns per requirement row and period.
    pub short: Vec<Vec<Option<Col>>>,
    pub initial: Initial,
    /// Sustainment variables (with the network tables).
    pub net: Option<NetVars>,
    /// The input lines behind tour columns' lower bounds (pins, a fixed plan, frozen tours),
    /// for naming them when the model cannot be solved (`origin.rs`).
    pub fixed_from: BTreeMap<Col, Vec<super::origin::Origin>>,
}

impl<'s> Model<'s> {
    pub fn periods(&self) -> usize {
        self.sc.periods
    }

    pub fn role_id(&self, role: &str) -> usize {
        self.roles
            .binary_search_by(|r| r.as_str().cmp(role))
            .unwrap_or(usize::MAX)
    }

    /// Constants from deployed.csv: what the tours under way contribute to each family's rows.
    pub(super) fn initial_tours(&mut self) {
        let sc = self.sc;
        let t_n = sc.periods;
        let mut ini = Initial {
            busy: vec![vec![0.0; t_n]; sc.offers.len()],
            ground: vec![vec![0.0; t_n]; sc.offers.len()],
            covering: BTreeMap::new(),
            limit_troops: vec![vec![0.0; t_n]; sc.limits.len()],
            departures: vec![vec![0.0; t_n]; sc.network.as_ref().map_or(0, |n| n.nodes.len())],
        };
        for it in &sc.deployed {
            let ut = &sc.unit_types[it.unit_type];
            let Some(o) = sc
                .offers
                .iter()
                .position(|o| o.nation == it.nation && o.unit_type == it.unit_type)
            else {
                continue; // load() refuses initial tours without an offer
            };
            let k = it.units as f64;
            let (tau, l, h, d) = (
                it.start_period,
                ut.tour as i64,
                ut.handover as i64,
                ut.dwell as i64,
            );
            let role = self.role_id(&ut.role);
            for t in 0..t_n as i64 {
                let ti = t as usize;
                if t < tau + l + d && t >= tau {
                    ini.busy[o][ti] += k;
                }
                if t >= tau && t < tau + l {
                    ini.ground[o][ti] += k;
                    for (li, lim) in sc.limits.iter().enumerate() {
                        if crate::scenario::limit_matches(sc, lim, it.nation, it.unit_type, it.site)
                        {
                            ini.limit_troops[li][ti] += k * ut.troops as f64;
                        }
                    }
                }
                if t >= tau + h && t < tau + l {
                    ini.covering
                        .entry((it.site, role))
                        .or_insert_with(|| vec![0.0; t_n])[ti] += k * ut.role_value;
                }
                if t == tau + l - 1 {
                    if let Some(w) = sc.sites[it.site].reception {
                        ini.departures[w][ti] += k * ut.troops as f64;
                    }
                }
            }
        }
        self.initial = ini;
    }

    /// x[n,u,s,t]: tour starts, created only where a tour is possible (docs/model.md), with
    /// their cost: cost_per_day for each on-ground period inside the horizon, plus cost_per_tour.
    ///
    /// Pruned, without changing the optimum: tours outside the nation's availability; tours that
    /// would never cover inside the horizon (they only cost); tours that meet a row with no room
    /// left at all (a pool, max deployed, limit or reception already full from initial tours, or a
    /// caveat of 0).
    pub(super) fn tour_variables(&mut self) {
        let sc = self.sc;
        let t_n = sc.periods;
        let integer = self.mode == crate::scenario::Mode::Mip;
        let mut site_roles: Vec<Vec<usize>> = vec![Vec::new(); sc.sites.len()];
        for r in &sc.requirements {
            let id = self.role_id(&r.role);
            if !site_roles[r.site].contains(&id) {
                site_roles[r.site].push(id);
            }
        }
        let pd = sc.period_days as f64;
        for (o, off) in sc.offers.iter().enumerate() {
            if off.units == 0 || off.max_deployed == Some(0) {
                continue;
            }
            let ut = &sc.unit_types[off.unit_type];
            let role = self.role_id(&ut.role);
            let (l, h, d) = (ut.tour, ut.handover, ut.dwell);
            for (s, site) in sc.sites.iter().enumerate() {
                if !site_roles[s].contains(&role) {
                    continue;
                }
                let limits: Vec<usize> = (0..sc.limits.len())
                    .filter(|&li| {
                        crate::scenario::limit_matches(
                            sc,
                            &sc.limits[li],
                            off.nation,
                            off.unit_type,
                            s,
                        )
                    })
                    .collect();
                let tri = self.triples.len();
                let mut x = vec![None; t_n];
                for (t, slot) in x.iter_mut().enumerate() {
                    let on_ground = t..(t + l).min(t_n);
                    if t + h >= t_n
                        || !on_ground
                            .clone()
                            .all(|p| sc.nation_available(off.nation, p as i64))
                    {
                        continue;
                    }
                    let busy_full = (t..(t + l + d).min(t_n))
                        .any(|p| self.initial.busy[o][p] >= off.units as f64 - 1e-9);
                    let deployed_full = off.max_deployed.is_some_and(|m| {
                        on_ground
                            .clone()
                            .any(|p| self.initial.ground[o][p] >= m as f64 - 1e-9)
                    });
                    let limit_full = limits.iter().any(|&li| {
                        let lim = &sc.limits[li];
                        on_ground.clone().any(|p| {
                            sc.active(lim.from, lim.to, p as i64)
                                && self.initial.limit_troops[li][p] >= lim.max_troops - 1e-9
                        })
                    });
                    let pax_of =
                        |w: usize| sc.network.as_ref().and_then(|n| n.nodes[w].pax_per_day);
                    let reception_full = site.reception.is_some_and(|w| {
                        pax_of(w).is_some_and(|pax| {
                            let cap = pax * pd;
                            let last = t + l - 1;
                            self.initial.departures[w][t] >= cap - 1e-9
                                || (last < t_n && self.initial.departures[w][last] >= cap - 1e-9)
                        })
                    });
                    if busy_full || deployed_full || limit_full || reception_full {
                        continue;
                    }
                    let days_on_ground = ((t + l).min(t_n) - t) as f64 * pd;
                    let cost = off.cost_per_day * days_on_ground + off.cost_per_tour;
                    let c = self.lp.col(
                        Var::Tour {
                            triple: tri as u32,
                            t: t as u32,
                        },
                        0.0,
                        INF,
                        cost,
                        integer,
                    );
                    *slot = Some(c);
                }
                if x.iter().all(Option::is_none) {
                    continue;
                }
                self.by_offer[o].push(tri);
                self.triples.push(Triple {
                    nation: off.nation,
                    unit_type: off.unit_type,
                    site: s,
                    offer: o,
                    x,
                    ground: Vec::new(),
                });
            }
        }
    }

    /// Aggregated form: ground[tr,t] = Σ x[tr,τ] over τ ∈ (t−L, t], and started[o,t] = Σ_s x[o,s,t].
    /// Both are exact (integral whenever x is). Each is defined by its own row over its window,
    /// not by a recursion from the previous period: chains of recursions make the simplex crawl.
    pub(super) fn aggregate_states(&mut self) {
        let t_n = self.periods();
        let mut buf = Vec::new();
        for tr in 0..self.triples.len() {
            let l = self.sc.unit_types[self.triples[tr].unit_type].tour as i64;
            let mut g: Vec<Option<Col>> = Vec::with_capacity(t_n);
            for t in 0..t_n {
                buf.clear();
                self.push_starts(tr, t as i64 - l + 1, t as i64, -1.0, &mut buf);
                if buf.is_empty() {
                    g.push(None);
                    continue;
                }
                let c = self.lp.col(
                    Var::Ground {
                        triple: tr as u32,
                        t: t as u32,
                    },
                    0.0,
                    INF,
                    0.0,
                    false,
                );
                buf.push((c, 1.0));
                self.lp.row(
                    RowKind::GroundDef {
                        triple: tr as u32,
                        t: t as u32,
                    },
                    0.0,
                    0.0,
                    &buf,
                );
                g.push(Some(c));
            }
            self.triples[tr].ground = g;
        }
        for o in 0..self.sc.offers.len() {
            let mut k: Vec<Option<Col>> = Vec::with_capacity(t_n);
            for t in 0..t_n {
                buf.clear();
                for &tr in &self.by_offer[o] {
                    if let Some(x) = self.triples[tr].x[t] {
                        buf.push((x, -1.0));
                    }
                }
                if buf.len() <= 1 {
                    // One site (or none): the start itself serves, no new column needed.
                    k.push(buf.first().map(|&(x, _)| x));
                    continue;
                }
                let c = self.lp.col(
                    Var::Started {
                        offer: o as u32,
                        t: t as u32,
                    },
                    0.0,
                    INF,
                    0.0,
                    false,
                );
                buf.push((c, 1.0));
                self.lp.row(
                    RowKind::StartedDef {
                        offer: o as u32,
                        t: t as u32,
                    },
                    0.0,
                    0.0,
                    &buf,
                );
                k.push(Some(c));
            }
            self.started.push(k);
        }
    }

    /// Tour starts of triple `tr` in periods `from..=to` (clipped to the horizon), times `coef`.
    pub(super) fn push_starts(
        &self,
        tr: usize,
        from: i64,
        to: i64,
        coef: f64,
        buf: &mut Vec<(Col, f64)>,
    ) {
        let x = &self.triples[tr].x;
        for tau in from.max(0)..=to.min(x.len() as i64 - 1) {
            if let Some(c) = x[tau as usize] {
                buf.push((c, coef));
            }
        }
    }

    /// coef × (new units of triple `tr` on the ground in t, less those in t − 1): two entries per
    /// triple in either form, where the ground count itself takes a tour's length of starts.
    pub fn push_ground_change(&self, tr: usize, t: usize, coef: f64, buf: &mut Vec<(Col, f64)>) {
        match self.form {
            Formulation::Aggregated => {
                self.push_ground(tr, t, coef, buf);
                if t > 0 {
                    self.push_ground(tr, t - 1, -coef, buf);
                }
            }
            Formulation::Expanded => {
                let l = self.sc.unit_types[self.triples[tr].unit_type].tour as i64;
                self.push_starts(tr, t as i64, t as i64, coef, buf);
                self.push_starts(tr, t as i64 - l, t as i64 - l, -coef, buf);
            }
        }
    }

    /// coef × (new units of triple `tr` on the ground in t).
    pub fn push_ground(&self, tr: usize, t: usize, coef: f64, buf: &mut Vec<(Col, f64)>) {
        match self.form {
            Formulation::Aggregated => {
                if let Some(c) = self.triples[tr].ground[t] {
                    buf.push((c, coef));
                }
            }
            Formulation::Expanded => {
                let l = self.sc.unit_types[self.triples[tr].unit_type].tour as i64;
                self.push_starts(tr, t as i64 - l + 1, t as i64, coef, buf);
            }
        }
    }

    /// coef × (new units of triple `tr` covering in t): on the ground and past their handover.
    pub(super) fn push_covering(&self, tr: usize, t: usize, coef: f64, buf: &mut Vec<(Col, f64)>) {
        let ut = &self.sc.unit_types[self.triples[tr].unit_type];
        let (l, h, t) = (ut.tour as i64, ut.handover as i64, t as i64);
        match self.form {
            Formulation::Aggregated => {
                self.push_ground(tr, t as usize, coef, buf);
                self.push_starts(tr, t - h + 1, t, -coef, buf);
            }
            Formulation::Expanded => self.push_starts(tr, t - l + 1, t - h, coef, buf),
        }
    }

    /// coef × (tours of offer `o` begun in `from..=to`), over all its sites.
    pub(super) fn push_offer_starts(
        &self,
        o: usize,
        from: i64,
        to: i64,
        coef: f64,
        buf: &mut Vec<(Col, f64)>,
    ) {
        match self.form {
            Formulation::Aggregated => {
                for tau in from.max(0)..=to.min(self.periods() as i64 - 1) {
                    if let Some(c) = self.started[o][tau as usize] {
                        buf.push((c, coef));
                    }
                }
            }
            Formulation::Expanded => {
                for &tr in &self.by_offer[o] {
                    self.push_starts(tr, from, to, coef, buf);
                }
            }
        }
    }
}

impl Model<'_> {
    /// The column's name as docs/model.md writes it, e.g. `x[GBR,armd_bn,KYIV,12]`.
    pub fn col_name(&self, c: usize) -> String {
        let sc = self.sc;
        let tri = |i: u32| {
            let x = &self.triples[i as usize];
            format!(
                "{},{},{}",
                sc.nations[x.nation].code, sc.unit_types[x.unit_type].code, sc.sites[x.site].code
            )
        };
        let net = sc.network.as_ref();
        let node = |w: u32| net.map_or(String::new(), |n| n.nodes[w as usize].code.clone());
        let com = |k: u32| net.map_or(String::new(), |n| n.commodities[k as usize].code.clone());
        let arc = |a: u32| {
            net.map_or(String::new(), |n| {
                let a = &n.arcs[a as usize];
                format!("{}>{}:{}", n.nodes[a.from].code, n.nodes[a.to].code, a.mode)
            })
        };
        let offer = |o: u32| {
            let o = &sc.offers[o as usize];
            format!(
                "{},{}",
                sc.nations[o.nation].code, sc.unit_types[o.unit_type].code
            )
        };
        match self.lp.var[c] {
            Var::Tour { triple, t } => format!("x[{},{t}]", tri(triple)),
            Var::Short { req, t } => {
                format!("short[req{},{t}]", sc.requirements[req as usize].line)
            }
            Var::Ground { triple, t } => format!("g[{},{t}]", tri(triple)),
            Var::Started { offer: o, t } => format!("started[{},{t}]", offer(o)),
            Var::Demand { k, w, t } => format!("d[{},{},{t}]", com(k), node(w)),
            Var::Flow { k, arc: a, t } => format!("f[{},{},{t}]", com(k), arc(a)),
            Var::Output { k, supply, t } => format!(
                "o[{},{},{t}]",
                com(k),
                node(net.map_or(0, |n| n.supply[supply as usize].node as u32))
            ),
            Var::Stock { k, w, t } => format!("I[{},{},{t}]", com(k), node(w)),
            Var::Unmet { k, w, t } => format!("unmet[{},{},{t}]", com(k), node(w)),
            Var::DosShort { k, w, t } => format!("dos_short[{},{},{t}]", com(k), node(w)),
            Var::Change { triple, t } => format!("change[{},{t}]", tri(triple)),
            Var::SiteDemand { w, t } => format!("site_d[{},{t}]", node(w)),
            Var::SiteStock { w, t } => format!("site_I[{},{t}]", node(w)),
            Var::SiteInflow { w, t } => format!("site_in[{},{t}]", node(w)),
            Var::SiteUnmet { w, t } => format!("site_unmet[{},{t}]", node(w)),
            Var::SiteDosNeed { w, t } => format!("site_dos_need[{},{t}]", node(w)),
            Var::SiteDosShort { w, t } => format!("site_dos_short[{},{t}]", node(w)),
            Var::CatchmentStock { h, t } => format!("catchment_I[{},{t}]", node(h)),
            Var::CatchmentInflow { h, t } => format!("catchment_in[{},{t}]", node(h)),
        }
    }

    /// The row's name after its constraint family (docs/model.md), e.g. `pool[GBR,armd_bn,12]`, `limit[line4,30]`.
    pub fn row_name(&self, r: usize) -> String {
        let sc = self.sc;
        let net = sc.network.as_ref();
        let node = |w: u32| net.map_or(String::new(), |n| n.nodes[w as usize].code.clone());
        let com = |k: u32| net.map_or(String::new(), |n| n.commodities[k as usize].code.clone());
        let offer = |o: u32| {
            let o = &sc.offers[o as usize];
            format!(
                "{},{}",
                sc.nations[o.nation].code, sc.unit_types[o.unit_type].code
            )
        };
        match self.lp.row_kind[r] {
            RowKind::Pool { offer: o, t } => format!("pool[{},{t}]", offer(o)),
            RowKind::MaxDeployed { offer: o, t } => format!("max_deployed[{},{t}]", offer(o)),
            RowKind::Coverage { site, role, t } => format!(
                "coverage[{},{},{t}]",
                sc.sites[site as usize].code, self.roles[role as usize]
            ),
            RowKind::ContingentLimit { limit, t } => {
                format!("limit[line{},{t}]", sc.limits[limit as usize].line)
            }
            RowKind::Reception { node: w, t } => format!("reception[{},{t}]", node(w)),
            RowKind::GroundDef { triple, t } => {
                let x = &self.triples[triple as usize];
                format!(
                    "ground_def[{},{},{},{t}]",
                    sc.nations[x.nation].code,
                    sc.unit_types[x.unit_type].code,
                    sc.sites[x.site].code
                )
            }
            RowKind::StartedDef { offer: o, t } => format!("started_def[{},{t}]", offer(o)),
            RowKind::DemandDef { k, w, t } => format!("demand_def[{},{},{t}]", com(k), node(w)),
            RowKind::ArcCapacity { arc, t } => {
                let name = net.map_or(String::new(), |n| {
                    let a = &n.arcs[arc as usize];
                    format!("{}>{}:{}", n.nodes[a.from].code, n.nodes[a.to].code, a.mode)
                });
                format!("arc_capacity[{name},{t}]")
            }
            RowKind::Storage { w, t } => format!("storage[{},{t}]", node(w)),
            RowKind::Balance { k, w, t } => format!("balance[{},{},{t}]", com(k), node(w)),
            RowKind::UnmetCap { k, w, t } => format!("unmet_cap[{},{},{t}]", com(k), node(w)),
            RowKind::DaysOfSupply { k, w, t } => {
                format!("days_of_supply[{},{},{t}]", com(k), node(w))
            }
            RowKind::SiteDemandDef { w, t } => format!("site_demand_def[{},{t}]", node(w)),
            RowKind::SiteBalance { w, t } => format!("site_balance[{},{t}]", node(w)),
            RowKind::SiteUnmetCap { w, t } => format!("site_unmet_cap[{},{t}]", node(w)),
            RowKind::SiteDosNeedDef { w, t } => format!("site_dos_need_def[{},{t}]", node(w)),
            RowKind::SiteDaysOfSupply { w, t } => format!("site_days_of_supply[{},{t}]", node(w)),
            RowKind::CatchmentBalance { h, t } => format!("catchment_balance[{},{t}]", node(h)),
            RowKind::CatchmentHolds { h, t } => format!("catchment_holds[{},{t}]", node(h)),
            RowKind::ChangeUp { triple, t } | RowKind::ChangeDown { triple, t } => {
                let x = &self.triples[triple as usize];
                let dir = if matches!(self.lp.row_kind[r], RowKind::ChangeUp { .. }) {
                    "up"
                } else {
                    "down"
                };
                format!(
                    "change_{dir}[{},{},{},{t}]",
                    sc.nations[x.nation].code,
                    sc.unit_types[x.unit_type].code,
                    sc.sites[x.site].code
                )
            }
        }
    }
}

impl Model<'_> {
    /// The input row behind a column or row, for messages about the model: (file, line).
    pub fn source(&self, what: &str, i: usize) -> (&'static str, Option<usize>) {
        let sc = self.sc;
        let net = sc.network.as_ref();
        if what == "column" {
            return match self.lp.var[i] {
                Var::Tour { triple, .. }
                | Var::Ground { triple, .. }
                | Var::Change { triple, .. } => (
                    "offers.csv",
                    Some(sc.offers[self.triples[triple as usize].offer].line),
                ),
                Var::Started { offer, .. } => ("offers.csv", Some(sc.offers[offer as usize].line)),
                Var::Short { req, .. } => {
                    ("requirements.csv", Some(sc.requirements[req as usize].line))
                }
                Var::Flow { arc, .. } => ("arcs.csv", net.map(|n| n.arcs[arc as usize].line)),
                Var::Output { supply, .. } => {
                    ("supply.csv", net.map(|n| n.supply[supply as usize].line))
                }
                Var::Demand { .. } => ("consumption.csv", None),
                Var::Stock { w, .. } => ("nodes.csv", net.map(|n| n.nodes[w as usize].line)),
                Var::Unmet { .. } => ("commodities.csv", None),
                Var::DosShort { .. } => ("scenario.toml", None),
                Var::SiteDemand { .. } => ("consumption.csv", None),
                Var::SiteStock { w, .. } | Var::SiteInflow { w, .. } => {
                    ("nodes.csv", net.map(|n| n.nodes[w as usize].line))
                }
                Var::CatchmentStock { h, .. } | Var::CatchmentInflow { h, .. } => {
                    ("nodes.csv", net.map(|n| n.nodes[h as usize].line))
                }
                Var::SiteUnmet { .. } | Var::SiteDosNeed { .. } => ("commodities.csv", None),
                Var::SiteDosShort { .. } => ("scenario.toml", None),
            };
        }
        match self.lp.row_kind[i] {
            RowKind::Pool { offer, .. }
            | RowKind::MaxDeployed { offer, .. }
            | RowKind::StartedDef { offer, .. } => {
                ("offers.csv", Some(sc.offers[offer as usize].line))
            }
            RowKind::Coverage { site, role, .. } => (
                "requirements.csv",
                sc.requirements
                    .iter()
                    .find(|r| r.site == site as usize && r.role == self.roles[role as usize])
                    .map(|r| r.line),
            ),
            RowKind::ContingentLimit { limit, .. } => {
                ("limits.csv", Some(sc.limits[limit as usize].line))
            }
            RowKind::Reception { node, .. } => {
                ("nodes.csv", net.map(|n| n.nodes[node as usize].line))
            }
            RowKind::GroundDef { triple, .. }
            | RowKind::ChangeUp { triple, .. }
            | RowKind::ChangeDown { triple, .. } => (
                "offers.csv",
                Some(sc.offers[self.triples[triple as usize].offer].line),
            ),
            RowKind::DemandDef { .. } => ("consumption.csv", None),
            RowKind::ArcCapacity { arc, .. } => {
                ("arcs.csv", net.map(|n| n.arcs[arc as usize].line))
            }
            RowKind::Storage { w, .. } => ("nodes.csv", net.map(|n| n.nodes[w as usize].line)),
            RowKind::Balance { .. } | RowKind::UnmetCap { .. } => ("initial_stocks.csv", None),
            RowKind::DaysOfSupply { .. } => ("commodities.csv", None),
            RowKind::SiteDemandDef { .. } => ("consumption.csv", None),
            RowKind::SiteBalance { w, .. } | RowKind::SiteUnmetCap { w, .. } => {
                ("nodes.csv", net.map(|n| n.nodes[w as usize].line))
            }
            RowKind::CatchmentBalance { h, .. } | RowKind::CatchmentHolds { h, .. } => {
                ("nodes.csv", net.map(|n| n.nodes[h as usize].line))
            }
            RowKind::SiteDosNeedDef { .. } | RowKind::SiteDaysOfSupply { .. } => {
                ("commodities.csv", None)
            }
        }
    }

    /// Inputs each within range can still multiply into numbers the solver reads as infinite
    /// (HiGHS treats 1e20 as ∞) or cannot solve reliably. Both `check` and `solve` call this, so
    /// they agree on what is an input error.
    pub fn magnitude_problem(&self) -> Option<crate::base::diag::Diag> {
        let (what, i, v) = self.lp.check_magnitudes(1e15).err()?;
        let (file, line) = self.source(what, i);
        let name = if what == "column" {
            self.col_name(i)
        } else {
            self.row_name(i)
        };
        Some(crate::base::diag::Diag {
            severity: crate::base::diag::Severity::Error,
            file: file.to_string(),
            line,
            column: None,
            message: format!(
                "a value here, or its product with a penalty, priority or period length, puts {v:e} into the model ({name}): too large to solve reliably (keep it below 1e15)"
            ),
        })
    }
}

/// Sustainment columns, indexed densely by (commodity, node or arc or supply row, period).
#[derive(Debug, Clone, Default)]
pub struct NetVars {
    pub commodities: usize,
    pub nodes: usize,
    pub arcs: usize,
    pub periods: usize,
    pub demand: Vec<Option<Col>>,
    /// Constant part of demand (initial tours), tons per (k, w, t).
    pub demand_const: Vec<f64>,
    pub flow: Vec<Option<Col>>,
    /// Depot output per (supply row, t); the row fixes the commodity.
    pub output: Vec<Option<Col>>,
    pub stock: Vec<Option<Col>>,
    pub unmet: Vec<Option<Col>>,
    pub dos_short: Vec<Option<Col>>,
}

impl NetVars {
    pub fn kwt(&self, k: usize, w: usize, t: usize) -> usize {
        (k * self.nodes + w) * self.periods + t
    }

    pub fn kat(&self, k: usize, a: usize, t: usize) -> usize {
        (k * self.arcs + a) * self.periods + t
    }
}
