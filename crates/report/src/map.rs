//! A choropleth of areas given as GeoJSON, with boundaries and point markers on top.

use serde_json::Value;

use crate::bars::Unit;
use crate::classes::Classes;
use crate::format::escape;
use crate::svg::{self, GREY, GREY_DARK, NO_DATA, num};

/// How an area is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    /// Filled with the colour of its value's class.
    Fill,
    /// Drawn on top as a boundary only, such as the limits of an EPCI.
    Outline,
    /// Drawn as a small marker at its centroid, such as a cité.
    Point,
}

/// One area of a [`Map`].
#[derive(Debug, Clone, PartialEq)]
pub struct MapArea {
    pub id: i64,
    pub name: String,
    /// GeoJSON geometry as JSON text, WGS84 longitude/latitude: Polygon or MultiPolygon (Point
    /// and MultiPoint are accepted for [`AreaKind::Point`]). An area whose geometry cannot be
    /// read is left out of the drawing.
    pub geometry: String,
    pub value: Option<f64>,
    pub href: Option<String>,
    pub kind: AreaKind,
}

/// A map of areas, the filled ones coloured in classes of their values.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// Prefix of the ids in the drawing; must be unique in the page.
    pub id: String,
    pub title: String,
    /// What the colours show, heading the legend.
    pub legend: String,
    pub unit: Unit,
    pub areas: Vec<MapArea>,
}

type Ring = Vec<(f64, f64)>;

enum Shape {
    /// Polygons, each an outer ring followed by its holes.
    Polygons(Vec<Vec<Ring>>),
    Points(Vec<(f64, f64)>),
}

impl Shape {
    fn positions(&self) -> Box<dyn Iterator<Item = (f64, f64)> + '_> {
        match self {
            Shape::Polygons(polygons) => Box::new(polygons.iter().flatten().flatten().copied()),
            Shape::Points(points) => Box::new(points.iter().copied()),
        }
    }

    /// Area-weighted centroid of the outer rings; the mean of the vertices when they enclose
    /// nothing.
    fn centroid(&self) -> Option<(f64, f64)> {
        let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
        if let Shape::Polygons(polygons) = self {
            for outer in polygons.iter().filter_map(|p| p.first()) {
                for pair in outer
                    .windows(2)
                    .chain(std::iter::once(&[outer[outer.len() - 1], outer[0]][..]))
                {
                    let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                    let cross = x0 * y1 - x1 * y0;
                    area += cross;
                    cx += (x0 + x1) * cross;
                    cy += (y0 + y1) * cross;
                }
            }
        }
        if area.abs() > 1e-15 {
            return Some((cx / (3.0 * area), cy / (3.0 * area)));
        }
        let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
        for (x, y) in self.positions() {
            n += 1.0;
            sx += x;
            sy += y;
        }
        (n > 0.0).then(|| (sx / n, sy / n))
    }
}

fn position(value: &Value) -> Option<(f64, f64)> {
    let pair = value.as_array()?;
    let lon = pair.first()?.as_f64()?;
    let lat = pair.get(1)?.as_f64()?;
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some((lon, lat))
}

fn ring(value: &Value) -> Option<Ring> {
    let ring = value
        .as_array()?
        .iter()
        .map(position)
        .collect::<Option<Ring>>()?;
    (ring.len() >= 3).then_some(ring)
}

fn polygon(value: &Value) -> Option<Vec<Ring>> {
    let rings = value
        .as_array()?
        .iter()
        .map(ring)
        .collect::<Option<Vec<Ring>>>()?;
    (!rings.is_empty()).then_some(rings)
}

fn parse_geometry(text: &str) -> Option<Shape> {
    let value: Value = serde_json::from_str(text).ok()?;
    let geometry = match value.get("type")?.as_str()? {
        "Feature" => value.get("geometry")?,
        _ => &value,
    };
    let coordinates = geometry.get("coordinates")?;
    match geometry.get("type")?.as_str()? {
        "Polygon" => Some(Shape::Polygons(vec![polygon(coordinates)?])),
        "MultiPolygon" => {
            let polygons = coordinates
                .as_array()?
                .iter()
                .map(polygon)
                .collect::<Option<Vec<_>>>()?;
            (!polygons.is_empty()).then_some(Shape::Polygons(polygons))
        }
        "Point" => Some(Shape::Points(vec![position(coordinates)?])),
        "MultiPoint" => {
            let points = coordinates
                .as_array()?
                .iter()
                .map(position)
                .collect::<Option<Vec<_>>>()?;
            (!points.is_empty()).then_some(Shape::Points(points))
        }
        _ => None,
    }
}

