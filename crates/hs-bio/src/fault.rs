//! `FaultBio`: a transport wrapper that fragments, stalls, truncates and corrupts traffic.

use std::io::{self, Read, Write};

use crate::prng::SplitMix64;

/// Mixed into the seed of the write direction so that reads and writes follow independent
/// schedules from one seed.
const WRITE_SEED_TWEAK: u64 = 0x6A09_E667_F3BC_C909;

/// What a [`FaultBio`] does to the traffic passing through it. Every fault is off by default.
///
/// Fields are public; the methods of the same names set them builder-style:
///
/// ```
/// use hs_bio::FaultConfig;
///
/// let cfg = FaultConfig::new().read_fragment(1).wouldblock_every(3);
/// assert_eq!(cfg.read_fragment, Some(1));
/// let same = FaultConfig { read_fragment: Some(1), wouldblock_every: Some(3), ..Default::default() };
/// assert_eq!(cfg, same);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultConfig {
    /// Cap every read call at this many bytes (0 is treated as 1).
    pub read_fragment: Option<usize>,
    /// Cap every write call at this many bytes (0 is treated as 1).
    pub write_fragment: Option<usize>,
    /// Every k-th call in each direction (reads and writes counted separately, calls with an
    /// empty buffer not counted) returns [`io::ErrorKind::WouldBlock`] without touching the
    /// inner transport. `Some(0)` never fires; `Some(1)` stalls every call.
    pub wouldblock_every: Option<u32>,
    /// `(seed, percent)`: each counted call returns [`io::ErrorKind::WouldBlock`] with
    /// probability `percent`/100 (values above 100 count as 100), drawn from a deterministic
    /// generator seeded with `seed`: the same seed always gives the same schedule. Reads and
    /// writes use independent streams derived from the seed.
    pub wouldblock_seed: Option<(u64, u8)>,
    /// After this many bytes have been read through the wrapper, reads return EOF (`Ok(0)`)
    /// and leave the inner transport's remaining bytes unread.
    pub truncate_read_after: Option<u64>,
    /// Writes pass at most this many bytes in total (a write crossing the limit is shortened
    /// to end exactly at it); once the limit is reached, writes fail with
    /// [`io::ErrorKind::BrokenPipe`].
    pub truncate_write_after: Option<u64>,
    /// `(offset, bit)`: flip bit `bit` (0 = least significant; taken modulo 8) of the byte at
    /// absolute stream offset `offset` of the read direction.
    pub flip_read_bit: Option<(u64, u8)>,
    /// `(offset, bit)`: flip bit `bit` (taken modulo 8) of the byte at absolute stream offset
    /// `offset` of the write direction. The caller's buffer is not modified.
    pub flip_write_bit: Option<(u64, u8)>,
}

impl FaultConfig {
    /// No faults (same as `Default`).
    pub fn new() -> Self {
        FaultConfig::default()
    }

    /// Sets [`read_fragment`](FaultConfig#structfield.read_fragment).
    pub fn read_fragment(mut self, n: usize) -> Self {
        self.read_fragment = Some(n);
        self
    }

    /// Sets [`write_fragment`](FaultConfig#structfield.write_fragment).
    pub fn write_fragment(mut self, n: usize) -> Self {
        self.write_fragment = Some(n);
        self
    }

    /// Sets both `read_fragment` and `write_fragment` to `n`.
    pub fn fragment(self, n: usize) -> Self {
        self.read_fragment(n).write_fragment(n)
    }

    /// Sets [`wouldblock_every`](FaultConfig#structfield.wouldblock_every).
    pub fn wouldblock_every(mut self, k: u32) -> Self {
        self.wouldblock_every = Some(k);
        self
    }

    /// Sets [`wouldblock_seed`](FaultConfig#structfield.wouldblock_seed).
    pub fn wouldblock_seed(mut self, seed: u64, percent: u8) -> Self {
        self.wouldblock_seed = Some((seed, percent));
        self
    }

