//! A relief plan built tour by tour, for a rotation search that has no LP relaxation to start
//! from.
//!
//! On the largest scenarios (30 nations and 60 sites) the rotation model's relaxation does not
//! finish within its share of the limit, and the search then started from the plan with no new
//! tours: nearly every requirement short, and each restricted MIP of the search fills only one
//! site and role. Here tours are added one unit at a time, the one that removes the most
//! shortfall penalty net of its own cost first, as long as every pool, deployment cap,
//! contingent limit and reception capacity still holds. The plan it returns is a starting
//! point for the search, not a bound.

use crate::base::signal;
use crate::model::lp::{Lp, RowKind, Var};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::atomic::Ordering as AtomicOrdering;
use std::time::Instant;

/// What a row means to the greedy.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// A coverage row: its deficit below `lo` is filled by shortfall columns at their prices,
    /// so tours that cover it save those prices.
    Cover,
    /// A row of tour starts alone (pool, cap, limit, reception): it must keep its bounds.
    Hard,
    /// Any other row: the continuous columns in it absorb the tours (the caller's LP over
    /// the continuous rest confirms the plan).
    Free,
}

/// A candidate and its value when last looked at (values only fall as tours are added, so a
/// stale value is an upper bound: the lazy greedy).
struct Candidate {
    value: f64,
    col: usize,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// Highest value first; among equal values the lowest column (so the plan depends on the
    /// input alone).
    fn cmp(&self, other: &Self) -> Ordering {
        self.value
            .total_cmp(&other.value)
            .then(other.col.cmp(&self.col))
    }
}

