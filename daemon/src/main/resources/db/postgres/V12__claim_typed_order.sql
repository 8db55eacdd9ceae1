-- The typed claim range (V11's tasks_claim_typed) keyed on priority as BIGINT, an order no other
-- index has. A typed claim compares type with a parameter (the LATERAL's type, or the capped type
-- it claims), which the planner cannot see; it takes each type to be as common as the average, and
-- when one type outnumbers the rest it ranked the smaller tasks_claim_any, read in the same
-- (priority DESC, id) order with type as a filter, at the same cost as this index: a claim of a
-- rare type then walked past every queued task of the common one (about a second with a million
-- queued). Ordering the typed claim by priority::bigint, which only this index delivers, leaves
-- tasks_claim_any needing a sort of all its rows, so the planner takes this index whatever the mix
-- of types. The cast cannot overflow (negating the INTEGER could) and keeps the order.
DROP INDEX tasks_claim_typed;
CREATE INDEX tasks_claim_typed ON tasks (type, (priority::bigint) DESC, id)
  WHERE status = 'queued' AND assigned_to IS NULL;
