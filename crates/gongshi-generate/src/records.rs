//! The records of the four collections, written as YAML text, with the facts about each that
//! the query set needs ([`Meta`]).

use super::codes;
use super::names::{
    self, BUSINESS_INDUSTRIES, CERTIFIERS, LAB_INDUSTRIES, LAB_SCOPES, PARK_PRODUCTS,
};
use super::places::{city_weight, county_stem, City, CITIES, PROVINCE_AUTHORITY, PROVINCE_PREFIX};
use super::rng::Rng;
use super::text;
use super::yaml_out::{d, q, RecordWriter};
use chrono::{Datelike, Days, Months, NaiveDate};
use gongshi::calendar::HolidayCalendar;
use std::collections::{HashMap, HashSet};

/// How long a record stays on notice under site.yaml's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Forever,
    ThreeYears,
    /// Small fines (below 10,000 yuan, only 警告/通报批评/罚款).
    ThreeMonths,
    /// Warning-only penalties are never published.
    Never,
}

/// What the query set needs to know about one generated record.
#[derive(Debug, Clone)]
pub struct Meta {
    pub collection: &'static str,
    pub id: String,
    /// The name a person would search for (lab, subject, party or park name).
    pub name: String,
    pub credit_code: Option<String>,
    /// Whether the credit code's organisation has a page (a natural person or an individual
    /// business, whose name is masked, has none).
    pub org: bool,
    pub cma_number: Option<String>,
    pub decision_number: Option<String>,
    pub published: NaiveDate,
    pub withdrawn: bool,
    pub notice: Notice,
    /// Part of a penalty's statement of facts, for phrase queries.
    pub facts: Option<String>,
    /// A park's county and main product, for place + product queries.
    pub place_product: Option<(String, String)>,
}

impl Meta {
    /// A record's facts for the query set, with no identifiers besides its id.
    pub(crate) fn new(
        collection: &'static str,
        id: &str,
        name: &str,
        published: NaiveDate,
        withdrawn: bool,
        notice: Notice,
    ) -> Self {
        Meta {
            collection,
            id: id.to_string(),
            name: name.to_string(),
            credit_code: None,
            org: false,
            cma_number: None,
            decision_number: None,
            published,
            withdrawn,
            notice,
            facts: None,
            place_product: None,
        }
    }
}

pub(crate) struct Lab {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) credit_code: String,
    pub(crate) city: usize,
}

pub struct Generator {
    pub(crate) rng: Rng,
    pub(crate) calendar: HolidayCalendar,
    pub(crate) labs: Vec<Lab>,
    pub(crate) lab_names: HashSet<String>,
    pub(crate) credit_codes: HashSet<String>,
    pub(crate) cma_numbers: HashSet<String>,
    /// Next serial per decision-number prefix and year.
    pub(crate) decision_serials: HashMap<(String, i32), u32>,
    pub meta: Vec<Meta>,
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl Generator {
    pub fn new(seed: u64, calendar: HolidayCalendar) -> Self {
        Generator {
            rng: Rng::new(seed),
            calendar,
            labs: Vec::new(),
            lab_names: HashSet::new(),
            credit_codes: HashSet::new(),
            cma_numbers: HashSet::new(),
            decision_serials: HashMap::new(),
            meta: Vec::new(),
        }
    }

    pub(crate) fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + Days::new(self.rng.range(0, span))
    }

    /// Published 2021-01..2025-12, so at an as-of of 2025-06-30 about a tenth are embargoed.
    pub(crate) fn publication_day(&mut self) -> NaiveDate {
        self.day_between(date(2021, 1, 1), date(2025, 12, 31))
    }

    /// Mostly within the 20-working-day limit; one in twenty late (a warning, not an error).
    pub(crate) fn published_after(&mut self, decided: NaiveDate) -> NaiveDate {
        let days = if self.rng.chance(5) {
            self.rng.range(21, 40)
        } else {
            self.rng.range(1, 20)
        } as u32;
        self.calendar
            .add_working_days(decided, days)
            .unwrap_or(decided + Days::new(u64::from(days) * 7 / 5))
    }

