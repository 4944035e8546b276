//! Word pools for names and notice text. Company names combine a place, a two-character trade
//! name from two pools (about 2,000 combinations), an industry and a legal form, like the real
//! 陕西华信检测技术有限公司.

use super::rng::Rng;

const ROOT_FIRST: [&str; 48] = [
    "华", "信", "中", "恒", "宏", "瑞", "金", "鑫", "博", "泰", "德", "安", "正", "天", "新", "益",
    "嘉", "盛", "汇", "通", "诚", "立", "科", "永", "广", "东", "力", "精", "睿", "卓", "元", "创",
    "海", "润", "兴", "达", "凯", "誉", "聚", "宇", "秦", "长", "明", "晟", "优", "联", "丰", "弘",
];
const ROOT_SECOND: [&str; 44] = [
    "信", "源", "达", "泰", "诚", "安", "和", "正", "科", "远", "邦", "拓", "创", "衡", "宇", "康",
    "峰", "通", "瑞", "华", "晟", "鼎", "越", "成", "凯", "隆", "程", "测", "标", "谱", "辰", "航",
    "锐", "杰", "硕", "川", "原", "坤", "祥", "昊", "威", "途", "业", "捷",
];

pub const LAB_INDUSTRIES: [&str; 12] = [
    "检测技术",
    "检验检测",
    "环境检测",
    "质量检测",
    "计量检测",
    "工程检测",
    "食品检测",
    "检测认证",
    "测试技术",
    "检测科技",
    "环境监测",
    "建设工程质量检测",
];
pub const BUSINESS_INDUSTRIES: [&str; 24] = [
    "食品",
    "商贸",
    "医药",
    "建材",
    "农业科技",
    "餐饮管理",
    "电子科技",
    "机械制造",
    "化工",
    "服装",
    "汽车销售",
    "物流",
    "酒业",
    "茶业",
    "生物科技",
    "能源",
    "建筑工程",
    "新材料",
    "果业",
    "乳业",
    "药房连锁",
    "眼镜",
    "家电",
    "燃气",
];
const LEGAL_FORMS: [(&str, u64); 3] = [("有限公司", 80), ("有限责任公司", 15), ("股份有限公司", 5)];

pub const SURNAMES: [&str; 60] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
];
const GIVEN: [&str; 48] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "文", "华", "建", "国", "红", "玲", "斌", "鹏", "辉", "亮",
    "波", "宁", "峰", "燕", "琳", "晨", "浩", "凯", "婷", "欣", "宇", "龙", "飞", "海", "春", "军",
];
const SHOPS: [&str; 10] = [
    "便利店",
    "面馆",
    "副食店",
    "五金店",
    "诊所",
    "烟酒店",
    "日用品店",
    "水果店",
    "眼镜店",
    "小吃店",
];

pub const LAB_SCOPES: [&str; 14] = [
    "食品",
    "环境监测",
    "建筑材料",
    "建设工程",
    "机动车检验",
    "计量校准",
    "医疗器械",
    "化妆品",
    "电子电器",
    "纺织品",
    "农产品",
    "水质",
    "职业卫生",
    "特种设备",
];
pub const PARK_PRODUCTS: [&str; 16] = [
    "猕猴桃",
    "苹果",
    "茶叶",
    "核桃",
    "小米",
    "荞麦",
    "红枣",
    "花椒",
    "香菇",
    "木耳",
    "魔芋",
    "蜂蜜",
    "樱桃",
    "葡萄",
    "黄花菜",
    "中药材",
];
pub const CERTIFIERS: [&str; 6] = [
    "中绿华夏有机产品认证中心",
    "南京国环有机产品认证中心",
    "杭州万泰认证有限公司",
    "北京五洲恒通认证有限公司",
    "中国质量认证中心",
    "方圆标志认证集团有限公司",
];

/// A trade name such as 华信.
pub fn root(rng: &mut Rng) -> String {
    let a = rng.pick(&ROOT_FIRST);
    let mut b = rng.pick(&ROOT_SECOND);
    if a == b {
        b = "达";
    }
    format!("{a}{b}")
}

/// 陕西华信检测技术有限公司: `place` is the province, a city or a county.
pub fn company(rng: &mut Rng, place: &str, industries: &[&str]) -> String {
    let root = root(rng);
    let industry = rng.pick(industries);
    let form = rng.weighted(&LEGAL_FORMS);
    format!("{place}{root}{industry}{form}")
}

pub fn person(rng: &mut Rng) -> String {
    let surname = rng.pick(&SURNAMES);
    if rng.chance(30) {
        format!("{surname}{}", rng.pick(&GIVEN))
    } else {
        format!("{surname}{}{}", rng.pick(&GIVEN), rng.pick(&GIVEN))
    }
}

/// 雁塔区王记便利店: an individual business carries its owner's surname.
pub fn shop(rng: &mut Rng, county: &str, owner: &str) -> String {
    let surname: String = owner.chars().take(1).collect();
    format!("{county}{surname}记{}", rng.pick(&SHOPS))
}
