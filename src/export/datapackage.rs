//! `/data/datapackage.json`: a Frictionless Data Package (v1) describing every collection's CSV
//! file with a Table Schema — each column's type, Chinese title, description and constraints
//! (required, unique, enum, pattern), the primary key `id`, and a foreign key per `ref` field.
//! The schema is made from the same [`columns`](super::tabular::columns) the files are written
//! from, so they cannot disagree; `frictionless validate` checks the files against it.

use super::tabular::{Column, ColumnKind, LIST_SEPARATOR};
use crate::config::{FieldDef, FieldType, Personal, SiteConfig};
use serde_json::{json, Map, Value as Json};

/// Each credit-code character comes from GB 32100's alphabet (no I, O, S, V, Z).
pub const CREDIT_CODE_PATTERN: &str = "[0-9A-HJ-NPQRTUWXY]{18}";
pub const CMA_NUMBER_PATTERN: &str = "[0-9]{12}";
pub const RECORD_ID_PATTERN: &str = "[a-z0-9][a-z0-9_-]{0,99}";

/// What the package needs to know about one written CSV file.
pub struct Resource<'a> {
    pub collection: usize,
    pub columns: &'a [Column<'a>],
    /// Column titles (the Chinese labels), aligned with `columns`.
    pub titles: &'a [String],
    pub path: String,
    pub bytes: usize,
    pub sha256: String,
}

pub fn datapackage(config: &SiteConfig, resources: &[Resource], as_of: &str) -> Json {
    let site = &config.site;
    let mut package = Map::new();
    package.insert("profile".into(), json!("tabular-data-package"));
    package.insert("name".into(), json!(package_name(&site.base_url)));
    package.insert("title".into(), json!(site.title));
    if !site.description.is_empty() {
        package.insert("description".into(), json!(site.description));
    }
    package.insert("homepage".into(), json!(format!("{}data/", site.base_url)));
    package.insert("version".into(), json!(as_of));
    package.insert("created".into(), json!(format!("{as_of}T00:00:00+08:00")));
    package.insert(
        "contributors".into(),
        json!([{"title": site.bureau, "role": "publisher"}]),
    );
    if let Some(l) = &site.licence {
        package.insert("licenses".into(), json!([{"path": l.url, "title": l.name}]));
    }
    let resources: Vec<Json> = resources.iter().map(|r| resource(config, r)).collect();
    package.insert("resources".into(), Json::Array(resources));
    Json::Object(package)
}

/// A package name (lowercase, `-._/`): the site's host name, e.g. `gongshi.example.org`.
fn package_name(base_url: &str) -> String {
    let host = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or("");
    let name: String = host
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    if name.is_empty() {
        "gongshi".into()
    } else {
        name
    }
}

/// The Table Schema `fields` of a collection's columns.
pub fn schema_fields(config: &SiteConfig, columns: &[Column], titles: &[String]) -> Vec<Json> {
    columns
        .iter()
        .zip(titles)
        .map(|(col, title)| field(config, col, title))
        .collect()
}

