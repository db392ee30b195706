//! French typography on every page: every GET page of the route catalogue, on the bundled
//! programme, as a visitor and as an administrator, read as the text a person sees, must keep
//! these rules (the spaces they ask for are no-break, U+00A0 or the narrow U+202F, so that a
//! line never starts with the sign):
//!
//! 1. before `:` `;` `!` `?`, a no-break space;
//! 2. after « and before », a no-break space;
//! 3. between a number and a unit sign (€, M€, k€, %, km², m², kWh), one no-break space.
//!
//! What is not French text is left out: tags and their attributes (URLs, ids, classes, form
//! values), `<script>`, `<style>`, `<code>` and `<pre>` (commands, identifiers), `<textarea>`
//! (what a person typed, sent back as typed), and URLs written in the text. `:` between two digits
//! is a time or a ratio (`10:30`), not punctuation; `!` or `?` right after `!` or `?` is one
//! sign (`?!`). The text is cut into blocks at every tag but inline ones (`<a>`, `<strong>`,
//! `<span>`…), so that two table cells never read as one phrase, and a sign that opens a block
//! has no space to check.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use renouveau_domain::{
    Actor, Deliberation, FinancingLine, HousingFacet, Indicator, InsertionFacet, Operation,
    Organisation, Role, Territory,
};
use renouveau_store::query::MAX_PER_PAGE;
use renouveau_store::{Entity, ListQuery, accounts};
use renouveau_web::auth;

use crate::support::Bundled;

/// Which records the pages are asked about.
struct Ids {
    operations: Vec<i64>,
    /// (operation, line) of every financing line.
    lines: Vec<(i64, i64)>,
    /// Operations with a housing or insertion facet, and one without.
    with_facets: Vec<i64>,
    indicators: Vec<i64>,
    territories: Vec<i64>,
    organisations: Vec<i64>,
    deliberations: Vec<i64>,
}

async fn every<E: Entity>(app: &Bundled) -> Vec<renouveau_store::Record<E>> {
    let mut all = Vec::new();
    for page in 1.. {
        let found = app
            .db
            .records::<E>()
            .list(&ListQuery::default().page(page, MAX_PER_PAGE))
            .await
            .unwrap();
        let done = found.items.len() < MAX_PER_PAGE as usize;
        all.extend(found.items);
        if done {
            return all;
        }
    }
    all
}

fn ids_of<E>(records: &[renouveau_store::Record<E>]) -> Vec<i64> {
    records.iter().map(|r| r.id).collect()
}

impl Ids {
    async fn of(app: &Bundled) -> Self {
        let operations = ids_of(&every::<Operation>(app).await);
        let lines = every::<FinancingLine>(app)
            .await
            .iter()
            .map(|l| (l.data.operation_id, l.id))
            .collect();
        let mut with_facets: BTreeSet<i64> = every::<HousingFacet>(app)
            .await
            .iter()
            .map(|f| f.data.operation_id)
            .chain(
                every::<InsertionFacet>(app)
                    .await
                    .iter()
                    .map(|f| f.data.operation_id),
            )
            .collect();
        with_facets.extend(operations.iter().find(|id| !with_facets.contains(id)));
        // Every level of the territory tree, a few of each.
        let territories = every::<Territory>(app).await;
        let mut levels = std::collections::BTreeMap::<String, Vec<i64>>::new();
        for t in &territories {
            levels
                .entry(format!("{:?}", t.data.level))
                .or_default()
                .push(t.id);
        }
        let territories = levels
            .values()
            .flat_map(|ids| ids.iter().take(3).copied())
            .collect();
        Self {
            operations,
            lines,
            with_facets: with_facets.into_iter().collect(),
            indicators: ids_of(&every::<Indicator>(app).await),
            territories,
            organisations: ids_of(&every::<Organisation>(app).await),
            deliberations: ids_of(&every::<Deliberation>(app).await),
        }
    }

    /// The paths of a GET page route, filled with real ids.
    fn paths(&self, template: &str) -> Vec<String> {
        let each = |ids: &[i64], prefix: &str| -> Vec<String> {
            ids.iter().map(|id| format!("{prefix}{id}")).collect()
        };
        let with_suffix = |ids: &[i64], suffix: &str| -> Vec<String> {
            ids.iter()
                .map(|id| format!("/operations/{id}{suffix}"))
                .collect()
        };
        match template {
            "/operations/{id}" => each(&self.operations, "/operations/"),
            "/operations/{id}/modifier" => with_suffix(&self.with_facets, "/modifier"),
            "/operations/{id}/jalons" => with_suffix(&self.with_facets, "/jalons"),
            "/operations/{id}/volets" => with_suffix(&self.with_facets, "/volets"),
            "/operations/{id}/financements/{line_id}" => self
                .lines
                .iter()
                .map(|(operation, line)| format!("/operations/{operation}/financements/{line}"))
                .collect(),
            "/indicateurs/{id}" => each(&self.indicators, "/indicateurs/"),
            "/territoires/{id}" => each(&self.territories, "/territoires/"),
            "/partenaires/{id}" => each(&self.organisations, "/partenaires/"),
            "/historique/{entity}/{id}" => [
                each(&self.operations[..3], "/historique/operations/"),
                each(&self.organisations[..3], "/historique/organisations/"),
                each(&self.indicators[..3], "/historique/indicators/"),
                each(&self.territories[..3], "/historique/territories/"),
                each(&self.deliberations, "/historique/deliberations/"),
                self.lines[..3]
                    .iter()
                    .map(|(_, line)| format!("/historique/financing-lines/{line}"))
                    .collect(),
            ]
            .concat(),
            fixed if !fixed.contains('{') => {
                let mut paths = vec![fixed.to_string()];
                // The other views a page offers.
                match fixed {
                    "/" | "/conventions" | "/partenaires" | "/financements" => {
                        paths.push(format!("{fixed}?chiffres=valides"));
                    }
                    "/territoires" => paths.extend([
                        "/territoires?niveau=commune".to_string(),
                        "/territoires?couleur=operations&chiffres=valides".to_string(),
                    ]),
                    "/operations" => paths.push("/operations?page=2".to_string()),
                    _ => {}
                }
                paths
            }
            other => panic!("the typography test does not know how to fill {other}: teach it"),
        }
    }
}

