//! `gongshi init DIR`: a new bureau's site that checks, builds and serves at once.
//!
//! The collections and notice rules are the bundled sample site's own `site.yaml` (so a new site
//! starts from the same tested definitions), with the `site:` block written for the new bureau.
//! The theme and the holiday calendar are not copied: both are built into the binary and a site
//! only adds a `themes/` or `calendar/` folder to override them.

use std::path::{Path, PathBuf};

/// The bundled site's configuration, whose collections a new site starts with.
const SAMPLE_SITE_YAML: &str = include_str!("../site.yaml");

#[derive(Debug, Clone)]
pub struct InitOptions {
    pub dir: PathBuf,
    /// The site's title; default "<bureau>公示平台".
    pub title: Option<String>,
    pub bureau: String,
    pub base_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{}: the folder is not empty; `gongshi init` only writes into a new or empty folder, so nothing of yours is overwritten", .0.display())]
    NotEmpty(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the bundled site.yaml has no `collections:` block")]
    NoCollections,
}

/// Writes the new site and returns the files written, relative to the folder.
pub fn init(opts: &InitOptions) -> Result<Vec<PathBuf>, InitError> {
    let dir = &opts.dir;
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|source| InitError::Io {
            path: dir.clone(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.clone()));
        }
    }
    let files = site_files(opts)?;
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| InitError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| InitError::Io { path, source })?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// Every file of the new site, by relative path.
fn site_files(opts: &InitOptions) -> Result<Vec<(PathBuf, String)>, InitError> {
    let collections_at = SAMPLE_SITE_YAML
        .find("\ncollections:")
        .ok_or(InitError::NoCollections)?;
    let collections = &SAMPLE_SITE_YAML[collections_at + 1..];
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| format!("{}公示平台", opts.bureau));
    let mut files = vec![(
        PathBuf::from("site.yaml"),
        format!("{}\n{collections}", site_block(opts, &title)),
    )];
    for key in collection_keys(collections) {
        // Git keeps no empty folder; the loader skips dot-files.
        files.push((
            PathBuf::from("data").join(key).join(".gitkeep"),
            String::new(),
        ));
    }
    files.push(("content/about.md".into(), about_page(&opts.bureau)));
    files.push(("content/policy.md".into(), POLICY_PAGE.to_string()));
    files.push(("content/contact.md".into(), CONTACT_PAGE.to_string()));
    files.push((".gitignore".into(), "/public/\n".to_string()));
    Ok(files)
}

fn site_block(opts: &InitOptions, title: &str) -> String {
    format!(
        "# gongshi site configuration. Collections, fields and notice rules are configuration:\n\
         # see docs/zh/ and docs/site-yaml.md in the gongshi repository.\n\
         site:\n  title: {title}\n  short_title: 公示平台\n  description: {description}\n  \
         bureau: {bureau}\n  base_url: {base_url}\n  language: zh-CN\n  theme: default\n  page_size: 20\n  \
         licence:\n    name: CC BY 4.0\n    url: https://creativecommons.org/licenses/by/4.0/\n",
        title = yaml_scalar(title),
        description = yaml_scalar(&format!(
            "{}依法公示的检验检测机构、双随机抽查结果、行政处罚与有机产业示范园区信息",
            opts.bureau
        )),
        bureau = yaml_scalar(&opts.bureau),
        base_url = yaml_scalar(&opts.base_url),
    )
}

/// A double-quoted YAML scalar, so a title with `:` or `#` stays one string.
fn yaml_scalar(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The top-level keys under `collections:` (two-space indented lines ending in `:`).
fn collection_keys(collections: &str) -> Vec<&str> {
    collections
        .lines()
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' ') || line.starts_with('#'))
        .filter_map(|line| {
            let key = line.strip_prefix("  ")?.strip_suffix(':')?;
            (!key.starts_with([' ', '#'])).then_some(key)
        })
        .collect()
}

fn about_page(bureau: &str) -> String {
    format!(
        "---\ntitle: 关于本站\ndescription: 本平台公示的信息范围、数据来源与开放数据的使用方式。\nweight: 1\n---\n\
         本平台由{bureau}主办，依据《企业信息公示暂行条例》《市场监督管理行政处罚信息公示规定》等规定公示相关信息。\n\n\
         ## 开放数据\n\n所有正在公示的信息均可在“[开放数据](../data/)”页面下载（CSV、JSON、NDJSON、Excel），并附有数据字典与校验和。\n"
    )
}

const POLICY_PAGE: &str = "---\ntitle: 公示规则\ndescription: 信息何时公示、公示多久、何时撤下，以及个人信息如何保护。\nweight: 2\n---\n\
## 公示期限\n\n- 行政处罚信息自公示之日起公示，仅给予警告的行政处罚不予公示。\n\
- 仅受到通报批评或者较低数额罚款的，公示期为 3 个月；其他行政处罚信息公示期为 3 年。\n\n\
## 撤下与更正\n\n公示期满，或者处罚决定被依法撤销、变更的，相关信息从列表、检索、开放数据和订阅源中撤下，原网址仅保留一段说明。\n\n\
## 个人信息\n\n自然人的身份证件号码、电话号码、住址和银行账号不予公示。\n";

const CONTACT_PAGE: &str =
    "---\ntitle: 联系我们\ndescription: 对公示信息有异议或发现错误时的联系方式。\nweight: 3\n---\n\
对公示信息有异议，或者发现信息有误的，请与主办单位联系，并注明信息的网址或文书编号。\n";

/// True when `dir` holds a `site.yaml` (used by commands that want a site folder).
pub fn is_site(dir: &Path) -> bool {
    dir.join(crate::config::SITE_FILE).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_collections_are_found() {
        let at = SAMPLE_SITE_YAML
            .find("\ncollections:")
            .expect("collections");
        let keys = collection_keys(&SAMPLE_SITE_YAML[at + 1..]);
        assert_eq!(keys, ["labs", "inspections", "penalties", "organic-parks"]);
    }

    #[test]
    fn a_title_with_yaml_syntax_stays_one_string() {
        assert_eq!(yaml_scalar("a: \"b\" # c"), "\"a: \\\"b\\\" # c\"");
    }
}
