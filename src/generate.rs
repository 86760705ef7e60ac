//! `rotaplan generate`: writes a synthetic but plausible coalition scenario of any size.
//!
//! The generator exists for demos, tests and benchmarks. From five counts and a seed it produces
//! `scenario.toml` and every CSV table of docs/inputs.md with the shape of a real rotation problem: mixed
//! domains, roles shared by several unit types, nations joining late or leaving early, caveats, a
//! coalition troop cap, tours already under way, and a layered supply network (depots → hubs →
//! reception points → site nodes) with a port, airlift and a seasonal arc.
//!
//! It depends on the standard library only and carries its own PRNG (splitmix64), and all
//! arithmetic that reaches a file is either integer or rounded to a few decimals, so the same
//! parameters give byte-identical files on every platform and toolchain.
//!
//! Validity (docs/inputs.md) is kept by construction: unique codes, `*` only in limits.csv, handover <
//! tour, initial tours well inside their pools, max_deployed, limits, caveats and reception
//! capacity, initial stocks within storage, every site node reachable from a depot without relying
//! on a windowed arc, no self-loops or duplicate (from, to, mode) arcs, plain decimal numbers.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Parameters of `rotaplan generate`.
#[derive(Debug, Clone)]
pub struct GenParams {
    pub nations: usize,
    pub sites: usize,
    pub unit_types: usize,
    pub periods: usize,
    pub nodes: usize,
    pub seed: u64,
}

/// Upper bound on every count: far beyond any real force, it keeps a typo (an extra zero or two)
/// from filling a disk.
const MAX_COUNT: usize = 100_000;
/// Upper bound on periods: 100 years of weeks keeps every date a plain four-digit year.
const MAX_PERIODS: usize = 5_200;
/// Period length in days; generated scenarios plan in weeks.
const PERIOD_DAYS: i64 = 7;
/// Start of the horizon, 2027-01-04 (a Monday, so periods are calendar weeks).
const START_YMD: (i64, u32, u32) = (2027, 1, 4);

/// Supply classes: (name, days_of_supply, shortfall_penalty, consumption in 1e-4 t per person per
/// day). Per-person factors keep consumption proportional to troops and exact in four decimals.
const COMMODITIES: [(&str, u64, Option<u64>, u64); 4] = [
    ("rations", 5, None, 25),
    ("water", 3, None, 230),
    ("fuel", 7, Some(1500), 270),
    ("ammo", 10, Some(2500), 10),
];

/// Role catalogue: (role, domain, primary unit type, secondary unit type). The secondary type fills
/// the same role at role_value 0.5, as a company does for a battalion. Mostly land, as real
/// contributions are; cycled with a numeric suffix when more roles are asked for.
const ROLE_CATALOGUE: [(&str, &str, &str, &str); 16] = [
    ("maneuver", "land", "mech_inf_bn", "light_inf_coy"),
    ("recce", "land", "recce_sqn", "recce_tp"),
    ("air_defence", "land", "gbad_bty", "shorad_pl"),
    ("air_policing", "air", "fighter_det", "fighter_pair"),
    ("engineer", "land", "engr_coy", "eod_team"),
    ("medical", "land", "role2_hosp", "med_pl"),
    ("maritime_patrol", "sea", "frigate", "patrol_boat"),
    ("fires", "land", "arty_bty", "mortar_pl"),
    ("isr", "air", "uav_det", "isr_flight"),
    ("logistics", "land", "log_bn", "transport_coy"),
    ("cbrn", "land", "cbrn_coy", "cbrn_pl"),
    ("mine_countermeasures", "sea", "mcm_group", "mcm_vessel"),
    ("signals", "land", "sig_coy", "sig_det"),
    ("military_police", "land", "mp_coy", "mp_pl"),
    ("aviation", "air", "helo_sqn", "helo_flight"),
    ("civil_military", "land", "cimic_coy", "cimic_team"),
];

/// Validates parameters: returns Err(message) e.g. when nations == 0, sites == 0, unit_types == 0,
/// periods == 0, or nodes < sites + 3 (a network needs depots and hubs besides the site nodes).
pub fn validate_params(p: &GenParams) -> Result<(), String> {
    for (name, v) in [
        ("nations", p.nations),
        ("sites", p.sites),
        ("unit_types", p.unit_types),
        ("periods", p.periods),
        ("nodes", p.nodes),
    ] {
        if v == 0 {
            return Err(format!("{name} must be at least 1"));
        }
        if v > MAX_COUNT {
            return Err(format!("{name} = {v} is too large (at most {MAX_COUNT})"));
        }
    }
    if p.periods > MAX_PERIODS {
        return Err(format!(
            "periods = {} is too large (at most {MAX_PERIODS})",
            p.periods
        ));
    }
    if p.nodes < p.sites + 3 {
        return Err(format!(
            "nodes = {} is too small for {} sites: need at least sites + 3 = {} \
             (one node per site plus at least a depot, a hub and a reception airfield)",
            p.nodes,
            p.sites,
            p.sites + 3
        ));
    }
    Ok(())
}

/// Writes a valid synthetic scenario directory (scenario.toml + every CSV table of docs/inputs.md) into
/// `out` (created if missing; existing files overwritten).
pub fn generate(out: &Path, p: &GenParams) -> io::Result<()> {
    validate_params(p).map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
    let files = render(&build(p));
    std::fs::create_dir_all(out)?;
    for (name, text) in files {
        std::fs::write(out.join(name), text)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PRNG

/// splitmix64: tiny, fast, and fully specified, so streams never change with a dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // Mix the seed once so that nearby seeds (1, 2, 3) start far apart.
        let mut r = Rng(seed ^ 0x005E_ED0F_C0A1_1710);
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0); the multiply-shift bias is below 2^-40 for our sizes.
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform integer in lo..=hi.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as usize) as u64
    }

    /// Uniform in [0, 1) with 53 random bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// `k` distinct indices from 0..n (partial Fisher–Yates), in drawing order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            idx.swap(i, j);
        }
        idx.truncate(k);
        idx
    }
}

// ---------------------------------------------------------------------------------------------
// Scenario model (kept in memory so tests can check invariants without parsing CSV)

