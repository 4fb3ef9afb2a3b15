-- Full-text search over product titles and descriptions (GET /api/v1/products?q=).
-- An external-content FTS5 table: it stores only the index, reads the text from products, and
-- is kept in step by the triggers below ('porter unicode61': English stemming over Unicode
-- word breaking, so "shoes" finds "shoe"). Ranked with bm25, the title weighing more.

CREATE VIRTUAL TABLE products_search USING fts5 (
  title,
  description,
  content = 'products',
  content_rowid = 'id',
  tokenize = 'porter unicode61'
);

INSERT INTO products_search (rowid, title, description) SELECT id, title, description FROM products;

CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_search (rowid, title, description) VALUES (new.id, new.title, new.description);
END;

CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
  INSERT INTO products_search (products_search, rowid, title, description)
  VALUES ('delete', old.id, old.title, old.description);
END;

-- Only a change of the indexed text touches the index (status and version change often).
CREATE TRIGGER products_search_update AFTER UPDATE OF title, description ON products BEGIN
  INSERT INTO products_search (products_search, rowid, title, description)
  VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO products_search (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
