//! Outlines: conversion from GeoJSON, rounding, bounding boxes and the dissolve of EPCIs.

use geo::{BoundingRect, Contains, InteriorPoint, MapCoordsInPlace, MultiPolygon, Point, Polygon};

use crate::{IngestError, Result};

/// Every outline is handled as a multipolygon; a single polygon is written back as a Polygon.
pub type Outline = MultiPolygon<f64>;

/// The polygons of a feature's geometry. Anything but a (multi)polygon is refused.
pub fn outline(file: &str, index: usize, geometry: Option<&geojson::Geometry>) -> Result<Outline> {
    let bad = |reason: String| IngestError::data(file, 0, format!("feature {index}: {reason}"));
    let geometry = geometry.ok_or_else(|| bad("no geometry".into()))?;
    let converted = geo::Geometry::<f64>::try_from(&geometry.value)
        .map_err(|e| bad(format!("invalid geometry: {e}")))?;
    match converted {
        geo::Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p])),
        geo::Geometry::MultiPolygon(m) => Ok(m),
        other => Err(bad(format!(
            "expected a Polygon or MultiPolygon, found {}",
            geometry_type(&other)
        ))),
    }
}

fn geometry_type(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "a Point",
        geo::Geometry::MultiPoint(_) => "a MultiPoint",
        geo::Geometry::LineString(_) | geo::Geometry::Line(_) => "a LineString",
        geo::Geometry::MultiLineString(_) => "a MultiLineString",
        geo::Geometry::GeometryCollection(_) => "a GeometryCollection",
        _ => "another geometry",
    }
}

/// All the polygons of several outlines side by side, without merging them.
pub fn collect<'a>(outlines: impl IntoIterator<Item = &'a Outline>) -> Outline {
    MultiPolygon::new(
        outlines
            .into_iter()
            .flat_map(|m| m.0.iter().cloned())
            .collect(),
    )
}

/// The union of adjacent outlines: the contour of an EPCI from those of its communes.
pub fn dissolve<'a>(outlines: impl IntoIterator<Item = &'a Outline>) -> Outline {
    let polygons: Vec<&Polygon<f64>> = outlines.into_iter().flat_map(|m| m.0.iter()).collect();
    geo::unary_union(polygons)
}

/// Rounds to 5 decimals (about a metre), dropping the points that rounding makes repeat.
pub fn round(outline: &Outline) -> Outline {
    let mut rounded = outline.clone();
    rounded.map_coords_in_place(|c| geo::coord! { x: round5(c.x), y: round5(c.y) });
    let polygons = rounded
        .0
        .into_iter()
        .filter_map(|p| {
            let (exterior, interiors) = p.into_inner();
            let exterior = clean_ring(exterior)?;
            let interiors = interiors.into_iter().filter_map(clean_ring).collect();
            Some(Polygon::new(exterior, interiors))
        })
        .collect();
    MultiPolygon::new(polygons)
}

fn round5(v: f64) -> f64 {
    (v * 1e5).round() / 1e5
}

fn clean_ring(mut ring: geo::LineString<f64>) -> Option<geo::LineString<f64>> {
    ring.0.dedup();
    (ring.0.len() >= 4).then_some(ring)
}

/// `[min_lon, min_lat, max_lon, max_lat]`.
pub fn bbox(outline: &Outline) -> Option<[f64; 4]> {
    let r = outline.bounding_rect()?;
    Some([r.min().x, r.min().y, r.max().x, r.max().y])
}

/// The GeoJSON geometry text of an outline.
pub fn to_geojson(outline: &Outline) -> Result<String> {
    let value = match outline.0.as_slice() {
        [single] => geojson::Value::from(single),
        _ => geojson::Value::from(outline),
    };
    serde_json::to_string(&geojson::Geometry::new(value))
        .map_err(|e| IngestError::data("", 0, format!("cannot write a geometry: {e}")))
}

/// A point surely inside the outline (its centroid may fall outside a crescent-shaped cité).
pub fn inner_point(outline: &Outline) -> Option<Point<f64>> {
    outline.interior_point()
}

pub fn contains(outline: &Outline, point: &Point<f64>) -> bool {
    outline.contains(point)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn dissolving_two_adjacent_squares_gives_one_polygon() {
        let left = MultiPolygon::new(vec![
            polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)],
        ]);
        let right = MultiPolygon::new(vec![
            polygon![(x: 1., y: 0.), (x: 2., y: 0.), (x: 2., y: 1.), (x: 1., y: 1.)],
        ]);
        let union = dissolve([&left, &right]);
        assert_eq!(union.0.len(), 1);
        assert_eq!(bbox(&union), Some([0., 0., 2., 1.]));
        assert!(
            to_geojson(&union)
                .unwrap()
                .starts_with(r#"{"type":"Polygon""#)
        );
    }

    #[test]
    fn rounding_keeps_five_decimals() {
        let square = MultiPolygon::new(vec![polygon![
            (x: 0.123456, y: 0.), (x: 1., y: 0.), (x: 1., y: 1.000004), (x: 0., y: 1.)
        ]]);
        let text = to_geojson(&round(&square)).unwrap();
        assert!(text.contains("0.12346"), "{text}");
        assert!(!text.contains("1.000004"), "{text}");
    }
}
