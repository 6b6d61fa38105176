//! Latency and outcome statistics: per-worker recorders, merging, percentiles
//! and the final summary (human-readable lines and JSON).
//!
//! Each worker owns a `Recorder`, so the hot path takes no lock; they are
//! merged once at the end. Latencies are stored in an HDR histogram at
//! microsecond resolution with 3 significant digits (values below 2048 µs are
//! exact, larger ones are within 0.1 %), bounded at one hour.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;
use tokio::time::Instant;

/// Highest latency the histogram tracks, in µs (larger values saturate).
const MAX_TRACKABLE_US: u64 = 3_600_000_000;

/// Percentiles are given in parts per million so that the rank computation
/// below is exact integer arithmetic (p99.9 = 999_000). Using `f64`
/// quantiles, `0.999 * n` can land a hair above an integer and `ceil` would
/// then pick the next rank.
pub const P50: u64 = 500_000;
pub const P90: u64 = 900_000;
pub const P99: u64 = 990_000;
pub const P99_9: u64 = 999_000;

/// Error-map keys for failures that have no HTTP status.
pub const TRANSPORT: &str = "transport";
pub const TIMEOUT: &str = "timeout";

/// What one worker saw during the measured window.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// Intended send time → response fully read, µs. Every response counts,
    /// whatever its status: a fast 503 is still a sample of the server.
    latency: Histogram<u64>,
    /// Actual send time − intended send time, µs: how late the generator
    /// itself was (queueing behind busy connections, or a busy bench host).
    send_lag: Histogram<u64>,
    /// Exact maxima (the histogram only knows bucket bounds).
    latency_max_us: u64,
    send_lag_max_us: u64,
    responses: u64,
    ok: u64,
    /// Non-2xx status code (as text) or `transport` / `timeout` → count.
    errors: BTreeMap<String, u64>,
    /// The first transport error message, to tell the user *why*.
    first_transport_error: Option<String>,
    /// When the last measured response finished, for the throughput window.
    last_completion: Option<Instant>,
}

impl Recorder {
    pub fn new() -> anyhow::Result<Self> {
        let hist = || Histogram::<u64>::new_with_bounds(1, MAX_TRACKABLE_US, 3);
        Ok(Self {
            latency: hist()?,
            send_lag: hist()?,
            latency_max_us: 0,
            send_lag_max_us: 0,
            responses: 0,
            ok: 0,
            errors: BTreeMap::new(),
            first_transport_error: None,
            last_completion: None,
        })
    }

    pub fn record_send_lag(&mut self, lag: Duration) {
        let us = micros(lag);
        self.send_lag.saturating_record(us);
        self.send_lag_max_us = self.send_lag_max_us.max(us);
    }

    pub fn record_response(&mut self, status: u16, latency: Duration, completed_at: Instant) {
        let us = micros(latency);
        self.latency.saturating_record(us);
        self.latency_max_us = self.latency_max_us.max(us);
        self.responses += 1;
        if (200..300).contains(&status) {
            self.ok += 1;
        } else {
            *self.errors.entry(status.to_string()).or_default() += 1;
        }
        self.note_completion(completed_at);
    }

    pub fn record_transport_error(&mut self, message: String, at: Instant) {
        *self.errors.entry(TRANSPORT.to_owned()).or_default() += 1;
        self.first_transport_error.get_or_insert(message);
        self.note_completion(at);
    }

    /// Requests that were scheduled in the measured window but did not finish
    /// before the hard deadline. They are errors: dropping them silently would
    /// hide exactly the overload the benchmark is meant to expose.
    pub fn record_timeouts(&mut self, count: u64) {
        if count > 0 {
            *self.errors.entry(TIMEOUT.to_owned()).or_default() += count;
        }
    }

    fn note_completion(&mut self, at: Instant) {
        self.last_completion = Some(self.last_completion.map_or(at, |t| t.max(at)));
    }

    pub fn merge(&mut self, other: &Recorder) -> anyhow::Result<()> {
        self.latency.add(&other.latency)?;
        self.send_lag.add(&other.send_lag)?;
        self.latency_max_us = self.latency_max_us.max(other.latency_max_us);
        self.send_lag_max_us = self.send_lag_max_us.max(other.send_lag_max_us);
        self.responses += other.responses;
        self.ok += other.ok;
        for (k, v) in &other.errors {
            *self.errors.entry(k.clone()).or_default() += v;
        }
        if self.first_transport_error.is_none() {
            self.first_transport_error = other.first_transport_error.clone();
        }
        if let Some(t) = other.last_completion {
            self.note_completion(t);
        }
        Ok(())
    }

