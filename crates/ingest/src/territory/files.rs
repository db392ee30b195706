//! The open-data files of the territory folder, as serde reads them (see its README.md).

use std::path::Path;

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::{IngestError, Result};

pub const COMMUNES: &str = "communes-59-62.json";
pub const EPCIS: &str = "epci-bassin-minier.json";
pub const CONTOURS: [&str; 2] = [
    "communes-59-nord-2018.geojson",
    "communes-62-pas-de-calais-2018.geojson",
];
pub const CITES: &str = "bassin-minier/cites-erbm.geojson";
pub const UNESCO_CITES: &str = "bassin-minier/cites-minieres.geojson";
pub const PROPERTY: &str = "bassin-minier/bien-inscrit.geojson";
pub const BUFFER: &str = "bassin-minier/zone-tampon.geojson";
pub const BASIN: &str = "bassin-minier/bassin-minier.geojson";

/// One entry of `communes-59-62.json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommuneEntry {
    pub code: String,
    pub nom: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub departement: String,
    #[serde(default)]
    pub population: Option<i64>,
    #[serde(default)]
    pub epci: Option<String>,
    #[serde(default)]
    pub epci_bassin_minier: bool,
}

impl CommuneEntry {
    /// Delegated and associated communes are parts of another commune, not communes of their own.
    pub fn is_current(&self) -> bool {
        self.kind == "commune-actuelle"
    }
}

#[derive(Debug, Deserialize)]
pub struct EpciFile {
    pub epci: Vec<EpciEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpciEntry {
    pub siren: String,
    pub nom: String,
    pub departements: Vec<String>,
    #[serde(default)]
    pub population_municipale: Option<i64>,
    pub membres: Vec<EpciMember>,
}

#[derive(Debug, Deserialize)]
pub struct EpciMember {
    pub code: String,
}

#[derive(Debug, Deserialize)]
pub struct FeatureCollection<P> {
    pub features: Vec<Feature<P>>,
}

#[derive(Debug, Deserialize)]
pub struct Feature<P> {
    pub properties: P,
    pub geometry: Option<geojson::Geometry>,
}

/// Properties of the 2018 commune contours.
#[derive(Debug, Deserialize)]
pub struct ContourProps {
    pub code: String,
}

/// Properties of `cites-erbm.geojson`.
#[derive(Debug, Deserialize)]
pub struct CiteProps {
    pub id_lsm: i64,
    pub nom: String,
    pub commune_1: Option<String>,
    pub proprietaire: Option<String>,
}

/// Properties of `cites-minieres.geojson` that tell which ERBM cités are UNESCO elements
/// (`id_lsm` is written there as a float).
#[derive(Debug, Deserialize)]
pub struct UnescoCiteProps {
    pub id_lsm: Option<f64>,
    pub id_unesco: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct BasinProps {
    pub population: Option<i64>,
}

pub type AnyProps = IgnoredAny;

/// Reads and parses `name` (a path relative to the folder).
pub fn read<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| IngestError::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| IngestError::data(name, e.line(), e.to_string()))
}
