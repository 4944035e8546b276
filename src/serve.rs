//! Local preview: builds the site, serves the output on 127.0.0.1, and rebuilds when anything
//! under the site changes, in place and only what changed (see [`crate::live`]). A rebuild that
//! finds errors in the site prints them and the last good build keeps being served.

use crate::live::LiveState;
use crate::pipeline::{self, BuildError, BuildOptions, BuildSummary};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Builds once, then serves and watches until the process is stopped.
pub fn serve(opts: BuildOptions, port: u16) -> anyhow::Result<()> {
    // Refused here, not just reported as a failed build: serve would go on serving the folder.
    crate::out_guard::check(&opts.site, &opts.out)?;
    let mut state = LiveState::default();
    report(&opts, rebuild(&opts, &mut state));
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = server.server_addr();
    eprintln!(
        "serving {} at http://{addr}/ (Ctrl-C to stop)",
        opts.out.display()
    );
    let out = opts.out.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let range = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Range"))
                .map(|h| h.value.as_str().to_string());
            let response = respond(&out, request.url(), range.as_deref());
            let _ = request.respond(response);
        }
    });
    watch(&opts, &mut state)
}

/// A live rebuild (see [`crate::live`]): only changed pages are rendered and written, and they
/// are served before the datasets and search index are brought up to date.
fn rebuild(opts: &BuildOptions, state: &mut LiveState) -> Result<BuildSummary, BuildError> {
    let mut pages_ready = |seconds: f64| eprintln!("pages updated in {seconds:.2}s");
    pipeline::build_live(
        opts,
        pipeline::Live {
            state,
            pages_ready: &mut pages_ready,
        },
    )
}

fn report(opts: &BuildOptions, result: Result<pipeline::BuildSummary, BuildError>) {
    match result {
        Ok(summary) => eprintln!(
            "built {} files ({} records on notice, {} pages rendered) into {}",
            summary.files,
            summary.published,
            summary
                .rendered_pages
                .map_or_else(|| "all".to_string(), |n| n.to_string()),
            opts.out.display()
        ),
        Err(BuildError::Invalid(diags)) => {
            for d in &diags {
                eprintln!("{}", d.human());
            }
            eprintln!("build failed; still serving the last good build");
        }
        Err(e) => eprintln!("build failed: {e}; still serving the last good build"),
    }
}

fn watch(opts: &BuildOptions, state: &mut LiveState) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading the site (as every build does) raises access events: only changes count,
        // or each build would trigger the next.
        match event {
            Ok(event) if !event.kind.is_access() => {
                let _ = tx.send(event.paths);
            }
            _ => {}
        }
    })?;
    let site = std::fs::canonicalize(&opts.site)?;
    watcher.watch(&site, RecursiveMode::Recursive)?;
    let out = std::fs::canonicalize(&opts.out).unwrap_or_else(|_| opts.out.clone());
    // Output, build products and hidden paths inside the site (.git, staging directories)
    // never trigger a build.
    let ignored = |p: &Path| {
        let Ok(rel) = p.strip_prefix(&site) else {
            return true;
        };
        p.starts_with(&out)
            || rel.starts_with("target")
            || rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    };
    let relevant = |paths: &[PathBuf]| paths.iter().any(|p| !ignored(p));
    loop {
        let paths = rx.recv()?;
        if !relevant(&paths) {
            continue;
        }
        // Let a burst of saves settle, then build once.
        while rx.recv_timeout(Duration::from_millis(100)).is_ok() {}
        let started = std::time::Instant::now();
        report(opts, rebuild(opts, state));
        eprintln!("rebuilt in {:.2}s", started.elapsed().as_secs_f64());
    }
}

/// Maps a request path onto a file in the output, never outside it.
pub fn resolve(out: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let mut file = out.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains('\0') => return None,
            p => file.push(p),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

fn respond(
    out: &Path,
    url: &str,
    range: Option<&str>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let header = |name: &str, v: &str| tiny_http::Header::from_bytes(name, v).ok();
    let (status, path) = match resolve(out, url) {
        Some(p) => (200, Some(p)),
        None => (404, Some(out.join("404.html")).filter(|p| p.is_file())),
    };
    let body = path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .unwrap_or_else(|| b"not found".to_vec());
    let total = body.len();
    // The search client reads pieces of pack files with single byte ranges.
    let (status, body, content_range) = match range.and_then(|r| byte_range(r, total)) {
        Some((start, end)) if status == 200 => (
            206,
            body[start..=end].to_vec(),
            Some(format!("bytes {start}-{end}/{total}")),
        ),
        _ => (status, body, None),
    };
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    let kind = path.as_deref().map_or("text/plain", content_type);
    let headers = [
        header("Content-Type", kind),
        header("Accept-Ranges", "bytes"),
        content_range.and_then(|v| header("Content-Range", &v)),
    ];
    for h in headers.into_iter().flatten() {
        response.add_header(h);
    }
    response
}

/// The inclusive byte span of a single-range `Range` header (`bytes=a-b`, `bytes=a-`,
/// `bytes=-n`) within a body of `total` bytes; `None` serves the whole body.
fn byte_range(header: &str, total: usize) -> Option<(usize, usize)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || total == 0 {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (start, end) = if first.is_empty() {
        let suffix: usize = last.parse().ok()?;
        (total.saturating_sub(suffix), total - 1)
    } else {
        let start: usize = first.parse().ok()?;
        let end = if last.is_empty() {
            total - 1
        } else {
            last.parse::<usize>().ok()?.min(total - 1)
        };
        (start, end)
    };
    (start <= end && start < total).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_output() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("labs/x")).unwrap();
        std::fs::write(tmp.path().join("labs/x/index.html"), "x").unwrap();
        std::fs::write(tmp.path().join("西安.txt"), "x").unwrap();
        assert!(resolve(tmp.path(), "/labs/x/").is_some());
        assert!(resolve(tmp.path(), "/labs/x/?q=1").is_some());
        assert!(resolve(tmp.path(), "/%E8%A5%BF%E5%AE%89.txt").is_some());
        assert!(resolve(tmp.path(), "/../etc/passwd").is_none());
        assert!(resolve(tmp.path(), "/labs/%2e%2e/%2e%2e/etc").is_none());
        assert!(resolve(tmp.path(), "/missing").is_none());
    }

    #[test]
    fn byte_ranges_are_clamped_to_the_body() {
        assert_eq!(byte_range("bytes=0-7", 100), Some((0, 7)));
        assert_eq!(byte_range("bytes=90-200", 100), Some((90, 99)));
        assert_eq!(byte_range("bytes=95-", 100), Some((95, 99)));
        assert_eq!(byte_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(byte_range("bytes=100-120", 100), None);
        assert_eq!(byte_range("bytes=5-2", 100), None);
        assert_eq!(byte_range("bytes=0-1,4-5", 100), None);
        assert_eq!(byte_range("items=0-1", 100), None);
    }

    #[test]
    fn a_range_request_gets_only_those_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("pack.bin"), b"0123456789").unwrap();
        let response = respond(tmp.path(), "/pack.bin", Some("bytes=2-4"));
        assert_eq!(response.status_code().0, 206);
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut body).unwrap();
        assert_eq!(body, b"234");
    }
}
