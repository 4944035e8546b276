//! Penalty decisions: a party, a violation, its legal basis and a fine, with decision numbers
//! unique per authority and year.

use super::codes;
use super::names;
use super::places::CITIES;
use super::records::{date, Generator, Meta, Notice};
use super::text::{self, VIOLATIONS};
use super::yaml_out::RecordWriter;
use chrono::{Datelike, Months};

impl Generator {
    fn decision_number(&mut self, prefix: &str, year: i32) -> String {
        let serial = self
            .decision_serials
            .entry((prefix.to_string(), year))
            .or_insert(0);
        // Numbers skip a little, as cases closed by other sections take their own numbers.
        *serial += 1 + (self.rng.below(4) == 0) as u32;
        format!("{prefix}〔{year}〕{serial}号")
    }

    pub fn penalty(&mut self, index: usize, out: &mut String) {
        let id = format!("pen-{:07}", index + 1);
        let on_lab = !self.labs.is_empty() && self.rng.chance(25);
        let violation = if on_lab {
            self.rng.below(3) as usize
        } else {
            3 + self.rng.below(VIOLATIONS.len() as u64 - 3) as usize
        };
        let party = self.party(on_lab);
        let decided = self.day_between(date(2020, 12, 1), date(2025, 11, 30));
        let published = self.published_after(decided);
        let (authority, prefix) = self.authority(party.city);
        let number = self.decision_number(&prefix, decided.year());
        let sanctions = self.sanctions(decided);
        let (violation_type, _, basis, _) = VIOLATIONS[violation];
        let facts = text::facts(&mut self.rng, violation, decided);

        let mut w = RecordWriter::new(out);
        w.text("id", &id);
        w.date("published", published);
        w.text("decision_number", &number);
        w.text("party_name", &party.name);
        w.text("party_type", party.kind);
        w.opt_text("party_credit_code", party.code.as_deref());
        w.opt_text("party_id_number", party.id_number.as_deref());
        w.opt_text("operator_phone", party.phone.as_deref());
        w.opt_text("legal_representative", party.rep.as_deref());
        w.text("violation_type", violation_type);
        w.block("facts", &facts);
        w.text("legal_basis", basis);
        w.list("sanctions", sanctions.kinds);
        if let Some(f) = sanctions.fine {
            w.raw("fine", f);
        }
        if let Some(c) = sanctions.confiscation {
            w.raw("confiscation", c);
        }
        if let Some(r) = sanctions.restriction {
            w.date("restriction_until", r);
        }
        w.text("authority", &authority);
        w.date("decision_date", decided);
        w.opt_text("related_lab", party.related_lab.as_deref());
        w.text("city", CITIES[party.city].name);
        let withdrawn = self.notice_extras(&mut w, published);

        let notice = sanctions.notice();
        self.meta.push(Meta {
            org: party.code.is_some() && (on_lab || party.kind != "个体工商户"),
            credit_code: party.code,
            decision_number: Some(number),
            // A window of the facts is enough for phrase queries and keeps the query set's
            // memory small at a million records.
            facts: Some(facts.chars().skip(8).take(60).collect()),
            ..Meta::new("penalties", &id, &party.name, published, withdrawn, notice)
        });
    }

    /// The penalised party: a lab (`on_lab`), else a company, organisation, individual
    /// business or person, with the personal details the last two carry.
    fn party(&mut self, on_lab: bool) -> Party {
        let kind = if on_lab {
            "法人"
        } else {
            self.rng.weighted(&[
                ("法人", 72),
                ("非法人组织", 3),
                ("个体工商户", 15),
                ("自然人", 10),
            ])
        };
        let mut party = Party {
            kind,
            city: self.city(),
            name: String::new(),
            code: None,
            rep: None,
            id_number: None,
            phone: None,
            related_lab: None,
        };
        match kind {
            _ if on_lab => {
                let l = self.rng.below(self.labs.len() as u64) as usize;
                let lab = &self.labs[l];
                party.city = lab.city;
                party.related_lab = Some(lab.id.clone());
                party.name = lab.name.clone();
                party.code = Some(lab.credit_code.clone());
            }
            "自然人" => {
                let (_, division) = self.county(party.city);
                party.id_number = Some(codes::resident_id(&mut self.rng, division));
                party.phone = Some(codes::mobile(&mut self.rng));
                party.name = names::person(&mut self.rng);
            }
            "个体工商户" => {
                let (county, division) = self.county(party.city);
                let owner = names::person(&mut self.rng);
                party.id_number = Some(codes::resident_id(&mut self.rng, division));
                party.phone = Some(codes::mobile(&mut self.rng));
                party.code = Some(self.unique_credit_code('2', division));
                party.name = names::shop(&mut self.rng, county, &owner);
                party.rep = Some(owner);
            }
            _ => {
                let (name, code) = self.business(party.city);
                party.rep = Some(names::person(&mut self.rng));
                party.name = name;
                party.code = Some(code);
            }
        }
        party
    }

    /// What the decision imposes, with the amounts and the end of a restriction.
    fn sanctions(&mut self, decided: chrono::NaiveDate) -> Sanctions {
        let kinds: &[&str] = self.rng.weighted::<&[&str]>(&[
            (&["罚款"][..], 50),
            (&["警告", "罚款"][..], 15),
            (&["罚款", "没收违法所得"][..], 18),
            (&["警告"][..], 2),
            (&["通报批评"][..], 3),
            (&["罚款", "吊销许可证件"][..], 3),
            (&["罚款", "限制从业"][..], 3),
            (&["罚款", "没收违法所得", "责令停产停业"][..], 3),
            (&["没收违法所得", "没收非法财物"][..], 3),
        ]);
        let fined = kinds.contains(&"罚款");
        let fine = fined.then(|| {
            let scale = [1_000, 10_000, 100_000][self.rng.below(3) as usize];
            self.rng.range(1, 50) * scale / 10 * if self.rng.chance(50) { 10 } else { 1 }
        });
        let confiscation = kinds
            .contains(&"没收违法所得")
            .then(|| self.rng.range(200, 80_000));
        let restriction = kinds.contains(&"限制从业").then(|| {
            decided
                .checked_add_months(Months::new(12 * self.rng.range(3, 10) as u32))
                .unwrap_or(decided)
        });
        Sanctions {
            kinds,
            fine,
            confiscation,
            restriction,
        }
    }
}

/// A penalised party as its decision names it.
struct Party {
    /// 法人, 非法人组织, 个体工商户 or 自然人.
    kind: &'static str,
    city: usize,
    name: String,
    code: Option<String>,
    rep: Option<String>,
    id_number: Option<String>,
    phone: Option<String>,
    related_lab: Option<String>,
}

struct Sanctions {
    kinds: &'static [&'static str],
    fine: Option<u64>,
    confiscation: Option<u64>,
    restriction: Option<chrono::NaiveDate>,
}

impl Sanctions {
    /// The site's notice rules for penalties: a warning alone is never published, small
    /// penalties for three months, the rest for three years.
    fn notice(&self) -> Notice {
        let small = self
            .kinds
            .iter()
            .all(|s| ["警告", "通报批评", "罚款"].contains(s))
            && self.fine.unwrap_or(0) < 10_000;
        if self.kinds == ["警告"] {
            Notice::Never
        } else if small && self.restriction.is_none() {
            Notice::ThreeMonths
        } else {
            Notice::ThreeYears
        }
    }
}
