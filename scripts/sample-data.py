#!/usr/bin/env python3
"""Writes the bundled sample site's records under data/ (fictional Shaanxi data).

Deterministic: the same script always writes the same files, so the committed data/ can be
regenerated and reviewed as a diff. Bulk records come from a seeded generator; the records that
exercise each public-notice rule (expiry, withdrawal, embargo, corrections, natural persons,
warning-only, long restriction, late publication) are written out by hand below, because the
sample site is how a reviewer sees every rule at `--as-of 2025-06-30`.

Usage: python3 scripts/sample-data.py   (from the repository root)
"""

import datetime as dt
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
rng = random.Random(20250630)

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

# city, its division code (GB/T 2260), the short name used in decision numbers, counties
CITIES = [
    ("西安市", "610100", "西", ["雁塔区", "未央区", "碑林区", "长安区", "高新区"]),
    ("铜川市", "610200", "铜", ["王益区", "耀州区"]),
    ("宝鸡市", "610300", "宝", ["渭滨区", "金台区", "岐山县"]),
    ("咸阳市", "610400", "咸", ["秦都区", "渭城区", "兴平市"]),
    ("渭南市", "610500", "渭", ["临渭区", "华阴市", "蒲城县"]),
    ("延安市", "610600", "延", ["宝塔区", "洛川县"]),
    ("汉中市", "610700", "汉", ["汉台区", "城固县", "西乡县"]),
    ("榆林市", "610800", "榆", ["榆阳区", "神木市", "府谷县"]),
    ("安康市", "610900", "安", ["汉滨区", "平利县"]),
    ("商洛市", "611000", "商", ["商州区", "柞水县"]),
    ("韩城市", "610581", "韩", ["新城街道"]),
    ("杨凌示范区", "610403", "杨", ["杨陵区"]),
    ("西咸新区", "611100", "西咸", ["沣东新城", "秦汉新城"]),
]

LAB_ROOTS = ["华信", "秦川", "长安", "中科", "正大", "汉唐", "丝路", "博瑞", "恒通", "金鼎",
             "天宇", "精诚", "瑞源", "宏达", "青松", "德润", "谱尼", "安信", "鼎盛", "国检",
             "三秦", "渭水", "华山", "中测", "万达", "航天", "绿源", "众诚", "科达", "信达",
             "瀚海", "明德", "通标", "中检", "弘正", "九州"]
LAB_KINDS = ["检测技术有限公司", "检验检测有限公司", "环境检测有限公司", "质量检测有限公司",
             "工程检测有限公司", "计量检测研究院有限公司", "食品检测技术有限公司"]
SCOPES = ["环境监测", "食品", "建设工程", "机动车检验", "医疗器械", "电子电器", "纺织品",
          "计量校准", "农产品", "水质", "职业卫生", "化工产品", "特种设备", "煤炭"]
COMPANY_ROOTS = ["恒瑞", "兴盛", "秦丰", "德信", "永安", "鑫源", "百川", "华泰", "金桥", "隆基",
                 "银河", "东方", "宏远", "嘉禾", "润丰", "富康", "聚鑫", "昌盛", "海川", "泰和"]
