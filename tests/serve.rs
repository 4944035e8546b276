//! `gongshi serve`: serves the build on 127.0.0.1, rebuilds on change, and keeps serving the last
//! good build (printing the errors) when a change breaks the site. These tests drive the real
//! binary over TCP: ranges, conditional requests, methods, content types, paths outside the
//! output, a client that never reads, and stopping.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, response))
}

/// One HTTP response as read off the socket.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `method path` with extra header lines (raw bytes, so malformed values can be sent) on
/// a fresh connection and reads the whole reply; `None` when the server closes the connection
/// without answering or does not answer within 10 s.
fn send(port: u16, method: &str, path: &str, headers: &[&[u8]]) -> Option<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
            .into_bytes();
    for header in headers {
        request.extend_from_slice(header);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    stream.write_all(&request).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A served copy of the `good` fixture: the server, its port and its output folder.
struct Preview {
    server: Server,
    port: u16,
    out: PathBuf,
    _tmp: tempfile::TempDir,
}

fn preview() -> Preview {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let out = tmp.path().join("public");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["serve", "--site", site.to_str().unwrap(), "--out"])
        .arg(&out)
        .args(["--port", &port.to_string(), "--as-of", "2024-04-15"])
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let server = Server(child);
    wait_for("the first page", || {
        get(port, "/labs/xa-alpha/").is_some_and(|(s, _)| s == 200)
    });
    Preview {
        server,
        port,
        out,
        _tmp: tmp,
    }
}

#[test]
fn serves_rebuilds_and_keeps_last_good_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let out = tmp.path().join("public");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // In English: the assertions below quote the English report.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args([
            "--lang",
            "en",
            "serve",
            "--site",
            site.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--as-of",
            "2024-04-15",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stderr = child.stderr.take().unwrap();
    let _server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    wait_for("the first page", || {
        get(port, "/labs/xa-alpha/")
            .is_some_and(|(s, b)| s == 200 && b.contains("西安甲检测有限公司"))
    });
    let (status, body) = get(port, "/no/such/page/").unwrap();
    assert_eq!(status, 404);
    assert!(body.contains("页面不存在"));
    assert_eq!(get(port, "/../../etc/passwd").map(|r| r.0), Some(404));

    let labs = site.join("data/labs/labs.yaml");
    let text = std::fs::read_to_string(&labs).unwrap();
    std::fs::write(
        &labs,
        text.replace("西安甲检测有限公司", "西安甲检测股份有限公司"),
    )
    .unwrap();
    wait_for("the rebuilt page", || {
        get(port, "/labs/xa-alpha/").is_some_and(|(_, b)| b.contains("西安甲检测股份有限公司"))
    });

    std::fs::write(
        site.join("data/labs/broken.yaml"),
        "id: broken\npublished: 2024-02-30\n",
    )
    .unwrap();
    let mut log = Vec::new();
    wait_for("the error report", || {
        while let Ok(line) = rx.try_recv() {
            log.push(line);
        }
        log.iter()
            .any(|l| l.contains("still serving the last good build"))
    });
    assert!(
        log.iter()
            .any(|l| l.starts_with("data/labs/broken.yaml:2")
                && l.contains("not a real calendar date")),
        "{log:?}"
    );
    let (status, body) = get(port, "/labs/xa-alpha/").unwrap();
    assert_eq!(status, 200);
    assert!(
        body.contains("西安甲检测股份有限公司"),
        "last good build still served"
    );
}

