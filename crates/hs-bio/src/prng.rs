//! A tiny deterministic pseudo-random generator (SplitMix64) for fault schedules.
//!
//! Written here instead of depending on `rand`: fault schedules must be reproducible from a
//! seed alone — the same seed gives the same schedule on every platform and every version, so
//! a failing fuzz case or test can be replayed — and this crate stays dependency-free for it.
//! It is not for cryptography.

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state word, full period 2^64.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `percent`/100 (values above 100 count as 100).
    pub(crate) fn chance(&mut self, percent: u8) -> bool {
        self.next_u64() % 100 < u64::from(percent.min(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // Reference values of SplitMix64 seeded with 0.
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn chance_bounds() {
        let mut g = SplitMix64::new(42);
        assert!((0..1000).all(|_| !g.chance(0)));
        assert!((0..1000).all(|_| g.chance(100)));
        assert!((0..1000).all(|_| g.chance(255)));
        let hits = (0..10_000).filter(|_| g.chance(30)).count();
        assert!((2_500..3_500).contains(&hits), "hits {hits}");
    }
}