COMPANY_KINDS = ["食品有限公司", "商贸有限公司", "建材有限公司", "农业科技有限公司", "医药连锁有限公司",
                 "汽车销售服务有限公司", "餐饮管理有限公司", "电子科技有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "志强", "秀英", "海燕", "文博", "晓东", "丽华", "国庆", "春梅", "立新"]
RESULTS = ["未发现问题", "未按规定公示应当公示的信息", "公示信息隐瞒真实情况、弄虚作假",
           "通过登记的住所（经营场所）无法联系", "发现问题已责令改正", "发现问题待后续处理",
           "不配合检查，情节严重", "未发现开展本次抽查涉及的经营活动"]
LAB_CHECK_ITEMS = ["检验检测机构资质认定证书使用情况", "检验检测报告真实性", "人员资质与能力",
                   "仪器设备检定校准", "检验检测方法验证", "原始记录与报告档案管理"]
VIOLATIONS = [
    ("出具虚假检验检测报告", "《检验检测机构监督管理办法》第二十六条"),
    ("出具不实检验检测报告", "《检验检测机构监督管理办法》第二十六条"),
    ("超出资质认定能力范围出具报告", "《检验检测机构资质认定管理办法》第四十三条"),
    ("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条"),
    ("未按规定公示年度报告", "《企业信息公示暂行条例》第十八条"),
    ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条"),
    ("使用未经检定的计量器具", "《中华人民共和国计量法实施细则》第四十三条"),
    ("价格违法行为", "《价格违法行为行政处罚规定》第七条"),
]
CERTIFIERS = ["中绿华夏有机产品认证中心", "南京国环有机产品认证中心", "北京五洲恒通认证有限公司",
              "杭州万泰认证有限公司"]
PRODUCTS = ["猕猴桃", "苹果", "茶叶", "核桃", "小米", "花椒", "香菇", "木耳", "红枣", "荞麦"]


def credit_code(division, kind="91"):
    body = kind + division + "".join(rng.choice(CREDIT_ALPHABET[:-1]) for _ in range(9))
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    return body + CREDIT_ALPHABET[(31 - total % 31) % 31]


def resident_id(division, birth):
    body = division + birth.strftime("%Y%m%d") + f"{rng.randrange(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def day(s):
    return dt.date.fromisoformat(s)


def working_days_after(start, n):
    """Approximate (weekends only): the sample publishes well inside the 20-day limit."""
    d = start
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def scalar(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if PLAIN.match(v) and ": " not in v and " #" not in v and v.lower() not in YAML_WORDS:
        return v
    return json.dumps(v, ensure_ascii=False)


# Strings written without quotes, as a person would type them; anything that YAML could read as
# another type (a credit code of digits, "no", a date) is quoted.
PLAIN = re.compile(r"^[\u3000-\u9fff\uff00-\uffefA-Za-z][^\[\]{},&*!|>'\"%@`]*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def emit(value, indent):
    """YAML block style with JSON-quoted strings: unambiguous (no 'no' read as false)."""
    pad = "  " * indent
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict) or (isinstance(v, list) and v and isinstance(v[0], dict)):
                out.append(f"{pad}{k}:")
                out.extend(emit(v, indent + 1))
            elif isinstance(v, list):
                out.append(f"{pad}{k}: [{', '.join(scalar(x) for x in v)}]")
            else:
                out.append(f"{pad}{k}: {scalar(v)}")
    else:
        for item in value:
            lines = emit(item, indent + 1)
            out.append(f"{pad}- {lines[0].lstrip()}")
            out.extend(lines[1:])
    return out


def write(collection, name, records, header):
    path = DATA / collection / name
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {header}"]
    for r in records:
        lines.extend(emit([r], 0))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_labs():
    labs = []
    statuses = ["有效"] * 26 + ["暂停"] * 4 + ["撤销"] * 3 + ["注销"] * 3
    classes = ["A"] * 12 + ["B"] * 14 + ["C"] * 6 + ["D"] * 4
    rng.shuffle(statuses)
    rng.shuffle(classes)
    for i, root in enumerate(LAB_ROOTS):
        city, division, _, counties = CITIES[0] if i < 12 else rng.choice(CITIES)
        issued = dt.date(2020 + i % 5, 1 + i % 12, 1 + (i * 7) % 27)
        county = rng.choice(counties)
        scope = sorted(rng.sample(SCOPES, rng.randrange(1, 4)), key=SCOPES.index)
        lab = {
            "id": f"lab-{i + 1:03d}",
            "published": issued + dt.timedelta(days=5),
            "name": f"陕西{root}{rng.choice(LAB_KINDS)}",
            "credit_code": credit_code(division),
            "cma_number": f"{issued.year % 100:02d}27{rng.randrange(0, 100):02d}"
                          f"{rng.randrange(0, 100):02d}{1000 + i * 37:04d}",
            "city": city,
            "county": county,
            "address": f"{city}{county}科技路{rng.randrange(1, 300)}号",
            "scope": scope,
            "approval_route": "告知承诺" if i % 3 == 0 else "一般程序",
            "cert_issued": issued,
            "cert_expires": dt.date(issued.year + 6, issued.month, issued.day) - dt.timedelta(days=1),
            "status": statuses[i],
            "credit_class": classes[i],
            "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "contact_phone": f"1{rng.choice('3589')}{rng.randrange(100000000, 999999999)}",
            "description": f"本机构主要从事{'、'.join(scope)}等领域的检验检测服务，"
                           f"具备完善的质量管理体系。",
        }
        if i % 4 == 0:
            lab["website"] = f"https://lab{i + 1:03d}.example.com/"
        labs.append(lab)
    # A correction recorded on a lab's page (更正记录).
    labs[1]["history"] = [
        {"date": day("2024-05-20"), "summary": "更正资质认定证书有效期（原公示日期录入有误）。"},
        {"date": day("2025-02-11"), "summary": "机构地址变更。"},
    ]
    return labs


def make_inspections(labs):
    records = []
    tasks = [(2021, "2021年检验检测机构“双随机、一公开”监督抽查", "2021-06-15"),
             (2022, "2022年检验检测机构“双随机、一公开”监督抽查", "2022-05-10"),
             (2023, "2023年检验检测机构“双随机、一公开”监督抽查", "2023-06-05"),
             (2024, "2024年检验检测机构“双随机、一公开”监督抽查", "2024-04-08"),
             (2025, "2025年检验检测机构“双随机、一公开”监督抽查", "2025-03-03")]
    n = 0
    for t, (year, task_name, start) in enumerate(tasks):
        for k in range(12):
            n += 1
            lab = labs[(t * 7 + k * 3) % len(labs)]
            inspected = day(start) + dt.timedelta(days=k * 5)
            result = RESULTS[(n * 3) % len(RESULTS)] if k % 3 else "未发现问题"
            rec = {
                "id": f"insp-{year}-{k + 1:02d}",
                "published": working_days_after(inspected, 5 + k % 10),
                "task_number": f"SXSJ-{year}-JC{t + 1:02d}",
                "task_name": task_name,
                "subject_lab": lab["id"],
                "subject_name": lab["name"],
                "subject_credit_code": lab["credit_code"],
                "city": lab["city"],
                "inspection_date": inspected,
                "authority": "陕西省市场监督管理局" if k % 2 == 0 else f"{lab['city']}市场监督管理局",
                "items": rng.sample(LAB_CHECK_ITEMS, 3),
                "result": result,
            }
            if result != "未发现问题":
                rec["findings"] = (f"检查发现该机构{rng.choice(LAB_CHECK_ITEMS)}存在问题："
                                   f"部分原始记录信息不完整，**{rng.randrange(2, 9)}份**报告未按规定签发。")
                rec["rectification"] = "已责令限期整改，整改情况将另行复查。"
            records.append(rec)
    # Late publication (warning only): published 35 working days after the inspection.
    late = records[-2]
    late["published"] = working_days_after(late["inspection_date"], 35)
    return records


def penalty(num, year, city_index, published, decision, **fields):
    city, division, short, _ = CITIES[city_index]
    rec = {
        "id": f"pen-{year}-{num:03d}",
        "published": day(published),
        "decision_number": f"{short}市监罚〔{year}〕{num}号" if city_index else f"陕市监罚〔{year}〕{num}号",
        "party_type": "法人",
        "sanctions": ["罚款"],
        "authority": "陕西省市场监督管理局" if city_index == 0 else f"{city}市场监督管理局",
        "decision_date": day(decision),
        "city": city,
    }
    rec.update(fields)
    if "party_name" not in rec:
        rec["party_name"] = f"{city[:2]}{rng.choice(COMPANY_ROOTS)}{rng.choice(COMPANY_KINDS)}"
    if rec["party_type"] in ("法人", "非法人组织") and "party_credit_code" not in rec:
        rec["party_credit_code"] = credit_code(division)
    violation, basis = fields.get("_violation") or rng.choice(VIOLATIONS[3:])
    rec.pop("_violation", None)
    rec.setdefault("violation_type", violation)
    rec.setdefault("legal_basis", basis)
    month = rng.randrange(1, rec["decision_date"].month + 1)
    rec.setdefault("facts", f"经查，当事人于{year}年{month}月期间存在{violation.removesuffix('行为')}行为，"
                            f"违法所得{rng.randrange(1, 90) * 100}元。上述事实有现场检查笔录、询问笔录等证据证明。")
    # Keys in a stable, readable order.
    order = ["id", "published", "decision_number", "party_name", "party_type", "party_credit_code",
             "party_id_number", "operator_phone", "legal_representative", "violation_type", "facts",
             "legal_basis", "sanctions", "fine", "confiscation", "restriction_until", "authority",
             "decision_date", "related_lab", "city", "withdrawn", "history", "notice_until"]
    return {k: rec[k] for k in order if k in rec}


def make_penalties(labs):
    fake_report = VIOLATIONS[0]
    p = [
        # Labs penalised for false reports: linked to the lab record.
        penalty(15, 2024, 0, "2024-09-18", "2024-09-02", party_name=labs[4]["name"],
                party_credit_code=labs[4]["credit_code"], related_lab=labs[4]["id"],
                _violation=fake_report, sanctions=["罚款", "没收违法所得"], fine=100000,
                confiscation=12800),
        penalty(16, 2024, 0, "2024-11-05", "2024-10-21", party_name=labs[8]["name"],
                party_credit_code=labs[8]["credit_code"], related_lab=labs[8]["id"],
                _violation=VIOLATIONS[2], fine=30000),
        # A 3-year notice that has ended (published 2022-03-01: shown through 2025-02-28).
        penalty(8, 2022, 2, "2022-03-01", "2022-02-14", fine=50000),
        # A 3-month notice (fine below 10,000 yuan) that has ended: 2025-01-10 .. 2025-04-09.
        penalty(3, 2025, 3, "2025-01-10", "2024-12-26", fine=5000),
        # A 3-month notice still running at 2025-06-30: 2025-05-20 .. 2025-08-19.
        penalty(21, 2025, 4, "2025-05-20", "2025-05-06", fine=3000),
        # 通报批评 only: 3 months.
        penalty(22, 2025, 5, "2025-06-03", "2025-05-22", sanctions=["通报批评"]),
        # Withdrawn on 2025-03-10 after administrative review.
        penalty(9, 2024, 0, "2024-12-02", "2024-11-18", fine=200000,
                withdrawn={"date": day("2025-03-10"), "reason": "经行政复议，原处罚决定被撤销。"}),
        # 信用修复: early removal by notice_until.
        penalty(11, 2024, 6, "2024-08-12", "2024-07-29", fine=20000, notice_until=day("2025-02-12"),
                history=[{"date": day("2025-02-12"), "summary": "当事人完成信用修复，提前停止公示。"}]),
        # Embargoed: merged ahead of its release day.
        penalty(40, 2025, 0, "2025-07-15", "2025-07-01", party_name="陕西预发布示例商贸有限公司", fine=80000),
        # Corrected twice.
        penalty(18, 2024, 7, "2024-10-09", "2024-09-24", fine=45000,
                history=[{"date": day("2024-10-15"), "summary": "更正罚款金额（原误录为 54000 元）。"},
                         {"date": day("2024-11-02"), "summary": "补充处罚依据条款。"}]),
        # Natural persons and an individual business: names masked, ID numbers and phones omitted.
        penalty(25, 2025, 0, "2025-04-14", "2025-03-31", party_name="欧阳振华", party_type="自然人",
                party_id_number=resident_id("610113", dt.date(1979, 4, 18)),
                operator_phone="13891234567", fine=15000, _violation=VIOLATIONS[6]),
        penalty(26, 2025, 8, "2025-05-12", "2025-04-28", party_name="司马秀兰", party_type="个体工商户",
                legal_representative="司马秀兰", party_credit_code=credit_code("610902", "92"),
                operator_phone="15929876543", fine=12000, _violation=VIOLATIONS[3]),
        penalty(27, 2025, 9, "2025-06-09", "2025-05-26", party_name="诸葛明远", party_type="自然人",
                party_id_number=resident_id("611002", dt.date(1988, 11, 2)), fine=2000,
                _violation=VIOLATIONS[7]),
        # Warning only: not published (Order No. 45).
        penalty(30, 2025, 1, "2025-04-01", "2025-03-20", sanctions=["警告"]),
        # A restriction until 2029-12-31 keeps a 2022 notice beyond its 3 years.
        penalty(6, 2022, 0, "2022-04-11", "2022-03-28", party_name=labs[10]["name"],
                party_credit_code=labs[10]["credit_code"], related_lab=labs[10]["id"],
                _violation=fake_report, sanctions=["罚款", "限制开展生产经营活动"], fine=150000,
                restriction_until=day("2029-12-31")),
        # Published late: 2 months after the decision (a warning in `gongshi check`).
        penalty(12, 2024, 10, "2024-09-02", "2024-06-25", fine=60000),
    ]
    years = [2023, 2024, 2025]
    for n in range(28):
        year = years[n % 3]
        decision = dt.date(year, 1 + (n * 5) % 6 if year == 2025 else 1 + (n * 5) % 12, 3 + n % 24)
        published = working_days_after(decision, 8 + n % 10)
        sanctions = ["罚款"] if n % 4 else ["罚款", "没收违法所得"]
        fields = {"fine": 10000 + rng.randrange(0, 50) * 5000, "sanctions": sanctions}
        if "没收违法所得" in sanctions:
            fields["confiscation"] = rng.randrange(10, 500) * 100
        p.append(penalty(100 + n, year, n % len(CITIES), published.isoformat(), decision.isoformat(),
                         **fields))
    return p


def make_parks():
    parks = []
    places = [(6, "洛川县", "苹果"), (6, "宝塔区", "小米"), (7, "西乡县", "茶叶"), (8, "平利县", "茶叶"),
              (9, "柞水县", "木耳"), (2, "岐山县", "花椒"), (0, "长安区", "猕猴桃"), (11, "杨陵区", "猕猴桃")]
    statuses = ["有效"] * 6 + ["暂停", "撤销"]
    for i, (ci, county, product) in enumerate(places):
        city = CITIES[ci][0]
        first = dt.date(2019 + i % 5, 3 + i, 10)
        certs = []
        for c in range(1 + i % 3):
            valid_from = dt.date(2024 - c, 3 + i, 1)
            certs.append({
                "number": f"{127 + c}OP{valid_from.year % 100:02d}{6100 + i * 10 + c:05d}",
                "product": product if c == 0 else rng.choice(PRODUCTS),
                "valid_from": valid_from,
                "valid_until": dt.date(valid_from.year + 1, valid_from.month, 1) - dt.timedelta(days=1),
            })
        parks.append({
            "id": f"park-{i + 1:02d}",
            "published": first,
            "name": f"{city[:2]}{county}{product}有机产业示范园区",
            "city": city,
            "county": county,
            "area_mu": 3000 + i * 1250,
            "main_products": sorted({product, certs[-1]["product"]}, key=PRODUCTS.index),
            "certifier": CERTIFIERS[i % len(CERTIFIERS)],
            "certificates": certs,
            "status": statuses[i],
            "location": {"lat": round(32.7 + i * 0.41, 4), "lon": round(107.1 + i * 0.23, 4)},
            "description": f"园区以{product}为主导产业，实行统一投入品管理与全程追溯。",
        })
    # Operators after every other value, so adding them left the parks' earlier values as
    # they were. The two kiwi parks share one operator, whose page then lists both.
    operators = {}
    for park, (ci, county, product) in zip(parks, places):
        key = product if product == "猕猴桃" else park["id"]
        if key not in operators:
            division = CITIES[ci][1]
            if product == "猕猴桃":
                operators[key] = ("陕西秦岭猕猴桃产业发展有限公司", credit_code(division))
            else:
                operators[key] = (f"{county}{product}专业合作社联合社", credit_code(division, "93"))
        park["operator"], park["operator_credit_code"] = operators[key]
    order = ["id", "published", "name", "city", "county", "area_mu", "main_products", "certifier",
             "operator", "operator_credit_code"]
    return [{k: p[k] for k in order} | {k: v for k, v in p.items() if k not in order} for p in parks]


def main():
    labs = make_labs()
    write("labs", "labs.yaml", labs, "检验检测机构（虚构示例数据，由 scripts/sample-data.py 生成）")
    inspections = make_inspections(labs)
    for year in sorted({r["inspection_date"].year for r in inspections}):
        write("inspections", f"{year}.yaml", [r for r in inspections if r["inspection_date"].year == year],
              f"{year} 年双随机抽查结果（虚构示例数据，由 scripts/sample-data.py 生成）")
    penalties = make_penalties(labs)
    for year in sorted({r["decision_date"].year for r in penalties}):
        write("penalties", f"{year}.yaml", [r for r in penalties if r["decision_date"].year == year],
              f"{year} 年行政处罚决定（虚构示例数据，由 scripts/sample-data.py 生成）")
    write("organic-parks", "parks.yaml", make_parks(), "有机产业示范园区（虚构示例数据，由 scripts/sample-data.py 生成）")


if __name__ == "__main__":
    main()
