//! The cores a run may use. rotaplan runs HiGHS on one thread and, on large models, a
//! Lagrangian bound beside it on a second core; a batch that solves several variants at once
//! tells each child its share, so that this second thread only starts where a core is free.

/// Set by `rotaplan batch` on each child: the machine's cores divided by the variants run at
/// once (at least 1).
pub const ENV: &str = "ROTAPLAN_CORES";

/// The cores this run may use: the machine's (CPU affinity and cgroup limits honoured), or
/// fewer when a batch gave this run its share through [`ENV`].
pub fn available() -> usize {
    let machine = std::thread::available_parallelism().map_or(1, |n| n.get());
    given(machine, std::env::var(ENV).ok().as_deref())
}

/// `machine` cores, or the share `env` gives (a whole number from 1), never more than the
/// machine's; a value that is not such a number is ignored.
fn given(machine: usize, env: Option<&str>) -> usize {
    match env.and_then(|v| v.trim().parse::<usize>().ok()) {
        Some(n) if n >= 1 => n.min(machine),
        _ => machine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two cores and no share: both; a batch's share of 1: one; a share above the machine's or
    /// not a whole number from 1: the machine's.
    #[test]
    fn a_batch_share_only_lowers_the_cores() {
        assert_eq!(given(2, None), 2);
        assert_eq!(given(2, Some("1")), 1);
        assert_eq!(given(2, Some("8")), 2);
        assert_eq!(given(2, Some("0")), 2);
        assert_eq!(given(2, Some("two")), 2);
    }
}