/// Tour starts of a plan of `lp`, added unit by unit while a unit saves more shortfall penalty
/// than it costs and keeps every row of tour starts within its bounds. Starts from the columns'
/// lower bounds (pinned tours), which must keep those rows. Stops at `deadline` with what it has.
///
/// Returns every column's value: tour starts whole, shortfalls filling what is still short
/// (cheapest first), other columns at their lower bounds (the caller re-optimises everything
/// but the tours). `None` where the greedy does not apply (the aggregated form, whose rows hold
/// aggregate columns instead of tour starts).
pub fn relief_plan(lp: &Lp, deadline: Instant) -> Option<Vec<f64>> {
    let n = lp.num_cols();
    if lp
        .var
        .iter()
        .any(|v| matches!(v, Var::Ground { .. } | Var::Started { .. }))
    {
        return None;
    }
    let is_tour = |c: usize| matches!(lp.var[c], Var::Tour { .. });
    let mut x: Vec<f64> = lp.col_lo.iter().map(|&lo| lo.max(0.0)).collect();
    let rows = lp.num_rows();
    let mut role = vec![Role::Free; rows];
    let mut activity = vec![0.0; rows];
    // Shortfall columns of each coverage row, as (price per unit of the row, capacity in the
    // row's units, column, coefficient), cheapest first: the deficit is filled cheapest first.
    let mut shorts: Vec<Vec<(f64, f64, usize, f64)>> = vec![Vec::new(); rows];
    // Tour columns' entries, column by column.
    let mut count = vec![0usize; n + 1];
    for r in 0..rows {
        let mut all_tours = true;
        for (c, a) in lp.row_entries(r) {
            let c = c as usize;
            if is_tour(c) {
                count[c + 1] += 1;
                activity[r] += a * x[c];
            } else {
                all_tours = false;
                if matches!(lp.row_kind[r], RowKind::Coverage { .. }) && a > 0.0 {
                    shorts[r].push((lp.cost[c] / a, (lp.col_hi[c] - x[c]) * a, c, a));
                }
            }
        }
        role[r] = match lp.row_kind[r] {
            RowKind::Coverage { .. } => Role::Cover,
            _ if all_tours => Role::Hard,
            _ => Role::Free,
        };
        shorts[r].sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    for c in 0..n {
        count[c + 1] += count[c];
    }
    let mut fill = count.clone();
    let mut col_row = vec![0u32; count[n]];
    let mut col_val = vec![0.0; count[n]];
    for r in 0..rows {
        for (c, a) in lp.row_entries(r) {
            let c = c as usize;
            if is_tour(c) {
                col_row[fill[c]] = r as u32;
                col_val[fill[c]] = a;
                fill[c] += 1;
            }
        }
    }
    drop(fill);

    // Shortfall penalty a coverage row pays for a deficit d (filled cheapest first).
    let penalty = |r: usize, d: f64| -> f64 {
        let mut left = d.max(0.0);
        let mut paid = 0.0;
        for &(price, cap, _, _) in &shorts[r] {
            if left <= 0.0 {
                break;
            }
            let take = left.min(cap);
            paid += take * price;
            left -= take;
        }
        paid
    };
    // Net value of one more unit of column c, or None when a row of tour starts would break.
    let value = |c: usize, x: &[f64], activity: &[f64]| -> Option<f64> {
        if x[c] + 1.0 > lp.col_hi[c] + 1e-9 {
            return None;
        }
        let mut saved = 0.0;
        for e in count[c]..count[c + 1] {
            let (r, a) = (col_row[e] as usize, col_val[e]);
            match role[r] {
                Role::Hard => {
                    let after = activity[r] + a;
                    if after > lp.row_hi[r] + 1e-9 || after < lp.row_lo[r] - 1e-9 {
                        return None;
                    }
                }
                Role::Cover => {
                    let deficit = lp.row_lo[r] - activity[r];
                    if deficit > 0.0 {
                        saved += penalty(r, deficit) - penalty(r, deficit - a);
                    }
                }
                Role::Free => {}
            }
        }
        Some(saved - lp.cost[c])
    };

    let mut heap = BinaryHeap::new();
    for c in (0..n).filter(|&c| is_tour(c)) {
        if let Some(v) = value(c, &x, &activity).filter(|&v| v > 0.0) {
            heap.push(Candidate { value: v, col: c });
        }
    }
    let mut looked = 0u64;
    while let Some(top) = heap.pop() {
        looked += 1;
        if looked % 4096 == 0
            && (Instant::now() >= deadline || signal::interrupted().load(AtomicOrdering::Relaxed))
        {
            break;
        }
        let c = top.col;
        let Some(v) = value(c, &x, &activity).filter(|&v| v > 0.0) else {
            continue; // a unit more breaks a row or saves nothing, and never will again
        };
        let fresh = Candidate { value: v, col: c };
        if heap.peek().is_some_and(|h| *h > fresh) {
            heap.push(fresh); // another may be worth more now: look at it first
            continue;
        }
        x[c] += 1.0;
        for e in count[c]..count[c + 1] {
            activity[col_row[e] as usize] += col_val[e];
        }
        heap.push(fresh);
    }
    // What is still short is filled as the LP would: cheapest shortfall first.
    for r in (0..rows).filter(|&r| role[r] == Role::Cover) {
        let mut left = lp.row_lo[r] - activity[r];
        for &(_, cap, c, a) in &shorts[r] {
            if left <= 0.0 {
                break;
            }
            let take = left.min(cap);
            x[c] += take / a;
            left -= take;
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const INF: f64 = f64::INFINITY;

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    fn tour(lp: &mut Lp, t: u32, cost: f64) -> u32 {
        lp.col(Var::Tour { triple: 0, t }, 0.0, INF, cost, true)
    }

    fn short(lp: &mut Lp, req: u32, t: u32, price: f64, cap: f64) -> u32 {
        lp.col(Var::Short { req, t }, 0.0, cap, price, false)
    }

    /// Four periods, one requirement of 1 per period priced 100; a tour of two periods (no
    /// handover, no dwell) costs 10, and the pool of 1 lets one tour run at a time. By hand:
    /// starts 0, 1 and 2 each save 200 − 10 = 190 and start 3 saves 90; the tie goes to start
    /// 0; start 1 would then break the pool in period 1; start 2 saves 190; start 3 would break
    /// the pool in period 3. Plan: tours begun in 0 and 2, nothing short.
    #[test]
    fn tours_relieve_each_other_within_the_pool() {
        let mut lp = Lp::new();
        let x: Vec<u32> = (0..4).map(|t| tour(&mut lp, t, 10.0)).collect();
        let s: Vec<u32> = (0..4).map(|t| short(&mut lp, 0, t, 100.0, 1.0)).collect();
        for t in 0..4usize {
            let mut on = vec![(x[t], 1.0)];
            if t > 0 {
                on.push((x[t - 1], 1.0));
            }
            lp.row(
                RowKind::Pool {
                    offer: 0,
                    t: t as u32,
                },
                -INF,
                1.0,
                &on,
            );
            on.push((s[t], 1.0));
            lp.row(
                RowKind::Coverage {
                    site: 0,
                    role: 0,
                    t: t as u32,
                },
                1.0,
                INF,
                &on,
            );
        }
        let plan = relief_plan(&lp, later()).expect("applies");
        assert_eq!(&plan[0..4], &[1.0, 0.0, 1.0, 0.0]);
        assert!(plan[4..].iter().all(|&v| v == 0.0));
    }

    /// One period needing 2 role-units: a priority shortfall priced 100 (1 unit) and a lower one
    /// priced 30 (1 unit); a tour covers 1 and costs 50. The first tour relieves the dearer
    /// shortfall (saves 100 − 50 = 50); a second would save only 30 − 50 < 0, so it stops at 1.
    #[test]
    fn a_tour_relieves_the_dearest_shortfall_and_stops_where_it_costs_more() {
        let mut lp = Lp::new();
        let x = tour(&mut lp, 0, 50.0);
        let hi = short(&mut lp, 0, 0, 100.0, 1.0);
        let low = short(&mut lp, 1, 0, 30.0, 1.0);
        lp.row(
            RowKind::Coverage {
                site: 0,
                role: 0,
                t: 0,
            },
            2.0,
            INF,
            &[(x, 1.0), (hi, 1.0), (low, 1.0)],
        );
        let plan = relief_plan(&lp, later()).expect("applies");
        assert_eq!(plan[x as usize], 1.0);
        // What is still short (1) falls on the cheaper shortfall, as the LP would put it.
        assert_eq!((plan[hi as usize], plan[low as usize]), (0.0, 1.0));
    }

    /// A pinned tour (lower bound 1) is kept and counts against the limit: a limit of 3 troops
    /// with tours of 2 troops leaves no room for a second tour, however short the site is.
    #[test]
    fn pinned_tours_count_against_the_limits() {
        let mut lp = Lp::new();
        let a = lp.col(Var::Tour { triple: 0, t: 0 }, 1.0, INF, 1.0, true);
        let b = lp.col(Var::Tour { triple: 1, t: 0 }, 0.0, INF, 1.0, true);
        let s = short(&mut lp, 0, 0, 100.0, 5.0);
        lp.row(
            RowKind::ContingentLimit { limit: 0, t: 0 },
            -INF,
            3.0,
            &[(a, 2.0), (b, 2.0)],
        );
        lp.row(
            RowKind::Coverage {
                site: 0,
                role: 0,
                t: 0,
            },
            5.0,
            INF,
            &[(a, 1.0), (b, 1.0), (s, 1.0)],
        );
        let plan = relief_plan(&lp, later()).expect("applies");
        assert_eq!((plan[a as usize], plan[b as usize]), (1.0, 0.0));
    }
}
