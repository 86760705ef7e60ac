//! Rolling horizon: a long horizon planned window by window (docs/model.md, "Rolling horizon"), so
//! the time to plan grows with the horizon's length, not faster.
//!
//! A window is a model of its own over `window` periods. Of its plan, the tours that begin in
//! its first `step` periods are committed; the next window starts `step` periods later and
//! carries over exactly what the committed part left behind:
//! - committed tours become tours under way at its start (like deployed.csv rows), so their
//!   on-ground, covering, busy and dwell periods and their departures count as constants;
//! - the stock on hand at the end of the committed periods is its initial stock;
//! - tons sent in the committed periods that arrive later are fixed arrivals.
//!
//! The last window commits everything it plans. A window is at least as long as the longest
//! tour plus the step less one period, so every committed tour's time on the ground lies inside
//! the window that chose it: limits, max deployed and reception were checked there with all
//! else on the ground. Pools stay kept afterwards because busy spells are contiguous: a
//! committed unit busy in a later period was busy at that window's end too.
//!
//! At the end the whole horizon's model is solved as an LP with every tour start fixed, so flows
//! and stocks are optimal for those tours over the whole horizon and every output is computed
//! as for a one-model solve. Windows prove no bound on the whole model: the bound reported is 0
//! (every objective term is ≥ 0) unless the bottleneck step's relaxation of the whole rotation
//! model finishes and tightens it.

use super::Strategy;
use crate::base::text::round9;
use crate::base::Error;
use crate::base::{budget, progress};
use crate::model::{self, Formulation, Model};
use crate::scenario::rolling::Rolling;
use crate::scenario::{InTransit, InitialStock, InitialTour, Mode, Scenario, TourSource};
use crate::solve::{SolveOptions, Solved};
use std::collections::BTreeMap;
use std::time::Instant;

/// Tour starts committed so far: units per (nation, unit type, site, period of the horizon).
type Committed = BTreeMap<(usize, usize, usize, usize), u32>;

/// What one window hands to the next besides its committed tours.
#[derive(Default)]
struct CarryOver {
    stocks: Vec<InitialStock>,
    in_transit: Vec<InTransit>,
}

/// Plans the horizon window by window, then solves `m` (the whole horizon's model) with those
/// tours fixed. Returns the solution of `m` and a report for summary.json.
pub fn solve(
    sc: &Scenario,
    opts: &SolveOptions,
    form: Formulation,
    rolling: Rolling,
    strategy: Strategy,
    m: &Model,
) -> Result<(Solved, serde_json::Value), Error> {
    let started = Instant::now();
    let t_n = sc.periods;
    let count = windows(t_n, rolling);
    let mut committed = Committed::new();
    let mut carry = CarryOver {
        stocks: sc
            .network
            .as_ref()
            .map(|n| n.initial_stocks.clone())
            .unwrap_or_default(),
        in_transit: Vec::new(),
    };
    let mut report = Vec::new();
    let mut from = 0;
    for i in 0..count {
        let last = i + 1 == count;
        let periods = if last { t_n - from } else { rolling.window };
        let wsc = window_scenario(sc, from, periods, &committed, &carry);
        let wm = model::build_with(&wsc, Mode::Mip, form, None, true);
        // The windows share the limit evenly; the whole-horizon LP gets the rest (base::budget).
        let left =
            opts.time_limit_s * budget::ROLLING_WINDOWS_SHARE - started.elapsed().as_secs_f64();
        let wopts = SolveOptions {
            time_limit_s: (left / (count - i) as f64).max(budget::WINDOW_MIN_S),
            log: false,
            // Under an effort the windows divide its work evenly, each as a solve of its own
            // (with the whole limit left as its safety stop).
            effort: opts.effort.as_ref().map(|e| e.share(1.0 / count as f64)),
            ..opts.clone()
        };
        let wopts = match &wopts.effort {
            Some(e) => SolveOptions {
                time_limit_s: e.seconds_left(),
                ..wopts.clone()
            },
            None => wopts,
        };
        let t0 = Instant::now();
        let r = super::solve_model(&wsc, &wopts, form, None, &wm, strategy, None)?;
        let keep = if last { periods } else { rolling.step };
        let mut tours = 0;
        for tr in &wm.triples {
            for (t, c) in tr.x.iter().enumerate().take(keep) {
                let units = c.map_or(0.0, |c| r.values[c as usize].round());
                if units >= 1.0 {
                    *committed
                        .entry((tr.nation, tr.unit_type, tr.site, from + t))
                        .or_insert(0) += units as u32;
                    tours += units as u32;
                }
            }
        }
        let seconds = t0.elapsed().as_secs_f64();
        if opts.log {
            progress::event(
                &format!(
                    "rolling horizon: window {}/{count} (periods {from}..{} of {t_n}, from {}): {tours} tours committed, window objective {:.0}, gap {:.2}%, {seconds:.1} s",
                    i + 1,
                    from + periods - 1,
                    sc.period_start(from as i64),
                    r.solver_objective,
                    r.gap * 100.0
                ),
                serde_json::json!({"event": "window", "window": i + 1, "windows": count, "from_period": from,
                    "periods": periods, "tours_committed": tours, "objective": r.solver_objective, "gap": r.gap, "seconds": seconds}),
            );
        }
        report.push(serde_json::json!({
            "from": sc.period_start(from as i64).to_string(),
            "periods": periods,
            "committed_periods": keep,
            "tours_committed": tours,
            "strategy": strategy.as_str(),
            "objective": round9(r.solver_objective),
            "gap": round9(r.gap),
        }));
        if !last {
            carry = carried_over(&wm, &r, rolling.step);
            from += rolling.step;
        }
    }
    // Every committed start must be a column of the whole model: the windows' pruning is the
    // whole model's on shorter horizons, so this holds unless the two drift apart.
    let mut held = 0u64;
    for tr in &m.triples {
        for (t, c) in tr.x.iter().enumerate() {
            if c.is_some() {
                held += u64::from(
                    committed
                        .get(&(tr.nation, tr.unit_type, tr.site, t))
                        .copied()
                        .unwrap_or(0),
                );
            }
        }
    }
    let total: u64 = committed.values().map(|&u| u64::from(u)).sum();
    if held != total {
        return Err(Error::Other(format!(
            "rolling horizon: {} of {total} committed tours have no place in the whole horizon's model",
            total - held
        )));
    }
    let starts = |triple: u32, t: u32| {
        let tr = &m.triples[triple as usize];
        committed
            .get(&(tr.nation, tr.unit_type, tr.site, t as usize))
            .map_or(0.0, |&u| f64::from(u))
    };
    let solved = super::fixed::solve_with_tours_fixed(m, starts, opts, 0.0, started)?;
    let report = serde_json::json!({
        "window": rolling.window,
        "step": rolling.step,
        "windows": report,
    });
    Ok((solved, report))
}

