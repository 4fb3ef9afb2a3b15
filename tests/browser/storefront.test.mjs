// A customer's walk through the storefront in chromium: home -> category -> filter -> product ->
// variant, on a seeded shop; then pages must work without JavaScript as well.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startShop } from './lib/shop.mjs';
import { launch } from './lib/browser.mjs';

let shop;
let browser;
before(async () => {
  shop = await startShop({ products: 80 });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

// "from €1,234.99" or "€19.99" -> 123499 / 1999 (minor units, integers only)
function minorUnits(text) {
  const match = text.replace(/,/g, '').match(/(\d+)\.(\d{2})/);
  assert.ok(match, `no price in "${text}"`);
  return Number(match[1]) * 100 + Number(match[2]);
}

async function browse(page) {
  page.setDefaultTimeout(10000);
  // Home: the category list and the newest products.
  const home = await page.goto(shop.storefront + '/');
  assert.equal(home.status(), 200);
  const categories = page.locator('section[aria-labelledby="home-categories"] > ul > li > a');
  assert.ok((await categories.count()) >= 1, 'the home page lists categories');
  assert.ok((await page.locator('ul.grid li.card').count()) >= 1, 'the home page shows products');

  // A department page with its sub-categories, breadcrumb and products.
  const name = (await categories.first().textContent()).trim();
  await Promise.all([page.waitForURL(/\/c\/[a-z0-9-]+/), categories.first().click()]);
  assert.equal((await page.locator('h1').textContent()).trim(), name);
  assert.match(await page.title(), new RegExp(name));
  assert.equal((await page.locator('nav.breadcrumb li[aria-current="page"]').textContent()).trim(), name);
  const cards = page.locator('section.results li.card');
  assert.ok((await cards.count()) >= 1, 'the category lists products');

  // Filter by the first value of the first attribute facet: the listing then has exactly as many
  // products as the facet promised, and the box stays ticked.
  const label = page.locator('form.filters fieldset label:has(input[type="checkbox"][name^="attr."])').first();
  const box = label.locator('input');
  const promised = Number((await label.locator('.count').textContent()).replace(/\D/g, ''));
  const value = await box.getAttribute('value');
  const attrName = await box.getAttribute('name');
  await box.check();
  await Promise.all([page.waitForURL(/attr\./), page.locator('form.filters button[type="submit"]').click()]);
  assert.ok(new URL(page.url()).searchParams.getAll(attrName).includes(value), `${attrName}=${value} in ${page.url()}`);
  assert.ok(await page.locator(`form.filters input[type="checkbox"][value="${value}"]`).first().isChecked());
  let shown = await cards.count();
  // Bounded walk over the pages of the filtered listing (24 per page, never more than a few).
  for (let pages = 0; pages < 10; ++pages) {
    const next = page.locator('nav.paging a[rel="next"]');
    if ((await next.count()) === 0) {
      break;
    }
    // From the second page on the URL has a cursor already: wait for the next link's own URL.
    const target = new URL(await next.getAttribute('href'), page.url()).href;
    await Promise.all([page.waitForURL(target), next.click()]);
    shown += await cards.count();
  }
  assert.equal(shown, promised, 'the facet count matches the products listed');

  // A price ceiling: every card is at most that price.
  await page.goto(page.url().split('?')[0]);
  await page.fill('form.filters input[name="max_price"]', '40.00');
  await Promise.all([page.waitForURL(/max_price=/), page.locator('form.filters button[type="submit"]').click()]);
  const prices = await page.locator('section.results li.card .price').allTextContents();
  for (const price of prices) {
    assert.ok(minorUnits(price) <= 4000, `${price} is above 40.00`);
  }

  // A product page: title, price, JSON-LD, images with their dimensions.
  await page.goto(page.url().split('?')[0]);
  const card = cards.first();
  const title = (await card.locator('.card-title').textContent()).trim();
  await Promise.all([page.waitForURL(/\/p\/[a-z0-9-]+/), card.locator('a').click()]);
  assert.equal((await page.locator('article.product h1').textContent()).trim(), title);
  const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').first().textContent());
  const product = [ld, ...(ld['@graph'] || [])].find((item) => item['@type'] === 'Product');
  assert.ok(product, 'JSON-LD describes a Product');
  assert.equal(product.name, title);
  for (const img of await page.locator('article.product img').all()) {
    assert.ok(Number(await img.getAttribute('width')) > 0);
    assert.ok(Number(await img.getAttribute('height')) > 0);
  }

  // Pick a variant on a product that has several (found through the JSON API): the page marks it
  // current and shows its own price.
  const listed = await (await fetch(shop.storefront + '/api/v1/products?limit=50')).json();
  let several = null;
  for (const item of listed.items) {
    const detail = await (await fetch(`${shop.storefront}/api/v1/products/${item.slug}`)).json();
    const prices = new Set(detail.variants.map((v) => v.price.amount));
    if (prices.size >= 2) {
      several = detail;
      break;
    }
  }
  assert.ok(several, 'the seed has a product whose variants differ in price');
  await page.goto(`${shop.storefront}/p/${several.slug}`);
  const first = (await page.locator('article.product p.price strong').textContent()).trim();
  const choice = page.locator('nav.variants a.variant').last();
  const text = (await choice.textContent()).trim();
  await Promise.all([page.waitForURL(/variant=\d+/), choice.click()]);
  assert.equal((await page.locator('nav.variants [aria-current="true"]').textContent()).trim(), text);
  const chosen = (await page.locator('article.product p.price strong').textContent()).trim();
  assert.ok(text.includes(chosen), `the picker's "${text}" shows the price ${chosen}`);
  const id = Number(new URL(page.url()).searchParams.get('variant'));
  const variant = several.variants.find((v) => v.id === id);
  assert.ok(variant, 'the chosen variant is one of the product');
  assert.equal(minorUnits(chosen), variant.price.amount);
  assert.ok(first !== chosen || several.variants[0].price.amount === variant.price.amount);
}

test('a customer browses from home to a category, filters, opens a product and picks a variant', async () => {
  const page = await browser.newPage();
  try {
    await browse(page);
  } finally {
    await page.close();
  }
});

test('the same walk works with JavaScript turned off', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await browse(page);
  } finally {
    await context.close();
  }
});

