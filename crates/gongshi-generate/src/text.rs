//! Notice text of realistic length: facts of 80–300 characters, findings, descriptions. Numbers
//! in the text are short (counts, amounts, dates), so nothing looks like a phone or id number.

use super::names::{LAB_SCOPES, PARK_PRODUCTS};
use super::rng::Rng;
use chrono::NaiveDate;

/// (violation type, detail template, legal basis, lab-related). `{n}` is a small count,
/// `{p}` a product.
pub const VIOLATIONS: [(&str, &str, &str, bool); 12] = [
    (
        "出具虚假检验检测报告",
        "在未实际开展检验检测的情况下出具检验检测报告{n}份，报告所列数据无原始记录支撑",
        "《检验检测机构监督管理办法》第二十六条",
        true,
    ),
    (
        "未按照标准开展检验检测",
        "未按照相关标准规定的方法开展{p}检验检测活动，涉及检验检测报告{n}份",
        "《检验检测机构监督管理办法》第二十五条",
        true,
    ),
    (
        "超出资质认定范围出具报告",
        "超出资质认定证书规定的检验检测能力范围，向社会出具具有证明作用的检验检测报告{n}份",
        "《检验检测机构资质认定管理办法》第四十二条",
        true,
    ),
    (
        "销售不符合食品安全标准的食品",
        "销售的{p}经抽样检验，部分项目不符合食品安全国家标准，货值金额{n}百元",
        "《中华人民共和国食品安全法》第一百二十四条",
        false,
    ),
    (
        "发布虚假广告",
        "通过其网站及微信公众号发布含有虚假或者引人误解内容的广告{n}条",
        "《中华人民共和国广告法》第五十五条",
        false,
    ),
    (
        "未按规定明码标价",
        "在经营场所销售{p}等商品时未按规定明码标价，涉及商品{n}种",
        "《明码标价和禁止价格欺诈规定》第二十一条",
        false,
    ),
    (
        "无照经营",
        "未依法取得营业执照，擅自从事{p}销售经营活动{n}个月",
        "《无证无照经营查处办法》第十三条",
        false,
    ),
    (
        "使用未经检定的计量器具",
        "在经营活动中使用未经检定的电子计价秤{n}台",
        "《中华人民共和国计量法实施细则》第四十三条",
        false,
    ),
    (
        "生产销售不合格产品",
        "生产销售的{p}经监督抽查判定为不合格产品，涉及{n}个批次",
        "《中华人民共和国产品质量法》第四十九条",
        false,
    ),
    (
        "使用未经定期检验的特种设备",
        "使用未经定期检验的电梯{n}台，未按要求申报定期检验",
        "《中华人民共和国特种设备安全法》第八十四条",
        false,
    ),
    (
        "销售侵犯注册商标专用权的商品",
        "销售侵犯他人注册商标专用权的{p}{n}件",
        "《中华人民共和国商标法》第六十条",
        false,
    ),
    (
        "虚假宣传",
        "在商品宣传中对{p}的产地、功效作虚假的商业宣传，涉及宣传资料{n}份",
        "《中华人民共和国反不正当竞争法》第二十条",
        false,
    ),
];

const FACT_OPENINGS: [&str; 4] = [
    "经查，",
    "经调查核实，",
    "本机关依法检查发现，",
    "根据举报线索，经查，",
];
const FACT_EXTRAS: [&str; 8] = [
    "执法人员现场制作了检查笔录，并依法提取了相关证据材料",
    "当事人对上述事实无异议，并提交了书面陈述材料",
    "本机关依法向当事人送达了行政处罚告知书，当事人在法定期限内未提出陈述申辩",
    "当事人在案件调查过程中积极配合，主动提供相关资料",
    "上述事实有现场检查笔录、询问笔录、检验报告、照片等证据证实",
    "当事人的违法所得经核算为人民币若干元",
    "当事人已于案发后停止违法行为并进行了整改",
    "当事人申请听证后又书面撤回听证申请",
];
const FACT_CLOSINGS: [&str; 4] = [
    "鉴于当事人主动消除违法行为危害后果，依法从轻处罚",
    "综合考虑违法行为的事实、性质、情节和社会危害程度，依法作出本处罚决定",
    "当事人系初次违法且危害后果轻微，依法予以从轻处罚",
    "当事人的行为情节较重，依法从重处罚",
];