#[test]
fn byte_ranges_follow_rfc_9110() {
    let preview = preview();
    let port = preview.port;
    // A search shard: the browser's search client reads byte ranges of these.
    let whole = std::fs::read(preview.out.join("search/d/0.bin")).unwrap();
    let len = whole.len();
    assert!(len > 20, "shard too small for the checks: {len}");
    let range = |spec: &str| {
        let header = format!("Range: {spec}");
        send(port, "GET", "/search/d/0.bin", &[header.as_bytes()])
            .unwrap_or_else(|| panic!("no reply to Range: {spec}"))
    };

    let satisfiable: [(String, usize, usize); 5] = [
        ("bytes=0-7".into(), 0, 7),
        (format!("bytes={}-", len - 3), len - 3, len - 1),
        ("bytes=-5".into(), len - 5, len - 1),
        (format!("bytes=4-{}", len + 100), 4, len - 1),
        (format!("bytes={}-{}", len - 1, len - 1), len - 1, len - 1),
    ];
    for (spec, first, last) in satisfiable {
        let reply = range(&spec);
        assert_eq!(reply.status, 206, "{spec}");
        assert_eq!(
            reply.header("Content-Range"),
            Some(format!("bytes {first}-{last}/{len}").as_str()),
            "{spec}"
        );
        assert_eq!(reply.body, whole[first..=last], "{spec}");
    }

    for spec in [
        format!("bytes={len}-"),
        format!("bytes={}-", len + 5000),
        "bytes=5-2".to_string(),
        "bytes=-0".to_string(),
    ] {
        let reply = range(&spec);
        assert_eq!(reply.status, 416, "{spec}");
        assert_eq!(
            reply.header("Content-Range"),
            Some(format!("bytes */{len}").as_str()),
            "{spec}"
        );
    }

    // A header that is not even text is ignored (RFC 9110 §14.2): the whole file, and the
    // connection is answered, not dropped.
    let reply = send(
        port,
        "GET",
        "/search/d/0.bin",
        &["Range: bytes=é-1".as_bytes()],
    )
    .expect("a reply to a non-ASCII Range");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, whole);
    // No multipart responses: several ranges get the whole file.
    let reply = range("bytes=0-1,4-5");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, whole);
    // A missing path gets the whole 404 page, whatever range or validator was sent.
    let not_found = std::fs::read(preview.out.join("404.html")).unwrap();
    for header in [
        &b"Range: bytes=0-3"[..],
        b"If-None-Match: *",
        b"Range: bytes=-0",
    ] {
        let reply = send(port, "GET", "/search/d/9.bin", &[header]).unwrap();
        assert_eq!(reply.status, 404, "{}", String::from_utf8_lossy(header));
        assert_eq!(reply.body, not_found, "{}", String::from_utf8_lossy(header));
        assert_eq!(reply.header("Content-Range"), None);
        assert_eq!(reply.header("ETag"), None);
    }
    // A range of a page served for a directory works too.
    let page = std::fs::read(preview.out.join("labs/xa-alpha/index.html")).unwrap();
    let reply = send(port, "GET", "/labs/xa-alpha/", &[b"Range: bytes=0-14"]).unwrap();
    assert_eq!((reply.status, reply.body.as_slice()), (206, &page[..15]));
}

#[test]
fn methods_head_and_conditional_requests() {
    let preview = preview();
    let port = preview.port;
    let csv = std::fs::read(preview.out.join("data/labs.csv")).unwrap();

    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let reply = send(port, method, "/data/labs.csv", &[b"Content-Length: 0"])
            .unwrap_or_else(|| panic!("no reply to {method}"));
        assert_eq!(reply.status, 405, "{method}");
        let allow = reply.header("Allow").unwrap_or_default().to_string();
        assert!(
            allow.contains("GET") && allow.contains("HEAD"),
            "{method}: {allow}"
        );
    }
    // Unknown path, not-allowed method: still 405, never a write.
    let reply = send(port, "PUT", "/new.html", &[b"Content-Length: 0"]).unwrap();
    assert_eq!(reply.status, 405);
    assert!(!preview.out.join("new.html").exists());

    let head = send(port, "HEAD", "/data/labs.csv", &[]).unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("Content-Length"),
        Some(csv.len().to_string().as_str())
    );
    assert_eq!(head.header("Content-Type"), Some("text/csv; charset=utf-8"));
    assert!(head.body.is_empty());

    let first = send(port, "GET", "/data/labs.csv", &[]).unwrap();
    assert_eq!(first.status, 200);
    assert_eq!(first.body, csv);
    assert_eq!(first.header("Cache-Control"), Some("no-cache"));
    let etag = first.header("ETag").expect("an ETag").to_string();
    let modified = first
        .header("Last-Modified")
        .expect("a Last-Modified")
        .to_string();
    let if_none_match = format!("If-None-Match: {etag}");
    let reply = send(port, "GET", "/data/labs.csv", &[if_none_match.as_bytes()]).unwrap();
    assert_eq!(reply.status, 304);
    assert!(reply.body.is_empty());
    let if_modified_since = format!("If-Modified-Since: {modified}");
    let reply = send(
        port,
        "GET",
        "/data/labs.csv",
        &[if_modified_since.as_bytes()],
    )
    .unwrap();
    assert_eq!(reply.status, 304);
    let reply = send(
        port,
        "GET",
        "/data/labs.csv",
        &[b"If-None-Match: \"elsewhere\""],
    )
    .unwrap();
    assert_eq!((reply.status, reply.body.len()), (200, csv.len()));

    // A file rewritten in place (as a live rebuild does) no longer matches the old validator,
    // even within the same second.
    std::fs::write(preview.out.join("data/labs.csv"), b"changed\n").unwrap();
    let reply = send(port, "GET", "/data/labs.csv", &[if_none_match.as_bytes()]).unwrap();
    assert_eq!(
        (reply.status, reply.body.as_slice()),
        (200, &b"changed\n"[..])
    );
}

