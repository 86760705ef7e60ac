//! rotaplan: plans which nation sends which units where and when, and how they are fed, as one
//! LP/MIP solved by HiGHS. See README.md and SPEC.md.

pub mod diag;
pub mod scenario;
pub mod model;
pub mod solve;
pub mod plan;
pub mod output;
pub mod run;
pub mod generate;
pub mod report;
pub mod bottleneck;
pub mod stability;
pub mod verify;
pub mod batch;
pub mod diff;
