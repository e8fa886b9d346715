//! Data after the handshake: split halves, close_notify both ways, a 1 MiB echo, EOF rules.

mod common;

use std::time::Duration;

use common::{bounded, defaults, duplex_pair, inner, pattern, tcp_pair};
use hs_core::{Error, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_halves_make_progress_independently() {
    let (connector, acceptor) = defaults();
    let (mut c, s) = tcp_pair(&connector, &acceptor).await;
    let (mut s_read, mut s_write) = tokio::io::split(s);
    // The server's reader waits for data the client sends only after it has received what
    // the server's writer sends: if a pending read blocked the write half, this would hang.
    let reader = tokio::spawn(async move {
        let mut buf = [0u8; 11];
        s_read.read_exact(&mut buf).await.unwrap();
        buf
    });
    tokio::time::sleep(Duration::from_millis(20)).await; // the read is pending now
    let writer = tokio::spawn(async move {
        s_write.write_all(b"from-server").await.unwrap();
        s_write.flush().await.unwrap();
        s_write
    });
    bounded("client", async {
        let mut buf = [0u8; 11];
        c.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"from-server");
        c.write_all(b"from-client").await.unwrap();
    })
    .await;
    assert_eq!(&bounded("reader", reader).await.unwrap(), b"from-client");
    bounded("writer", writer).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_halves_stream_a_mebibyte_each_way_at_once() {
    let (connector, acceptor) = defaults();
    // A small pipe: both directions must drain concurrently or the writers stall.
    let (c, s) = duplex_pair(&connector, &acceptor, 8 * 1024).await;
    let data = pattern(1 << 20);
    let mut tasks = tokio::task::JoinSet::new();
    for stream in [c, s] {
        let (mut r, mut w) = tokio::io::split(stream);
        let out = data.clone();
        tasks.spawn(async move {
            w.write_all(&out).await.unwrap();
            w.shutdown().await.unwrap();
        });
        let expect = data.clone();
        tasks.spawn(async move {
            let mut got = Vec::with_capacity(expect.len());
            r.read_to_end(&mut got).await.unwrap();
            assert!(got == expect, "{} bytes received, intact: false", got.len());
        });
    }
    bounded("both directions", async {
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_of_one_mebibyte_over_tcp_arrives_byte_for_byte() {
    let (connector, acceptor) = defaults();
    let (c, mut s) = tcp_pair(&connector, &acceptor).await;
    let server = tokio::spawn(async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = s.read(&mut buf).await.unwrap();
            if n == 0 {
                break; // the client's close_notify
            }
            s.write_all(&buf[..n]).await.unwrap();
        }
        s.shutdown().await.unwrap();
    });
    let data = pattern(1 << 20);
    let (mut r, mut w) = tokio::io::split(c);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        w.write_all(&sent).await.unwrap();
        w.shutdown().await.unwrap();
    });
    let mut echo = Vec::with_capacity(data.len());
    bounded("echo", r.read_to_end(&mut echo)).await.unwrap();
    assert_eq!(echo.len(), data.len());
    assert!(echo == data, "the echo differs from what was sent");
    bounded("writer", writer).await.unwrap();
    bounded("server", server).await.unwrap();
}

