-- Full-text search over product titles and descriptions (GET /api/v1/products?q=).
-- A generated tsvector (the 'english' configuration: stemming, so "shoes" finds "shoe"), the
-- title weighted A and the description B so ts_rank puts title matches first; a GIN index
-- answers the @@ match.

ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, title), 'A') ||
  setweight(to_tsvector('english'::regconfig, description), 'B')
) STORED;

CREATE INDEX products_search ON products USING GIN (search);
