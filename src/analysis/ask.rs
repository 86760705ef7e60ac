//! The ask for a force-generation conference: the fewest additional units, by nation and unit
//! type, that remove the coverage shortfall (docs/explain.md#the-ask).
//!
//! The rotation model (no supply network: the ask is about coverage) is built with every pool
//! raised by `--max-extra`, and each offer gets an integer column "extra units" that pays for the
//! raise: its pool rows read `busy − extra ≤ units − busy already`, so a tour beyond the offered
//! units needs one. Nations that have joined but offered nothing yet get an empty pool of every
//! unit type, priced like that type's cheapest offer, so they can be asked too. The ceilings
//! (ask-ceilings.csv) cap the extra units, or their troops, per nation. An extra unit is priced
//! at half the coverage penalty of one role-unit-period of its role value at the lowest
//! priority: it is bought whenever it closes at least one period short, and among plans that
//! close the same shortfall the one with fewer extra units wins; among those the offers' own
//! costs (the tours' daily and per-tour costs, already in the objective) choose the cheapest.
//! Caveats, contingent limits, max deployed, reception and the nations' dates are the
//! scenario's: a unit is asked only where it may serve.

use crate::base::budget::ASK_STEP_SHARE;
use crate::base::{text::round9, Error};
use crate::model::lp::{Lp, RowKind, Var};
use crate::model::{self, Formulation, Model};
use crate::scenario::ceilings::Ceiling;
use crate::scenario::{Mode, Offer, Scenario};
use crate::solve::{self, SolveOptions};
use std::collections::BTreeMap;

/// One line of the ask: extra units of one nation and unit type.
#[derive(Debug, Clone, PartialEq)]
pub struct AskRow {
    pub nation: usize,
    pub unit_type: usize,
    /// The offers.csv row these units add to; `None` for a nation that has offered nothing yet.
    pub offer: Option<usize>,
    pub units: u32,
    /// First period in which more units of the offer are busy than it has.
    pub needed_from: Option<usize>,
    /// Role-unit-periods short again when this row alone is taken back (the others kept);
    /// `None` when that solve did not finish.
    pub shortfall_removed: Option<f64>,
}

/// Shortfall the ask cannot close at one site and role.
#[derive(Debug, Clone, PartialEq)]
pub struct Left {
    pub site: usize,
    pub role: String,
    /// Role-unit-periods still short with the ask.
    pub amount: f64,
    /// `no_unit`, `not_allowed`, `ceiling` or `other` (docs/explain.md#the-ask).
    pub reason: &'static str,
    /// The reason in words, naming the ceiling row when one binds.
    pub why: String,
}

/// The ask and the shortfall before and after it.
#[derive(Debug, Clone)]
pub struct Ask {
    pub rows: Vec<AskRow>,
    /// Role-unit-periods short with the offers as they are, and with the ask.
    pub short_before: f64,
    pub short_after: f64,
    pub left: Vec<Left>,
    /// At most this many extra units per nation and unit type (`--max-extra`).
    pub max_extra: u32,
    /// Nations in nations.csv with no offers.csv row: the ask may ask them too.
    pub not_offered: Vec<usize>,
    /// Whether the ask's MIP was proven optimal (else the best found within the limit).
    pub optimal: bool,
}

/// The offers the ask may grow: every offers.csv row as it is, then, for each nation with no
/// offers.csv row yet, one empty pool per unit type at the cost of that type's cheapest offer
/// (one tour's daily and per-tour costs; no cost when nobody offers the type). The index into
/// `sc.offers` goes with each, `None` for the empty pools.
pub fn candidates(sc: &Scenario) -> Vec<(Offer, Option<usize>)> {
    let mut out: Vec<(Offer, Option<usize>)> = sc
        .offers
        .iter()
        .enumerate()
        .map(|(i, o)| (o.clone(), Some(i)))
        .collect();
    for n in not_offered(sc) {
        for (u, ut) in sc.unit_types.iter().enumerate() {
            let tour_cost = |o: &Offer| o.cost_per_day * ut.tour_days + o.cost_per_tour;
            let cheapest = sc
                .offers
                .iter()
                .filter(|o| o.unit_type == u)
                .min_by(|a, b| tour_cost(a).total_cmp(&tour_cost(b)));
            out.push((
                Offer {
                    nation: n,
                    unit_type: u,
                    units: 0,
                    max_deployed: None,
                    cost_per_day: cheapest.map_or(0.0, |o| o.cost_per_day),
                    cost_per_tour: cheapest.map_or(0.0, |o| o.cost_per_tour),
                    line: 0,
                },
                None,
            ));
        }
    }
    out
}

