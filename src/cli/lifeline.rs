//! Keeping child solver processes tied to the run that started them: a batch that is killed
//! takes its running variants with it, and a variant that runs past its wall-clock allowance is
//! stopped (docs/faults.md).

use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Grace between the polite stop (SIGTERM: the solve ends cleanly, nothing half-written) and the
/// hard one (SIGKILL) for a variant past its time.
const GRACE: Duration = Duration::from_secs(10);

/// Parses `--variant-timeout`: seconds > 0.
pub fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1.0e9 => Ok(v),
        _ => Err(format!("expected a number of seconds > 0, got `{s}`")),
    }
}

/// Makes the child receive SIGTERM when the process that started it dies, even by `kill -9`
/// (Linux; elsewhere nothing changes). Its solve then stops without writing a half plan.
pub fn end_with_parent(cmd: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs in the forked child before exec and only makes
        // async-signal-safe system calls (prctl, getppid, kill).
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl took effect.
                if libc::getppid() != parent {
                    libc::kill(libc::getpid(), libc::SIGTERM);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}

/// A wall-clock allowance for one child process.
pub struct Deadline {
    limit: Option<Duration>,
    stopped_at: Option<Instant>,
    killed: bool,
}

impl Deadline {
    pub fn new(seconds: Option<f64>) -> Deadline {
        Deadline {
            limit: seconds.map(Duration::from_secs_f64),
            stopped_at: None,
            killed: false,
        }
    }

    /// Called while waiting for `child`, started at `t0`: past the limit it is asked to stop
    /// (SIGTERM), and [`GRACE`] later it is killed.
    pub fn enforce(&mut self, child: &mut Child, t0: Instant) {
        let Some(limit) = self.limit else { return };
        match self.stopped_at {
            None if t0.elapsed() > limit => {
                #[cfg(unix)]
                // SAFETY: kill(2) with the pid of our own, not yet reaped, child.
                unsafe {
                    libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
                }
                #[cfg(not(unix))]
                let _ = child.kill();
                self.stopped_at = Some(Instant::now());
            }
            Some(at) if !self.killed && at.elapsed() > GRACE => {
                let _ = child.kill();
                self.killed = true;
            }
            _ => {}
        }
    }

    /// Whether the child was stopped for running too long.
    pub fn fired(&self) -> bool {
        self.stopped_at.is_some()
    }

    pub fn message(&self) -> String {
        format!(
            "ran past --variant-timeout {} s and was stopped",
            self.limit.map_or(0.0, |l| l.as_secs_f64())
        )
    }
}
