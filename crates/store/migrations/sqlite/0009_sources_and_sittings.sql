-- A figure may be stated by several passages (the review and report n°9 quote the same figure):
-- one source per passage, not one per field. A deliberation names who presided the sitting, its
-- secretary and where it was signed. Keep in step with the other backend.

DROP INDEX figure_source_entity_record_id_field_key;
CREATE UNIQUE INDEX figure_source_entity_record_id_field_passage_key
    ON figure_source (entity, record_id, field, document_id, source_start, source_end);

ALTER TABLE deliberation ADD COLUMN president TEXT;
ALTER TABLE deliberation ADD COLUMN secretary TEXT;
ALTER TABLE deliberation ADD COLUMN place TEXT;
