//! Why a model has no plan at all (exit 3), in the planner's words: which fixed inputs overfill
//! which hard row, each named as `file:line` with the sums.
//!
//! Every shortfall is priced, so only fixed inputs can conflict with a hard row: tours under way
//! (deployed.csv, a previous plan), pinned or fixed tours (`--pin`, `--fix`), frozen tours of a
//! nightly rerun (`--previous`). The hard rows on tour starts (pool, max deployed, contingent
//! limit, reception) are `≤` rows with nonnegative coefficients, so with every tour column at its
//! lower bound a row either holds or is overfilled by the fixed tours alone: the LP relaxation is
//! infeasible exactly when the MIP is (pins are whole units), and a conflict shows in one row.
//! HiGHS's IIS finds those rows on the LP of the written-out model, where each hard row holds
//! the tour columns themselves; the sums are then read off the same row.

use crate::base::text::{fmt_num, thousands};
use crate::base::{budget, progress, Error};
use crate::model::lp::{Lp, RowKind, Var};
use crate::model::origin::{Held, Origin};
use crate::model::{self, Formulation, Model};
use crate::planfile::hand::Hand;
use crate::planfile::previous::Baseline;
use crate::scenario::{Mode, Scenario, TourSource};
use crate::solve::iis::{self, Effort};
use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

/// At most this many conflicting input rows are named (a planner fixes the first and reruns).
const MAX_CONFLICTS: usize = 10;

/// One fixed input's share of a row: `units` × `per_unit` (troops per unit, or 1).
#[derive(Clone)]
struct Part {
    text: String,
    units: f64,
    per_unit: f64,
}

/// The conflicts of fixed inputs that make the model for `sc` (with the previous plan's frozen
/// tours and the planner's hand, as the solve had them) infeasible, one sentence each. Empty when
/// HiGHS finds none in its share of `time_limit_s` (the LP relaxation is feasible, or the search
/// ran out of time).
///
/// `full`: when no single row shows a conflict, also try HiGHS's full IIS (it solves LPs); off
/// for the check before a solve, which only looks for fixed tours that overfill a row.
pub fn conflicts(
    sc: &Scenario,
    baseline: Option<&Baseline>,
    hand: Option<&Hand>,
    time_limit_s: f64,
    full: bool,
) -> Result<Vec<String>, Error> {
    let started = Instant::now();
    let out = find(sc, baseline, hand, time_limit_s, full, started)?;
    let text = format!(
        "conflicts of fixed inputs: {} found in {} ms",
        out.len(),
        started.elapsed().as_millis()
    );
    progress::event(
        &text,
        serde_json::json!({"event": "conflicts", "found": out.len(), "ms": started.elapsed().as_millis() as u64}),
    );
    Ok(out)
}

