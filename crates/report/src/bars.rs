//! Horizontal stacked bars: one row per label, one segment per series.

use crate::format::{UNIT_SEPARATOR, escape, french_number, natural_decimals, short_euros};
use crate::svg::{self, BLUE_FRANCE, BLUE_LIGHT, BLUE_MAIN, GREY, GREY_DARK, GREY_LIGHT, num};

/// What the values of a drawing measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// Amounts in cents, shown in euros (`12,5 M€`).
    Euros,
    /// Counts of something, named by the label (`"logements"`).
    Count(String),
}

impl Unit {
    /// Formats a value in this unit for a label.
    pub fn format(&self, value: f64) -> String {
        match self {
            Unit::Euros if value.is_finite() => short_euros(value.round() as i64),
            Unit::Euros => "–".to_owned(),
            Unit::Count(label) if label.is_empty() => french_number(value, natural_decimals(value)),
            Unit::Count(label) => format!(
                "{}{UNIT_SEPARATOR}{label}",
                french_number(value, natural_decimals(value))
            ),
        }
    }
}

impl Unit {
    /// Formats a class of values, naming a counted unit once: `10 – 20 logements`.
    pub fn format_range(&self, low: f64, high: f64) -> String {
        match self {
            Unit::Euros => format!("{} – {}", self.format(low), self.format(high)),
            Unit::Count(_) => format!(
                "{} – {}",
                french_number(low, natural_decimals(low)),
                self.format(high)
            ),
        }
    }
}

/// A bar chart: each row stacks its values, one per series, from left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Prefix of the ids in the drawing; must be unique in the page.
    pub id: String,
    pub title: String,
    pub unit: Unit,
    /// Names of the series, in the order of each row's values.
    pub series: Vec<String>,
    pub rows: Vec<BarRow>,
}

/// One row of a [`BarChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: String,
    /// Where the label links to, if anywhere.
    pub href: Option<String>,
    /// One value per series; negative and non-finite values are drawn as zero.
    pub values: Vec<f64>,
}

const WIDTH: f64 = 800.0;
const MARGIN: f64 = 10.0;
const LABEL_RIGHT: f64 = 230.0;
const LABEL_MAX_CHARS: usize = 28;
const BAR_LEFT: f64 = 240.0;
const BAR_SPAN: f64 = 430.0;
const ROW_HEIGHT: f64 = 28.0;
const BAR_HEIGHT: f64 = 18.0;
const LEGEND_LINE: f64 = 22.0;
const SERIES_COLOURS: [&str; 6] = [
    BLUE_FRANCE,
    BLUE_MAIN,
    BLUE_LIGHT,
    GREY_DARK,
    GREY,
    GREY_LIGHT,
];

fn drawable(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value
    } else {
        0.0
    }
}

fn series_name(chart: &BarChart, index: usize) -> String {
    chart
        .series
        .get(index)
        .cloned()
        .unwrap_or_else(|| format!("Série {}", index + 1))
}

fn description(chart: &BarChart, totals: &[f64]) -> String {
    let count = chart
        .series
        .len()
        .max(chart.rows.iter().map(|r| r.values.len()).max().unwrap_or(0));
    let names: Vec<String> = (0..count).map(|i| series_name(chart, i)).collect();
    let mut desc = format!(
        "Diagramme en barres\u{a0}: {} ligne{}, {} série{} ({}).",
        chart.rows.len(),
        if chart.rows.len() > 1 { "s" } else { "" },
        count,
        if count > 1 { "s" } else { "" },
        names.join(", ")
    );
    let top = totals
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .filter(|(_, total)| **total > 0.0);
    match top {
        Some((index, total)) => desc.push_str(&format!(
            " Total le plus élevé\u{a0}: {} avec {}.",
            chart.rows[index].label,
            chart.unit.format(*total)
        )),
        None => desc.push_str(" Toutes les valeurs sont nulles."),
    }
    desc
}

