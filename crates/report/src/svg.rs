//! Pieces shared by the drawings: the accessible root element, numbers for coordinates, links.

use crate::format::escape;

pub(crate) const BLUE_FRANCE: &str = "#000091";
pub(crate) const BLUE_MAIN: &str = "#6a6af4";
pub(crate) const BLUE_LIGHT: &str = "#cacafb";
pub(crate) const BLUE_LIGHTER: &str = "#e3e3fd";
pub(crate) const GREY_DARK: &str = "#3a3a3a";
pub(crate) const GREY: &str = "#666";
pub(crate) const GREY_LIGHT: &str = "#ddd";
pub(crate) const NO_DATA: &str = "#eee";
pub(crate) const FONT: &str = "Marianne, Arial, sans-serif";

/// Writes a coordinate with at most one decimal, which is plenty on a viewBox hundreds of units
/// wide and keeps the drawing small.
pub(crate) fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let rounded = (value * 10.0).round() / 10.0;
    let text = format!("{rounded:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Opens the root element with its title and description; close it with [`close`].
pub(crate) fn open(id: &str, title: &str, desc: &str, width: f64, height: f64) -> String {
    let id = escape(id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" \
         font-family=\"{FONT}\" class=\"renouveau-chart\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        w = num(width),
        h = num(height),
        title = escape(title),
        desc = escape(desc),
    )
}

pub(crate) fn close(svg: &mut String) {
    svg.push_str("</svg>");
    // A drawing with links is a group of controls, not one image: an image role would hide the
    // links from assistive technologies.
    if svg.contains("<a href=") {
        *svg = svg.replacen("role=\"img\"", "role=\"group\"", 1);
    }
}

/// A drawing that only says there is nothing to draw.
pub(crate) fn no_data(id: &str, title: &str) -> String {
    let mut svg = open(id, title, "Aucune donnée.", 400.0, 60.0);
    svg.push_str(&format!(
        "<text x=\"200\" y=\"35\" text-anchor=\"middle\" font-size=\"14\" fill=\"{GREY_DARK}\">Aucune donnée</text>"
    ));
    close(&mut svg);
    svg
}

/// The escaped link target, or `None` for a scheme that would run code when followed.
pub(crate) fn safe_href(href: Option<&str>) -> Option<String> {
    let href = href?.trim();
    if href.is_empty() {
        return None;
    }
    let scheme: String = href
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    if ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|s| scheme.starts_with(s))
    {
        return None;
    }
    Some(escape(href))
}

/// Shortens a label to `max` characters, ending with an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> (String, bool) {
    if text.chars().count() <= max {
        return (text.to_owned(), false);
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short = short.trim_end().to_owned();
    short.push('…');
    (short, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_one_decimal_at_most() {
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn dangerous_links_are_dropped() {
        assert_eq!(safe_href(Some("javascript:alert(1)")), None);
        assert_eq!(safe_href(Some(" JavaScript:alert(1)")), None);
        assert_eq!(safe_href(Some("java\tscript:alert(1)")), None);
        assert_eq!(safe_href(Some("")), None);
        assert_eq!(
            safe_href(Some("/communes/59350?a=1&b=2")).as_deref(),
            Some("/communes/59350?a=1&amp;b=2")
        );
    }

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(truncate("abcdef", 4), ("abc…".to_owned(), true));
        assert_eq!(truncate("abc", 4), ("abc".to_owned(), false));
    }
}
