//! The effort limit (`--effort N`): a run bounded by the solver's own work (restricted MIPs,
//! branch-and-bound nodes, LP iterations, what-if re-solves) instead of seconds, so that the same
//! inputs give the same plan however busy the machine is. What one unit buys, and the
//! measurements behind it: docs/performance.md#effort.
//!
//! Under an effort every step that divides the time limit by shares (`base::budget`) counts work
//! instead; the time limit stays as a safety stop only. When it fires first, the run notes it
//! here ([`Effort::note_time_stop`]) and the plan is reported as not reproducible.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Restricted MIPs of the rotation search per unit (the first near the relaxation, then the
/// large-neighbourhood blocks).
pub const RESTRICTED_MIPS_PER_UNIT: f64 = 25.0;
/// Branch-and-bound nodes each restricted MIP may explore (HiGHS `mip_max_nodes`), whatever the
/// effort: a neighbourhood is small, and more effort buys more neighbourhoods, not deeper ones.
pub const RESTRICTED_MIP_NODES: u32 = 1_000;
/// Restricted MIPs of the search with sustainment-raised tour costs, per unit.
pub const SUSTAINMENT_MIPS_PER_UNIT: f64 = 10.0;
/// Nodes per unit for HiGHS's branch and bound on a whole model (strategy `mip`, what-if
/// re-solves).
pub const WHOLE_MIP_NODES_PER_UNIT: f64 = 5_000.0;
/// Nodes per unit for the last step of the rotation search, the whole rotation MIP from the
/// best plan, run under an effort only up to [`LAST_MIP_UP_TO_NONZEROS`]: with presolve off its
/// root alone (LP, cuts, heuristics) took minutes at coalition size (docs/performance.md#effort).
pub const LAST_MIP_NODES_PER_UNIT: f64 = 200.0;
pub const LAST_MIP_UP_TO_NONZEROS: usize = 1_000_000;
/// Simplex iterations per unit for an LP relaxation (the rotation relaxation, the sustainment
/// bound's, the bottleneck step's); interior-point iterations per unit likewise.
pub const SIMPLEX_ITERATIONS_PER_UNIT: f64 = 400_000.0;
pub const IPM_ITERATIONS_PER_UNIT: f64 = 400.0;
/// The sustainment bound needs a second rotation relaxation: tried under an effort when the
/// first was solved by simplex (small), or by interior point (large) from this many units on.
pub const SLOW_RELAXATION_AGAIN_FROM_UNITS: f64 = 2.0;
/// Iterations of the Lagrangian bound per unit (when the rotation relaxation did not finish).
pub const LAGRANGE_ITERATIONS_PER_UNIT: f64 = 200.0;
/// What-if re-solves of the explanations per unit.
pub const WHAT_IFS_PER_UNIT: f64 = 3.0;

/// A run's effort: how many units, the time limit as a safety deadline, and whether that
/// deadline stopped any step (shared by every copy, so one note marks the whole run).
#[derive(Debug, Clone)]
pub struct Effort {
    pub units: f64,
    deadline: Instant,
    time_stopped: Arc<AtomicBool>,
}

impl Effort {
    /// `units` of effort, with `safety_s` seconds from now as the safety stop.
    pub fn new(units: f64, safety_s: f64) -> Effort {
        Effort {
            units,
            deadline: Instant::now() + Duration::from_secs_f64(safety_s.clamp(0.0, 1e9)),
            time_stopped: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A share of this effort (a rolling-horizon window's), with the same deadline and note.
    pub fn share(&self, fraction: f64) -> Effort {
        Effort {
            units: self.units * fraction,
            ..self.clone()
        }
    }

    /// `per_unit × units`, rounded, at least 1: a count of restricted MIPs, nodes or re-solves.
    pub fn count(&self, per_unit: f64) -> u64 {
        (self.units * per_unit).round().max(1.0) as u64
    }

    /// [`count`](Self::count) as HiGHS takes it (an `int` option).
    pub fn highs_count(&self, per_unit: f64) -> i32 {
        self.count(per_unit).min(i32::MAX as u64) as i32
    }

    /// Seconds left before the safety stop (at least 0.1: HiGHS wants a positive limit).
    pub fn seconds_left(&self) -> f64 {
        self.deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
            .max(0.1)
    }

    /// The safety stop.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the safety stop has passed.
    pub fn past_deadline(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// A step was cut short by the time limit, not by its work: the plan may differ next time.
    pub fn note_time_stop(&self) {
        self.time_stopped.store(true, Ordering::Relaxed);
    }

    pub fn time_stopped(&self) -> bool {
        self.time_stopped.load(Ordering::Relaxed)
    }
}

/// Work limits of one solver call (HiGHS `simplex_iteration_limit`, `ipm_iteration_limit`,
/// `mip_max_nodes`); `None`: only the time limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkLimits {
    pub simplex_iterations: Option<i32>,
    pub ipm_iterations: Option<i32>,
    pub mip_nodes: Option<i32>,
}

impl WorkLimits {
    /// The limits of an LP relaxation under `effort`.
    pub fn relaxation(effort: &Effort) -> WorkLimits {
        WorkLimits {
            simplex_iterations: Some(effort.highs_count(SIMPLEX_ITERATIONS_PER_UNIT)),
            ipm_iterations: Some(effort.highs_count(IPM_ITERATIONS_PER_UNIT)),
            mip_nodes: None,
        }
    }

    /// A node limit alone.
    pub fn nodes(n: i32) -> WorkLimits {
        WorkLimits {
            mip_nodes: Some(n),
            ..WorkLimits::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_scale_with_units_and_never_reach_zero() {
        let e = Effort::new(0.5, 10.0);
        // 0.5 × 25 = 12.5 → 13 restricted MIPs (rounded half away from zero); 0.5 × 3 = 1.5 → 2
        // what-ifs; 0.001 × 25 = 0.025 → at least 1.
        assert_eq!(e.count(RESTRICTED_MIPS_PER_UNIT), 13);
        assert_eq!(e.count(WHAT_IFS_PER_UNIT), 2);
        assert_eq!(Effort::new(0.001, 10.0).count(RESTRICTED_MIPS_PER_UNIT), 1);
        // A window's share keeps the note: a time stop in a window marks the whole run.
        let w = e.share(0.5);
        // 0.25 × 25 = 6.25 → 6.
        assert_eq!(w.count(RESTRICTED_MIPS_PER_UNIT), 6);
        assert!(!e.time_stopped());
        w.note_time_stop();
        assert!(e.time_stopped());
        assert!(Effort::new(1.0, 1e12).highs_count(1e12) == i32::MAX);
    }
}