/// Lays the legend out in lines, returning the markup and the height it takes.
fn legend(chart: &BarChart, count: usize) -> (String, f64) {
    let mut out = String::from("<g class=\"legend\">");
    let mut x = MARGIN;
    let mut line = 0.0;
    for index in 0..count {
        let name = series_name(chart, index);
        // Rough width of 13px text; overlapping a little is better than measuring fonts here.
        let item = 18.0 + name.chars().count() as f64 * 7.0 + 20.0;
        if x > MARGIN && x + item > WIDTH - MARGIN {
            x = MARGIN;
            line += 1.0;
        }
        let y = MARGIN + line * LEGEND_LINE;
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"{GREY}\" stroke-width=\"0.5\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"{GREY_DARK}\">{}</text>",
            num(x),
            num(y),
            SERIES_COLOURS[index % SERIES_COLOURS.len()],
            num(x + 18.0),
            num(y + 11.0),
            escape(&name)
        ));
        x += item;
    }
    out.push_str("</g>");
    (out, MARGIN + (line + 1.0) * LEGEND_LINE)
}

/// Draws the chart. An empty chart gives a drawing saying "Aucune donnée".
pub fn bar_chart(chart: &BarChart) -> String {
    if chart.rows.is_empty() {
        return svg::no_data(&chart.id, &chart.title);
    }
    let totals: Vec<f64> = chart
        .rows
        .iter()
        .map(|r| r.values.iter().copied().map(drawable).sum())
        .collect();
    let max_total = totals.iter().copied().fold(0.0, f64::max);
    let scale = if max_total > 0.0 {
        BAR_SPAN / max_total
    } else {
        0.0
    };
    let count = chart
        .series
        .len()
        .max(chart.rows.iter().map(|r| r.values.len()).max().unwrap_or(0));

    let (legend, legend_height) = legend(chart, count);
    let top = legend_height + 8.0;
    let height = top + chart.rows.len() as f64 * ROW_HEIGHT + MARGIN;
    let mut out = svg::open(
        &chart.id,
        &chart.title,
        &description(chart, &totals),
        WIDTH,
        height,
    );
    out.push_str(&legend);

    for (index, (row, total)) in chart.rows.iter().zip(&totals).enumerate() {
        let y = top + index as f64 * ROW_HEIGHT;
        let baseline = num(y + BAR_HEIGHT / 2.0 + 4.5);
        out.push_str("<g class=\"bar-row\">");

        let (short, cut) = svg::truncate(&row.label, LABEL_MAX_CHARS);
        let full_title = if cut {
            format!("<title>{}</title>", escape(&row.label))
        } else {
            String::new()
        };
        match svg::safe_href(row.href.as_deref()) {
            Some(href) => out.push_str(&format!(
                "<a href=\"{href}\" class=\"bar-link\"><text x=\"{}\" y=\"{baseline}\" text-anchor=\"end\" \
                 font-size=\"13\" fill=\"{BLUE_FRANCE}\" text-decoration=\"underline\">{full_title}{}</text></a>",
                num(LABEL_RIGHT),
                escape(&short)
            )),
            None => out.push_str(&format!(
                "<text x=\"{}\" y=\"{baseline}\" text-anchor=\"end\" font-size=\"13\" \
                 fill=\"{GREY_DARK}\">{full_title}{}</text>",
                num(LABEL_RIGHT),
                escape(&short)
            )),
        }

        let mut x = BAR_LEFT;
        for (series, value) in row.values.iter().enumerate() {
            let width = drawable(*value) * scale;
            if width <= 0.0 {
                continue;
            }
            out.push_str(&format!(
                "<rect class=\"bar-segment\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" \
                 stroke=\"#fff\" stroke-width=\"0.5\"><title>{}\u{a0}: {}</title></rect>",
                num(x),
                num(y),
                num(width),
                num(BAR_HEIGHT),
                SERIES_COLOURS[series % SERIES_COLOURS.len()],
                escape(&series_name(chart, series)),
                escape(&chart.unit.format(*value))
            ));
            x += width;
        }
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{baseline}\" font-size=\"12\" fill=\"{GREY_DARK}\">{}</text>",
            num(x + 6.0),
            escape(&chart.unit.format(*total))
        ));
        out.push_str("</g>");
    }
    svg::close(&mut out);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::test_util::{elements, parse, title_of};

    fn chart(rows: Vec<BarRow>) -> BarChart {
        BarChart {
            id: "financements".into(),
            title: "Financements par commune".into(),
            unit: Unit::Euros,
            series: vec!["État".into(), "Région".into()],
            rows,
        }
    }

    fn row(label: &str, values: &[f64]) -> BarRow {
        BarRow {
            label: label.into(),
            href: None,
            values: values.to_vec(),
        }
    }

    fn width(node: roxmltree::Node<'_, '_>) -> f64 {
        node.attribute("width").unwrap().parse().unwrap()
    }

    #[test]
    fn widths_are_proportional_to_values() {
        let svg = bar_chart(&chart(vec![
            row("Lens", &[100_000_000.0, 50_000_000.0]),
            row("Liévin", &[50_000_000.0, 25_000_000.0]),
        ]));
        let doc = parse(&svg);
        let segments: Vec<_> = elements(&doc, "rect")
            .filter(|r| r.attribute("class") == Some("bar-segment"))
            .collect();
        assert_eq!(segments.len(), 4);
        let w: Vec<f64> = segments.iter().map(|s| width(*s)).collect();
        assert!((w[0] + w[1] - BAR_SPAN).abs() < 0.2, "{w:?}");
        assert!((w[0] / w[1] - 2.0).abs() < 0.01);
        assert!((w[0] / w[2] - 2.0).abs() < 0.01);
        assert!((w[1] / w[3] - 2.0).abs() < 0.01);
        // The second segment starts where the first ends.
        let x0: f64 = segments[0].attribute("x").unwrap().parse().unwrap();
        let x1: f64 = segments[1].attribute("x").unwrap().parse().unwrap();
        assert!((x0 + w[0] - x1).abs() < 0.2);
        assert_eq!(
            title_of(segments[0]).unwrap(),
            "État\u{A0}: 1\u{A0}M€",
            "segment title names series and value"
        );
    }

    #[test]
    fn hostile_labels_are_escaped() {
        let mut hostile = row("<script>alert(1)</script>", &[1.0]);
        hostile.href = Some("/x?a=1&b=\"2\"".into());
        let mut c = chart(vec![hostile]);
        c.title = "</title><script>".into();
        c.series = vec!["a & <b>".into()];
        c.id = "x\"y".into();
        let svg = bar_chart(&c);
        assert!(!svg.contains("<script>"));
        let doc = parse(&svg);
        let link = elements(&doc, "a").next().unwrap();
        assert_eq!(link.attribute("href"), Some("/x?a=1&b=\"2\""));
        assert!(elements(&doc, "text").any(|t| t.text() == Some("<script>alert(1)</script>")));
        assert!(elements(&doc, "text").any(|t| t.text() == Some("a & <b>")));
    }

    #[test]
    fn rows_with_href_are_links_and_others_not() {
        let mut linked = row("Lens", &[3.0]);
        linked.href = Some("/communes/62498".into());
        let mut evil = row("Piège", &[1.0]);
        evil.href = Some("javascript:alert(1)".into());
        let svg = bar_chart(&chart(vec![linked, row("Liévin", &[2.0]), evil]));
        let doc = parse(&svg);
        let links: Vec<_> = elements(&doc, "a").collect();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].attribute("href"), Some("/communes/62498"));
        assert!(!svg.contains("javascript"));
    }

    #[test]
    fn empty_chart_says_so() {
        let svg = bar_chart(&chart(vec![]));
        let doc = parse(&svg);
        assert!(elements(&doc, "text").any(|t| t.text() == Some("Aucune donnée")));
    }

    #[test]
    fn all_zero_values_draw_no_bar_and_no_nan() {
        let svg = bar_chart(&chart(vec![
            row("Lens", &[0.0, 0.0]),
            row("Liévin", &[f64::NAN, -5.0]),
        ]));
        let doc = parse(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert_eq!(
            elements(&doc, "rect")
                .filter(|r| r.attribute("class") == Some("bar-segment"))
                .count(),
            0
        );
        let desc = elements(&doc, "desc").next().unwrap().text().unwrap();
        assert!(desc.contains("Toutes les valeurs sont nulles"));
    }

    #[test]
    fn counts_use_their_unit_and_legend_lists_series() {
        let mut c = chart(vec![row("Lens", &[1200.0, 34.0])]);
        c.unit = Unit::Count("logements".into());
        c.series = vec!["Réhabilités".into(), "Démolis".into(), "Neufs".into()];
        let svg = bar_chart(&c);
        let doc = parse(&svg);
        let texts: Vec<String> = elements(&doc, "text")
            .filter_map(|t| t.text().map(str::to_owned))
            .collect();
        assert!(
            texts.contains(&"1\u{202F}234\u{A0}logements".to_owned()),
            "{texts:?}"
        );
        for name in ["Réhabilités", "Démolis", "Neufs"] {
            assert!(texts.contains(&name.to_owned()));
        }
        let desc = elements(&doc, "desc").next().unwrap().text().unwrap();
        assert!(desc.contains("Lens"), "{desc}");
    }
}