/// An activity window in periods: active in `from..to` (`to` exclusive); `None` is unbounded.
/// Written as from = start(from), to = start(to) − 1 day, so each bound is exact (docs/model.md#time-and-periods).
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    from: Option<usize>,
    to: Option<usize>,
}

struct Nation {
    code: String,
    name: String,
    avail: Window,
}

struct UnitType {
    code: String,
    domain: &'static str,
    role: usize,
    /// role_value 0.5 (a secondary type) instead of 1.
    half: bool,
    troops: u64,
    tour_days: u64,
    dwell_days: u64,
    handover_days: u64,
}

impl UnitType {
    fn l(&self) -> u64 {
        ceil_div(self.tour_days, PERIOD_DAYS as u64)
    }
    fn d(&self) -> u64 {
        ceil_div(self.dwell_days, PERIOD_DAYS as u64)
    }
    fn h(&self) -> u64 {
        ceil_div(self.handover_days, PERIOD_DAYS as u64)
    }
    fn value(&self) -> f64 {
        if self.half {
            0.5
        } else {
            1.0
        }
    }
}

struct Offer {
    units: u64,
    max_deployed: Option<u64>,
    cost_per_day: u64,
    cost_per_tour: u64,
}

struct Site {
    code: String,
    name: String,
    zone: usize,
    node: usize,
    reception: usize,
    lat: f64,
    lon: f64,
}

struct Requirement {
    site: usize,
    role: usize,
    required: u64,
    priority: u64,
    window: Window,
}

struct Limit {
    nation: Option<usize>,
    zone: Option<usize>,
    domain: Option<&'static str>,
    max_troops: u64,
    window: Window,
}

struct Deployed {
    nation: usize,
    unit_type: usize,
    site: usize,
    /// Days relative to `start`, always negative.
    arrived: i64,
    units: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Depot,
    Port,
    Hub,
    Airfield,
    RailHead,
    Site,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Depot => "depot",
            Kind::Port => "port",
            Kind::Hub => "hub",
            Kind::Airfield => "airfield",
            Kind::RailHead => "rail_head",
            Kind::Site => "site",
        }
    }
}

struct Node {
    code: String,
    kind: Kind,
    country: String,
    storage: u64,
    pax: Option<u64>,
    lat: f64,
    lon: f64,
}

struct Arc {
    from: usize,
    to: usize,
    mode: &'static str,
    capacity: u64,
    cost: u64,
    transit: u64,
    bidirectional: bool,
    window: Window,
}

struct Scenario {
    p: GenParams,
    zones: Vec<String>,
    roles: Vec<String>,
    nations: Vec<Nation>,
    unit_types: Vec<UnitType>,
    /// Keyed by (nation, unit type) so offers.csv comes out sorted.
    offers: BTreeMap<(usize, usize), Offer>,
    sites: Vec<Site>,
    requirements: Vec<Requirement>,
    limits: Vec<Limit>,
    deployed: Vec<Deployed>,
    nodes: Vec<Node>,
    arcs: Vec<Arc>,
    /// (depot node, commodity, tons_per_day, cost_per_ton).
    supply: Vec<(usize, usize, u64, u64)>,
    /// (node, commodity, tons in tenths).
    stocks: Vec<(usize, usize, u64)>,
}

// ---------------------------------------------------------------------------------------------
// Building

