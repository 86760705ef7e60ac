//! What every layer above may use: diagnostics, the error type, progress, signals, the cores a
//! run may use and the text of numbers and CSV cells. Imports nothing else of rotaplan.

pub mod budget;
pub mod cellsafe;
pub mod cores;
pub mod diag;
pub mod effort;
pub mod error;
pub mod inputlimits;
pub mod number;
pub mod outdir;
pub mod progress;
pub mod signal;
pub mod text;

pub use error::Error;
