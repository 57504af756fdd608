//! Periods of the success monitor: whole days of the store's time zone, and the previous period
//! of the same length to compare against.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The longest custom period: the monitor is about recent trade, and this bounds the series.
pub const MAX_DAYS: u64 = 3 * 366;

/// What the period picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Today,
    Last7,
    Last30,
    Last90,
    ThisMonth,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::Today,
        Preset::Last7,
        Preset::Last30,
        Preset::Last90,
        Preset::ThisMonth,
        Preset::Custom,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Preset::Today => "today",
            Preset::Last7 => "7d",
            Preset::Last30 => "30d",
            Preset::Last90 => "90d",
            Preset::ThisMonth => "month",
            Preset::Custom => "custom",
        }
    }

    pub fn parse(code: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// Local days `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("a custom period needs both `from` and `to`")]
    Missing,
    #[error("`from` is after `to`")]
    Reversed,
    #[error("the period is longer than {MAX_DAYS} days")]
    TooLong,
}

impl Period {
    /// The preset's days as of `today` (the store's local date); `Custom` takes `from` and `to`.
    pub fn of(
        preset: Preset,
        today: NaiveDate,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Period, PeriodError> {
        let back = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
        let period = match preset {
            Preset::Today => Period {
                from: today,
                to: today,
            },
            Preset::Last7 => Period {
                from: back(6),
                to: today,
            },
            Preset::Last30 => Period {
                from: back(29),
                to: today,
            },
            Preset::Last90 => Period {
                from: back(89),
                to: today,
            },
            Preset::ThisMonth => Period {
                from: today.with_day(1).unwrap_or(today),
                to: today,
            },
            Preset::Custom => {
                let (Some(from), Some(to)) = (from, to) else {
                    return Err(PeriodError::Missing);
                };
                Period { from, to }
            }
        };
        if period.from > period.to {
            return Err(PeriodError::Reversed);
        }
        if period.days() > MAX_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(period)
    }

    pub fn days(&self) -> u64 {
        u64::try_from((self.to - self.from).num_days() + 1).unwrap_or(0)
    }

    /// The same number of days, ending the day before this one starts.
    pub fn previous(&self) -> Period {
        let to = self.from.pred_opt().unwrap_or(self.from);
        let from = to
            .checked_sub_days(Days::new(self.days().saturating_sub(1)))
            .unwrap_or(to);
        Period { from, to }
    }

    /// Each day, in order.
    pub fn each_day(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let from = self.from;
        (0..self.days()).filter_map(move |i| from.checked_add_days(Days::new(i)))
    }

    /// `[start, end)` in UTC.
    pub fn bounds(&self, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = self.to.succ_opt().unwrap_or(self.to);
        (day_start(self.from, zone), day_start(end, zone))
    }
}

/// When the local day `day` begins, in UTC (rollups floor it to its hour: exact for every
/// site's zone since mid-2016). Where a zone skips midnight (a daylight-saving
/// change at 00:00), the day begins at its first existing hour.
pub fn day_start(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    (0..24)
        .filter_map(|h| day.and_hms_opt(h, 0, 0))
        .find_map(|t| zone.from_local_datetime(&t).earliest())
        .map_or_else(
            || day.and_time(chrono::NaiveTime::MIN).and_utc(),
            |t| t.to_utc(),
        )
}

/// Runs of consecutive days that all last 24 hours: within one, the local day of an hour is
/// `(hour - start_hour) / 24` days after `first`. A daylight-saving change makes its day a run of
/// its own (23 or 25 hours), so every hour lands on its true local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRun {
    pub first: NaiveDate,
    pub days: u64,
    /// The first day's start, in hours since the Unix epoch.
    pub start_hour: i64,
    /// Hours in each day of the run (24, except a changeover day alone in its run).
    pub day_hours: i64,
}