    pub fn last_completion(&self) -> Option<Instant> {
        self.last_completion
    }

    pub fn first_transport_error(&self) -> Option<&str> {
        self.first_transport_error.as_deref()
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Nearest-rank percentile in µs: the smallest recorded value such that at
/// least `per_million / 1e6` of all samples are ≤ it. Reported as the upper
/// bound of its histogram bucket (never below the true value), but capped at
/// the exact maximum so p99.9 can never exceed max. 0 for an empty histogram.
pub fn percentile_us(hist: &Histogram<u64>, exact_max_us: u64, per_million: u64) -> u64 {
    let n = hist.len();
    if n == 0 {
        return 0;
    }
    let per_million = per_million.min(1_000_000);
    // rank = ceil(n * q), at least 1; u128 so huge counts cannot overflow.
    let rank = (u128::from(n) * u128::from(per_million)).div_ceil(1_000_000);
    let rank = u64::try_from(rank).unwrap_or(n).clamp(1, n);
    let mut seen = 0u64;
    for bucket in hist.iter_recorded() {
        seen += bucket.count_since_last_iteration();
        if seen >= rank {
            return bucket.value_iterated_to().min(exact_max_us);
        }
    }
    exact_max_us
}

/// Latency figures in milliseconds (3 decimals, from µs).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p99_9: f64,
    pub max: f64,
    pub mean: f64,
}

impl Latency {
    fn from_hist(hist: &Histogram<u64>, exact_max_us: u64) -> Self {
        let p = |q| ms(percentile_us(hist, exact_max_us, q));
        Self {
            p50: p(P50),
            p90: p(P90),
            p99: p(P99),
            p99_9: p(P99_9),
            max: ms(exact_max_us),
            mean: if hist.is_empty() {
                0.0
            } else {
                hist.mean().round() / 1000.0
            },
        }
    }
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// The run's parameters, echoed in the report.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub url: String,
    pub method: String,
    pub offered_rate: f64,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub connections: usize,
    pub threads: usize,
}

/// The final report; serialised as-is for `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub run: RunInfo,
    /// Requests scheduled in the measured window.
    pub scheduled: u64,
    /// Responses received (any status).
    pub completed: u64,
    /// 2xx responses.
    pub ok: u64,
    /// Non-2xx + transport errors + timeouts.
    pub errors: u64,
    pub errors_by_kind: BTreeMap<String, u64>,
    /// Seconds over which throughput is computed.
    pub measured_s: f64,
    /// completed / measured_s.
    pub throughput_rps: f64,
    pub latency_ms: Latency,
    /// How late the generator sent versus schedule (diagnostic).
    pub send_lag_ms: Latency,
}

impl Summary {
    pub fn new(run: RunInfo, scheduled: u64, rec: &Recorder, measured: Duration) -> Self {
        let measured_s = measured.as_secs_f64();
        let throughput = if measured_s > 0.0 {
            rec.responses as f64 / measured_s
        } else {
            0.0
        };
        Self {
            run,
            scheduled,
            completed: rec.responses,
            ok: rec.ok,
            errors: rec.errors.values().sum(),
            errors_by_kind: rec.errors.clone(),
            measured_s: round3(measured_s),
            throughput_rps: round3(throughput),
            latency_ms: Latency::from_hist(&rec.latency, rec.latency_max_us),
            send_lag_ms: Latency::from_hist(&rec.send_lag, rec.send_lag_max_us),
        }
    }