fn find(
    sc: &Scenario,
    baseline: Option<&Baseline>,
    hand: Option<&Hand>,
    time_limit_s: f64,
    full: bool,
    started: Instant,
) -> Result<Vec<String>, Error> {
    let share = (time_limit_s * budget::CONFLICT_SHARE).max(budget::CONFLICT_MIN_S);
    let left = || share - started.elapsed().as_secs_f64();
    // The written-out form: each hard row holds the tour columns, so the light IIS sees a
    // conflict of fixed tours in one row.
    let mut m = model::build_with(sc, Mode::Lp, Formulation::Expanded, baseline, true);
    if let Some(h) = hand {
        if model::hand::apply_hand(&mut m, h).is_err() {
            return Ok(Vec::new()); // reported before any solve, with `unheld`
        }
    }
    // Before a solve, a row the fixed tours alone overfill is what the light IIS finds: when
    // the sums show none (the usual case) HiGHS is not asked.
    let overfilled = |r: usize| least(&m.lp, r) > m.lp.row_hi[r] + 1e-6;
    if !full && !(0..m.lp.num_rows()).any(overfilled) {
        return Ok(Vec::new());
    }
    let mut family: HashMap<RowKind, Vec<usize>> = HashMap::new();
    for r in 0..m.lp.num_rows() {
        family.entry(key(m.lp.row_kind[r])).or_default().push(r);
    }
    let mut work = m.lp.clone();
    let mut out = Vec::new();
    // One conflicting row at a time; every period of its input row is then set aside, so the
    // next pass finds the next input row.
    while out.len() < MAX_CONFLICTS && left() > 0.0 {
        let found = iis::find(&work, Effort::Light, left())?;
        let Some(&r) = found.rows.first() else {
            break;
        };
        let rows = family
            .get(&key(m.lp.row_kind[r]))
            .cloned()
            .unwrap_or_default();
        for &rr in rows.iter().chain(std::iter::once(&r)) {
            work.row_lo[rr] = f64::NEG_INFINITY;
            work.row_hi[rr] = f64::INFINITY;
        }
        out.push(describe_rows(&m, &rows, r));
    }
    if full && out.is_empty() && left() > 0.0 {
        // Nothing one row shows: the full IIS (an elastic LP, then a deletion filter).
        let found = iis::find(&work, Effort::Full, left())?;
        let mut seen = BTreeSet::new();
        for &r in &found.rows {
            if seen.insert(m.row_name(r)) {
                out.push(describe_rows(&m, &[r], r));
            }
        }
    }
    Ok(out)
}

/// The planner's pinned or fixed tours the model has no column for, although the nation offers
/// the type and the site asks for its role: one sentence per hand row naming what rules the
/// tour out (availability, the horizon's end, or a row tours under way already fill).
pub fn unheld(m: &Model, hand: &Hand) -> Vec<String> {
    let sc = m.sc;
    let held: BTreeSet<(usize, usize, usize, usize)> = m
        .triples
        .iter()
        .flat_map(|x| {
            x.x.iter()
                .enumerate()
                .filter(|(_, c)| c.is_some())
                .map(move |(t, _)| (x.nation, x.unit_type, x.site, t))
        })
        .collect();
    let file = hand.file_name();
    let mut out = Vec::new();
    for tour in &hand.tours {
        let (n, u, s) = (tour.nation, tour.unit_type, tour.site);
        let Some(o) = sc
            .offers
            .iter()
            .position(|o| o.nation == n && o.unit_type == u)
        else {
            continue;
        };
        if tour.start < 0 || held.contains(&(n, u, s, tour.start as usize)) {
            continue;
        }
        let ut = &sc.unit_types[u];
        let t0 = tour.start as usize;
        let t_n = sc.periods;
        let what = format!(
            "{file}:{} ({} {} {} at {} from {})",
            tour.line,
            num(tour.units),
            sc.nations[n].code,
            ut.code,
            sc.sites[s].code,
            tour.arrive
        );
        if t0 + ut.handover >= t_n {
            out.push(format!(
                "{what}: the tour would begin covering only after the horizon ends (its first {} period(s) are the relief in place)",
                ut.handover
            ));
            continue;
        }
        if let Some(p) = (t0..(t0 + ut.tour).min(t_n)).find(|&p| !sc.nation_available(n, p as i64))
        {
            out.push(format!(
                "{what}: nations.csv:{} makes {} unavailable for new tours in the period from {}",
                sc.nations[n].line,
                sc.nations[n].code,
                sc.period_start(p as i64)
            ));
            continue;
        }
        let verb = match hand.mode {
            crate::planfile::hand::HandMode::Pin => "pins",
            crate::planfile::hand::HandMode::Fix => "sends",
        };
        let pin = Part {
            text: format!(
                "{file}:{} {verb} {} {} {} at {} from {}",
                tour.line,
                num(tour.units),
                sc.nations[n].code,
                ut.code,
                sc.sites[s].code,
                tour.arrive
            ),
            units: tour.units,
            per_unit: 1.0,
        };
        let troops = ut.troops as f64;
        let on_ground = t0..(t0 + ut.tour).min(t_n);
        let mut rows: Vec<(RowKind, f64)> = Vec::new();
        for p in t0..(t0 + ut.tour + ut.dwell).min(t_n) {
            rows.push((
                RowKind::Pool {
                    offer: o as u32,
                    t: p as u32,
                },
                1.0,
            ));
        }
        if sc.offers[o].max_deployed.is_some() {
            for p in on_ground.clone() {
                rows.push((
                    RowKind::MaxDeployed {
                        offer: o as u32,
                        t: p as u32,
                    },
                    1.0,
                ));
            }
        }
        for (li, lim) in sc.limits.iter().enumerate() {
            if crate::scenario::limit_matches(sc, lim, n, u, s) {
                for p in on_ground
                    .clone()
                    .filter(|&p| sc.active(lim.from, lim.to, p as i64))
                {
                    rows.push((
                        RowKind::ContingentLimit {
                            limit: li as u32,
                            t: p as u32,
                        },
                        troops,
                    ));
                }
            }
        }
        if let Some(w) = sc.sites[s].reception {
            let last = t0 + ut.tour - 1;
            for p in [t0, last].into_iter().filter(|&p| p < t_n) {
                rows.push((
                    RowKind::Reception {
                        node: w as u32,
                        t: p as u32,
                    },
                    troops,
                ));
            }
        }
        // The first row tours under way already fill, with this tour on top.
        let full = rows.into_iter().find_map(|(kind, per_unit)| {
            let cap = cap(m, kind)?;
            let shares = m.initial_share_of(kind);
            let under_way: f64 = shares.iter().map(|s| s.1).sum();
            (under_way >= cap.limit - 1e-9).then(|| {
                let mut parts = initial_parts(m, kind, &shares);
                parts.push(Part {
                    per_unit,
                    ..pin.clone()
                });
                sentence(m, kind, 0, &cap, &parts)
            })
        });
        match full {
            Some(text) => out.push(format!(
                "{what}: tours under way already fill a hard row: {text}"
            )),
            None => out.push(format!(
                "{what}: no row could be found that rules this tour out"
            )),
        }
    }
    out
}

