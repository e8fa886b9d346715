//! Interleaved throughput: implementations measured in alternating batches, so that a slow
//! phase of the machine (another process, a busy neighbour of the VM) hits them all alike.
//!
//! Criterion measures one implementation after the other, each for a few seconds; on a
//! shared 2-core VM the conditions change between those seconds by more than the 3 % the
//! targets are about, so two full runs can disagree by 30 % on a single ratio. Here each
//! round runs a short batch of every implementation, in the order of [`crate::turns`], and
//! each implementation's figure is the median of its per-round times: a disturbance lasting
//! a few rounds moves every implementation's rounds alike and not the medians.

use std::time::Duration;

use crate::drive::SideTimes;
use crate::turns;

/// One implementation's complete handshake, adding each side's time to the argument.
pub type Handshake<'a> = Box<dyn FnMut(&mut SideTimes) -> Result<(), String> + 'a>;

/// `n` complete handshakes of one implementation, adding each side's time to the argument:
/// for an implementation that runs batches itself (the C path's programs, which run in
/// processes of their own and are asked for a batch at a time).
pub type Batch<'a> = Box<dyn FnMut(u32, &mut SideTimes) -> Result<(), String> + 'a>;

/// How long to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Rounds; each runs one batch of every implementation.
    pub rounds: usize,
    /// The time one batch takes (both sides together), which sets each implementation's
    /// batch size once, after a warm-up batch.
    pub batch: Duration,
}

impl Settings {
    /// `cargo xtask bench`: 384 rounds (sixty-four whole cycles of [`turns::ORDERS`]) of
    /// 12.5 ms batches.
    pub const FULL: Settings = Settings {
        rounds: 384,
        batch: Duration::from_micros(12_500),
    };
    /// `--quick`: 6 rounds of 3 ms batches.
    pub const QUICK: Settings = Settings {
        rounds: 6,
        batch: Duration::from_millis(3),
    };
}

