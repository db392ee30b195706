//! Dates typed by people, in forms and list filters: `2025-06-23` (a date input) or `23/06/2025`
//! (the French way). The year is written with four digits, so that "23/06/25" is refused rather
//! than read as the year 25, and every accepted date is stored, compared and sorted alike by both
//! databases.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

/// The years a typed date may have.
pub const YEARS: RangeInclusive<i32> = 1000..=9999;

/// Whether a date (from JSON, say) is within [`YEARS`].
pub fn accepted_year(date: NaiveDate) -> bool {
    YEARS.contains(&date.year())
}

/// Reads `YYYY-MM-DD` or `DD/MM/YYYY` (day and month of one or two digits); `None` for anything
/// else, including a day that does not exist.
pub fn parse_typed_date(text: &str) -> Option<NaiveDate> {
    let (year, month, day) = if let Some((year, rest)) = text.split_once('-') {
        let (month, day) = rest.split_once('-')?;
        (year, month, day)
    } else {
        let (day, rest) = text.split_once('/')?;
        let (month, year) = rest.split_once('/')?;
        (year, month, day)
    };
    let digits = |part: &str, lengths: RangeInclusive<usize>| {
        (lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(digits(year, 4..=4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, digits(month, 1..=2)?, digits(day, 1..=2)?)?;
    accepted_year(date).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn reads_both_ways_of_writing_a_date() {
        assert_eq!(parse_typed_date("2025-06-23"), day(2025, 6, 23));
        assert_eq!(parse_typed_date("23/06/2025"), day(2025, 6, 23));
        assert_eq!(parse_typed_date("3/6/2025"), day(2025, 6, 3));
        assert_eq!(parse_typed_date("1000-01-01"), day(1000, 1, 1));
        assert_eq!(parse_typed_date("31/12/9999"), day(9999, 12, 31));
    }

    #[test]
    fn refuses_short_years_and_impossible_days() {
        for text in [
            "23/06/25",
            "25-06-23",
            "0999-12-31",
            "+2025-06-23",
            "-2025-06-23",
            "12025-06-23",
            "2025-6-231",
            "30/02/2024",
            "2025-00-10",
            "2025-06-23 ",
            "2025/06/23",
            "23-06-2025",
            "",
            "٢٠٢٥-٠٦-٢٣",
        ] {
            assert_eq!(parse_typed_date(text), None, "{text:?}");
        }
    }
}
