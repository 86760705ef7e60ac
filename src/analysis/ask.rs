//! The ask for a force-generation conference: the fewest additional units, by nation and unit
//! type, that remove the coverage shortfall (docs/explain.md#the-ask).
//!
//! The rotation model (no supply network: the ask is about coverage) is built with every pool
//! raised by the ceiling, and each offer gets an integer column "extra units" that pays for the
//! raise: its pool rows read `busy − extra ≤ units − busy already`, so a tour beyond the offered
//! units needs one. An extra unit is priced at half the coverage penalty of one role-unit-period
//! of its role value at the lowest priority: it is bought whenever it closes at least one period
//! short, and among plans that close the same shortfall the one with fewer extra units wins;
//! among those the offers' own costs (the tours' daily and per-tour costs, already in the
//! objective) choose the cheapest. Caveats, contingent limits, max deployed, reception and the
//! nations' dates are the scenario's: a unit is asked only where it may serve.

use crate::base::{text::round9, Error};
use crate::model::lp::{Lp, RowKind, Var};
use crate::model::{self, Formulation, Model};
use crate::scenario::{Mode, Scenario};
use crate::solve::{self, SolveOptions};
use std::collections::BTreeMap;

/// One line of the ask: extra units of one offer.
#[derive(Debug, Clone, PartialEq)]
pub struct AskRow {
    pub offer: usize,
    pub units: u32,
    /// First period in which more units of the offer are busy than it has.
    pub needed_from: Option<usize>,
    /// Role-unit-periods short again when this row alone is taken back (the others kept);
    /// `None` when that solve did not finish.
    pub shortfall_removed: Option<f64>,
}

/// The ask and the shortfall before and after it.
#[derive(Debug, Clone)]
pub struct Ask {
    pub rows: Vec<AskRow>,
    /// Role-unit-periods short with the offers as they are, and with the ask.
    pub short_before: f64,
    pub short_after: f64,
    /// Shortfall the ask cannot close, per (site, role): role-unit-periods and why.
    pub left: Vec<(usize, String, f64, String)>,
    pub ceiling: u32,
    /// Whether the ask's MIP was proven optimal (else the best found within the limit).
    pub optimal: bool,
}

/// Finds the ask: at most `ceiling` extra units per offer, solved within `opts`'s limit
/// (split between the plan without extras, the ask, and the check of each row).
pub fn ask(sc: &Scenario, opts: &SolveOptions, ceiling: u32) -> Result<Ask, Error> {
    let opts = SolveOptions {
        mode: Mode::Mip,
        log: false,
        ..opts.clone()
    };
    let third = SolveOptions {
        time_limit_s: opts.time_limit_s / 3.0,
        ..opts.clone()
    };
    let form = Formulation::Expanded;
    // The shortfall as offered.
    let m0 = model::build_with(sc, Mode::Mip, form, None, false);
    let s0 = solve::solve_plan(&m0.lp, &third, None)?;
    let short_before = total_short(&model::extract(&m0, &s0.values));

    let mut big = sc.clone();
    for off in &mut big.offers {
        off.units += ceiling;
    }
    let m = model::build_with(&big, Mode::Mip, form, None, false);
    let (lp, extra) = with_extra_units(&m, ceiling);
    let solved = solve::solve_plan(&lp, &third, None)?;
    let x = &solved.values;
    let plan = model::extract(&m, &x[..m.lp.num_cols()]);
    let short_after = total_short(&plan);
    let mut rows = Vec::new();
    for (o, &c) in extra.iter().enumerate() {
        let Some(c) = c else { continue };
        let units = x[c as usize].round().max(0.0) as u32;
        if units == 0 {
            continue;
        }
        rows.push(AskRow {
            offer: o,
            units,
            needed_from: needed_from(sc, &m, x, o),
            shortfall_removed: None,
        });
    }
    // What each row does: the ask with that row taken back, the others kept.
    let each = SolveOptions {
        time_limit_s: (third.time_limit_s / rows.len().max(1) as f64).max(1.0),
        ..opts.clone()
    };
    for r in &mut rows {
        let mut fixed = lp.clone();
        for (o, &c) in extra.iter().enumerate() {
            if let Some(c) = c {
                let v = if o == r.offer {
                    0.0
                } else {
                    x[c as usize].round()
                };
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
    let left = left_short(sc, &m, &plan, ceiling);
    Ok(Ask {
        rows,
        short_before,
        short_after,
        left,
        ceiling,
        optimal: solved.status == solve::Status::Optimal,
    })
}

fn total_short(p: &crate::plan::Plan) -> f64 {
    round9(p.short.iter().flatten().sum())
}

/// The model's LP with an "extra units" column per offer with tours, entering its pool rows.
fn with_extra_units(m: &Model, ceiling: u32) -> (Lp, Vec<Option<u32>>) {
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
            ceiling as f64,
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
                hi -= ceiling as f64;
            }
        }
        lp.row(m.lp.row_kind[r], lo, hi, &buf);
    }
    (lp, extra)
}

/// The first period in which the plan keeps more units of offer `o` busy than it offers.
fn needed_from(sc: &Scenario, m: &Model, x: &[f64], o: usize) -> Option<usize> {
    let offered = sc.offers[o].units as f64;
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

/// Shortfall the ask leaves, per (site, role), with the reason in words.
fn left_short(
    sc: &Scenario,
    m: &Model,
    plan: &crate::plan::Plan,
    ceiling: u32,
) -> Vec<(usize, String, f64, String)> {
    let mut by: BTreeMap<(usize, String), f64> = BTreeMap::new();
    for (i, r) in sc.requirements.iter().enumerate() {
        let s: f64 = plan.short[i].iter().sum();
        if s > 1e-6 {
            *by.entry((r.site, r.role.clone())).or_default() += s;
        }
    }
    by.into_iter()
        .map(|((site, role), amount)| {
            let eligible = m.triples.iter().any(|x| {
                x.site == site && sc.unit_types[x.unit_type].role == role && x.x.iter().any(Option::is_some)
            });
            let why = if !sc.unit_types.iter().any(|u| u.role == role) {
                format!("no unit type has the role {role}")
            } else if !eligible {
                "no nation offering a unit with the role may serve there (caveats, contingent limits, availability)".to_string()
            } else {
                format!(
                    "more units would not close it: the contingent limits, max deployed, reception or the tour costs bind, or the ceiling of {ceiling} extra units per offer is reached"
                )
            };
            (site, role, round9(amount), why)
        })
        .collect()
}
