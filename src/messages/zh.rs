//! 每条消息的中文文本：给局里录入和审核数据的同事看，用他们日常的说法（记录、字段、文件、
//! 第 N 行、统一社会信用代码、公示期、工作日）。字段名、取值、文件名原样保留在引号里。

use super::*;

fn shape(s: Shape) -> &'static str {
    match s {
        Shape::Empty => "空值",
        Shape::Scalar => "单个值",
        Shape::List => "列表",
        Shape::Mapping => "“键: 值”映射",
    }
}

fn expected(e: &Expected) -> String {
    match e {
        Expected::Text => "文本".into(),
        Expected::Date => "日期（YYYY-MM-DD）".into(),
        Expected::Integer => "整数".into(),
        Expected::Money => "以元为单位的金额（不小于 0 的数）".into(),
        Expected::Bool => "true 或 false".into(),
        Expected::OneOf(v) => format!("下列之一：{}", v.join("、")),
        Expected::CreditCode => "18 位统一社会信用代码".into(),
        Expected::CmaNumber => "12 位 CMA 资质认定证书编号".into(),
        Expected::RecordId => "一条记录的编号（id）".into(),
        Expected::Url => "http(s) 网址".into(),
        Expected::Geo => "位置 {lat, lon}".into(),
        Expected::Mapping => "“键: 值”映射".into(),
    }
}

fn personal(k: Kind) -> &'static str {
    match k {
        Kind::Mobile => "手机号码",
        Kind::ResidentId => "居民身份证号码",
    }
}

fn id_problem(p: &IdProblem) -> String {
    match p {
        IdProblem::Length { found, max } => {
            format!("记录编号（id）应为 1 至 {max} 个字符，现有 {found} 个")
        }
        IdProblem::Char { id, ch } => format!(
            "记录编号“{}”含有 {ch:?}；编号只能用小写字母 a-z、数字 0-9、“-”和“_”",
            id.escape_debug()
        ),
        IdProblem::Start { id } => format!("记录编号“{id}”须以字母或数字开头"),
    }
}

fn credit_code(p: &CreditCodeProblem) -> String {
    match p {
        CreditCodeProblem::Length { found } => {
            format!("统一社会信用代码应为 18 位，现为 {found} 位")
        }
        CreditCodeProblem::Char { pos, ch, allowed } => {
            format!("第 {pos} 位字符“{ch}”不能用于统一社会信用代码（可用字符：{allowed}）")
        }
        CreditCodeProblem::Check { found, want } => {
            format!("校验码为“{found}”，按 GB 32100 应为“{want}”（代码是否录错？）")
        }
    }
}

fn cma(p: &CmaProblem) -> String {
    match p {
        CmaProblem::Shape { number } => format!(
            "CMA 资质认定证书编号为 12 位数字（年份、发证机关、专业、行业、流水号），现为“{number}”"
        ),
        CmaProblem::Authority { code } => {
            format!("发证机关代码 {code} 既不是 00（国家级），也不是 01–31 的省级代码")
        }
        CmaProblem::Year {
            year,
            latest_year,
            latest,
        } => format!(
            "发证年份 {year} 晚于 {latest_year} 年，即本记录最晚公示日期（{latest}）所在的年份"
        ),
    }
}

fn yaml(p: &YamlProblem) -> String {
    match p {
        YamlProblem::Syntax(s) => format!("（解析器原文）{s}"),
        YamlProblem::SecondDocument => "一个数据文件只能有一个 YAML 文档，这里出现了第二个（`---`）：每个文件放一条记录或一个记录列表".into(),
        YamlProblem::TooDeep { max } => format!("嵌套超过 {max} 层"),
        YamlProblem::Unbalanced => "YAML 结构不完整（括号或缩进不配对）".into(),
        YamlProblem::UnknownAnchor => "别名（*）指向不存在的锚点（&）".into(),
        YamlProblem::AliasBomb { budget, per_byte, min_mib, max_mib } => format!(
            "别名展开到此处已超过 {budget} 字节文本（上限为文件大小的 {per_byte} 倍，且在 {min_mib}–{max_mib} MiB 之间）：疑为别名展开攻击，请把重复的长文本直接写出"
        ),
        YamlProblem::TooManyValues { max } => {
            format!("文件展开后超过 {max} 个值（疑为别名展开攻击）")
        }
        YamlProblem::KeyNotText => "映射的键必须是普通文本".into(),
        YamlProblem::DuplicateKey { key, first } => {
            format!("键“{key}”重复（第 {first} 行已出现）")
        }
    }
}