/// Each implementation's median time per handshake, each side on its own.
///
/// Each implementation first runs a warm-up handshake then a warm-up batch (not counted)
/// that sizes its batches to `settings.batch`. With three implementations or more the first
/// three take turns in the order of [`turns::order`] and the others follow them in their
/// own order (the crypto floor, measured in the same rounds); with two the order is the
/// same every round, which lets each follow the other equally often.
pub fn interleave(
    impls: &mut [Handshake<'_>],
    settings: Settings,
) -> Result<Vec<SideTimes>, String> {
    Ok(medians(&interleave_rounds(impls, settings)?))
}

/// [`interleave`]'s measurements before the medians are taken: each implementation's time
/// per handshake in each round, so that the rounds of several runs can be pooled.
pub fn interleave_rounds(
    impls: &mut [Handshake<'_>],
    settings: Settings,
) -> Result<Vec<Vec<SideTimes>>, String> {
    let mut batches: Vec<Batch<'_>> = impls
        .iter_mut()
        .map(|h| -> Batch<'_> { Box::new(move |n, t| (0..n).try_for_each(|_| h(t))) })
        .collect();
    rounds_of_batches(&mut batches, settings)
}

/// [`interleave`] for implementations that run a batch at a time.
pub fn interleave_batches(
    impls: &mut [Batch<'_>],
    settings: Settings,
) -> Result<Vec<SideTimes>, String> {
    Ok(medians(&rounds_of_batches(impls, settings)?))
}

/// Each implementation's median round (each side on its own), from per-implementation
/// lists of rounds as [`interleave_rounds`] returns them.
pub fn medians(rounds: &[Vec<SideTimes>]) -> Vec<SideTimes> {
    rounds.iter().map(|r| median(r)).collect()
}

/// Adds the rounds of another run (as [`interleave_rounds`] returns them, the same
/// implementations in the same order) to `pooled`, implementation by implementation.
pub fn pool(pooled: &mut Vec<Vec<SideTimes>>, more: Vec<Vec<SideTimes>>) {
    pooled.resize_with(pooled.len().max(more.len()), Vec::new);
    for (all, rounds) in pooled.iter_mut().zip(more) {
        all.extend(rounds);
    }
}

fn rounds_of_batches(
    impls: &mut [Batch<'_>],
    settings: Settings,
) -> Result<Vec<Vec<SideTimes>>, String> {
    let mut sizes = Vec::with_capacity(impls.len());
    for b in impls.iter_mut() {
        b(1, &mut SideTimes::default())?;
        sizes.push(batch_size(b, settings.batch)?);
    }
    let mut rounds: Vec<Vec<SideTimes>> = vec![Vec::with_capacity(settings.rounds); impls.len()];
    for round in 0..settings.rounds {
        for k in order(impls.len(), round) {
            let n = sizes[k];
            let mut t = SideTimes::default();
            impls[k](n, &mut t)?;
            rounds[k].push(SideTimes {
                client: t.client / n,
                server: t.server / n,
            });
        }
    }
    Ok(rounds)
}

/// How many handshakes take about `target` (at least one), from a warm-up batch that
/// grows until it has run for at least a fifth of `target`. The time is what the
/// handshakes report (both sides together), not the caller's: an implementation may run
/// in another process (the C path).
fn batch_size(b: &mut Batch<'_>, target: Duration) -> Result<u32, String> {
    let mut n: u32 = 1;
    loop {
        let mut t = SideTimes::default();
        b(n, &mut t)?;
        let spent = t.client + t.server;
        if spent >= target / 5 || n >= 1 << 20 {
            let each = (spent / n).max(Duration::from_nanos(1));
            let size = target.as_nanos() / each.as_nanos();
            return Ok(u32::try_from(size).unwrap_or(u32::MAX).max(1));
        }
        n *= 2;
    }
}

fn order(impls: usize, round: usize) -> Vec<usize> {
    if impls >= turns::IMPLS {
        turns::order(round)
            .into_iter()
            .chain(turns::IMPLS..impls)
            .collect()
    } else {
        (0..impls).collect()
    }
}

/// The median of `values` (the upper one of an even count), `None` if there are none.
pub fn upper_median<T: Copy>(
    mut values: Vec<T>,
    cmp: impl FnMut(&T, &T) -> std::cmp::Ordering,
) -> Option<T> {
    values.sort_unstable_by(cmp);
    values.get(values.len() / 2).copied()
}

/// The median of each side on its own (the upper one of an even count).
fn median(rounds: &[SideTimes]) -> SideTimes {
    let pick = |f: fn(&SideTimes) -> Duration| {
        upper_median(rounds.iter().map(f).collect(), Ord::cmp).unwrap_or_default()
    };
    SideTimes {
        client: pick(|t| t.client),
        server: pick(|t| t.server),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A fake handshake that charges fixed times and logs which implementation ran.
    fn fake<'a>(k: usize, client_us: u64, log: &'a RefCell<Vec<usize>>) -> Handshake<'a> {
        Box::new(move |t: &mut SideTimes| {
            t.client += Duration::from_micros(client_us);
            t.server += Duration::from_micros(2 * client_us);
            log.borrow_mut().push(k);
            Ok(())
        })
    }

    #[test]
    fn medians_are_per_handshake_and_per_side() {
        let log = RefCell::new(Vec::new());
        let mut impls = vec![fake(0, 10, &log), fake(1, 30, &log)];
        let settings = Settings {
            rounds: 5,
            batch: Duration::from_micros(1),
        };
        let r = interleave(&mut impls, settings).unwrap();
        assert_eq!(r[0].client, Duration::from_micros(10));
        assert_eq!(r[0].server, Duration::from_micros(20));
        assert_eq!(r[1].client, Duration::from_micros(30));
        assert_eq!(r[1].server, Duration::from_micros(60));
    }

    /// The order in which `n` fake implementations ran over one cycle of rounds, after
    /// the warm-up.
    fn measured_order(n: usize) -> Vec<usize> {
        let log = RefCell::new(Vec::new());
        let mut impls: Vec<Handshake<'_>> = (0..n).map(|k| fake(k, 1, &log)).collect();
        let rounds = turns::ORDERS.len();
        // A batch target no handshake can beat keeps every batch at one handshake.
        let settings = Settings {
            rounds,
            batch: Duration::from_nanos(1),
        };
        interleave(&mut impls, settings).unwrap();
        drop(impls);
        let log = log.into_inner();
        // Before: the warm-up, per implementation one handshake and one batch of at least one.
        log[log.len() - rounds * n..].to_vec()
    }

    #[test]
    fn rounds_come_back_per_implementation_and_pool_into_one_median() {
        let log = RefCell::new(Vec::new());
        let settings = Settings {
            rounds: 3,
            batch: Duration::from_micros(1),
        };
        let mut a = vec![fake(0, 10, &log), fake(1, 30, &log)];
        let first = interleave_rounds(&mut a, settings).unwrap();
        let mut b = vec![fake(0, 20, &log), fake(1, 40, &log)];
        let second = interleave_rounds(&mut b, settings).unwrap();
        assert_eq!(first.len(), 2);
        assert!(first.iter().chain(&second).all(|r| r.len() == 3));
        // Pooled: three rounds at 10 us and three at 20 us; the upper median is 20 us.
        let mut pooled = Vec::new();
        pool(&mut pooled, first);
        pool(&mut pooled, second);
        assert!(pooled.iter().all(|r| r.len() == 6));
        let m = medians(&pooled);
        assert_eq!(m[0].client, Duration::from_micros(20));
        assert_eq!(m[1].server, Duration::from_micros(80));
    }

    #[test]
    fn three_implementations_take_turns_in_the_balanced_order() {
        let expected: Vec<usize> = turns::ORDERS.iter().flatten().copied().collect();
        assert_eq!(measured_order(3), expected);
    }

    #[test]
    fn a_fourth_implementation_follows_the_three_that_take_turns() {
        let expected: Vec<usize> = turns::ORDERS
            .iter()
            .flat_map(|o| o.iter().copied().chain([3]))
            .collect();
        assert_eq!(measured_order(4), expected);
    }

    #[test]
    fn a_batch_implementation_gets_whole_batches_of_the_size_it_was_measured_at() {
        let sizes = RefCell::new(Vec::new());
        let mut impls: Vec<Batch<'_>> = vec![Box::new(|n, t: &mut SideTimes| {
            // 2 us a handshake, both sides together.
            t.client += Duration::from_micros(u64::from(n));
            t.server += Duration::from_micros(u64::from(n));
            sizes.borrow_mut().push(n);
            Ok(())
        })];
        let settings = Settings {
            rounds: 3,
            batch: Duration::from_micros(20),
        };
        let r = interleave_batches(&mut impls, settings).unwrap();
        drop(impls);
        assert_eq!(r[0].client, Duration::from_micros(1));
        // The warm-up handshake; sizing batches of 1 (2 us, under a fifth of 20 us) and 2
        // (4 us, enough); then three rounds of 20 us / 2 us.
        assert_eq!(sizes.into_inner(), [1, 1, 2, 10, 10, 10]);
    }

    #[test]
    fn a_failing_handshake_stops_the_run_with_its_error() {
        let mut calls = 0;
        let mut impls: Vec<Handshake<'_>> = vec![Box::new(|_t: &mut SideTimes| {
            calls += 1;
            if calls > 3 {
                Err("broken".to_owned())
            } else {
                Ok(())
            }
        })];
        let err = interleave(&mut impls, Settings::QUICK).unwrap_err();
        assert_eq!(err, "broken");
    }

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_one() {
        let t = |c: u64, s: u64| SideTimes {
            client: Duration::from_micros(c),
            server: Duration::from_micros(s),
        };
        let m = median(&[t(5, 1), t(1, 9), t(3, 5)]);
        assert_eq!(m, t(3, 5));
        assert_eq!(upper_median(vec![2.0, 1.0], f64::total_cmp), Some(2.0));
        assert_eq!(upper_median(Vec::<f64>::new(), f64::total_cmp), None);
    }
}