    pub fn human(&self) -> String {
        let mut s = String::new();
        let r = &self.run;
        let l = &self.latency_ms;
        // Writing to a String cannot fail; ignore the fmt::Result.
        let _ = writeln!(s, "target:        {} {}", r.method, r.url);
        let _ = writeln!(
            s,
            "offered rate:  {:.3} req/s for {} s (+{} s warmup), {} connections, {} thread(s)",
            r.offered_rate, r.duration_s, r.warmup_s, r.connections, r.threads
        );
        let _ = writeln!(
            s,
            "throughput:    {:.3} req/s ({} completed in {:.3} s)",
            self.throughput_rps, self.completed, self.measured_s
        );
        let _ = writeln!(
            s,
            "requests:      {} scheduled, {} completed, {} ok, {} errors",
            self.scheduled, self.completed, self.ok, self.errors
        );
        if !self.errors_by_kind.is_empty() {
            let kinds: Vec<String> = self
                .errors_by_kind
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let _ = writeln!(s, "errors:        {}", kinds.join(", "));
        }
        let _ = writeln!(
            s,
            "latency (ms):  p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}  (mean {:.3})",
            l.p50, l.p90, l.p99, l.p99_9, l.max, l.mean
        );
        let _ = writeln!(
            s,
            "send lag (ms): p99 {:.3}  max {:.3}  (generator lateness, included in latency)",
            self.send_lag_ms.p99, self.send_lag_ms.max
        );
        s
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist_of(values: impl IntoIterator<Item = u64>) -> (Histogram<u64>, u64) {
        let mut h = Histogram::<u64>::new_with_bounds(1, MAX_TRACKABLE_US, 3).unwrap();
        let mut max = 0;
        for v in values {
            h.record(v).unwrap();
            max = max.max(v);
        }
        (h, max)
    }

    #[test]
    fn percentiles_of_1_to_1000_are_exact() {
        let (h, max) = hist_of(1..=1000);
        assert_eq!(percentile_us(&h, max, P50), 500);
        assert_eq!(percentile_us(&h, max, P90), 900);
        assert_eq!(percentile_us(&h, max, P99), 990);
        assert_eq!(percentile_us(&h, max, P99_9), 999);
        assert_eq!(percentile_us(&h, max, 1_000_000), 1000);
        assert_eq!(percentile_us(&h, max, 0), 1);
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        // 10 samples: p50 is the 5th, p90 the 9th, p99 and p99.9 the 10th.
        let (h, max) = hist_of([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
        assert_eq!(percentile_us(&h, max, P50), 50);
        assert_eq!(percentile_us(&h, max, P90), 90);
        assert_eq!(percentile_us(&h, max, P99), 100);
        assert_eq!(percentile_us(&h, max, P99_9), 100);
    }

    #[test]
    fn large_values_round_up_to_bucket_but_not_past_max() {
        // 10_000 µs falls in a bucket 8 µs wide: 10_000..=10_007.
        let (h, max) = hist_of([1000, 10_000, 10_001]);
        assert_eq!(percentile_us(&h, max, 0), 1000);
        // The top bucket's bound (10_007) is capped at the true max.
        assert_eq!(percentile_us(&h, max, P50), 10_001);
        assert_eq!(percentile_us(&h, max, P99), 10_001);
        // With the exact max above the bucket top, the bucket top shows.
        assert_eq!(percentile_us(&h, 20_000, P50), 10_007);
    }

    #[test]
    fn empty_histogram_reports_zero() {
        let (h, max) = hist_of([]);
        assert_eq!(percentile_us(&h, max, P99), 0);
        assert_eq!(Latency::from_hist(&h, max).max, 0.0);
    }

    #[test]
    fn recorder_counts_and_summary() {
        let now = Instant::now();
        let mut a = Recorder::new().unwrap();
        for us in 1..=500u64 {
            a.record_response(200, Duration::from_micros(us), now);
        }
        a.record_response(503, Duration::from_micros(1234), now);
        let mut b = Recorder::new().unwrap();
        for us in 501..=999u64 {
            b.record_response(204, Duration::from_micros(us), now);
        }
        b.record_transport_error("connection refused".into(), now);
        b.record_timeouts(2);
        a.merge(&b).unwrap();

        let run = RunInfo {
            url: "http://127.0.0.1:1/".into(),
            method: "GET".into(),
            offered_rate: 1000.0,
            duration_s: 1.0,
            warmup_s: 0.0,
            connections: 2,
            threads: 1,
        };
        let s = Summary::new(run, 1003, &a, Duration::from_secs(2));
        assert_eq!(s.completed, 1000);
        assert_eq!(s.ok, 999);
        assert_eq!(s.errors, 4);
        assert_eq!(s.errors_by_kind.get("503"), Some(&1));
        assert_eq!(s.errors_by_kind.get(TRANSPORT), Some(&1));
        assert_eq!(s.errors_by_kind.get(TIMEOUT), Some(&2));
        assert_eq!(s.throughput_rps, 500.0);
        assert_eq!(s.latency_ms.p50, 0.5);
        assert_eq!(s.latency_ms.p90, 0.9);
        assert_eq!(s.latency_ms.p99, 0.99);
        assert_eq!(s.latency_ms.p99_9, 0.999);
        assert_eq!(s.latency_ms.max, 1.234);
        assert_eq!(a.first_transport_error(), Some("connection refused"));

        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["latency_ms"]["p99_9"], 0.999);
        assert_eq!(json["offered_rate"], 1000.0);
        assert_eq!(json["errors_by_kind"]["timeout"], 2);
        assert!(s.human().contains("p99.9 0.999"));
    }
}
