//! What a solved plan means beyond its numbers: which inputs bind it and what relaxing them is
//! worth (bottlenecks). Runs after the strategy, on the model and the solution.

pub mod ask;
pub mod bottleneck;
pub mod conflict;
pub mod explain;
pub mod horizon;