    pub(crate) fn city(&mut self) -> usize {
        let weights: Vec<(usize, u64)> = (0..CITIES.len()).map(|i| (i, city_weight(i))).collect();
        self.rng.weighted(&weights)
    }

    pub(crate) fn county(&mut self, city: usize) -> (&'static str, &'static str) {
        self.rng.pick(CITIES[city].counties)
    }

    pub(crate) fn unique_credit_code(&mut self, kind: char, division: &str) -> String {
        loop {
            let code = codes::credit_code(&mut self.rng, kind, division);
            if self.credit_codes.insert(code.clone()) {
                return code;
            }
        }
    }

    /// Withdrawal (rare) and correction history, shared by every collection.
    pub(crate) fn notice_extras(&mut self, w: &mut RecordWriter, published: NaiveDate) -> bool {
        let withdrawn = self.rng.chance(1);
        if withdrawn {
            let on = published + Days::new(self.rng.range(5, 300));
            let reason = if self.rng.chance(50) {
                "行政复议决定撤销原行政行为"
            } else {
                "发现原公示信息有误，依法撤下"
            };
            w.flow("withdrawn", &[("date", d(on)), ("reason", q(reason))]);
        } else if self.rng.chance(2) {
            let on = published + Days::new(self.rng.range(3, 60));
            w.flow_list(
                "history",
                &[vec![("date", d(on)), ("summary", q("更正笔误"))]],
            );
        }
        withdrawn
    }

    pub fn lab(&mut self, index: usize, out: &mut String) {
        let id = format!("lab-{:07}", index + 1);
        let city = self.city();
        let (county, division) = self.county(city);
        let place = match self.rng.below(3) {
            0 => "陕西",
            1 => CITIES[city].short,
            _ => county,
        };
        let name = self.unique_lab_name(place, county);
        let credit_code = self.unique_credit_code('1', division);
        let published = self.publication_day();
        // Years of issue stop at 2024 so any 2025 build date accepts every CMA number.
        let last_issue = published.min(date(2024, 12, 31));
        let cert_issued = self.day_between(date(2015, 1, 1), last_issue);
        let cma = self.unique_cma_number(cert_issued.year());
        let cert_expires = cert_issued
            .checked_add_months(Months::new(72))
            .unwrap_or(cert_issued);
        let n_scopes = self.rng.range(1, 4) as usize;
        let scopes = self.rng.distinct(&LAB_SCOPES, n_scopes);
        let status = self
            .rng
            .weighted(&[("有效", 85), ("暂停", 5), ("撤销", 5), ("注销", 5)]);
        let credit_class = self
            .rng
            .weighted(&[("A", 40), ("B", 40), ("C", 15), ("D", 5)]);

        let mut w = RecordWriter::new(out);
        w.text("id", &id);
        w.date("published", published);
        w.text("name", &name);
        w.text("credit_code", &credit_code);
        w.text("cma_number", &cma);
        w.text("city", CITIES[city].name);
        w.text("county", county);
        let address = format!(
            "{}{county}{}路{}号",
            CITIES[city].name,
            names::root(&mut self.rng),
            self.rng.range(1, 999)
        );
        w.text("address", &address);
        w.list("scope", &scopes);
        let route = if self.rng.chance(30) {
            "告知承诺"
        } else {
            "一般程序"
        };
        w.text("approval_route", route);
        w.date("cert_issued", cert_issued);
        w.date("cert_expires", cert_expires);
        w.text("status", status);
        w.text("credit_class", credit_class);
        let rep = names::person(&mut self.rng);
        w.text("legal_representative", &rep);
        let phone = codes::landline(&mut self.rng);
        w.text("contact_phone", &phone);
        w.text("website", &format!("https://lab{}.example.cn/", index + 1));
        let place_text = format!("{}{county}", CITIES[city].name);
        let description = text::lab_description(&mut self.rng, &name, &place_text, &scopes);
        w.block("description", &description);
        let withdrawn = self.notice_extras(&mut w, published);

        self.meta.push(Meta {
            credit_code: Some(credit_code.clone()),
            org: true,
            cma_number: Some(cma),
            ..Meta::new("labs", &id, &name, published, withdrawn, Notice::Forever)
        });
        self.labs.push(Lab {
            id,
            name,
            credit_code,
            city,
        });
    }

