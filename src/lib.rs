//! rotaplan: plans which nation sends which units where and when, and how they are fed, as one
//! LP/MIP solved by HiGHS. See README.md and SPEC.md.

pub mod batch;
pub mod bottleneck;
pub mod bound;
pub mod diag;
pub mod diff;
pub mod generate;
pub mod heuristic;
pub mod model;
pub mod output;
pub mod plan;
pub mod report;
pub mod rolling;
pub mod run;
pub mod scenario;
pub mod solve;
pub mod stability;
pub mod summary_text;
pub mod verify;
