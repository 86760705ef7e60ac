//! What a nightly rerun changed against the previous plan, tour by tour, and what each change
//! bought (summary.json `stability.changes`).

use crate::planfile::previous::{Baseline, TourKey};
use crate::scenario::Scenario;
use std::collections::BTreeMap;

/// One tour identity whose count changed, and what the change bought.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Change {
    pub change: &'static str,
    pub nation: String,
    pub unit_type: String,
    pub site: String,
    pub arrive: String,
    pub units: f64,
    pub reason: String,
}

/// Compares the new tours with the baseline: (number of tour changes, the changes with reasons).
pub fn changes(sc: &Scenario, base: &Baseline, tours: &[super::Tour]) -> (f64, Vec<Change>) {
    let mut now: BTreeMap<TourKey, f64> = BTreeMap::new();
    for t in tours.iter().filter(|t| !t.initial && t.start >= 0) {
        *now.entry((t.nation, t.unit_type, t.site, t.start as usize))
            .or_default() += t.units;
    }
    let mut keys: Vec<TourKey> = now.keys().chain(base.planned.keys()).copied().collect();
    keys.sort();
    keys.dedup();
    let mut total = 0.0;
    let mut list = Vec::new();
    for key in keys {
        let (n, u, s, tau) = key;
        let new = now.get(&key).copied().unwrap_or(0.0);
        let old = base.planned.get(&key).map_or(0.0, |p| p.0);
        let delta = new - old;
        if delta.abs() < 1e-6 {
            continue;
        }
        total += delta.abs();
        let ut = &sc.unit_types[u];
        let reason = if delta > 0.0 {
            // Coverage this tour brings where the site would otherwise be short.
            let mut short_removed = 0.0;
            for t in (tau + ut.handover)..(tau + ut.tour).min(sc.periods) {
                let required: f64 = sc
                    .requirements
                    .iter()
                    .filter(|r| {
                        r.site == s && r.role == ut.role && sc.active(r.from, r.to, t as i64)
                    })
                    .map(|r| r.required)
                    .sum();
                let covered = super::covered(sc, tours, s, &ut.role, t as i64);
                let mine = delta * ut.role_value;
                let without = covered - mine;
                short_removed += (required - without).clamp(0.0, mine);
            }
            if short_removed > 0.0 {
                format!(
                    "removes {} role-unit periods of {} shortfall at {}",
                    crate::base::text::fmt_num(short_removed),
                    ut.role,
                    sc.sites[s].code
                )
            } else {
                "cheaper than the previous plan's tours".to_string()
            }
        } else if !sc.nation_available(n, tau as i64) {
            "the nation is no longer available then".to_string()
        } else {
            "no longer needed, or no longer possible under the new inputs".to_string()
        };
        list.push(Change {
            change: if delta > 0.0 { "added" } else { "removed" },
            nation: sc.nations[n].code.clone(),
            unit_type: ut.code.clone(),
            site: sc.sites[s].code.clone(),
            arrive: sc.period_start(tau as i64).format("%Y-%m-%d").to_string(),
            units: delta.abs(),
            reason,
        });
    }
    (total, list)
}