    /// Sets [`truncate_read_after`](FaultConfig#structfield.truncate_read_after).
    pub fn truncate_read_after(mut self, n: u64) -> Self {
        self.truncate_read_after = Some(n);
        self
    }

    /// Sets [`truncate_write_after`](FaultConfig#structfield.truncate_write_after).
    pub fn truncate_write_after(mut self, n: u64) -> Self {
        self.truncate_write_after = Some(n);
        self
    }

    /// Sets [`flip_read_bit`](FaultConfig#structfield.flip_read_bit).
    pub fn flip_read_bit(mut self, offset: u64, bit: u8) -> Self {
        self.flip_read_bit = Some((offset, bit));
        self
    }

    /// Sets [`flip_write_bit`](FaultConfig#structfield.flip_write_bit).
    pub fn flip_write_bit(mut self, offset: u64, bit: u8) -> Self {
        self.flip_write_bit = Some((offset, bit));
        self
    }
}

/// Counters kept by a [`FaultBio`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Read calls with a non-empty buffer, injected stalls included.
    pub reads: u64,
    /// Write calls with a non-empty buffer, injected stalls included.
    pub writes: u64,
    /// Bytes handed to the caller by reads (the stream offset of the read direction).
    pub bytes_read: u64,
    /// Bytes accepted by the inner transport from writes (the stream offset of the write
    /// direction).
    pub bytes_written: u64,
    /// `WouldBlock` results injected by the wrapper, both directions (not those of the inner
    /// transport).
    pub injected_wouldblocks: u64,
}

/// A transport wrapper that injects faults, for users who test their own handshake loops
/// (and for hs's own tests and fuzzers).
///
/// It wraps any `Read + Write` and, as its [`FaultConfig`] says, cuts reads and writes into
/// fragments, answers some calls with [`io::ErrorKind::WouldBlock`] (on a fixed or a seeded
/// schedule), ends a direction early, or flips one bit at a chosen stream offset. An injected
/// `WouldBlock` is returned before the inner transport is touched, so it never consumes or
/// loses bytes: a correct loop retries and ends with exactly the bytes it would have had.
///
/// Reads and writes with an empty buffer return `Ok(0)` and are not counted. `flush` passes
/// through unchanged.
///
/// ```
/// use std::io::{ErrorKind, Read, Write};
/// use hs_bio::{FaultBio, FaultConfig, MemBio};
///
/// let cfg = FaultConfig::new().fragment(1).wouldblock_every(2);
/// let mut bio = FaultBio::new(MemBio::new(), cfg);
///
/// // Write "hey" the way a non-blocking loop would: retry on WouldBlock.
/// let mut sent = 0;
/// let data = b"hey";
/// while sent < data.len() {
///     match bio.write(&data[sent..]) {
///         Ok(n) => { assert_eq!(n, 1); sent += n }
///         Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
///         Err(e) => panic!("{e}"),
///     }
/// }
/// assert_eq!(bio.get_ref().data(), b"hey");
/// let stats = bio.stats();
/// assert_eq!((stats.writes, stats.bytes_written, stats.injected_wouldblocks), (5, 3, 2));
///
/// // Reads come one byte at a time too, every second call stalled.
/// let mut buf = [0u8; 8];
/// assert_eq!(bio.read(&mut buf).unwrap(), 1);
/// assert_eq!(bio.read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
/// assert_eq!(bio.read(&mut buf).unwrap(), 1);
/// ```
#[derive(Debug)]
pub struct FaultBio<T> {
    inner: T,
    config: FaultConfig,
    stats: FaultStats,
    read_rng: Option<SplitMix64>,
    write_rng: Option<SplitMix64>,
}

