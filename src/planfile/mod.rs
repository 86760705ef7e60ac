//! A written plan read back: the files `solve` wrote (possibly edited by hand in a
//! spreadsheet), for `verify`, `diff` and nightly reruns (`solve --previous`). Reads files and
//! the scenario only, never the model or the solver, so a check built on it is independent of
//! the code that made the plan.

pub mod deployments;
pub mod explanations;
pub mod hand;
pub mod previous;
pub mod read;

use crate::scenario::Scenario;
use chrono::{Duration, NaiveDate};

/// start(t) as `YYYY-MM-DD`, never panicking far outside the calendar.
pub fn day(sc: &Scenario, t: i64) -> String {
    date_of(sc, t).map_or_else(
        || format!("period {t}"),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

/// start(t), or `None` when t lies beyond the calendar.
pub fn date_of(sc: &Scenario, t: i64) -> Option<NaiveDate> {
    let days = t.checked_mul(sc.period_days as i64)?;
    sc.start.checked_add_signed(Duration::try_days(days)?)
}
