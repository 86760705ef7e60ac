//! The scenario: everything a planner gives rotaplan, loaded and validated once (docs/model.md#time-and-periods).
//!
//! After [`load`] succeeds every reference is an index, every duration is in periods, and every
//! rule of docs/inputs.md that concerns inputs alone has been checked, so later stages never re-validate.

pub mod ceilings;
mod load;
pub mod rolling;
pub mod table;
pub mod workbook;
pub mod write;

pub use load::{check_initial_tours, limit_matches, load, load_with, LoadOutcome, TABLES, TOML};

use chrono::{Duration, NaiveDate};
use std::path::PathBuf;

/// Where a force element serves; limits and caveats are written per domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Domain {
    Land,
    Air,
    Sea,
}

impl Domain {
    pub const ALL: [Domain; 3] = [Domain::Land, Domain::Air, Domain::Sea];

    pub fn parse(s: &str) -> Option<Domain> {
        match s {
            "land" => Some(Domain::Land),
            "air" => Some(Domain::Air),
            "sea" => Some(Domain::Sea),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Land => "land",
            Domain::Air => "air",
            Domain::Sea => "sea",
        }
    }
}

/// `mip`: tours are whole units; `lp`: the relaxation (fractional units, faster, a lower bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Mip,
    Lp,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "mip" => Some(Mode::Mip),
            "lp" => Some(Mode::Lp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Mip => "mip",
            Mode::Lp => "lp",
        }
    }
}

/// How a MIP is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `rotation-first` for large models with a supply network, `mip` for the others
    /// (docs/performance.md).
    Auto,
    /// HiGHS's branch and bound on the whole model.
    Mip,
    /// The rotation MIP without the network first, then the network LP for those tours: a plan
    /// comes fast at coalition scale, and the gap is measured against a valid bound.
    RotationFirst,
}

impl Strategy {
    pub fn parse(s: &str) -> Option<Strategy> {
        match s {
            "auto" => Some(Strategy::Auto),
            "mip" => Some(Strategy::Mip),
            "rotation-first" => Some(Strategy::RotationFirst),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Auto => "auto",
            Strategy::Mip => "mip",
            Strategy::RotationFirst => "rotation-first",
        }
    }
}

/// Prices of the soft constraints (docs/inputs.md `[penalties]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Penalties {
    /// Per role-unit short per day, times the requirement's priority.
    pub coverage: f64,
    /// Per ton of demand not delivered (a commodity may override it).
    pub sustainment: f64,
    /// Per ton below the days-of-supply level, per day.
    pub days_of_supply: f64,
}

/// Solver settings from `[solver]`; command-line flags override them.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverSettings {
    pub mode: Mode,
    pub time_limit_s: f64,
    pub mip_gap: f64,
    pub threads: u32,
    pub strategy: Strategy,
    /// HiGHS `mip_heuristic_effort` (0..1).
    pub heuristic_effort: f64,
    /// Rolling horizon: periods planned at once (`None`: the whole horizon in one model).
    pub rolling_window: Option<usize>,
    /// Rolling horizon: periods committed per window (`None`: the window less the longest tour).
    pub rolling_step: Option<usize>,
    /// Units of work instead of the time limit (`--effort`; `None`: bounded by time).
    pub effort: Option<f64>,
}

/// A contributing nation and the window in which it may start new tours.
#[derive(Debug, Clone)]
pub struct Nation {
    pub code: String,
    pub name: String,
    pub available_from: Option<NaiveDate>,
    pub available_to: Option<NaiveDate>,
    pub line: usize,
}

/// A kind of unit with its tour rhythm, already turned into periods (docs/model.md#time-and-periods).
#[derive(Debug, Clone)]
pub struct UnitType {
    pub code: String,
    pub domain: Domain,
    pub role: String,
    pub role_value: f64,
    pub troops: u32,
    pub tour_days: f64,
    pub dwell_days: f64,
    pub handover_days: f64,
    /// L: periods on the ground.
    pub tour: usize,
    /// D: periods of dwell at home after the tour.
    pub dwell: usize,
    /// H: first periods of a tour spent in relief in place (not covering).
    pub handover: usize,
    pub line: usize,
}

