//! Everything the import writes, read and checked before the transaction opens.

use super::files::{
    self, AnyProps, BasinProps, CiteProps, CommuneEntry, ContourProps, EpciFile, FeatureCollection,
    UnescoCiteProps,
};
use super::geometry::{self, Outline};
use super::source::TerritorySource;
use crate::{IngestError, Result};
use std::collections::{HashMap, HashSet};

pub const DEPARTEMENTS: [(&str, &str); 2] = [("59", "Nord"), ("62", "Pas-de-Calais")];

#[derive(Debug)]
pub struct Epci {
    pub siren: String,
    pub name: String,
    pub departement: String,
    pub population: Option<i64>,
    pub members: Vec<String>,
}

#[derive(Debug)]
pub struct Cite {
    pub props: CiteProps,
    pub outline: Outline,
}

#[derive(Debug)]
pub struct Zone {
    pub code: &'static str,
    pub name: &'static str,
    pub population: Option<i64>,
    pub outline: Outline,
    pub file: &'static str,
}

#[derive(Debug)]
pub struct Sources {
    /// The current communes (`commune-actuelle`) only.
    pub communes: Vec<CommuneEntry>,
    pub epcis: Vec<Epci>,
    /// Commune contours by INSEE code.
    pub contours: HashMap<String, Outline>,
    pub cites: Vec<Cite>,
    /// `id_lsm` of the cités that are elements of the UNESCO property.
    pub unesco_cites: HashSet<i64>,
    pub zones: Vec<Zone>,
}

impl Sources {
    pub fn read(dir: TerritorySource<'_>) -> Result<Self> {
        let epcis = read_epcis(dir)?;
        let erbm: HashSet<&str> = epcis.iter().map(|e| e.siren.as_str()).collect();
        let communes = read_communes(dir, &erbm)?;
        let mut contours = HashMap::new();
        for file in files::CONTOURS {
            let collection: FeatureCollection<ContourProps> = files::read(dir, file)?;
            for (i, f) in collection.features.into_iter().enumerate() {
                let outline = geometry::outline(file, i, f.geometry.as_ref())?;
                contours.insert(f.properties.code, outline);
            }
        }
        let cites = read_features::<CiteProps>(dir, files::CITES)?
            .into_iter()
            .map(|(props, outline)| Cite { props, outline })
            .collect();
        Ok(Self {
            communes,
            epcis,
            contours,
            cites,
            unesco_cites: read_unesco_cites(dir)?,
            zones: read_zones(dir)?,
        })
    }
}

fn read_epcis(dir: TerritorySource<'_>) -> Result<Vec<Epci>> {
    let file: EpciFile = files::read(dir, files::EPCIS)?;
    file.epci
        .into_iter()
        .map(|e| {
            let departement = e.departements.first().cloned().unwrap_or_default();
            if !is_departement(&departement) {
                return Err(IngestError::data(
                    files::EPCIS,
                    0,
                    format!("EPCI {} is not in département 59 or 62", e.siren),
                ));
            }
            Ok(Epci {
                siren: e.siren,
                name: e.nom,
                departement,
                population: e.population_municipale,
                members: e.membres.into_iter().map(|m| m.code).collect(),
            })
        })
        .collect()
}

fn read_communes(dir: TerritorySource<'_>, erbm: &HashSet<&str>) -> Result<Vec<CommuneEntry>> {
    let all: Vec<CommuneEntry> = files::read(dir, files::COMMUNES)?;
    let current: Vec<CommuneEntry> = all.into_iter().filter(CommuneEntry::is_current).collect();
    for c in &current {
        let fault = if !is_departement(&c.departement) {
            Some(format!(
                "département {} is neither 59 nor 62",
                c.departement
            ))
        } else if c.epci_bassin_minier && !c.epci.as_deref().is_some_and(|e| erbm.contains(e)) {
            Some(format!("EPCI {:?} is not one of {}", c.epci, files::EPCIS))
        } else {
            None
        };
        if let Some(reason) = fault {
            return Err(IngestError::data(
                files::COMMUNES,
                0,
                format!("commune {}: {reason}", c.code),
            ));
        }
    }
    Ok(current)
}

fn read_features<P: serde::de::DeserializeOwned>(
    dir: TerritorySource<'_>,
    file: &str,
) -> Result<Vec<(P, Outline)>> {
    let collection: FeatureCollection<P> = files::read(dir, file)?;
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            Ok((
                f.properties,
                geometry::outline(file, i, f.geometry.as_ref())?,
            ))
        })
        .collect()
}

fn read_unesco_cites(dir: TerritorySource<'_>) -> Result<HashSet<i64>> {
    let collection: FeatureCollection<UnescoCiteProps> = files::read(dir, files::UNESCO_CITES)?;
    Ok(collection
        .features
        .into_iter()
        .filter(|f| f.properties.id_unesco.is_some())
        .filter_map(|f| f.properties.id_lsm.map(|id| id.round() as i64))
        .collect())
}

fn read_zones(dir: TerritorySource<'_>) -> Result<Vec<Zone>> {
    let whole = |file| -> Result<Outline> {
        let features = read_features::<AnyProps>(dir, file)?;
        Ok(geometry::collect(features.iter().map(|(_, o)| o)))
    };
    let basin = read_features::<BasinProps>(dir, files::BASIN)?;
    let population = basin.iter().find_map(|(p, _)| p.population);
    Ok(vec![
        Zone {
            code: "unesco-1360",
            name: "Bien UNESCO n°1360 — Bassin minier du Nord-Pas-de-Calais",
            population: None,
            outline: whole(files::PROPERTY)?,
            file: files::PROPERTY,
        },
        Zone {
            code: "unesco-tampon",
            name: "Zone tampon du bien UNESCO",
            population: None,
            outline: whole(files::BUFFER)?,
            file: files::BUFFER,
        },
        Zone {
            code: "mbm",
            name: "Bassin minier (périmètre de la Mission Bassin Minier)",
            population,
            outline: geometry::collect(basin.iter().map(|(_, o)| o)),
            file: files::BASIN,
        },
    ])
}

fn is_departement(code: &str) -> bool {
    DEPARTEMENTS.iter().any(|(c, _)| *c == code)
}
