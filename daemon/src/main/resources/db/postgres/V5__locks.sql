-- Leases on named resources (file paths, globs, any name) between agents. Times are epoch
-- milliseconds by the daemon's clock. A row is live while expires_at > now and its holder is not
-- stale; dead rows are deleted by every acquire and by the housekeeping sweep.
CREATE TABLE locks (
  resource    TEXT NOT NULL,
  holder      TEXT NOT NULL,
  shared      BOOLEAN NOT NULL,
  acquired_at BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  PRIMARY KEY (resource, holder)
);
