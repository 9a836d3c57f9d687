//! Timing of a benchmark phase: rows per second of wall time, and the CPU time of the
//! whole process, which depends less on the machine's load.

use std::time::Instant;

/// Returns the first argument that reads as a number (`_` allowed between digits), or
/// `default`.
pub fn rows_argument(default: u64) -> u64 {
    std::env::args()
        .skip(1)
        .find_map(|arg| arg.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Returns the value of an option given as `NAME=N`, such as `--batch=5000`.
// Not every benchmark that shares this module takes options.
#[allow(dead_code)]
pub fn size_option(name: &str) -> Option<usize> {
    std::env::args().skip(1).find_map(|arg| {
        let value = arg.strip_prefix(name)?.strip_prefix('=')?;
        value.replace('_', "").parse().ok()
    })
}

/// The wall clock and the process's CPU time at the start of a phase.
pub struct Started {
    wall: Instant,
    cpu_seconds: f64,
}

impl Started {
    pub fn now() -> Self {
        Self {
            wall: Instant::now(),
            cpu_seconds: cpu_seconds(),
        }
    }
}

/// What one phase measured.
// Not every benchmark that shares this module reads the figures back after printing them.
#[allow(dead_code)]
pub struct Measured {
    pub rows_per_second: f64,
    /// User plus system CPU time of the process during the phase, all threads.
    pub cpu_seconds: f64,
}

/// Prints a phase's rate and CPU time, and returns them.
pub fn report(phase: &str, rows: u64, started: Started) -> Measured {
    let seconds = started.wall.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - started.cpu_seconds;
    let rate = rows as f64 / seconds;
    println!("{phase}: {rows} rows in {seconds:.2} s = {rate:.0} rows/s, {cpu:.2} CPU s");
    Measured {
        rows_per_second: rate,
        cpu_seconds: cpu,
    }
}

/// Returns the user plus system CPU time of this process, all threads, from
/// /proc/self/stat.
fn cpu_seconds() -> f64 {
    // Linux reports these fields in clock ticks of USER_HZ, 100 per second on x86-64.
    const TICKS_PER_SECOND: f64 = 100.0;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, and the name is field 2.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&index| fields.get(index)?.parse::<u64>().ok())
        .sum();
    ticks as f64 / TICKS_PER_SECOND
}