/// Nations in nations.csv without a single offers.csv row, in nations.csv order.
pub fn not_offered(sc: &Scenario) -> Vec<usize> {
    (0..sc.nations.len())
        .filter(|&n| !sc.offers.iter().any(|o| o.nation == n))
        .collect()
}

/// Finds the ask: at most `max_extra` extra units per nation and unit type and within
/// `ceilings`, solved within `opts`'s limit (split between the plan without extras, the ask,
/// and the check of each row).
pub fn ask(
    sc: &Scenario,
    opts: &SolveOptions,
    max_extra: u32,
    ceilings: &[Ceiling],
) -> Result<Ask, Error> {
    let opts = SolveOptions {
        mode: Mode::Mip,
        log: false,
        ..opts.clone()
    };
    let step = SolveOptions {
        time_limit_s: opts.time_limit_s * ASK_STEP_SHARE,
        ..opts.clone()
    };
    let form = Formulation::Expanded;
    // The shortfall as offered.
    let m0 = model::build_with(sc, Mode::Mip, form, None, false);
    let s0 = solve::solve_plan(&m0.lp, &step, None)?;
    let short_before = total_short(&model::extract(&m0, &s0.values));

    let cands = candidates(sc);
    let mut big = sc.clone();
    big.offers = cands
        .iter()
        .map(|(o, _)| Offer {
            units: o.units + max_extra,
            ..o.clone()
        })
        .collect();
    let m = model::build_with(&big, Mode::Mip, form, None, false);
    let (lp, extra) = with_extra_units(&m, max_extra, ceilings);
    let solved = solve::solve_plan(&lp, &step, None)?;
    let x = &solved.values;
    let plan = model::extract(&m, &x[..m.lp.num_cols()]);
    let short_after = total_short(&plan);
    let extra_of = |o: usize| extra[o].map_or(0.0, |c| x[c as usize].round().max(0.0));
    let mut rows = Vec::new();
    for (o, (off, row)) in cands.iter().enumerate() {
        let units = extra_of(o) as u32;
        if units == 0 {
            continue;
        }
        rows.push(AskRow {
            nation: off.nation,
            unit_type: off.unit_type,
            offer: *row,
            units,
            needed_from: needed_from(&m, x, o, off.units),
            shortfall_removed: None,
        });
    }
    // What each row does: the ask with that row taken back, the others kept.
    let each = SolveOptions {
        time_limit_s: (step.time_limit_s / rows.len().max(1) as f64).max(1.0),
        ..opts.clone()
    };
    for r in &mut rows {
        let mut fixed = lp.clone();
        for (o, (off, _)) in cands.iter().enumerate() {
            if let Some(c) = extra[o] {
                let mine = off.nation == r.nation && off.unit_type == r.unit_type;
                let v = if mine { 0.0 } else { extra_of(o) };
                fixed.col_lo[c as usize] = v;
                fixed.col_hi[c as usize] = v;
            }
        }
        if let Ok(s) = solve::solve_plan(&fixed, &each, None) {
            if s.status == solve::Status::Optimal {
                let without = total_short(&model::extract(&m, &s.values[..m.lp.num_cols()]));
                r.shortfall_removed = Some(round9(without - short_after));
            }
        }
    }
    let extras: Vec<f64> = (0..cands.len()).map(extra_of).collect();
    let optimal = solved.status == solve::Status::Optimal;
    let left = left_short(sc, &m, &plan, max_extra, ceilings, &extras, optimal);
    Ok(Ask {
        rows,
        short_before,
        short_after,
        left,
        max_extra,
        not_offered: not_offered(sc),
        optimal,
    })
}

