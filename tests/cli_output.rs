//! What `build` and `check` print on a site with many warnings: the first 20, then counts by
//! kind that add up; every warning with --verbose; only errors with --quiet.

mod common;

use common::gongshi;

fn stderr_of(args: &[&str]) -> String {
    let out = gongshi(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// A generated site of `records` records, and an output folder beside it.
fn generated(tmp: &tempfile::TempDir, records: &str, seed: &str) -> (String, String) {
    let site = tmp.path().join("site").to_string_lossy().to_string();
    let out = tmp.path().join("out").to_string_lossy().to_string();
    gongshi_generate::generate(&gongshi_generate::Options {
        records: records.parse().unwrap(),
        out: site.clone().into(),
        seed: seed.parse().unwrap(),
    })
    .expect("generate");
    (site, out)
}

#[test]
fn many_warnings_are_shown_twenty_then_counted() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (site, out) = generated(&tmp, "3000", "11");
    let (site, out) = (site.as_str(), out.as_str());
    let build = [
        "build",
        "--site",
        site,
        "--out",
        out,
        "--as-of",
        "2025-06-30",
    ];

    // English on request, Chinese as the generated zh-CN site's own language.
    for (lang, warning, more, by_kind, built) in [
        (
            "en",
            ": warning: ",
            "... and {} more warning(s)",
            "warnings by kind",
            "built ",
        ),
        (
            "zh",
            ": 警告: ",
            "……另有 {} 条警告未列出",
            "警告按类别统计",
            "构建完成",
        ),
    ] {
        let build = [&["--lang", lang][..], &build[..]].concat();
        let verbose = stderr_of(&[&build[..], &["--verbose"]].concat());
        let all = verbose.lines().filter(|l| l.contains(warning)).count();
        assert!(
            all > 40,
            "the generated site should have many warnings, has {all}"
        );

        let normal = stderr_of(&build);
        let shown = normal.lines().filter(|l| l.contains(warning)).count();
        assert_eq!(shown, 20, "{normal}");
        let more = more.replace("{}", &(all - 20).to_string());
        assert!(normal.contains(&more), "no `{more}` in:\n{normal}");
        let kinds: Vec<(usize, &str)> = normal
            .lines()
            .skip_while(|l| !l.contains(by_kind))
            .skip(1)
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                Some((words.next()?.parse::<usize>().ok()?, words.next()?))
            })
            .collect();
        assert_eq!(
            kinds.iter().map(|k| k.0).sum::<usize>(),
            all,
            "the counts by kind add up to every warning:\n{normal}"
        );
        // Counted by code, the same in both languages.
        assert!(
            kinds.iter().any(|k| k.1 == "late-notice"),
            "late notices counted by their code:\n{normal}"
        );
        assert!(normal.contains(built), "{normal}");

        let quiet = stderr_of(&[&build[..], &["--quiet"]].concat());
        assert_eq!(quiet, "", "--quiet prints nothing on success");
    }
}

/// On a terminal, a build longer than two seconds shows its stage on stderr; in a pipe (above)
/// nothing but the report.
#[test]
fn a_long_build_on_a_terminal_shows_its_stage() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (site, out) = generated(&tmp, "20000", "5");
    let (site, out) = (site.as_str(), out.as_str());
    // `script` gives the command a pseudo-terminal, as a person's shell would.
    let command = format!(
        "{} build --site {site} --out {out} --as-of 2025-06-30 --quiet",
        env!("CARGO_BIN_EXE_gongshi")
    );
    let run = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .expect("run script (util-linux)");
    let shown = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{shown}");
    assert!(
        [
            "读取并校验数据",
            "执行公示规则",
            "生成页面、开放数据与检索索引",
            "写入磁盘并替换输出目录"
        ]
        .iter()
        .any(|stage| shown.contains(stage)),
        "no stage shown on the terminal:\n{shown}"
    );
}
