//! The territory: region → département → EPCI → commune → cité minière, and any other zone.

use serde::{Deserialize, Serialize};

use crate::codes::{InseeCode, Siren};
use crate::error::{Checked, FieldError, FieldErrorKind, require_non_negative, require_text};
use crate::invariants::{Invariants, TITLE_MAX};
use crate::vocabulary;

vocabulary! {
    /// The level of a territory, from the largest to the smallest.
    TerritoryLevel {
        Region => "region", "Région";
        Departement => "departement", "Département";
        Epci => "epci", "Intercommunalité";
        Commune => "commune", "Commune";
        Cite => "cite", "Cité minière";
        Zone => "zone", "Zone";
    }
}

/// A place. Its `code` is the official one for its level: the INSEE code of a commune, the SIREN
/// of an EPCI, the département or region number, the Mission Bassin Minier `id_lsm` of a cité.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Territory {
    pub level: TerritoryLevel,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub population: Option<i64>,
    /// The social landlord owning a cité's dwellings.
    pub landlord_id: Option<i64>,
    /// Whether the cité is an element of the UNESCO world heritage property.
    pub unesco: bool,
    /// Priority tranche of a cité (`2018`, `2022`, `acceleration`).
    pub tranche: Option<String>,
}

impl Territory {
    /// A place with no landlord, not UNESCO, no tranche: what imports start from.
    pub fn new(
        level: TerritoryLevel,
        code: &str,
        name: &str,
        parent_id: Option<i64>,
        population: Option<i64>,
    ) -> Self {
        Self {
            level,
            code: code.to_string(),
            name: name.to_string(),
            parent_id,
            population,
            landlord_id: None,
            unesco: false,
            tranche: None,
        }
    }
}

impl Invariants for Territory {
    fn check(&self) -> Checked {
        require_text("name", &self.name, TITLE_MAX)?;
        require_text("code", &self.code, 20)?;
        let code_error =
            |expected| FieldError::new("code", FieldErrorKind::InvalidCode { expected });
        match self.level {
            TerritoryLevel::Commune => {
                self.code
                    .parse::<InseeCode>()
                    .map_err(|e| FieldError::new("code", e.kind))?;
            }
            TerritoryLevel::Epci => {
                self.code
                    .parse::<Siren>()
                    .map_err(|e| FieldError::new("code", e.kind))?;
            }
            TerritoryLevel::Departement | TerritoryLevel::Region => {
                let ok = (2..=3).contains(&self.code.len())
                    && self.code.chars().all(|c| c.is_ascii_alphanumeric());
                if !ok {
                    return Err(code_error("numéro de 2 ou 3 caractères"));
                }
            }
            TerritoryLevel::Cite | TerritoryLevel::Zone => {}
        }
        if let Some(p) = self.population {
            require_non_negative("population", p)?;
        }
        if self.level != TerritoryLevel::Region
            && self.level != TerritoryLevel::Zone
            && self.parent_id.is_none()
        {
            return Err(FieldError::new("parent_id", FieldErrorKind::Required));
        }
        Ok(())
    }
}
