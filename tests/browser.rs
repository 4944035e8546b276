//! The site as people meet it: each test builds the sample site with the real binary, then runs a
//! Node script (tests/js/*.mjs) that serves the output on 127.0.0.1 and drives headless Debian
//! chromium (playwright-core, axe-core, Lighthouse) or the Nu HTML Checker over it. A script that
//! exits non-zero fails the test with its output.
//!
//! Prerequisites are installed by `bash scripts/test-deps.sh`; when one is missing the tests fail
//! saying so rather than skipping, so a green run always means the browser checks ran.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The bundled sample site (repo root) at the README's build date, so page contents and counts are
/// reproducible and listings have enough records to page through.
const SITE: &str = ".";
const AS_OF: &str = "2025-06-30";

const CHROMIUM: &str = "/usr/bin/chromium";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One build shared by every test of this file (kept for the process's lifetime).
fn site() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BUILT
        .get_or_init(|| {
            let tmp = tempfile::tempdir().expect("temp dir");
            let out = tmp.path().join("public");
            let run = Command::new(env!("CARGO_BIN_EXE_gongshi"))
                .current_dir(repo())
                .args(["build", "--site", SITE, "--as-of", AS_OF, "--out"])
                .arg(&out)
                .output()
                .expect("run gongshi build");
            assert!(
                run.status.success(),
                "gongshi build of {SITE} failed ({}):\n{}",
                run.status,
                String::from_utf8_lossy(&run.stderr)
            );
            (tmp, out)
        })
        .1
}

fn prerequisites() {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push(format!("{CHROMIUM} (apt package chromium)"));
    }
    if !repo()
        .join("tests/js/node_modules/playwright-core")
        .exists()
    {
        missing.push("tests/js/node_modules (npm ci --prefix tests/js)".to_string());
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (apt package nodejs)".to_string());
    }
    if Command::new("java").arg("-version").output().is_err() {
        missing.push("java (apt package default-jre-headless)".to_string());
    }
    assert!(
        missing.is_empty(),
        "browser tests cannot run, missing: {}. Run `bash scripts/test-deps.sh` first.",
        missing.join(", ")
    );
}

/// Runs `node tests/js/<script> <site>` on the sample site.
fn run(script: &str) {
    run_on(script, site(), &[]);
}

/// Runs `node tests/js/<script> <out> <args>`; panics with its output unless it succeeds.
/// Browser scripts run one at a time: the machine is small and Lighthouse's timings suffer
/// under load.
fn run_on(script: &str, out: &Path, args: &[&str]) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    prerequisites();
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    let output = Command::new("node")
        .arg(repo().join("tests/js").join(script))
        .arg(out)
        .args(args)
        .env("CHROME_PATH", CHROMIUM)
        .env("SCREENSHOT_DIR", &shots)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    println!("{stdout}");
}

#[test]
fn journeys_a_person_takes() {
    run("e2e.mjs");
}

#[test]
fn accessibility_axe_wcag21_aa() {
    run("axe.mjs");
}

#[test]
fn lighthouse_mobile_scores() {
    run("lighthouse.mjs");
}

#[test]
fn html_is_valid_nu_checker() {
    run("vnu.mjs");
}

#[test]
fn mobile_width_and_print() {
    run("mobile-print.mjs");
}

#[test]
fn large_text_high_contrast_mode() {
    run("large-text.mjs");
}

#[test]
fn every_record_reachable_without_javascript() {
    run("nojs.mjs");
}

/// `gongshi init`, `gongshi import` of a spreadsheet, `gongshi build`: the site a new bureau
/// starts with works in the browser.
#[test]
fn a_new_bureaus_site_from_init_and_import() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    let out = tmp.path().join("public");
    let gongshi = |args: &[&std::ffi::OsStr]| {
        let run = Command::new(env!("CARGO_BIN_EXE_gongshi"))
            .args(args)
            .output()
            .expect("run gongshi");
        assert!(
            run.status.success(),
            "gongshi {args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    };
    let s = site.as_os_str();
    gongshi(&[
        "init".as_ref(),
        s,
        "--bureau".as_ref(),
        "测试市市场监督管理局".as_ref(),
    ]);
    let sheet = repo().join("tests/fixtures/import/penalties.xls");
    gongshi(&[
        "import".as_ref(),
        "penalties".as_ref(),
        sheet.as_os_str(),
        "--site".as_ref(),
        s,
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ]);
    gongshi(&[
        "build".as_ref(),
        "--site".as_ref(),
        s,
        "--out".as_ref(),
        out.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ]);
    run_on("new-site.mjs", &out, &[]);
}

/// The sample site with `language: en`: English labels are longer and headings do not wrap, so
/// this is where a layout first grows wider than the window.
#[test]
fn the_english_ui_fits_the_window() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    std::fs::create_dir(&site).expect("site dir");
    for dir in ["data", "content", "calendar"] {
        common::copy_tree(&repo().join(dir), &site.join(dir));
    }
    let yaml = std::fs::read_to_string(repo().join("site.yaml")).expect("site.yaml");
    assert!(
        yaml.contains("  language: zh-CN\n"),
        "the sample's language line moved"
    );
    let yaml = yaml.replace("  language: zh-CN\n", "  language: en\n");
    std::fs::write(site.join("site.yaml"), yaml).expect("write site.yaml");
    let out = tmp.path().join("public");
    common::build_with_binary(&site, &out, AS_OF);
    run_on("english-widths.mjs", &out, &[]);
}

/// A generated site large enough that two common words are read in blocks; the script makes
/// the search budget small, so the first page stops, says so, and ranks whole on request.
#[test]
fn a_stopped_first_page_says_so_and_ranks_whole() {
    let (_dir, _site, out) = common::generated_build(20_000, 4242, AS_OF);
    run_on("rank-all.mjs", &out, &["宝鸡 检测"]);
}
