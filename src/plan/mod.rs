//! A solved plan in the planner's terms: tours with concrete unit numbers, shortfalls, flows and
//! stocks, and every objective term recomputed from them (not copied from the solver).

pub mod changes;

use crate::scenario::{Mode, Scenario};

/// One tour (or, in `lp` mode, a fractional bundle of tours with the same start).
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    pub nation: usize,
    pub unit_type: usize,
    pub site: usize,
    /// Period the tour begins (negative for initial tours).
    pub start: i64,
    pub units: f64,
    /// Unit number within (nation, unit type), from the interval assignment (`mip` mode).
    pub unit_no: Option<u32>,
    pub initial: bool,
}

/// The objective, term by term (docs/model.md; summary.json `terms`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Terms {
    pub coverage_penalty: f64,
    pub deployment_cost: f64,
    pub tour_cost: f64,
    pub transport_cost: f64,
    pub supply_cost: f64,
    pub sustainment_penalty: f64,
    pub days_of_supply_penalty: f64,
    /// Nightly reruns: change_penalty × tours changed against the previous plan.
    pub change_penalty: f64,
}

impl Terms {
    pub fn total(&self) -> f64 {
        self.coverage_penalty
            + self.deployment_cost
            + self.tour_cost
            + self.transport_cost
            + self.supply_cost
            + self.sustainment_penalty
            + self.days_of_supply_penalty
            + self.change_penalty
    }
}

/// Sustainment results per (commodity, node/arc, period), dense like the model's.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    /// tons sent, [k][arc][t]
    pub flow: Vec<Vec<Vec<f64>>>,
    /// depot output per supply row and t
    pub output: Vec<Vec<f64>>,
    /// [k][w][t]
    pub demand: Vec<Vec<Vec<f64>>>,
    pub stock: Vec<Vec<Vec<f64>>>,
    pub unmet: Vec<Vec<Vec<f64>>>,
    pub dos_short: Vec<Vec<Vec<f64>>>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub mode: Mode,
    pub tours: Vec<Tour>,
    /// Shortfall per requirement row and period (role-units).
    pub short: Vec<Vec<f64>>,
    pub flows: Option<Flows>,
    pub terms: Terms,
}

/// Values within 1e-9 of zero are zero; integers in `mip` mode are rounded.
pub fn clean(v: f64) -> f64 {
    if v.abs() < 1e-9 {
        0.0
    } else {
        v
    }
}

/// Gives each unit tour the lowest-numbered unit of its (nation, unit type) that is free (not on
/// tour or in dwell) for the whole tour + dwell window (docs/outputs.md#unit-numbering). Tours must be in numbering order.
pub fn assign_units(sc: &Scenario, tours: &mut [Tour]) {
    use std::collections::HashMap;
    let mut busy: HashMap<(usize, usize), Vec<Vec<(i64, i64)>>> = HashMap::new();
    for tour in tours.iter_mut() {
        let ut = &sc.unit_types[tour.unit_type];
        let span = (tour.start, tour.start + (ut.tour + ut.dwell) as i64 - 1);
        let units = busy.entry((tour.nation, tour.unit_type)).or_default();
        let free = units
            .iter()
            .position(|iv| iv.iter().all(|&(a, b)| b < span.0 || span.1 < a));
        let i = match free {
            Some(i) => i,
            None => {
                units.push(Vec::new());
                units.len() - 1
            }
        };
        units[i].push(span);
        tour.unit_no = Some(i as u32 + 1);
    }
}

/// Role-units covering (site, role) in period t, from the tours.
pub fn covered(sc: &Scenario, tours: &[Tour], site: usize, role: &str, t: i64) -> f64 {
    tours
        .iter()
        .filter(|x| x.site == site && sc.unit_types[x.unit_type].role == role)
        .filter(|x| {
            let ut = &sc.unit_types[x.unit_type];
            x.start + ut.handover as i64 <= t && t < x.start + ut.tour as i64
        })
        .map(|x| x.units * sc.unit_types[x.unit_type].role_value)
        .sum()
}

/// Shortfall per requirement row and period: what the tours leave uncovered, put on the lowest
/// priority rows first (as the optimiser does, docs/model.md#coverage).
pub fn shortfalls(sc: &Scenario, tours: &[Tour]) -> Vec<Vec<f64>> {
    use std::collections::BTreeMap;
    let tn = sc.periods;
    let mut short = vec![vec![0.0; tn]; sc.requirements.len()];
    let mut groups: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    for (i, r) in sc.requirements.iter().enumerate() {
        groups.entry((r.site, r.role.as_str())).or_default().push(i);
    }
    for ((site, role), mut rows) in groups {
        rows.sort_by(|&a, &b| {
            sc.requirements[a]
                .priority
                .total_cmp(&sc.requirements[b].priority)
                .then(a.cmp(&b))
        });
        for t in 0..tn {
            let active: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|&i| sc.active(sc.requirements[i].from, sc.requirements[i].to, t as i64))
                .collect();
            let required: f64 = active.iter().map(|&i| sc.requirements[i].required).sum();
            let mut gap = required - covered(sc, tours, site, role, t as i64);
            if gap <= 1e-9 {
                continue;
            }
            for i in active {
                let take = gap.min(sc.requirements[i].required);
                short[i][t] = take;
                gap -= take;
                if gap <= 1e-9 {
                    break;
                }
            }
        }
    }
    short
}

/// cost_per_day of a tour for its on-ground days inside the horizon (docs/model.md#objective).
pub fn deployment_cost(sc: &Scenario, tour: &Tour) -> f64 {
    let Some(off) = sc.offer_of(tour.nation, tour.unit_type) else {
        return 0.0;
    };
    let l = sc.unit_types[tour.unit_type].tour as i64;
    let periods_in = ((tour.start + l).min(sc.periods as i64) - tour.start.max(0)).max(0) as f64;
    off.cost_per_day * sc.period_days as f64 * periods_in * tour.units
}

/// Every objective term, recomputed from the plan and the scenario's prices.
pub fn terms(sc: &Scenario, plan: &Plan) -> Terms {
    let pd = sc.period_days as f64;
    let mut terms = Terms::default();
    for (i, r) in sc.requirements.iter().enumerate() {
        let s: f64 = plan.short[i].iter().sum();
        terms.coverage_penalty += sc.penalties.coverage * r.priority * pd * s;
    }
    for tour in &plan.tours {
        let Some(off) = sc.offer_of(tour.nation, tour.unit_type) else {
            continue;
        };
        terms.deployment_cost += deployment_cost(sc, tour);
        if !tour.initial {
            terms.tour_cost += off.cost_per_tour * tour.units;
        }
    }
    if let (Some(f), Some(net)) = (&plan.flows, &sc.network) {
        for (k, per_arc) in f.flow.iter().enumerate() {
            let _ = k;
            for (a, per_t) in per_arc.iter().enumerate() {
                terms.transport_cost += net.arcs[a].cost_per_ton * per_t.iter().sum::<f64>();
            }
        }
        for (i, per_t) in f.output.iter().enumerate() {
            terms.supply_cost += net.supply[i].cost_per_ton * per_t.iter().sum::<f64>();
        }
        for (k, com) in net.commodities.iter().enumerate() {
            let unmet: f64 = f.unmet[k].iter().flatten().sum();
            let dos: f64 = f.dos_short[k].iter().flatten().sum();
            terms.sustainment_penalty += com.shortfall_penalty * unmet;
            terms.days_of_supply_penalty += sc.penalties.days_of_supply * pd * dos;
        }
    }
    terms
}
