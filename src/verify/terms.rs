//! The objective, term by term, recomputed from the plan's rows (docs/model.md objective, §6.17), and
//! compared with summary.json. A mismatch is a warning: after an edit the summary is stale, and
//! the recomputed terms are what the edited plan costs.
//!
//! Tolerance: 1e-6 relative with a 1e-3 absolute floor, plus what the CSV rounding can explain.
//! Numbers in the CSVs are rounded to 3 decimals (docs/outputs.md#how-files-are-written), so a term summed from N rounded
//! numbers at price p may be off by up to 0.0005·N·p; each term carries that allowance. Whole
//! units (mip plans) are exact, so coverage, deployment and tour costs get no allowance there.

use super::findings::{qty, Findings};
use super::forces::{covering, on_ground, Forces};
use super::sustain::Sustainment;
use crate::planfile::read::PlanFiles;
use crate::scenario::Scenario;

/// The objective terms, named as in summary.json `terms`.
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

pub const NAMES: [&str; 8] = [
    "coverage_penalty",
    "deployment_cost",
    "tour_cost",
    "transport_cost",
    "supply_cost",
    "sustainment_penalty",
    "days_of_supply_penalty",
    "change_penalty",
];

impl Terms {
    pub fn total(&self) -> f64 {
        NAMES.iter().map(|n| self.get(n)).sum()
    }

    /// A term by its summary.json name; `objective` is the total.
    pub fn get(&self, name: &str) -> f64 {
        match name {
            "coverage_penalty" => self.coverage_penalty,
            "deployment_cost" => self.deployment_cost,
            "tour_cost" => self.tour_cost,
            "transport_cost" => self.transport_cost,
            "supply_cost" => self.supply_cost,
            "sustainment_penalty" => self.sustainment_penalty,
            "days_of_supply_penalty" => self.days_of_supply_penalty,
            "change_penalty" => self.change_penalty,
            "objective" => self.total(),
            _ => 0.0,
        }
    }

    fn set(&mut self, name: &str, v: f64) {
        match name {
            "coverage_penalty" => self.coverage_penalty = v,
            "deployment_cost" => self.deployment_cost = v,
            "tour_cost" => self.tour_cost = v,
            "transport_cost" => self.transport_cost = v,
            "supply_cost" => self.supply_cost = v,
            "sustainment_penalty" => self.sustainment_penalty = v,
            "days_of_supply_penalty" => self.days_of_supply_penalty = v,
            "change_penalty" => self.change_penalty = v,
            _ => {}
        }
    }

    /// Every term, then the objective, as (name, value).
    pub fn named(&self) -> Vec<(&'static str, f64)> {
        NAMES
            .iter()
            .map(|&n| (n, self.get(n)))
            .chain(std::iter::once(("objective", self.total())))
            .collect()
    }
}

/// Recomputes every term from the tours (forces) and the flows and stocks (sustainment).
pub fn recompute(
    sc: &Scenario,
    plan: &PlanFiles,
    forces: &Forces,
    sust: Option<&Sustainment>,
) -> Terms {
    let pd = sc.period_days as f64;
    let mut t = Terms::default();
    for (i, r) in sc.requirements.iter().enumerate() {
        let short: f64 = forces.short[i].iter().sum();
        t.coverage_penalty += sc.penalties.coverage * r.priority * pd * short;
    }
    for x in &plan.tours {
        let Some(off) = sc.offer_of(x.nation, x.unit_type) else {
            continue;
        };
        let periods = on_ground(sc, x).count() as f64;
        t.deployment_cost += off.cost_per_day * pd * periods * x.units;
        if !x.initial {
            t.tour_cost += off.cost_per_tour * x.units;
        }
    }
    if let Some(s) = sust {
        t.transport_cost = s.transport_cost;
        t.supply_cost = s.supply_cost;
        t.sustainment_penalty = s.sustainment_penalty;
        t.days_of_supply_penalty = s.days_of_supply_penalty;
    }
    t
}

