//! `gongshi serve`: serves the build on 127.0.0.1, rebuilds on change, and keeps serving the last
//! good build (printing the errors) when a change breaks the site.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args([
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
