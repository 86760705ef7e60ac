//! Plan stability against a previous plan (nightly reruns): pinned tours, and a penalty on each
//! tour added or removed relative to the baseline. Only used with `solve --previous`.

use super::lp::{RowKind, Var};
use super::origin::Held;
use super::vars::Model;
use crate::planfile::previous::Baseline;
use std::collections::BTreeMap;

const INF: f64 = f64::INFINITY;

/// Published tours keep their units (a lower bound on their start), and every unit of
/// difference |x − previous| costs change_penalty: for starts the previous plan has, a deviation
/// column u ≥ |x − a|; for the others x itself is the change.
pub fn stability(m: &mut Model, base: &Baseline) {
    let penalty = m.sc.stability.change_penalty;
    let mut by_key: BTreeMap<(usize, usize, usize, usize), (usize, u32)> = BTreeMap::new();
    for (tr, x) in m.triples.iter().enumerate() {
        for (t, c) in x.x.iter().enumerate() {
            if let Some(c) = c {
                by_key.insert((x.nation, x.unit_type, x.site, t), (tr, *c));
            }
        }
    }
    let previous_file = base.dir.join("deployments.csv").display().to_string();
    for (key, &(tr, c)) in &by_key {
        let ci = c as usize;
        match base.planned.get(key) {
            None => m.lp.cost[ci] += penalty,
            Some(&(a, _)) => {
                if let Some(&pinned) = base.pinned.get(key) {
                    m.lp.col_lo[ci] = m.lp.col_lo[ci].max(pinned);
                    let line = base.planned.get(key).map_or(0, |p| p.1);
                    m.hold(c, &previous_file, line, pinned, Held::Frozen);
                }
                if penalty > 0.0 {
                    let t = key.3 as u32;
                    let u = m.lp.col(
                        Var::Change {
                            triple: tr as u32,
                            t,
                        },
                        0.0,
                        INF,
                        penalty,
                        false,
                    );
                    m.lp.row(
                        RowKind::ChangeUp {
                            triple: tr as u32,
                            t,
                        },
                        -a,
                        INF,
                        &[(u, 1.0), (c, -1.0)],
                    );
                    m.lp.row(
                        RowKind::ChangeDown {
                            triple: tr as u32,
                            t,
                        },
                        a,
                        INF,
                        &[(u, 1.0), (c, 1.0)],
                    );
                }
            }
        }
    }
}
