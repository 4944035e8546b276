//! Whole-site builds of small fixtures: pages written, byte-identical rebuilds, failed builds
//! leaving the previous output untouched, a fifth collection by configuration, inert XSS.

mod common;
use common::*;

#[test]
fn good_site_writes_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("good"), &out, "2024-04-15").expect("build");
    let files = read_tree(&out);
    for page in [
        "index.html",
        "404.html",
        "about/index.html",
        "labs/index.html",
        "labs/page/2/index.html",
        "labs/xa-alpha/index.html",
        "labs/bj-beta/index.html",
        "labs/city/index.html",
        "labs/city/西安市/index.html",
        "penalties/p-big/index.html",
        "penalties/p-small/index.html",
        "penalties/decision_date/2024/index.html",
        "static/style.css",
    ] {
        assert!(files.contains_key(page), "missing {page}");
    }
    // A warning-only penalty is never published.
    assert!(!files.keys().any(|k| k.contains("p-warning")));
    let lab = read(&out, "labs/xa-alpha/index.html");
    assert!(lab.contains("西安甲检测有限公司"));
    assert!(lab.contains("<strong>食品</strong>"), "markdown rendered");
    assert!(lab.contains("陕西"), "CMA parts shown");
    // Back-link from the penalty that refers to this lab, and the forward link.
    assert!(lab.contains("../../penalties/p-big/"), "back-link");
    let penalty = read(&out, "penalties/p-big/index.html");
    assert!(
        penalty.contains(r#"href="../../labs/xa-alpha/""#),
        "reference link: {penalty}"
    );
    assert!(penalty.contains("50,000.00 元"));
    let facet = read(&out, "labs/city/西安市/index.html");
    assert!(facet.contains("西安甲检测有限公司") && !facet.contains("宝鸡乙检测有限公司"));
    let home = read(&out, "index.html");
    assert!(home.contains(r#"lang="zh-CN""#));
    assert!(home.contains("关于本站"));
}

/// Listing rows are rendered once per record and get each listing page's own link prefix.
#[test]
fn listing_rows_link_from_every_depth_and_data_cannot_forge_their_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let labs = site.join("data/labs/labs.yaml");
    let yaml = std::fs::read_to_string(&labs).unwrap();
    std::fs::write(
        &labs,
        yaml.replace("西安甲检测有限公司", "西安甲<gongshi-root>检测有限公司"),
    )
    .unwrap();
    let out = tmp.path().join("public");
    build(&site, &out, "2024-04-15").expect("build");
    let files = read_tree(&out);
    let links = scraper::Selector::parse("table.records a[href]").unwrap();
    let mut checked = 0;
    for page in [
        "labs/index.html",
        "labs/page/2/index.html",
        "labs/city/西安市/index.html",
        "penalties/index.html",
    ] {
        let html = read(&out, page);
        assert!(!html.contains("<gongshi-root>"), "{page}: mark left in");
        let doc = scraper::Html::parse_document(&html);
        for a in doc.select(&links) {
            let href = a.value().attr("href").unwrap();
            let mut target: Vec<&str> = page.split('/').collect();
            target.pop();
            for part in href.split('/') {
                match part {
                    ".." => {
                        assert!(target.pop().is_some(), "{page}: {href} leaves the site");
                    }
                    "" => {}
                    part => target.push(part),
                }
            }
            let target = format!("{}/index.html", target.join("/"));
            assert!(files.contains_key(&target), "{page}: {href} -> {target}");
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} row links");
    let facet = read(&out, "labs/city/西安市/index.html");
    assert!(
        facet.contains("西安甲&lt;gongshi-root&gt;检测有限公司"),
        "the name is shown, escaped: {facet}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&fixture("good"), &a, "2024-04-15").expect("first build");
    build(&fixture("good"), &b, "2024-04-15").expect("second build");
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between builds");
    }
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let out = tmp.path().join("public");
    build(&site, &out, "2024-04-15").expect("good build");
    let before = read_tree(&out);
    std::fs::write(
        site.join("data/labs/broken.yaml"),
        "id: broken\npublished: 2024-13-01\nname: x\n",
    )
    .unwrap();
    let result = gongshi_en(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2024-04-15",
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(
        read_tree(&out),
        before,
        "output changed after a failed build"
    );
    let siblings: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(siblings.len(), 2, "no staging leftovers: {siblings:?}");
}

#[test]
fn usage_errors_exit_2() {
    let out = gongshi_en(&[
        "build",
        "--site",
        fixture("good").to_str().unwrap(),
        "--as-of",
        "2024-99-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of"));
}

#[test]
fn fifth_collection_needs_only_configuration_data_and_optional_template() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("fifth-collection"), &site);
    let base = std::fs::read_to_string(repo_root().join("site.yaml")).unwrap();
    let extra = std::fs::read_to_string(site.join("collection.yaml")).unwrap();
    let config = base.replacen("collections:\n", &format!("collections:\n{extra}"), 1);
    assert_ne!(config, base);
    std::fs::write(site.join("site.yaml"), config).unwrap();
    let out = tmp.path().join("public");
    build(&site, &out, "2025-06-30").expect("build with a fifth collection");
    let page = read(&out, "green-materials/gbm-001/index.html");
    assert!(page.contains("陕西绿建新型墙体材料"));
    assert!(
        page.contains("gongshi-template"),
        "the collection's own template was used"
    );
    assert!(read(&out, "green-materials/index.html").contains("宝鸡节能保温板"));
    assert!(read(&out, "green-materials/grade/三星级/index.html").contains("陕西绿建新型墙体材料"));
    assert!(
        read(&out, "index.html").contains("绿色建材认证"),
        "navigation lists it"
    );
}

#[test]
fn a_theme_looping_over_fields_prints_what_fields_html_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let default_out = tmp.path().join("default");
    build(&fixture("good"), &default_out, "2024-04-15").expect("default build");
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    let bundled =
        std::fs::read_to_string(repo_root().join("themes/default/templates/record.html")).unwrap();
    let looped = bundled.replacen(
        "{{ fields_html }}",
        "{% for f in fields %}<div class=\"field field-{{ f.key }}\"><dt>{{ f.label }}</dt><dd>{{ f.html }}</dd></div>\n{% endfor %}<!-- looped -->",
        1,
    );
    assert_ne!(
        looped, bundled,
        "the bundled record template prints fields_html"
    );
    let templates = site.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("record.html"), looped).unwrap();
    let looped_out = tmp.path().join("looped");
    build(&site, &looped_out, "2024-04-15").expect("build with a looping record template");

    let fields_of = |page: &str| {
        let start = page.find("<dl class=\"fields\">").expect("field list");
        let end = start
            + page[start..]
                .find("</dl>\n")
                .expect("end of the field list");
        page[start..end].replace("<!-- looped -->", "")
    };
    let mut compared = 0;
    for (rel, bytes) in read_tree(&default_out) {
        let page = String::from_utf8_lossy(&bytes);
        if !rel.ends_with(".html") || !page.contains("<dl class=\"fields\">") {
            continue;
        }
        let other = read(&looped_out, &rel);
        assert!(other.contains("<!-- looped -->"), "{rel}: override used");
        assert_eq!(fields_of(&page), fields_of(&other), "{rel}");
        assert!(
            fields_of(&page)
                .matches("<div class=\"field field-")
                .count()
                > 2,
            "{rel}"
        );
        compared += 1;
    }
    assert!(compared >= 4, "record pages compared: {compared}");
}

