-- Amounts are bounded (domain `Amount::MAX`: 10^13 euros, 10^15 cents), so that sums of
-- amounts stay far from 64-bit limits. Existing rows are within the bound.
-- Keep in step with the other backend.

ALTER TABLE fund ADD CONSTRAINT fund_amount_bound CHECK (amount <= 1000000000000000);
ALTER TABLE fund_contribution ADD CONSTRAINT fund_contribution_amount_bound CHECK (amount <= 1000000000000000);
ALTER TABLE operation ADD CONSTRAINT operation_cost_ht_bound CHECK (cost_ht <= 1000000000000000);
ALTER TABLE operation ADD CONSTRAINT operation_cost_ttc_bound CHECK (cost_ttc <= 1000000000000000);
ALTER TABLE financing_line ADD CONSTRAINT financing_line_requested_bound CHECK (requested <= 1000000000000000);
ALTER TABLE financing_line ADD CONSTRAINT financing_line_granted_bound CHECK (granted <= 1000000000000000);
ALTER TABLE financing_line ADD CONSTRAINT financing_line_committed_bound CHECK (committed <= 1000000000000000);
ALTER TABLE financing_line ADD CONSTRAINT financing_line_paid_bound CHECK (paid <= 1000000000000000);
