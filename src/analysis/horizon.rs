//! Bottlenecks that bind only because the horizon ends. A tour begun in the last periods is cut
//! short by the end of the horizon: it costs and covers only inside it, and nothing after the
//! end is asked of the units. Rows that bind only there say where the plan stops, not what a
//! planner can act on, so they are labelled and kept off the top of the list.

use crate::model::Model;

/// Whether a rotation row (pool, max deployed, limit, reception) that first binds in period
/// `first` binds only near the end: `first` lies within the shortest tour length of the
/// horizon's end, where any tour begun is cut short by it. Network rows (arcs, depots, storage)
/// are never labelled: supply runs to the last period whatever the tours.
pub fn only_at_the_end(m: &Model, kind: &str, first: usize) -> bool {
    if !matches!(kind, "pool" | "max_deployed" | "limit" | "reception") {
        return false;
    }
    let Some(shortest) =
        m.sc.unit_types
            .iter()
            .map(|u| u.tour)
            .filter(|&l| l > 0)
            .min()
    else {
        return false;
    };
    first + shortest >= m.sc.periods
}
