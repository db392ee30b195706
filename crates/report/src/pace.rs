//! The pace of a series: its least-squares slope per year, and when it reaches its target.

use chrono::{Datelike, Duration, NaiveDate};

/// Where a series is heading at its current pace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Least-squares slope, in units of the series per year.
    pub per_year: f64,
    /// The last observed point, where the projection starts.
    pub from: (NaiveDate, f64),
    /// When the projection reaches the target value, if it does.
    pub reaches_target_on: Option<NaiveDate>,
}

const DAYS_PER_YEAR: f64 = 365.25;
/// Beyond this, "reaches the target" is not a date worth printing.
const MAX_YEARS: f64 = 1000.0;

fn years(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce()) / DAYS_PER_YEAR
}

/// The date a line from `from` at `per_year` reaches `value`, when it rises towards it.
fn reach(from: (NaiveDate, f64), per_year: f64, value: f64) -> Option<NaiveDate> {
    if !(value > from.1 && per_year > 0.0 && per_year.is_finite()) {
        return None;
    }
    let years = (value - from.1) / per_year;
    if !years.is_finite() || years > MAX_YEARS {
        return None;
    }
    from.0
        .checked_add_signed(Duration::days((years * DAYS_PER_YEAR).round() as i64))
}

/// Fits a line through the points by least squares.
///
/// Returns `None` with fewer than two distinct dates. The target date is not used here: the
/// projection says when the target value is reached, [`on_track`] compares with its date.
pub fn project(
    points: &[(NaiveDate, f64)],
    target: Option<(NaiveDate, f64)>,
) -> Option<Projection> {
    let points: Vec<(NaiveDate, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    let first = points.iter().map(|(d, _)| *d).min()?;
    if points.iter().all(|(d, _)| *d == first) {
        return None;
    }
    let origin = years(first);
    let n = points.len() as f64;
    let mean_x = points.iter().map(|(d, _)| years(*d) - origin).sum::<f64>() / n;
    let mean_y = points.iter().map(|(_, v)| v).sum::<f64>() / n;
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for (date, value) in &points {
        let dx = years(*date) - origin - mean_x;
        sxx += dx * dx;
        sxy += dx * (value - mean_y);
    }
    let per_year = sxy / sxx;
    // max_by_key keeps the last of equal dates, so the latest entry of the last day wins.
    let from = *points.iter().max_by_key(|(d, _)| *d)?;
    let reaches_target_on = target.and_then(|(_, value)| reach(from, per_year, value));
    Some(Projection {
        per_year,
        from,
        reaches_target_on,
    })
}

/// Whether the series reaches the target on or before its date at its current pace.
///
/// `Some(true)` also when the last value already meets the target; `Some(false)` when the pace
/// never gets there; `None` without a projection, a target, or with a non-finite target value.
pub fn on_track(projection: Option<&Projection>, target: Option<(NaiveDate, f64)>) -> Option<bool> {
    let projection = projection?;
    let (date, value) = target?;
    if !value.is_finite() {
        return None;
    }
    if projection.from.1 >= value {
        return Some(true);
    }
    Some(reach(projection.from, projection.per_year, value).is_some_and(|d| d <= date))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn two_points_give_their_slope_and_reach_date() {
        let points = [(d(2020, 1, 1), 0.0), (d(2021, 1, 1), 1000.0)];
        let p = project(&points, Some((d(2024, 1, 1), 3000.0))).unwrap();
        // 2020 is a leap year: 366 days is 1.002 years, so ~998 a year.
        assert!(
            (p.per_year - 1000.0 * 365.25 / 366.0).abs() < 1e-6,
            "{}",
            p.per_year
        );
        assert_eq!(p.from, (d(2021, 1, 1), 1000.0));
        let reached = p.reaches_target_on.unwrap();
        assert!(
            (reached - d(2023, 1, 1)).num_days().abs() <= 3,
            "reached on {reached}"
        );
        assert_eq!(
            on_track(Some(&p), Some((d(2024, 1, 1), 3000.0))),
            Some(true)
        );
        assert_eq!(
            on_track(Some(&p), Some((d(2022, 6, 1), 3000.0))),
            Some(false)
        );
    }

    #[test]
    fn least_squares_over_noisy_points() {
        // y = 10, 30, 20 at x = 0, 1, 2 years (non-leap span): slope is 5 a year.
        let points = [
            (d(2021, 1, 1), 10.0),
            (d(2022, 1, 1), 30.0),
            (d(2023, 1, 1), 20.0),
        ];
        let p = project(&points, None).unwrap();
        assert!(
            (p.per_year - 5.0 * 365.25 / 365.0).abs() < 1e-6,
            "{}",
            p.per_year
        );
        assert_eq!(p.from, (d(2023, 1, 1), 20.0));
        assert_eq!(p.reaches_target_on, None);
    }

    #[test]
    fn unordered_input_gives_the_same_result() {
        let a = [
            (d(2020, 1, 1), 0.0),
            (d(2021, 1, 1), 1000.0),
            (d(2022, 1, 1), 2100.0),
        ];
        let b = [a[2], a[0], a[1]];
        let (pa, pb) = (project(&a, None).unwrap(), project(&b, None).unwrap());
        assert!((pa.per_year - pb.per_year).abs() < 1e-9);
        assert_eq!(pa.from, pb.from);
    }

    #[test]
    fn too_few_dates_give_nothing() {
        assert_eq!(project(&[], None), None);
        assert_eq!(project(&[(d(2020, 1, 1), 5.0)], None), None);
        assert_eq!(
            project(&[(d(2020, 1, 1), 5.0), (d(2020, 1, 1), 7.0)], None),
            None
        );
        assert_eq!(
            project(&[(d(2020, 1, 1), 5.0), (d(2021, 1, 1), f64::NAN)], None),
            None
        );
        assert_eq!(on_track(None, Some((d(2030, 1, 1), 1.0))), None);
    }

    #[test]
    fn falling_or_flat_pace_never_reaches_a_higher_target() {
        let target = Some((d(2030, 1, 1), 500.0));
        let falling = project(&[(d(2020, 1, 1), 300.0), (d(2021, 1, 1), 200.0)], target).unwrap();
        assert!(falling.per_year < 0.0);
        assert_eq!(falling.reaches_target_on, None);
        assert_eq!(on_track(Some(&falling), target), Some(false));
        let flat = project(&[(d(2020, 1, 1), 300.0), (d(2021, 1, 1), 300.0)], target).unwrap();
        assert_eq!(flat.per_year, 0.0);
        assert_eq!(on_track(Some(&flat), target), Some(false));
        assert_eq!(on_track(Some(&flat), None), None);
    }

    #[test]
    fn target_already_met_is_on_track_without_a_reach_date() {
        let target = Some((d(2030, 1, 1), 100.0));
        let p = project(&[(d(2020, 1, 1), 50.0), (d(2021, 1, 1), 150.0)], target).unwrap();
        assert_eq!(p.reaches_target_on, None);
        assert_eq!(on_track(Some(&p), target), Some(true));
    }

    #[test]
    fn a_crawling_pace_does_not_overflow_dates() {
        let target = Some((d(2030, 1, 1), 1e12));
        let p = project(&[(d(2020, 1, 1), 0.0), (d(2021, 1, 1), 1e-6)], target).unwrap();
        assert_eq!(p.reaches_target_on, None);
        assert_eq!(on_track(Some(&p), target), Some(false));
    }
}
