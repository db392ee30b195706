//! The territories the bundled programme covers: the region, the two départements, the 8 ERBM
//! EPCIs and their communes (generated from open data, see `data/erbm/README.md`) and the cités
//! its operations name. Keys are those of the territory import, which completes them.

use std::collections::HashMap;

use renouveau_domain::{Territory, TerritoryLevel};

use super::files::{self, CiteRow, CommuneRow, EpciRow};
use super::loader::Loader;
use crate::error::{IngestError, Result};
use crate::keys::territory_key;

const REGION: (&str, &str) = ("32", "Hauts-de-France");
const DEPARTEMENTS: [(&str, &str); 2] = [("59", "Nord"), ("62", "Pas-de-Calais")];

/// Territory ids by the references the data files use (`departement:59`, `epci:<SIREN>`,
/// `commune:<INSEE>`, `cite:<name>|<INSEE>`).
#[derive(Debug, Default)]
pub struct TerritoryRefs {
    ids: HashMap<String, i64>,
}

impl TerritoryRefs {
    /// The territory a cell names; `None` for an empty cell (the whole programme).
    pub fn resolve(&self, cell: &Option<String>, file: &str, line: usize) -> Result<Option<i64>> {
        let Some(reference) = cell.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        self.ids.get(reference).copied().map(Some).ok_or_else(|| {
            IngestError::data(file, line, format!("unknown territory `{reference}`"))
        })
    }
}

pub async fn load(loader: &mut Loader<'_>) -> Result<TerritoryRefs> {
    let mut refs = TerritoryRefs::default();
    let region = loader
        .put_territory(Territory::new(
            TerritoryLevel::Region,
            REGION.0,
            REGION.1,
            None,
            None,
        ))
        .await?;
    for (code, name) in DEPARTEMENTS {
        let id = loader
            .put_territory(Territory::new(
                TerritoryLevel::Departement,
                code,
                name,
                Some(region),
                None,
            ))
            .await?;
        refs.ids.insert(territory_key("departement", code), id);
    }
    for (line, row) in files::rows::<EpciRow>(files::EPCIS)? {
        let departement = row
            .departements
            .split_whitespace()
            .next()
            .unwrap_or_default();
        let parent = refs.resolve(
            &Some(format!("departement:{departement}")),
            files::EPCIS.name,
            line,
        )?;
        let id = loader
            .put_territory(Territory::new(
                TerritoryLevel::Epci,
                &row.siren,
                &row.name,
                parent,
                row.population,
            ))
            .await?;
        refs.ids.insert(territory_key("epci", &row.siren), id);
    }
    for (line, row) in files::rows::<CommuneRow>(files::COMMUNES)? {
        let parent = refs.resolve(
            &Some(format!("epci:{}", row.epci_siren)),
            files::COMMUNES.name,
            line,
        )?;
        let id = loader
            .put_territory(Territory::new(
                TerritoryLevel::Commune,
                &row.insee,
                &row.name,
                parent,
                row.population,
            ))
            .await?;
        refs.ids.insert(territory_key("commune", &row.insee), id);
    }
    for (line, row) in files::rows::<CiteRow>(files::CITES)? {
        let parent = refs.resolve(
            &Some(format!("commune:{}", row.commune)),
            files::CITES.name,
            line,
        )?;
        let code = cite_code(&row);
        let id = loader
            .put_territory(Territory::new(
                TerritoryLevel::Cite,
                &code,
                &row.name,
                parent,
                None,
            ))
            .await?;
        refs.ids
            .insert(format!("cite:{}|{}", row.name, row.commune), id);
    }
    Ok(refs)
}

/// The Mission Bassin Minier identifier of a cité when it has one, else a code made of its
/// commune and name (a cité the open-data layer does not hold).
fn cite_code(row: &CiteRow) -> String {
    match &row.id_lsm {
        Some(id) => id.clone(),
        None => {
            let slug: String = crate::keys::comparable_name(&row.name)
                .to_lowercase()
                .replace(' ', "-");
            let mut code = format!("{}-{slug}", row.commune);
            code.truncate(20);
            code
        }
    }
}
