//! Reading scalar values (dates, money, codes, URLs …) and locations as their declared types.

use crate::config::FieldType;
use crate::domain::{CmaNumber, CreditCode, RecordId};
use crate::load::did_you_mean;
use crate::messages::{Expected, Msg, Shape};
use crate::record::{Geo, Money, Value};
use crate::yaml::Node;
use chrono::NaiveDate;

pub(super) fn expected(ty: &FieldType) -> Expected {
    match ty {
        FieldType::Text | FieldType::Markdown => Expected::Text,
        FieldType::Date => Expected::Date,
        FieldType::Integer => Expected::Integer,
        FieldType::Money => Expected::Money,
        FieldType::Bool => Expected::Bool,
        FieldType::Enum(v) => Expected::OneOf(v.clone()),
        FieldType::CreditCode => Expected::CreditCode,
        FieldType::CmaNumber => Expected::CmaNumber,
        FieldType::Ref(_) => Expected::RecordId,
        FieldType::Url => Expected::Url,
        FieldType::Geo => Expected::Geo,
        FieldType::Object(_) => Expected::Mapping,
    }
}

pub fn parse_date(s: &str) -> Result<NaiveDate, Msg> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape_ok = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    // Almost every date is plain digits: reading them directly skips chrono's format-string
    // parsing (per call) and gives the same date; anything else goes through chrono.
    if shape_ok
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
    {
        let num =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        return NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
            .ok_or_else(|| Msg::NotARealDate { value: s.into() });
    }
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if shape_ok => Ok(d),
        _ if shape_ok => Err(Msg::NotARealDate { value: s.into() }),
        _ => Err(Msg::DateFormat { value: s.into() }),
    }
}

pub(super) fn scalar_value(ty: &FieldType, text: &str) -> Result<Value, Msg> {
    let value = || text.to_string();
    Ok(match ty {
        FieldType::Text => Value::Text(text.to_string()),
        FieldType::Markdown => Value::Markdown(text.to_string()),
        FieldType::Date => Value::Date(parse_date(text)?),
        FieldType::Integer => Value::Integer(
            text.parse()
                .map_err(|_| Msg::NotAnInteger { value: value() })?,
        ),
        FieldType::Money => Value::Money(parse_money(text)?),
        FieldType::Bool => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(Msg::NotBool { value: value() }),
        },
        FieldType::Enum(values) => {
            if values.iter().any(|v| v == text) {
                Value::Enum(text.to_string())
            } else {
                let names: Vec<&str> = values.iter().map(String::as_str).collect();
                return Err(Msg::NotInEnum {
                    value: value(),
                    allowed: values.clone(),
                    suggestion: did_you_mean(text, &names),
                });
            }
        }
        FieldType::CreditCode => {
            Value::CreditCode(
                CreditCode::parse(text).map_err(|problem| Msg::BadCreditCode {
                    value: value(),
                    problem,
                })?,
            )
        }
        FieldType::CmaNumber => {
            Value::CmaNumber(CmaNumber::parse(text).map_err(Msg::BadCmaNumber)?)
        }
        FieldType::Ref(_) => Value::Ref(RecordId::parse(text).map_err(Msg::BadId)?),
        FieldType::Url => {
            let lower = text.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://"))
                || text.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(Msg::BadUrl { value: value() });
            }
            Value::Url(text.to_string())
        }
        // Locations and objects are mappings: a scalar is the wrong shape for them.
        FieldType::Geo | FieldType::Object(_) => {
            return Err(Msg::WrongShape {
                expected: expected(ty),
                found: Shape::Scalar,
            })
        }
    })
}

fn parse_money(text: &str) -> Result<Money, Msg> {
    let bad = || Msg::NotMoney { value: text.into() };
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .map(Money)
        .ok_or_else(bad)
}

/// Geo values are mappings, so they are read here rather than as scalars.
pub(super) fn geo_value(node: &Node) -> Result<Geo, Msg> {
    let num = |k: &str| {
        node.get(k)
            .and_then(Node::as_scalar)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    match (num("lat"), num("lon")) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Ok(Geo { lat, lon })
        }
        _ => Err(Msg::BadGeo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Code;

    #[test]
    fn dates_must_be_real() {
        assert!(parse_date("2024-02-29").is_ok());
        assert_eq!(parse_date("2024-02-30").unwrap_err().code(), Code::BadDate);
        assert!(matches!(
            parse_date("2024/02/01").unwrap_err(),
            Msg::DateFormat { .. }
        ));
        assert!(parse_date("2024-2-1").is_err());
    }

    #[test]
    fn digit_dates_read_as_chrono_reads_them() {
        for year in ["0000", "1900", "2000", "2023", "2024", "9999"] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let s = format!("{year}-{month:02}-{day:02}");
                    let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
                    assert_eq!(parse_date(&s).ok(), chrono, "{s}");
                }
            }
        }
    }

    #[test]
    fn money_parses_exactly() {
        assert_eq!(parse_money("5000").unwrap(), Money(500_000));
        assert_eq!(parse_money("12.5").unwrap(), Money(1250));
        assert!(parse_money("-1").is_err());
        assert!(parse_money("1.234").is_err());
        assert!(parse_money("五千").is_err());
    }

    #[test]
    fn geo_ranges() {
        let node = crate::yaml::parse_document("{lat: 34.2, lon: 108.9}")
            .unwrap()
            .unwrap();
        assert_eq!(
            geo_value(&node).unwrap(),
            Geo {
                lat: 34.2,
                lon: 108.9
            }
        );
        let bad = crate::yaml::parse_document("{lat: 134.2, lon: 108.9}")
            .unwrap()
            .unwrap();
        assert!(geo_value(&bad).is_err());
    }
}
