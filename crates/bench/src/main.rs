//! `patron-bench`: an open-loop HTTP load generator for the Patron server.
//!
//! Requests are sent at a fixed offered rate (see `schedule`), over a fixed
//! pool of keep-alive connections (see `client`), and each latency is taken
//! from the request's *intended* send time (see `stats`). The run is bounded:
//! warmup + duration, then at most `GRACE` more for requests still in flight.

mod client;
mod schedule;
mod stats;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use tokio::sync::Semaphore;
use tokio::time::{timeout, timeout_at, Instant};

use client::{Connection, Target};
use schedule::Schedule;
use stats::{Recorder, RunInfo, Summary};

/// How long requests still outstanding after the schedule ends may take.
const GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Parser)]
#[command(
    name = "patron-bench",
    version,
    about = "Open-loop HTTP load generator for benchmarking the Patron server"
)]
struct Args {
    /// Full URL to request, e.g. http://127.0.0.1:8080/api/v1/tenant (http only).
    #[arg(long)]
    url: String,
    /// Offered rate in requests per second, kept regardless of how the server keeps up.
    #[arg(long)]
    rate: f64,
    /// Measured duration in seconds (after warmup).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Number of persistent connections (one worker each).
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// HTTP method.
    #[arg(long, default_value = "GET")]
    method: String,
    /// Extra request header, "Name: value" (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// API key, sent as `Authorization: Bearer KEY`.
    #[arg(long, env = "PATRON_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// JSON request body (also sets Content-Type: application/json).
    #[arg(long)]
    body: Option<String>,
    /// Warmup seconds at the same rate, not recorded.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Also print the summary as one JSON object (last line of stdout).
    #[arg(long)]
    json: bool,
    /// First value of `{n}` in the URL and body (each request adds its sequence number).
    #[arg(long, default_value_t = 0)]
    seq_start: u64,
    /// `{r}` in the URL and body takes values below this, scattered across requests.
    #[arg(long, default_value_t = 1)]
    range: u64,
    /// A file of tab-separated values: request `n` fills `{v0}`, `{v1}`… from line `n`
    /// (cycling), e.g. a member's card and a coupon code issued to them.
    #[arg(long)]
    values: Option<std::path::PathBuf>,
    /// Runtime worker threads. Default 1, so that on a 2-core machine the
    /// server under test keeps a core of its own.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("patron-bench: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.connections >= 1, "--connections must be >= 1");
    anyhow::ensure!(args.threads >= 1, "--threads must be >= 1");
    let schedule = Arc::new(Schedule::new(args.rate, args.warmup, args.duration)?);
    // `{n}` and `{r}` vary per request (see `client::Template`); the URL is checked with them
    // filled in.
    let plain_url = args
        .url
        .replace("{n}", "00000000")
        .replace("{r}", "00000000");
    let target = Arc::new(
        Target::new(
            &plain_url,
            &args.method,
            &args.headers,
            args.api_key.as_deref(),
            args.body.as_deref(),
        )?
        .with_values(
            &args.url,
            args.body.as_deref(),
            args.seq_start,
            args.range,
            match &args.values {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.split('\t').map(str::to_string).collect())
                    .collect(),
                None => Vec::new(),
            },
        ),
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    let summary = runtime.block_on(drive(&args, schedule, target))?;
    // Connection tasks may still be parked on idle sockets; don't wait.
    runtime.shutdown_background();

    print!("{}", summary.human());
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    }
    Ok(())
}

