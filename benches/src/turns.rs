//! The order in which three implementations take turns when they are measured one
//! handshake at a time (the latency bench).
//!
//! hs and rustls share rustls' and aws-lc's code, so whichever runs right after the other
//! finds that code and its data in the caches, and whichever runs right after OpenSSL does
//! not. The order must therefore let each implementation follow each of the others equally
//! often. Rotating one order (`012`, `120`, `201`, …) does not: a rotation keeps who comes
//! after whom, so hs would always follow OpenSSL and rustls always follow hs (that bias
//! put hs 4 % behind rustls in the latency figures when there was no difference to find).
//!
//! [`ORDERS`] is a cycle of six rounds in which every implementation follows every other
//! exactly three times — across round boundaries too — never follows itself, and takes
//! each place in a round twice.

/// The implementations that take turns: the report's `hs`, `rustls`, `openssl` (0, 1, 2).
pub const IMPLS: usize = 3;

/// One cycle of rounds; round `i` uses `ORDERS[i % ORDERS.len()]`.
pub const ORDERS: [[usize; IMPLS]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [2, 1, 0],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
];

/// The order of the implementations in round `round`.
pub fn order(round: usize) -> [usize; IMPLS] {
    ORDERS[round % ORDERS.len()]
}

/// A round count of at least `n` that is a whole number of cycles, so that every
/// implementation is measured after each of the others equally often.
pub fn whole_cycles(n: usize) -> usize {
    n.div_ceil(ORDERS.len()) * ORDERS.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn each_follows_each_other_equally_often_and_never_itself() {
        let flat: Vec<usize> = (0..ORDERS.len()).flat_map(order).collect();
        let mut follows: HashMap<(usize, usize), usize> = HashMap::new();
        for i in 0..flat.len() {
            // The cycle repeats: the last turn is followed by the first.
            let pair = (flat[i], flat[(i + 1) % flat.len()]);
            *follows.entry(pair).or_default() += 1;
        }
        assert!(follows.keys().all(|(a, b)| a != b), "{follows:?}");
        assert_eq!(follows.len(), IMPLS * (IMPLS - 1), "{follows:?}");
        assert!(follows.values().all(|&n| n == 3), "{follows:?}");
    }

    #[test]
    fn each_round_is_a_permutation_and_each_takes_every_place_twice() {
        let mut places = [[0usize; IMPLS]; IMPLS];
        for o in ORDERS {
            let mut seen = o;
            seen.sort_unstable();
            assert_eq!(seen, [0, 1, 2]);
            for (place, &k) in o.iter().enumerate() {
                places[k][place] += 1;
            }
        }
        assert_eq!(places, [[2; IMPLS]; IMPLS]);
    }

    #[test]
    fn round_counts_are_rounded_up_to_whole_cycles() {
        assert_eq!(whole_cycles(0), 0);
        assert_eq!(whole_cycles(1), 6);
        assert_eq!(whole_cycles(2000), 2004);
        assert_eq!(whole_cycles(2004), 2004);
    }
}