const WIDTH: f64 = 800.0;
const MAX_MAP_HEIGHT: f64 = 600.0;
const MARGIN: f64 = 10.0;
const LEGEND_LINE: f64 = 22.0;

/// Equirectangular projection, longitudes shrunk by the cosine of the mean latitude so that
/// shapes keep their proportions at the basin's latitude, fitted into the drawing.
struct Fit {
    shrink: f64,
    min_x: f64,
    max_y: f64,
    scale: f64,
    offset_x: f64,
    offset_y: f64,
    height: f64,
}

impl Fit {
    fn new(shapes: &[&Shape]) -> Option<Fit> {
        let positions: Vec<(f64, f64)> = shapes.iter().flat_map(|s| s.positions()).collect();
        let min_lat = positions.iter().map(|p| p.1).reduce(f64::min)?;
        let max_lat = positions.iter().map(|p| p.1).reduce(f64::max)?;
        let shrink = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.01);
        let min_x = positions.iter().map(|p| p.0 * shrink).reduce(f64::min)?;
        let max_x = positions.iter().map(|p| p.0 * shrink).reduce(f64::max)?;
        let (min_y, max_y) = (min_lat, max_lat);
        // A lone point has no extent: give it a small one so it lands in the middle.
        let span_x = (max_x - min_x).max(1e-3);
        let span_y = (max_y - min_y).max(1e-3);
        let inner_width = WIDTH - 2.0 * MARGIN;
        let scale = (inner_width / span_x).min(MAX_MAP_HEIGHT / span_y);
        let height = span_y * scale + 2.0 * MARGIN;
        Some(Fit {
            shrink,
            min_x,
            max_y,
            scale,
            offset_x: MARGIN + (inner_width - (max_x - min_x) * scale) / 2.0,
            offset_y: MARGIN + (span_y - (max_y - min_y)) * scale / 2.0,
            height,
        })
    }

    fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (
            self.offset_x + (lon * self.shrink - self.min_x) * self.scale,
            self.offset_y + (self.max_y - lat) * self.scale,
        )
    }

    fn path(&self, polygons: &[Vec<Ring>]) -> String {
        let mut d = String::new();
        for ring in polygons.iter().flatten() {
            let mut last = String::new();
            for (i, position) in ring.iter().enumerate() {
                let (x, y) = self.project(*position);
                let point = format!("{} {}", num(x), num(y));
                // Rounding merges nearby vertices; repeating them only adds bytes.
                if point == last {
                    continue;
                }
                d.push(if i == 0 { 'M' } else { 'L' });
                d.push_str(&point);
                last = point;
            }
            d.push('Z');
        }
        d
    }
}

fn area_title(area: &MapArea, unit: &Unit) -> String {
    match area.value.filter(|v| v.is_finite()) {
        Some(value) => format!("{}\u{a0}: {}", area.name, unit.format(value)),
        None if area.kind == AreaKind::Fill => format!("{}\u{a0}: pas de donnée", area.name),
        None => area.name.clone(),
    }
}

fn linked(href: Option<&str>, inner: String) -> String {
    match svg::safe_href(href) {
        Some(href) => format!("<a href=\"{href}\">{inner}</a>"),
        None => inner,
    }
}