/// One nation's pool of one unit type.
#[derive(Debug, Clone)]
pub struct Offer {
    pub nation: usize,
    pub unit_type: usize,
    pub units: u32,
    pub max_deployed: Option<u32>,
    pub cost_per_day: f64,
    pub cost_per_tour: f64,
    pub line: usize,
}

/// A place where forces are needed.
#[derive(Debug, Clone)]
pub struct Site {
    pub code: String,
    pub name: String,
    pub zone: String,
    /// Supply-network node that feeds the site (only with nodes.csv).
    pub node: Option<usize>,
    /// Node where the site's troops arrive and leave (only with nodes.csv).
    pub reception: Option<usize>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub line: usize,
}

/// A demand for role-units at a site, active between `from` and `to`.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub site: usize,
    pub role: String,
    pub required: f64,
    pub priority: f64,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub line: usize,
}

/// A contingent limit or caveat; `None` fields are the `*` wildcard.
#[derive(Debug, Clone)]
pub struct Limit {
    pub nation: Option<usize>,
    pub zone: Option<String>,
    pub domain: Option<Domain>,
    pub max_troops: f64,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub line: usize,
}

/// Where a tour under way at `start` was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TourSource {
    /// deployed.csv
    Deployed,
    /// deployments.csv of the previous plan (`solve --previous`)
    Previous,
    /// committed by an earlier window of a rolling-horizon solve (never read from a file)
    Planned,
}

impl TourSource {
    pub fn file(self) -> &'static str {
        match self {
            TourSource::Deployed => "deployed.csv",
            TourSource::Previous => "the previous plan's deployments.csv",
            TourSource::Planned => "an earlier window of the rolling horizon",
        }
    }
}

/// Units already on tour at `start`, begun in period `start_period` (< 0).
#[derive(Debug, Clone)]
pub struct InitialTour {
    pub nation: usize,
    pub unit_type: usize,
    pub site: usize,
    pub arrived: NaiveDate,
    pub start_period: i64,
    pub units: u32,
    pub line: usize,
    pub source: TourSource,
}

/// Plan stability for nightly reruns (`[stability]`, used with `solve --previous`).
#[derive(Debug, Clone, PartialEq)]
pub struct Stability {
    /// Tours the previous plan begins within this many days of `start` are published: kept as they are.
    pub freeze_days: f64,
    /// Cost of each tour added, removed or moved relative to the previous plan.
    pub change_penalty: f64,
}

/// What `solve` writes besides the CSV files (`[output]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutputSettings {
    /// Also write the plan as one workbook, plan.xlsx (`solve --xlsx` sets it too).
    pub xlsx: bool,
}

/// Kinds of supply-network node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Depot,
    Port,
    Airfield,
    RailHead,
    Hub,
    Site,
}