/// A row's family and input row, without its period.
fn key(kind: RowKind) -> RowKind {
    match kind {
        RowKind::Pool { offer, .. } => RowKind::Pool { offer, t: 0 },
        RowKind::MaxDeployed { offer, .. } => RowKind::MaxDeployed { offer, t: 0 },
        RowKind::ContingentLimit { limit, .. } => RowKind::ContingentLimit { limit, t: 0 },
        RowKind::Reception { node, .. } => RowKind::Reception { node, t: 0 },
        other => other,
    }
}

/// What a hard row allows, from its input row.
struct Cap {
    /// `offers.csv:3 gives FRA a pool of 6 mech_bn …`
    text: String,
    limit: f64,
    /// What the row counts: `units busy`, `troops`, …
    what: &'static str,
}

fn cap(m: &Model, kind: RowKind) -> Option<Cap> {
    let sc = m.sc;
    let offer = |o: u32| {
        let o = &sc.offers[o as usize];
        (
            o,
            &sc.nations[o.nation].code,
            &sc.unit_types[o.unit_type].code,
        )
    };
    Some(match kind {
        RowKind::Pool { offer: o, .. } => {
            let (o, n, u) = offer(o);
            Cap {
                text: format!(
                    "offers.csv:{} gives {n} a pool of {} {u} (units on tour or in dwell)",
                    o.line,
                    thousands(o.units as f64)
                ),
                limit: o.units as f64,
                what: "units busy",
            }
        }
        RowKind::MaxDeployed { offer: o, .. } => {
            let (o, n, u) = offer(o);
            let max = o.max_deployed? as f64;
            Cap {
                text: format!(
                    "offers.csv:{} lets {n} have at most {} {u} on the ground",
                    o.line,
                    thousands(max)
                ),
                limit: max,
                what: "units on the ground",
            }
        }
        RowKind::ContingentLimit { limit, .. } => {
            let l = &sc.limits[limit as usize];
            let who = l
                .nation
                .map_or("coalition".to_string(), |n| sc.nations[n].code.clone());
            let domain = l.domain.map_or("", |d| d.as_str());
            let forces = if domain.is_empty() {
                format!("{who} forces")
            } else {
                format!("{who} {domain} forces")
            };
            let zone = l
                .zone
                .as_ref()
                .map_or("anywhere".to_string(), |z| format!("in zone {z}"));
            let text = if l.max_troops <= 0.0 {
                format!("limits.csv:{} is a caveat: no {forces} {zone}", l.line)
            } else {
                format!(
                    "limits.csv:{} caps {forces} {zone} at {} troops",
                    l.line,
                    num(l.max_troops)
                )
            };
            Cap {
                text,
                limit: l.max_troops,
                what: "troops",
            }
        }
        RowKind::Reception { node, .. } => {
            let n = &sc.network.as_ref()?.nodes[node as usize];
            let pax = n.pax_per_day?;
            let per = pax * sc.period_days as f64;
            Cap {
                text: format!(
                    "nodes.csv:{} lets {} troops a day arrive at or leave {} ({} in a period of {} days)",
                    n.line,
                    num(pax),
                    n.code,
                    num(per),
                    sc.period_days
                ),
                limit: per,
                what: "troops arriving or leaving",
            }
        }
        _ => return None,
    })
}

