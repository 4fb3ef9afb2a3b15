-- The catalog module's tables: the category tree, products, their categories, variants and
-- attributes. Only active products are shown to customers.
-- created_at/updated_at are microseconds since the Unix epoch (UTC) in both dialects: listings
-- page by (created_at, id), and an integer compares and round-trips exactly in a cursor.

CREATE TABLE categories (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id INTEGER REFERENCES categories (id),
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX categories_parent ON categories (parent_id);

-- version is bumped by every change, for optimistic concurrency (If-Match) in the admin.
CREATE TABLE products (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
  seo_title TEXT NOT NULL DEFAULT '',
  seo_description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
-- Listings show active products newest first, with id as the tie-break.
CREATE INDEX products_listing ON products (status, created_at DESC, id DESC);

CREATE TABLE product_categories (
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
  PRIMARY KEY (product_id, category_id)
) WITHOUT ROWID;
CREATE INDEX product_categories_category ON product_categories (category_id, product_id);

-- Money is integer minor units plus an ISO 4217 code. options is a JSON object of option values,
-- e.g. {"size":"M","colour":"red"}. on_hand stays until the inventory module owns stock.
CREATE TABLE variants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  sku TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL DEFAULT '',
  options TEXT NOT NULL DEFAULT '{}',
  price_amount INTEGER NOT NULL CHECK (price_amount >= 0),
  compare_at_amount INTEGER CHECK (compare_at_amount >= 0),
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  weight_grams INTEGER NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
  on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0)
);
CREATE INDEX variants_product ON variants (product_id, id);

CREATE TABLE product_attributes (
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (product_id, name, value)
) WITHOUT ROWID;
CREATE INDEX product_attributes_filter ON product_attributes (name, value);
