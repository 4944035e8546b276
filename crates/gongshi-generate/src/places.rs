//! The cities of the sample site.yaml with their division codes and counties: credit codes,
//! resident ids, authorities and decision-number prefixes all follow the record's place.

pub struct City {
    /// Exactly as in site.yaml's `cities` enum.
    pub name: &'static str,
    /// Used in company names (陕西/西安/...).
    pub short: &'static str,
    /// Prefix of the city bureau's decision numbers (西市监罚).
    pub penalty_prefix: &'static str,
    /// (county, division code) pairs.
    pub counties: &'static [(&'static str, &'static str)],
}

pub const PROVINCE_AUTHORITY: &str = "陕西省市场监督管理局";
pub const PROVINCE_PREFIX: &str = "陕市监罚";

pub const CITIES: [City; 13] = [
    City {
        name: "西安市",
        short: "西安",
        penalty_prefix: "西市监罚",
        counties: &[
            ("新城区", "610102"),
            ("碑林区", "610103"),
            ("莲湖区", "610104"),
            ("灞桥区", "610111"),
            ("未央区", "610112"),
            ("雁塔区", "610113"),
            ("阎良区", "610114"),
            ("临潼区", "610115"),
            ("长安区", "610116"),
            ("高陵区", "610117"),
            ("鄠邑区", "610118"),
            ("蓝田县", "610122"),
            ("周至县", "610124"),
        ],
    },
    City {
        name: "铜川市",
        short: "铜川",
        penalty_prefix: "铜市监罚",
        counties: &[
            ("王益区", "610202"),
            ("印台区", "610203"),
            ("耀州区", "610204"),
            ("宜君县", "610222"),
        ],
    },
    City {
        name: "宝鸡市",
        short: "宝鸡",
        penalty_prefix: "宝市监罚",
        counties: &[
            ("渭滨区", "610302"),
            ("金台区", "610303"),
            ("陈仓区", "610304"),
            ("凤翔区", "610305"),
            ("岐山县", "610323"),
            ("扶风县", "610324"),
            ("眉县", "610326"),
            ("陇县", "610327"),
            ("千阳县", "610328"),
            ("麟游县", "610329"),
            ("凤县", "610330"),
            ("太白县", "610331"),
        ],
    },
    City {
        name: "咸阳市",
        short: "咸阳",
        penalty_prefix: "咸市监罚",
        counties: &[
            ("秦都区", "610402"),
            ("渭城区", "610404"),
            ("三原县", "610422"),
            ("泾阳县", "610423"),
            ("乾县", "610424"),
            ("礼泉县", "610425"),
            ("永寿县", "610426"),
            ("长武县", "610428"),
            ("旬邑县", "610429"),
            ("淳化县", "610430"),
            ("武功县", "610431"),
            ("兴平市", "610481"),
            ("彬州市", "610482"),
        ],
    },
    City {
        name: "渭南市",
        short: "渭南",
        penalty_prefix: "渭市监罚",
        counties: &[
            ("临渭区", "610502"),
            ("华州区", "610503"),
            ("潼关县", "610522"),
            ("大荔县", "610523"),
            ("合阳县", "610524"),
            ("澄城县", "610525"),
            ("蒲城县", "610526"),
            ("白水县", "610527"),
            ("富平县", "610528"),
            ("华阴市", "610582"),
        ],
    },
    City {
        name: "延安市",
        short: "延安",
        penalty_prefix: "延市监罚",
        counties: &[
            ("宝塔区", "610602"),
            ("安塞区", "610603"),
            ("延长县", "610621"),
            ("延川县", "610622"),
            ("志丹县", "610625"),
            ("吴起县", "610626"),
            ("甘泉县", "610627"),
            ("富县", "610628"),
            ("洛川县", "610629"),
            ("宜川县", "610630"),
            ("黄龙县", "610631"),
            ("黄陵县", "610632"),
            ("子长市", "610681"),
        ],
    },
    City {
        name: "汉中市",
        short: "汉中",
        penalty_prefix: "汉市监罚",
        counties: &[
            ("汉台区", "610702"),
            ("南郑区", "610703"),
            ("城固县", "610722"),
            ("洋县", "610723"),
            ("西乡县", "610724"),
            ("勉县", "610725"),
            ("宁强县", "610726"),
            ("略阳县", "610727"),
            ("镇巴县", "610728"),
            ("留坝县", "610729"),
            ("佛坪县", "610730"),
        ],
    },
    City {
        name: "榆林市",
        short: "榆林",
        penalty_prefix: "榆市监罚",
        counties: &[
            ("榆阳区", "610802"),
            ("横山区", "610803"),
            ("府谷县", "610822"),
            ("靖边县", "610824"),
            ("定边县", "610825"),
            ("绥德县", "610826"),
            ("米脂县", "610827"),
            ("佳县", "610828"),
            ("吴堡县", "610829"),
            ("清涧县", "610830"),
            ("子洲县", "610831"),
            ("神木市", "610881"),
        ],
    },
    City {
        name: "安康市",
        short: "安康",
        penalty_prefix: "安市监罚",
        counties: &[
            ("汉滨区", "610902"),
            ("汉阴县", "610921"),
            ("石泉县", "610922"),
            ("宁陕县", "610923"),
            ("紫阳县", "610924"),
            ("岚皋县", "610925"),
            ("平利县", "610926"),
            ("镇坪县", "610927"),
            ("白河县", "610929"),
            ("旬阳市", "610981"),
        ],
    },
    City {
        name: "商洛市",
        short: "商洛",
        penalty_prefix: "商市监罚",
        counties: &[
            ("商州区", "611002"),
            ("洛南县", "611021"),
            ("丹凤县", "611022"),
            ("商南县", "611023"),
            ("山阳县", "611024"),
            ("镇安县", "611025"),
            ("柞水县", "611026"),
        ],
    },
    City {
        name: "韩城市",
        short: "韩城",
        penalty_prefix: "韩市监罚",
        counties: &[
            ("新城街道", "610581"),
            ("金城街道", "610581"),
            ("龙门镇", "610581"),
        ],
    },
    City {
        name: "杨凌示范区",
        short: "杨凌",
        penalty_prefix: "杨示范区市监罚",
        counties: &[("杨陵区", "610403"), ("李台街道", "610403")],
    },
    City {
        name: "西咸新区",
        short: "西咸",
        penalty_prefix: "西咸市监罚",
        counties: &[
            ("沣东新城", "611100"),
            ("沣西新城", "611100"),
            ("秦汉新城", "611100"),
            ("空港新城", "611100"),
            ("泾河新城", "611100"),
        ],
    },
];

/// A city weighted by how much business it has: Xi'an dominates, as in real data.
pub fn city_weight(index: usize) -> u64 {
    match index {
        0 => 30,
        2 | 3 | 4 | 7 => 9,
        12 => 6,
        _ => 4,
    }
}

/// The name of a county without its 区/县/市 ending, for company names (雁塔, 眉).
pub fn county_stem(county: &str) -> &str {
    let trimmed = county
        .trim_end_matches("街道")
        .trim_end_matches("新城")
        .trim_end_matches(['区', '县', '市', '镇']);
    if trimmed.chars().count() >= 1 {
        trimmed
    } else {
        county
    }
}