fn total_short(p: &crate::plan::Plan) -> f64 {
    round9(p.short.iter().flatten().sum())
}

/// The model's LP with an "extra units" column per offer with tours, entering its pool rows,
/// and one row per ceiling: its extra units (or their troops) at most the ceiling.
fn with_extra_units(m: &Model, max_extra: u32, ceilings: &[Ceiling]) -> (Lp, Vec<Option<u32>>) {
    let sc = m.sc;
    let pd = sc.period_days as f64;
    // The cheapest role-unit-period of shortfall: half of it per role value buys a unit.
    let min_pen = sc
        .requirements
        .iter()
        .map(|r| sc.penalties.coverage * r.priority * pd)
        .filter(|&p| p > 0.0)
        .fold(f64::INFINITY, f64::min);
    let min_pen = if min_pen.is_finite() { min_pen } else { 0.0 };
    let mut lp = m.lp.clone();
    lp.row_lo.clear();
    lp.row_hi.clear();
    lp.row_kind.clear();
    lp.row_start = vec![0];
    lp.idx.clear();
    lp.val.clear();
    let mut extra = vec![None; sc.offers.len()];
    for (o, off) in sc.offers.iter().enumerate() {
        if m.by_offer[o].is_empty() {
            continue;
        }
        let rv = sc.unit_types[off.unit_type].role_value;
        // Tagged as the offer's starts in a period that does not exist: only this LP has it.
        let c = lp.col(
            Var::Started {
                offer: o as u32,
                t: u32::MAX,
            },
            0.0,
            max_extra as f64,
            0.5 * min_pen * rv,
            true,
        );
        extra[o] = Some(c);
    }
    let mut buf = Vec::new();
    for r in 0..m.lp.num_rows() {
        buf.clear();
        buf.extend(m.lp.row_entries(r));
        let (lo, mut hi) = (m.lp.row_lo[r], m.lp.row_hi[r]);
        if let RowKind::Pool { offer, .. } = m.lp.row_kind[r] {
            if let Some(c) = extra[offer as usize] {
                buf.push((c, -1.0));
                hi -= max_extra as f64;
            }
        }
        lp.row(m.lp.row_kind[r], lo, hi, &buf);
    }
    for (i, ceil) in ceilings.iter().enumerate() {
        // Tagged as a limit in a period that does not exist: only this LP has these rows.
        let kind = RowKind::ContingentLimit {
            limit: u32::MAX - i as u32,
            t: u32::MAX,
        };
        let covered: Vec<(u32, f64)> = sc
            .offers
            .iter()
            .enumerate()
            .filter(|(_, off)| ceil.covers(off.nation, off.unit_type))
            .filter_map(|(o, off)| {
                extra[o].map(|c| (c, sc.unit_types[off.unit_type].troops as f64))
            })
            .collect();
        if covered.is_empty() {
            continue;
        }
        if let Some(units) = ceil.max_units {
            let e: Vec<(u32, f64)> = covered.iter().map(|&(c, _)| (c, 1.0)).collect();
            lp.row(kind, f64::NEG_INFINITY, units as f64, &e);
        }
        if let Some(troops) = ceil.max_troops {
            lp.row(kind, f64::NEG_INFINITY, troops, &covered);
        }
    }
    (lp, extra)
}

/// The first period in which the plan keeps more units of offer `o` busy than the `offered`.
fn needed_from(m: &Model, x: &[f64], o: usize, offered: u32) -> Option<usize> {
    let offered = offered as f64;
    (0..m.lp.num_rows()).find_map(|r| match m.lp.row_kind[r] {
        RowKind::Pool { offer, t } if offer as usize == o => {
            let busy: f64 =
                m.lp.row_entries(r)
                    .map(|(c, v)| v * x[c as usize])
                    .sum::<f64>()
                    + m.initial.busy[o][t as usize];
            (busy > offered + 1e-6).then_some(t as usize)
        }
        _ => None,
    })
}

