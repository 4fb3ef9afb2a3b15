-- Listing columns: each product's cheapest variant price (amount and currency) and whether any of
-- its variants is in stock, kept on the product row so that listings, price sorts, stock filters
-- and facet counts read one row per product instead of three sub-queries over variants.
-- Triggers on variants keep them right whoever writes (services, CSV import, the seed): one
-- statement-level trigger per kind of change, refreshing the products its rows touched.

ALTER TABLE products ADD COLUMN price_min BIGINT;
ALTER TABLE products ADD COLUMN price_currency CHAR(3);
ALTER TABLE products ADD COLUMN in_stock SMALLINT NOT NULL DEFAULT 0;

CREATE FUNCTION products_refresh_listing(ids BIGINT[]) RETURNS void LANGUAGE sql AS $$
  UPDATE products p SET
    price_min = c.price_amount,
    price_currency = c.currency,
    in_stock = CASE WHEN EXISTS (SELECT 1 FROM variants s WHERE s.product_id = p.id AND s.on_hand > 0)
               THEN 1 ELSE 0 END
  FROM (SELECT q.id,
               (SELECT v.price_amount FROM variants v WHERE v.product_id = q.id
                ORDER BY v.price_amount, v.id LIMIT 1) AS price_amount,
               (SELECT v.currency FROM variants v WHERE v.product_id = q.id
                ORDER BY v.price_amount, v.id LIMIT 1) AS currency
        FROM unnest(ids) AS q(id)) c
  WHERE p.id = c.id;
$$;

CREATE FUNCTION variants_refresh_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM products_refresh_listing(ARRAY(SELECT DISTINCT product_id FROM new_rows));
  RETURN NULL;
END;
$$;

CREATE FUNCTION variants_refresh_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM products_refresh_listing(ARRAY(SELECT product_id FROM new_rows UNION SELECT product_id FROM old_rows));
  RETURN NULL;
END;
$$;

CREATE FUNCTION variants_refresh_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM products_refresh_listing(ARRAY(SELECT DISTINCT product_id FROM old_rows));
  RETURN NULL;
END;
$$;

CREATE TRIGGER variants_listing_insert AFTER INSERT ON variants
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION variants_refresh_inserted();
CREATE TRIGGER variants_listing_update AFTER UPDATE ON variants
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION variants_refresh_updated();
CREATE TRIGGER variants_listing_delete AFTER DELETE ON variants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION variants_refresh_deleted();

SELECT products_refresh_listing(ARRAY(SELECT id FROM products));

-- Price sorts page through active products by (price, id); unpriced products sort last.
CREATE INDEX products_listing_price ON products (status, price_min, id);