pub fn day_runs(period: &Period, zone: Tz) -> Vec<DayRun> {
    let mut runs: Vec<DayRun> = Vec::new();
    for day in period.each_day() {
        let start = crate::sales::hour_of(day_start(day, zone));
        let next = day.succ_opt().unwrap_or(day);
        let hours = crate::sales::hour_of(day_start(next, zone)) - start;
        match runs.last_mut() {
            Some(run) if hours == 24 && run.day_hours == 24 => run.days += 1,
            _ => runs.push(DayRun {
                first: day,
                days: 1,
                start_hour: start,
                day_hours: hours,
            }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn presets_end_today_and_previous_periods_have_the_same_length() {
        let today = date("2025-03-15");
        let p = Period::of(Preset::Last7, today, None, None).unwrap();
        assert_eq!((p.from, p.to, p.days()), (date("2025-03-09"), today, 7));
        let prev = p.previous();
        assert_eq!(
            (prev.from, prev.to),
            (date("2025-03-02"), date("2025-03-08"))
        );
        let month = Period::of(Preset::ThisMonth, today, None, None).unwrap();
        assert_eq!((month.from, month.days()), (date("2025-03-01"), 15));
        assert_eq!(month.previous().from, date("2025-02-14"));
        let day = Period::of(Preset::Today, today, None, None).unwrap();
        assert_eq!(day.previous().from, date("2025-03-14"));
        assert_eq!(
            Period::of(Preset::Last90, today, None, None)
                .unwrap()
                .days(),
            90
        );
    }

    #[test]
    fn custom_periods_are_checked() {
        let today = date("2025-03-15");
        assert_eq!(
            Period::of(Preset::Custom, today, None, Some(today)),
            Err(PeriodError::Missing)
        );
        assert_eq!(
            Period::of(Preset::Custom, today, Some(today), Some(date("2025-03-01"))),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::of(Preset::Custom, today, Some(date("2020-01-01")), Some(today)),
            Err(PeriodError::TooLong)
        );
        assert_eq!(Preset::parse("30d"), Some(Preset::Last30));
        assert_eq!(Preset::parse("year"), None);
    }

    #[test]
    fn bounds_are_the_store_midnights() {
        let p = Period::of(Preset::Today, date("2025-01-21"), None, None).unwrap();
        let (start, end) = p.bounds(chrono_tz::America::Sao_Paulo);
        assert_eq!(start.to_rfc3339(), "2025-01-21T03:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2025-01-22T03:00:00+00:00");
    }

    #[test]
    fn every_site_midnight_is_a_whole_utc_hour() {
        for site in crate::site::SITES {
            let zone: Tz = site.time_zone.parse().unwrap();
            // Venezuela ran at −4:30 until May 2016; the rollups' hours hold since.
            let p = Period {
                from: date("2016-06-01"),
                to: date("2027-12-31"),
            };
            for day in p.each_day() {
                assert_eq!(
                    day_start(day, zone).timestamp() % 3600,
                    0,
                    "{} {day}",
                    site.code
                );
            }
        }
    }

    #[test]
    fn a_daylight_saving_change_gets_its_own_run() {
        // Santiago: clocks go back at 00:00 on 2024-04-07 (a 25-hour day) and skip 00:00 on
        // 2024-09-08 (a 23-hour day).
        let zone = chrono_tz::America::Santiago;
        let p = Period {
            from: date("2024-04-05"),
            to: date("2024-04-09"),
        };
        let runs = day_runs(&p, zone);
        let shape: Vec<(u64, i64)> = runs.iter().map(|r| (r.days, r.day_hours)).collect();
        assert_eq!(shape, vec![(1, 24), (1, 25), (3, 24)], "{runs:?}");
        let total: u64 = runs.iter().map(|r| r.days).sum();
        assert_eq!(total, p.days());
        let skip = Period {
            from: date("2024-09-07"),
            to: date("2024-09-08"),
        };
        let shape: Vec<i64> = day_runs(&skip, zone).iter().map(|r| r.day_hours).collect();
        assert_eq!(shape, vec![24, 23]);
        // No change: one run.
        let flat = day_runs(&p, chrono_tz::America::Sao_Paulo);
        assert_eq!(flat.len(), 1);
    }
}