#[tokio::test]
async fn close_notify_from_client_ends_the_servers_reads_and_the_server_may_still_write() {
    let (connector, acceptor) = defaults();
    let (mut c, mut s) = duplex_pair(&connector, &acceptor, 4096).await;
    bounded("close", async {
        c.write_all(b"last words").await.unwrap();
        c.shutdown().await.unwrap();
        assert_eq!(c.ssl().shutdown_flags(), (true, false));
        let mut got = Vec::new();
        s.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"last words");
        assert_eq!(s.ssl().shutdown_flags(), (false, true));
        assert_eq!(s.read(&mut [0u8; 8]).await.unwrap(), 0, "EOF again");
        // Half-closed: the server's direction is still open.
        s.write_all(b"reply").await.unwrap();
        s.shutdown().await.unwrap();
        let mut reply = Vec::new();
        c.read_to_end(&mut reply).await.unwrap();
        assert_eq!(reply, b"reply");
        assert_eq!(c.ssl().shutdown_flags(), (true, true));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_notify_from_server_ends_the_clients_reads() {
    let (connector, acceptor) = defaults();
    let (mut c, mut s) = tcp_pair(&connector, &acceptor).await;
    bounded("close", async {
        s.write_all(b"bye").await.unwrap();
        s.shutdown().await.unwrap();
        let mut got = Vec::new();
        c.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"bye");
        assert_eq!(c.ssl().shutdown_flags(), (false, true));
        c.shutdown().await.unwrap();
        assert_eq!(s.read(&mut [0u8; 8]).await.unwrap(), 0);
        assert_eq!(s.ssl().shutdown_flags(), (true, true));
    })
    .await;
}

#[tokio::test]
async fn eof_without_close_notify_is_an_unexpected_eof() {
    let (connector, acceptor) = defaults();
    let (mut c, s) = duplex_pair(&connector, &acceptor, 4096).await;
    drop(s.into_inner()); // the transport closes, no close_notify
    let err = bounded("read", c.read(&mut [0u8; 16])).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    assert!(matches!(inner(&err), Error::UnexpectedEof));
    assert_eq!(inner(&err).code(), ErrorCode::Ssl);
}

#[tokio::test]
async fn write_after_shutdown_is_a_state_error() {
    let (connector, acceptor) = defaults();
    let (mut c, _s) = duplex_pair(&connector, &acceptor, 4096).await;
    bounded("shutdown", c.shutdown()).await.unwrap();
    let err = c.write(b"late").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(matches!(inner(&err), Error::State { .. }), "{err:?}");
}

#[tokio::test]
async fn writes_larger_than_the_pipe_complete_once_the_peer_reads() {
    let (connector, acceptor) = defaults();
    let (mut c, mut s) = duplex_pair(&connector, &acceptor, 512).await;
    let data = pattern(200_000);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        c.write_all(&sent).await.unwrap();
        c.flush().await.unwrap();
        c
    });
    let mut got = vec![0u8; data.len()];
    bounded("read", s.read_exact(&mut got)).await.unwrap();
    assert!(got == data);
    bounded("writer", writer).await.unwrap();
}

/// An echo server that handshakes in its own task (peeking first when `peek`), so the
/// client may finish its side, write and close before the server has read its Finished:
/// the server's last handshake read then holds the client's Finished, its data and its
/// close_notify at once (on loopback, one 133-byte read), and the handshake must still
/// succeed with the data and then EOF left for the reads after it.
async fn spawned_echo_then_close(peek: bool) {
    let connector = hs_async::Connector::new(common::pki().client_context());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let tcp = listener.accept().await.unwrap().0;
        let mut s = if peek {
            let start = hs_async::Acceptor::peek(tcp).await.unwrap();
            start
                .into_stream(&common::pki().server_context())
                .await
                .unwrap()
        } else {
            hs_async::Acceptor::new(common::pki().server_context())
                .accept(tcp)
                .await
                .unwrap()
        };
        let mut buf = vec![0u8; 4096];
        loop {
            let n = s.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            s.write_all(&buf[..n]).await?;
        }
        s.shutdown().await?;
        Ok::<_, std::io::Error>(s.ssl().shutdown_flags())
    });
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut c = bounded("connect", connector.connect("localhost", tcp))
        .await
        .unwrap();
    c.write_all(b"request").await.unwrap();
    c.shutdown().await.unwrap();
    let mut reply = Vec::new();
    let r = bounded("reply", c.read_to_end(&mut reply)).await;
    let s = bounded("server", server).await;
    assert_eq!(s.unwrap().unwrap(), (true, true));
    r.unwrap();
    assert_eq!(reply, b"request");
}

#[tokio::test]
async fn a_client_closing_right_after_its_handshake_still_gets_the_reply() {
    spawned_echo_then_close(false).await;
}

#[tokio::test]
async fn a_client_closing_right_after_its_handshake_still_gets_the_reply_from_a_peeking_server() {
    spawned_echo_then_close(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_update_mid_stream_keeps_data_flowing_both_ways() {
    let (connector, acceptor) = defaults();
    let (mut c, mut s) = tcp_pair(&connector, &acceptor).await;
    bounded("exchange", async {
        let mut buf = [0u8; 5];
        for round in 0..3u8 {
            // The client asks for a key update; the server answers with its own KeyUpdate
            // from inside a read, which the stream queues and sends.
            c.ssl_mut().key_update().unwrap();
            c.write_all(&[round; 5]).await.unwrap();
            c.flush().await.unwrap();
            s.read_exact(&mut buf).await.unwrap();
            assert_eq!(buf, [round; 5]);
            s.write_all(&[round + 100; 5]).await.unwrap();
            s.flush().await.unwrap();
            c.read_exact(&mut buf).await.unwrap();
            assert_eq!(buf, [round + 100; 5]);
        }
    })
    .await;
}
