//! Local preview: builds the site, serves the output on 127.0.0.1, and rebuilds when anything
//! under the site changes, in place and only what changed (see [`crate::live`]). A rebuild that
//! finds errors in the site prints them and the last good build keeps being served.
//!
//! HTTP is tower-http's `ServeDir` on a small tokio runtime rather than hand-written parsing:
//! files are streamed, so a client that stops reading a large file holds up only itself;
//! byte ranges (the search client reads pieces of its shard files), `416` for unsatisfiable
//! ones, `ETag`/`Last-Modified` with `304`s, `HEAD`, and `405` for other methods all come from
//! there. This module adds the site's 404 page, charsets and the types the output's own
//! extensions need, and `Cache-Control: no-cache` so a browser revalidates after a rebuild.
//!
//! Ctrl-C (or SIGTERM) stops accepting requests, lets a rebuild under way finish so the output
//! is never left half-updated, and exits; a second one exits at once.

use crate::live::LiveState;
use crate::messages::{Lang, Say};
use crate::pipeline::{self, BuildError, BuildOptions, BuildSummary};
use anyhow::Context;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use notify::{RecursiveMode, Watcher};
use std::future::IntoFuture;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// How long responses under way may run on after a stop before they are cut off (a client that
/// never reads would otherwise hold the process open).
const STOP_GRACE: Duration = Duration::from_secs(1);

/// What wakes the rebuild loop: files that changed, or a stop.
enum Wake {
    Changed(Vec<PathBuf>),
    Stop,
}

