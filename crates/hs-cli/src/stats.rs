//! Latency samples and the figures drawn from them: rate, percentiles, histogram buckets.

use std::time::Duration;

/// Durations in nanoseconds, kept whole so that every percentile is exact.
#[derive(Clone, Debug, Default)]
pub(crate) struct Samples {
    ns: Vec<u64>,
    sorted: bool,
}

impl Samples {
    pub(crate) fn push(&mut self, d: Duration) {
        self.ns
            .push(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        self.sorted = false;
    }

    pub(crate) fn len(&self) -> usize {
        self.ns.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ns.is_empty()
    }

    /// The samples, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Duration> + '_ {
        self.ns.iter().map(|&n| Duration::from_nanos(n))
    }

    fn sort(&mut self) {
        if !self.sorted {
            self.ns.sort_unstable();
            self.sorted = true;
        }
    }

    /// The sum of all samples.
    pub(crate) fn total(&self) -> Duration {
        Duration::from_nanos(self.ns.iter().fold(0u64, |a, &b| a.saturating_add(b)))
    }

    /// How many samples fit in one second of their summed time (0 when empty).
    pub(crate) fn per_second(&self) -> f64 {
        let secs = self.total().as_secs_f64();
        if secs > 0.0 {
            self.ns.len() as f64 / secs
        } else {
            0.0
        }
    }

    /// The nearest-rank percentile `p` (0..=100), in microseconds; 0 when empty.
    pub(crate) fn percentile_us(&mut self, p: f64) -> f64 {
        if self.ns.is_empty() {
            return 0.0;
        }
        self.sort();
        let rank = ((p / 100.0) * self.ns.len() as f64).ceil() as usize;
        let idx = rank.clamp(1, self.ns.len()) - 1;
        self.ns[idx] as f64 / 1000.0
    }

    pub(crate) fn min_us(&mut self) -> f64 {
        self.percentile_us(0.0)
    }

    pub(crate) fn max_us(&mut self) -> f64 {
        self.percentile_us(100.0)
    }

    /// Counts per bucket over `[min, max]`, split into `buckets` equal widths:
    /// `(bucket lower bound in µs, bucket upper bound in µs, count)`.
    pub(crate) fn histogram(&mut self, buckets: usize) -> Vec<(f64, f64, usize)> {
        if self.ns.is_empty() || buckets == 0 {
            return Vec::new();
        }
        self.sort();
        let lo = self.ns[0];
        let hi = self.ns[self.ns.len() - 1];
        let width = ((hi - lo) / buckets as u64).max(1);
        let mut counts = vec![0usize; buckets];
        for &v in &self.ns {
            let i = (((v - lo) / width) as usize).min(buckets - 1);
            counts[i] += 1;
        }
        counts
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let from = lo + width * i as u64;
                let to = if i + 1 == buckets { hi } else { from + width };
                (from as f64 / 1000.0, to as f64 / 1000.0, c)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(us: &[u64]) -> Samples {
        let mut s = Samples::default();
        for &u in us {
            s.push(Duration::from_micros(u));
        }
        s
    }

    #[test]
    fn percentiles_use_nearest_rank_on_sorted_samples() {
        let mut s = samples(&[50, 10, 40, 20, 30, 60, 70, 80, 90, 100]);
        assert_eq!(s.percentile_us(50.0), 50.0);
        assert_eq!(s.percentile_us(99.0), 100.0);
        assert_eq!(s.percentile_us(90.0), 90.0);
        assert_eq!(s.min_us(), 10.0);
        assert_eq!(s.max_us(), 100.0);
    }

    #[test]
    fn rate_is_count_over_summed_time() {
        let s = samples(&[500_000, 500_000, 1_000_000]);
        assert!((s.per_second() - 1.5).abs() < 1e-9);
        assert_eq!(Samples::default().per_second(), 0.0);
    }

    #[test]
    fn histogram_counts_every_sample_once() {
        let mut s = samples(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
        let h = s.histogram(4);
        assert_eq!(h.len(), 4);
        assert_eq!(h.iter().map(|b| b.2).sum::<usize>(), 10);
        assert_eq!(h[0].2, 9);
        assert_eq!(h[3].2, 1);
        assert_eq!(h[3].1, 100.0);
    }
}