/// Why one more unit of candidate `o` (extra units `extras[o]` already) may not be asked:
/// the `--max-extra` cap or a ceiling row with no room left, in words.
fn ceiling_reached(
    sc: &Scenario,
    o: usize,
    max_extra: u32,
    ceilings: &[Ceiling],
    extras: &[f64],
) -> Option<String> {
    let off = &sc.offers[o];
    let nation = &sc.nations[off.nation].code;
    let unit = &sc.unit_types[off.unit_type];
    for ceil in ceilings
        .iter()
        .filter(|c| c.covers(off.nation, off.unit_type))
    {
        let (units, troops) = sc
            .offers
            .iter()
            .enumerate()
            .filter(|(_, x)| ceil.covers(x.nation, x.unit_type))
            .fold((0.0, 0.0), |(u, t), (i, x)| {
                (
                    u + extras[i],
                    t + extras[i] * sc.unit_types[x.unit_type].troops as f64,
                )
            });
        let of = match ceil.unit_type {
            Some(u) => format!("{nation} {}", sc.unit_types[u].code),
            None => nation.clone(),
        };
        if let Some(max) = ceil.max_units {
            if units + 1.0 > max as f64 + 1e-6 {
                return Some(format!(
                    "the ceiling {}:{} ({of}: at most {max} more unit{}) is reached",
                    ceil.file,
                    ceil.line,
                    if max == 1 { "" } else { "s" }
                ));
            }
        }
        if let Some(max) = ceil.max_troops {
            if troops + unit.troops as f64 > max + 1e-6 {
                return Some(format!(
                    "the ceiling {}:{} ({of}: at most {} more troops) leaves no room for one more {} of {} troops",
                    ceil.file, ceil.line, crate::base::text::fmt_num(max), unit.code, unit.troops
                ));
            }
        }
    }
    (extras[o] + 1.0 > max_extra as f64 + 1e-6).then(|| {
        format!(
            "{nation} is already asked for {max_extra} more {} (the most per nation and unit type, --max-extra)",
            unit.code
        )
    })
}

/// Shortfall the ask leaves, per (site, role), with the reason. `m` is the model with every
/// candidate (its scenario's offers are the candidates), `extras` their extra units.
fn left_short(
    sc: &Scenario,
    m: &Model,
    plan: &crate::plan::Plan,
    max_extra: u32,
    ceilings: &[Ceiling],
    extras: &[f64],
    optimal: bool,
) -> Vec<Left> {
    let big = m.sc;
    let mut by: BTreeMap<(usize, String), f64> = BTreeMap::new();
    for (i, r) in sc.requirements.iter().enumerate() {
        let s: f64 = plan.short[i].iter().sum();
        if s > 1e-6 {
            *by.entry((r.site, r.role.clone())).or_default() += s;
        }
    }
    by.into_iter()
        .map(|((site, role), amount)| {
            // Candidates whose units could serve there at some time.
            let mut eligible: Vec<usize> = m
                .triples
                .iter()
                .filter(|x| {
                    x.site == site
                        && big.unit_types[x.unit_type].role == role
                        && x.x.iter().any(Option::is_some)
                })
                .map(|x| x.offer)
                .collect();
            eligible.sort_unstable();
            eligible.dedup();
            let capped: Vec<String> = eligible
                .iter()
                .filter_map(|&o| ceiling_reached(big, o, max_extra, ceilings, extras))
                .collect();
            let (reason, why) = if !sc.unit_types.iter().any(|u| u.role == role) {
                ("no_unit", format!("no unit type has the role {role}"))
            } else if eligible.is_empty() {
                ("not_allowed", "no nation with a unit of the role may serve there (caveats, contingent limits, availability)".to_string())
            } else if !capped.is_empty() {
                ("ceiling", capped.join("; "))
            } else if optimal {
                ("other", "more units would not close it: the contingent limits, max deployed, reception or the tour costs bind".to_string())
            } else {
                // Not proven: a longer search may still close some of it.
                ("other", "not closed by the best ask found within the time limit (not proven: the contingent limits, max deployed, reception or the tour costs may bind, or a longer search may close it)".to_string())
            };
            Left {
                site,
                role,
                amount: round9(amount),
                reason,
                why,
            }
        })
        .collect()
}
