// Writes data/erbm/epcis.csv and data/erbm/communes.csv for the 8 intercommunalities (EPCI)
// that signed the Engagement pour le Renouveau du Bassin Minier, from the INSEE/DGCL data shipped
// in the npm package @etalab/decoupage-administratif (data/epci.json, data/communes.json).
//
// Usage (from this folder): npm install && node generate.mjs [output-dir] [--check reference.json]
// --check compares the EPCI membership with a file shaped like data/territoire/epci-bassin-minier.json.
// The output dir defaults to ../../data/erbm relative to this script.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The 8 ERBM signatory EPCIs, by SIREN, in the order the programme lists them. */
export const ERBM_EPCI_SIRENS = [
  '200072460', // CA de Béthune-Bruay, Artois-Lys Romane
  '246200364', // CA de Lens-Liévin
  '246200299', // CA d'Hénin-Carvin
  '200044618', // Douaisis Agglo
  '200042190', // CA de la Porte du Hainaut
  '245901152', // Cœur d'Ostrevent
  '245901160', // Valenciennes Métropole
  '200044048', // CC Osartis-Marquion
];

function loadPackageData(file) {
  const pkgJson = require.resolve('@etalab/decoupage-administratif/package.json');
  return JSON.parse(readFileSync(join(dirname(pkgJson), 'data', file), 'utf8'));
}

/** RFC 4180 field quoting. */
function csvField(value) {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header, rows) {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

export function build() {
  const epcis = loadPackageData('epci.json');
  const communes = loadPackageData('communes.json');

  const currentByCode = new Map(
    communes.filter((c) => c.type === 'commune-actuelle').map((c) => [c.code, c]),
  );

  const epciRows = [];
  const communeRows = [];
  for (const siren of ERBM_EPCI_SIRENS) {
    const epci = epcis.find((e) => e.code === siren);
    if (!epci) throw new Error(`EPCI ${siren} not found in epci.json`);
    const departements = new Set();
    for (const member of epci.membres) {
      const commune = currentByCode.get(member.code);
      if (!commune) throw new Error(`member ${member.code} of ${siren} is not a current commune`);
      departements.add(commune.departement);
      communeRows.push([
        commune.code,
        commune.nom,
        commune.departement,
        siren,
        commune.population ?? member.populationMunicipale ?? '',
      ]);
    }
    epciRows.push([
      siren,
      epci.nom,
      epci.type,
      [...departements].sort().join(' '),
      epci.populationMunicipale ?? '',
    ]);
  }
  communeRows.sort((a, b) => a[0].localeCompare(b[0]));
  const seen = new Set();
  for (const row of communeRows) {
    if (seen.has(row[0])) throw new Error(`commune ${row[0]} belongs to two ERBM EPCIs`);
    seen.add(row[0]);
  }
  return { epciRows, communeRows };
}

/**
 * Compares the generated membership with a reference file shaped like the project's
 * data/territoire/epci-bassin-minier.json ({ epci: [{ siren, membres: [{ code }] }] }).
 * Returns the list of differences (empty when the same EPCIs have the same members).
 */
export function compareWithReference(referencePath, communeRows) {
  const reference = JSON.parse(readFileSync(referencePath, 'utf8'));
  const expected = new Map();
  for (const epci of reference.epci) {
    for (const member of epci.membres) expected.set(member.code, epci.siren);
  }
  const got = new Map(communeRows.map((row) => [row[0], row[3]]));
  const differences = [];
  for (const [code, siren] of expected) {
    if (got.get(code) !== siren) differences.push(`${code}: expected ${siren}, got ${got.get(code) ?? 'nothing'}`);
  }
  for (const [code, siren] of got) {
    if (!expected.has(code)) differences.push(`${code}: generated in ${siren}, absent from the reference`);
  }
  return differences;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const checkAt = args.indexOf('--check');
  let referencePath = null;
  if (checkAt >= 0) {
    referencePath = args[checkAt + 1];
    args.splice(checkAt, 2);
  }
  const outDir = resolve(args[0] ?? join(here, '..', '..', 'data', 'erbm'));
  mkdirSync(outDir, { recursive: true });
  const { epciRows, communeRows } = build();
  writeFileSync(
    join(outDir, 'epcis.csv'),
    csv(['siren', 'name', 'kind', 'departements', 'population'], epciRows),
  );
  writeFileSync(
    join(outDir, 'communes.csv'),
    csv(['insee', 'name', 'departement', 'epci_siren', 'population'], communeRows),
  );
  console.log(`wrote ${epciRows.length} EPCIs and ${communeRows.length} communes to ${outDir}`);
  if (referencePath) {
    const differences = compareWithReference(referencePath, communeRows);
    if (differences.length > 0) {
      console.error(`membership differs from ${referencePath}:\n${differences.join('\n')}`);
      process.exit(1);
    }
    console.log(`membership matches ${referencePath}`);
  }
}