impl NodeKind {
    pub fn parse(s: &str) -> Option<NodeKind> {
        Some(match s {
            "depot" => NodeKind::Depot,
            "port" => NodeKind::Port,
            "airfield" => NodeKind::Airfield,
            "rail_head" => NodeKind::RailHead,
            "hub" => NodeKind::Hub,
            "site" => NodeKind::Site,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub code: String,
    pub kind: NodeKind,
    pub country: String,
    pub storage_tons: f64,
    /// Troops a day that may arrive plus leave; `None` = unlimited.
    pub pax_per_day: Option<f64>,
    pub line: usize,
}

/// A directed arc (a bidirectional row of arcs.csv becomes two of these).
#[derive(Debug, Clone)]
pub struct Arc {
    pub from: usize,
    pub to: usize,
    pub mode: String,
    pub capacity_tons_per_day: f64,
    pub cost_per_ton: f64,
    pub transit_days: f64,
    /// λ: periods between sending and arrival (transit rounds down).
    pub lag: usize,
    pub available_from: Option<NaiveDate>,
    pub available_to: Option<NaiveDate>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Supply {
    pub node: usize,
    pub commodity: usize,
    pub tons_per_day: f64,
    pub cost_per_ton: f64,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Consumption {
    pub unit_type: usize,
    pub commodity: usize,
    pub tons_per_day: f64,
    pub line: usize,
}

/// A supply class; those named only in other tables get the defaults.
#[derive(Debug, Clone)]
pub struct Commodity {
    pub code: String,
    pub days_of_supply: f64,
    pub shortfall_penalty: f64,
}

/// Tons sent before `start` that arrive at `node` in `period` (≥ 0): only a rolling-horizon
/// window has these, carried over from the window before it; a scenario read from files has none
/// (nothing is in transit at `start`, docs/model.md#flows).
#[derive(Debug, Clone)]
pub struct InTransit {
    pub node: usize,
    pub commodity: usize,
    pub period: usize,
    pub tons: f64,
}

#[derive(Debug, Clone)]
pub struct InitialStock {
    pub node: usize,
    pub commodity: usize,
    pub tons: f64,
    pub line: usize,
}

/// The supply network, present when nodes.csv is.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub nodes: Vec<Node>,
    pub arcs: Vec<Arc>,
    pub supply: Vec<Supply>,
    pub consumption: Vec<Consumption>,
    pub commodities: Vec<Commodity>,
    pub initial_stocks: Vec<InitialStock>,
    /// Arrivals already on their way at `start` (rolling-horizon windows only).
    pub in_transit: Vec<InTransit>,
}

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub dir: PathBuf,
    pub name: String,
    pub description: String,
    pub start: NaiveDate,
    pub periods: usize,
    pub period_days: u32,
    pub penalties: Penalties,
    pub solver: SolverSettings,
    pub stability: Stability,
    pub output: OutputSettings,
    pub nations: Vec<Nation>,
    pub unit_types: Vec<UnitType>,
    pub offers: Vec<Offer>,
    pub sites: Vec<Site>,
    pub requirements: Vec<Requirement>,
    pub limits: Vec<Limit>,
    pub deployed: Vec<InitialTour>,
    pub network: Option<Network>,
    /// SHA-256 over scenario.toml and each present table (docs/outputs.md#how-files-are-written), hex.
    pub input_hash: String,
}

/// Days to periods, rounding up and ignoring float noise below 1e-9 (docs/model.md#time-and-periods).
pub fn periods_up(days: f64, period_days: u32) -> usize {
    let p = days / period_days as f64;
    (p - 1e-9).ceil().max(0.0) as usize
}

/// Days to periods, rounding down and ignoring float noise below 1e-9 (transit, docs/model.md#time-and-periods).
pub fn periods_down(days: f64, period_days: u32) -> usize {
    let p = days / period_days as f64;
    (p + 1e-9).floor().max(0.0) as usize
}

impl Scenario {
    /// start(t): the first day of period t (t may be negative or beyond the horizon).
    pub fn period_start(&self, t: i64) -> NaiveDate {
        self.start + Duration::days(t * self.period_days as i64)
    }

    /// The period a date falls in, floored also before `start` (docs/model.md#time-and-periods).
    pub fn period_of(&self, d: NaiveDate) -> i64 {
        (d - self.start)
            .num_days()
            .div_euclid(self.period_days as i64)
    }

    /// Whether a `from`/`to` window is active in period t: `from ≤ start(t) ≤ to` (docs/model.md#time-and-periods).
    pub fn active(&self, from: Option<NaiveDate>, to: Option<NaiveDate>, t: i64) -> bool {
        let s = self.period_start(t);
        from.is_none_or(|f| f <= s) && to.is_none_or(|e| s <= e)
    }

    /// Whether nation n may have a new tour on the ground in period t.
    pub fn nation_available(&self, n: usize, t: i64) -> bool {
        let nat = &self.nations[n];
        self.active(nat.available_from, nat.available_to, t)
    }

    pub fn offer_of(&self, nation: usize, unit_type: usize) -> Option<&Offer> {
        self.offers
            .iter()
            .find(|o| o.nation == nation && o.unit_type == unit_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_ignores_float_noise() {
        assert_eq!(periods_up(182.0000000001, 7), 26);
        assert_eq!(periods_up(182.5, 7), 27);
        assert_eq!(periods_up(0.0, 7), 0);
        assert_eq!(periods_up(1.0, 7), 1);
        assert_eq!(periods_down(6.9, 7), 0);
        assert_eq!(periods_down(13.9999999999, 7), 2);
        assert_eq!(periods_down(14.0, 7), 2);
    }
}
