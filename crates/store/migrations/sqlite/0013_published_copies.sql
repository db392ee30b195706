-- The published copy of each record partners declare and the programme team reviews: the last
-- validated version, which visitors and the validated figures read. A partner's edit of a
-- validated record changes the record (declared) and leaves its published copy as it was until
-- the team validates the edit. Same columns as the record's table; written only by the store
-- in the transaction of the change (`publish.rs`), never on its own.

CREATE TABLE operation_published (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    owner_id INTEGER,
    territory_id INTEGER,
    status TEXT NOT NULL,
    cost_ht INTEGER,
    cost_ttc INTEGER,
    start_on TEXT,
    end_on TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT,
    validation TEXT NOT NULL,
    validation_note TEXT,
    title_folded TEXT,
    description_folded TEXT
);
CREATE INDEX operation_published_programme_id_status_idx ON operation_published (programme_id, status);
CREATE INDEX operation_published_owner_id_idx ON operation_published (owner_id);
CREATE INDEX operation_published_territory_id_idx ON operation_published (territory_id);
CREATE INDEX operation_published_kind_idx ON operation_published (kind);
CREATE INDEX operation_published_title_folded_idx ON operation_published (title_folded);
INSERT INTO operation_published (id, programme_id, title, description, kind, owner_id, territory_id, status, cost_ht, cost_ttc, start_on, end_on, version, created_at, updated_at, archived_at, validation, validation_note, title_folded, description_folded)
    SELECT id, programme_id, title, description, kind, owner_id, territory_id, status, cost_ht, cost_ttc, start_on, end_on, version, created_at, updated_at, archived_at, validation, validation_note, title_folded, description_folded FROM operation WHERE validation = 'validated';

CREATE TABLE financing_line_published (
    id INTEGER PRIMARY KEY,
    operation_id INTEGER NOT NULL,
    funder_id INTEGER NOT NULL,
    fund_id INTEGER,
    scheme TEXT,
    year INTEGER,
    state TEXT NOT NULL,
    requested INTEGER NOT NULL,
    granted INTEGER NOT NULL,
    committed INTEGER NOT NULL,
    paid INTEGER NOT NULL,
    decision_ref TEXT,
    decision_on TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT,
    validation TEXT NOT NULL,
    validation_note TEXT,
    scheme_folded TEXT,
    decision_ref_folded TEXT
);
CREATE INDEX financing_line_published_operation_id_idx ON financing_line_published (operation_id);
CREATE INDEX financing_line_published_funder_id_state_idx ON financing_line_published (funder_id, state);
CREATE INDEX financing_line_published_fund_id_idx ON financing_line_published (fund_id);
CREATE INDEX financing_line_published_year_idx ON financing_line_published (year);
INSERT INTO financing_line_published (id, operation_id, funder_id, fund_id, scheme, year, state, requested, granted, committed, paid, decision_ref, decision_on, version, created_at, updated_at, archived_at, validation, validation_note, scheme_folded, decision_ref_folded)
    SELECT id, operation_id, funder_id, fund_id, scheme, year, state, requested, granted, committed, paid, decision_ref, decision_on, version, created_at, updated_at, archived_at, validation, validation_note, scheme_folded, decision_ref_folded FROM financing_line WHERE validation = 'validated';

CREATE TABLE housing_facet_published (
    id INTEGER PRIMARY KEY,
    operation_id INTEGER NOT NULL,
    dwellings INTEGER NOT NULL,
    landlord_id INTEGER,
    energy_before REAL,
    energy_after REAL,
    biosourced BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT,
    validation TEXT NOT NULL,
    validation_note TEXT
);
CREATE INDEX housing_facet_published_operation_id_idx ON housing_facet_published (operation_id);
CREATE INDEX housing_facet_published_landlord_id_idx ON housing_facet_published (landlord_id);
INSERT INTO housing_facet_published (id, operation_id, dwellings, landlord_id, energy_before, energy_after, biosourced, version, created_at, updated_at, archived_at, validation, validation_note)
    SELECT id, operation_id, dwellings, landlord_id, energy_before, energy_after, biosourced, version, created_at, updated_at, archived_at, validation, validation_note FROM housing_facet WHERE validation = 'validated';

CREATE TABLE insertion_facet_published (
    id INTEGER PRIMARY KEY,
    operation_id INTEGER NOT NULL,
    hours_required INTEGER NOT NULL,
    hours_done INTEGER NOT NULL,
    people INTEGER NOT NULL,
    people_rsa INTEGER NOT NULL,
    people_under_26 INTEGER NOT NULL,
    people_long_term_unemployed INTEGER NOT NULL,
    people_women INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT,
    validation TEXT NOT NULL,
    validation_note TEXT
);
CREATE INDEX insertion_facet_published_operation_id_idx ON insertion_facet_published (operation_id);
INSERT INTO insertion_facet_published (id, operation_id, hours_required, hours_done, people, people_rsa, people_under_26, people_long_term_unemployed, people_women, version, created_at, updated_at, archived_at, validation, validation_note)
    SELECT id, operation_id, hours_required, hours_done, people, people_rsa, people_under_26, people_long_term_unemployed, people_women, version, created_at, updated_at, archived_at, validation, validation_note FROM insertion_facet WHERE validation = 'validated';

CREATE TABLE observation_published (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL,
    territory_id INTEGER,
    value REAL NOT NULL,
    observed_on TEXT NOT NULL,
    period_start TEXT,
    status TEXT NOT NULL,
    document_id INTEGER,
    source_start INTEGER,
    source_end INTEGER,
    note TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT,
    validation_note TEXT,
    note_folded TEXT
);
CREATE INDEX observation_published_indicator_id_observed_on_idx ON observation_published (indicator_id, observed_on);
CREATE INDEX observation_published_territory_id_idx ON observation_published (territory_id);
CREATE INDEX observation_published_document_id_idx ON observation_published (document_id);
INSERT INTO observation_published (id, indicator_id, territory_id, value, observed_on, period_start, status, document_id, source_start, source_end, note, version, created_at, updated_at, archived_at, validation_note, note_folded)
    SELECT id, indicator_id, territory_id, value, observed_on, period_start, status, document_id, source_start, source_end, note, version, created_at, updated_at, archived_at, validation_note, note_folded FROM observation WHERE status = 'validated';