/// What CSV rounding may explain in each term (see the module doc).
fn allowances(sc: &Scenario, plan: &PlanFiles, sust: Option<&Sustainment>) -> Terms {
    let pd = sc.period_days as f64;
    let mut a = Terms::default();
    let r = plan.unit_rounding;
    for x in &plan.tours {
        let ut = &sc.unit_types[x.unit_type];
        let top_priority = sc
            .requirements
            .iter()
            .filter(|q| q.site == x.site && q.role == ut.role)
            .map(|q| q.priority)
            .fold(0.0, f64::max);
        a.coverage_penalty += r
            * ut.role_value
            * covering(sc, x).count() as f64
            * sc.penalties.coverage
            * top_priority
            * pd;
        if let Some(off) = sc.offer_of(x.nation, x.unit_type) {
            a.deployment_cost += r * off.cost_per_day * pd * on_ground(sc, x).count() as f64;
            if !x.initial {
                a.tour_cost += r * off.cost_per_tour;
            }
        }
    }
    if let Some(s) = sust {
        a.transport_cost = s.transport_slack;
        a.supply_cost = s.supply_slack;
        a.sustainment_penalty = s.sustainment_slack;
        a.days_of_supply_penalty = s.days_of_supply_slack;
    }
    a
}

fn close(ours: f64, theirs: f64, allowance: f64) -> bool {
    (ours - theirs).abs() <= (1e-6 * ours.abs().max(theirs.abs())).max(1e-3) + allowance
}

/// Compares the recomputed terms with summary.json (warnings) and returns summary.json's terms.
pub fn compare(
    sc: &Scenario,
    plan: &PlanFiles,
    ours: &Terms,
    forces: &Forces,
    sust: Option<&Sustainment>,
    f: &mut Findings,
) -> Option<Terms> {
    const FILE: &str = "summary.json";
    let Some(summary) = &plan.summary else {
        f.warn(
            FILE,
            None,
            None,
            None,
            "missing: the objective terms are not compared",
        );
        return None;
    };
    let allow = allowances(sc, plan, sust);
    // Without flows.csv and stocks.csv the sustainment terms cannot be recomputed.
    let unchecked: &[&str] = if sc.network.is_some() && sust.is_none() {
        &NAMES[3..7]
    } else {
        &[]
    };
    let mut theirs = Terms::default();
    for name in NAMES {
        let Some(&v) = summary.terms.get(name) else {
            f.warn(
                FILE,
                None,
                Some("terms"),
                None,
                format!("no number for `{name}`"),
            );
            continue;
        };
        theirs.set(name, v);
        if !unchecked.contains(&name) && !close(ours.get(name), v, allow.get(name)) {
            f.warn(
                FILE,
                None,
                Some("terms"),
                None,
                format!(
                    "{name} is {} in summary.json, {} recomputed from the plan",
                    qty(v),
                    qty(ours.get(name))
                ),
            );
        }
    }
    if let Some(obj) = summary.objective {
        if unchecked.is_empty() && !close(ours.total(), obj, allow.total()) {
            f.warn(
                FILE,
                None,
                Some("objective"),
                None,
                format!(
                    "{} in summary.json, {} recomputed from the plan",
                    qty(obj),
                    qty(ours.total())
                ),
            );
        }
    }
    let short: f64 = forces.short.iter().flatten().sum();
    if let Some(v) = summary.role_unit_periods {
        let slack =
            allow.coverage_penalty / (sc.penalties.coverage * sc.period_days as f64).max(1e-9);
        if !close(short, v, slack) {
            f.warn(
                FILE,
                None,
                Some("shortfall"),
                None,
                format!(
                    "role_unit_periods is {} in summary.json, {} recomputed from the plan",
                    qty(v),
                    qty(short)
                ),
            );
        }
    }
    if let (Some(v), Some(s)) = (summary.unmet_tons, sust) {
        if !close(s.unmet_tons, v, s.unmet_slack) {
            f.warn(
                FILE,
                None,
                Some("shortfall"),
                None,
                format!(
                    "unmet_tons is {} in summary.json, {} recomputed from the plan",
                    qty(v),
                    qty(s.unmet_tons)
                ),
            );
        }
    }
    Some(theirs)
}

/// A term for the terms table: up to 6 decimals (summary.json's precision), trailing zeros trimmed.
pub fn fmt_exact(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}