    /// A lab name no other lab has, from `place` (or, as combinations thin out, `county`).
    fn unique_lab_name(&mut self, place: &str, county: &str) -> String {
        loop {
            let n = names::company(&mut self.rng, place, &LAB_INDUSTRIES);
            if self.lab_names.insert(n.clone()) {
                return n;
            }
            // Retry with a different place once the city's combinations thin out.
            if self.rng.chance(20) {
                let n = names::company(&mut self.rng, county, &LAB_INDUSTRIES);
                if self.lab_names.insert(n.clone()) {
                    return n;
                }
            }
        }
    }

    /// A CMA number issued in `year` that no other lab has.
    fn unique_cma_number(&mut self, year: i32) -> String {
        loop {
            let c = codes::cma_number(&mut self.rng, year);
            if self.cma_numbers.insert(c.clone()) {
                return c;
            }
        }
    }

    pub fn park(&mut self, index: usize, out: &mut String) {
        let id = format!("park-{:07}", index + 1);
        let city = self.city();
        let (county, _) = self.county(city);
        let n_products = self.rng.range(1, 3) as usize;
        let products = self.rng.distinct(&PARK_PRODUCTS, n_products);
        let name = if self.rng.chance(50) {
            format!("{county}{}有机产业示范园", products[0])
        } else {
            format!("{}{county}有机{}示范园区", CITIES[city].short, products[0])
        };
        let published = self.publication_day();
        let certifier = self.rng.pick(&CERTIFIERS);
        let status = self.rng.weighted(&[("有效", 90), ("暂停", 5), ("撤销", 5)]);

        let mut w = RecordWriter::new(out);
        w.text("id", &id);
        w.date("published", published);
        w.text("name", &name);
        w.text("city", CITIES[city].name);
        w.text("county", county);
        w.raw("area_mu", self.rng.range(300, 20000));
        w.list("main_products", &products);
        w.text("certifier", certifier);
        if self.rng.chance(60) {
            let (operator, code) = self.business(city);
            w.text("operator", &operator);
            w.text("operator_credit_code", &code);
        }
        let mut certificates = Vec::new();
        for (i, p) in products.iter().enumerate() {
            let from = self.day_between(date(2020, 1, 1), published);
            let until = from.checked_add_months(Months::new(12)).unwrap_or(from);
            let number = format!("{}OP{}{:07}{}", 100 + i, from.year() % 100, index + 1, i);
            certificates.push(vec![
                ("number", q(&number)),
                ("product", q(p)),
                ("valid_from", d(from)),
                ("valid_until", d(until)),
            ]);
        }
        w.flow_list("certificates", &certificates);
        let lat = 32.0 + self.rng.below(70_000) as f64 / 10_000.0;
        let lon = 106.0 + self.rng.below(50_000) as f64 / 10_000.0;
        w.flow(
            "location",
            &[("lat", format!("{lat:.4}")), ("lon", format!("{lon:.4}"))],
        );
        w.text("status", status);
        let description = text::park_description(&mut self.rng, &name, &products);
        w.block("description", &description);
        let withdrawn = self.notice_extras(&mut w, published);

        self.meta.push(Meta {
            place_product: Some((county.to_string(), products[0].to_string())),
            ..Meta::new(
                "organic-parks",
                &id,
                &name,
                published,
                withdrawn,
                Notice::Forever,
            )
        });
    }

    /// A business that is not a lab: name, credit code, city.
    pub(crate) fn business(&mut self, city: usize) -> (String, String) {
        let (county, division) = self.county(city);
        let place = if self.rng.chance(50) {
            CITIES[city].short
        } else {
            county
        };
        let name = names::company(&mut self.rng, place, &BUSINESS_INDUSTRIES);
        let code = self.unique_credit_code('1', division);
        (name, code)
    }

