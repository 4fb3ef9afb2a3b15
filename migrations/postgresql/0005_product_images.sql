-- Product images. path is the storage key ("products/12/3f2a....png"); pages link the asset base
-- URL (assets.base_url) + "/" + path, so a CDN can front the files. width and height are pixels,
-- read from the file at upload. A product shows its images by position, then id; the first is its
-- listing image. A product's file is stored once (the key holds a hash of its bytes), hence the
-- unique (product_id, path); seeded products share a few placeholder files instead.
CREATE TABLE product_images (
  id BIGSERIAL PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  alt TEXT NOT NULL DEFAULT '',
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
  created_at BIGINT NOT NULL,
  UNIQUE (product_id, path)
);
CREATE INDEX product_images_product ON product_images (product_id, position, id);
