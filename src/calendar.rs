//! The official holiday calendar (statutory holidays and make-up working weekends, 调休) and
//! working-day arithmetic. The calendar ships inside the binary (holiday-cn data, MIT, see
//! `calendar/LICENSE`); a site may add or replace years with JSON files in its own calendar folder.
//! A date in a year the calendar does not cover is reported, never guessed.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const BUNDLED: [&str; 8] = [
    include_str!("../calendar/2019.json"),
    include_str!("../calendar/2020.json"),
    include_str!("../calendar/2021.json"),
    include_str!("../calendar/2022.json"),
    include_str!("../calendar/2023.json"),
    include_str!("../calendar/2024.json"),
    include_str!("../calendar/2025.json"),
    include_str!("../calendar/2026.json"),
];

#[derive(Deserialize)]
struct YearFile {
    year: i32,
    days: Vec<DayEntry>,
}

#[derive(Deserialize)]
struct DayEntry {
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

#[derive(Debug, Clone, Default)]
pub struct HolidayCalendar {
    years: BTreeSet<i32>,
    /// true: a holiday on a weekday; false: a weekend day that is a working day.
    exceptions: BTreeMap<NaiveDate, bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the holiday calendar has no data for {year}: add {year}.json to the calendar folder once the State Council announces it")]
pub struct MissingYear {
    pub year: i32,
}

impl HolidayCalendar {
    /// The bundled calendar, plus any `<year>.json` files in `site_calendar_dir`.
    pub fn load(site_calendar_dir: Option<&Path>) -> Result<Self, String> {
        let mut cal = HolidayCalendar::default();
        for text in BUNDLED {
            cal.add_year(text)
                .map_err(|e| format!("bundled calendar: {e}"))?;
        }
        if let Some(dir) = site_calendar_dir {
            if let Ok(entries) = std::fs::read_dir(dir) {
                let mut paths: Vec<_> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect();
                paths.sort();
                for p in paths {
                    let text =
                        std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                    cal.add_year(&text)
                        .map_err(|e| format!("{}: {e}", p.display()))?;
                }
            }
        }
        Ok(cal)
    }

    fn add_year(&mut self, json: &str) -> Result<(), String> {
        let file: YearFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
        self.exceptions.retain(|d, _| d.year() != file.year);
        for day in file.days {
            let date = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d")
                .map_err(|e| format!("date {}: {e}", day.date))?;
            self.exceptions.insert(date, day.is_off_day);
        }
        self.years.insert(file.year);
        Ok(())
    }

    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, MissingYear> {
        if !self.covers(date.year()) {
            return Err(MissingYear { year: date.year() });
        }
        Ok(match self.exceptions.get(&date) {
            Some(off) => !off,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, MissingYear> {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.succ_opt().unwrap_or(day);
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The day that is `n` working days after `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, MissingYear> {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn spring_festival_2024() {
        let cal = HolidayCalendar::load(None).unwrap();
        // 2024-02-04 (Sunday) and 2024-02-18 (Sunday) were make-up working days.
        assert!(cal.is_working_day(d("2024-02-04")).unwrap());
        assert!(cal.is_working_day(d("2024-02-18")).unwrap());
        for day in ["2024-02-10", "2024-02-12", "2024-02-15", "2024-02-17"] {
            assert!(!cal.is_working_day(d(day)).unwrap(), "{day}");
        }
        // Fri 2024-02-09 to Mon 2024-02-19: only Sun 2024-02-18 and Mon 2024-02-19 are working days.
        assert_eq!(
            cal.working_days_between(d("2024-02-09"), d("2024-02-19"))
                .unwrap(),
            2
        );
    }

    #[test]
    fn national_day_2024() {
        let cal = HolidayCalendar::load(None).unwrap();
        assert!(cal.is_working_day(d("2024-09-29")).unwrap()); // Sunday, make-up
        assert!(cal.is_working_day(d("2024-10-12")).unwrap()); // Saturday, make-up
        assert!(!cal.is_working_day(d("2024-10-07")).unwrap()); // Monday, holiday
        assert_eq!(
            cal.add_working_days(d("2024-09-30"), 1).unwrap(),
            d("2024-10-08")
        );
        // 20 working days after 2024-09-20 (Fri): includes 09-29 and 10-12.
        assert_eq!(
            cal.add_working_days(d("2024-09-20"), 20).unwrap(),
            d("2024-10-23")
        );
    }

    #[test]
    fn ordinary_weekends_and_missing_years() {
        let cal = HolidayCalendar::load(None).unwrap();
        assert!(!cal.is_working_day(d("2025-06-28")).unwrap()); // Saturday
        assert!(cal.is_working_day(d("2025-06-30")).unwrap());
        assert_eq!(
            cal.is_working_day(d("2027-01-04")),
            Err(MissingYear { year: 2027 })
        );
    }
}