#[test]
fn folding_ui_strings_and_site_settings_into_templates_changes_no_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("good"), &site);
    // Markup and quotes in what is folded, so its escaping is compared too.
    let config = std::fs::read_to_string(site.join("site.yaml"))
        .unwrap()
        .replacen(
            "  title: 测试公示站\n",
            "  title: \"测试<b>公示</b>站 & 'x'\"\n  description: 一个\"描述\" <i>站</i>\n",
            1,
        );
    std::fs::write(site.join("site.yaml"), config).unwrap();
    let i18n = site.join("themes/default/i18n");
    std::fs::create_dir_all(&i18n).unwrap();
    std::fs::write(
        i18n.join("zh-CN.yaml"),
        "home: \"<b>首页</b> & 'q'\"\nrecord_id: 编号 \"id\"\n",
    )
    .unwrap();
    let folded = tmp.path().join("folded");
    build(&site, &folded, "2024-04-15").expect("folded build");
    assert!(read(&folded, "labs/xa-alpha/index.html")
        .contains("&lt;b&gt;首页&lt;/b&gt; &amp; &#39;q&#39;"));

    // A template not ending in .html turns folding off for the whole theme.
    let templates = site.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("unused.txt"), "{{ t.home }}").unwrap();
    let unfolded = tmp.path().join("unfolded");
    build(&site, &unfolded, "2024-04-15").expect("unfolded build");

    let (a, b) = (read_tree(&folded), read_tree(&unfolded));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (rel, bytes) in &a {
        assert!(bytes == &b[rel], "{rel} differs");
    }
}

