//! Variants of a scenario for batch work: the variants file, the sweeps
//! (`--each-nation-withdraws`, `--each-arc-fails`) and applying a variant's overrides to a loaded
//! scenario. The `batch` command that solves them lives in `cli::batch`.

pub mod variants;
