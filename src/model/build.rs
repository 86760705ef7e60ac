//! Building the whole model: the columns first, then one method per constraint family in a
//! fixed order (rows are numbered in that order, which the MPS file and the duals rely on).

use super::lp::Lp;
use super::stability;
use super::sustainment;
use super::vars::{Formulation, Initial, Model};
use crate::planfile::previous::Baseline;
use crate::scenario::{Mode, Scenario};

/// Builds the whole model.
pub fn build(sc: &Scenario, mode: Mode, form: Formulation) -> Model<'_> {
    build_with(sc, mode, form, None, true)
}

/// Builds the model, with plan stability against a previous plan when one is given, and with
/// or without the sustainment families (`network`; without, it is the rotation model alone).
pub fn build_with<'s>(
    sc: &'s Scenario,
    mode: Mode,
    form: Formulation,
    baseline: Option<&Baseline>,
    network: bool,
) -> Model<'s> {
    let roles: Vec<String> = {
        let mut r: Vec<String> = sc
            .requirements
            .iter()
            .map(|r| r.role.clone())
            .chain(sc.unit_types.iter().map(|u| u.role.clone()))
            .collect();
        r.sort();
        r.dedup();
        r
    };
    let mut m = Model {
        sc,
        mode,
        form,
        lp: Lp::new(),
        roles,
        triples: Vec::new(),
        by_offer: vec![Vec::new(); sc.offers.len()],
        started: Vec::new(),
        short: Vec::new(),
        initial: Initial::default(),
        net: None,
        fixed_from: Default::default(),
    };
    m.initial_tours();
    m.tour_variables();
    if form == Formulation::Aggregated {
        m.aggregate_states();
    }
    m.pool();
    m.max_deployed();
    m.coverage();
    m.contingent_limits();
    m.reception();
    if network && sc.network.is_some() {
        sustainment::build(&mut m);
    }
    if let Some(b) = baseline {
        stability::stability(&mut m, b);
    }
    m
}
