//! A dated series: its points and line, its target and the projection at its current pace.

use chrono::{Datelike, Duration, NaiveDate};

use crate::format::{UNIT_SEPARATOR, escape, french_number, natural_decimals};
use crate::pace::Projection;
use crate::svg::{self, BLUE_FRANCE, BLUE_MAIN, GREY, GREY_DARK, GREY_LIGHT, num};

/// A series over time, with its optional target and projection.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesChart {
    /// Prefix of the ids in the drawing; must be unique in the page.
    pub id: String,
    pub title: String,
    /// Unit of the values, such as `"logements"`; may be empty.
    pub unit: String,
    pub points: Vec<(NaiveDate, f64)>,
    pub target: Option<(NaiveDate, f64)>,
    pub projection: Option<Projection>,
}

const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 770.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 330.0;
/// The projection is drawn at most this far: a target reached in a century says enough in words.
const PROJECTION_MAX_YEARS: i64 = 15;

fn french_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn with_unit(value: f64, unit: &str) -> String {
    let number = french_number(value, natural_decimals(value));
    if unit.is_empty() {
        number
    } else {
        format!("{number}{UNIT_SEPARATOR}{unit}")
    }
}

fn days(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

fn january_first(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Round ticks covering `low..=high`: the smallest step of 1, 2, 2.5 or 5 times a power of ten
/// that needs at most four intervals, which always gives four or five ticks.
pub(crate) fn ticks(low: f64, high: f64) -> (Vec<f64>, usize) {
    let range = (high - low).max(f64::MIN_POSITIVE);
    let mut magnitude = 10f64.powf((range / 4.0).log10().floor());
    let mut step = magnitude;
    'search: for _ in 0..4 {
        for factor in [1.0, 2.0, 2.5, 5.0] {
            step = factor * magnitude;
            if ((high / step).ceil() - (low / step).floor()) <= 4.0 {
                break 'search;
            }
        }
        magnitude *= 10.0;
    }
    let first = (low / step).floor() as i64;
    let last = (high / step).ceil() as i64;
    let values = (first..=last).map(|i| i as f64 * step).collect();
    let decimals = (0..=6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6) as usize;
    (values, decimals)
}

/// Where the projection line ends: when it reaches the target, else at the target date, else a
/// year on, never beyond [`PROJECTION_MAX_YEARS`].
fn projection_end(projection: &Projection, target: Option<(NaiveDate, f64)>) -> (NaiveDate, f64) {
    let start = projection.from.0;
    let cap = start
        .checked_add_signed(Duration::days(PROJECTION_MAX_YEARS * 365))
        .unwrap_or(start);
    let end = projection
        .reaches_target_on
        .or(target.map(|(d, _)| d).filter(|d| *d > start))
        .unwrap_or_else(|| {
            start
                .checked_add_signed(Duration::days(365))
                .unwrap_or(start)
        })
        .min(cap);
    let per_day = if projection.per_year.is_finite() {
        projection.per_year / 365.25
    } else {
        0.0
    };
    (end, projection.from.1 + per_day * (days(end) - days(start)))
}

fn description(
    chart: &SeriesChart,
    points: &[(NaiveDate, f64)],
    first: (NaiveDate, f64),
    last: (NaiveDate, f64),
) -> String {
    let unit = chart.unit.as_str();
    let mut desc = if points.len() == 1 {
        format!(
            "Une mesure, le {}\u{a0}: {}.",
            french_date(last.0),
            with_unit(last.1, unit)
        )
    } else {
        format!(
            "{} mesures du {} au {}, de {} à {}.",
            points.len(),
            french_date(first.0),
            french_date(last.0),
            with_unit(first.1, unit),
            with_unit(last.1, unit)
        )
    };
    if let Some((date, value)) = chart.target {
        desc.push_str(&format!(
            " Cible\u{a0}: {} au {}.",
            with_unit(value, unit),
            french_date(date)
        ));
    }
    if let Some(p) = &chart.projection {
        desc.push_str(&format!(
            " Rythme actuel\u{a0}: {} par an",
            with_unit(p.per_year, unit)
        ));
        match (p.reaches_target_on, chart.target) {
            (Some(date), _) => {
                desc.push_str(&format!(", cible atteinte vers le {}.", french_date(date)))
            }
            (None, Some((_, value))) if p.from.1 >= value => {
                desc.push_str(", cible déjà atteinte.")
            }
            (None, Some(_)) => desc.push_str(", cible non atteinte à ce rythme."),
            (None, None) => desc.push('.'),
        }
    }
    desc
}

/// Draws the series. Without any finite point, a drawing saying "Aucune donnée".
pub fn series_chart(chart: &SeriesChart) -> String {
    let mut points: Vec<(NaiveDate, f64)> = chart
        .points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    points.sort_by_key(|(d, _)| *d);
    let (Some(&first), Some(&last)) = (points.first(), points.last()) else {
        return svg::no_data(&chart.id, &chart.title);
    };
    let target = chart.target.filter(|(_, v)| v.is_finite());
    let projection = chart
        .projection
        .as_ref()
        .filter(|p| p.from.1.is_finite())
        .map(|p| (p, projection_end(p, target)));

    let mut dates: Vec<NaiveDate> = points.iter().map(|(d, _)| *d).collect();
    let mut values: Vec<f64> = points.iter().map(|(_, v)| *v).collect();
    if let Some((date, value)) = target {
        dates.push(date);
        values.push(value);
    }
    if let Some((p, end)) = &projection {
        dates.extend([p.from.0, end.0]);
        values.extend([p.from.1, end.1]);
    }
    let min_date = dates.iter().copied().min().unwrap_or(first.0);
    let max_date = dates.iter().copied().max().unwrap_or(last.0);
    let x_start = january_first(min_date.year());
    let mut x_end = if max_date.ordinal() == 1 {
        max_date
    } else {
        january_first(max_date.year() + 1)
    };
    if x_end <= x_start {
        x_end = january_first(x_start.year() + 1);
    }
    let low = values.iter().copied().fold(0.0, f64::min);
    let mut high = values.iter().copied().fold(0.0, f64::max);
    if high <= low {
        high = low + 1.0;
    }
    let (y_ticks, decimals) = ticks(low, high);
    let y_low = y_ticks.first().copied().unwrap_or(low);
    let y_high = y_ticks.last().copied().unwrap_or(high);

    let x = |date: NaiveDate| {
        LEFT + (days(date) - days(x_start)) / (days(x_end) - days(x_start)) * (RIGHT - LEFT)
    };
    let y = |value: f64| BOTTOM - (value - y_low) / (y_high - y_low) * (BOTTOM - TOP);

    let mut out = svg::open(
        &chart.id,
        &chart.title,
        &description(chart, &points, first, last),
        WIDTH,
        HEIGHT,
    );

    out.push_str("<g class=\"axis axis-y\">");
    if !chart.unit.is_empty() {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"18\" font-size=\"12\" fill=\"{GREY_DARK}\">{}</text>",
            num(LEFT),
            escape(&chart.unit)
        ));
    }
    for tick in &y_ticks {
        out.push_str(&format!(
            "<line x1=\"{l}\" x2=\"{r}\" y1=\"{v}\" y2=\"{v}\" stroke=\"{GREY_LIGHT}\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\" fill=\"{GREY_DARK}\">{}</text>",
            num(LEFT - 8.0),
            num(y(*tick) + 4.0),
            french_number(*tick, decimals),
            l = num(LEFT),
            r = num(RIGHT),
            v = num(y(*tick)),
        ));
    }
    out.push_str("</g><g class=\"axis axis-x\">");
    out.push_str(&format!(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\" stroke=\"{GREY}\" stroke-width=\"1\"/>",
        num(LEFT),
        num(RIGHT),
        b = num(BOTTOM)
    ));
    let year_count = x_end.year() - x_start.year();
    let year_step = [1, 2, 5, 10, 20, 50, 100]
        .into_iter()
        .find(|s| year_count / s <= 12)
        .unwrap_or(100);
    for year in (x_start.year()..=x_end.year()).step_by(year_step as usize) {
        let date = january_first(year);
        if date > x_end {
            break;
        }
        let at = num(x(date));
        out.push_str(&format!(
            "<line x1=\"{at}\" x2=\"{at}\" y1=\"{}\" y2=\"{}\" stroke=\"{GREY}\" stroke-width=\"1\"/>\
             <text x=\"{at}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{GREY_DARK}\">{year}</text>",
            num(BOTTOM),
            num(BOTTOM + 5.0),
            num(BOTTOM + 20.0),
        ));
    }
    out.push_str("</g>");

    if let Some((date, value)) = target {
        let (tx, ty) = (x(date), y(value));
        out.push_str(&format!(
            "<g class=\"target\"><line x1=\"{}\" x2=\"{}\" y1=\"{ty}\" y2=\"{ty}\" stroke=\"{GREY}\" \
             stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\" fill=\"{GREY_DARK}\">Cible\u{a0}: {}</text>\
             <path d=\"M{tx} {}L{} {ty}L{tx} {}L{} {ty}Z\" fill=\"#fff\" stroke=\"{BLUE_FRANCE}\" stroke-width=\"2\">\
             <title>Cible\u{a0}: {} au {}</title></path></g>",
            num(LEFT),
            num(RIGHT),
            num(RIGHT),
            num(ty - 6.0),
            escape(&with_unit(value, &chart.unit)),
            num(ty - 7.0),
            num(tx + 7.0),
            num(ty + 7.0),
            num(tx - 7.0),
            escape(&with_unit(value, &chart.unit)),
            french_date(date),
            tx = num(tx),
            ty = num(ty),
        ));
    }

    if let Some((p, (end_date, end_value))) = &projection {
        out.push_str(&format!(
            "<line class=\"projection\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{BLUE_MAIN}\" \
             stroke-width=\"2\" stroke-dasharray=\"4 4\"><title>Projection au rythme actuel\u{a0}: {} par an</title></line>",
            num(x(p.from.0)),
            num(y(p.from.1)),
            num(x(*end_date)),
            num(y(*end_value)),
            escape(&with_unit(p.per_year, &chart.unit)),
        ));
    }

    if points.len() > 1 {
        let coordinates: Vec<String> = points
            .iter()
            .map(|(d, v)| format!("{},{}", num(x(*d)), num(y(*v))))
            .collect();
        out.push_str(&format!(
            "<polyline class=\"series-line\" fill=\"none\" stroke=\"{BLUE_FRANCE}\" stroke-width=\"2\" points=\"{}\"/>",
            coordinates.join(" ")
        ));
    }
    out.push_str("<g class=\"series-points\">");
    for (date, value) in &points {
        out.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{BLUE_FRANCE}\" stroke=\"#fff\" stroke-width=\"1\">\
             <title>{}\u{a0}: {}</title></circle>",
            num(x(*date)),
            num(y(*value)),
            french_date(*date),
            escape(&with_unit(*value, &chart.unit)),
        ));
    }
    out.push_str("</g>");
    svg::close(&mut out);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::pace::project;
    use crate::test_util::{elements, parse, title_of};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn chart(points: Vec<(NaiveDate, f64)>) -> SeriesChart {
        SeriesChart {
            id: "logements".into(),
            title: "Logements réhabilités".into(),
            unit: "logements".into(),
            points,
            target: None,
            projection: None,
        }
    }

    fn attr(node: roxmltree::Node<'_, '_>, name: &str) -> f64 {
        node.attribute(name).unwrap().parse().unwrap()
    }

    #[test]
    fn ticks_are_round_and_few() {
        for (low, high) in [
            (0.0, 1.0),
            (0.0, 4.1),
            (0.0, 5.1),
            (0.0, 8.1),
            (0.0, 2600.0),
            (0.0, 0.03),
            (-30.0, 70.0),
        ] {
            let (values, _) = ticks(low, high);
            assert!((4..=5).contains(&values.len()), "{low}..{high}: {values:?}");
            assert!(values[0] <= low && *values.last().unwrap() >= high);
        }
        assert_eq!(ticks(0.0, 2600.0).0, vec![0.0, 1000.0, 2000.0, 3000.0]);
        assert_eq!(ticks(0.0, 0.03).1, 2);
    }

    #[test]
    fn points_line_target_and_projection_are_drawn() {
        let points = vec![
            (d(2020, 1, 1), 0.0),
            (d(2021, 1, 1), 1000.0),
            (d(2022, 1, 1), 1900.0),
        ];
        let target = Some((d(2025, 12, 31), 5000.0));
        let mut c = chart(points.clone());
        c.target = target;
        c.projection = project(&points, target);
        let svg = series_chart(&c);
        let doc = parse(&svg);

        let circles: Vec<_> = elements(&doc, "circle").collect();
        assert_eq!(circles.len(), 3);
        assert_eq!(
            title_of(circles[1]).unwrap(),
            "01/01/2021\u{A0}: 1\u{202F}000\u{A0}logements"
        );
        // Later points with higher values sit further right and higher up.
        assert!(attr(circles[2], "cx") > attr(circles[1], "cx"));
        assert!(attr(circles[2], "cy") < attr(circles[1], "cy"));
        assert_eq!(elements(&doc, "polyline").count(), 1);

        let target_text = elements(&doc, "text")
            .find(|t| t.text().is_some_and(|s| s.starts_with("Cible")))
            .unwrap();
        assert!(target_text.text().unwrap().contains("5\u{202F}000"));
        assert!(elements(&doc, "line").any(|l| l.attribute("stroke-dasharray") == Some("6 4")));

        let projection = elements(&doc, "line")
            .find(|l| l.attribute("class") == Some("projection"))
            .unwrap();
        assert_eq!(attr(projection, "x1"), attr(circles[2], "cx"));
        assert!(attr(projection, "x2") > attr(projection, "x1"));
        assert!(attr(projection, "y2") < attr(projection, "y1"));

        let years: Vec<&str> = elements(&doc, "text").filter_map(|t| t.text()).collect();
        for year in ["2020", "2021", "2025", "2026"] {
            assert!(years.contains(&year), "{years:?}");
        }
        let desc = elements(&doc, "desc").next().unwrap().text().unwrap();
        assert!(
            desc.contains("3 mesures du 01/01/2020 au 01/01/2022"),
            "{desc}"
        );
        assert!(desc.contains("cible atteinte vers le"), "{desc}");
    }

    #[test]
    fn value_axis_starts_at_zero() {
        let svg = series_chart(&chart(vec![(d(2020, 6, 1), 40.0), (d(2023, 6, 1), 90.0)]));
        let doc = parse(&svg);
        let labels: Vec<&str> = elements(&doc, "text")
            .filter(|t| t.attribute("text-anchor") == Some("end"))
            .filter_map(|t| t.text())
            .collect();
        assert_eq!(labels.first(), Some(&"0"));
        assert_eq!(labels.last(), Some(&"100"));
    }

    #[test]
    fn empty_and_single_point_series() {
        let doc_text = series_chart(&chart(vec![]));
        let doc = parse(&doc_text);
        assert!(elements(&doc, "text").any(|t| t.text() == Some("Aucune donnée")));

        let single = series_chart(&chart(vec![(d(2024, 3, 15), 0.0)]));
        let doc = parse(&single);
        assert!(!single.contains("NaN"));
        assert_eq!(elements(&doc, "circle").count(), 1);
        assert_eq!(elements(&doc, "polyline").count(), 0);
    }

    #[test]
    fn hostile_unit_and_title_are_escaped() {
        let mut c = chart(vec![(d(2020, 1, 1), 1.0), (d(2021, 1, 1), 2.0)]);
        c.unit = "<script>alert(1)</script>".into();
        c.title = "a & b".into();
        let svg = series_chart(&c);
        assert!(!svg.contains("<script>"));
        let doc = parse(&svg);
        assert!(elements(&doc, "text").any(|t| t.text() == Some("<script>alert(1)</script>")));
    }

    #[test]
    fn a_far_away_reach_date_does_not_stretch_the_axis_forever() {
        let points = vec![(d(2020, 1, 1), 0.0), (d(2021, 1, 1), 1.0)];
        let target = Some((d(2026, 1, 1), 100.0));
        let mut c = chart(points.clone());
        c.target = target;
        c.projection = project(&points, target);
        let svg = series_chart(&c);
        let doc = parse(&svg);
        let years: Vec<i32> = elements(&doc, "text")
            .filter(|t| t.attribute("text-anchor") == Some("middle"))
            .filter_map(|t| t.text()?.parse().ok())
            .collect();
        assert!(*years.last().unwrap() <= 2037, "{years:?}");
        let desc = elements(&doc, "desc").next().unwrap().text().unwrap();
        assert!(desc.contains("cible atteinte vers le"), "{desc}");
    }
}
