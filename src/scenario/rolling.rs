//! The rolling-horizon settings: how many periods are planned at once and how many are
//! committed per window (docs/model.md, "Rolling horizon"). Checked here, at load, because
//! they depend on the tour lengths.

use super::{Mode, Scenario};

/// Periods planned at once, and periods committed per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rolling {
    pub window: usize,
    pub step: usize,
}

/// Checks the settings against the scenario: the step defaults to the longest step that keeps
/// every committed tour inside its window (window − longest tour + 1).
pub fn settle(
    sc: &Scenario,
    mode: Mode,
    window: Option<usize>,
    step: Option<usize>,
) -> Result<Option<Rolling>, String> {
    let Some(window) = window else {
        return match step {
            Some(_) => Err("a rolling step needs a rolling window".to_string()),
            None => Ok(None),
        };
    };
    if mode == Mode::Lp {
        return Err(
            "the rolling horizon commits whole units from one window to the next: it needs mode mip"
                .to_string(),
        );
    }
    let offered = |u: usize| sc.offers.iter().any(|o| o.unit_type == u && o.units > 0);
    let (longest, code) = sc
        .unit_types
        .iter()
        .enumerate()
        .filter(|(u, _)| offered(*u))
        .map(|(_, ut)| (ut.tour, ut.code.as_str()))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)))
        .unwrap_or((1, ""));
    if window < longest {
        return Err(format!(
            "a window of {window} periods is shorter than the longest tour ({longest} periods, unit type {code}): a tour committed in a window must end inside it"
        ));
    }
    let most = window + 1 - longest;
    let step = step.unwrap_or(most);
    if step > most {
        return Err(format!(
            "a step of {step} periods in a window of {window} would commit tours that end after the window (longest tour {longest} periods, unit type {code}): the step may be at most {most}"
        ));
    }
    Ok(Some(Rolling { window, step }))
}