fn build(p: &GenParams) -> Scenario {
    let mut rng = Rng::new(p.seed);
    let t = p.periods;

    // Roles and unit types: about one role per 1.5 unit types; the first roles get a second,
    // half-value unit type, so several types compete for the same requirement.
    let n_roles = (2 * p.unit_types).div_ceil(3);
    let n_secondary = p.unit_types - n_roles;
    let mut roles = Vec::with_capacity(n_roles);
    let mut unit_types = Vec::with_capacity(p.unit_types);
    let mut primary_of_role = Vec::with_capacity(n_roles);
    let mut types_of_role: Vec<Vec<usize>> = vec![Vec::new(); n_roles];
    for r in 0..n_roles {
        let (role, domain, prim, sec) = ROLE_CATALOGUE[r % ROLE_CATALOGUE.len()];
        let cycle = r / ROLE_CATALOGUE.len();
        let suffix = if cycle == 0 {
            String::new()
        } else {
            format!("_{}", cycle + 1)
        };
        roles.push(format!("{role}{suffix}"));
        primary_of_role.push(unit_types.len());
        let mut push = |code: String, half: bool, troops: u64, rng: &mut Rng| {
            let tour_days = rng.range(120, 182);
            let handover_days = if rng.chance(0.5) { 7 } else { 14 };
            types_of_role[r].push(unit_types.len());
            unit_types.push(UnitType {
                code,
                domain,
                role: r,
                half,
                troops,
                tour_days,
                dwell_days: rng.range(240, 400),
                handover_days,
            });
        };
        let troops = rng.range(30, 90) * 10;
        push(format!("{prim}{suffix}"), false, troops, &mut rng);
        if r < n_secondary {
            // Half the role value, about half the troops (never below 150).
            let troops = rng.range(15, (troops / 20).max(15)) * 10;
            push(format!("{sec}{suffix}"), true, troops, &mut rng);
        }
    }

    // Nations: with enough of them and of the horizon, one joins after 10 % and one leaves at 80 %.
    let nw = width(p.nations);
    let mut nations: Vec<Nation> = (1..=p.nations)
        .map(|i| Nation {
            code: format!("N{i:0nw$}"),
            name: format!("Nation {i:0nw$}"),
            avail: Window::default(),
        })
        .collect();
    let mut windowed = BTreeSet::new();
    if p.nations >= 3 && t >= 5 {
        let pick = rng.sample(p.nations, 2);
        nations[pick[0]].avail.from = Some((t / 10).max(1));
        nations[pick[1]].avail.to = Some(4 * t / 5);
        windowed.extend(pick);
    }

    // Zones and sites: contiguous blocks of sites form ~sites/6 zones (at least 2 when possible).
    let n_zones = p.sites.min((p.sites / 6).max(2));
    let zw = width(n_zones);
    let zones: Vec<String> = (1..=n_zones).map(|i| format!("Z{i:0zw$}")).collect();

    // Node layout: depots, a port, hubs, reception points (airfields and rail heads), site nodes.
    let m = p.nodes - p.sites;
    let n_depots = if m >= 5 { (2 + (m - 5) / 10).min(4) } else { 1 };
    let n_ports = usize::from(m >= 4);
    let rest = m - n_depots - n_ports;
    let n_hubs = (rest / 3).max(1);
    let n_rec = rest - n_hubs;
    let n_air = n_rec.div_ceil(2);
    let n_rail = n_rec - n_air;

    let mut nodes: Vec<Node> = Vec::with_capacity(p.nodes);
    let add_nodes = |nodes: &mut Vec<Node>, rng: &mut Rng, prefix: &str, kind: Kind, n: usize| {
        let w = width(n);
        let first = nodes.len();
        for i in 1..=n {
            let (lat, lon, country) = if kind == Kind::Depot {
                // Home-base depots lie west of the theatre, in contributing nations.
                let c = nations[(i - 1) % nations.len()].code.clone();
                (rng.uniform(48.0, 54.0), rng.uniform(2.0, 15.0), c)
            } else {
                (
                    rng.uniform(53.5, 59.5),
                    rng.uniform(20.5, 28.5),
                    "HOST".to_string(),
                )
            };
            nodes.push(Node {
                code: format!("{prefix}{i:0w$}"),
                kind,
                country,
                storage: 0,
                pax: None,
                lat,
                lon,
            });
        }
        first..nodes.len()
    };
    let depots = add_nodes(&mut nodes, &mut rng, "DEP", Kind::Depot, n_depots);
    let ports = add_nodes(&mut nodes, &mut rng, "PORT", Kind::Port, n_ports);
    let hubs = add_nodes(&mut nodes, &mut rng, "HUB", Kind::Hub, n_hubs);
    let airfields = add_nodes(&mut nodes, &mut rng, "APT", Kind::Airfield, n_air);
    let railheads = add_nodes(&mut nodes, &mut rng, "RLH", Kind::RailHead, n_rail);
    let site_nodes = add_nodes(&mut nodes, &mut rng, "FOB", Kind::Site, p.sites);
    let receptions: Vec<usize> = airfields.clone().chain(railheads.clone()).collect();

    // Sites: every reception point serves at least one site when there are enough sites.
    let sw = width(p.sites);
    let sites: Vec<Site> = (0..p.sites)
        .map(|i| {
            let node = site_nodes.start + i;
            let reception = if i < receptions.len() {
                receptions[i]
            } else {
                receptions[rng.below(receptions.len())]
            };
            Site {
                code: format!("S{:0sw$}", i + 1),
                name: format!("Site {:0sw$}", i + 1),
                zone: i * n_zones / p.sites,
                node,
                reception,
                lat: nodes[node].lat,
                lon: nodes[node].lon,
            }
        })
        .collect();

    // Requirements: 1–2 roles per site, some windowed, some sites with an extra surge row.
    let mut requirements = Vec::new();
    for s in 0..p.sites {
        let mut site_roles = vec![rng.below(n_roles)];
        if n_roles >= 2 && rng.chance(0.5) {
            let r2 = (site_roles[0] + 1 + rng.below(n_roles - 1)) % n_roles;
            site_roles.push(r2);
        }
        for &role in &site_roles {
            let window = if rng.chance(0.15) {
                random_window(&mut rng, t)
            } else {
                Window::default()
            };
            requirements.push(Requirement {
                site: s,
                role,
                required: rng.range(1, 4),
                priority: rng.range(1, 3),
                window,
            });
        }
        if rng.chance(0.2) {
            // A surge on top of the steady requirement: repeated rows add up (docs/model.md#coverage).
            requirements.push(Requirement {
                site: s,
                role: site_roles[0],
                required: rng.range(1, 2),
                priority: 1,
                window: random_window(&mut rng, t),
            });
        }
    }
    let mut sites_of_role: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n_roles];
    let mut role_units = vec![0u64; n_roles];
    // Peak troops a site could need (windows ignored: an upper bound used for sizing only).
    let mut site_troops = vec![0u64; p.sites];
    for r in &requirements {
        sites_of_role[r.role].insert(r.site);
        role_units[r.role] += r.required;
        site_troops[r.site] += r.required * unit_types[primary_of_role[r.role]].troops;
    }
    let required_troops: u64 = site_troops.iter().sum();

    // Offers: every unit type has two offering nations (when there are two), then each nation
    // fills up to 2–4 types.
    let mut offered: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); p.nations];
    for u in 0..p.unit_types {
        offered[u % p.nations].insert(u);
        if p.nations >= 2 {
            offered[(u + p.nations / 2) % p.nations].insert(u);
        }
    }
    for set in offered.iter_mut() {
        let target = (rng.range(2, 4) as usize).min(p.unit_types);
        while set.len() < target {
            set.insert(rng.below(p.unit_types));
        }
    }
    let mut offerers: Vec<Vec<usize>> = vec![Vec::new(); p.unit_types];
    for (n, set) in offered.iter().enumerate() {
        for &u in set {
            offerers[u].push(n);
        }
    }
    // Pools: a steady requirement of R role-units needs R·(L+D)/(L−H) units; the primary type
    // carries 70 % of its role when a secondary exists; 15 % slack for windows and caveats.
    let mut offers = BTreeMap::new();
    for (u, ut) in unit_types.iter().enumerate() {
        let share = match (types_of_role[ut.role].len(), ut.half) {
            (1, _) => 1.0,
            (_, false) => 0.7,
            (_, true) => 0.3,
        };
        let cycle = (ut.l() + ut.d()) as f64 / (ut.l() - ut.h()) as f64;
        let need = share * role_units[ut.role] as f64 * cycle / ut.value() * 1.15;
        let weights: Vec<f64> = offerers[u].iter().map(|_| rng.uniform(1.0, 3.0)).collect();
        let total_w: f64 = weights.iter().sum();
        for (&n, w) in offerers[u].iter().zip(&weights) {
            let units = ((need * w / total_w).ceil() as u64).max(1);
            let max_deployed = if units >= 2 && rng.chance(0.25) {
                Some((units * rng.range(30, 60) / 100).max(1))
            } else {
                None
            };
            let cost_per_day = (ut.troops * rng.range(4, 7)).clamp(1000, 5000) / 10 * 10;
            let cost_per_tour = rng.range(50, 200) * 1000;
            offers.insert(
                (n, u),
                Offer {
                    units,
                    max_deployed,
                    cost_per_day,
                    cost_per_tour,
                },
            );
        }
    }
    // One offer withdrawn (units 0) where the type has other providers: a valid, prunable row.
    if p.nations >= 4 {
        let u = rng.below(p.unit_types);
        if offerers[u].len() >= 3 {
            let n = offerers[u][rng.below(offerers[u].len())];
            if let Some(o) = offers.get_mut(&(n, u)) {
                o.units = 0;
                o.max_deployed = None;
            }
        }
    }

    // Caveats: 2–3 nations (1 with few nations) accept no land troops in one zone.
    let mut limits = Vec::new();
    let mut caveats: BTreeSet<(usize, usize)> = BTreeSet::new();
    if n_zones >= 2 && p.nations >= 2 {
        let k = if p.nations >= 4 {
            rng.range(2, 3) as usize
        } else {
            1
        };
        for n in rng.sample(p.nations, k) {
            let z = rng.below(n_zones);
            caveats.insert((n, z));
            limits.push(Limit {
                nation: Some(n),
                zone: Some(z),
                domain: Some("land"),
                max_troops: 0,
                window: Window::default(),
            });
        }
    }

    // Initial tours: a few units from always-available nations, never in a caveated zone,
    // arrived 1–10 weeks before start (a random weekday, so `arrived` is floored to a period).
    let n_deployed = (2 + p.sites / 15).min(8);
    let live: Vec<(usize, usize)> = offers
        .iter()
        .filter(|(&(n, u), o)| {
            o.units > 0 && !windowed.contains(&n) && !sites_of_role[unit_types[u].role].is_empty()
        })
        .map(|(&k, _)| k)
        .collect();
    let mut deployed: Vec<Deployed> = Vec::new();
    let mut used = BTreeSet::new();
    for _ in 0..50 * n_deployed {
        if deployed.len() >= n_deployed || live.is_empty() {
            break;
        }
        let (n, u) = live[rng.below(live.len())];
        let cands = &sites_of_role[unit_types[u].role];
        let Some(&s) = cands.iter().nth(rng.below(cands.len())) else {
            continue;
        };
        if caveats.contains(&(n, sites[s].zone)) || !used.insert((n, u, s)) {
            continue;
        }
        let weeks = rng.range(1, 10) as i64;
        let arrived = -PERIOD_DAYS * weeks + rng.range(0, 6) as i64;
        let units = if rng.chance(0.25) { 2 } else { 1 };
        deployed.push(Deployed {
            nation: n,
            unit_type: u,
            site: s,
            arrived,
            units,
        });
    }
    // Pools hold every unit on the ground at start plus one; max_deployed never below them.
    let mut init_units: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut init_troops_nation = vec![0u64; p.nations];
    let mut init_troops_reception: BTreeMap<usize, u64> = BTreeMap::new();
    for d in &deployed {
        let troops = d.units * unit_types[d.unit_type].troops;
        *init_units.entry((d.nation, d.unit_type)).or_default() += d.units;
        init_troops_nation[d.nation] += troops;
        *init_troops_reception
            .entry(sites[d.site].reception)
            .or_default() += troops;
    }
    for (k, &units) in &init_units {
        if let Some(o) = offers.get_mut(k) {
            o.units = o.units.max(units + 1);
            o.max_deployed = o.max_deployed.map(|m| m.max(units));
        }
    }
    let init_troops: u64 = init_troops_nation.iter().sum();

    // National caps (one only from mid-horizon: a mandate changed by a parliament), sized below
    // the nation's steady-state contribution so that they bind, never below twice its initial
    // troops. Then the coalition cap at ~90 % of the required troops.
    let k = if p.nations >= 3 {
        rng.range(2, 3) as usize
    } else {
        1
    };
    for (i, n) in rng.sample(p.nations, k).into_iter().enumerate() {
        let steady: f64 = offers
            .range((n, 0)..(n + 1, 0))
            .map(|(&(_, u), o)| {
                let ut = &unit_types[u];
                (o.units * ut.troops) as f64 * ut.l() as f64 / (ut.l() + ut.d()) as f64
            })
            .sum();
        let cap = round_up((steady * rng.uniform(0.6, 0.9)) as u64, 100)
            .max(round_up(2 * init_troops_nation[n] + 500, 100));
        let window = if i == 0 && t >= 4 {
            Window {
                from: Some(t / 2),
                to: None,
            }
        } else {
            Window::default()
        };
        limits.push(Limit {
            nation: Some(n),
            zone: None,
            domain: None,
            max_troops: cap,
            window,
        });
    }
    limits.push(Limit {
        nation: None,
        zone: None,
        domain: None,
        max_troops: round_up(required_troops * 9 / 10, 100)
            .max(round_up(2 * init_troops + 1000, 100)),
        window: Window::default(),
    });

    // Storage, reception capacity and network sizing from the peak demand.
    let person_factor: u64 = COMMODITIES.iter().map(|c| c.3).sum();
    let tpd = |troops: u64, f: u64| troops as f64 * f as f64 / 10_000.0;
    let site_tpd: Vec<f64> = site_troops
        .iter()
        .map(|&tr| tpd(tr, person_factor))
        .collect();
    let total_tpd: f64 = site_tpd.iter().sum();
    let dos_factor: u64 = COMMODITIES.iter().map(|c| c.1 * c.3).sum();
    for (s, site) in sites.iter().enumerate() {
        let dos_need = tpd(site_troops[s], dos_factor) * rng.uniform(1.0, 1.5);
        nodes[site.node].storage = round_up(dos_need.ceil() as u64, 100).clamp(500, 3000);
    }
    for w in depots.clone() {
        nodes[w].storage = rng.range(10, 40) * 500;
    }
    for w in ports.clone() {
        nodes[w].storage = rng.range(4, 16) * 500;
    }
    for w in hubs.clone() {
        if rng.chance(0.5) {
            nodes[w].storage = rng.range(2, 10) * 500;
        }
    }
    let mut served_troops: BTreeMap<usize, u64> = BTreeMap::new();
    let mut served_tpd: BTreeMap<usize, f64> = BTreeMap::new();
    for (s, site) in sites.iter().enumerate() {
        *served_troops.entry(site.reception).or_default() += site_troops[s];
        *served_tpd.entry(site.reception).or_default() += site_tpd[s];
    }
    for &w in &receptions {
        // Enough to build up the served force in about two periods, and to let every initial
        // tour leave in one day.
        let served = served_troops.get(&w).copied().unwrap_or(0) as f64;
        let build_up = round_up((served * rng.uniform(1.0, 1.5) / 14.0) as u64, 500);
        let initial = round_up(init_troops_reception.get(&w).copied().unwrap_or(0), 500);
        nodes[w].pax = Some(build_up.max(initial).max(2000));
    }

    // Arcs. The spanning structure (depot→hub, hub chain, hub→reception, reception→site) alone
    // reaches every site node; airlift, sea and shortcut arcs are redundant, so only they get
    // availability windows.
    let mut arcs: Vec<Arc> = Vec::new();
    let mut keys: BTreeSet<(usize, usize, &'static str)> = BTreeSet::new();
    let mut add_arc = |arcs: &mut Vec<Arc>, a: Arc| -> bool {
        if a.from == a.to || keys.contains(&(a.from, a.to, a.mode)) {
            return false;
        }
        if a.bidirectional && keys.contains(&(a.to, a.from, a.mode)) {
            return false;
        }
        keys.insert((a.from, a.to, a.mode));
        if a.bidirectional {
            keys.insert((a.to, a.from, a.mode));
        }
        arcs.push(a);
        true
    };
    let cap = |x: f64| round_up(x.ceil().max(20.0) as u64, 10);
    let depot_share = 1.5 * total_tpd / n_depots as f64;
    let mut depot_used = vec![false; n_depots];
    let land_arc =
        |rng: &mut Rng, from: usize, to: usize, capacity: u64, rail: bool, bidir: bool| {
            let (mode, cost, transit) = if rail {
                ("rail", rng.range(5, 20), rng.range(1, 3))
            } else {
                ("road", rng.range(10, 40), rng.range(0, 2))
            };
            Arc {
                from,
                to,
                mode,
                capacity,
                cost,
                transit,
                bidirectional: bidir,
                window: Window::default(),
            }
        };
    for (i, h) in hubs.clone().enumerate() {
        let d = i % n_depots;
        depot_used[d] = true;
        let capacity = cap(depot_share * rng.uniform(0.8, 1.2));
        let rail = rng.chance(0.5);
        let mut a = land_arc(&mut rng, depots.start + d, h, capacity, rail, false);
        a.transit += 1; // from home base to theatre: a day longer than in-theatre legs
        add_arc(&mut arcs, a);
    }
    for (d, &used) in depot_used.iter().enumerate() {
        if !used {
            let h = hubs.start + rng.below(n_hubs);
            let capacity = cap(depot_share * rng.uniform(0.8, 1.2));
            let a = land_arc(&mut rng, depots.start + d, h, capacity, true, false);
            add_arc(&mut arcs, a);
        }
    }
    for h in hubs.start..hubs.end.saturating_sub(1) {
        let capacity = cap(total_tpd * rng.uniform(0.5, 1.0));
        let a = land_arc(&mut rng, h, h + 1, capacity, false, true);
        add_arc(&mut arcs, a);
    }
    for &w in &receptions {
        let h = hubs.start + rng.below(n_hubs);
        let down = served_tpd.get(&w).copied().unwrap_or(0.0);
        let rail = nodes[w].kind == Kind::RailHead;
        let capacity = cap(down * rng.uniform(1.5, 2.5));
        let a = land_arc(&mut rng, h, w, capacity, rail, false);
        add_arc(&mut arcs, a);
    }
    for site in &sites {
        let capacity = cap(site_tpd[site.node - site_nodes.start] * rng.uniform(1.5, 2.5));
        let bidir = rng.chance(0.3);
        let a = land_arc(&mut rng, site.reception, site.node, capacity, false, bidir);
        add_arc(&mut arcs, a);
    }
    let mut redundant = Vec::new();
    for w in ports.clone() {
        let d = depots.start + rng.below(n_depots);
        let sea = Arc {
            from: d,
            to: w,
            mode: "sea",
            capacity: cap(total_tpd * rng.uniform(0.4, 0.6)),
            cost: rng.range(5, 10),
            transit: rng.range(5, 10),
            bidirectional: false,
            window: Window::default(),
        };
        if add_arc(&mut arcs, sea) {
            redundant.push(arcs.len() - 1);
        }
        let h = hubs.start + rng.below(n_hubs);
        let capacity = cap(total_tpd * rng.uniform(0.4, 0.6));
        let onward = land_arc(&mut rng, w, h, capacity, true, false);
        if add_arc(&mut arcs, onward) {
            redundant.push(arcs.len() - 1);
        }
    }
    for (i, w) in airfields.clone().enumerate() {
        if i == 0 || rng.chance(0.5) {
            let down = served_tpd.get(&w).copied().unwrap_or(0.0);
            let air = Arc {
                from: depots.start + rng.below(n_depots),
                to: w,
                mode: "air",
                capacity: cap(down * rng.uniform(0.2, 0.5)),
                cost: rng.range(60, 100),
                transit: rng.range(0, 1),
                bidirectional: false,
                window: Window::default(),
            };
            if add_arc(&mut arcs, air) {
                redundant.push(arcs.len() - 1);
            }
        }
    }
    for site in &sites {
        if rng.chance(0.25) {
            let h = hubs.start + rng.below(n_hubs);
            let capacity = cap(site_tpd[site.node - site_nodes.start] * rng.uniform(0.5, 1.0));
            if add_arc(
                &mut arcs,
                land_arc(&mut rng, h, site.node, capacity, false, false),
            ) {
                redundant.push(arcs.len() - 1);
            }
        }
    }
    // One or two seasonal arcs (a winter road, an airlift slot) among the redundant ones.
    let n_win = (1 + rng.below(2)).min(redundant.len());
    for i in rng.sample(redundant.len(), n_win) {
        arcs[redundant[i]].window = random_window(&mut rng, t);
    }

    // Depot output: every depot supplies every commodity, in total 1.5× the peak demand.
    let mut supply = Vec::new();
    for w in depots.clone() {
        for (k, c) in COMMODITIES.iter().enumerate() {
            let tons = (1.5 * tpd(required_troops, c.3) / n_depots as f64).ceil() as u64;
            supply.push((w, k, tons.max(1), rng.range(1, 10)));
        }
    }

    // Initial stocks: sites near their days-of-supply level, depots and stocked hubs/ports a
    // fraction of storage; the sum over commodities always within storage.
    let mut stocks = Vec::new();
    for (s, site) in sites.iter().enumerate() {
        let want: Vec<f64> = COMMODITIES
            .iter()
            .map(|c| c.1 as f64 * tpd(site_troops[s], c.3) * rng.uniform(0.6, 1.0))
            .collect();
        let total: f64 = want.iter().sum();
        let limit = 0.9 * nodes[site.node].storage as f64;
        let scale = if total > limit { limit / total } else { 1.0 };
        for (k, x) in want.iter().enumerate() {
            let tenths = (x * scale * 10.0).floor() as u64;
            if tenths > 0 {
                stocks.push((site.node, k, tenths));
            }
        }
    }
    for (w, node) in nodes.iter().enumerate() {
        if node.kind != Kind::Site && node.storage > 0 {
            for k in 0..COMMODITIES.len() {
                let tons = (node.storage as f64 * rng.uniform(0.05, 0.2)).floor() as u64;
                stocks.push((w, k, tons * 10));
            }
        }
    }
    stocks.sort_unstable();

    Scenario {
        p: p.clone(),
        zones,
        roles,
        nations,
        unit_types,
        offers,
        sites,
        requirements,
        limits,
        deployed,
        nodes,
        arcs,
        supply,
        stocks,
    }
}

