//! The national 双公示 column layout of a collection, as site.yaml declares it.
//!
//! Bureaus upload penalties and licences to the national credit platform in a fixed column
//! layout (行政相对人名称, 统一社会信用代码, 行政处罚决定书文号, …), and keep the same columns in
//! their own spreadsheets. Declaring the layout per collection lets one table drive both ways:
//! `gongshi import` reads those headers into fields, and the build exports the published records
//! in that layout. Each column takes one of:
//!
//! | value in site.yaml | column holds |
//! | --- | --- |
//! | `field_key` | the field's value (lists joined with `；`) |
//! | `field_key:万元` | a money field in 万元 (ten thousand yuan), as the standard counts fines |
//! | `$notice_until` | the last day of the notice, from the notice rules |
//! | `$bureau` | the site's bureau (数据来源单位) |
//! | `""` | left empty (a column the site does not keep) |

use super::{FieldDef, FieldType};
use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNationalFormat {
    /// The dataset's name on /data/, e.g. 行政处罚（双公示格式）.
    pub title: String,
    /// Column header → source, in the standard's order.
    pub columns: IndexMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NationalFormat {
    pub title: String,
    pub columns: Vec<NationalColumn>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NationalColumn {
    pub header: String,
    pub source: ColumnSource,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColumnSource {
    Field { field: usize, unit: Unit },
    NoticeUntil,
    Bureau,
    Empty,
}

/// Money columns count in yuan or, as the national standard does for fines, in 万元.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Plain,
    TenThousandYuan,
}

impl NationalFormat {
    /// The column that holds `field`, if any.
    pub fn column_of(&self, field: usize) -> Option<&NationalColumn> {
        self.columns
            .iter()
            .find(|c| matches!(c.source, ColumnSource::Field { field: f, .. } if f == field))
    }
}

/// Resolves the declared columns against the collection's fields.
pub fn resolve(raw: &RawNationalFormat, fields: &[FieldDef]) -> Result<NationalFormat, String> {
    let mut columns = Vec::new();
    for (header, source) in &raw.columns {
        let source = match source.as_str() {
            "" => ColumnSource::Empty,
            "$notice_until" => ColumnSource::NoticeUntil,
            "$bureau" => ColumnSource::Bureau,
            s if s.starts_with('$') => {
                return Err(format!(
                    "national column \"{header}\": \"{s}\" is not $notice_until or $bureau"
                ))
            }
            s => {
                let (key, unit) = match s.split_once(':') {
                    Some((key, "万元")) => (key, Unit::TenThousandYuan),
                    Some((_, unit)) => {
                        return Err(format!(
                            "national column \"{header}\": unit \"{unit}\" is not 万元"
                        ))
                    }
                    None => (s, Unit::Plain),
                };
                let field = fields.iter().position(|f| f.key == key).ok_or_else(|| {
                    format!("national column \"{header}\": \"{key}\" is not one of its fields")
                })?;
                let def = &fields[field];
                if unit == Unit::TenThousandYuan && def.ty != FieldType::Money {
                    return Err(format!(
                        "national column \"{header}\": 万元 applies to money fields, and \"{key}\" is {}",
                        def.ty.name()
                    ));
                }
                if matches!(def.ty, FieldType::Object(_) | FieldType::Geo) {
                    return Err(format!(
                        "national column \"{header}\": field \"{key}\" is {}, which has no one-cell form",
                        def.ty.name()
                    ));
                }
                ColumnSource::Field { field, unit }
            }
        };
        columns.push(NationalColumn {
            header: header.clone(),
            source,
        });
    }
    Ok(NationalFormat {
        title: raw.title.clone(),
        columns,
    })
}

/// Yuan as 万元 text, exactly: 50000 → "5", 12345.67 → "1.234567".
pub fn yuan_to_wan(fen: i64) -> String {
    let whole = fen / 1_000_000;
    let rest = (fen % 1_000_000).abs();
    if rest == 0 {
        return whole.to_string();
    }
    let digits = format!("{rest:06}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// 万元 text as yuan text, exactly (decimal arithmetic, no binary fractions): "1.2345" → "12345".
pub fn wan_to_yuan(text: &str) -> Option<String> {
    let text = text.trim().replace([',', '，'], "");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 6
    {
        return None;
    }
    let mut digits = format!("{whole}{frac:0<4}");
    if frac.len() > 4 {
        digits.insert(digits.len() - (frac.len() - 4), '.');
    }
    let trimmed = digits.trim_start_matches('0');
    Some(match trimmed {
        "" => "0".to_string(),
        t if t.starts_with('.') => format!("0{t}"),
        t => t.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wan_and_yuan_convert_exactly() {
        assert_eq!(yuan_to_wan(5_000_000), "5");
        assert_eq!(yuan_to_wan(1_234_567), "1.234567");
        assert_eq!(yuan_to_wan(300_000), "0.3");
        assert_eq!(wan_to_yuan("5").as_deref(), Some("50000"));
        assert_eq!(wan_to_yuan("0.3").as_deref(), Some("3000"));
        assert_eq!(wan_to_yuan("1.234567").as_deref(), Some("12345.67"));
        assert_eq!(wan_to_yuan("1,000").as_deref(), Some("10000000"));
        assert_eq!(wan_to_yuan("0").as_deref(), Some("0"));
        assert_eq!(wan_to_yuan("-1"), None);
        assert_eq!(wan_to_yuan("1.2345678"), None);
        assert_eq!(wan_to_yuan("五万"), None);
        for fen in [0, 1, 99, 100, 5_000_000, 1_234_567, 987_654_321] {
            let yuan = wan_to_yuan(&yuan_to_wan(fen)).expect("round trip");
            let back = crate::record::Money(fen).plain();
            assert_eq!(yuan, back, "{fen}");
        }
    }
}
