-- What imports need besides the records: the natural key each imported record came from (so that
-- re-running an import updates instead of duplicating), where in a document each figure is stated,
-- and the drawable outline of territories. Keep in step with the other backend.

CREATE TABLE import_key (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    entity TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    record_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX import_key_source_entity_natural_key_key ON import_key (source, entity, natural_key);

CREATE TABLE figure_source (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    field TEXT,
    document_id INTEGER NOT NULL REFERENCES document (id),
    source_start INTEGER NOT NULL CHECK (source_start >= 0),
    source_end INTEGER NOT NULL CHECK (source_end >= source_start)
);
CREATE UNIQUE INDEX figure_source_entity_record_id_field_key ON figure_source (entity, record_id, field);
CREATE INDEX figure_source_document_id_idx ON figure_source (document_id);

CREATE TABLE territory_shape (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_id INTEGER NOT NULL REFERENCES territory (id),
    geometry TEXT NOT NULL,
    min_lon REAL NOT NULL,
    min_lat REAL NOT NULL,
    max_lon REAL NOT NULL,
    max_lat REAL NOT NULL,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX territory_shape_territory_id_key ON territory_shape (territory_id);
