//! Times the engine and the hand-written mapping of the real ProdList feed in alternating
//! rounds within one process, so that both see about the same machine load. Each round
//! maps the feed, cycled to the given number of records, once through each path, and the
//! path that goes first alternates between rounds.
//!
//! Usage: `prodlist_ab [rounds] [records]` (default 15 rounds of 1,000,000 records).
//! Prints each path's median and best throughput and the median of the per-round ratios
//! engine / hand-written. `PETRA_REAL_FEED` overrides the feed path.

mod common;

use std::time::Instant;

fn main() {
    let arguments: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|argument| !argument.starts_with("--"))
        .map(|argument| {
            argument
                .parse()
                .expect("invalid argument: rounds and records must be whole numbers")
        })
        .collect();
    let rounds = arguments.first().copied().unwrap_or(15);
    let records = arguments.get(1).copied().unwrap_or(1_000_000);
    let common::Setup {
        rows,
        plan,
        columns,
    } = common::setup();

    let time_engine = || seconds(|| common::map_engine(&plan, &rows, records));
    let time_hand_written = || seconds(|| common::map_hand_written(&rows, &columns, records));
    let mut engine_times = Vec::with_capacity(rounds);
    let mut hand_times = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (engine, hand) = if round % 2 == 0 {
            let engine = time_engine();
            (engine, time_hand_written())
        } else {
            let hand = time_hand_written();
            (time_engine(), hand)
        };
        // The throughput ratio engine / hand-written is the inverse ratio of the times.
        ratios.push(hand / engine);
        engine_times.push(engine);
        hand_times.push(hand);
    }

    println!("{rounds} rounds of {records} records per path");
    report("engine", &mut engine_times, records);
    report("hand_written", &mut hand_times, records);
    ratios.sort_by(f64::total_cmp);
    println!(
        "ratio engine/hand_written throughput: median {:.3} (min {:.3}, max {:.3})",
        median(&ratios),
        ratios[0],
        ratios[ratios.len() - 1]
    );
}

/// Runs one pass and returns its wall-clock time in seconds.
fn seconds(pass: impl FnOnce() -> usize) -> f64 {
    let start = Instant::now();
    std::hint::black_box(pass());
    start.elapsed().as_secs_f64()
}

fn report(path: &str, times: &mut [f64], records: usize) {
    times.sort_by(f64::total_cmp);
    let per_second = |time: f64| records as f64 / time;
    let middle = median(times);
    println!(
        "{path}: median {middle:.3} s ({:.0} records/s), best {:.3} s ({:.0} records/s)",
        per_second(middle),
        times[0],
        per_second(times[0]),
    );
}

fn median(sorted: &[f64]) -> f64 {
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    }
}
