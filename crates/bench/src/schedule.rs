//! The open-loop request schedule: which request ("slot") is due when.
//!
//! Slot `i` is due at `start + i / rate`, no matter how the server is doing.
//! Workers claim slots from one shared atomic counter, so the fixed rate is
//! spread over however many connections are free. When every connection is
//! busy, due slots simply wait to be claimed, and because latency is measured
//! from the slot's due time (not from when it was actually sent) that waiting
//! is counted. This is what avoids "coordinated omission": a closed-loop
//! generator would quietly send less while the server stalls and so never
//! sample the requests that would have seen the stall.
//!
//! Timing: a worker must not start a slot before it is due, but tokio's timer
//! has millisecond granularity and rounds up, so workers sleeping on it would
//! send up to ~2 ms late (and that lateness would be counted as server
//! latency), while spinning on the clock would burn a core the server may
//! need. Instead one plain OS thread, the pacer (`pace`), sleeps with the
//! OS's microsecond-precision sleep and releases a permit on a semaphore as
//! each slot comes due; a free worker takes a permit, then claims the next
//! slot number. Permits not yet taken are the queue of due-but-unsent
//! requests.
//!
//! The first `warmup_slots` slots warm connections and caches and are not
//! recorded; the next `measured_slots` are.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

const NANOS_PER_SEC: f64 = 1_000_000_000.0;

/// The shared schedule. Pure arithmetic plus one counter; the start instant is
/// held by the caller so that the due-time maths can be tested exactly.
#[derive(Debug)]
pub struct Schedule {
    rate: f64,
    warmup_slots: u64,
    total_slots: u64,
    next: AtomicU64,
}

impl Schedule {
    /// `rate` in requests per second (> 0); `warmup` and `duration` in seconds.
    /// Slot counts are rounded to the nearest whole request so that e.g.
    /// 500/s for 10 s is exactly 5000 measured requests.
    pub fn new(rate: f64, warmup_secs: f64, duration_secs: f64) -> anyhow::Result<Self> {
        anyhow::ensure!(rate.is_finite() && rate > 0.0, "--rate must be > 0");
        anyhow::ensure!(
            warmup_secs.is_finite() && warmup_secs >= 0.0,
            "--warmup must be >= 0"
        );
        anyhow::ensure!(
            duration_secs.is_finite() && duration_secs > 0.0,
            "--duration must be > 0"
        );
        let warmup_slots = slots_in(rate, warmup_secs)?;
        let measured_slots = slots_in(rate, duration_secs)?;
        anyhow::ensure!(
            measured_slots > 0,
            "--rate x --duration gives no request to measure"
        );
        Ok(Self {
            rate,
            warmup_slots,
            total_slots: warmup_slots + measured_slots,
            next: AtomicU64::new(0),
        })
    }

    /// Offset of slot `i` from the schedule start: `i / rate`, rounded to the
    /// nearest nanosecond. Computed from `i` each time (rather than by adding
    /// an interval repeatedly) so rounding never accumulates into drift.
    pub fn due_offset(&self, slot: u64) -> Duration {
        // f64 holds integers exactly up to 2^53 ns (~104 days): ample.
        let nanos = (slot as f64 * NANOS_PER_SEC / self.rate).round();
        Duration::from_nanos(nanos as u64)
    }

    /// How many slots are due at `elapsed` since the start, i.e. the number
    /// of slots `i` with `due_offset(i) <= elapsed` (slot 0 is due at once).
    pub fn due_by(&self, elapsed: Duration) -> u64 {
        // Estimate with floats, then settle exactly against `due_offset` so
        // the two can never disagree by a rounding step.
        let estimate = (elapsed.as_nanos() as f64 * self.rate / NANOS_PER_SEC).floor() + 1.0;
        let mut n = (estimate.max(0.0) as u64).min(self.total_slots);
        while n < self.total_slots && self.due_offset(n) <= elapsed {
            n += 1;
        }
        while n > 0 && self.due_offset(n - 1) > elapsed {
            n -= 1;
        }
        n
    }