/// The content type each extension of the output must be served with, written out here
/// rather than taken from the server's table.
fn expected_type(relative: &str) -> Option<&'static str> {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    Some(match extension {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "ndjson" => "application/x-ndjson",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "svg" => "image/svg+xml",
        "bin" => "application/octet-stream",
        "" if name == "SHA256SUMS" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

#[test]
fn every_output_file_is_served_with_its_content_type() {
    let preview = preview();
    let mut checked = std::collections::BTreeSet::new();
    for relative in read_tree(&preview.out).into_keys() {
        // The tantivy index is the `gongshi search` command's, not the browser's; the hidden
        // mark says the folder is a gongshi output.
        if relative.starts_with("search/index/") || relative.starts_with('.') {
            continue;
        }
        let expected = expected_type(&relative)
            .unwrap_or_else(|| panic!("no content type expected for {relative}"));
        let reply = send(preview.port, "HEAD", &format!("/{relative}"), &[]).unwrap();
        assert_eq!(reply.status, 200, "{relative}");
        assert_eq!(reply.header("Content-Type"), Some(expected), "{relative}");
        checked.insert(relative.rsplit_once('.').map_or("", |(_, e)| e).to_string());
    }
    for extension in [
        "ndjson", "csv", "xlsx", "xml", "json", "svg", "js", "css", "bin",
    ] {
        assert!(checked.contains(extension), "no .{extension} in the output");
    }
    let directory = send(preview.port, "GET", "/labs/", &[]).unwrap();
    assert_eq!(
        directory.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let missing = send(preview.port, "GET", "/data/missing.csv", &[]).unwrap();
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(contains(&missing.body, "页面不存在"));
}

#[test]
fn paths_outside_the_output_are_not_served() {
    let preview = preview();
    let secret = preview.out.parent().unwrap().join("secret.txt");
    std::fs::write(&secret, "SECRET-OUTSIDE-THE-OUTPUT").unwrap();
    let absolute = secret.to_str().unwrap().to_string();
    let attempts = [
        "/../secret.txt".to_string(),
        "/labs/../../secret.txt".to_string(),
        "/%2e%2e/secret.txt".to_string(),
        "/%2E%2E%2Fsecret.txt".to_string(),
        "/labs/%2e%2e/%2e%2e/secret.txt".to_string(),
        "/..%5Csecret.txt".to_string(),
        "/.%2e/.%2e/secret.txt".to_string(),
        absolute.clone(),
        format!("/{absolute}"),
        format!("/{}", absolute.replace('/', "%2F")),
        format!("http://127.0.0.1:{}/../secret.txt", preview.port),
    ];
    for path in &attempts {
        let reply =
            send(preview.port, "GET", path, &[]).unwrap_or_else(|| panic!("no reply for {path}"));
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {}",
            reply.status
        );
        assert!(!contains(&reply.body, "SECRET-OUTSIDE"), "{path}");
    }
}

/// Opens a request for `path` and never reads the reply.
fn stalled_client(port: u16, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    stream
}

/// Stands in for a large dataset download (sparse, so it costs no disk).
fn large_file(out: &Path) {
    let file = std::fs::File::create(out.join("data/large.bin")).unwrap();
    file.set_len(256 << 20).unwrap();
}

#[test]
fn a_client_that_never_reads_does_not_hold_up_others() {
    let preview = preview();
    large_file(&preview.out);
    // More stalled clients than the server has worker threads.
    let stalled: Vec<TcpStream> = (0..6)
        .map(|_| stalled_client(preview.port, "/data/large.bin"))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // A functional check with a generous bound, not a benchmark: a one-at-a-time server
    // never answers while the large file's writes block.
    let started = Instant::now();
    let reply = send(preview.port, "GET", "/labs/xa-alpha/", &[]).expect("a reply");
    assert_eq!(reply.status, 200);
    assert!(contains(&reply.body, "西安甲检测有限公司"));
    let range = send(
        preview.port,
        "GET",
        "/search/d/0.bin",
        &[b"Range: bytes=0-3"],
    )
    .unwrap();
    assert_eq!(range.status, 206);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    drop(stalled);
}

#[test]
fn ctrl_c_stops_the_server_even_with_a_client_that_never_reads() {
    let mut preview = preview();
    large_file(&preview.out);
    let _stalled = stalled_client(preview.port, "/data/large.bin");
    std::thread::sleep(Duration::from_millis(300));
    let pid = preview.server.0.id() as libc::pid_t;
    // SAFETY: kill(2) on the child this test started; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = preview.server.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 10 s after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect(("127.0.0.1", preview.port)).is_err());
}
