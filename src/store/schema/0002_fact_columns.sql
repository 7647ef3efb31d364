-- The fact columns of a batch, once per batch instead of once per record: `fields` is a JSON
-- array of field codes, and each fact_records.facts of the batch is a JSON array of the same
-- length holding the canonical text of each fact or null (unknown in that batch). A million-row
-- import so writes half the bytes it wrote with a JSON object per record. Records of batches
-- without `fields` (imported before this version) stay JSON objects, field code → value;
-- services/registry.cc reads both.
ALTER TABLE fact_batches ADD COLUMN fields TEXT;
