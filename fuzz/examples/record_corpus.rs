//! Records the seed corpora under `fuzz/corpus/<target>/` from real hs handshakes.
//!
//! ```text
//! cd fuzz && cargo run --example record_corpus
//! ```
//!
//! `server_handshake` seeds are what real clients sent (their first flight, and a whole
//! client side of a handshake); `client_handshake` seeds are what a real server answered to
//! some client; `pair_faults` seeds are fault schedules around the flight boundaries of a real
//! handshake. Each seed starts with the header its target expects. Certificates and keys are
//! made afresh, so a second run writes different bytes with the same structure.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use hs_bio::{bio_pair, FaultConfig, PairEnd};
use hs_core::{Context, Ssl};
use hs_fuzz::feed::{new_client, FeedHeader};
use hs_fuzz::pair::Schedule;
use hs_fuzz::pki::contexts;

/// A pair end that keeps a copy of every byte written through it.
struct Recorder {
    inner: PairEnd,
    written: Vec<u8>,
}

impl Read for Recorder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl Write for Recorder {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.written.extend_from_slice(&data[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What each side wrote during a complete handshake (plus the client reading the tickets).
struct Transcript {
    client_first_flight: Vec<u8>,
    client: Vec<u8>,
    server: Vec<u8>,
}

fn handshake(mut client: Ssl, server_ctx: &Context) -> Transcript {
    let mut server = Ssl::new(server_ctx);
    server.set_accept_state();
    let (c, s) = bio_pair(0, 0);
    let mut c = Recorder {
        inner: c,
        written: Vec::new(),
    };
    let mut s = Recorder {
        inner: s,
        written: Vec::new(),
    };
    let mut first = None;
    let mut buf = [0u8; 64];
    for _ in 0..50 {
        let cr = if client.is_init_finished() {
            client.read(&mut c, &mut buf).map(|_| ())
        } else {
            client.do_handshake(&mut c)
        };
        first.get_or_insert_with(|| c.written.clone());
        let sr = server.do_handshake(&mut s);
        for (side, r) in [("client", &cr), ("server", &sr)] {
            if let Err(e) = r {
                assert!(
                    e.is_retry(),
                    "recording handshake failed on the {side}: {e}"
                );
            }
        }
        if client.is_init_finished()
            && sr.is_ok()
            && s.inner.pending() == 0
            && c.inner.pending() == 0
        {
            return Transcript {
                client_first_flight: first.unwrap_or_default(),
                client: c.written,
                server: s.written,
            };
        }
    }
    panic!("the recording handshake did not finish");
}

fn write_seed(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("writing {name}: {e}"));
}

fn with_header(header: FeedHeader, bytes: &[u8]) -> Vec<u8> {
    let mut v = header.encode().to_vec();
    v.extend_from_slice(bytes);
    v
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let c = contexts();
    let dirs = ["server_handshake", "client_handshake", "pair_faults"].map(|t| {
        let d = root.join(t);
        fs::create_dir_all(&d).expect("corpus directory");
        d
    });
    let h = |chunk, eof, context| FeedHeader {
        chunk,
        eof,
        context,
    };

    // (name, client selector of `new_client` for the recording, server context, server
    // selector of the `server_handshake` header, client selector of the `client_handshake`
    // header). The last kind is recorded with the default client and server and replayed to
    // the callbacks server and to a client without a server name.
    let kinds: [(&str, u8, &Context, u8, u8); 4] = [
        ("tls13", 0, &c.server, 0, 0),
        ("tls13-alpn-client-cert", 1, &c.server_client_auth, 3, 1),
        ("tls12", 2, &c.server_tls12, 2, 2),
        ("tls13-callbacks-no-sni", 0, &c.server, 1, 3),
    ];
    for (name, record_sel, server_ctx, server_sel, client_sel) in kinds {
        let t = handshake(new_client(record_sel), server_ctx);
        write_seed(
            &dirs[0],
            &format!("{name}-client-hello"),
            &with_header(h(0, false, server_sel), &t.client_first_flight),
        );
        write_seed(
            &dirs[0],
            &format!("{name}-client-hello-1-byte-chunks"),
            &with_header(h(1, true, server_sel), &t.client_first_flight),
        );
        write_seed(
            &dirs[0],
            &format!("{name}-whole-client-side"),
            &with_header(h(0, true, server_sel), &t.client),
        );
        write_seed(
            &dirs[1],
            &format!("{name}-server-side"),
            &with_header(h(0, false, client_sel), &t.server),
        );
        write_seed(
            &dirs[1],
            &format!("{name}-server-side-97-byte-chunks-eof"),
            &with_header(h(97, true, client_sel), &t.server),
        );
    }
    write_seed(
        &dirs[0],
        "http-get",
        &with_header(h(0, false, 0), b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    );
    write_seed(
        &dirs[1],
        "http-answer",
        &with_header(h(0, true, 0), b"HTTP/1.1 400 Bad Request\r\n\r\n"),
    );

    // pair_faults: no faults, then faults at the boundaries of the first flights.
    let t = handshake(new_client(0), &c.server);
    let hello = t.client_first_flight.len() as u64;
    let server_flight = t.server.len() as u64;
    let sched = |capacity, client: FaultConfig, server: FaultConfig, data: &[u8]| Schedule {
        capacity,
        tls12: false,
        client_auth: false,
        client,
        server,
        data: data.to_vec(),
    };
    let none = FaultConfig::new;
    let seeds = [
        ("clean", sched(17 * 1024, none(), none(), b"hello")),
        (
            "clean-tls12-client-auth",
            Schedule {
                tls12: true,
                client_auth: true,
                ..sched(17 * 1024, none(), none(), b"x")
            },
        ),
        (
            "client-auth-alpn",
            Schedule {
                client_auth: true,
                ..sched(4096, none(), none(), b"hello")
            },
        ),
        ("one-byte-pair", sched(1, none(), none(), b"")),
        (
            "fragments-and-stalls",
            sched(
                512,
                none().fragment(3).wouldblock_every(3),
                none().wouldblock_seed(7, 40),
                b"data",
            ),
        ),
        (
            "truncate-client-hello",
            sched(
                17 * 1024,
                none().truncate_write_after(hello / 2),
                none(),
                b"",
            ),
        ),
        (
            "truncate-after-client-hello",
            sched(17 * 1024, none(), none().truncate_read_after(hello), b""),
        ),
        (
            "truncate-server-flight",
            sched(
                1500,
                none(),
                none().truncate_write_after(server_flight / 2),
                b"",
            ),
        ),
        (
            "flip-client-hello",
            sched(17 * 1024, none().flip_write_bit(hello / 3, 2), none(), b""),
        ),
        (
            "flip-server-flight-end",
            sched(
                17 * 1024,
                none().flip_read_bit(server_flight - 10, 5),
                none(),
                b"",
            ),
        ),
        (
            "flip-record-length",
            sched(64, none(), none().flip_write_bit(3, 7), b""),
        ),
    ];
    for (name, s) in seeds {
        write_seed(&dirs[2], name, &s.encode());
    }
    println!("seed corpora written under {}", root.display());
}
