//! Stopping cleanly on SIGINT/SIGTERM: the solver polls a flag between its steps, and a
//! watchdog may end a run that is still solving, but never once writing has begun.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

/// Set by the SIGINT/SIGTERM handlers (see `cli`); the solver's interrupt callback polls it.
pub fn interrupted() -> &'static Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// Where a `solve` run is, for the signal watchdog of the command line. HiGHS polls the interrupt flag
/// only between its steps, and a large model's presolve or first LP can run for minutes without
/// one; since nothing is written before the solve returns, the watchdog may end the process
/// during [`SOLVING`](phase::SOLVING) — but never once writing has begun.
pub mod phase {
    use std::sync::atomic::{AtomicU8, Ordering};

    pub const IDLE: u8 = 0;
    pub const SOLVING: u8 = 1;
    pub const WRITING: u8 = 2;
    pub const EXITING: u8 = 3;
    static PHASE: AtomicU8 = AtomicU8::new(IDLE);

    /// From loading to the end of the solve: nothing has been written.
    pub fn enter_solving() {
        let _ = PHASE.compare_exchange(IDLE, SOLVING, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Before writing; false when the watchdog is already ending the process.
    pub fn enter_writing() -> bool {
        PHASE
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |p| {
                (p != EXITING).then_some(WRITING)
            })
            .is_ok()
    }

    /// For the watchdog: true when the process may end now (solving, nothing written).
    pub fn try_exit() -> bool {
        PHASE
            .compare_exchange(SOLVING, EXITING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }
}
