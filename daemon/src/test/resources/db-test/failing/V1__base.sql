-- A migration that applies.
CREATE TABLE base (id INTEGER PRIMARY KEY);
