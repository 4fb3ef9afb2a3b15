-- Listing columns: each product's cheapest variant price (amount and currency) and whether any of
-- its variants is in stock, kept on the product row so that listings, price sorts, stock filters
-- and facet counts read one row per product instead of three sub-queries over variants.
-- Triggers on variants keep them right whoever writes (services, CSV import, the seed).

ALTER TABLE products ADD COLUMN price_min INTEGER;
ALTER TABLE products ADD COLUMN price_currency TEXT;
ALTER TABLE products ADD COLUMN in_stock INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER variants_listing_insert AFTER INSERT ON variants BEGIN
  UPDATE products SET
    price_min = (SELECT v.price_amount FROM variants v WHERE v.product_id = products.id
                 ORDER BY v.price_amount, v.id LIMIT 1),
    price_currency = (SELECT v.currency FROM variants v WHERE v.product_id = products.id
                      ORDER BY v.price_amount, v.id LIMIT 1),
    in_stock = EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.on_hand > 0)
  WHERE id = new.product_id;
END;

CREATE TRIGGER variants_listing_update AFTER UPDATE OF product_id, price_amount, currency, on_hand ON variants BEGIN
  UPDATE products SET
    price_min = (SELECT v.price_amount FROM variants v WHERE v.product_id = products.id
                 ORDER BY v.price_amount, v.id LIMIT 1),
    price_currency = (SELECT v.currency FROM variants v WHERE v.product_id = products.id
                      ORDER BY v.price_amount, v.id LIMIT 1),
    in_stock = EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.on_hand > 0)
  WHERE id IN (old.product_id, new.product_id);
END;

CREATE TRIGGER variants_listing_delete AFTER DELETE ON variants BEGIN
  UPDATE products SET
    price_min = (SELECT v.price_amount FROM variants v WHERE v.product_id = products.id
                 ORDER BY v.price_amount, v.id LIMIT 1),
    price_currency = (SELECT v.currency FROM variants v WHERE v.product_id = products.id
                      ORDER BY v.price_amount, v.id LIMIT 1),
    in_stock = EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.on_hand > 0)
  WHERE id = old.product_id;
END;

UPDATE products SET
  price_min = (SELECT v.price_amount FROM variants v WHERE v.product_id = products.id
               ORDER BY v.price_amount, v.id LIMIT 1),
  price_currency = (SELECT v.currency FROM variants v WHERE v.product_id = products.id
                    ORDER BY v.price_amount, v.id LIMIT 1),
  in_stock = EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.on_hand > 0);

-- Price sorts page through active products by (price, id); unpriced products sort last.
CREATE INDEX products_listing_price ON products (status, price_min, id);
