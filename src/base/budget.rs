//! The time budget: every share of the time limit, in one place, so a reader sees at once how a
//! run divides its minutes (figures behind each share: docs/performance.md).
//!
//! A solve's limit is the planner's (`--time-limit` or `[solver] time_limit_s`); the steps below
//! take their shares of it in order. Two steps have floors of their own, because without them
//! there is no plan at all: the LP that prices flows and stocks once the tours are fixed, and the
//! fallbacks when a MIP found no plan in time. Those floors are why a run can take somewhat
//! longer than its limit.

/// Rotation-first: share of the limit for the rotation MIP (its relaxation and the search); the
/// rest is for the whole model's LP with those tours fixed and the sustainment bound.
pub const ROTATION_SHARE: f64 = 0.8;

/// Rotation-first when the search sees each site's supply (`strategy::rotation_first`): its
/// restricted MIPs are dearer, and the sustainment search after it, which it leaves less to do,
/// kept no plan on coalition-30k; with 0.8 that scenario's best neighbourhood missed its time
/// at 60 s (plan 5.88 M against 5.55 M with 0.8 at 90 s). Where the blind search comes first
/// (interior point), the search with the site rows gets what is left of this share after it.
pub const ROTATION_SHARE_SEEING_SITES: f64 = 0.9;

/// Rotation search: share of its own budget the LP relaxation leaves for the search of plans
/// (at least [`SEARCH_RESERVE_MIN_S`], at most half).
pub const SEARCH_RESERVE_SHARE: f64 = 0.15;
pub const SEARCH_RESERVE_MIN_S: f64 = 5.0;

/// Rotation search when the relaxation ran out of time and no second core built the relief plan
/// and the Lagrangian bound beside it (`strategy::lagrange::beside`): shares of the time left
/// for the relief plan (it takes about a third of a second on gen-XL) and then for the bound,
/// before the search from that plan.
pub const RELIEF_PLAN_SHARE: f64 = 0.1;
pub const LAGRANGE_SHARE: f64 = 0.4;

/// Rotation-first without a rotation relaxation: the bound that counts sustainment, from the
/// Lagrangian of the raised rotation model, gets what is left of the limit but at least this
/// long, or this share of the limit when that is shorter (a rolling horizon's short windows).
/// At a minute's limit gen-XL has about 2 s left; 5 s took its bound from 727.5 M to 918.7 M,
/// 20 s to 973.5 M (docs/performance.md).
pub const LAGRANGIAN_TANGENT_MIN_S: f64 = 5.0;
pub const LAGRANGIAN_TANGENT_MIN_SHARE: f64 = 0.1;

/// Rolling horizon: share of the limit the windows divide evenly (at least
/// [`WINDOW_MIN_S`] each); the whole-horizon LP with the tours fixed gets the rest.
pub const ROLLING_WINDOWS_SHARE: f64 = 0.85;
pub const WINDOW_MIN_S: f64 = 1.0;

/// The whole model's LP with every tour fixed: what is left of the limit, but at least this share
/// of it and at least [`FIXED_TOURS_LP_MIN_S`] (without it the plan has no flows).
pub const FIXED_TOURS_LP_MIN_SHARE: f64 = 0.2;
pub const FIXED_TOURS_LP_MIN_S: f64 = 60.0;

/// Fallbacks when the MIP found no plan within the limit: the LP relaxation to round down gets
/// at least this long, and the plan with no new tours at least [`NO_NEW_TOURS_MIN_S`].
pub const ROUNDED_RELAXATION_MIN_S: f64 = 60.0;
pub const NO_NEW_TOURS_MIN_S: f64 = 120.0;

/// Bottlenecks: the whole model's relaxation gets this share of the limit (at least
/// [`BOTTLENECK_MIN_S`]); the rotation model's relaxation, when that one does not finish,
/// [`BOTTLENECK_ROTATION_SHARE`].
pub const BOTTLENECK_WHOLE_SHARE: f64 = 0.15;
pub const BOTTLENECK_ROTATION_SHARE: f64 = 0.2;
pub const BOTTLENECK_MIN_S: f64 = 5.0;

/// Sustainment search (rotation-first): runs only with at least this share of the limit (and
/// [`SUSTAINMENT_SEARCH_MIN_S`]) left after room for one more fixed-tours LP, counted as
/// [`FIXED_TOURS_LP_ROOM`] times the first one plus a second.
pub const SUSTAINMENT_SEARCH_MIN_SHARE: f64 = 0.05;
pub const SUSTAINMENT_SEARCH_MIN_S: f64 = 3.0;
pub const FIXED_TOURS_LP_ROOM: f64 = 1.5;

/// Sustainment bound: tried when the time left holds [`RELAXATION_ROOM`] times the first
/// rotation relaxation plus a second.
pub const RELAXATION_ROOM: f64 = 1.5;

/// `--mode lp` from its two halves: the primal simplex from their bases gets this share of the
/// limit; when it has not finished, the whole LP goes to the interior point with what is left
/// (gen-M: that simplex had not proved a point 0.08 % from optimal after 56 s).
pub const HALVES_SIMPLEX_SHARE: f64 = 0.3;

/// Explanations: the what-if re-solves (one relaxation each) share this much of the limit; a
/// re-solve is started only while what is left exceeds the time the plan's own solve took.
pub const EXPLAIN_WHAT_IF_SHARE: f64 = 0.2;

/// An infeasible model: naming the conflicting input rows (HiGHS's IIS on the LP) gets this
/// share of the limit, at least [`CONFLICT_MIN_S`]; the light pass that finds conflicts of fixed
/// tours takes milliseconds, the full one (anything else) solves LPs.
pub const CONFLICT_SHARE: f64 = 0.1;
pub const CONFLICT_MIN_S: f64 = 5.0;

/// The ask (`rotaplan ask`, `solve --ask`): each of its three steps (the plan as offered, the
/// ask's MIP, the check of each row taken back) gets this share of the limit.
pub const ASK_STEP_SHARE: f64 = 1.0 / 3.0;