    /// Claim the next slot, or `None` once every slot has been handed out.
    /// Relaxed ordering is enough: the counter only has to hand out each
    /// number once; it guards no other memory.
    pub fn claim(&self) -> Option<u64> {
        let slot = self.next.fetch_add(1, Ordering::Relaxed);
        (slot < self.total_slots).then_some(slot)
    }

    /// How many slots were handed out (the counter overshoots by one per
    /// worker that found the schedule exhausted, hence the `min`).
    pub fn claimed(&self) -> u64 {
        self.next.load(Ordering::Relaxed).min(self.total_slots)
    }

    /// Whether a slot belongs to the recorded window (after warmup).
    pub fn is_measured(&self, slot: u64) -> bool {
        slot >= self.warmup_slots && slot < self.total_slots
    }

    pub fn warmup_slots(&self) -> u64 {
        self.warmup_slots
    }

    pub fn total_slots(&self) -> u64 {
        self.total_slots
    }

    pub fn measured_slots(&self) -> u64 {
        self.total_slots - self.warmup_slots
    }

    /// Offset at which the recorded window starts (due time of the first
    /// measured slot).
    pub fn measure_start(&self) -> Duration {
        self.due_offset(self.warmup_slots)
    }

    /// Offset at which the schedule ends: one interval after the last slot,
    /// i.e. `total_slots / rate`.
    pub fn end(&self) -> Duration {
        self.due_offset(self.total_slots)
    }
}

/// The pacer loop, run on its own OS thread: add one permit to `permits` as
/// each slot comes due (in batches when several are due at once), then
/// `extra` more so that every worker wakes, finds the schedule exhausted and
/// exits. Returns once every slot has been released, i.e. at `end()`.
pub fn pace(schedule: &Schedule, start: Instant, permits: &Semaphore, extra: usize) {
    let mut released = 0u64;
    while released < schedule.total_slots {
        let due = schedule.due_by(start.elapsed());
        if due > released {
            let batch = usize::try_from(due - released).unwrap_or(usize::MAX);
            permits.add_permits(batch);
            released = due;
        }
        if released < schedule.total_slots {
            let next_due = start + schedule.due_offset(released);
            // std::thread::sleep is precise to tens of microseconds on Linux.
            std::thread::sleep(next_due.saturating_duration_since(Instant::now()));
        }
    }
    permits.add_permits(extra);
}

/// Start `pace` on a named thread.
pub fn spawn_pacer(
    schedule: Arc<Schedule>,
    start: Instant,
    permits: Arc<Semaphore>,
    extra: usize,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("patron-bench-pacer".into())
        .spawn(move || pace(&schedule, start, &permits, extra))
}

