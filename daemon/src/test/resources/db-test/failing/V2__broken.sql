-- Its first statement works, its second cannot: the whole file must roll back.
CREATE TABLE half_done (id INTEGER PRIMARY KEY);
INSERT INTO no_such_table (id) VALUES (1);
