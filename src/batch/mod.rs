//! Variants of a scenario for batch work: the variants file, the sweeps
//! (`--each-nation-withdraws`, `--each-arc-fails`) and applying a variant's overrides to a loaded
//! scenario. The `batch` command that solves them lives in `cli::batch`.

pub mod variants;

/// Columns of batch_summary.csv (and of each shard's summary).
pub const COLUMNS: [&str; 22] = [
    "variant",
    "status",
    "exit_code",
    "objective",
    "objective_vs_base",
    "coverage_penalty",
    "deployment_cost",
    "tour_cost",
    "transport_cost",
    "supply_cost",
    "sustainment_penalty",
    "days_of_supply_penalty",
    "gap",
    "shortfall_role_unit_periods",
    "unmet_tons",
    "peak_troops",
    "top_bottleneck",
    "top_bottleneck_value",
    "solve_s",
    "wall_s",
    "overrides",
    "message",
];
