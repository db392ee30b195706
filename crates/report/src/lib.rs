//! Drawings of renouveau: data in, SVG text out, for the web pages and the PDF report.
//!
//! Every drawing is a pure function returning a self-contained `<svg>` element that fits the
//! page's Content-Security-Policy (no inline style, only presentation attributes and classes),
//! carries a `<title>` and a French `<desc>` for assistive technologies, and scales to the width
//! of its container. Numbers are written the French way (see [`format`]).
//!
//! - [`bars`]: horizontal stacked bars, one row per label;
//! - [`series`]: a dated series with its target and its projection;
//! - [`pace`]: the least-squares pace of a series and when it reaches its target;
//! - [`map`]: a choropleth of GeoJSON areas, with boundaries and point markers on top, coloured
//!   by classes (`classes`: zero on its own, then quantiles of the other values).

pub mod bars;
mod classes;
pub mod format;
pub mod map;
pub mod pace;
pub mod series;
mod svg;

#[cfg(test)]
mod test_util;

pub use bars::{BarChart, BarRow, Unit, bar_chart};
pub use format::{escape, french_number, short_euros};
pub use map::{AreaKind, Map, MapArea, choropleth};
pub use pace::{Projection, on_track, project};
pub use series::{SeriesChart, series_chart};