/// A window holding at least one period start inside the horizon (so `check` never warns that it
/// is never active) and, when the horizon has two periods or more, not all of them (so it matters);
/// its end is sometimes left open.
fn random_window(rng: &mut Rng, t: usize) -> Window {
    let from = rng.below(t / 2 + 1).min(t - 1);
    let mut to = from + 1 + rng.below(t - from);
    if from == 0 && to >= t && t >= 2 {
        to = 1 + rng.below(t - 1);
    }
    Window {
        from: Some(from),
        to: if to >= t && rng.chance(0.5) {
            None
        } else {
            Some(to)
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn render(sc: &Scenario) -> Vec<(&'static str, String)> {
    let p = &sc.p;
    let start = days_from_civil(START_YMD.0, START_YMD.1, START_YMD.2);
    let period_start = |t: usize| start + PERIOD_DAYS * t as i64;
    let win = |w: &Window| -> [String; 2] {
        [
            w.from.map(|t| date(period_start(t))).unwrap_or_default(),
            w.to.map(|t| date(period_start(t) - 1)).unwrap_or_default(),
        ]
    };
    let mut files = Vec::new();

    let toml = format!(
        "name = \"gen-{}n-{}s-{}u-{}p-{}w-seed{}\"\n\
         description = \"Synthetic coalition scenario from rotaplan generate: {} nations, {} sites in {} zones, \
         {} unit types, {} weekly periods, {} network nodes, seed {}\"\n\
         start = {}\n\
         periods = {}\n\
         period_days = {}\n\
         \n\
         [penalties]\n\
         coverage = 10000.0\n\
         sustainment = 1000.0\n\
         days_of_supply = 10.0\n\
         \n\
         [solver]\n\
         mode = \"mip\"\n\
         time_limit_s = 60\n\
         mip_gap = 0.005\n\
         threads = 1\n",
        p.nations, p.sites, p.unit_types, p.periods, p.nodes, p.seed,
        p.nations, p.sites, sc.zones.len(), p.unit_types, p.periods, p.nodes, p.seed,
        date(start), p.periods, PERIOD_DAYS,
    );
    files.push(("scenario.toml", toml));

    let mut csv = Csv::new(&["nation", "name", "available_from", "available_to"]);
    for n in &sc.nations {
        let [f, t] = win(&n.avail);
        csv.row([n.code.clone(), n.name.clone(), f, t]);
    }
    files.push(("nations.csv", csv.0));

    let mut csv = Csv::new(&[
        "unit_type",
        "domain",
        "role",
        "role_value",
        "troops",
        "tour_days",
        "dwell_days",
        "handover_days",
    ]);
    for u in &sc.unit_types {
        csv.row([
            u.code.clone(),
            u.domain.to_string(),
            sc.roles[u.role].clone(),
            num(u.value(), 1),
            u.troops.to_string(),
            u.tour_days.to_string(),
            u.dwell_days.to_string(),
            u.handover_days.to_string(),
        ]);
    }
    files.push(("unit_types.csv", csv.0));

    let mut csv = Csv::new(&[
        "nation",
        "unit_type",
        "units",
        "max_deployed",
        "cost_per_day",
        "cost_per_tour",
    ]);
    for (&(n, u), o) in &sc.offers {
        csv.row([
            sc.nations[n].code.clone(),
            sc.unit_types[u].code.clone(),
            o.units.to_string(),
            o.max_deployed.map(|m| m.to_string()).unwrap_or_default(),
            o.cost_per_day.to_string(),
            o.cost_per_tour.to_string(),
        ]);
    }
    files.push(("offers.csv", csv.0));

    let mut csv = Csv::new(&["site", "name", "zone", "node", "reception", "lat", "lon"]);
    for s in &sc.sites {
        csv.row([
            s.code.clone(),
            s.name.clone(),
            sc.zones[s.zone].clone(),
            sc.nodes[s.node].code.clone(),
            sc.nodes[s.reception].code.clone(),
            num(s.lat, 4),
            num(s.lon, 4),
        ]);
    }
    files.push(("sites.csv", csv.0));

    let mut csv = Csv::new(&["site", "role", "required", "priority", "from", "to"]);
    for r in &sc.requirements {
        let [f, t] = win(&r.window);
        csv.row([
            sc.sites[r.site].code.clone(),
            sc.roles[r.role].clone(),
            r.required.to_string(),
            r.priority.to_string(),
            f,
            t,
        ]);
    }
    files.push(("requirements.csv", csv.0));

    let mut csv = Csv::new(&["nation", "zone", "domain", "max_troops", "from", "to"]);
    for l in &sc.limits {
        let [f, t] = win(&l.window);
        csv.row([
            l.nation
                .map(|n| sc.nations[n].code.clone())
                .unwrap_or_else(|| "*".into()),
            l.zone
                .map(|z| sc.zones[z].clone())
                .unwrap_or_else(|| "*".into()),
            l.domain.unwrap_or("*").to_string(),
            l.max_troops.to_string(),
            f,
            t,
        ]);
    }
    files.push(("limits.csv", csv.0));

    let mut csv = Csv::new(&["nation", "unit_type", "site", "arrived", "units"]);
    for d in &sc.deployed {
        csv.row([
            sc.nations[d.nation].code.clone(),
            sc.unit_types[d.unit_type].code.clone(),
            sc.sites[d.site].code.clone(),
            date(start + d.arrived),
            d.units.to_string(),
        ]);
    }
    files.push(("deployed.csv", csv.0));

    let mut csv = Csv::new(&[
        "node",
        "kind",
        "country",
        "storage_tons",
        "pax_per_day",
        "lat",
        "lon",
    ]);
    for n in &sc.nodes {
        csv.row([
            n.code.clone(),
            n.kind.name().to_string(),
            n.country.clone(),
            n.storage.to_string(),
            n.pax.map(|x| x.to_string()).unwrap_or_default(),
            num(n.lat, 4),
            num(n.lon, 4),
        ]);
    }
    files.push(("nodes.csv", csv.0));

    let mut csv = Csv::new(&[
        "from",
        "to",
        "mode",
        "capacity_tons_per_day",
        "cost_per_ton",
        "transit_days",
        "bidirectional",
        "available_from",
        "available_to",
    ]);
    for a in &sc.arcs {
        let [f, t] = win(&a.window);
        csv.row([
            sc.nodes[a.from].code.clone(),
            sc.nodes[a.to].code.clone(),
            a.mode.to_string(),
            a.capacity.to_string(),
            a.cost.to_string(),
            a.transit.to_string(),
            a.bidirectional.to_string(),
            f,
            t,
        ]);
    }
    files.push(("arcs.csv", csv.0));

    let mut csv = Csv::new(&["node", "commodity", "tons_per_day", "cost_per_ton"]);
    for &(w, k, tons, cost) in &sc.supply {
        csv.row([
            sc.nodes[w].code.clone(),
            COMMODITIES[k].0.to_string(),
            tons.to_string(),
            cost.to_string(),
        ]);
    }
    files.push(("supply.csv", csv.0));

    let mut csv = Csv::new(&["unit_type", "commodity", "tons_per_day"]);
    for u in &sc.unit_types {
        for c in &COMMODITIES {
            csv.row([u.code.clone(), c.0.to_string(), fixed4(u.troops * c.3)]);
        }
    }
    files.push(("consumption.csv", csv.0));

    let mut csv = Csv::new(&["commodity", "days_of_supply", "shortfall_penalty"]);
    for c in &COMMODITIES {
        csv.row([
            c.0.to_string(),
            c.1.to_string(),
            c.2.map(|x| x.to_string()).unwrap_or_default(),
        ]);
    }
    files.push(("commodities.csv", csv.0));

    let mut csv = Csv::new(&["node", "commodity", "tons"]);
    for &(w, k, tenths) in &sc.stocks {
        csv.row([
            sc.nodes[w].code.clone(),
            COMMODITIES[k].0.to_string(),
            num(tenths as f64 / 10.0, 1),
        ]);
    }
    files.push(("initial_stocks.csv", csv.0));

    files
}

/// A CSV table under construction; every cell is a code, a name or a plain number, never
/// needing quotes.
struct Csv(String);

impl Csv {
    fn new(header: &[&str]) -> Self {
        Csv(header.join(",") + "\n")
    }

    fn row<const N: usize>(&mut self, cells: [String; N]) {
        for (i, c) in cells.iter().enumerate() {
            debug_assert!(
                !c.contains([',', '"', '\n', '\r']),
                "cell needs quoting: {c:?}"
            );
            if i > 0 {
                self.0.push(',');
            }
            self.0.push_str(c);
        }
        self.0.push('\n');
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/// Zero-padding width for codes: at least two digits (N01), more when the count needs them.
fn width(n: usize) -> usize {
    n.to_string().len().max(2)
}

fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b)
}

fn round_up(x: u64, step: u64) -> u64 {
    x.div_ceil(step) * step
}

/// Plain decimal with at most `dec` decimals, trailing zeros trimmed: never an exponent.
fn num(x: f64, dec: usize) -> String {
    let s = format!("{x:.dec$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// An exact decimal from an integer count of 1e-4 units (consumption factors are exact there).
fn fixed4(v: u64) -> String {
    let mut s = format!("{}.{:04}", v / 10_000, v % 10_000);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    s
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
fn date(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut s = String::with_capacity(10);
    let _ = write!(s, "{y:04}-{m:02}-{d:02}");
    s
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    fn params(
        nations: usize,
        sites: usize,
        unit_types: usize,
        periods: usize,
        nodes: usize,
        seed: u64,
    ) -> GenParams {
        GenParams {
            nations,
            sites,
            unit_types,
            periods,
            nodes,
            seed,
        }
    }

    /// A fresh directory under the system temp dir, unique per process and call.
    fn temp_dir(tag: &str) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        std::env::temp_dir().join(format!(
            "rotaplan-gen-{tag}-{}-{nanos}-{n}",
            std::process::id()
        ))
    }

    fn read_dir_sorted(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn same_parameters_give_identical_bytes() {
        let p = params(7, 13, 5, 30, 25, 42);
        let (a, b) = (temp_dir("a"), temp_dir("b"));
        generate(&a, &p).unwrap();
        generate(&b, &p).unwrap();
        // Regenerating over existing files must overwrite them with the same bytes.
        generate(&b, &p).unwrap();
        let (fa, fb) = (read_dir_sorted(&a), read_dir_sorted(&b));
        assert_eq!(fa.len(), 14, "scenario.toml and 13 tables");
        assert_eq!(fa, fb);
        let other = render(&build(&GenParams { seed: 43, ..p }));
        assert!(other
            .iter()
            .zip(&fa)
            .any(|((_, t), (_, bytes))| t.as_bytes() != bytes.as_slice()));
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(&b);
    }

    #[test]
    fn validate_params_rejects_bad_sizes() {
        assert!(validate_params(&params(3, 10, 4, 12, 13, 1)).is_ok());
        assert!(validate_params(&params(3, 10, 4, 12, 12, 1)).is_err());
        assert!(validate_params(&params(3, 10, 4, 12, 10, 1)).is_err());
        assert!(validate_params(&params(0, 10, 4, 12, 20, 1)).is_err());
        assert!(validate_params(&params(3, 0, 4, 12, 20, 1)).is_err());
        assert!(validate_params(&params(3, 10, 0, 12, 20, 1)).is_err());
        assert!(validate_params(&params(3, 10, 4, 0, 20, 1)).is_err());
        let e = generate(&temp_dir("bad"), &params(3, 10, 4, 12, 12, 1)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }

    /// Structural invariants of docs/inputs.md that the generator keeps by construction.
    #[test]
    fn generated_scenarios_are_consistent() {
        let cases = [
            params(1, 1, 1, 1, 4, 0),
            params(2, 3, 2, 3, 6, 1),
            params(4, 7, 3, 10, 12, 2),
            params(12, 20, 9, 52, 40, 3),
            params(30, 60, 10, 104, 120, 4),
            params(5, 40, 40, 26, 43, 5),
        ];
        for p in &cases {
            let sc = build(p);
            let unique = |codes: Vec<&String>| {
                let n = codes.len();
                codes.into_iter().collect::<BTreeSet<_>>().len() == n
            };
            assert!(unique(sc.nations.iter().map(|n| &n.code).collect()));
            assert!(unique(sc.unit_types.iter().map(|u| &u.code).collect()));
            assert!(unique(sc.sites.iter().map(|s| &s.code).collect()));
            assert!(unique(sc.nodes.iter().map(|n| &n.code).collect()));
            assert_eq!(sc.nodes.len(), p.nodes);
            for u in &sc.unit_types {
                assert!(u.h() < u.l() && (150..=900).contains(&u.troops));
            }
            // Storage: stocks only where there is storage, and within it.
            let mut held = vec![0u64; sc.nodes.len()];
            for &(w, _, tenths) in &sc.stocks {
                held[w] += tenths;
            }
            for (w, n) in sc.nodes.iter().enumerate() {
                assert!(held[w] <= n.storage * 10, "{}: stock above storage", n.code);
            }
            // Every site node reachable from a depot on arcs without a window.
            let mut adj = vec![Vec::new(); sc.nodes.len()];
            let mut seen_keys = BTreeSet::new();
            for a in &sc.arcs {
                assert_ne!(a.from, a.to);
                assert!(seen_keys.insert((a.from, a.to, a.mode)));
                if a.bidirectional {
                    assert!(seen_keys.insert((a.to, a.from, a.mode)));
                }
                if a.window.from.is_none() && a.window.to.is_none() {
                    adj[a.from].push(a.to);
                    if a.bidirectional {
                        adj[a.to].push(a.from);
                    }
                }
            }
            let mut reached = vec![false; sc.nodes.len()];
            let mut queue: VecDeque<usize> = (0..sc.nodes.len())
                .filter(|&w| sc.nodes[w].kind == Kind::Depot)
                .collect();
            for &w in &queue {
                reached[w] = true;
            }
            while let Some(w) = queue.pop_front() {
                for &v in &adj[w] {
                    if !reached[v] {
                        reached[v] = true;
                        queue.push_back(v);
                    }
                }
            }
            for s in &sc.sites {
                assert!(reached[s.node], "{} unreachable", sc.nodes[s.node].code);
                assert!(sc.nodes[s.reception].pax.unwrap_or(0) >= 2000);
            }
            // Initial tours: within pools and max_deployed, outside caveats, under every limit.
            let mut by_offer: BTreeMap<(usize, usize), u64> = BTreeMap::new();
            for d in &sc.deployed {
                assert!(d.arrived < 0 && d.arrived >= -70);
                *by_offer.entry((d.nation, d.unit_type)).or_default() += d.units;
            }
            for (k, units) in &by_offer {
                let o = &sc.offers[k];
                assert!(o.units >= *units && o.max_deployed.is_none_or(|m| m >= *units));
            }
            for l in &sc.limits {
                let used: u64 = sc
                    .deployed
                    .iter()
                    .filter(|d| {
                        let ut = &sc.unit_types[d.unit_type];
                        l.nation.is_none_or(|n| n == d.nation)
                            && l.zone.is_none_or(|z| z == sc.sites[d.site].zone)
                            && l.domain.is_none_or(|dom| dom == ut.domain)
                    })
                    .map(|d| d.units * sc.unit_types[d.unit_type].troops)
                    .sum();
                assert!(used == 0 || 2 * used <= l.max_troops);
            }
            // Plain decimals only, and `*` only in limits.csv.
            for (name, text) in render(&sc) {
                assert!(text.ends_with('\n') && !text.contains('\r'));
                if name.ends_with(".csv") {
                    assert!(name == "limits.csv" || !text.contains('*'), "{name}");
                    for cell in text.lines().skip(1).flat_map(|l| l.split(',')) {
                        if cell.starts_with(|c: char| c.is_ascii_digit()) && !cell.contains('-') {
                            assert!(
                                cell.parse::<f64>().is_ok() && !cell.contains(['e', 'E']),
                                "{name}: {cell}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn dates_round_trip() {
        let d = days_from_civil(2027, 1, 4);
        assert_eq!(date(d), "2027-01-04");
        assert_eq!(date(d - 4), "2026-12-31");
        assert_eq!(date(days_from_civil(2028, 2, 29) + 1), "2028-03-01");
        assert_eq!(date(0), "1970-01-01");
    }
}