/// Converts a byte budget to a buffer length cap.
fn cap(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Whether the counted call number `call` (1-based) is stalled.
fn stall(every: Option<u32>, rng: Option<&mut SplitMix64>, percent: u8, call: u64) -> bool {
    // Draw from the generator on every call, so the schedule depends only on the call count.
    let random = rng.is_some_and(|g| g.chance(percent));
    let periodic = matches!(every, Some(k) if k > 0 && call % u64::from(k) == 0);
    random || periodic
}

impl<T> FaultBio<T> {
    /// Wraps `inner` with the faults of `config`.
    pub fn new(inner: T, config: FaultConfig) -> Self {
        let (read_rng, write_rng) = Self::rngs(&config);
        FaultBio {
            inner,
            config,
            stats: FaultStats::default(),
            read_rng,
            write_rng,
        }
    }

    fn rngs(config: &FaultConfig) -> (Option<SplitMix64>, Option<SplitMix64>) {
        match config.wouldblock_seed {
            Some((seed, _)) => (
                Some(SplitMix64::new(seed)),
                Some(SplitMix64::new(seed ^ WRITE_SEED_TWEAK)),
            ),
            None => (None, None),
        }
    }

    /// The faults in force.
    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Replaces the faults, e.g. to stop injecting once a handshake is done. Counters and
    /// stream offsets keep running (the `wouldblock_every` count and the truncation and
    /// bit-flip offsets continue from [`stats`](Self::stats)); the seeded schedule restarts
    /// from the new seed.
    pub fn set_config(&mut self, config: FaultConfig) {
        let (read_rng, write_rng) = Self::rngs(&config);
        self.read_rng = read_rng;
        self.write_rng = write_rng;
        self.config = config;
    }

    /// The counters so far.
    pub fn stats(&self) -> FaultStats {
        self.stats
    }

    /// The wrapped transport.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped transport, mutably. Bytes moved through it directly are not counted.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the transport.
    pub fn into_inner(self) -> T {
        self.inner
    }

    fn percent(&self) -> u8 {
        self.config.wouldblock_seed.map_or(0, |(_, p)| p)
    }
}

impl<T: Read> Read for FaultBio<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.stats.reads += 1;
        let percent = self.percent();
        if stall(
            self.config.wouldblock_every,
            self.read_rng.as_mut(),
            percent,
            self.stats.reads,
        ) {
            self.stats.injected_wouldblocks += 1;
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let mut limit = buf.len();
        if let Some(frag) = self.config.read_fragment {
            limit = limit.min(frag.max(1));
        }
        if let Some(total) = self.config.truncate_read_after {
            let remaining = total.saturating_sub(self.stats.bytes_read);
            if remaining == 0 {
                return Ok(0);
            }
            limit = limit.min(cap(remaining));
        }
        let chunk = &mut buf[..limit];
        let n = self.inner.read(chunk)?.min(limit);
        let start = self.stats.bytes_read;
        if let Some((offset, bit)) = self.config.flip_read_bit {
            if let Some(i) = offset.checked_sub(start).filter(|&i| i < n as u64) {
                chunk[i as usize] ^= 1 << (bit & 7);
            }
        }
        self.stats.bytes_read += n as u64;
        Ok(n)
    }
}