async fn drive(
    args: &Args,
    schedule: Arc<Schedule>,
    target: Arc<Target>,
) -> anyhow::Result<Summary> {
    // Fail fast (non-zero exit) if nothing is listening, rather than
    // reporting a run made only of connection errors.
    timeout(Duration::from_secs(5), target.connect_tcp())
        .await
        .with_context(|| format!("connecting to {} timed out", args.url))?
        .with_context(|| format!("cannot connect to {}", args.url))?;

    eprintln!(
        "patron-bench: {} {} at {} req/s for {} s after {} s warmup ({} measured requests), {} connections",
        target.method(),
        args.url,
        args.rate,
        args.duration,
        args.warmup,
        schedule.measured_slots(),
        args.connections
    );

    let permits = Arc::new(Semaphore::new(0));
    let std_start = std::time::Instant::now();
    let start = Instant::from_std(std_start);
    let hard_deadline = start + schedule.end() + GRACE;
    let mut workers = Vec::with_capacity(args.connections);
    for _ in 0..args.connections {
        workers.push(tokio::spawn(worker(
            Arc::clone(&schedule),
            Arc::clone(&target),
            Arc::clone(&permits),
            start,
            hard_deadline,
        )));
    }
    // The pacer ends by itself at the schedule's end; it is not joined so
    // that a stuck run still stops at the hard deadline.
    schedule::spawn_pacer(
        Arc::clone(&schedule),
        std_start,
        Arc::clone(&permits),
        args.connections,
    )
    .context("starting the pacer thread")?;

    let mut total = Recorder::new()?;
    for handle in workers {
        // Workers stop by themselves at the hard deadline; the extra second
        // only guards against a bug turning into a hang.
        match timeout_at(hard_deadline + Duration::from_secs(1), handle).await {
            Ok(Ok(rec)) => total.merge(&rec?)?,
            Ok(Err(join_err)) => anyhow::bail!("worker failed: {join_err}"),
            Err(_) => anyhow::bail!("worker did not stop by the deadline"),
        }
    }

    // Measured slots never claimed by any worker (all were busy until the
    // deadline) are timeouts too; see `Recorder::record_timeouts`.
    let unclaimed = schedule.total_slots() - schedule.claimed().max(schedule.warmup_slots());
    total.record_timeouts(unclaimed);

    if let Some(msg) = total.first_transport_error() {
        eprintln!("patron-bench: first transport error: {msg}");
    }

    // Throughput window: the nominal measured window, stretched if responses
    // kept arriving after it (a server that falls behind must not get credit
    // for the nominal duration).
    let measure_start = start + schedule.measure_start();
    let nominal = schedule.end() - schedule.measure_start();
    let actual = total.last_completion().map_or(Duration::ZERO, |t| {
        t.saturating_duration_since(measure_start)
    });
    let run = RunInfo {
        url: args.url.clone(),
        method: target.method().to_string(),
        offered_rate: args.rate,
        duration_s: args.duration,
        warmup_s: args.warmup,
        connections: args.connections,
        threads: args.threads,
    };
    Ok(Summary::new(
        run,
        schedule.measured_slots(),
        &total,
        nominal.max(actual),
    ))
}

/// One connection's loop: wait for the pacer to release a due slot, claim
/// it, send, record. While every worker is busy, released slots queue up as
/// semaphore permits and are picked up late; the lateness is measured because
/// latency runs from the slot's due time.
async fn worker(
    schedule: Arc<Schedule>,
    target: Arc<Target>,
    permits: Arc<Semaphore>,
    start: Instant,
    hard_deadline: Instant,
) -> anyhow::Result<Recorder> {
    let mut rec = Recorder::new()?;
    let mut conn = Connection::new();
    loop {
        match timeout_at(hard_deadline, permits.acquire()).await {
            Ok(Ok(permit)) => permit.forget(),
            // Deadline reached (or semaphore closed): slots left unclaimed
            // are counted as timeouts by the caller.
            _ => break,
        }
        // One permit per due slot, so the slot claimed here is already due.
        let Some(slot) = schedule.claim() else { break };
        let due = start + schedule.due_offset(slot);
        let measured = schedule.is_measured(slot);
        let sent = Instant::now();
        if sent >= hard_deadline {
            if measured {
                rec.record_timeouts(1);
            }
            break;
        }
        if measured {
            rec.record_send_lag(sent.saturating_duration_since(due));
        }
        match timeout_at(hard_deadline, conn.send(&target, slot)).await {
            Ok(Ok(status)) => {
                if measured {
                    let done = Instant::now();
                    rec.record_response(status.as_u16(), done.saturating_duration_since(due), done);
                }
            }
            Ok(Err(e)) => {
                if measured {
                    rec.record_transport_error(format!("{e:#}"), Instant::now());
                }
            }
            Err(_) => {
                // Out of time with this request in flight: stop.
                if measured {
                    rec.record_timeouts(1);
                }
                break;
            }
        }
    }
    Ok(rec)
}
