//! Shared set-up for the criterion benchmarks (being built: see the issue tracker).

#![forbid(unsafe_code)]
