//! Nightly reruns against a previous plan (`solve --previous OLD_OUT_DIR`).
//!
//! The previous plan's deployments.csv is read against the new scenario:
//! - tours it began before the new `start` have happened: they become tours under way, as if
//!   listed in deployed.csv (per tour identity the larger count of the two sources is kept, since
//!   a previous plan repeats the deployed.csv it was made from);
//! - tours it begins within `[stability] freeze_days` of the new start are published: pinned;
//! - every other difference, tour by tour, costs `[stability] change_penalty`.

use crate::base::diag::Diags;
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
    let label = dir.join("deployments.csv").display().to_string();
    let Some(rows) = super::deployments::read(dir, "the previous plan", &mut d) else {
        return Err(d);
    };
    let mut begun: BTreeMap<(usize, usize, usize, i64), (f64, usize)> = BTreeMap::new();
    let mut base = Baseline {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let freeze_end = sc.start + chrono::Duration::days(sc.stability.freeze_days.ceil() as i64);
    for r in &rows {
        let Some((n, u, s)) = super::deployments::resolve(sc, &label, r, &mut d) else {
            continue;
        };
        let (arrive, k) = (r.arrive, r.units);
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
