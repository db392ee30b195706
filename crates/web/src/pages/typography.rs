//! French typography of every page: the no-break spaces French asks for before `:` `;` `!` `?`
//! and `»`, after `«`, and between a number and its unit, so that no line starts with the sign.
//! Templates and formatters write them themselves (`&nbsp;`, `\u{a0}`); what people type and
//! what the data holds gets them from [`french_spacing`], which `layout::render` applies to the
//! text of every page.

/// Unit signs written after a number, the longest first.
const UNIT_SIGNS: &[&str] = &["Md€", "M€", "k€", "€", "%", "km²", "m²", "kWh"];

/// Elements whose content is left as it is: form values (sent back as typed), code, scripts.
const VERBATIM: &[&str] = &["textarea", "pre", "code", "script", "style"];

/// `html` with [`french_text`] applied to its text: tags and their attributes, comments and the
/// content of [`VERBATIM`] elements are kept byte for byte.
pub fn french_spacing(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 64);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&french_text(&rest[..start]));
        rest = &rest[start..];
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map_or(rest.len(), |e| e + 3)
        } else {
            rest.find('>').map_or(rest.len(), |e| e + 1)
        };
        let tag = &rest[..end];
        out.push_str(tag);
        rest = &rest[end..];
        let name: String = tag[1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if VERBATIM.contains(&name.as_str()) {
            let close = format!("</{name}");
            let until = find_ignoring_case(rest, &close).unwrap_or(rest.len());
            out.push_str(&rest[..until]);
            rest = &rest[until..];
        }
    }
    out.push_str(&french_text(rest));
    out
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Text as people typed it or as the data has it, with French spaces: a run of ordinary spaces
/// before `:` `;` `!` `?` `»`, after `«`, or between a number and a unit sign (€, %…) becomes
/// one no-break space. Nothing is added where the author put no space (« 10:30 », an address),
/// and nothing else changes.
pub fn french_text(text: &str) -> String {
    let may_bind = |c: char| matches!(c, ':' | ';' | '!' | '?' | '«' | '»' | '€' | '%' | '²' | 'W');
    if !text.contains(is_breaking_space) || !text.contains(may_bind) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_breaking_space(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let end = (i..chars.len())
            .find(|&j| !is_breaking_space(chars[j]))
            .unwrap_or(chars.len());
        let before = i.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(end).copied();
        let next: String = chars[end..chars.len().min(end + 3)].iter().collect();
        let binds = matches!(after, Some(':' | ';' | '!' | '?' | '»'))
            || before == Some('«')
            || (before.is_some_and(|b| b.is_ascii_digit())
                && UNIT_SIGNS.iter().any(|unit| next.starts_with(unit)));
        if binds && before.is_some() && after.is_some() {
            out.push('\u{a0}');
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

fn is_breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_gets_french_spaces() {
        assert_eq!(
            french_text("Cité : 12 logements ; « Barrois » 50 % et 3  M€ ?"),
            "Cité\u{a0}: 12 logements\u{a0}; «\u{a0}Barrois\u{a0}» 50\u{a0}% et 3\u{a0}M€\u{a0}?"
        );
        // Nothing added where there was no space, nothing changed elsewhere.
        for unchanged in [
            "à 10:30",
            "https://exemple.fr/?a=b",
            "Total:",
            "12 logements",
            " : début",
            "",
        ] {
            assert_eq!(french_text(unchanged), unchanged);
        }
    }

    #[test]
    fn only_the_text_of_a_page_changes() {
        let html = "<p title=\"a : b\">Coût : <strong>12 €</strong></p>\
                    <textarea name=\"d\">Tel quel : oui</textarea>\
                    <code>renouveau x : y</code><!-- a : b --><p>Fin !</p>";
        assert_eq!(
            french_spacing(html),
            "<p title=\"a : b\">Coût\u{a0}: <strong>12\u{a0}€</strong></p>\
             <textarea name=\"d\">Tel quel : oui</textarea>\
             <code>renouveau x : y</code><!-- a : b --><p>Fin\u{a0}!</p>"
        );
    }
}
