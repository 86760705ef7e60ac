//! Nightly reruns against a previous plan (`solve --previous OLD_OUT_DIR`, issue 6).
//!
//! The previous plan's deployments.csv is read against the new scenario:
//! - tours it began before the new `start` have happened: they become tours under way, as if
//!   listed in deployed.csv (per tour identity the larger count of the two sources is kept, since
//!   a previous plan repeats the deployed.csv it was made from);
//! - tours it begins within `[stability] freeze_days` of the new start are published: pinned;
//! - every other difference, tour by tour, costs `[stability] change_penalty`.

use crate::diag::Diags;
use crate::scenario::table::Table;
use crate::scenario::{InitialTour, Scenario, TourSource};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A tour identity: (nation, unit type, site, start period).
pub type TourKey = (usize, usize, usize, usize);

/// What the previous plan says about the new horizon.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub dir: PathBuf,
    /// Units per tour identity the previous plan begins inside the new horizon, with a line.
    pub planned: BTreeMap<TourKey, (f64, usize)>,
    /// Identities begun within freeze_days of the new start: kept as they are.
    pub pinned: BTreeMap<TourKey, f64>,
    /// Tours under way taken from the previous plan (already added to the scenario).
    pub carried: usize,
}

/// Reads `dir/deployments.csv`, adds the tours already begun to `sc.deployed`, and returns the
/// baseline for the model. Problems are reported like input errors (exit 2).
pub fn load_previous(sc: &mut Scenario, dir: &Path) -> Result<Baseline, Diags> {
    let mut d = Diags::default();
    let file = "deployments.csv";
    let path = dir.join(file);
    let label = path.display().to_string();
    let bytes = match crate::inputlimits::read_capped(&path) {
        Ok(b) => b,
        Err(e) => {
            d.error(
                &label,
                None,
                None,
                format!("cannot read the previous plan: {e}"),
            );
            return Err(d);
        }
    };
    let Some(t) = Table::parse(
        &label,
        &bytes,
        &["nation", "unit_type", "site", "arrive", "units"],
        &["unit", "zone", "troops", "cover_from", "depart", "initial"],
        &mut d,
    ) else {
        return Err(d);
    };
    let code = |list: &[&str], s: &str| list.iter().position(|c| *c == s);
    let nations: Vec<&str> = sc.nations.iter().map(|n| n.code.as_str()).collect();
    let units: Vec<&str> = sc.unit_types.iter().map(|u| u.code.as_str()).collect();
    let sites: Vec<&str> = sc.sites.iter().map(|s| s.code.as_str()).collect();
    let mut begun: BTreeMap<(usize, usize, usize, i64), (f64, usize)> = BTreeMap::new();
    let mut base = Baseline {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let freeze_end = sc.start + chrono::Duration::days(sc.stability.freeze_days.ceil() as i64);
    for r in &t.rows {
        let n = t.code(r, "nation", &mut d).and_then(|c| {
            code(&nations, &c).or_else(|| {
                d.error(
                    &label,
                    Some(r.line),
                    Some("nation"),
                    format!("nation `{c}` is not in the scenario's nations.csv"),
                );
                None
            })
        });
        let u = t.code(r, "unit_type", &mut d).and_then(|c| {
            code(&units, &c).or_else(|| {
                d.error(
                    &label,
                    Some(r.line),
                    Some("unit_type"),
                    format!("unit type `{c}` is not in the scenario's unit_types.csv"),
                );
                None
            })
        });
        let s = t.code(r, "site", &mut d).and_then(|c| {
            code(&sites, &c).or_else(|| {
                d.error(
                    &label,
                    Some(r.line),
                    Some("site"),
                    format!("site `{c}` is not in the scenario's sites.csv"),
                );
                None
            })
        });
        let arrive = t.date(r, "arrive", &mut d);
        let k = t.num(r, "units", 0.0, &mut d);
        let (Some(n), Some(u), Some(s), Some(arrive), Some(k)) = (n, u, s, arrive, k) else {
            continue;
        };
        if k <= 0.0 {
            continue;
        }
        let tau = sc.period_of(arrive);
        if arrive < sc.start {
            let e = begun.entry((n, u, s, tau)).or_insert((0.0, r.line));
            e.0 += k;
        } else if tau < sc.periods as i64 {
            let key = (n, u, s, tau as usize);
            base.planned.entry(key).or_insert((0.0, r.line)).0 += k;
            if arrive < freeze_end {
                *base.pinned.entry(key).or_insert(0.0) += k;
            }
        }
    }
    // Tours under way: the larger of deployed.csv's and the previous plan's count per identity.
    for ((n, u, s, tau), (k, line)) in begun {
        let listed: f64 = sc
            .deployed
            .iter()
            .filter(|it| {
                it.nation == n && it.unit_type == u && it.site == s && it.start_period == tau
            })
            .map(|it| it.units as f64)
            .sum();
        let extra = (k - listed).round();
        if extra >= 1.0 {
            if sc.offer_of(n, u).is_none() {
                d.error(
                    &label,
                    Some(line),
                    Some("unit_type"),
                    "a tour under way needs an offer of this nation and unit type in offers.csv",
                );
                continue;
            }
            sc.deployed.push(InitialTour {
                nation: n,
                unit_type: u,
                site: s,
                arrived: sc.period_start(tau),
                start_period: tau,
                units: extra as u32,
                line,
                source: TourSource::Previous,
            });
            base.carried += extra as usize;
        }
    }
    crate::scenario::check_initial_tours(sc, &mut d);
    if d.has_errors() {
        Err(d)
    } else {
        Ok(base)
    }
}

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
pub fn changes(sc: &Scenario, base: &Baseline, tours: &[crate::plan::Tour]) -> (f64, Vec<Change>) {
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
                let covered = crate::plan::covered(sc, tours, s, &ut.role, t as i64);
                let mine = delta * ut.role_value;
                let without = covered - mine;
                short_removed += (required - without).clamp(0.0, mine);
            }
            if short_removed > 0.0 {
                format!(
                    "removes {} role-unit periods of {} shortfall at {}",
                    crate::output::fmt_num(short_removed),
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
