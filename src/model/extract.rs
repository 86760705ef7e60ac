//! Reading the plan out of a solution vector: tours with concrete unit numbers, shortfalls,
//! flows and stocks in the planner's terms, with every objective term recomputed from them.

use super::vars::Model;
use crate::plan::{assign_units, clean, shortfalls, terms, Flows, Plan, Terms, Tour};
use crate::scenario::Mode;

/// Reads the plan out of a solution.
pub fn extract(m: &Model, x: &[f64]) -> Plan {
    let sc = m.sc;
    let mut tours = Vec::new();
    for it in &sc.deployed {
        if m.mode == Mode::Mip {
            for _ in 0..it.units {
                tours.push(Tour {
                    nation: it.nation,
                    unit_type: it.unit_type,
                    site: it.site,
                    start: it.start_period,
                    units: 1.0,
                    unit_no: None,
                    initial: true,
                });
            }
        } else {
            tours.push(Tour {
                nation: it.nation,
                unit_type: it.unit_type,
                site: it.site,
                start: it.start_period,
                units: it.units as f64,
                unit_no: None,
                initial: true,
            });
        }
    }
    let mut new_tours = Vec::new();
    for tr in &m.triples {
        for (t, c) in tr.x.iter().enumerate() {
            let Some(c) = c else { continue };
            let v = x[*c as usize];
            let base = Tour {
                nation: tr.nation,
                unit_type: tr.unit_type,
                site: tr.site,
                start: t as i64,
                units: 1.0,
                unit_no: None,
                initial: false,
            };
            if m.mode == Mode::Mip {
                for _ in 0..(v.round().max(0.0) as u64) {
                    new_tours.push(base.clone());
                }
            } else if clean(v) > 0.0 {
                new_tours.push(Tour { units: v, ..base });
            }
        }
    }
    // Numbering order: initial tours first (deployed.csv order), then by start period, then site code.
    new_tours.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then_with(|| sc.sites[a.site].code.cmp(&sc.sites[b.site].code))
    });
    tours.extend(new_tours);
    if m.mode == Mode::Mip {
        assign_units(sc, &mut tours);
    }
    let short = shortfalls(sc, &tours);
    let flows = m.net.as_ref().map(|v| {
        let get = |c: Option<u32>| c.map_or(0.0, |c| clean(x[c as usize]));
        let (kn, wn, an, tn) = (v.commodities, v.nodes, v.arcs, v.periods);
        let kwt = |f: &dyn Fn(usize, usize, usize) -> f64| -> Vec<Vec<Vec<f64>>> {
            (0..kn)
                .map(|k| {
                    (0..wn)
                        .map(|w| (0..tn).map(|t| f(k, w, t)).collect())
                        .collect()
                })
                .collect()
        };
        Flows {
            flow: (0..kn)
                .map(|k| {
                    (0..an)
                        .map(|a| (0..tn).map(|t| get(v.flow[v.kat(k, a, t)])).collect())
                        .collect()
                })
                .collect(),
            output: (0..v.output.len() / tn.max(1))
                .map(|i| (0..tn).map(|t| get(v.output[i * tn + t])).collect())
                .collect(),
            demand: kwt(&|k, w, t| {
                let i = v.kwt(k, w, t);
                if v.demand[i].is_some() {
                    get(v.demand[i])
                } else {
                    v.demand_const[i]
                }
            }),
            stock: kwt(&|k, w, t| get(v.stock[v.kwt(k, w, t)])),
            unmet: kwt(&|k, w, t| get(v.unmet[v.kwt(k, w, t)])),
            dos_short: kwt(&|k, w, t| get(v.dos_short[v.kwt(k, w, t)])),
        }
    });
    let mut plan = Plan {
        mode: m.mode,
        tours,
        short,
        flows,
        terms: Terms::default(),
    };
    plan.terms = terms(sc, &plan);
    plan
}