/// Draws the map. Without any readable area, a drawing saying "Aucune donnée".
pub fn choropleth(map: &Map) -> String {
    let parsed: Vec<(&MapArea, Shape)> = map
        .areas
        .iter()
        .filter_map(|a| parse_geometry(&a.geometry).map(|s| (a, s)))
        .filter(|(a, s)| a.kind == AreaKind::Point || matches!(s, Shape::Polygons(_)))
        .collect();
    let shapes: Vec<&Shape> = parsed.iter().map(|(_, s)| s).collect();
    let Some(fit) = Fit::new(&shapes) else {
        return svg::no_data(&map.id, &map.title);
    };

    let fills: Vec<&(&MapArea, Shape)> = parsed
        .iter()
        .filter(|(a, _)| a.kind == AreaKind::Fill)
        .collect();
    let values: Vec<f64> = fills
        .iter()
        .filter_map(|(a, _)| a.value)
        .filter(|v| v.is_finite())
        .collect();
    let classes = Classes::of(&values);
    let missing = fills.len() - values.len();

    let legend_rows = classes.len() + usize::from(missing > 0);
    let legend_top = fit.height + 10.0;
    let height = legend_top + 24.0 + legend_rows as f64 * LEGEND_LINE + MARGIN;

    let mut out = svg::open(
        &map.id,
        &map.title,
        &description(map, &parsed, &values),
        WIDTH,
        height,
    );

    let by_kind = |kind: AreaKind| parsed.iter().filter(move |(a, _)| a.kind == kind);
    out.push_str("<g class=\"map-fill\">");
    for (area, shape) in by_kind(AreaKind::Fill) {
        let Shape::Polygons(polygons) = shape else {
            continue;
        };
        let fill = area
            .value
            .and_then(|v| classes.class_of(v))
            .map_or(NO_DATA, |class| classes.colour(class));
        let path = format!(
            "<path d=\"{}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"#fff\" stroke-width=\"0.8\" \
             data-area=\"{}\"><title>{}</title></path>",
            fit.path(polygons),
            area.id,
            escape(&area_title(area, &map.unit))
        );
        out.push_str(&linked(area.href.as_deref(), path));
    }
    out.push_str("</g><g class=\"map-outline\">");
    for (area, shape) in by_kind(AreaKind::Outline) {
        let Shape::Polygons(polygons) = shape else {
            continue;
        };
        let path = format!(
            "<path d=\"{}\" fill=\"none\" fill-rule=\"evenodd\" stroke=\"{GREY_DARK}\" stroke-width=\"1.5\" \
             data-area=\"{}\"><title>{}</title></path>",
            fit.path(polygons),
            area.id,
            escape(&area_title(area, &map.unit))
        );
        out.push_str(&linked(area.href.as_deref(), path));
    }
    out.push_str("</g><g class=\"map-points\">");
    for (area, shape) in by_kind(AreaKind::Point) {
        let Some(centre) = shape.centroid() else {
            continue;
        };
        let (x, y) = fit.project(centre);
        let marker = format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{GREY_DARK}\" stroke=\"#fff\" stroke-width=\"1.5\" \
             data-area=\"{}\"><title>{}</title></circle>",
            num(x),
            num(y),
            area.id,
            escape(&area_title(area, &map.unit))
        );
        out.push_str(&linked(area.href.as_deref(), marker));
    }
    out.push_str("</g>");

    out.push_str(&format!(
        "<g class=\"legend\"><text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"{GREY_DARK}\">{}</text>",
        num(MARGIN),
        num(legend_top + 14.0),
        escape(&map.legend)
    ));
    let mut entries: Vec<(&str, String)> = (0..classes.len())
        .map(|i| (classes.colour(i), classes.label(i, &map.unit)))
        .collect();
    if missing > 0 {
        entries.push((NO_DATA, "Pas de donnée".to_owned()));
    }
    for (i, (colour, label)) in entries.iter().enumerate() {
        let y = legend_top + 24.0 + i as f64 * LEGEND_LINE;
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"14\" fill=\"{colour}\" stroke=\"{GREY}\" stroke-width=\"0.5\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{GREY_DARK}\">{}</text>",
            num(MARGIN),
            num(y),
            num(MARGIN + 24.0),
            num(y + 11.5),
            escape(label)
        ));
    }
    out.push_str("</g>");
    svg::close(&mut out);
    out
}