impl<T: Write> Write for FaultBio<T> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        self.stats.writes += 1;
        let percent = self.percent();
        if stall(
            self.config.wouldblock_every,
            self.write_rng.as_mut(),
            percent,
            self.stats.writes,
        ) {
            self.stats.injected_wouldblocks += 1;
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let mut limit = data.len();
        if let Some(frag) = self.config.write_fragment {
            limit = limit.min(frag.max(1));
        }
        if let Some(total) = self.config.truncate_write_after {
            let remaining = total.saturating_sub(self.stats.bytes_written);
            if remaining == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "FaultBio: write direction truncated",
                ));
            }
            limit = limit.min(cap(remaining));
        }
        let chunk = &data[..limit];
        let start = self.stats.bytes_written;
        let flip_at = self.config.flip_write_bit.and_then(|(offset, bit)| {
            offset
                .checked_sub(start)
                .filter(|&i| i < limit as u64)
                .map(|i| (i as usize, bit))
        });
        let n = match flip_at {
            Some((i, bit)) => {
                let mut copy = chunk.to_vec();
                copy[i] ^= 1 << (bit & 7);
                self.inner.write(&copy)?
            }
            None => self.inner.write(chunk)?,
        }
        .min(limit);
        self.stats.bytes_written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{bio_pair, MemBio};

    fn is_wb<T: std::fmt::Debug>(r: &io::Result<T>) -> bool {
        matches!(r, Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }

    /// Writes all of `data`, retrying WouldBlock; returns the number of calls.
    fn write_retrying<W: Write>(w: &mut W, data: &[u8]) -> usize {
        let mut sent = 0;
        let mut calls = 0;
        while sent < data.len() {
            calls += 1;
            assert!(calls < 1_000_000, "no progress");
            match w.write(&data[sent..]) {
                Ok(n) => sent += n,
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
            }
        }
        calls
    }

    /// Reads until EOF, retrying WouldBlock.
    fn read_retrying<R: Read>(r: &mut R) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        let mut calls = 0;
        loop {
            calls += 1;
            assert!(calls < 1_000_000, "no progress");
            match r.read(&mut buf) {
                Ok(0) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
            }
        }
    }

    fn eof_mem(data: &[u8]) -> MemBio {
        MemBio::from_bytes(data)
    }

    #[test]
    fn no_faults_is_transparent() {
        let mut bio = FaultBio::new(eof_mem(b"plain"), FaultConfig::default());
        let mut buf = [0u8; 16];
        assert_eq!(bio.read(&mut buf).unwrap(), 5);
        assert_eq!(bio.read(&mut buf).unwrap(), 0);
        assert_eq!(bio.stats().reads, 2);
        assert_eq!(bio.stats().bytes_read, 5);
        assert_eq!(bio.stats().injected_wouldblocks, 0);
        assert_eq!(bio.config(), &FaultConfig::new());
    }

    #[test]
    fn fragments_reads_and_writes() {
        let cfg = FaultConfig::new().read_fragment(3).write_fragment(2);
        let mut bio = FaultBio::new(MemBio::new(), cfg);
        assert_eq!(bio.write(b"abcdefg").unwrap(), 2);
        assert_eq!(bio.write(b"cdefg").unwrap(), 2);
        write_retrying(&mut bio, b"efg");
        bio.flush().unwrap();
        assert_eq!(bio.get_ref().data(), b"abcdefg");
        let mut buf = [0u8; 10];
        assert_eq!(bio.read(&mut buf).unwrap(), 3);
        assert_eq!(&buf[..3], b"abc");
        assert_eq!(bio.read(&mut buf).unwrap(), 3);
        assert_eq!(bio.read(&mut buf).unwrap(), 1);
        assert_eq!(bio.stats().bytes_read, 7);
        assert_eq!(bio.stats().bytes_written, 7);
        assert_eq!(bio.stats().writes, 4);
    }

    #[test]
    fn zero_fragment_means_one() {
        let mut bio = FaultBio::new(MemBio::new(), FaultConfig::new().fragment(0));
        assert_eq!(bio.write(b"xyz").unwrap(), 1);
        let mut buf = [0u8; 4];
        assert_eq!(bio.read(&mut buf).unwrap(), 1);
    }

    #[test]
    fn wouldblock_every_is_per_direction_and_loses_nothing() {
        let cfg = FaultConfig::new().fragment(1).wouldblock_every(3);
        let mut bio = FaultBio::new(MemBio::new(), cfg);
        let results: Vec<bool> = (0..9).map(|_| is_wb(&bio.write(b"q"))).collect();
        assert_eq!(
            results,
            [false, false, true, false, false, true, false, false, true]
        );
        // 6 bytes got through, the stalled calls consumed nothing.
        assert_eq!(bio.get_ref().pending(), 6);
        assert_eq!(bio.stats().injected_wouldblocks, 3);
        // Reads have their own count: their first two calls are not stalled.
        let mut buf = [0u8; 4];
        assert_eq!(bio.read(&mut buf).unwrap(), 1);
        assert_eq!(bio.read(&mut buf).unwrap(), 1);
        assert!(is_wb(&bio.read(&mut buf)));
        assert_eq!(bio.get_ref().pending(), 4);
        assert_eq!(bio.stats().injected_wouldblocks, 4);

        // Whole messages survive.
        let data: Vec<u8> = (0..=255).collect();
        let mut bio = FaultBio::new(
            MemBio::new(),
            FaultConfig::new().fragment(7).wouldblock_every(2),
        );
        write_retrying(&mut bio, &data);
        bio.get_mut().set_eof_return(0);
        assert_eq!(read_retrying(&mut bio), data);
    }

    #[test]
    fn wouldblock_every_zero_never_fires() {
        let mut bio = FaultBio::new(MemBio::new(), FaultConfig::new().wouldblock_every(0));
        for _ in 0..10 {
            bio.write_all(b"ok").unwrap();
        }
        assert_eq!(bio.stats().injected_wouldblocks, 0);
    }

    fn schedule(seed: u64, percent: u8, calls: usize) -> Vec<bool> {
        let mut bio = FaultBio::new(
            MemBio::new(),
            FaultConfig::new().wouldblock_seed(seed, percent),
        );
        (0..calls).map(|_| is_wb(&bio.write(b"z"))).collect()
    }

    #[test]
    fn seeded_schedule_is_deterministic() {
        let a = schedule(1234, 40, 200);
        let b = schedule(1234, 40, 200);
        assert_eq!(a, b);
        let stalls = a.iter().filter(|&&s| s).count();
        assert!((40..=120).contains(&stalls), "stalls {stalls}");
        assert_ne!(a, schedule(1235, 40, 200));
        assert!(schedule(9, 0, 100).iter().all(|&s| !s));
        assert!(schedule(9, 100, 100).iter().all(|&s| s));
    }

    #[test]
    fn seeded_read_schedule_ignores_write_traffic() {
        let cfg = FaultConfig::new().wouldblock_seed(77, 50);
        let read_schedule = |interleave: bool| {
            let mut bio = FaultBio::new(MemBio::new(), cfg.clone());
            let mut out = Vec::new();
            for _ in 0..100 {
                if interleave {
                    let _ = bio.write(b"w");
                }
                bio.get_mut().write_all(b"r").unwrap();
                let mut buf = [0u8; 1];
                out.push(is_wb(&bio.read(&mut buf)));
            }
            out
        };
        assert_eq!(read_schedule(false), read_schedule(true));
    }

    #[test]
    fn seeded_schedule_loses_nothing() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 3) as u8).collect();
        let cfg = FaultConfig::new().fragment(5).wouldblock_seed(99, 60);
        let (a, b) = bio_pair(32, 32);
        let mut a = FaultBio::new(a, cfg.clone());
        let mut b = FaultBio::new(b, cfg);
        let mut sent = 0;
        let mut got = Vec::new();
        let mut buf = [0u8; 16];
        while got.len() < data.len() {
            if sent < data.len() {
                match a.write(&data[sent..]) {
                    Ok(n) => sent += n,
                    Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
                }
            }
            match b.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
            }
        }
        assert_eq!(got, data);
        assert!(a.stats().injected_wouldblocks > 0);
        assert!(b.stats().injected_wouldblocks > 0);
    }

    #[test]
    fn truncate_read() {
        let mut bio = FaultBio::new(
            eof_mem(b"0123456789"),
            FaultConfig::new().truncate_read_after(4),
        );
        let mut buf = [0u8; 3];
        assert_eq!(bio.read(&mut buf).unwrap(), 3);
        assert_eq!(bio.read(&mut buf).unwrap(), 1);
        assert_eq!(buf[0], b'3');
        assert_eq!(bio.read(&mut buf).unwrap(), 0);
        assert_eq!(bio.read(&mut buf).unwrap(), 0);
        // The rest stays in the inner transport.
        assert_eq!(bio.get_ref().data(), b"456789");
        assert_eq!(bio.into_inner().pending(), 6);
    }

    #[test]
    fn truncate_read_zero() {
        let mut bio = FaultBio::new(eof_mem(b"abc"), FaultConfig::new().truncate_read_after(0));
        let mut buf = [0u8; 3];
        assert_eq!(bio.read(&mut buf).unwrap(), 0);
        assert_eq!(bio.get_ref().pending(), 3);
    }

    #[test]
    fn truncate_write() {
        let mut bio = FaultBio::new(MemBio::new(), FaultConfig::new().truncate_write_after(5));
        assert_eq!(bio.write(b"abc").unwrap(), 3);
        assert_eq!(bio.write(b"defgh").unwrap(), 2);
        let err = bio.write(b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(bio.get_ref().data(), b"abcde");
        assert_eq!(bio.stats().bytes_written, 5);
        let mut bio = FaultBio::new(MemBio::new(), FaultConfig::new().truncate_write_after(3));
        let err = bio.write_all(b"abcdef").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(bio.get_ref().data(), b"abc");
    }

    #[test]
    fn flip_read_bit_across_fragments() {
        let data = [0u8; 20];
        for (offset, bit) in [(0u64, 0u8), (5, 7), (13, 3), (19, 9)] {
            let cfg = FaultConfig::new()
                .read_fragment(3)
                .flip_read_bit(offset, bit);
            let mut bio = FaultBio::new(eof_mem(&data), cfg);
            let got = read_retrying(&mut bio);
            let mut expected = data.to_vec();
            expected[offset as usize] ^= 1 << (bit % 8);
            assert_eq!(got, expected, "offset {offset} bit {bit}");
        }
        // An offset past the stream changes nothing.
        let mut bio = FaultBio::new(eof_mem(&data), FaultConfig::new().flip_read_bit(20, 0));
        assert_eq!(read_retrying(&mut bio), data);
    }

    #[test]
    fn flip_write_bit_with_partial_inner_writes() {
        let data: Vec<u8> = (0..40).collect();
        for offset in [0u64, 4, 5, 17, 39] {
            // The inner pair takes at most 6 bytes at a time, so writes are often partial.
            let (a, mut b) = bio_pair(6, 6);
            let mut bio = FaultBio::new(
                a,
                FaultConfig::new()
                    .write_fragment(4)
                    .flip_write_bit(offset, 1),
            );
            let mut sent = 0;
            let mut got = Vec::new();
            let mut buf = [0u8; 5];
            while got.len() < data.len() {
                if sent < data.len() {
                    match bio.write(&data[sent..]) {
                        Ok(n) => sent += n,
                        Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
                    }
                }
                match b.read(&mut buf) {
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
                }
            }
            let mut expected = data.clone();
            expected[offset as usize] ^= 2;
            assert_eq!(got, expected, "offset {offset}");
        }
    }

    #[test]
    fn empty_buffers_are_not_counted() {
        let mut bio = FaultBio::new(MemBio::new(), FaultConfig::new().wouldblock_every(1));
        assert_eq!(bio.write(&[]).unwrap(), 0);
        assert_eq!(bio.read(&mut []).unwrap(), 0);
        assert_eq!(bio.stats(), FaultStats::default());
        assert!(is_wb(&bio.write(b"a")));
        assert_eq!(bio.stats().writes, 1);
    }

    #[test]
    fn set_config_turns_faults_off() {
        let mut bio = FaultBio::new(MemBio::new(), FaultConfig::new().wouldblock_every(1));
        assert!(is_wb(&bio.write(b"a")));
        bio.set_config(FaultConfig::default());
        bio.write_all(b"abc").unwrap();
        assert_eq!(bio.get_ref().data(), b"abc");
        assert_eq!(bio.stats().writes, 2);
        assert_eq!(bio.stats().injected_wouldblocks, 1);
    }

    #[test]
    fn inner_errors_pass_through() {
        let mut bio = FaultBio::new(MemBio::from_bytes(b"ro"), FaultConfig::new().fragment(1));
        let err = bio.write(b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(bio.stats().bytes_written, 0);
        let mut empty = FaultBio::new(MemBio::new(), FaultConfig::new());
        let mut buf = [0u8; 1];
        assert!(is_wb(&empty.read(&mut buf)));
        assert_eq!(empty.stats().injected_wouldblocks, 0);
    }
}
