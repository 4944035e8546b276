//! `/stats/` of the bundled sample site: every number equals what the listing it links to says,
//! and what the datasets (data/*.json) count when recounted here from the records.

mod common;
use common::*;
use scraper::{Html, Selector};
use serde_json::Value;
use std::path::Path;

const AS_OF: &str = "2025-06-30";

struct Row {
    label: String,
    href: Option<String>,
    values: Vec<String>,
}

struct Chart {
    id: String,
    headers: Vec<String>,
    rows: Vec<Row>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn text(e: scraper::ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

fn charts(html: &str) -> Vec<Chart> {
    let doc = Html::parse_document(html);
    doc.select(&sel("section.chart"))
        .map(|s| Chart {
            id: s.value().attr("id").unwrap_or_default().to_string(),
            headers: s.select(&sel("thead th.num")).map(text).collect(),
            rows: s
                .select(&sel("tbody tr"))
                .map(|tr| Row {
                    label: tr.select(&sel("th")).next().map(text).unwrap_or_default(),
                    href: tr
                        .select(&sel("th a"))
                        .next()
                        .and_then(|a| a.value().attr("href"))
                        .map(str::to_string),
                    values: tr.select(&sel("td.num")).map(text).collect(),
                })
                .collect(),
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8 path")
}

/// The count a listing page states in its summary line.
fn listing_count(out: &Path, href: &str) -> u64 {
    let rel = percent_decode(href.trim_start_matches("../"));
    let html = std::fs::read_to_string(out.join(&rel).join("index.html"))
        .unwrap_or_else(|e| panic!("{href} links to a missing listing {rel}: {e}"));
    let doc = Html::parse_document(&html);
    let strong = doc.select(&sel(".summary strong")).next().expect("summary");
    text(strong).parse().expect("a count")
}

fn number(s: &str) -> f64 {
    let digits: String = s
        .split('（')
        .next()
        .unwrap_or(s)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s}"))
}

/// Does the dataset record's `field` hold `label` (a value, a list item, or a date's year)?
fn holds(record: &Value, field: &str, label: &str) -> bool {
    match &record[field] {
        Value::String(s) => {
            s == label || (s.len() == 10 && s.starts_with(label) && label.len() == 4)
        }
        Value::Array(items) => items.iter().any(|i| i.as_str() == Some(label)),
        _ => false,
    }
}

#[test]
fn stats_numbers_equal_the_listings_and_the_datasets() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("public");
    build(&repo_root(), &out, AS_OF).expect("sample builds");
    let charts = charts(&read(&out, "stats/index.html"));
    let dataset = |key: &str| -> Vec<Value> {
        serde_json::from_str(&read(&out, &format!("data/{key}.json"))).expect("dataset json")
    };
    let keys = ["labs", "inspections", "penalties", "organic-parks"];
    let mut checked = 0;
    for chart in &charts {
        assert!(!chart.rows.is_empty(), "{}: a chart without rows", chart.id);
        let total_column = chart.headers.last().map(String::as_str) == Some("合计");
        let count_chart = chart.headers == ["数量"];
        for row in &chart.rows {
            // The row's count is what the listing it links to says.
            if let Some(href) = &row.href {
                if count_chart || total_column {
                    let shown = number(row.values.last().expect("a value")) as u64;
                    assert_eq!(
                        shown,
                        listing_count(&out, href),
                        "{} {}",
                        chart.id,
                        row.label
                    );
                    checked += 1;
                }
            }
        }
        // Recount from the datasets: `<collection>-<field>` charts count records per value.
        let Some(key) = keys.iter().find(|k| chart.id.starts_with(&format!("{k}-"))) else {
            continue;
        };
        let records = dataset(key);
        let rest = &chart.id[key.len() + 1..];
        if count_chart {
            for row in &chart.rows {
                let n = records
                    .iter()
                    .filter(|r| holds(r, rest, &row.label))
                    .count();
                assert_eq!(
                    number(&row.values[0]) as usize,
                    n,
                    "{} {}",
                    chart.id,
                    row.label
                );
                checked += 1;
            }
        } else if let Some((money, year_field)) = rest.split_once('-').filter(|_| !total_column) {
            for row in &chart.rows {
                let sum: f64 = records
                    .iter()
                    .filter(|r| holds(r, year_field, &row.label))
                    .filter_map(|r| r[money].as_f64())
                    .sum();
                assert!(
                    (number(&row.values[0]) - sum).abs() < 0.01,
                    "{} {}: {sum}",
                    chart.id,
                    row.label
                );
                checked += 1;
            }
        }
    }
    let months = charts
        .iter()
        .find(|c| c.id == "months")
        .expect("the per-month chart");
    for row in &months.rows {
        let n: usize = keys
            .iter()
            .map(|k| {
                dataset(k)
                    .iter()
                    .filter(|r| {
                        r["published"]
                            .as_str()
                            .is_some_and(|p| p.starts_with(&row.label))
                    })
                    .count()
            })
            .sum();
        assert_eq!(number(months_total(row)) as usize, n, "month {}", row.label);
    }
    for id in [
        "penalties-city",
        "inspections-result-inspection_date",
        "penalties-fine-decision_date",
        "organic-parks-city",
    ] {
        assert!(charts.iter().any(|c| c.id == id), "no chart {id}");
    }
    assert!(checked > 50, "only {checked} numbers checked");
}

fn months_total(row: &Row) -> &str {
    row.values.last().expect("a total")
}

#[test]
fn a_park_page_shows_its_city_on_the_map_with_its_coordinates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("public");
    build(&repo_root(), &out, AS_OF).expect("sample builds");
    let parks: Vec<Value> =
        serde_json::from_str(&read(&out, "data/organic-parks.json")).expect("json");
    let park = parks
        .iter()
        .find(|p| p["location"].is_object() || p["location"].is_string())
        .expect("a park with a location");
    let id = park["id"].as_str().expect("id");
    let html = read(&out, &format!("organic-parks/{id}/index.html"));
    let doc = Html::parse_document(&html);
    let here: Vec<String> = doc
        .select(&sel("svg.tilemap .tile.current text"))
        .map(text)
        .collect();
    let city = park["city"].as_str().expect("city");
    assert_eq!(
        here.first().map(String::as_str),
        Some(city),
        "{id}: the marked square"
    );
    let place = doc
        .select(&sel("section.place p"))
        .next()
        .map(text)
        .expect("coordinates text");
    assert!(place.contains("北纬") && place.contains("东经"), "{place}");
    // Squares only: nothing that could be read as a boundary line.
    assert!(doc
        .select(&sel(
            "svg.tilemap path, svg.tilemap polygon, svg.tilemap polyline"
        ))
        .next()
        .is_none());
}
