//! TLS 1.3 and TLS 1.2 handshakes over an in-memory BIO pair, with certificates generated
//! at start: every `do_handshake` call's result and `SSL_get_error` code on both sides,
//! the negotiated parameters and the handshake timeline.
//!
//! Run: `cargo run --release -p hs-core --example handshake`

use hs_core::testing::TestPki;
use hs_core::{return_value, Context, Direction, ErrorCode, Ssl, Version};

fn code_of(r: &Result<(), hs_core::Error>) -> ErrorCode {
    r.as_ref()
        .err()
        .map(hs_core::Error::code)
        .unwrap_or(ErrorCode::None)
}

fn run(pki: &TestPki, version: Version, capacity: usize) -> Result<(), hs_core::Error> {
    let server_ctx = pki
        .server_builder()
        .only_version(version)
        .alpn_protocols(&[b"h2", b"http/1.1"])
        .timeline(true)
        .build()?;
    let client_ctx: Context = pki
        .client_builder()
        .alpn_protocols(&[b"h2"])
        .timeline(true)
        .build()?;
    let mut client = Ssl::new(&client_ctx);
    client.set_connect_state("localhost")?;
    let mut server = Ssl::new(&server_ctx);
    server.set_accept_state();
    let (mut c_io, mut s_io) = hs_bio::bio_pair(capacity, capacity);

    println!("== {version:?} over a BIO pair of {capacity} bytes each way");
    let (mut c_done, mut s_done) = (false, false);
    let mut call = 0;
    while !(c_done && s_done) {
        call += 1;
        for (name, ssl, io, done) in [
            ("client", &mut client, &mut c_io, &mut c_done),
            ("server", &mut server, &mut s_io, &mut s_done),
        ] {
            if *done {
                continue;
            }
            let r = ssl.do_handshake(io);
            println!(
                "  call {call:>2} {name}: SSL_do_handshake = {:>2}  {:<20} state: {}",
                return_value(&r),
                code_of(&r).name(),
                ssl.state_string_long()
            );
            match r {
                Ok(()) => *done = true,
                Err(e) if e.is_retry() => {}
                Err(e) => return Err(e),
            }
        }
    }
    for (name, ssl) in [("client", &client), ("server", &server)] {
        println!(
            "  {name}: {} {} group={} alpn={} sni={} verify={} resumed={}",
            ssl.version_name(),
            ssl.cipher_name().unwrap_or("-"),
            ssl.group_name().unwrap_or_else(|| "-".into()),
            ssl.alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_else(|| "-".into()),
            ssl.server_name().unwrap_or("-"),
            ssl.verify_result().text(),
            ssl.session_reused(),
        );
        let t = ssl.timeline();
        let start = t.started.expect("started");
        for f in t.flights() {
            let dir = if f.direction == Direction::Sent {
                "wrote"
            } else {
                "read "
            };
            println!(
                "    {name} {dir} {:>5} bytes at +{:>8.1} µs",
                f.bytes,
                f.first.duration_since(start).as_secs_f64() * 1e6
            );
        }
        if let Some(d) = t.duration() {
            println!("    {name} handshake took {:.1} µs", d.as_secs_f64() * 1e6);
        }
    }
    Ok(())
}

fn main() {
    let pki = TestPki::new("localhost");
    for (version, capacity) in [
        (Version::Tls13, 17 * 1024),
        (Version::Tls12, 17 * 1024),
        (Version::Tls13, 512),
    ] {
        if let Err(e) = run(&pki, version, capacity) {
            eprintln!("handshake failed: {}", e.summary());
            std::process::exit(1);
        }
    }
}
