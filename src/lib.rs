//! rotaplan: plans which nation sends which units where and when, and how they are fed, as one
//! LP/MIP solved by HiGHS. See README.md, and docs/architecture.md for how the modules layer.
//!
//! Layers, each importing only those below it (docs/architecture.md; tests/layers.rs checks):
//! `cli`, `fuzzing` → `pipeline` → `settings` → `strategy`, `analysis` → `solve` → `model` →
//! `report`, `workbook` → `output` → `plan` → `batch`, `diff`, `verify` → `planfile` →
//! `scenario` → `base`; `generate` stands alone.

pub mod analysis;
pub mod base;
pub mod batch;
pub mod cli;
pub mod diff;
pub mod fuzzing;
pub mod generate;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod planfile;
pub mod report;
pub mod scenario;
pub mod settings;
pub mod solve;
pub mod strategy;
pub mod verify;
pub mod workbook;
