//! The handshake timeline: when each flight was written and read.

use std::time::{Duration, Instant};

use smallvec::SmallVec;

/// Which way a flight went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Written to the transport.
    Sent,
    /// Read from the transport.
    Received,
}

/// One flight: consecutive handshake bytes moved in one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flight {
    /// Sent or received.
    pub direction: Direction,
    /// When its first byte moved.
    pub first: Instant,
    /// When its last byte moved.
    pub last: Instant,
    /// How many bytes it held on the wire.
    pub bytes: usize,
}

/// Flights kept without a heap allocation: a full TLS 1.2 handshake has four (both ways
/// together), TLS 1.3 three; only a HelloRetryRequest makes more.
const INLINE_FLIGHTS: usize = 4;

/// When the handshake started, each flight, and when it finished.
/// Instants are monotonic (`std::time::Instant`); hs keeps no other clock.
///
/// Recorded only for connections whose context asked for it
/// ([`ContextBuilder::timeline`](crate::ContextBuilder::timeline)); otherwise it stays
/// empty. Each instant is a clock reading, about ten a handshake: 0.7 % of a resumed
/// TLS 1.2 handshake on the 2-core VM, which a connection that does not report them should
/// not pay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// The first `do_handshake` (or implicit handshake) call.
    pub started: Option<Instant>,
    /// When the handshake completed.
    pub finished: Option<Instant>,
    flights: SmallVec<[Flight; INLINE_FLIGHTS]>,
    /// The clock is read (the context asked for a timeline).
    on: bool,
    /// Bytes went out / came in, timeline or not (the connection's state needs to know).
    sent: bool,
    received: bool,
}

impl Timeline {
    /// An empty timeline that records instants if `on`.
    pub(crate) fn new(on: bool) -> Timeline {
        Timeline {
            on,
            ..Timeline::default()
        }
    }

    #[inline]
    pub(crate) fn start(&mut self) {
        if self.on && self.started.is_none() {
            self.started = Some(Instant::now());
        }
    }

    #[inline]
    pub(crate) fn record(&mut self, direction: Direction, bytes: usize) {
        if bytes == 0 {
            return;
        }
        match direction {
            Direction::Sent => self.sent = true,
            Direction::Received => self.received = true,
        }
        if !self.on || self.finished.is_some() {
            return;
        }
        let now = Instant::now();
        match self.flights.last_mut() {
            Some(f) if f.direction == direction => {
                f.last = now;
                f.bytes += bytes;
            }
            _ => self.flights.push(Flight {
                direction,
                first: now,
                last: now,
                bytes,
            }),
        }
    }

    #[inline]
    pub(crate) fn finish(&mut self) {
        if self.on && self.finished.is_none() {
            self.finished = Some(Instant::now());
        }
    }

    /// True if bytes moved in `direction` (recorded or not).
    pub(crate) fn moved(&self, direction: Direction) -> bool {
        match direction {
            Direction::Sent => self.sent,
            Direction::Received => self.received,
        }
    }

    /// True if this timeline records instants (its context asked for one).
    pub fn is_recorded(&self) -> bool {
        self.on
    }

    /// The flights, in order.
    pub fn flights(&self) -> &[Flight] {
        &self.flights
    }

    /// From the first call to completion, once finished.
    pub fn duration(&self) -> Option<Duration> {
        Some(self.finished?.duration_since(self.started?))
    }

    /// The time from the start until the first flight received from the peer began
    /// (for a client: until the server's first flight).
    pub fn until_first_received(&self) -> Option<Duration> {
        let start = self.started?;
        self.flights
            .iter()
            .find(|f| f.direction == Direction::Received)
            .map(|f| f.first.duration_since(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_moves_merge_into_flights() {
        let mut t = Timeline::new(true);
        t.start();
        t.record(Direction::Sent, 10);
        t.record(Direction::Sent, 5);
        t.record(Direction::Received, 100);
        t.record(Direction::Sent, 0);
        t.record(Direction::Sent, 7);
        t.finish();
        t.record(Direction::Received, 9);
        let dirs: Vec<_> = t.flights.iter().map(|f| (f.direction, f.bytes)).collect();
        assert_eq!(
            dirs,
            vec![
                (Direction::Sent, 15),
                (Direction::Received, 100),
                (Direction::Sent, 7)
            ]
        );
        assert!(t.duration().is_some());
        assert!(t.until_first_received().is_some());
    }

    #[test]
    fn off_it_reads_no_clock_but_knows_what_moved() {
        let mut t = Timeline::new(false);
        t.start();
        assert!(!t.moved(Direction::Sent) && !t.moved(Direction::Received));
        t.record(Direction::Sent, 0);
        assert!(!t.moved(Direction::Sent));
        t.record(Direction::Received, 12);
        t.finish();
        assert!(t.moved(Direction::Received) && !t.moved(Direction::Sent));
        assert_eq!(t.started, None);
        assert_eq!(t.finished, None);
        assert!(t.flights().is_empty());
        assert!(!t.is_recorded());
        assert_eq!(t.duration(), None);
    }
}