/// The tours under way in a row, as parts.
fn initial_parts(m: &Model, kind: RowKind, shares: &[(usize, f64)]) -> Vec<Part> {
    let sc = m.sc;
    shares
        .iter()
        .map(|&(i, v)| {
            let it = &sc.deployed[i];
            let ut = &sc.unit_types[it.unit_type];
            let source = match it.source {
                TourSource::Deployed => format!("deployed.csv:{}", it.line),
                TourSource::Previous => {
                    format!("the previous plan's deployments.csv:{}", it.line)
                }
                TourSource::Planned => "a tour committed by an earlier window".to_string(),
            };
            let who = format!(
                "{} {} {} at {}",
                it.units, sc.nations[it.nation].code, ut.code, sc.sites[it.site].code
            );
            let tour_end = sc.period_start(it.start_period + ut.tour as i64);
            let text = match kind {
                RowKind::Pool { .. } => format!(
                    "{source} keeps {who} busy (on tour, then in dwell) until {}",
                    sc.period_start(it.start_period + (ut.tour + ut.dwell) as i64)
                ),
                RowKind::Reception { .. } => {
                    format!("{source} brings {who} home, leaving before {tour_end}")
                }
                _ => format!("{source} keeps {who} until {tour_end}"),
            };
            let units = it.units as f64;
            Part {
                text,
                units,
                per_unit: v / units,
            }
        })
        .collect()
}

/// A column's lower bound, as the input lines behind it.
fn bound_parts(m: &Model, c: usize, coef: f64) -> Vec<Part> {
    let sc = m.sc;
    let Var::Tour { triple, t } = m.lp.var[c] else {
        return Vec::new();
    };
    let x = &m.triples[triple as usize];
    let who = |k: f64| {
        format!(
            "{} {} {} at {} from {}",
            num(k),
            sc.nations[x.nation].code,
            sc.unit_types[x.unit_type].code,
            sc.sites[x.site].code,
            sc.period_start(t as i64)
        )
    };
    let origins: &[Origin] = m.fixed_from.get(&(c as u32)).map_or(&[], |v| &v[..]);
    if origins.is_empty() {
        return vec![Part {
            text: format!("{} (a tour held at {})", m.col_name(c), num(m.lp.col_lo[c])),
            units: m.lp.col_lo[c],
            per_unit: coef,
        }];
    }
    origins
        .iter()
        .map(|o| Part {
            text: match o.held {
                Held::Pinned => format!("{}:{} pins {}", o.file, o.line, who(o.units)),
                Held::Fixed => format!("{}:{} sends {}", o.file, o.line, who(o.units)),
                Held::Frozen => format!(
                    "{}:{} keeps {} (published: within freeze_days of the start)",
                    o.file,
                    o.line,
                    who(o.units)
                ),
            },
            units: o.units,
            per_unit: coef,
        })
        .collect()
}