fn resource(config: &SiteConfig, r: &Resource) -> Json {
    let c = &config.collections[r.collection];
    let fields = schema_fields(config, r.columns, r.titles);
    let foreign_keys: Vec<Json> = r
        .columns
        .iter()
        .filter_map(|col| match col.kind {
            ColumnKind::Field(_, f) if !f.list && f.personal == Personal::Public => match f.ty {
                FieldType::Ref(target) => Some(json!({
                    "fields": [f.key],
                    "reference": {"resource": config.collections[target].key, "fields": ["id"]},
                })),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut schema = Map::new();
    schema.insert("fields".into(), Json::Array(fields));
    schema.insert("primaryKey".into(), json!(["id"]));
    if !foreign_keys.is_empty() {
        schema.insert("foreignKeys".into(), Json::Array(foreign_keys));
    }
    schema.insert("missingValues".into(), json!([""]));
    let mut resource = json!({
        "profile": "tabular-data-resource",
        "name": c.key,
        "path": r.path,
        "title": c.title,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": r.bytes,
        "hash": format!("sha256:{}", r.sha256),
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true},
        "schema": Json::Object(schema),
    });
    if !c.description.is_empty() {
        resource["description"] = json!(c.description);
    }
    resource
}

fn field(config: &SiteConfig, col: &Column, title: &str) -> Json {
    let mut out = Map::new();
    out.insert("name".into(), json!(col.key));
    out.insert("title".into(), json!(title));
    let mut constraints = Map::new();
    let (ty, description) = match col.kind {
        ColumnKind::Id => {
            constraints.insert("required".into(), json!(true));
            constraints.insert("unique".into(), json!(true));
            constraints.insert("pattern".into(), json!(RECORD_ID_PATTERN));
            (
                json!("string"),
                "记录编号：在本栏目内唯一且不变，也是记录网址的一部分。".to_string(),
            )
        }
        ColumnKind::Published => {
            constraints.insert("required".into(), json!(true));
            (json!("date"), "公示开始日期。".to_string())
        }
        ColumnKind::NoticeUntil => (
            json!("date"),
            "公示期最后一天；为空表示长期公示。".to_string(),
        ),
        ColumnKind::History => (
            json!("array"),
            "更正记录：JSON 数组，每项含 date（更正日期）和 summary（更正内容）；无更正时为空。"
                .to_string(),
        ),
        ColumnKind::Field(_, f) => {
            let (ty, format) = field_type(f);
            if let Some(format) = format {
                out.insert("format".into(), json!(format));
            }
            if f.required {
                constraints.insert("required".into(), json!(true));
            }
            // Masked values (张**) are no longer the field's type or unique.
            if f.personal == Personal::Public && !f.list {
                if f.unique {
                    constraints.insert("unique".into(), json!(true));
                }
                match &f.ty {
                    FieldType::Enum(values) => {
                        constraints.insert("enum".into(), json!(values));
                    }
                    FieldType::CreditCode => {
                        constraints.insert("pattern".into(), json!(CREDIT_CODE_PATTERN));
                    }
                    FieldType::CmaNumber => {
                        constraints.insert("pattern".into(), json!(CMA_NUMBER_PATTERN));
                    }
                    FieldType::Money => {
                        constraints.insert("minimum".into(), json!(0));
                    }
                    _ => {}
                }
            }
            (ty, describe(config, f))
        }
    };
    out.insert("type".into(), ty);
    if let ColumnKind::Field(_, f) = col.kind {
        if f.list && is_scalar(&f.ty) {
            out.insert("delimiter".into(), json!(LIST_SEPARATOR));
            if f.personal == Personal::Public {
                out.insert("itemType".into(), json!(field_type_of(&f.ty).0));
            }
        }
    }
    out.insert("description".into(), json!(description));
    if !constraints.is_empty() {
        out.insert("constraints".into(), Json::Object(constraints));
    }
    Json::Object(out)
}

fn is_scalar(ty: &FieldType) -> bool {
    !matches!(ty, FieldType::Object(_) | FieldType::Geo)
}

/// The Table Schema type (and format) of a field's column.
fn field_type(f: &FieldDef) -> (Json, Option<&'static str>) {
    if f.personal != Personal::Public {
        return (json!("string"), None);
    }
    if f.list {
        return if is_scalar(&f.ty) {
            (json!("list"), None)
        } else {
            (json!("array"), None)
        };
    }
    field_type_of(&f.ty)
}

fn field_type_of(ty: &FieldType) -> (Json, Option<&'static str>) {
    match ty {
        FieldType::Date => (json!("date"), None),
        FieldType::Integer => (json!("integer"), None),
        FieldType::Money => (json!("number"), None),
        FieldType::Bool => (json!("boolean"), None),
        FieldType::Geo => (json!("geopoint"), Some("object")),
        FieldType::Object(_) => (json!("object"), None),
        _ => (json!("string"), None),
    }
}

/// A field's description for the schema and the data dictionary: the configured text, then
/// what its values look like.
pub fn describe(config: &SiteConfig, f: &FieldDef) -> String {
    let mut parts = Vec::new();
    if let Some(d) = &f.description {
        parts.push(d.trim_end_matches('。').to_string());
    }
    let kind = match &f.ty {
        FieldType::Text => "文本".to_string(),
        FieldType::Markdown => "Markdown 格式文本".to_string(),
        FieldType::Date => "日期（YYYY-MM-DD）".to_string(),
        FieldType::Integer => "整数".to_string(),
        FieldType::Money => "金额，单位元".to_string(),
        FieldType::Bool => "是否（true/false）".to_string(),
        FieldType::Enum(values) => format!("取值之一：{}", values.join("、")),
        FieldType::CreditCode => "统一社会信用代码（18 位，GB 32100）".to_string(),
        FieldType::CmaNumber => {
            "资质认定证书编号（12 位：年份 2 + 发证机关 2 + 领域 2 + 行业 2 + 序号 4）".to_string()
        }
        FieldType::Ref(t) => format!(
            "“{}”栏目中记录的编号（id）；所指记录不在公示期内时为空",
            config.collections[*t].title
        ),
        FieldType::Url => "网址".to_string(),
        FieldType::Geo => "位置，JSON 对象 {\"lat\": 纬度, \"lon\": 经度}".to_string(),
        FieldType::Object(sub) => format!(
            "JSON 对象，含 {}",
            sub.iter()
                .filter(|s| s.personal != Personal::Omit)
                .map(|s| format!("{}（{}）", s.key, s.label))
                .collect::<Vec<_>>()
                .join("、")
        ),
    };
    parts.push(kind);
    if f.list {
        parts.push(if is_scalar(&f.ty) {
            format!("可有多项，CSV/XLSX 中以“{LIST_SEPARATOR}”分隔，JSON 中为数组")
        } else {
            "可有多项，JSON 数组".to_string()
        });
    }
    if let Personal::KeepFirstChar { .. } = f.personal {
        parts.push("涉及个人信息时只显示第一个字，其余以 * 代替".to_string());
    }
    format!("{}。", parts.join("；"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_come_from_the_host() {
        assert_eq!(
            package_name("https://Gongshi.Example.org/x/"),
            "gongshi.example.org"
        );
        assert_eq!(package_name(""), "gongshi");
    }
}