fn fill(template: &str, rng: &mut Rng, product: &str) -> String {
    template
        .replace("{n}", &rng.range(2, 48).to_string())
        .replace("{p}", product)
}

pub fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The 主要违法事实 of a penalty: 80–300 characters.
pub fn facts(rng: &mut Rng, violation: usize, decided: NaiveDate) -> String {
    let (_, template, basis, lab) = VIOLATIONS[violation];
    let product = if lab {
        rng.pick(&LAB_SCOPES)
    } else {
        rng.pick(&PARK_PRODUCTS)
    };
    let target = rng.range(80, 280) as usize;
    let since = decided - chrono::Days::new(rng.range(30, 400));
    let mut s = format!(
        "{}当事人自{}起{}。",
        rng.pick(&FACT_OPENINGS),
        chinese_date(since),
        fill(template, rng, product)
    );
    let mut extras = FACT_EXTRAS.to_vec();
    while s.chars().count() + 40 < target && !extras.is_empty() {
        let e = extras.remove(rng.below(extras.len() as u64) as usize);
        s.push_str(e);
        s.push('。');
    }
    s.push_str(&format!("上述行为违反了{basis}的规定。"));
    if s.chars().count() < target {
        s.push_str(rng.pick(&FACT_CLOSINGS));
        s.push('。');
    }
    s
}

const FINDINGS: [&str; 8] = [
    "部分检验检测原始记录信息不完整，无法复现检验检测过程",
    "未按规定对检测设备进行期间核查",
    "企业年度报告公示的从业人数与实际不符",
    "经营场所公示的营业执照信息未及时更新",
    "部分产品进货查验记录缺失",
    "特种设备安全技术档案不完整",
    "检测人员授权签字人变更未按规定备案",
    "未在醒目位置公示食品经营许可证",
];

/// 检查发现 as a short markdown list.
pub fn findings(rng: &mut Rng) -> String {
    let n = rng.range(1, 3) as usize;
    let mut pool = FINDINGS.to_vec();
    let mut s = String::from("检查发现以下问题：\n");
    for _ in 0..n {
        let f = pool.remove(rng.below(pool.len() as u64) as usize);
        s.push_str(&format!("\n- {f}"));
    }
    s
}

pub fn rectification(rng: &mut Rng, date: NaiveDate) -> String {
    let by = date + chrono::Days::new(rng.range(15, 60));
    format!(
        "已责令当事人限期整改，要求于{}前完成整改并提交整改报告",
        chinese_date(by)
    )
}

pub fn lab_description(rng: &mut Rng, name: &str, place: &str, scopes: &[&str]) -> String {
    format!(
        "{name}成立于{}年，位于{place}，主要从事{}等领域的检验检测服务。现有检验检测人员{}名，其中中级以上职称{}名，仪器设备{}台（套），实验室面积约{}平方米。\n\n机构建立了符合《检验检测机构资质认定能力评价 检验检测机构通用要求》的管理体系。",
        rng.range(1995, 2020),
        scopes.join("、"),
        rng.range(12, 300),
        rng.range(3, 60),
        rng.range(40, 900),
        rng.range(200, 5000),
    )
}

pub fn park_description(rng: &mut Rng, name: &str, products: &[&str]) -> String {
    format!(
        "{name}以{}为主导产业，采用“企业＋合作社＋农户”模式，带动周边农户{}户。园区建有有机投入品管理制度和全程追溯体系，年产有机产品约{}吨。",
        products.join("、"),
        rng.range(50, 3000),
        rng.range(100, 20000),
    )
}
