//! One cell's text as the YAML value of its field: dates in the forms office software writes,
//! amounts with thousands separators or in 万元, lists split on Chinese and ASCII separators.
//! A cell that does not convert is kept as text, so validation reports it with its own words.

use crate::config::national::{wan_to_yuan, Unit};
use crate::config::{FieldDef, FieldType};
use serde_yaml::Value as Yaml;

/// The YAML value of a non-empty cell for `field`.
pub fn to_yaml(field: &FieldDef, unit: Unit, cell: &str) -> Yaml {
    let cell = without_formula_quote(cell.trim());
    if field.list {
        let items = split_list(cell)
            .map(|item| scalar(&field.ty, unit, item))
            .collect();
        return Yaml::Sequence(items);
    }
    scalar(&field.ty, unit, cell)
}

/// A cell as written before gongshi's datasets defused it: they put `'` before text a
/// spreadsheet would run as a formula (see `export::tabular::neutralise_formula`).
fn without_formula_quote(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::export::tabular::FORMULA_TRIGGERS) => rest,
        _ => cell,
    }
}

fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(['；', ';', '、', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn scalar(ty: &FieldType, unit: Unit, cell: &str) -> Yaml {
    let text = || Yaml::String(cell.to_string());
    match ty {
        FieldType::Date => Yaml::String(normalise_date(cell).unwrap_or_else(|| cell.to_string())),
        FieldType::Money => {
            let plain = cell
                .trim_start_matches(['¥', '￥'])
                .trim_end_matches('元')
                .replace([',', '，'], "");
            let yuan = match unit {
                Unit::TenThousandYuan => wan_to_yuan(&plain),
                Unit::Plain => Some(plain),
            };
            match yuan.as_deref().map(number) {
                Some(Some(n)) => n,
                _ => text(),
            }
        }
        FieldType::Integer => number(&cell.replace([',', '，'], "")).unwrap_or_else(text),
        FieldType::Bool => match cell {
            "是" | "true" | "TRUE" | "True" | "1" => Yaml::Bool(true),
            "否" | "false" | "FALSE" | "False" | "0" => Yaml::Bool(false),
            _ => text(),
        },
        FieldType::Geo => geo(cell).unwrap_or_else(text),
        _ => text(),
    }
}

/// A YAML number from decimal text, or `None` when it is not one.
fn number(s: &str) -> Option<Yaml> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    serde_yaml::from_str::<Yaml>(s)
        .ok()
        .filter(|v| matches!(v, Yaml::Number(_)))
}

/// "34.26, 108.94" (latitude, longitude) as `{lat, lon}`.
fn geo(cell: &str) -> Option<Yaml> {
    let (lat, lon) = cell.split_once([',', '，'])?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    let mut map = serde_yaml::Mapping::new();
    map.insert("lat".into(), lat.into());
    map.insert("lon".into(), lon.into());
    Some(Yaml::Mapping(map))
}

/// YYYY-MM-DD from 2024-1-5, 2024/01/05, 2024.1.5, 2024年1月5日, 20240105 or a date with a
/// midnight time, as spreadsheets export them.
pub fn normalise_date(cell: &str) -> Option<String> {
    let cell = cell
        .strip_suffix(" 00:00:00")
        .or_else(|| cell.strip_suffix("T00:00:00"))
        .unwrap_or(cell);
    let parts: Vec<&str> = if cell.len() == 8 && cell.bytes().all(|b| b.is_ascii_digit()) {
        vec![&cell[..4], &cell[4..6], &cell[6..]]
    } else {
        cell.trim_end_matches('日')
            .split(['-', '/', '.', '年', '月'])
            .collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let date = chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_datasets_formula_quote_comes_off() {
        assert_eq!(without_formula_quote("'=1+1"), "=1+1");
        assert_eq!(without_formula_quote("'-5"), "-5");
        assert_eq!(without_formula_quote("'quoted'"), "'quoted'");
    }

    #[test]
    fn dates_in_office_forms() {
        for cell in [
            "2024-01-05",
            "2024-1-5",
            "2024/01/05",
            "2024.1.5",
            "2024年1月5日",
            "20240105",
            "2024-01-05 00:00:00",
        ] {
            assert_eq!(
                normalise_date(cell).as_deref(),
                Some("2024-01-05"),
                "{cell}"
            );
        }
        assert_eq!(normalise_date("2024-02-30"), None);
        assert_eq!(normalise_date("去年"), None);
    }

    #[test]
    fn amounts_and_lists() {
        let money = FieldDef {
            key: "fine".into(),
            label: "罚款".into(),
            description: None,
            ty: FieldType::Money,
            list: false,
            required: false,
            unique: false,
            facet: None,
            search_weight: 0.0,
            identifier: None,
            personal: crate::config::Personal::Public,
            aliases: Vec::new(),
        };
        assert_eq!(
            to_yaml(&money, Unit::Plain, "50,000元"),
            serde_yaml::from_str::<Yaml>("50000").expect("yaml")
        );
        assert_eq!(
            to_yaml(&money, Unit::TenThousandYuan, "1.5"),
            serde_yaml::from_str::<Yaml>("15000").expect("yaml")
        );
        assert_eq!(
            to_yaml(&money, Unit::Plain, "五万"),
            Yaml::String("五万".into())
        );
        let list = FieldDef {
            list: true,
            ty: FieldType::Text,
            ..money
        };
        assert_eq!(
            to_yaml(&list, Unit::Plain, "罚款；没收违法所得、警告"),
            serde_yaml::from_str::<Yaml>("[罚款, 没收违法所得, 警告]").expect("yaml")
        );
    }
}
