//! Writes a synthetic Petra ProdList.csv for demos, tests and benchmarks.

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use petra_client::feed::{generate, GeneratorOptions};

/// Write a deterministic synthetic ProdList.csv in Petra's 28-column layout.
#[derive(Debug, Parser)]
#[command(name = "petra-feedgen", version)]
struct Args {
    /// Number of data rows to write.
    #[arg(long)]
    rows: u64,

    /// Seed of the pseudo-random content; the same seed writes the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// File to write; `-` writes to standard output.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let options = GeneratorOptions {
        rows: args.rows,
        seed: args.seed,
    };

    let result = if args.out.as_os_str() == "-" {
        generate(io::stdout().lock(), options)
    } else {
        File::create(&args.out).and_then(|file| generate(file, options))
    };

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "petra-feedgen: writing {} failed: {error}",
                args.out.display()
            );
            ExitCode::FAILURE
        }
    }
}
