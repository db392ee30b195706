//! Placing the ERBM cités in their commune and naming their landlord.

use std::collections::HashMap;

use crate::keys::comparable_name;

use super::geometry::{self, Outline};

/// A commune a cité may belong to.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub code: &'a str,
    /// Member of one of the 8 ERBM EPCIs.
    pub erbm: bool,
    pub outline: Option<&'a Outline>,
}

/// The communes of the two départements by comparable name.
#[derive(Debug, Default)]
pub struct CommuneIndex<'a> {
    by_name: HashMap<String, Vec<Candidate<'a>>>,
}

impl<'a> CommuneIndex<'a> {
    pub fn add(&mut self, name: &str, candidate: Candidate<'a>) {
        self.by_name
            .entry(comparable_name(name))
            .or_default()
            .push(candidate);
    }

    /// The INSEE code of the commune of a cité whose first commune is written `commune_1`
    /// (upper case, no accents). A name shared by several communes is settled by preferring the
    /// ERBM communes, then by the cité's position; a name not found at all, by position alone.
    pub fn place(&self, commune_1: Option<&str>, outline: Option<&Outline>) -> Option<&'a str> {
        let named: &[Candidate<'a>] = commune_1
            .and_then(|n| self.by_name.get(&comparable_name(n)))
            .map_or(&[], Vec::as_slice);
        if let [only] = named {
            return Some(only.code);
        }
        let erbm: Vec<&Candidate<'a>> = named.iter().filter(|c| c.erbm).collect();
        if let [only] = erbm.as_slice() {
            return Some(only.code);
        }
        let point = outline.and_then(geometry::inner_point)?;
        let inside = |c: &&Candidate<'a>| c.outline.is_some_and(|o| geometry::contains(o, &point));
        if named.is_empty() {
            self.by_name.values().flatten().find(inside).map(|c| c.code)
        } else {
            named.iter().find(inside).map(|c| c.code)
        }
    }
}

/// The natural key of the bundled organisation owning a cité's dwellings, when it is one landlord.
pub fn landlord_key(proprietaire: Option<&str>) -> Option<&'static str> {
    match comparable_name(proprietaire?).as_str() {
        "MAISONS ET CITES" => Some("maisons-et-cites"),
        "SIA" | "SIA HABITAT" => Some("sia-habitat"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_names_prefer_erbm_communes() {
        let mut index = CommuneIndex::default();
        let c = |code, erbm| Candidate {
            code,
            erbm,
            outline: None,
        };
        index.add("Hénin-Beaumont", c("62427", true));
        index.add("Fontaine", c("59001", false));
        index.add("Fontaine", c("62002", true));
        assert_eq!(index.place(Some("HENIN-BEAUMONT"), None), Some("62427"));
        assert_eq!(index.place(Some("FONTAINE"), None), Some("62002"));
        assert_eq!(index.place(Some("NULLE-PART"), None), None);
    }

    #[test]
    fn landlords() {
        assert_eq!(
            landlord_key(Some("Maisons et Cités")),
            Some("maisons-et-cites")
        );
        assert_eq!(landlord_key(Some("SIA")), Some("sia-habitat"));
        assert_eq!(landlord_key(Some("Maisons et Cités / SIA")), None);
        assert_eq!(landlord_key(None), None);
    }
}
