//! The territory open data (`data/territoire`, see its README.md, embedded in the binary or
//! read from a folder laid out the same): the region, the départements 59 and 62, the 8 ERBM
//! EPCIs, every current commune, the ERBM cités and the UNESCO and Mission Bassin Minier zones,
//! with their outlines.

mod cites;
mod files;
mod geometry;
mod load;
mod source;

use std::collections::HashMap;
use std::time::Instant;

use renouveau_domain::{Actor, Organisation, Territory, TerritoryLevel};
use renouveau_store::imports::{self, OnExisting, Outcome, Shape};
use renouveau_store::{Entity, Store, Tx};

use crate::Result;
use crate::keys::{BUNDLE_SOURCE, TERRITORY_SOURCE, territory_key};
use cites::{Candidate, CommuneIndex};
use geometry::Outline;
use load::{DEPARTEMENTS, Sources};

pub use source::{TerritorySource, file_names};

const REGION: (&str, &str) = ("32", "Hauts-de-France");

/// What an import of the territory folder wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerritoryReport {
    pub communes: usize,
    pub epcis: usize,
    pub cites: usize,
    pub zones: usize,
    pub shapes: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// `NOM (COMMUNE_1)` of each cité whose commune was not found: it is not written.
    pub unplaced_cites: Vec<String>,
}

/// Reads the open data (see `data/territoire/README.md`) and writes everything in ONE
/// transaction.
pub async fn import_territory(
    store: &Store,
    source: TerritorySource<'_>,
    actor: &Actor,
) -> Result<TerritoryReport> {
    let sources = Sources::read(source)?;
    let started = Instant::now();
    let epci_outlines: Vec<Option<Outline>> = sources
        .epcis
        .iter()
        .map(|e| {
            let members: Vec<&Outline> = e
                .members
                .iter()
                .filter_map(|c| sources.contours.get(c))
                .collect();
            (!members.is_empty()).then(|| geometry::dissolve(members))
        })
        .collect();
    tracing::debug!(elapsed = ?started.elapsed(), "EPCI outlines dissolved");

    let mut tx = store.db().write().await?;
    imports::lock_imports(&mut tx).await?;
    let mut writer = Writer {
        tx,
        actor,
        report: TerritoryReport::default(),
    };
    writer.write(&sources, &epci_outlines).await?;
    let Writer { tx, report, .. } = writer;
    tx.commit().await?;
    tracing::info!(
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged,
        "territory import"
    );
    Ok(report)
}

struct Writer<'a> {
    tx: Tx,
    actor: &'a Actor,
    report: TerritoryReport,
}

/// Territory ids by official code.
type Ids<'s> = HashMap<&'s str, i64>;

