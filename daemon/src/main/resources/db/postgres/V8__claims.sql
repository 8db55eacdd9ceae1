-- Claims that fit agents: each claim records its lease length (renewals extend the lease by it,
-- and a lease longer than the default is not taken back when its owner misses heartbeats) and a
-- token naming the attempt, required to complete, fail or renew it; null unless running.
ALTER TABLE tasks ADD COLUMN lease_ms BIGINT;
ALTER TABLE tasks ADD COLUMN claim_token TEXT;
