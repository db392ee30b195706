//! Checks every drawing must pass, whatever it draws.

/// Parses the drawing as XML and checks the constraints of the page: accessible root, labelled
/// by its title and description, and no inline style anywhere.
pub(crate) fn parse(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("not well-formed XML ({e}): {svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let has_links = doc.descendants().any(|n| n.tag_name().name() == "a");
    let role = if has_links { "group" } else { "img" };
    assert_eq!(root.attribute("role"), Some(role));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert!(root.attribute("viewBox").is_some());
    let labelled_by = root.attribute("aria-labelledby").unwrap_or_default();
    for id in labelled_by.split_whitespace() {
        assert!(
            doc.descendants().any(|n| n.attribute("id") == Some(id)),
            "aria-labelledby names a missing id {id}"
        );
    }
    assert_eq!(labelled_by.split_whitespace().count(), 2);
    for node in doc.descendants() {
        assert!(node.attribute("style").is_none(), "inline style found");
        assert_ne!(node.tag_name().name(), "style", "style element found");
    }
    doc
}

/// Elements with the given tag name, in document order.
pub(crate) fn elements<'a, 'input>(
    doc: &'a roxmltree::Document<'input>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> + 'a {
    doc.descendants()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The text of an element's `<title>` child, if any.
pub(crate) fn title_of(node: roxmltree::Node<'_, '_>) -> Option<String> {
    node.children()
        .find(|c| c.tag_name().name() == "title")
        .and_then(|t| t.text())
        .map(str::to_owned)
}