test('an unknown product shows the 404 page, not an error trace', async () => {
  const page = await browser.newPage();
  try {
    const response = await page.goto(shop.storefront + '/p/no-such-product');
    assert.equal(response.status(), 404);
    assert.match(await page.locator('h1').textContent(), /not find|not found/i);
    assert.equal(await page.locator('header a, nav a').first().isVisible(), true);
  } finally {
    await page.close();
  }
});

test('the storefront and the admin serve a favicon, and a page load requests nothing that fails', async () => {
  for (const origin of [shop.storefront, shop.admin]) {
    const response = await fetch(origin + '/favicon.ico');
    assert.equal(response.status, 200, origin);
    assert.match(response.headers.get('content-type'), /^image\//, origin);
    const body = new Uint8Array(await response.arrayBuffer());
    // An ICO file's header: reserved 0, type 1 (icon), at least one image.
    assert.deepEqual([...body.subarray(0, 4)], [0, 0, 1, 0], origin);
    assert.ok(body[4] + body[5] * 256 >= 1, origin);
  }
  const page = await browser.newPage();
  const failed = [];
  page.on('response', (response) => {
    if (response.status() >= 400) {
      failed.push(`${response.status()} ${response.url()}`);
    }
  });
  // A lazy image still loading when the next goto starts is cancelled (net::ERR_ABORTED), not failed.
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') {
      failed.push(`${request.failure()?.errorText} ${request.url()}`);
    }
  });
  try {
    const listed = await (await fetch(shop.storefront + '/api/v1/products?limit=1')).json();
    await page.goto(shop.storefront + '/');
    await page.goto(`${shop.storefront}/p/${listed.items[0].slug}`);
    // Every stylesheet, script and image the two pages asked for was answered (load waits for them).
    assert.deepEqual(failed, []);
  } finally {
    await page.close();
  }
});

// The width a PNG's IHDR chunk declares (bytes 16-19, big-endian).
function pngWidth(bytes) {
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(16);
}

test('product images come in every size their srcset names, and chromium picks by density', async () => {
  const listed = await (await fetch(shop.storefront + '/api/v1/products?limit=1')).json();
  const slug = listed.items[0].slug;
  for (const deviceScaleFactor of [1, 2]) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor });
    const page = await context.newPage();
    try {
      await page.goto(`${shop.storefront}/p/${slug}`);
      const img = page.locator('article.product .gallery img').first();
      const srcset = await img.getAttribute('srcset');
      assert.ok(await img.getAttribute('sizes'), 'the image says how wide it is shown');
      const candidates = srcset.split(',').map((c) => {
        const [url, descriptor] = c.trim().split(/\s+/);
        return { url: new URL(url, shop.storefront).href, width: Number(descriptor.replace(/w$/, '')) };
      });
      // The seed's placeholders: an 800-pixel image and its 400-pixel copy (1x and 2x on a phone).
      assert.deepEqual(
        candidates.map((c) => c.width),
        [400, 800],
        srcset,
      );
      for (const candidate of candidates) {
        const response = await fetch(candidate.url);
        assert.equal(response.status, 200, candidate.url);
        assert.equal(response.headers.get('content-type'), 'image/png');
        assert.equal(pngWidth(new Uint8Array(await response.arrayBuffer())), candidate.width, candidate.url);
      }
      // Shown 390 CSS pixels wide: 400 pixels are enough at 1x, 800 are needed at 2x.
      await img.evaluate((element) => element.decode());
      const chosen = await img.evaluate((element) => element.currentSrc);
      assert.equal(chosen, candidates[deviceScaleFactor - 1].url);
    } finally {
      await context.close();
    }
  }
});
