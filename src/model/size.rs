//! How big a scenario's model will be, worked out from the scenario alone, before anything is
//! built — so a model that cannot fit in memory is refused with a message instead of taking the
//! machine down (docs/limits.md).
//!
//! The counts follow the model's families: one tour-start column per eligible (nation, unit
//! type, site) and period, and each such column appears in the rows of every period its tour
//! (coverage, troops under a contingent limit, supplies consumed) or its tour and dwell (the
//! pool) spans. The network adds flow, stock, unmet and days-of-supply columns per commodity
//! and period. The estimate is meant to be at or somewhat above the built model's nonzeros.

use crate::model::Formulation;
use crate::scenario::Scenario;

/// Bytes of memory a solve needs per nonzero, and per column or row, measured on generated
/// scenarios (peak resident memory of `solve` over the model's nonzeros, rounded up): the
/// model is held by the builder, by HiGHS, and again by HiGHS's presolved copy and its
/// factorisation.
pub const BYTES_PER_NONZERO: f64 = 400.0;
pub const BYTES_PER_COLUMN_OR_ROW: f64 = 600.0;

/// The size of a model, before it is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub columns: f64,
    pub rows: f64,
    pub nonzeros: f64,
    /// Memory a solve of it needs, in bytes.
    pub bytes: f64,
}

impl Estimate {
    pub fn gigabytes(&self) -> f64 {
        self.bytes / 1e9
    }
}

/// Estimates the model of `sc` (expanded formulation unless `form` says otherwise) over its
/// whole horizon, or over `periods` when a rolling horizon builds one window at a time.
pub fn estimate_for(sc: &Scenario, form: Formulation, periods: Option<usize>) -> Estimate {
    let p = periods.unwrap_or(sc.periods).min(sc.periods) as f64;
    let mut columns = 0.0;
    let mut rows = 0.0;
    let mut nonzeros = 0.0;
    let net = sc.network.as_ref();
    for offer in &sc.offers {
        let Some(ut) = sc.unit_types.get(offer.unit_type) else {
            continue;
        };
        let mut sites: Vec<usize> = sc
            .requirements
            .iter()
            .filter(|r| r.role == ut.role)
            .map(|r| r.site)
            .collect();
        sites.sort_unstable();
        sites.dedup();
        let triples = sites.len() as f64;
        if triples == 0.0 {
            continue;
        }
        let (tour, dwell) = ((ut.tour.max(1) as f64).min(p), ut.dwell as f64);
        let commodities = net.map_or(0.0, |n| {
            n.consumption
                .iter()
                .filter(|k| k.unit_type == offer.unit_type)
                .count() as f64
        });
        for &site in &sites {
            // Only the limits that may count this nation's units of this type at this site.
            let limits = sc
                .limits
                .iter()
                .filter(|l| {
                    crate::scenario::limit_matches(sc, l, offer.nation, offer.unit_type, site)
                })
                .count() as f64;
            // Rows an x column enters once per period of its window: coverage, max_deployed,
            // each limit that may count it and each commodity its troops consume over the
            // tour; the pool over tour and dwell; reception on arrival and departure.
            let per_x = match form {
                Formulation::Expanded => {
                    tour * (2.0 + limits + commodities) + (tour + dwell).min(p) + 2.0
                }
                // Aggregated: x enters the definitions of the on-ground and start variables a
                // few times, and those enter each row once.
                Formulation::Aggregated => 12.0 + tour.min(4.0) * (2.0 + limits + commodities),
            };
            nonzeros += p * per_x;
        }
        if form == Formulation::Aggregated {
            // The on-ground column of each triple and period, and the row defining it.
            columns += triples * p;
            rows += triples * p;
        }
        columns += triples * p;
    }
    // Shortfall columns and coverage rows per requirement and period; pool, max_deployed and
    // limit rows per period.
    let reqs = sc.requirements.len() as f64;
    columns += reqs * p;
    rows += reqs * p + (2 * sc.offers.len() + sc.limits.len()) as f64 * p;
    nonzeros += reqs * p;
    if let Some(n) = net {
        let k = n.commodities.len() as f64;
        let (arcs, nodes) = (n.arcs.len() as f64, n.nodes.len() as f64);
        // Flow per arc, commodity and period (2 balance entries and a capacity entry); stock,
        // unmet and days-of-supply short per node, commodity and period (a few entries each);
        // supply per row and period.
        columns += arcs * k * p + nodes * k * p * 3.0 + n.supply.len() as f64 * p;
        rows += nodes * k * p * 2.0 + arcs * p;
        nonzeros += arcs * k * p * 3.0 + nodes * k * p * 6.0 + n.supply.len() as f64 * p * 2.0;
    }
    let bytes = nonzeros * BYTES_PER_NONZERO + (columns + rows) * BYTES_PER_COLUMN_OR_ROW;
    Estimate {
        columns,
        rows,
        nonzeros,
        bytes,
    }
}

