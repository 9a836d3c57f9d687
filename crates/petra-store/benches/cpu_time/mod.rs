//! The CPU time of the benchmark process, for figures that depend less on the load.

/// User plus system CPU time of this process, all threads, from /proc/self/stat.
pub fn cpu_seconds() -> f64 {
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