fn site(p: &SiteProblem) -> String {
    use SiteProblem as P;
    match p {
        P::CollectionKey => "栏目键名只能用小写字母 a-z、数字 0-9、“-”和“_”".into(),
        P::ReservedCollection { reserved } => {
            format!("此键名是构建时自用的输出文件夹（{reserved}），请另取一个")
        }
        P::NotAField { what, name } => format!("{what}“{name}”不是本栏目的字段"),
        P::ReservedField { key, reserved } => {
            format!("字段“{key}”是公示数据的保留名（保留名：{reserved}）")
        }
        P::ValuesFrom { key, name } => {
            format!("字段“{key}”：values_from“{name}”不是 `enums` 下的列表")
        }
        P::EnumValues { key } => format!("字段“{key}”：枚举字段需要 `values` 或 `values_from`"),
        P::RefTarget { key, collections } => {
            format!("字段“{key}”：引用字段需要用 `to:` 指明栏目（{collections}）")
        }
        P::NestedExpires { key } => format!("字段“{key}”：`expires` 只能写在栏目自身的字段上"),
        P::ObjectFields { key } => format!("字段“{key}”：对象字段需要 `fields:`"),
        P::UnknownType { key, ty } => format!(
            "字段“{key}”：未知类型“{ty}”（可用：text、markdown、date、integer、money、bool、enum、credit_code、cma_number、ref、url、geo、object）"
        ),
        P::Facet { key, value } => {
            format!("字段“{key}”：facet“{value}”应为 true、false 或 year")
        }
        P::Identifier { key, value } => {
            format!("字段“{key}”：identifier“{value}”应为 true 或 decision_number")
        }
        P::PersonalWhen { key, field } => {
            format!("字段“{key}”：personal.when 指向不存在的字段“{field}”")
        }
        P::PersonalMask { key, value } => {
            format!("字段“{key}”：personal“{value}”应为 omit 或 keep_first_char")
        }
        P::OrganisationField { key } => {
            format!("字段“{key}”：`organisation` 只能写在单值的统一社会信用代码字段上")
        }
        P::OrganisationName { key, name } => {
            format!("字段“{key}”：organisation.name“{name}”不是本栏目的单值文本字段")
        }
        P::NoticeField { name } => format!("公示规则用到了不存在的字段“{name}”"),
        P::NoticeCondition { field } => {
            format!("公示条件“{field}”需要 only、in、below 或 present 之一")
        }
        P::PeriodNumber { value } => {
            format!("公示期“{value}”应为数字加 d、m 或 y（如 3y），或 forever")
        }
        P::PeriodUnit { value } => {
            format!("公示期“{value}”应以 d（日）、m（月）或 y（年）结尾")
        }
        P::Field { key, detail } => format!("字段“{key}”：{detail}"),
        P::National { detail } => format!("全国“双公示”格式：{detail}"),
        P::NamesBoth { key } => {
            format!("字段“{key}”不能同时列在 names_self 和 names_party 中")
        }
        P::PageSize => "site.page_size 至少为 1".into(),
    }
}