/// Builds once, then serves and watches until Ctrl-C or SIGTERM.
pub fn serve(opts: BuildOptions, port: u16, lang: Lang) -> anyhow::Result<()> {
    // Refused here, not just reported as a failed build: serve would go on serving the folder.
    crate::out_guard::check(&opts.site, &opts.out)?;
    let mut state = LiveState::default();
    report(&opts, lang, rebuild(&opts, lang, &mut state));
    // Two workers are plenty for one person's preview; requests wait on sockets, not threads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("gongshi-serve")
        .enable_all()
        .build()?;
    let (listener, mut signals) = runtime.block_on(async {
        let signals = StopSignals::listen()?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
        anyhow::Ok((listener, signals))
    })?;
    let serving = Say::Serving {
        out: opts.out.clone(),
        addr: listener.local_addr()?.to_string(),
    };
    eprintln!("{}", serving.render(lang));
    let site = app(&opts.out);
    let (wake, woken) = mpsc::channel();
    let (ended_tx, mut ended) = tokio::sync::oneshot::channel();
    let watch_wake = wake.clone();
    std::thread::spawn(move || {
        let _ = ended_tx.send(watch(&opts, lang, &mut state, watch_wake, woken));
    });
    let result = runtime.block_on(async move {
        let (stop_server, server_stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(
            axum::serve(listener, site)
                .with_graceful_shutdown(async {
                    let _ = server_stopped.await;
                })
                .into_future(),
        );
        let watch_failed = tokio::select! {
            () = signals.next() => None,
            ended = &mut ended => Some(ended),
        };
        let _ = stop_server.send(());
        let _ = tokio::time::timeout(STOP_GRACE, server).await;
        if let Some(ended) = watch_failed {
            return ended.unwrap_or_else(|_| Err(anyhow::anyhow!("the file watcher stopped")));
        }
        eprintln!("{}", Say::Stopping.render(lang));
        let _ = wake.send(Wake::Stop);
        tokio::spawn(async move {
            signals.next().await;
            eprintln!("{}", Say::StoppedMidRebuild.render(lang));
            std::process::exit(130);
        });
        ended.await.unwrap_or(Ok(()))
    });
    runtime.shutdown_timeout(STOP_GRACE);
    result
}

/// SIGINT and SIGTERM, registered before the server starts so that no early one is missed.
struct StopSignals {
    interrupt: Signal,
    terminate: Signal,
}

impl StopSignals {
    fn listen() -> std::io::Result<Self> {
        Ok(StopSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

/// The output folder over HTTP: files and directory `index.html`s, the site's `404.html`
/// (status 404) for anything else, paths never leaving the folder (`ServeDir` rejects `..`,
/// encoded or not, and absolute components).
fn app(out: &Path) -> Router {
    let files = ServeDir::new(out)
        // No multipart responses: a multi-range request gets the whole file, which RFC 9110
        // allows and the search client handles.
        .ignore_multi_range_requests(true)
        .not_found_service(ServeFile::new(out.join("404.html")).map_request(whole_page));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(preview_headers))
}

/// The 404 page answers for a path that has no file: a range or validator sent for that path
/// says nothing about the 404 page, which is therefore always sent whole.
fn whole_page(mut request: Request) -> Request {
    for name in [
        header::RANGE,
        header::IF_RANGE,
        header::IF_MATCH,
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::IF_UNMODIFIED_SINCE,
    ] {
        request.headers_mut().remove(name);
    }
    request
}

/// Sets the content type the output's own files need (by the requested path's extension; the
/// 404 page is HTML whatever was asked) and asks browsers to revalidate every time, so a page
/// rebuilt in place is never shown stale.
async fn preview_headers(request: Request, next: Next) -> Response {
    let asked = served_extension(request.uri().path()).map(str::to_string);
    let mut response = next.run(request).await;
    let not_found = response.status() == StatusCode::NOT_FOUND;
    let extension = if not_found {
        Some("html")
    } else {
        asked.as_deref()
    };
    let headers = response.headers_mut();
    if not_found {
        // Validators of the 404 page are not the missing path's.
        headers.remove(header::ETAG);
        headers.remove(header::LAST_MODIFIED);
    }
    if headers.contains_key(header::CONTENT_TYPE) {
        if let Some(kind) = extension.and_then(content_type) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The extension of the file a request path names: `html` for a directory (its `index.html`),
/// empty for a file without one.
fn served_extension(path: &str) -> Option<&str> {
    if path.ends_with('/') {
        return Some("html");
    }
    let name = path.rsplit('/').next()?;
    Some(name.rsplit_once('.').map_or("", |(_, extension)| extension))
}

/// Content types for the extensions a build writes; others keep `ServeDir`'s guess.
pub fn content_type(extension: &str) -> Option<&'static str> {
    Some(match extension {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "ndjson" => "application/x-ndjson",
        // Feeds and the sitemap.
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        // Search shards.
        "bin" => "application/octet-stream",
        // data/SHA256SUMS.
        "" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// A live rebuild (see [`crate::live`]): only changed pages are rendered and written, and they
/// are served before the datasets and search index are brought up to date.
fn rebuild(
    opts: &BuildOptions,
    lang: Lang,
    state: &mut LiveState,
) -> Result<BuildSummary, BuildError> {
    let mut pages_ready =
        |seconds: f64| eprintln!("{}", Say::PagesUpdated { seconds }.render(lang));
    pipeline::build_live(
        opts,
        pipeline::Live {
            state,
            pages_ready: &mut pages_ready,
        },
    )
}

fn report(opts: &BuildOptions, lang: Lang, result: Result<pipeline::BuildSummary, BuildError>) {
    let say = match result {
        Ok(summary) => Say::Rebuilt {
            files: summary.files,
            published: summary.published,
            rendered: summary.rendered_pages,
            out: opts.out.clone(),
        },
        Err(BuildError::Invalid(diags)) => {
            for d in &diags {
                eprintln!("{}", d.human(lang));
            }
            Say::StillServing { error: None }
        }
        Err(e) => Say::StillServing {
            error: Some(crate::messages::error_chain(&e.into(), lang)),
        },
    };
    eprintln!("{}", say.render(lang));
}

fn watch(
    opts: &BuildOptions,
    lang: Lang,
    state: &mut LiveState,
    wake: mpsc::Sender<Wake>,
    woken: mpsc::Receiver<Wake>,
) -> anyhow::Result<()> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading the site (as every build does) raises access events: only changes count,
        // or each build would trigger the next.
        match event {
            Ok(event) if !event.kind.is_access() => {
                let _ = wake.send(Wake::Changed(event.paths));
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
        match woken.recv()? {
            Wake::Stop => return Ok(()),
            Wake::Changed(paths) if !relevant(&paths) => continue,
            Wake::Changed(_) => {}
        }
        // Let a burst of saves settle, then build once.
        loop {
            match woken.recv_timeout(Duration::from_millis(100)) {
                Ok(Wake::Stop) => return Ok(()),
                Ok(Wake::Changed(_)) => {}
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        report(opts, lang, rebuild(opts, lang, state));
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("{}", Say::RebuiltIn { seconds }.render(lang));
    }
}
