-- Amounts are bounded (domain `Amount::MAX`: 10^13 euros, 10^15 cents), so that sums of
-- amounts stay far from 64-bit limits. Existing rows are within the bound.
-- SQLite cannot add a CHECK to an existing table without rebuilding it (and the tables that
-- reference it), so triggers refuse the same rows. Keep in step with the other backend.

CREATE TRIGGER fund_amount_bound_insert BEFORE INSERT ON fund
FOR EACH ROW WHEN NEW.amount > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
CREATE TRIGGER fund_amount_bound_update BEFORE UPDATE ON fund
FOR EACH ROW WHEN NEW.amount > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
CREATE TRIGGER fund_contribution_amount_bound_insert BEFORE INSERT ON fund_contribution
FOR EACH ROW WHEN NEW.amount > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
CREATE TRIGGER fund_contribution_amount_bound_update BEFORE UPDATE ON fund_contribution
FOR EACH ROW WHEN NEW.amount > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
CREATE TRIGGER operation_amount_bound_insert BEFORE INSERT ON operation
FOR EACH ROW WHEN NEW.cost_ht > 1000000000000000 OR NEW.cost_ttc > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
CREATE TRIGGER operation_amount_bound_update BEFORE UPDATE ON operation
FOR EACH ROW WHEN NEW.cost_ht > 1000000000000000 OR NEW.cost_ttc > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
CREATE TRIGGER financing_line_amount_bound_insert BEFORE INSERT ON financing_line
FOR EACH ROW WHEN NEW.requested > 1000000000000000 OR NEW.granted > 1000000000000000 OR NEW.committed > 1000000000000000 OR NEW.paid > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
CREATE TRIGGER financing_line_amount_bound_update BEFORE UPDATE ON financing_line
FOR EACH ROW WHEN NEW.requested > 1000000000000000 OR NEW.granted > 1000000000000000 OR NEW.committed > 1000000000000000 OR NEW.paid > 1000000000000000
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: amount above 10^15 cents'); END;