#[test]
fn xss_payloads_in_data_and_content_are_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture("xss"), &out, "2024-04-15").expect("build");
    // The search page carries the manifest inline, with a facet value that tries to close it.
    let search = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&search);
    let selector = scraper::Selector::parse("script#search-manifest").unwrap();
    let manifest = doc
        .select(&selector)
        .next()
        .expect("inline search manifest");
    let manifest: String = manifest.text().collect();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert!(
        manifest
            .to_string()
            .contains("</script><script>alert(13)</script>"),
        "the payload is in the manifest, as data: {manifest}"
    );
    let mut pages = 0;
    for (path, bytes) in read_tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        for el in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let name = el.value().name();
            assert!(
                !["iframe", "style", "object", "embed", "form"].contains(&name)
                    || (name == "form"
                        && el
                            .value()
                            .attr("action")
                            .is_some_and(|a| a.ends_with("search/") || a == "./")),
                "{path}: <{name}> element"
            );
            // A data block (JSON-LD, the search manifest) is never executed: it may be inline,
            // but must be pure JSON with no '<' (so no payload can close the element).
            let data_block = ["application/ld+json", "application/json"];
            if name == "script" && data_block.contains(&el.value().attr("type").unwrap_or("")) {
                let json = el.inner_html();
                assert!(!json.contains('<'), "{path}: '<' in a JSON data block");
                serde_json::from_str::<serde_json::Value>(&json)
                    .unwrap_or_else(|e| panic!("{path}: a JSON data block is not JSON: {e}"));
            } else if name == "script" {
                assert!(
                    el.value().attr("src").is_some_and(|s| {
                        s.contains("static/search.js") || s.contains("static/mode.js")
                    }),
                    "{path}: foreign script"
                );
                assert_eq!(el.inner_html(), "", "{path}: inline script");
            }
            // The charts and the city map are the build's own SVG: shapes, text and links only.
            if name == "svg" {
                for inner in el
                    .descendants()
                    .filter_map(scraper::ElementRef::wrap)
                    .skip(1)
                {
                    let inner = inner.value().name();
                    assert!(
                        ["rect", "g", "title", "text", "a"].contains(&inner),
                        "{path}: <{inner}> inside <svg>"
                    );
                }
            }
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.starts_with("on"),
                    "{path}: event handler {attr} on <{name}>"
                );
                let v = value.trim().to_lowercase();
                assert!(
                    !v.starts_with("javascript:") && !v.starts_with("data:text"),
                    "{path}: {attr}={value}"
                );
                assert!(
                    !(attr == "style" && v.contains("javascript")),
                    "{path}: style url"
                );
            }
        }
    }
    assert!(pages > 10);
    // The payload text itself is shown, escaped, not dropped.
    let page = read(&out, "labs/xss-one/index.html");
    assert!(page.contains("&lt;script&gt;alert"), "{page}");
}