impl Writer<'_> {
    async fn write(&mut self, s: &Sources, epci_outlines: &[Option<Outline>]) -> Result<()> {
        let departements = self.region_and_departements().await?;
        let epcis = self.epcis(s, epci_outlines, &departements).await?;
        let (communes, index) = self.communes(s, &departements, &epcis).await?;
        self.cites(s, &communes, &index).await?;
        for z in &s.zones {
            let t = Territory::new(TerritoryLevel::Zone, z.code, z.name, None, z.population);
            let id = self.put(t).await?;
            self.shape(id, &z.outline, z.file).await?;
            self.report.zones += 1;
        }
        Ok(())
    }

    async fn region_and_departements(&mut self) -> Result<Ids<'static>> {
        let (code, name) = REGION;
        let region = Territory::new(TerritoryLevel::Region, code, name, None, None);
        let region = self.put(region).await?;
        let mut departements = HashMap::new();
        for (code, name) in DEPARTEMENTS {
            let t = Territory::new(TerritoryLevel::Departement, code, name, Some(region), None);
            departements.insert(code, self.put(t).await?);
        }
        Ok(departements)
    }

    async fn epcis<'s>(
        &mut self,
        s: &'s Sources,
        outlines: &[Option<Outline>],
        departements: &Ids<'_>,
    ) -> Result<Ids<'s>> {
        let mut epcis = HashMap::new();
        for (e, outline) in s.epcis.iter().zip(outlines) {
            let parent = departements.get(e.departement.as_str()).copied();
            let t = Territory::new(
                TerritoryLevel::Epci,
                &e.siren,
                &e.name,
                parent,
                e.population,
            );
            let id = self.put(t).await?;
            if let Some(outline) = outline {
                self.shape(id, outline, contour_file(&e.departement))
                    .await?;
            }
            epcis.insert(e.siren.as_str(), id);
            self.report.epcis += 1;
        }
        Ok(epcis)
    }

    async fn communes<'s>(
        &mut self,
        s: &'s Sources,
        departements: &Ids<'_>,
        epcis: &Ids<'_>,
    ) -> Result<(Ids<'s>, CommuneIndex<'s>)> {
        let mut index = CommuneIndex::default();
        let mut communes = HashMap::new();
        for c in &s.communes {
            let parent = match c.epci.as_deref() {
                Some(epci) if c.epci_bassin_minier => epcis.get(epci),
                _ => departements.get(c.departement.as_str()),
            }
            .copied();
            let t = Territory::new(
                TerritoryLevel::Commune,
                &c.code,
                &c.nom,
                parent,
                c.population,
            );
            let id = self.put(t).await?;
            let outline = s.contours.get(&c.code);
            if let Some(outline) = outline {
                self.shape(id, outline, contour_file(&c.departement))
                    .await?;
            }
            communes.insert(c.code.as_str(), id);
            let candidate = Candidate {
                code: &c.code,
                erbm: c.epci_bassin_minier,
                outline,
            };
            index.add(&c.nom, candidate);
            self.report.communes += 1;
        }
        Ok((communes, index))
    }

    async fn cites(
        &mut self,
        s: &Sources,
        communes: &Ids<'_>,
        index: &CommuneIndex<'_>,
    ) -> Result<()> {
        let mut landlords = HashMap::new();
        for key in ["maisons-et-cites", "sia-habitat"] {
            let id =
                imports::find_key(&mut self.tx, BUNDLE_SOURCE, Organisation::TABLE, key).await?;
            landlords.insert(key, id);
        }
        for cite in &s.cites {
            let p = &cite.props;
            let commune = index
                .place(p.commune_1.as_deref(), Some(&cite.outline))
                .and_then(|code| communes.get(code).copied());
            let Some(commune) = commune else {
                let named = p.commune_1.as_deref().unwrap_or("?");
                self.report
                    .unplaced_cites
                    .push(format!("{} ({named})", p.nom));
                continue;
            };
            let code = p.id_lsm.to_string();
            let mut t = Territory::new(TerritoryLevel::Cite, &code, &p.nom, Some(commune), None);
            t.landlord_id = cites::landlord_key(p.proprietaire.as_deref())
                .and_then(|k| landlords.get(k).copied().flatten());
            t.unesco = s.unesco_cites.contains(&p.id_lsm);
            t.tranche = self.existing_tranche(&t).await?;
            let id = self.put(t).await?;
            self.shape(id, &cite.outline, files::CITES).await?;
            self.report.cites += 1;
        }
        Ok(())
    }

    async fn put(&mut self, territory: Territory) -> Result<i64> {
        let key = territory_key(territory.level.code(), &territory.code);
        let (id, outcome) = imports::upsert_in(
            &mut self.tx,
            self.actor,
            TERRITORY_SOURCE,
            &key,
            territory,
            OnExisting::Update,
        )
        .await?;
        match outcome {
            Outcome::Created => self.report.created += 1,
            Outcome::Updated => self.report.updated += 1,
            Outcome::Unchanged => self.report.unchanged += 1,
        }
        Ok(id)
    }

    /// The open data knows nothing of priority tranches: one set in the application is kept.
    async fn existing_tranche(&mut self, t: &Territory) -> Result<Option<String>> {
        let key = territory_key(t.level.code(), &t.code);
        let Some(id) =
            imports::find_key(&mut self.tx, TERRITORY_SOURCE, Territory::TABLE, &key).await?
        else {
            return Ok(None);
        };
        let existing = renouveau_store::records::get_in::<Territory>(&mut self.tx, id).await?;
        Ok(existing.data.tranche)
    }

    async fn shape(&mut self, territory_id: i64, outline: &Outline, file: &str) -> Result<()> {
        let rounded = geometry::round(outline);
        let Some(bbox) = geometry::bbox(&rounded) else {
            return Ok(());
        };
        let shape = Shape {
            territory_id,
            geometry: geometry::to_geojson(&rounded)?,
            bbox,
        };
        imports::put_shape(&mut self.tx, &shape, file).await?;
        self.report.shapes += 1;
        Ok(())
    }
}

fn contour_file(departement: &str) -> &'static str {
    if departement == "59" {
        files::CONTOURS[0]
    } else {
        files::CONTOURS[1]
    }
}