/// How many windows cover `t_n` periods: each starts `step` after the one before, and the last
/// is the first that reaches the end.
pub fn windows(t_n: usize, rolling: Rolling) -> usize {
    let mut from = 0;
    let mut n = 1;
    while from + rolling.window < t_n {
        from += rolling.step;
        n += 1;
    }
    n
}

/// The scenario of the window over periods `from..from + periods`: the same inputs seen from a
/// later start, with the committed tours under way and the carried-over stocks and arrivals.
fn window_scenario(
    sc: &Scenario,
    from: usize,
    periods: usize,
    committed: &Committed,
    carry: &CarryOver,
) -> Scenario {
    let mut w = sc.clone();
    w.start = sc.period_start(from as i64);
    w.periods = periods;
    let shift = from as i64;
    for it in &mut w.deployed {
        it.start_period -= shift;
    }
    for (&(nation, unit_type, site, t), &units) in committed {
        w.deployed.push(InitialTour {
            nation,
            unit_type,
            site,
            arrived: sc.period_start(t as i64),
            start_period: t as i64 - shift,
            units,
            line: 0,
            source: TourSource::Planned,
        });
    }
    if let Some(net) = &mut w.network {
        net.initial_stocks = carry.stocks.clone();
        net.in_transit = carry.in_transit.clone();
    }
    w
}

/// Stock at the end of the committed periods, and tons sent in them that arrive later (periods
/// counted from the next window's start).
fn carried_over(wm: &Model, r: &Solved, step: usize) -> CarryOver {
    let mut carry = CarryOver::default();
    let (Some(v), Some(net)) = (&wm.net, &wm.sc.network) else {
        return carry;
    };
    let value = |c: Option<u32>| c.map_or(0.0, |c| r.values[c as usize].max(0.0));
    for k in 0..v.commodities {
        for w in 0..v.nodes {
            let tons = value(v.stock[v.kwt(k, w, step - 1)]).min(net.nodes[w].storage_tons);
            if tons > 0.0 {
                carry.stocks.push(InitialStock {
                    node: w,
                    commodity: k,
                    tons,
                    line: 0,
                });
            }
        }
        for (a, arc) in net.arcs.iter().enumerate() {
            for t in step.saturating_sub(arc.lag)..step {
                let arrives = t + arc.lag;
                let tons = value(v.flow[v.kat(k, a, t)]);
                if arrives >= step && tons > 0.0 {
                    carry.in_transit.push(InTransit {
                        node: arc.to,
                        commodity: k,
                        period: arrives - step,
                        tons,
                    });
                }
            }
        }
    }
    carry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(t_n: usize, window: usize, step: usize) -> usize {
        windows(t_n, Rolling { window, step })
    }

    #[test]
    fn windows_cover_the_horizon() {
        // 104 periods, window 52, step 26: windows start at 0, 26, 52 (52 + 52 = 104 reaches the end).
        assert_eq!(count(104, 52, 26), 3);
        // A window as long as the horizon is the one-model solve.
        assert_eq!(count(104, 104, 1), 1);
        // 10 periods, window 4, step 3: 0, 3, 6 (6 + 4 = 10).
        assert_eq!(count(10, 4, 3), 3);
        // 11 periods: one more window from 9.
        assert_eq!(count(11, 4, 3), 4);
    }
}