fn slots_in(rate: f64, secs: f64) -> anyhow::Result<u64> {
    let slots = (rate * secs).round();
    anyhow::ensure!(
        slots < 2f64.powi(53),
        "--rate x time is too large: {slots} requests"
    );
    Ok(slots as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_due_times_at_500_per_second() {
        let s = Schedule::new(500.0, 2.0, 10.0).unwrap();
        assert_eq!(s.due_offset(0), Duration::ZERO);
        assert_eq!(s.due_offset(1), Duration::from_millis(2));
        assert_eq!(s.due_offset(2), Duration::from_millis(4));
        assert_eq!(s.due_offset(250), Duration::from_millis(500));
        assert_eq!(s.due_offset(999), Duration::from_millis(1998));
        assert_eq!(s.due_offset(1000), Duration::from_secs(2));
        assert_eq!(s.due_offset(5999), Duration::from_millis(11_998));
        assert_eq!(s.end(), Duration::from_secs(12));
        assert_eq!(s.measure_start(), Duration::from_secs(2));
    }

    #[test]
    fn slot_due_times_round_to_nanoseconds_without_drift() {
        // 1/3 s is not representable; each slot rounds independently.
        let s = Schedule::new(3.0, 0.0, 1.0).unwrap();
        assert_eq!(s.due_offset(1), Duration::from_nanos(333_333_333));
        assert_eq!(s.due_offset(2), Duration::from_nanos(666_666_667));
        assert_eq!(s.due_offset(3), Duration::from_secs(1));
        assert_eq!(s.due_offset(3_000_000), Duration::from_secs(1_000_000));
        // Fractional rate: one request every 4 s.
        let slow = Schedule::new(0.25, 0.0, 8.0).unwrap();
        assert_eq!(slow.due_offset(1), Duration::from_secs(4));
        assert_eq!(slow.total_slots(), 2);
    }

    #[test]
    fn warmup_and_measured_slot_counts() {
        let s = Schedule::new(500.0, 2.0, 10.0).unwrap();
        assert_eq!(s.warmup_slots(), 1000);
        assert_eq!(s.measured_slots(), 5000);
        assert_eq!(s.total_slots(), 6000);
        assert!(!s.is_measured(0));
        assert!(!s.is_measured(999));
        assert!(s.is_measured(1000));
        assert!(s.is_measured(5999));
        assert!(!s.is_measured(6000));

        let no_warmup = Schedule::new(100.0, 0.0, 0.5).unwrap();
        assert_eq!(no_warmup.warmup_slots(), 0);
        assert_eq!(no_warmup.total_slots(), 50);
        assert!(no_warmup.is_measured(0));
    }

    #[test]
    fn claims_each_slot_once_then_stops() {
        let s = Schedule::new(4.0, 0.0, 1.0).unwrap();
        let got: Vec<u64> = std::iter::from_fn(|| s.claim()).collect();
        assert_eq!(got, vec![0, 1, 2, 3]);
        assert_eq!(s.claim(), None);
        assert_eq!(s.claimed(), 4);
    }

    #[test]
    fn slots_due_by_elapsed_time() {
        let s = Schedule::new(500.0, 0.0, 1.0).unwrap(); // 500 slots, every 2 ms
        assert_eq!(s.due_by(Duration::ZERO), 1);
        assert_eq!(s.due_by(Duration::from_nanos(1_999_999)), 1);
        assert_eq!(s.due_by(Duration::from_millis(2)), 2);
        assert_eq!(s.due_by(Duration::from_millis(3)), 2);
        assert_eq!(s.due_by(Duration::from_millis(998)), 500);
        assert_eq!(s.due_by(Duration::from_secs(5)), 500);

        let thirds = Schedule::new(3.0, 0.0, 2.0).unwrap(); // due at 0, .333.., .666.., 1, ...
        assert_eq!(thirds.due_by(Duration::from_nanos(333_333_332)), 1);
        assert_eq!(thirds.due_by(Duration::from_nanos(333_333_333)), 2);
        assert_eq!(thirds.due_by(Duration::from_nanos(666_666_666)), 2);
        assert_eq!(thirds.due_by(Duration::from_nanos(666_666_667)), 3);
    }

    #[test]
    fn pacer_releases_every_slot_plus_extra() {
        // 200/s for 0.05 s: 10 slots over 45 ms, then 3 wake-up permits.
        let s = Schedule::new(200.0, 0.0, 0.05).unwrap();
        let permits = Semaphore::new(0);
        let start = Instant::now();
        pace(&s, start, &permits, 3);
        assert!(start.elapsed() >= Duration::from_millis(45));
        assert_eq!(permits.available_permits(), 13);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(Schedule::new(0.0, 1.0, 1.0).is_err());
        assert!(Schedule::new(-5.0, 1.0, 1.0).is_err());
        assert!(Schedule::new(f64::NAN, 1.0, 1.0).is_err());
        assert!(Schedule::new(10.0, -1.0, 1.0).is_err());
        assert!(Schedule::new(10.0, 1.0, 0.0).is_err());
        assert!(Schedule::new(1.0, 0.0, 0.1).is_err()); // rounds to 0 requests
    }
}
