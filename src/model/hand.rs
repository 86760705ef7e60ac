//! The planner's hand in the model: the tour columns set to a hand-written plan (`solve --fix`:
//! exactly those tours, no others) or bounded below by it (`solve --pin`: at least those).

use super::lp::Var;
use super::origin::Held;
use super::vars::Model;
use crate::planfile::hand::{Hand, HandMode};
use std::collections::BTreeMap;

/// Fixes (or pins) the model's tour columns to the hand's tours. `Err` names each row of the
/// hand file whose tour the model cannot hold at all (the nation is not available then, the
/// nation does not offer the type, the site does not ask for its role, or the tour would not
/// cover inside the horizon), one message per line.
pub fn apply_hand(m: &mut Model, hand: &Hand) -> Result<(), String> {
    let sc = m.sc;
    // Units per (nation, unit type, site, start), and the file lines behind each.
    let mut want: BTreeMap<(usize, usize, usize, usize), (f64, Vec<(usize, f64)>)> =
        BTreeMap::new();
    for t in &hand.tours {
        let e = want
            .entry((t.nation, t.unit_type, t.site, t.start as usize))
            .or_default();
        e.0 += t.units;
        e.1.push((t.line, t.units));
    }
    let mut held = BTreeMap::new();
    let file = hand.file_name();
    let how = match hand.mode {
        HandMode::Fix => Held::Fixed,
        HandMode::Pin => Held::Pinned,
    };
    for c in 0..m.lp.num_cols() {
        let Var::Tour { triple, t } = m.lp.var[c] else {
            continue;
        };
        let x = &m.triples[triple as usize];
        let key = (x.nation, x.unit_type, x.site, t as usize);
        let units = want.get(&key).map_or(0.0, |w| w.0);
        held.insert(key, ());
        for &(line, k) in want.get(&key).map_or(&[][..], |w| &w.1[..]) {
            m.hold(c as u32, &file, line, k, how);
        }
        match hand.mode {
            HandMode::Fix => {
                m.lp.col_lo[c] = units;
                m.lp.col_hi[c] = units;
            }
            HandMode::Pin => {
                m.lp.col_lo[c] = m.lp.col_lo[c].max(units);
                if m.lp.col_hi[c] < units {
                    m.lp.col_hi[c] = units;
                }
            }
        }
    }
    let mut problems = Vec::new();
    for (key, (_, lines)) in &want {
        if held.contains_key(key) {
            continue;
        }
        let (n, u, s, t) = *key;
        let why = if sc.offer_of(n, u).is_none() {
            format!("{} offers no {}", sc.nations[n].code, sc.unit_types[u].code)
        } else if !sc
            .requirements
            .iter()
            .any(|r| r.site == s && r.role == sc.unit_types[u].role)
        {
            format!("{} asks for no {}", sc.sites[s].code, sc.unit_types[u].role)
        } else {
            format!(
                "no such tour can be planned: {} is not available for all of it, a caveat or limit leaves no room at all, or it would not cover before the horizon ends",
                sc.nations[n].code
            )
        };
        for (l, _) in lines {
            problems.push(format!(
                "{file}:{l}: a tour of {} {} at {} beginning in period {t}: {why}",
                sc.nations[n].code, sc.unit_types[u].code, sc.sites[s].code
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