pub(super) fn msg(m: &Msg) -> String {
    let hint = |s: &Option<String>| suggestion(s, Lang::Zh);
    match m {
        Msg::StrayEntry => "未读取：data/ 下只能直接放以栏目命名的文件夹".into(),
        Msg::UnknownFolder { name, known, suggestion } => format!(
            "文件夹“{name}”与 site.yaml 中的栏目都不对应（栏目：{known}）{}",
            hint(suggestion)
        ),
        Msg::CannotRead { error } => format!("无法读取：{error}"),
        Msg::Symlink => "未跟随符号链接：数据必须是站点内的真实文件".into(),
        Msg::NotYaml => "未读取：数据文件的扩展名应为 .yaml 或 .yml".into(),
        Msg::CaseCollision { other } => format!(
            "文件名与 {} 只有大小写不同：在 Windows 和 macOS 上两者会冲突",
            other.display()
        ),
        Msg::FileTooLarge { size, max } => {
            format!("文件有 {size} 字节，超过 {max} 字节的上限：请拆成几个较小的文件")
        }
        Msg::Utf16 => "文件是 UTF-16 编码：请另存为 UTF-8".into(),
        Msg::InvalidUtf8 { offset } => {
            format!("第 {offset} 字节处不是有效的 UTF-8：请把文件另存为 UTF-8")
        }
        Msg::NulByte { offset } => format!("第 {offset} 字节处有 NUL 字节：这不是文本文件"),
        Msg::Yaml(p) => format!("YAML 格式错误：{}", yaml(p)),
        Msg::EmptyFile => "空文件：没有记录".into(),
        Msg::SingleValue => "应为一条记录（“键: 值”映射）或记录列表，实为单个值".into(),
        Msg::NotARecord { found } => format!("应为一条记录（“键: 值”映射），实为{}", shape(*found)),
        Msg::MissingId => "记录缺少 `id`（记录编号）".into(),
        Msg::BadId(p) => id_problem(p),
        Msg::IdNotText { found } => format!("记录编号（id）应为文本，实为{}", shape(*found)),
        Msg::UnknownField { key, collection, suggestion } => format!(
            "栏目“{collection}”没有字段“{key}”{}",
            hint(suggestion)
        ),
        Msg::UnknownSubfield { key, suggestion } => {
            format!("没有字段“{key}”{}", hint(suggestion))
        }
        Msg::MissingField { key, label } => format!("缺少必填字段“{key}”（{label}）"),
        Msg::MissingPublished => "缺少必填字段“published”（公示开始日期）".into(),
        Msg::NotAList { item, found } => {
            format!("应为 {item} 类型的列表，实为{}", shape(*found))
        }
        Msg::EmptyList => "必填的列表为空".into(),
        Msg::NotAMapping { keys, found } => {
            format!("应为含 {keys} 的映射，实为{}", shape(*found))
        }
        Msg::WrongShape { expected: e, found } => {
            format!("应为{}，实为{}", expected(e), shape(*found))
        }
        Msg::BadGeo => "应为位置 {lat: -90..90, lon: -180..180}".into(),
        Msg::NotARealDate { value } => format!("“{value}”不是日历上存在的日期"),
        Msg::DateFormat { value } => format!("日期应写成 YYYY-MM-DD，实为“{value}”"),
        Msg::NotAnInteger { value } => format!("应为整数，实为“{value}”"),
        Msg::NotMoney { value } => {
            format!("应为以元为单位的金额（如 5000 或 1234.5），实为“{value}”")
        }
        Msg::NotBool { value } => format!("应为 true 或 false，实为“{value}”"),
        Msg::NotInEnum { value, allowed, suggestion } => {
            let allowed = allowed.join("、");
            format!("“{value}”不在可选值中：{allowed}{}", hint(suggestion))
        }
        Msg::BadCreditCode { value, problem } => {
            format!("统一社会信用代码“{value}”有误：{}", credit_code(problem))
        }
        Msg::BadCmaNumber(p) => format!("CMA 证书编号有误：{}", cma(p)),
        Msg::BadUrl { value } => format!("应为 http(s) 网址，实为“{value}”"),
        Msg::BadWithdrawal => "撤下（withdrawn）应写成含 `date`（日期）和 `reason`（理由）的映射".into(),
        Msg::BadCorrection => "每条更正（history）都需要 `date`（日期）和 `summary`（说明）".into(),
        Msg::HistoryNotAList => "更正记录（history）应为列表".into(),
        Msg::BadPeriod(p) => site(p),
        Msg::IdHoldsPersonal { kind } => format!(
            "记录编号是页面网址的一部分，其中含有疑似{}的内容：请另取编号",
            personal(*kind)
        ),
        Msg::PersonalNumber { kind, masked } => format!(
            "含有疑似{}“{masked}”，所有输出中均已打码：请删除，或移到标记为 `personal` 的字段",
            personal(*kind)
        ),
        Msg::DuplicateId { id, file, line } => {
            format!("记录编号“{id}”重复：{} 第 {line} 行也用了它", file.display())
        }
        Msg::NotUnique { value, other, file, line } => format!(
            "取值“{value}”不得重复，但记录“{other}”（{} 第 {line} 行）也是这个值",
            file.display()
        ),
        Msg::UnknownRef { id, collection, suggestion } => format!(
            "引用的“{id}”不是栏目“{collection}”中的记录{}",
            hint(suggestion)
        ),
        Msg::NoCalendarYear { year } => format!(
            "无法检查公示是否及时：节假日日历缺少 {year} 年的数据，国务院公布安排后请把 {year}.json 加入日历文件夹"
        ),
        Msg::LateNotice { published, days, label, decided, limit } => format!(
            "公示日期 {published} 距{label} {decided} 已过 {days} 个工作日，超过 {limit} 个工作日的时限"
        ),
        Msg::StatusLapsed(lapsed) => {
            let Lapsed { label, value, date_label, within, last, as_of, becomes } = &**lapsed;
            let date_label = match within {
                Some(w) => format!("最近一次{date_label}（{w}）"),
                None => date_label.clone(),
            };
            format!(
                "{label}登记为“{value}”，但{date_label}为 {last}，早于构建日期 {as_of}：页面和数据集显示为“{becomes}”，请更新记录"
            )
        }
        Msg::CalendarUnreadable { detail } => format!("节假日日历读取失败：{detail}"),
        Msg::PreviousIgnored { detail } => {
            format!("上次构建的清单无法使用，本次不生成变更列表：{detail}")
        }
        Msg::BadPageName { slug, reserved } => format!(
            "页面文件名“{slug}”只能用小写字母 a-z、数字 0-9 和“-”，且不能与栏目或保留路径同名（{reserved}）"
        ),
        Msg::NoFrontMatter => "内容页应以 `---` 行之间的页首信息（title、description）开头".into(),
        Msg::UnclosedFrontMatter => "页首信息缺少结尾的 `---` 行".into(),
        Msg::FrontMatter { detail } => format!("页首信息有误：{detail}"),
        Msg::SiteUnreadable { path, error } => format!("无法读取 {}：{error}", path.display()),
        Msg::SiteInvalid { detail } => format!("站点配置有误：{detail}"),
        Msg::Site { collection: Some(c), problem } => format!("栏目“{c}”：{}", site(problem)),
        Msg::Site { collection: None, problem } => site(problem),
        Msg::ImportValueOwned { other } => {
            format!("此值已用于记录“{other}”；一个值只能对应一条记录")
        }
        Msg::ImportRowTwice { first, id } => {
            format!("第 {first} 行已生成记录“{id}”；每条记录只能来自一行")
        }
        Msg::ImportNoId { collection } => format!(
            "无法确定记录编号：请加一列 `id`（记录编号），或在 site.yaml 中为栏目“{collection}”设置 `id_template`"
        ),
        Msg::ImportIdEmpty { missing, template } => format!(
            "记录编号由“{missing}”生成（id_template“{template}”），但本行该项为空"
        ),
        Msg::ImportKeptElsewhere { id, file, line, rel } => format!(
            "记录“{id}”保存在 {} 第 {line} 行，导入不会改写该文件；请在原处修改，或把它移到 {} 后再导入",
            file.display(),
            rel.display()
        ),
        Msg::ImportUnknownColumn { header, collection, examples } => format!(
            "列“{header}”与栏目 {collection} 的字段都不对应：表头请用字段名称或键名（如 {examples}），或在映射文件中写明（`{header}: 字段键名`，或 `{header}: \"-\"` 表示不导入此列）"
        ),
        Msg::ImportObjectColumn { header, key } => format!(
            "列“{header}”：字段“{key}”由多个子字段组成，一个单元格放不下；请直接在 YAML 文件中填写"
        ),
        Msg::ImportColumnsTwice { other, header } => {
            format!("列“{other}”和“{header}”对应同一字段；请只保留一列")
        }
        Msg::ImportMappingTarget { header, key, collection } => format!(
            "映射文件：“{header}”映射到“{key}”，但它不是栏目 {collection} 的字段"
        ),
    }
}

