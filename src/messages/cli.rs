//! What the commands print besides diagnostics: summaries, counts, refusals, and the library's
//! errors when a command fails.

use super::Lang;
use crate::import::table::TableError;
use crate::import::ImportError;
use crate::init::InitError;
use crate::out_guard::Refusal;
use crate::output::OutputError;
use crate::pipeline::BuildError;
use chrono::NaiveDate;
use std::path::PathBuf;

/// A line of command output.
#[derive(Debug, Clone)]
pub enum Say {
    Error,
    Warning,
    /// `record "x", ` before a diagnostic's message.
    InRecord(String),
    /// `field "x": ` before a diagnostic's message.
    InField(String),
    MoreWarnings {
        more: usize,
    },
    Built {
        files: u64,
        bytes: u64,
        published: usize,
        as_of: NaiveDate,
        out: PathBuf,
    },
    BuildFailed {
        errors: usize,
    },
    CheckCounts {
        errors: usize,
        warnings: usize,
    },
    InitDone {
        dir: PathBuf,
        files: usize,
    },
    Imported {
        rows: usize,
        file: PathBuf,
        from: String,
        created: usize,
        updated: usize,
        unchanged: usize,
        dry_run: bool,
    },
    /// Where an import problem is: `FILE, sheet "S", row 7, column "罚款金额"`.
    ImportAt {
        file: PathBuf,
        sheet: Option<String>,
        row: usize,
        column: Option<String>,
    },
    ReportInsideOut {
        file: PathBuf,
        out: PathBuf,
    },
    WritingStaffReport {
        file: PathBuf,
    },
    AsOfNotADate {
        value: String,
    },
    Importing,
    /// `gongshi search`'s heading: how many results, for which query, found how (`ident`,
    /// `text` or `partial`).
    SearchResults {
        total: usize,
        query: String,
        mode: String,
    },
    Serving {
        out: PathBuf,
        addr: String,
    },
    StaffEnding {
        days: u64,
    },
    StaffLateHeading,
    StaffEnds {
        last: NaiveDate,
    },
    StaffLate {
        decided: NaiveDate,
        published: NaiveDate,
        days: u32,
        limit: u32,
    },
    Rebuilt {
        files: u64,
        published: usize,
        rendered: Option<u64>,
        out: PathBuf,
    },
    StillServing {
        error: Option<String>,
    },
    Stopping,
    StoppedMidRebuild,
    PagesUpdated {
        seconds: f64,
    },
    RebuiltIn {
        seconds: f64,
    },
}

impl Say {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => zh(self),
            Lang::En => en(self),
        }
    }
}

fn en(s: &Say) -> String {
    match s {
        Say::Error => "error".into(),
        Say::Warning => "warning".into(),
        Say::InRecord(r) => format!("record \"{r}\", "),
        Say::InField(f) => format!("field \"{f}\": "),
        Say::MoreWarnings { more } => format!(
            "... and {more} more warning(s) (--verbose shows all); warnings by kind:"
        ),
        Say::Built { files, bytes, published, as_of, out } => format!(
            "built {files} files, {bytes} bytes, {published} records on notice, as of {as_of}, into {}",
            out.display()
        ),
        Say::BuildFailed { errors } => {
            format!("build failed: {errors} error(s); nothing was written")
        }
        Say::CheckCounts { errors, warnings } => {
            format!("{errors} error(s), {warnings} warning(s)")
        }
        Say::InitDone { dir, files } => format!(
            "wrote a new site into {} ({files} files); next: cd {} && gongshi check && gongshi serve",
            dir.display(),
            dir.display()
        ),
        Say::Imported { rows, file, from, created, updated, unchanged, dry_run } => format!(
            "{rows} row(s) of {} ({from}): {created} new, {updated} updated, {unchanged} unchanged{}",
            file.display(),
            if *dry_run { " (dry run: nothing written)" } else { "" }
        ),
        Say::ImportAt { file, sheet, row, column } => {
            let mut at = file.display().to_string();
            if let Some(s) = sheet {
                at.push_str(&format!(", sheet \"{s}\""));
            }
            at.push_str(&format!(", row {row}"));
            if let Some(c) = column {
                at.push_str(&format!(", column \"{c}\""));
            }
            at
        }
        Say::ReportInsideOut { file, out } => format!(
            "refusing to write the staff report to \"{}\": it lies inside the output folder {}, \
             which is published; write it outside, e.g. --staff-report staff-report.txt",
            file.display(),
            out.display()
        ),
        Say::WritingStaffReport { file } => {
            format!("writing the staff report to {}", file.display())
        }
        Say::AsOfNotADate { value } => format!("--as-of \"{value}\" is not a date (YYYY-MM-DD)"),
        Say::Importing => "importing".into(),
        Say::SearchResults { total, query, mode } => {
            format!("{total} result(s) for \"{query}\" ({mode})")
        }
        Say::StaffEnding { days } => format!("notices ending within {days} days"),
        Say::StaffLateHeading => "notices published late".into(),
        Say::StaffEnds { last } => format!("notice ends {last}"),
        Say::StaffLate { decided, published, days, limit } => format!(
            "decided {decided}, published {published}: {days} working days (limit {limit})"
        ),
        Say::Serving { out, addr } => {
            format!("serving {} at http://{addr}/ (Ctrl-C to stop)", out.display())
        }
        Say::Rebuilt { files, published, rendered, out } => format!(
            "built {files} files ({published} records on notice, {} pages rendered) into {}",
            rendered.map_or_else(|| "all".to_string(), |n| n.to_string()),
            out.display()
        ),
        Say::StillServing { error: None } => {
            "build failed; still serving the last good build".into()
        }
        Say::StillServing { error: Some(e) } => {
            format!("build failed: {e}; still serving the last good build")
        }
        Say::Stopping => {
            "stopping (a rebuild under way finishes first; Ctrl-C again to quit now)".into()
        }
        Say::StoppedMidRebuild => "stopped during a rebuild".into(),
        Say::PagesUpdated { seconds } => format!("pages updated in {seconds:.2}s"),
        Say::RebuiltIn { seconds } => format!("rebuilt in {seconds:.2}s"),
    }
}