/// Pages that are not French text.
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/static/")
        || path == "/healthz"
        || path == "/favicon.ico")
}

#[tokio::test]
async fn every_page_keeps_french_typography() {
    let app = Bundled::new().await;
    let ids = Ids::of(&app).await;
    let admin = admin_cookie(&app).await;
    let mut paths: Vec<String> = renouveau_web::route_catalogue()
        .iter()
        .filter(|route| route.method == axum::http::Method::GET && is_page(&route.path))
        .flat_map(|route| ids.paths(&route.path))
        .collect();
    paths.push("/nulle-part".into());

    let mut faults = BTreeSet::new();
    let mut pages = 0;
    for path in &paths {
        for (who, cookie) in [("visiteur", ""), ("administrateur", admin.as_str())] {
            let answer = app.get_with_cookie(path, cookie).await;
            let expected_missing = path == "/nulle-part";
            if answer.status.is_redirection() && cookie.is_empty() {
                continue; // a form page sends visitors to sign in
            }
            if answer.status == StatusCode::UNAUTHORIZED && cookie.is_empty() {
                continue; // the validation queue is for signed-in users
            }
            assert!(
                answer.status == StatusCode::OK || expected_missing,
                "{path} as {who}: {}",
                answer.status
            );
            pages += 1;
            for fault in faults_in(&answer.body) {
                // One line per fault and page, whoever saw it.
                faults.insert(format!("{path}: {fault}"));
            }
        }
    }
    println!("{pages} pages read");
    assert!(
        faults.is_empty(),
        "{} places break French typography (· marks an ordinary space, ∅ a missing one):\n{}",
        faults.len(),
        faults.into_iter().collect::<Vec<_>>().join("\n")
    );
}

async fn admin_cookie(app: &Bundled) -> String {
    let organisation = every::<Organisation>(app).await[0].id;
    let user = accounts::create_user(
        app.db.db(),
        &Actor::system("test"),
        "admin@exemple.fr",
        organisation,
        Role::Admin,
        None,
    )
    .await
    .unwrap();
    format!(
        "{}={}",
        auth::SESSION_COOKIE,
        auth::open_session(&app.db.store, &user).await.unwrap()
    )
}

/// Tags that do not end a phrase: text on both sides reads as one.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "data", "em", "i", "small", "span", "strong", "sub", "sup", "time", "tspan",
];

/// Elements whose content is not French text to check.
const SKIPPED: &[&str] = &["script", "style", "code", "pre", "textarea"];

/// The blocks of text of an HTML page, entities decoded, as the rules read them.
fn blocks(html: &str) -> Vec<String> {
    let mut blocks = vec![String::new()];
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        blocks.last_mut().unwrap().push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if tag.starts_with("!--") {
            let close = rest.find("-->").map_or(rest.len(), |i| i + 3);
            rest = &rest[close..];
            continue;
        }
        if !tag.starts_with('/') && SKIPPED.contains(&name.as_str()) {
            let close = format!("</{name}>");
            let after = rest.find(&close).map_or(rest.len(), |i| i + close.len());
            rest = &rest[after..];
            // What is left out stands for a word.
            blocks.last_mut().unwrap().push('x');
            continue;
        }
        if !INLINE.contains(&name.as_str()) {
            blocks.push(String::new());
        }
    }
    blocks.last_mut().unwrap().push_str(rest);
    blocks
        .iter()
        .map(|b| without_urls(&decode(b)))
        .filter(|b| !b.trim().is_empty())
        .collect()
}

fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let entity = &rest[start..];
        let Some(end) = entity.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &entity[1..];
            continue;
        };
        let name = &entity[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ if name.starts_with("#x") || name.starts_with("#X") => {
                u32::from_str_radix(&name[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &entity[end + 1..];
            }
            None => {
                out.push('&');
                rest = &entity[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text with each URL written in it replaced by a word.
fn without_urls(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = ["http://", "https://", "www."]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        out.push_str(&rest[..start]);
        out.push('x');
        let url = &rest[start..];
        let end = url
            .find(|c: char| c.is_whitespace() || c == '»')
            .unwrap_or(url.len());
        rest = &url[end..];
    }
    out.push_str(rest);
    out
}

fn is_no_break(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{202f}')
}

/// Unit signs written after a number, the longest first.
const UNITS: &[&str] = &["Md€", "M€", "k€", "€", "%", "km²", "m²", "kWh"];

/// Each place of `html` that breaks a rule, with what is around it.
fn faults_in(html: &str) -> Vec<String> {
    let mut faults = Vec::new();
    for block in blocks(html) {
        let chars: Vec<char> = block.chars().collect();
        let around = |at: usize| -> String {
            let from = at.saturating_sub(25);
            let to = (at + 25).min(chars.len());
            chars[from..to]
                .iter()
                .map(|&c| match c {
                    ' ' => '·',
                    '\n' | '\t' | '\r' => '↵',
                    '\u{a0}' | '\u{202f}' => ' ',
                    c => c,
                })
                .collect::<String>()
                .trim()
                .to_string()
        };
        for (i, &c) in chars.iter().enumerate() {
            let before = i.checked_sub(1).map(|b| chars[b]);
            let after = chars.get(i + 1).copied();
            let space = |c: Option<char>| match c {
                Some(c) if c.is_whitespace() && !is_no_break(c) => "·",
                _ => "∅",
            };
            match c {
                ':' | ';' | '!' | '?' => {
                    let Some(before) = before else { continue };
                    if is_no_break(before)
                        || (c == ':'
                            && before.is_ascii_digit()
                            && after.is_some_and(|a| a.is_ascii_digit()))
                        || (matches!(c, '!' | '?') && matches!(before, '!' | '?'))
                    {
                        continue;
                    }
                    faults.push(format!(
                        "{} avant « {c} » : {}",
                        space(Some(before)),
                        around(i)
                    ));
                }
                '«' if after.is_some_and(|a| !is_no_break(a)) => {
                    faults.push(format!("{} après « « » : {}", space(after), around(i)));
                }
                '»' if before.is_some_and(|b| !is_no_break(b)) => {
                    faults.push(format!("{} avant « » » : {}", space(before), around(i)));
                }
                d if d.is_ascii_digit() => {
                    let gap: String = chars[i + 1..]
                        .iter()
                        .take_while(|c| c.is_whitespace())
                        .collect();
                    let next: String = chars[i + 1 + gap.chars().count()..].iter().collect();
                    let Some(unit) = UNITS.iter().find(|u| next.starts_with(*u)) else {
                        continue;
                    };
                    // "m²" of "km²", "€" of "M€": the longest sign is the one written.
                    let ok = gap.chars().count() == 1 && gap.chars().all(is_no_break);
                    if !ok {
                        let shown = if gap.is_empty() { "∅" } else { "·" };
                        faults.push(format!(
                            "{shown} entre le nombre et « {unit} » : {}",
                            around(i)
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    faults
}

#[test]
fn the_rules_find_what_they_should_and_nothing_else() {
    let nb = '\u{a0}';
    let nnb = '\u{202f}';
    // Right.
    for right in [
        format!("<p>Total{nb}: 12{nnb}000{nb}€ et 5{nb}%{nb}; ouverture à 10:30</p>"),
        format!("<p>Titre{nb}?{nb}!? «{nb}Cité{nnb}» vu à 12{nb}M€</p>"),
        "<td>12</td><td>€</td>".to_string(),
        "<p>Voir <a href=\"/operations?q=a:b\">ici</a> et https://exemple.fr/a?b=c:d</p>".into(),
        "<code>renouveau territory import DOSSIER : x</code>".into(),
        "<textarea>texte saisi : tel quel</textarea>".into(),
        "<script>if (a ? b : c) {}</script><p>Bien</p>".into(),
        format!("<p>Coût{nb}: <strong>12</strong>{nb}€</p>"),
    ] {
        assert_eq!(faults_in(&right), Vec::<String>::new(), "{right}");
    }
    // Wrong.
    for (wrong, expected) in [
        ("<p>Total : 12</p>", "· avant « : »"),
        ("<p>Total: 12</p>", "∅ avant « : »"),
        ("<p>Vraiment ?</p>", "· avant « ? »"),
        ("<p>« Cité »</p>", "· après « « »"),
        ("<p>12 €</p>", "· entre le nombre et « € »"),
        ("<p>12€</p>", "∅ entre le nombre et « € »"),
        ("<p>50 %</p>", "· entre le nombre et « % »"),
        ("<p>3 M€</p>", "· entre le nombre et « M€ »"),
        ("<p>Montant&#39;s : <strong>x</strong></p>", "· avant « : »"),
        ("<p>Lien <a href=\"/\">ici</a> : là</p>", "· avant « : »"),
    ] {
        let found = faults_in(wrong);
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "{wrong}: {found:?}"
        );
    }
    assert_eq!(faults_in("<p>« Cité »</p>").len(), 2);
}
