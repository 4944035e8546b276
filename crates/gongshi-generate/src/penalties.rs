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
        let party_type = if on_lab {
            "法人"
        } else {
            self.rng.weighted(&[
                ("法人", 72),
                ("非法人组织", 3),
                ("个体工商户", 15),
                ("自然人", 10),
            ])
        };
        let mut city = self.city();
        let mut related_lab = None;
        let mut rep = None;
        let mut id_number = None;
        let mut phone = None;
        let (party_name, party_code) = match party_type {
            _ if on_lab => {
                let l = self.rng.below(self.labs.len() as u64) as usize;
                let lab = &self.labs[l];
                city = lab.city;
                related_lab = Some(lab.id.clone());
                (lab.name.clone(), Some(lab.credit_code.clone()))
            }
            "自然人" => {
                let (_, division) = self.county(city);
                id_number = Some(codes::resident_id(&mut self.rng, division));
                phone = Some(codes::mobile(&mut self.rng));
                (names::person(&mut self.rng), None)
            }
            "个体工商户" => {
                let (county, division) = self.county(city);
                let owner = names::person(&mut self.rng);
                id_number = Some(codes::resident_id(&mut self.rng, division));
                phone = Some(codes::mobile(&mut self.rng));
                let code = self.unique_credit_code('2', division);
                let name = names::shop(&mut self.rng, county, &owner);
                rep = Some(owner);
                (name, Some(code))
            }
            _ => {
                let (name, code) = self.business(city);
                rep = Some(names::person(&mut self.rng));
                (name, Some(code))
            }
        };
        let decided = self.day_between(date(2020, 12, 1), date(2025, 11, 30));
        let published = self.published_after(decided);
        let (authority, prefix) = self.authority(city);
        let number = self.decision_number(&prefix, decided.year());
        let sanctions: &[&str] = self.rng.weighted::<&[&str]>(&[
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
        let fined = sanctions.contains(&"罚款");
        let fine = fined.then(|| {
            let scale = [1_000, 10_000, 100_000][self.rng.below(3) as usize];
            self.rng.range(1, 50) * scale / 10 * if self.rng.chance(50) { 10 } else { 1 }
        });
        let confiscation = sanctions
            .contains(&"没收违法所得")
            .then(|| self.rng.range(200, 80_000));
        let restriction = sanctions.contains(&"限制从业").then(|| {
            decided
                .checked_add_months(Months::new(12 * self.rng.range(3, 10) as u32))
                .unwrap_or(decided)
        });
        let (violation_type, _, basis, _) = VIOLATIONS[violation];
        let facts = text::facts(&mut self.rng, violation, decided);

        let mut w = RecordWriter::new(out);
        w.text("id", &id);
        w.date("published", published);
        w.text("decision_number", &number);
        w.text("party_name", &party_name);
        w.text("party_type", party_type);
        w.opt_text("party_credit_code", party_code.as_deref());
        w.opt_text("party_id_number", id_number.as_deref());
        w.opt_text("operator_phone", phone.as_deref());
        w.opt_text("legal_representative", rep.as_deref());
        w.text("violation_type", violation_type);
        w.block("facts", &facts);
        w.text("legal_basis", basis);
        w.list("sanctions", sanctions);
        if let Some(f) = fine {
            w.raw("fine", f);
        }
        if let Some(c) = confiscation {
            w.raw("confiscation", c);
        }
        if let Some(r) = restriction {
            w.date("restriction_until", r);
        }
        w.text("authority", &authority);
        w.date("decision_date", decided);
        w.opt_text("related_lab", related_lab.as_deref());
        w.text("city", CITIES[city].name);
        let withdrawn = self.notice_extras(&mut w, published);

        let small = sanctions
            .iter()
            .all(|s| ["警告", "通报批评", "罚款"].contains(s))
            && fine.unwrap_or(0) < 10_000;
        let notice = if sanctions == ["警告"] {
            Notice::Never
        } else if small && restriction.is_none() {
            Notice::ThreeMonths
        } else {
            Notice::ThreeYears
        };
        self.meta.push(Meta {
            collection: "penalties",
            id,
            name: party_name,
            org: party_code.is_some() && (on_lab || party_type != "个体工商户"),
            credit_code: party_code,
            cma_number: None,
            decision_number: Some(number),
            published,
            withdrawn,
            notice,
            // A window of the facts is enough for phrase queries and keeps the query set's
            // memory small at a million records.
            facts: Some(facts.chars().skip(8).take(60).collect()),
            place_product: None,
        });
    }
}