    /// A bureau: province (rare), city or county; returns (authority name, number prefix).
    pub(crate) fn authority(&mut self, city: usize) -> (String, String) {
        let c: &City = &CITIES[city];
        match self.rng.below(10) {
            0 => (PROVINCE_AUTHORITY.to_string(), PROVINCE_PREFIX.to_string()),
            1..=4 => (
                format!("{}市场监督管理局", c.name),
                c.penalty_prefix.to_string(),
            ),
            _ => {
                let (county, _) = self.county(city);
                (
                    format!("{}{county}市场监督管理局", c.name),
                    format!("{}市监罚", county_stem(county)),
                )
            }
        }
    }

    pub fn inspection(&mut self, index: usize, out: &mut String) {
        let id = format!("insp-{:07}", index + 1);
        let on_lab = !self.labs.is_empty() && self.rng.chance(30);
        let (city, lab, name, code) = self.inspected(on_lab);
        let inspected = self.day_between(date(2020, 12, 1), date(2025, 11, 30));
        let published = self.published_after(inspected);
        let (authority, _) = self.authority(city);
        let seq = self.rng.range(1, 12);
        let task_number = format!(
            "SSJ-{}-{}-{seq:03}",
            CITIES[city].counties[0].1,
            inspected.year()
        );
        const THEMES: [&str; 4] = ["检验检测机构", "食品经营企业", "产品质量", "企业信息公示"];
        let theme = if on_lab {
            THEMES[0]
        } else {
            THEMES[1 + (seq as usize) % 3]
        };
        let task_name = format!(
            "{}年{}{theme}双随机抽查（第{seq}批）",
            inspected.year(),
            CITIES[city].name
        );
        let result = self.rng.weighted(&INSPECTION_RESULTS);
        let items: &[&str] = if on_lab {
            &[
                "检验检测机构资质认定条件符合性",
                "检验检测报告真实性",
                "检验检测原始记录",
            ]
        } else {
            &[
                "营业执照信息公示情况",
                "年度报告公示信息",
                "经营场所与登记住所一致性",
            ]
        };
        let n_items = self.rng.range(1, items.len() as u64) as usize;

        let mut w = RecordWriter::new(out);
        w.text("id", &id);
        w.date("published", published);
        w.text("task_number", &task_number);
        w.text("task_name", &task_name);
        w.opt_text("subject_lab", lab.as_deref());
        w.text("subject_name", &name);
        w.opt_text("subject_credit_code", code.as_deref());
        w.text("city", CITIES[city].name);
        w.date("inspection_date", inspected);
        w.text("authority", &authority);
        w.list("items", &items[..n_items]);
        w.text("result", result);
        if result != "未发现问题" && result != "未发现开展本次抽查涉及的经营活动"
        {
            let findings = text::findings(&mut self.rng);
            w.block("findings", &findings);
            let rect = text::rectification(&mut self.rng, inspected);
            w.text("rectification", &rect);
        }
        let withdrawn = self.notice_extras(&mut w, published);

        self.meta.push(Meta {
            org: code.is_some(),
            credit_code: code,
            ..Meta::new(
                "inspections",
                &id,
                &name,
                published,
                withdrawn,
                Notice::ThreeYears,
            )
        });
    }

    /// The inspected party: a lab (`on_lab`) or a business, as (city, lab id, name, credit
    /// code); a business's code is sometimes unknown.
    fn inspected(&mut self, on_lab: bool) -> (usize, Option<String>, String, Option<String>) {
        if on_lab {
            let l = self.rng.below(self.labs.len() as u64) as usize;
            let lab = &self.labs[l];
            return (
                lab.city,
                Some(lab.id.clone()),
                lab.name.clone(),
                Some(lab.credit_code.clone()),
            );
        }
        let city = self.city();
        let (name, code) = self.business(city);
        let code = if self.rng.chance(90) {
            Some(code)
        } else {
            None
        };
        (city, None, name, code)
    }
}

/// Spot-check results and how often each occurs.
const INSPECTION_RESULTS: [(&str, u64); 8] = [
    ("未发现问题", 60),
    ("未按规定公示应当公示的信息", 6),
    ("公示信息隐瞒真实情况、弄虚作假", 2),
    ("通过登记的住所（经营场所）无法联系", 6),
    ("发现问题已责令改正", 16),
    ("发现问题待后续处理", 5),
    ("不配合检查，情节严重", 1),
    ("未发现开展本次抽查涉及的经营活动", 4),
];
