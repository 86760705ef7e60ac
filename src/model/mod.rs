//! Building the LP/MIP of docs/model.md from a scenario.
//!
//! [`build`] makes the tour variables, then calls one function per constraint family, named as
//! in docs/model.md (`pool`, `max_deployed`, `coverage`, `contingent_limits`, `reception` here, the
//! sustainment family in [`sustainment`]). Quantities that several families need (units on the
//! ground, covering, busy) come from small expression helpers, so the choice between the
//! written-out and the aggregated formulation ([`Formulation`]) lives in those helpers only.

mod build;
mod extract;
pub mod hand;
pub mod lp;
pub mod origin;
mod rotation;
pub mod site_supply;
pub mod size;
pub mod stability;
pub mod sustainment;
mod vars;

pub use build::{build, build_with};
pub use extract::extract;
pub use vars::{Formulation, Initial, Model, NetVars, Triple};
