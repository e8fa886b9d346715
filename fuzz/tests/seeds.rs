//! Replays every committed seed through its target's function, so a seed that breaks an
//! invariant fails `cargo test` inside `fuzz/` without a fuzzing run.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        let input = std::fs::read(&path).expect("seed file");
        eprintln!("{target}: {}", path.display());
        run(&input);
        n += 1;
    }
    assert!(n > 0, "{target} has no seeds");
}

#[test]
fn server_handshake_seeds_hold_the_invariants() {
    replay("server_handshake", hs_fuzz::feed::server_handshake);
}

#[test]
fn client_handshake_seeds_hold_the_invariants() {
    replay("client_handshake", hs_fuzz::feed::client_handshake);
}

#[test]
fn pair_faults_seeds_hold_the_invariants() {
    replay("pair_faults", hs_fuzz::pair::pair_faults);
}

#[test]
fn schedules_round_trip_through_their_encoding() {
    use hs_bio::FaultConfig;
    use hs_fuzz::pair::Schedule;
    let s = Schedule {
        capacity: 7,
        tls12: true,
        client_auth: false,
        client: FaultConfig::new()
            .fragment(3)
            .wouldblock_every(4)
            .truncate_read_after(900),
        server: FaultConfig::new()
            .wouldblock_seed(9, 50)
            .flip_write_bit(1234, 6)
            .truncate_write_after(77),
        data: b"abc".to_vec(),
    };
    assert_eq!(Schedule::decode(&s.encode()), s);
    // Stalls are capped whatever the input says.
    let wild = Schedule::decode(&[0, 0, 0b1100, 0, 0, 0, 0, 1, 9, 255]);
    assert_eq!(wild.client.wouldblock_every, Some(2));
    assert_eq!(wild.client.wouldblock_seed, Some((9, 0)));
}

#[test]
fn ffi_calls_seeds_hold_the_invariants() {
    replay("ffi_calls", hs_fuzz::ffi_calls::ffi_calls);
}