pub(super) fn help(code: Code) -> (&'static str, &'static str) {
    use Code as C;
    match code {
        C::StrayEntry => (
            "data/ 下直接放了文件或链接，而不是栏目文件夹",
            "移入某个栏目的文件夹，或移出 data/",
        ),
        C::UnknownFolder => (
            "data/ 下的文件夹在 site.yaml 中没有对应栏目",
            "把文件夹改名为栏目键名，或在 site.yaml 中声明该栏目",
        ),
        C::Unreadable => ("文件无法读取", "检查文件权限，确认文件仍然存在"),
        C::Symlink => ("data/ 下的符号链接不会被读取", "用文件本身替换链接"),
        C::NotYaml => (
            "data/ 下的文件扩展名不是 .yaml 或 .yml",
            "改扩展名，或移出 data/",
        ),
        C::CaseCollision => ("两个文件名只有大小写不同", "给其中一个改名"),
        C::FileTooLarge => (
            "数据文件超过大小上限（--max-file-bytes）",
            "拆成几个较小的文件",
        ),
        C::Encoding => (
            "数据文件不是 UTF-8 文本",
            "另存为 UTF-8（不要 UTF-16，也不要二进制内容）",
        ),
        C::YamlSyntax => (
            "文件不是有效的 YAML",
            "修改提示的那一行，检查缩进、冒号和引号",
        ),
        C::YamlLimit => (
            "YAML 嵌套过深或别名展开过多",
            "把内容直接写出，不要深层嵌套或别名",
        ),
        C::DuplicateKey => ("同一条记录中某个键出现了两次", "删去其中一行"),
        C::EmptyFile => ("数据文件中没有记录", "补上记录，或删除该文件"),
        C::NotARecord => (
            "此处应为一条记录（若干“键: 值”行）",
            "按“键: 值”的形式逐行填写",
        ),
        C::MissingId => (
            "记录缺少 `id`（记录编号）",
            "加上 `id:`，取一个不重复的编号（a-z、0-9、-、_）",
        ),
        C::BadId => (
            "记录编号含有小写字母、数字、- 和 _ 以外的字符",
            "修改编号；它是记录页面的网址",
        ),
        C::UnknownKey => (
            "site.yaml 没有为本栏目声明该字段（多为拼写错误）",
            "改正字段名，或在 site.yaml 中声明该字段",
        ),
        C::MissingField => ("必填字段缺失或为空", "填写该字段"),
        C::WrongType => (
            "值的类型与字段不符（数字、金额、true/false、网址、列表等）",
            "按字段类型填写",
        ),
        C::EmptyList => ("必填的列表没有任何项", "至少填写一项"),
        C::BadDate => (
            "日期不是 YYYY-MM-DD 格式，或日历上不存在",
            "写成 YYYY-MM-DD，如 2024-06-25",
        ),
        C::NotInEnum => (
            "值不在该字段的可选值中",
            "改用列出的可选值之一，或在 site.yaml 中增加",
        ),
        C::BadCreditCode => (
            "统一社会信用代码的位数、字符或校验码有误",
            "对照营业执照重新录入",
        ),
        C::BadCmaNumber => (
            "CMA 证书编号不是 12 位数字，或发证机关代码有误",
            "对照证书重新录入",
        ),
        C::CmaYear => (
            "CMA 证书的发证年份晚于本记录最晚的日期",
            "核对编号和记录日期；换发证书请加一条 history 更正",
        ),
        C::BadNoticeData => (
            "withdrawn、history 或 notice_period 的写法有误",
            "按 docs/site-yaml.md 的写法（日期和理由；日期和说明；如 3y）",
        ),
        C::PersonalInId => ("记录编号中含有手机号码或身份证号码", "另取一个编号"),
        C::PersonalNumber => (
            "公开文本中含有手机号码或身份证号码，已打码",
            "删除，或移到标记为 `personal` 的字段",
        ),
        C::DuplicateId => ("两条记录用了同一个编号", "给其中一条换个编号"),
        C::NotUnique => (
            "应唯一的值（如处罚决定书文号）出现在两条记录中",
            "改正取值，或合并这两条记录",
        ),
        C::UnknownRef => ("引用的记录不存在", "改正所引用的记录编号"),
        C::CalendarMissingYear => (
            "节假日日历缺少某一年，无法计算工作日",
            "把该年的 JSON 文件加入日历文件夹",
        ),
        C::LateNotice => (
            "公示晚于决定后规定的工作日时限",
            "及时公示；内部报告列出了公示迟延的记录",
        ),
        C::StatusLapsed => ("登记的状态与日期矛盾（如证书已过期）", "在记录中更新状态"),
        C::CalendarUnreadable => ("节假日日历无法读取", "改正日历文件夹中的 JSON 文件"),
        C::PreviousIgnored => (
            "上次构建的清单无法使用，变更列表（/changes/）重新开始",
            "无须处理，或用 --previous 指定可读的清单",
        ),
        C::BadPageName => (
            "内容页文件名不合规或与保留路径同名",
            "改文件名（a-z、0-9、-）",
        ),
        C::BadFrontMatter => (
            "内容页开头 `---` 之间的页首信息缺失或有误",
            "页面以 `---`、title:、description:、`---` 开头",
        ),
        C::SiteUnreadable => (
            "无法读取 site.yaml",
            "在站点文件夹中运行命令，或用 --site 指定",
        ),
        C::SiteConfig => (
            "site.yaml 中的声明有误",
            "按提示改正 site.yaml；参见 docs/site-yaml.md",
        ),
        C::ImportConflict => (
            "两行或两条记录对应同一条记录",
            "每条记录只保留一行；改正用于识别的值",
        ),
        C::ImportNoId => (
            "无法为这一行生成记录编号",
            "加一列 id、填写识别列，或设置 id_template",
        ),
        C::ImportColumn => (
            "表格中的列与字段都不对应，或两列对应同一字段",
            "把表头改为字段名称，或在映射文件中写明",
        ),
    }
}