/// The sentence for the rows of one input row (one per period) that fixed inputs overfill.
fn describe_rows(m: &Model, rows: &[usize], found: usize) -> String {
    let lp = &m.lp;
    let over: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| least(lp, r) > lp.row_hi[r] + 1e-6 || least(lp, r) < lp.row_lo[r] - 1e-6)
        .collect();
    let first = over.first().copied().unwrap_or(found);
    let kind = lp.row_kind[first];
    let Some(cap) = cap(m, kind) else {
        let (file, line) = m.source("row", first);
        let at = line.map_or(file.to_string(), |l| format!("{file}:{l}"));
        return format!(
            "{} ({at}) cannot hold with the fixed inputs (HiGHS's IIS names it)",
            m.row_name(first)
        );
    };
    let shares = m.initial_share(first);
    let mut parts = initial_parts(m, kind, &shares);
    for (c, coef) in lp.row_entries(first) {
        if lp.col_lo[c as usize] > 0.0 && coef > 0.0 {
            parts.extend(bound_parts(m, c as usize, coef));
        }
    }
    sentence(m, kind, over.len().saturating_sub(1), &cap, &parts)
}

/// The least value row `r`'s entries can take within their columns' bounds.
fn least(lp: &Lp, r: usize) -> f64 {
    lp.row_entries(r)
        .map(|(c, v)| {
            let c = c as usize;
            if v > 0.0 {
                v * lp.col_lo[c]
            } else {
                v * lp.col_hi[c]
            }
        })
        .sum()
}

/// `CAP, but in the period from DATE the fixed tours come to TOTAL WHAT: PART; PART: a + b = TOTAL > LIMIT.`
fn sentence(m: &Model, kind: RowKind, more: usize, cap: &Cap, parts: &[Part]) -> String {
    let t = match kind {
        RowKind::Pool { t, .. }
        | RowKind::MaxDeployed { t, .. }
        | RowKind::ContingentLimit { t, .. }
        | RowKind::Reception { t, .. } => t as i64,
        _ => 0,
    };
    let when = if more > 0 {
        format!(
            "in the period from {} (and {more} later period(s))",
            m.sc.period_start(t)
        )
    } else {
        format!("in the period from {}", m.sc.period_start(t))
    };
    let total: f64 = parts.iter().map(|p| p.units * p.per_unit).sum();
    let listed: Vec<String> = parts
        .iter()
        .map(|p| {
            if (p.per_unit - 1.0).abs() < 1e-9 {
                format!("{} ({})", p.text, num(p.units))
            } else {
                format!(
                    "{} ({} × {} = {})",
                    p.text,
                    num(p.units),
                    num(p.per_unit),
                    num(p.units * p.per_unit)
                )
            }
        })
        .collect();
    let sum: Vec<String> = parts.iter().map(|p| num(p.units * p.per_unit)).collect();
    let sum = if sum.len() > 1 {
        format!("{} = {}", sum.join(" + "), num(total))
    } else {
        num(total)
    };
    format!(
        "{}, but {when} the fixed tours come to {} {}: {}; {sum} > {}.",
        cap.text,
        num(total),
        cap.what,
        listed.join("; "),
        num(cap.limit)
    )
}

/// A count as a planner writes it: thousands separators for whole numbers.
fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        thousands(v)
    } else {
        fmt_num(v)
    }
}