/// The estimate for the formulation `solve` uses by default.
pub fn estimate(sc: &Scenario) -> Estimate {
    let form = match sc.solver.mode {
        crate::scenario::Mode::Mip => Formulation::Expanded,
        crate::scenario::Mode::Lp if sc.network.is_some() => Formulation::Expanded,
        crate::scenario::Mode::Lp => Formulation::Aggregated,
    };
    estimate_for(sc, form, sc.solver.rolling_window)
}

/// This machine's memory in gigabytes (Linux /proc/meminfo), or `None` where unknown.
pub fn machine_gb() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: f64 = text
        .lines()
        .find(|l| l.starts_with("MemTotal:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb * 1024.0 / 1e9)
}

/// `Err` with a message for the user when the model's estimate exceeds `max_gb` (default: this
/// machine's memory).
pub fn admit(
    sc: &Scenario,
    form: Formulation,
    periods: Option<usize>,
    max_gb: Option<f64>,
) -> Result<Estimate, String> {
    let e = estimate_for(sc, form, periods);
    let (limit, what) = match max_gb {
        Some(g) => (g, format!("the limit of {g} GB set by --max-model-gb")),
        None => match machine_gb() {
            Some(g) => (g, format!("this machine's {g:.1} GB of memory")),
            None => return Ok(e),
        },
    };
    if e.gigabytes() > limit {
        return Err(format!(
            "the model of this scenario would be too large: an estimated {:.3e} nonzeros over {:.3e} columns and {:.3e} rows, needing about {:.1} GB to solve, more than {what}. Shorten the horizon (periods), solve it with a rolling horizon (--rolling-window), check the tables that multiply it (offers × sites, limits, commodities), or, if the machine can take it, raise the limit with --max-model-gb GB; nothing was built or written",
            e.nonzeros,
            e.columns,
            e.rows,
            e.gigabytes()
        ));
    }
    Ok(e)
}

/// Parses `--max-model-gb`: gigabytes > 0.
pub fn parse_gb(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("expected a number of gigabytes > 0, got `{s}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Mode;

    /// The estimate against the built model, on every shipped scenario and both formulations.
    /// Measured when this was written: expanded 1.4–2.9 × the built nonzeros (it counts every
    /// limit and commodity row a tour could enter, the model leaves some out), aggregated
    /// 0.8–1.6 ×. The bounds below leave room for small changes of the model, not for a
    /// family of constraints the estimate does not know about.
    #[test]
    fn the_estimate_is_near_the_built_model() {
        for d in ["demo", "reassurance-10k", "coalition-30k", "frontline-100k"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("inputs")
                .join(d);
            let sc = crate::scenario::load(&dir)
                .scenario
                .expect("shipped scenarios load");
            for form in [Formulation::Expanded, Formulation::Aggregated] {
                let m = crate::model::build(&sc, Mode::Mip, form);
                let e = estimate_for(&sc, form, None);
                let ratio = e.nonzeros / m.lp.nonzeros() as f64;
                assert!((0.6..=3.5).contains(&ratio), "{d} {form:?}: {ratio:.2}");
                let cols = e.columns / m.lp.num_cols() as f64;
                assert!(
                    (0.8..=1.6).contains(&cols),
                    "{d} {form:?} columns: {cols:.2}"
                );
            }
        }
    }

    #[test]
    fn a_rolling_window_is_estimated_by_its_length() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo");
        let sc = crate::scenario::load(&dir)
            .scenario
            .expect("the demo loads");
        let whole = estimate_for(&sc, Formulation::Expanded, None);
        let window = estimate_for(&sc, Formulation::Expanded, Some(sc.periods / 2));
        assert!(
            window.nonzeros < whole.nonzeros * 0.6,
            "{window:?} {whole:?}"
        );
    }
}