fn description(map: &Map, parsed: &[(&MapArea, Shape)], values: &[f64]) -> String {
    let count = |kind: AreaKind| parsed.iter().filter(|(a, _)| a.kind == kind).count();
    let fills = count(AreaKind::Fill);
    let mut desc = format!(
        "Carte de {fills} territoire{}",
        if fills > 1 { "s" } else { "" }
    );
    if values.is_empty() {
        desc.push_str(", sans valeur.");
    } else {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        desc.push_str(&format!(
            " colorés selon «\u{a0}{}\u{a0}», de {} à {}",
            map.legend,
            map.unit.format(min),
            map.unit.format(max)
        ));
        if fills > values.len() {
            desc.push_str(&format!("\u{a0}; {} sans donnée", fills - values.len()));
        }
        desc.push('.');
        if let Some((top, _)) = parsed
            .iter()
            .filter(|(a, _)| a.kind == AreaKind::Fill)
            .filter_map(|(a, _)| a.value.filter(|v| v.is_finite()).map(|v| (a, v)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
        {
            desc.push_str(&format!(
                " Valeur la plus élevée\u{a0}: {}.",
                area_title(top, &map.unit)
            ));
        }
    }
    let outlines = count(AreaKind::Outline);
    if outlines > 0 {
        desc.push_str(&format!(
            " {outlines} limite{} tracée{}.",
            plural(outlines),
            plural(outlines)
        ));
    }
    let points = count(AreaKind::Point);
    if points > 0 {
        desc.push_str(&format!(
            " {points} point{} repéré{}.",
            plural(points),
            plural(points)
        ));
    }
    desc
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::classes::RAMP;
    use crate::test_util::{elements, parse, title_of};

    fn square(lon: f64, lat: f64, size: f64) -> String {
        format!(
            "{{\"type\":\"Polygon\",\"coordinates\":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}",
            lon + size,
            lon + size,
            lat + size,
            lat + size
        )
    }

    fn area(id: i64, name: &str, geometry: String, value: Option<f64>) -> MapArea {
        MapArea {
            id,
            name: name.into(),
            geometry,
            value,
            href: None,
            kind: AreaKind::Fill,
        }
    }

    fn map(areas: Vec<MapArea>) -> Map {
        Map {
            id: "carte".into(),
            title: "Logements par commune".into(),
            legend: "Logements réhabilités".into(),
            unit: Unit::Count("logements".into()),
            areas,
        }
    }

    fn ramp_index(fill: &str) -> usize {
        RAMP.iter().position(|c| *c == fill).unwrap()
    }

    #[test]
    fn two_squares_side_by_side() {
        let mut lens = area(1, "Lens", square(2.8, 50.4, 0.1), Some(200.0));
        lens.href = Some("/communes/62498".into());
        let lievin = area(2, "Liévin", square(2.7, 50.4, 0.1), Some(50.0));
        let svg = choropleth(&map(vec![lens, lievin]));
        let doc = parse(&svg);
        let paths: Vec<_> = elements(&doc, "path").collect();
        assert_eq!(paths.len(), 2);
        let (lens, lievin) = (paths[0], paths[1]);
        assert!(
            ramp_index(lens.attribute("fill").unwrap())
                > ramp_index(lievin.attribute("fill").unwrap())
        );
        assert_eq!(lens.attribute("fill-rule"), Some("evenodd"));
        assert_eq!(lens.parent_element().unwrap().tag_name().name(), "a");
        assert_eq!(
            lens.parent_element().unwrap().attribute("href"),
            Some("/communes/62498")
        );
        assert_ne!(lievin.parent_element().unwrap().tag_name().name(), "a");
        assert_eq!(title_of(lens).unwrap(), "Lens\u{A0}: 200\u{A0}logements");

        // Lens lies east of Liévin, so its path is further right; both share the same rows.
        let xs = |p: roxmltree::Node<'_, '_>| -> Vec<f64> {
            p.attribute("d")
                .unwrap()
                .split(['M', 'L', 'Z'])
                .filter(|s| !s.is_empty())
                .map(|s| s.split(' ').next().unwrap().parse().unwrap())
                .collect()
        };
        let lens_min = xs(lens).into_iter().fold(f64::INFINITY, f64::min);
        let lievin_max = xs(lievin).into_iter().fold(f64::NEG_INFINITY, f64::max);
        assert!(
            (lens_min - lievin_max).abs() < 0.2,
            "{lens_min} vs {lievin_max}"
        );
        // Taller than wide once longitudes are shrunk, so the pair is centred horizontally.
        let right = xs(lens).into_iter().fold(0.0, f64::max);
        let left = xs(lievin).into_iter().fold(f64::INFINITY, f64::min);
        assert!((left + right - WIDTH).abs() < 0.3, "{left} {right}");
        assert!(left > MARGIN);
    }

    #[test]
    fn coordinates_are_rounded_to_one_decimal() {
        let svg = choropleth(&map(vec![area(
            1,
            "A",
            square(2.81234567, 50.41234567, 0.0345678),
            Some(1.0),
        )]));
        let doc = parse(&svg);
        let d = elements(&doc, "path")
            .next()
            .unwrap()
            .attribute("d")
            .unwrap();
        for number in d.split(['M', 'L', 'Z', ' ']).filter(|s| !s.is_empty()) {
            let decimals = number.split_once('.').map_or(0, |(_, f)| f.len());
            assert!(decimals <= 1, "{number} in {d}");
        }
    }

    #[test]
    fn latitude_grows_upwards() {
        let north = area(1, "Nord", square(2.8, 50.6, 0.1), Some(1.0));
        let south = area(2, "Sud", square(2.8, 50.3, 0.1), Some(1.0));
        let svg = choropleth(&map(vec![north, south]));
        let doc = parse(&svg);
        let first_y = |p: roxmltree::Node<'_, '_>| -> f64 {
            let d = p.attribute("d").unwrap();
            d[1..]
                .split(['L', 'Z'])
                .next()
                .unwrap()
                .split(' ')
                .nth(1)
                .unwrap()
                .parse()
                .unwrap()
        };
        let paths: Vec<_> = elements(&doc, "path").collect();
        assert!(first_y(paths[0]) < first_y(paths[1]));
    }

    #[test]
    fn classes_follow_quantiles_and_missing_values_are_grey() {
        let areas: Vec<MapArea> = (0..10)
            .map(|i| {
                area(
                    i,
                    &format!("C{i}"),
                    square(2.3 + 0.1 * i as f64, 50.4, 0.1),
                    Some(i as f64 * 10.0),
                )
            })
            .chain([area(99, "Inconnue", square(3.5, 50.6, 0.1), None)])
            .collect();
        let svg = choropleth(&map(areas));
        let doc = parse(&svg);
        let fills: Vec<&str> = elements(&doc, "path")
            .map(|p| p.attribute("fill").unwrap())
            .collect();
        assert_eq!(fills.len(), 11);
        assert_eq!(fills[0], RAMP[0]);
        assert_eq!(fills[9], RAMP[4]);
        let indices: Vec<usize> = fills[..10].iter().map(|f| ramp_index(f)).collect();
        assert!(indices.windows(2).all(|w| w[0] <= w[1]), "{indices:?}");
        assert_eq!(fills[10], NO_DATA);
        let legend: Vec<&str> = elements(&doc, "text").filter_map(|t| t.text()).collect();
        assert!(legend.contains(&"Pas de donnée"));
        assert!(legend.contains(&"0\u{A0}logements"), "{legend:?}");
        assert!(legend.contains(&"10 – 30\u{A0}logements"), "{legend:?}");
        assert_eq!(
            elements(&doc, "rect").count(),
            6,
            "zero, four quantile classes and the no-data box"
        );
    }

    /// The basin's communes: most receive nothing, a few a great deal. Zero used to share one
    /// class with everything up to the maximum, painting every commune alike.
    #[test]
    fn mostly_zero_money_still_shows_its_spread() {
        let values = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5e6, 3e7, 2e8, 1.92e10];
        let areas: Vec<MapArea> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                area(
                    i as i64,
                    &format!("C{i}"),
                    square(2.3 + 0.1 * i as f64, 50.4, 0.1),
                    Some(*v),
                )
            })
            .collect();
        let mut m = map(areas);
        m.unit = Unit::Euros;
        let svg = choropleth(&m);
        let doc = parse(&svg);
        let fills: Vec<&str> = elements(&doc, "path")
            .map(|p| p.attribute("fill").unwrap())
            .collect();
        assert_eq!(fills[0], RAMP[0]);
        assert_eq!(fills[9], RAMP[4]);
        let distinct: std::collections::BTreeSet<&str> = fills.iter().copied().collect();
        assert_eq!(distinct.len(), 5, "{fills:?}");
        let legend: Vec<&str> = elements(&doc, "text").filter_map(|t| t.text()).collect();
        assert_eq!(legend[1], "0\u{A0}€", "{legend:?}");
        assert_eq!(legend.last(), Some(&"192\u{A0}M€"), "{legend:?}");
    }

    #[test]
    fn equal_values_make_one_class() {
        let svg = choropleth(&map(vec![
            area(1, "A", square(2.8, 50.4, 0.1), Some(5.0)),
            area(2, "B", square(2.9, 50.4, 0.1), Some(5.0)),
        ]));
        let doc = parse(&svg);
        assert_eq!(elements(&doc, "rect").count(), 1);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn invalid_geometry_is_skipped() {
        let svg = choropleth(&map(vec![
            area(1, "Bonne", square(2.8, 50.4, 0.1), Some(1.0)),
            area(
                2,
                "Tronquée",
                "{\"type\":\"Polygon\",\"coordinates\":[[[2.8,".into(),
                Some(2.0),
            ),
            area(
                3,
                "Lambert",
                square(700_000.0, 7_000_000.0, 1000.0),
                Some(3.0),
            ),
            area(
                4,
                "Vide",
                "{\"type\":\"Polygon\",\"coordinates\":[]}".into(),
                Some(4.0),
            ),
            area(
                5,
                "Ligne",
                "{\"type\":\"LineString\",\"coordinates\":[[2,50],[3,51]]}".into(),
                None,
            ),
        ]));
        let doc = parse(&svg);
        assert_eq!(elements(&doc, "path").count(), 1);
        assert_eq!(
            choropleth(&map(vec![area(1, "Rien", "pas du JSON".into(), None)])),
            svg::no_data("carte", "Logements par commune")
        );
    }

    #[test]
    fn multipolygons_with_holes_outlines_and_points() {
        let holed = "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[2.3,50.2],[3.8,50.2],[3.8,50.8],[2.3,50.8],[2.3,50.2]],\
                     [[2.9,50.4],[3.1,50.4],[3.1,50.6],[2.9,50.6],[2.9,50.4]]],\
                     [[[3.5,50.3],[3.6,50.3],[3.6,50.4],[3.5,50.3]]]]}";
        let mut epci = area(10, "CALL", square(2.7, 50.35, 0.3), None);
        epci.kind = AreaKind::Outline;
        let mut cite = area(20, "Cité 12", square(2.8, 50.4, 0.02), Some(350.0));
        cite.kind = AreaKind::Point;
        cite.href = Some("/cites/20".into());
        let mut point = area(
            21,
            "Cité 9",
            "{\"type\":\"Point\",\"coordinates\":[3.0,50.5]}".into(),
            None,
        );
        point.kind = AreaKind::Point;
        let svg = choropleth(&map(vec![
            cite,
            point,
            epci,
            area(1, "Bassin", holed.into(), Some(7.0)),
        ]));
        let doc = parse(&svg);

        let paths: Vec<_> = elements(&doc, "path").collect();
        assert_eq!(paths.len(), 2);
        // Fills come first so outlines are drawn over them.
        assert_eq!(paths[1].attribute("fill"), Some("none"));
        assert_eq!(paths[0].attribute("d").unwrap().matches('M').count(), 3);

        let markers: Vec<_> = elements(&doc, "circle").collect();
        assert_eq!(markers.len(), 2);
        assert_eq!(
            markers[0].parent_element().unwrap().attribute("href"),
            Some("/cites/20")
        );
        assert_eq!(
            title_of(markers[0]).unwrap(),
            "Cité 12\u{A0}: 350\u{A0}logements"
        );
        // The centroid of the 0.02° square centred on (2.81, 50.41) maps inside the drawing.
        let cx: f64 = markers[0].attribute("cx").unwrap().parse().unwrap();
        assert!(cx > MARGIN && cx < WIDTH - MARGIN);
        let desc = elements(&doc, "desc").next().unwrap().text().unwrap();
        assert!(
            desc.contains("1 limite tracée") && desc.contains("2 points repérés"),
            "{desc}"
        );
    }

    #[test]
    fn hostile_names_and_links_are_escaped() {
        let mut evil = area(
            1,
            "<script>alert(1)</script>",
            square(2.8, 50.4, 0.1),
            Some(1.0),
        );
        evil.href = Some("/x?a=<b>&c='d'".into());
        let mut m = map(vec![evil]);
        m.legend = "\"><script>".into();
        let svg = choropleth(&m);
        assert!(!svg.contains("<script>"));
        let doc = parse(&svg);
        let path = elements(&doc, "path").next().unwrap();
        assert_eq!(
            title_of(path).unwrap(),
            "<script>alert(1)</script>\u{A0}: 1\u{A0}logements"
        );
        assert_eq!(
            path.parent_element().unwrap().attribute("href"),
            Some("/x?a=<b>&c='d'")
        );
    }

    #[test]
    fn euro_legend_uses_short_amounts() {
        let mut m = map(vec![
            area(1, "A", square(2.8, 50.4, 0.1), Some(150_000_000.0)),
            area(2, "B", square(2.9, 50.4, 0.1), Some(1_250_000_000.0)),
        ]);
        m.unit = Unit::Euros;
        let svg = choropleth(&m);
        let doc = parse(&svg);
        let texts: Vec<&str> = elements(&doc, "text").filter_map(|t| t.text()).collect();
        assert!(
            texts.iter().any(|t| t.ends_with("12,5\u{A0}M€")),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with("1,5\u{A0}M€")),
            "{texts:?}"
        );
    }
}