fn zh(s: &Say) -> String {
    match s {
        Say::Error => "错误".into(),
        Say::Warning => "警告".into(),
        Say::InRecord(r) => format!("记录“{r}”，"),
        Say::InField(f) => format!("字段“{f}”："),
        Say::MoreWarnings { more } => {
            format!("……另有 {more} 条警告未列出（加 --verbose 显示全部）；警告按类别统计：")
        }
        Say::Built { files, bytes, published, as_of, out } => format!(
            "构建完成：{files} 个文件，{bytes} 字节，公示中的记录 {published} 条，构建日期 {as_of}，输出到 {}",
            out.display()
        ),
        Say::BuildFailed { errors } => format!("构建失败：{errors} 处错误；未写入任何文件"),
        Say::CheckCounts { errors, warnings } => {
            format!("{errors} 处错误，{warnings} 条警告")
        }
        Say::InitDone { dir, files } => format!(
            "已在 {} 新建站点（{files} 个文件）；下一步：cd {} && gongshi check && gongshi serve",
            dir.display(),
            dir.display()
        ),
        Say::Imported { rows, file, from, created, updated, unchanged, dry_run } => format!(
            "{} 共 {rows} 行（{from}）：新增 {created} 条，更新 {updated} 条，未变 {unchanged} 条{}",
            file.display(),
            if *dry_run { "（试运行：未写入任何文件）" } else { "" }
        ),
        Say::ImportAt { file, sheet, row, column } => {
            let mut at = file.display().to_string();
            if let Some(s) = sheet {
                at.push_str(&format!("，工作表“{s}”"));
            }
            at.push_str(&format!("，第 {row} 行"));
            if let Some(c) = column {
                at.push_str(&format!("，“{c}”列"));
            }
            at
        }
        Say::ReportInsideOut { file, out } => format!(
            "拒绝把内部报告写到“{}”：它在输出文件夹 {} 之内，会被公开发布；请写到外面，如 --staff-report staff-report.txt",
            file.display(),
            out.display()
        ),
        Say::WritingStaffReport { file } => format!("写入内部报告 {} 时出错", file.display()),
        Say::AsOfNotADate { value } => format!("--as-of“{value}”不是日期（YYYY-MM-DD）"),
        Say::Importing => "正在导入".into(),
        Say::SearchResults { total, query, mode } => {
            let how = match mode.as_str() {
                "ident" => "按编号或代码",
                "partial" => "部分匹配",
                _ => "全文",
            };
            format!("“{query}”共 {total} 条结果（{how}）")
        }
        Say::StaffEnding { days } => format!("{days} 天内公示期满"),
        Say::StaffLateHeading => "公示迟延".into(),
        Say::StaffEnds { last } => format!("公示截止 {last}"),
        Say::StaffLate { decided, published, days, limit } => format!(
            "决定日期 {decided}，公示日期 {published}，相隔 {days} 个工作日（时限 {limit}）"
        ),
        Say::Serving { out, addr } => {
            format!("正在预览 {}：http://{addr}/（按 Ctrl-C 停止）", out.display())
        }
        Say::Rebuilt { files, published, rendered, out } => format!(
            "已构建 {files} 个文件（公示中的记录 {published} 条，重新生成页面 {} 个），输出到 {}",
            rendered.map_or_else(|| "全部".to_string(), |n| n.to_string()),
            out.display()
        ),
        Say::StillServing { error: None } => "构建失败；继续预览上一次成功的构建".into(),
        Say::StillServing { error: Some(e) } => {
            format!("构建失败：{e}；继续预览上一次成功的构建")
        }
        Say::Stopping => "正在停止（进行中的重新构建会先完成；再按 Ctrl-C 立即退出）".into(),
        Say::StoppedMidRebuild => "已在重新构建中途停止".into(),
        Say::PagesUpdated { seconds } => format!("页面已更新，用时 {seconds:.2} 秒"),
        Say::RebuiltIn { seconds } => format!("重新构建完成，用时 {seconds:.2} 秒"),
    }
}

