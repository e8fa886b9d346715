//! A bounded byte ring buffer whose storage grows on demand up to its capacity.
//!
//! Storage is allocated lazily and grown (fallibly) only while the data held needs more room,
//! so a pair created with a huge capacity costs nothing until bytes arrive, and a steady
//! stream of reads and writes allocates nothing after warm-up.

use std::io;

/// Smallest storage allocated on first use (or the capacity, when smaller).
const MIN_STORAGE: usize = 1024;

#[derive(Debug)]
pub(crate) struct Ring {
    storage: Vec<u8>,
    head: usize,
    len: usize,
    capacity: usize,
}

impl Ring {
    pub(crate) fn new(capacity: usize) -> Self {
        Ring {
            storage: Vec::new(),
            head: 0,
            len: 0,
            capacity,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn free(&self) -> usize {
        self.capacity - self.len
    }

    /// Copies as much of `data` as fits; returns the count (0 when full or `data` is empty).
    /// Fails only if storage had to grow, could not, and nothing fits in what exists.
    pub(crate) fn push(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut n = data.len().min(self.free());
        if n == 0 {
            return Ok(0);
        }
        if self.storage.len() < self.len + n && !self.grow(self.len + n) {
            n = n.min(self.storage.len() - self.len);
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::OutOfMemory,
                    "BIO pair buffer allocation failed",
                ));
            }
        }
        let size = self.storage.len();
        // `len < size` here since n > 0 fits; the tail index is in range.
        let tail = (self.head + self.len) % size;
        let first = n.min(size - tail);
        self.storage[tail..tail + first].copy_from_slice(&data[..first]);
        self.storage[..n - first].copy_from_slice(&data[first..n]);
        self.len += n;
        Ok(n)
    }

    /// Moves up to `out.len()` bytes out of the ring; returns the count.
    pub(crate) fn pop(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len);
        if n == 0 {
            return 0;
        }
        let size = self.storage.len();
        let first = n.min(size - self.head);
        out[..first].copy_from_slice(&self.storage[self.head..self.head + first]);
        out[first..n].copy_from_slice(&self.storage[..n - first]);
        self.len -= n;
        self.head = if self.len == 0 {
            0
        } else {
            (self.head + n) % size
        };
        n
    }

    /// Grows storage to hold at least `needed` bytes (never above capacity), keeping the
    /// contents in order. Returns false if the allocation failed.
    fn grow(&mut self, needed: usize) -> bool {
        let target = needed
            .max(self.storage.len().saturating_mul(2))
            .max(MIN_STORAGE)
            .min(self.capacity);
        let mut next: Vec<u8> = Vec::new();
        if next.try_reserve_exact(target).is_err() {
            return false;
        }
        let size = self.storage.len();
        if self.len > 0 {
            let first = self.len.min(size - self.head);
            next.extend_from_slice(&self.storage[self.head..self.head + first]);
            next.extend_from_slice(&self.storage[..self.len - first]);
        }
        next.resize(target, 0);
        self.storage = next;
        self.head = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_around_and_keeps_order() {
        let mut ring = Ring::new(5);
        assert_eq!(ring.push(b"abcd").unwrap(), 4);
        let mut out = [0u8; 3];
        assert_eq!(ring.pop(&mut out), 3);
        assert_eq!(&out, b"abc");
        // head = 3, len = 1: this write wraps.
        assert_eq!(ring.push(b"efghij").unwrap(), 4);
        assert_eq!(ring.len(), 5);
        assert_eq!(ring.free(), 0);
        assert_eq!(ring.push(b"k").unwrap(), 0);
        let mut all = [0u8; 8];
        assert_eq!(ring.pop(&mut all), 5);
        assert_eq!(&all[..5], b"defgh");
        assert!(ring.is_empty());
    }

    #[test]
    fn grows_lazily_while_wrapped() {
        let mut ring = Ring::new(5000);
        assert!(ring.storage.is_empty());
        let block: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        assert_eq!(ring.push(&block).unwrap(), 1000);
        assert_eq!(ring.storage.len(), 1024);
        let mut out = vec![0u8; 900];
        assert_eq!(ring.pop(&mut out), 900);
        // Wraps inside the 1024-byte storage.
        assert_eq!(ring.push(&block[..500]).unwrap(), 500);
        // Needs growth while the data is split in two parts.
        assert_eq!(ring.push(&block).unwrap(), 1000);
        assert_eq!(ring.len(), 1600);
        let mut all = vec![0u8; 1600];
        assert_eq!(ring.pop(&mut all), 1600);
        let mut expected = block[900..].to_vec();
        expected.extend_from_slice(&block[..500]);
        expected.extend_from_slice(&block);
        assert_eq!(all, expected);
    }

    #[test]
    fn huge_capacity_allocates_only_what_is_used() {
        let mut ring = Ring::new(usize::MAX);
        assert_eq!(ring.push(b"tiny").unwrap(), 4);
        assert_eq!(ring.storage.len(), MIN_STORAGE);
        assert_eq!(ring.capacity(), usize::MAX);
    }
}
