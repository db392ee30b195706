-- The published copy of each record partners declare and the programme team reviews: the last
-- validated version, which visitors and the validated figures read. A partner's edit of a
-- validated record changes the record (declared) and leaves its published copy as it was until
-- the team validates the edit. Same columns as the record's table; written only by the store
-- in the transaction of the change (`publish.rs`), never on its own.

CREATE TABLE operation_published (LIKE operation INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE operation_published ADD PRIMARY KEY (id);
CREATE INDEX operation_published_programme_id_status_idx ON operation_published (programme_id, status);
CREATE INDEX operation_published_owner_id_idx ON operation_published (owner_id);
CREATE INDEX operation_published_territory_id_idx ON operation_published (territory_id);
CREATE INDEX operation_published_kind_idx ON operation_published (kind);
CREATE INDEX operation_published_title_folded_idx ON operation_published (title_folded);
INSERT INTO operation_published (id, programme_id, title, description, kind, owner_id, territory_id, status, cost_ht, cost_ttc, start_on, end_on, version, created_at, updated_at, archived_at, validation, validation_note, title_folded, description_folded)
    SELECT id, programme_id, title, description, kind, owner_id, territory_id, status, cost_ht, cost_ttc, start_on, end_on, version, created_at, updated_at, archived_at, validation, validation_note, title_folded, description_folded FROM operation WHERE validation = 'validated';

CREATE TABLE financing_line_published (LIKE financing_line INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE financing_line_published ADD PRIMARY KEY (id);
CREATE INDEX financing_line_published_operation_id_idx ON financing_line_published (operation_id);
CREATE INDEX financing_line_published_funder_id_state_idx ON financing_line_published (funder_id, state);
CREATE INDEX financing_line_published_fund_id_idx ON financing_line_published (fund_id);
CREATE INDEX financing_line_published_year_idx ON financing_line_published (year);
INSERT INTO financing_line_published (id, operation_id, funder_id, fund_id, scheme, year, state, requested, granted, committed, paid, decision_ref, decision_on, version, created_at, updated_at, archived_at, validation, validation_note, scheme_folded, decision_ref_folded)
    SELECT id, operation_id, funder_id, fund_id, scheme, year, state, requested, granted, committed, paid, decision_ref, decision_on, version, created_at, updated_at, archived_at, validation, validation_note, scheme_folded, decision_ref_folded FROM financing_line WHERE validation = 'validated';

CREATE TABLE housing_facet_published (LIKE housing_facet INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE housing_facet_published ADD PRIMARY KEY (id);
CREATE INDEX housing_facet_published_operation_id_idx ON housing_facet_published (operation_id);
CREATE INDEX housing_facet_published_landlord_id_idx ON housing_facet_published (landlord_id);
INSERT INTO housing_facet_published (id, operation_id, dwellings, landlord_id, energy_before, energy_after, biosourced, version, created_at, updated_at, archived_at, validation, validation_note)
    SELECT id, operation_id, dwellings, landlord_id, energy_before, energy_after, biosourced, version, created_at, updated_at, archived_at, validation, validation_note FROM housing_facet WHERE validation = 'validated';

CREATE TABLE insertion_facet_published (LIKE insertion_facet INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE insertion_facet_published ADD PRIMARY KEY (id);
CREATE INDEX insertion_facet_published_operation_id_idx ON insertion_facet_published (operation_id);
INSERT INTO insertion_facet_published (id, operation_id, hours_required, hours_done, people, people_rsa, people_under_26, people_long_term_unemployed, people_women, version, created_at, updated_at, archived_at, validation, validation_note)
    SELECT id, operation_id, hours_required, hours_done, people, people_rsa, people_under_26, people_long_term_unemployed, people_women, version, created_at, updated_at, archived_at, validation, validation_note FROM insertion_facet WHERE validation = 'validated';

CREATE TABLE observation_published (LIKE observation INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE observation_published ADD PRIMARY KEY (id);
CREATE INDEX observation_published_indicator_id_observed_on_idx ON observation_published (indicator_id, observed_on);
CREATE INDEX observation_published_territory_id_idx ON observation_published (territory_id);
CREATE INDEX observation_published_document_id_idx ON observation_published (document_id);
INSERT INTO observation_published (id, indicator_id, territory_id, value, observed_on, period_start, status, document_id, source_start, source_end, note, version, created_at, updated_at, archived_at, validation_note, note_folded)
    SELECT id, indicator_id, territory_id, value, observed_on, period_start, status, document_id, source_start, source_end, note, version, created_at, updated_at, archived_at, validation_note, note_folded FROM observation WHERE status = 'validated';
