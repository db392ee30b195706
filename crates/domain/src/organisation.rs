//! Partners: organisations with their official numbers, kind and roles in the programme.

use serde::{Deserialize, Serialize};

use crate::codes::{Siren, Siret};
use crate::error::{Checked, FieldError, FieldErrorKind, require_text};
use crate::invariants::{Invariants, TITLE_MAX};
use crate::names;
use crate::vocabulary;

vocabulary! {
    /// What kind of body an organisation is.
    OrganisationKind {
        StateService => "state_service", "Service de l'État";
        Region => "region", "Région";
        Departement => "departement", "Département";
        Epci => "epci", "Intercommunalité (EPCI)";
        Commune => "commune", "Commune";
        Landlord => "landlord", "Bailleur social";
        Agency => "agency", "Agence ou établissement public";
        Operator => "operator", "Opérateur";
        EngineeringBody => "engineering_body", "Ingénierie";
        Association => "association", "Association";
        Company => "company", "Entreprise";
        Other => "other", "Autre";
    }
}

vocabulary! {
    /// The parts an organisation plays in the programme.
    OrganisationRole {
        Signatory => "signatory", "Signataire";
        Funder => "funder", "Financeur";
        ProjectOwner => "project_owner", "Maître d'ouvrage";
        Implementer => "implementer", "Opérateur de mise en œuvre";
    }
}

/// A set of roles, stored as their codes separated by spaces (`"signatory funder"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoleSet(Vec<OrganisationRole>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = OrganisationRole>) -> Self {
        let mut roles: Vec<_> = roles.into_iter().collect();
        roles.sort();
        roles.dedup();
        Self(roles)
    }

    pub fn contains(&self, role: OrganisationRole) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = OrganisationRole> + '_ {
        self.0.iter().copied()
    }
}

impl TryFrom<String> for RoleSet {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        let roles = s
            .split_whitespace()
            .map(|code| {
                code.parse()
                    .map_err(|e: FieldError| FieldError::new("roles", e.kind))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(roles))
    }
}

impl From<RoleSet> for String {
    fn from(set: RoleSet) -> String {
        set.0.iter().map(|r| r.code()).collect::<Vec<_>>().join(" ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub siren: Option<Siren>,
    pub siret: Option<Siret>,
    pub roles: RoleSet,
}

impl Invariants for Organisation {
    fn normalise(&mut self) {
        self.name = names::normalise(&self.name);
        self.short_name = self.short_name.as_deref().map(names::normalise);
    }

    fn check(&self) -> Checked {
        require_text("name", &self.name, TITLE_MAX)?;
        if let Some(short) = &self.short_name {
            require_text("short_name", short, 60)?;
        }
        if let (Some(siren), Some(siret)) = (&self.siren, &self.siret)
            && siret.siren() != siren.as_ref()
        {
            return Err(FieldError::new("siret", FieldErrorKind::SiretNotInSiren));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets_round_trip_and_refuse_unknown_roles() {
        let set = RoleSet::try_from("funder signatory funder".to_string()).unwrap();
        assert!(set.contains(OrganisationRole::Signatory));
        assert_eq!(String::from(set), "signatory funder");
        let err = RoleSet::try_from("signatory boss".to_string()).unwrap_err();
        assert_eq!(err.field, "roles");
    }
}
