//! `gongshi-generate`: a complete, deterministic synthetic site of any size for benchmarks and
//! scale tests. The schema is the repository's own site.yaml; records follow the proportions
//! of a provincial bureau (10% labs, 50% spot checks, 35% penalties, 5% organic parks) with
//! valid codes, unique decision numbers, references between records, personal fields, and
//! publication dates 2021–2025 so a build at 2025-06-30 has expired, current and embargoed
//! notices. It also writes `queries.json`, the search benchmark's queries and expected records.

mod codes;
mod names;
mod penalties;
mod places;
pub mod queries;
mod records;
mod rng;
mod text;
mod yaml_out;

use gongshi::calendar::HolidayCalendar;
use records::Generator;
use std::path::{Path, PathBuf};

/// Records per data file: a bureau exports in batches, and the loader reads files in parallel.
pub const RECORDS_PER_FILE: usize = 100;

const SITE_YAML: &str = include_str!("../../../site.yaml");
const CALENDAR: [(&str, &str); 9] = [
    ("2019.json", include_str!("../../../calendar/2019.json")),
    ("2020.json", include_str!("../../../calendar/2020.json")),
    ("2021.json", include_str!("../../../calendar/2021.json")),
    ("2022.json", include_str!("../../../calendar/2022.json")),
    ("2023.json", include_str!("../../../calendar/2023.json")),
    ("2024.json", include_str!("../../../calendar/2024.json")),
    ("2025.json", include_str!("../../../calendar/2025.json")),
    ("2026.json", include_str!("../../../calendar/2026.json")),
    ("LICENSE", include_str!("../../../calendar/LICENSE")),
];
const ABOUT: &str = "---\ntitle: 关于本站\ndescription: 本站为性能测试生成的虚构数据\nweight: 1\n---\n本站所有机构、企业、人员与处罚信息均由 `gongshi generate` 随机生成，**纯属虚构**，如有雷同纯属巧合。\n\n本站用于测试大规模公示数据的构建速度、内存占用与检索效果。\n";
const POLICY: &str = "---\ntitle: 公示规则\ndescription: 信息公示期限与个人信息处理\nweight: 2\n---\n## 公示期限\n\n行政处罚信息自公示之日起公示三年；仅处以通报批评或者较低数额罚款的，公示期为三个月。仅受到警告的行政处罚不予公示。\n\n## 个人信息\n\n自然人和个体工商户的姓名仅显示姓氏，身份证件号码与联系电话不予公开。\n";

#[derive(Debug, Clone)]
pub struct Options {
    pub records: usize,
    pub out: PathBuf,
    pub seed: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// (collection, records) in site.yaml order.
    pub collections: Vec<(&'static str, usize)>,
    pub files: usize,
    pub bytes: u64,
    pub queries: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{}: the output folder is not empty; generate into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
    #[error("{}: {}", .0.display(), .1)]
    Io(PathBuf, std::io::Error),
    #[error("holiday calendar: {0}")]
    Calendar(String),
}

/// Record counts per collection: rounded shares of `n`, parks taking the remainder.
pub fn proportions(n: usize) -> [(&'static str, usize); 4] {
    let share = |percent: usize| (n * percent + 50) / 100;
    let labs = share(10);
    let inspections = share(50);
    let penalties = share(35).min(n - labs - inspections);
    [
        ("labs", labs),
        ("inspections", inspections),
        ("penalties", penalties),
        ("organic-parks", n - labs - inspections - penalties),
    ]
}

struct Writer {
    files: usize,
    bytes: u64,
}

impl Writer {
    fn write(&mut self, path: &Path, text: &str) -> Result<(), GenerateError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| GenerateError::Io(dir.to_path_buf(), e))?;
        }
        std::fs::write(path, text).map_err(|e| GenerateError::Io(path.to_path_buf(), e))?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

/// Writes the site into `opts.out`, which must not exist yet or be empty.
pub fn generate(opts: &Options) -> Result<Summary, GenerateError> {
    let out = &opts.out;
    if let Ok(mut entries) = std::fs::read_dir(out) {
        if entries.next().is_some() {
            return Err(GenerateError::NotEmpty(out.clone()));
        }
    }
    let calendar = HolidayCalendar::load(None).map_err(GenerateError::Calendar)?;
    let mut w = Writer { files: 0, bytes: 0 };
    w.write(&out.join("site.yaml"), SITE_YAML)?;
    w.write(&out.join("content/about.md"), ABOUT)?;
    w.write(&out.join("content/policy.md"), POLICY)?;
    for (name, text) in CALENDAR {
        w.write(&out.join("calendar").join(name), text)?;
    }

    let counts = proportions(opts.records);
    let mut gen = Generator::new(opts.seed, calendar);
    // Labs first: spot checks and penalties refer to them.
    for (collection, count) in [counts[0], counts[3], counts[1], counts[2]] {
        let dir = out.join("data").join(collection);
        let mut text = String::new();
        for i in 0..count {
            match collection {
                "labs" => gen.lab(i, &mut text),
                "organic-parks" => gen.park(i, &mut text),
                "inspections" => gen.inspection(i, &mut text),
                _ => gen.penalty(i, &mut text),
            }
            if (i + 1) % RECORDS_PER_FILE == 0 || i + 1 == count {
                let file = dir.join(format!("{:05}.yaml", i / RECORDS_PER_FILE + 1));
                w.write(&file, &text)?;
                text.clear();
            }
        }
    }

    let queries = queries::build(&gen.meta);
    let json = serde_json::to_string_pretty(&queries).unwrap_or_default();
    w.write(&out.join("queries.json"), &(json + "\n"))?;
    Ok(Summary {
        collections: counts.to_vec(),
        files: w.files,
        bytes: w.bytes,
        queries: queries.len(),
    })
}