fn refusal_zh(r: &Refusal) -> String {
    match r {
        Refusal::SiteItself => "它就是站点文件夹本身；请另选输出文件夹，如 public/".into(),
        Refusal::ContainsSite(site) => format!(
            "它包含站点文件夹 {}；请另选输出文件夹，如站点内的 public/",
            site.display()
        ),
        Refusal::InsideSources(folder) => format!(
            "它位于站点的 {folder}/ 文件夹内，构建时要读取那里；请另选输出文件夹，如 public/"
        ),
        Refusal::NotAFolder => "它是文件而不是文件夹；请另选路径".into(),
        Refusal::DanglingLink => "它是指向不存在目标的符号链接；请删除该链接或另选路径".into(),
        Refusal::NotAnOutput => format!(
            "文件夹中有不是 gongshi 写入的文件（没有上次构建留下的 {} 标记），构建会删除它们；请清空该文件夹或另选新文件夹",
            crate::out_guard::OUTPUT_MARK
        ),
    }
}

/// The Chinese text of a library error gongshi knows, or `None` to show its own (English)
/// text; OS errors (`std::io::Error`) keep the system's wording.
fn error_zh(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(e) = e.downcast_ref::<OutputError>() {
        return Some(match e {
            OutputError::Refused { out, reason } => {
                format!("拒绝构建到“{}”：{}", out.display(), refusal_zh(reason))
            }
            OutputError::UnsafePath(p) => format!("拒绝写到输出文件夹以外：{p}"),
            OutputError::Io { path, source } => format!("{}：{source}", path.display()),
        });
    }
    if let Some(BuildError::Output(e)) = e.downcast_ref::<BuildError>() {
        return error_zh(e);
    }
    if let Some(e) = e.downcast_ref::<BuildError>() {
        return match e {
            BuildError::Invalid(d) => Some(format!(
                "站点有 {} 处错误；未写入任何文件",
                d.iter().filter(|d| d.is_error()).count()
            )),
            BuildError::Previous(path, why) => Some(format!(
                "--previous {}：无法读取上次构建的清单：{why}",
                path.display()
            )),
            BuildError::MinifyNotBuilt => Some(
                "--minify 需要启用压缩功能构建的 gongshi：cargo build --release --features minify"
                    .into(),
            ),
            _ => None,
        };
    }
    if let Some(e) = e.downcast_ref::<InitError>() {
        return Some(match e {
            InitError::NotEmpty(dir) => format!(
                "{}：文件夹不是空的；`gongshi init` 只写入新建的或空的文件夹，以免覆盖已有文件",
                dir.display()
            ),
            InitError::Io { path, source } => format!("{}：{source}", path.display()),
            InitError::NoCollections => "内置的 site.yaml 缺少 `collections:`".into(),
        });
    }
    if let Some(e) = e.downcast_ref::<ImportError>() {
        return Some(match e {
            ImportError::Config(_) => "site.yaml 有错误；请先运行 `gongshi check`".into(),
            ImportError::UnknownCollection(c, known) => {
                format!("site.yaml 中没有栏目“{c}”（栏目：{known}）")
            }
            ImportError::Table(t) => return error_zh(t),
            ImportError::Mapping { path, message } => {
                format!("映射文件 {}：{message}", path.display())
            }
            ImportError::Rows { file, problems, .. } => format!(
                "{} 中有 {} 处问题；未写入任何文件",
                file.display(),
                problems.len()
            ),
            ImportError::Io { path, source } => format!("{}：{source}", path.display()),
        });
    }
    if let Some(e) = e.downcast_ref::<TableError>() {
        return Some(match e {
            TableError::Io { path, source } => format!("{}：{source}", path.display()),
            TableError::Spreadsheet { path, message } => {
                format!("{}：无法读取表格：{message}", path.display())
            }
            TableError::NoSuchSheet {
                path,
                sheet,
                sheets,
            } => format!(
                "{}：没有名为“{sheet}”的工作表（工作表：{}）",
                path.display(),
                sheets.join("、")
            ),
            TableError::Encoding { path } => format!(
                "{}：文本既不是 UTF-8 也不是 GBK/GB18030；请另存为 UTF-8 编码的 CSV 或 XLSX",
                path.display()
            ),
            TableError::Csv { path, row, message } => {
                format!("{}：第 {row} 行：{message}", path.display())
            }
            TableError::Empty { path } => format!("{}：文件没有表头行", path.display()),
            TableError::UnknownType { path } => format!(
                "{}：无法识别的文件类型；导入支持 .xlsx、.xlsm、.xls、.xlsb、.ods 和 .csv",
                path.display()
            ),
        });
    }
    None
}

/// An error and its causes as one line, as `{:#}` prints them, in `lang`. A cause whose text
/// the line already holds (a wrapped I/O error) is not repeated.
pub fn error_chain(err: &anyhow::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("{err:#}");
    }
    let mut line = String::new();
    for cause in err.chain() {
        let text = error_zh(cause).unwrap_or_else(|| cause.to_string());
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push('：');
        }
        line.push_str(&text);
    }
    line
}
