// Staff edit a product in the admin portal (chromium) and the storefront shows the change; two
// staff editing one product never silently overwrite each other.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startShop } from './lib/shop.mjs';
import { launch } from './lib/browser.mjs';
import { cookieHeader, staffContext } from './lib/staff.mjs';

let shop;
let browser;
before(async () => {
  shop = await startShop({ products: 30 });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

// An active product with at least one variant, through the storefront's JSON API.
async function someProduct(skip = 0) {
  const listed = await (await fetch(shop.storefront + '/api/v1/products?limit=50&sort=name')).json();
  let seen = 0;
  for (const item of listed.items) {
    const detail = await (await fetch(`${shop.storefront}/api/v1/products/${item.slug}`)).json();
    if (detail.variants.length > 0 && seen++ === skip) {
      return detail;
    }
  }
  throw new Error('the seed has no active product with variants');
}

// The storefront shows what the admin wrote on its next requests: invalidations reach the
// storefront's in-process cache through the database, polled every 50 ms in this shop, so the
// page is re-read a bounded number of times.
async function eventually(page, url, check) {
  let last = '';
  for (let attempt = 0; attempt < 40; ++attempt) {
    await page.goto(url);
    last = await page.locator('article.product').textContent();
    if (check(last)) {
      return;
    }
    await page.waitForTimeout(100);
  }
  assert.fail(`the storefront never showed the change; last page text: ${last}`);
}

async function openEditor(page, slug) {
  await page.goto(`${shop.admin}/products?q=${encodeURIComponent(slug)}`);
  const link = page.locator('table a[href^="/products/"]').first();
  await Promise.all([page.waitForURL(/\/products\/\d+$/), link.click()]);
}

test('staff edit a title and a price in the admin and the storefront shows both', async () => {
  const product = await someProduct();
  const storefront = await browser.newPage();
  const { context: adminContext, page: admin } = await staffContext(browser, shop, 'owner');
  storefront.setDefaultTimeout(10000);
  try {
    // The customer has seen the product: it is in the storefront's cache now.
    await storefront.goto(`${shop.storefront}/p/${product.slug}`);
    assert.equal((await storefront.locator('article.product h1').textContent()).trim(), product.title);

    await openEditor(admin, product.slug);
    const title = `Edited ${product.title}`;
    await admin.fill('form[action$="/' + product.id + '"] input[name="title"]', title);
    // The editor is on /products/<id> already: wait for the redirect that only a save makes.
    await Promise.all([
      admin.waitForURL(new RegExp(`/products/${product.id}\\?done=saved$`)),
      admin.locator('form[action$="/' + product.id + '"] button[type="submit"]').click(),
    ]);
    assert.match(await admin.locator('main').textContent(), /Saved\./);
    assert.equal(await admin.locator('form[action$="/' + product.id + '"] input[name="title"]').inputValue(), title);

    const variant = product.variants[0];
    await admin.fill(`input[form="variant-${variant.id}"][name="price"]`, '123.45');
    await Promise.all([
      admin.waitForURL(new RegExp(`/products/${product.id}\\?done=variant_saved$`)),
      admin.locator(`form#variant-${variant.id} button[type="submit"]`).click(),
    ]);
    assert.match(await admin.locator('main').textContent(), /Variant saved\./);
    assert.equal(await admin.locator(`input[form="variant-${variant.id}"][name="price"]`).inputValue(), '123.45');

    await eventually(
      storefront,
      `${shop.storefront}/p/${product.slug}?variant=${variant.id}`,
      (text) => text.includes(title) && text.includes('123.45'),
    );
    assert.equal((await storefront.locator('article.product h1').textContent()).trim(), title);
    assert.match(await storefront.locator('article.product p.price strong').textContent(), /123\.45/);
    // The JSON API agrees, in minor units.
    const json = await (await fetch(`${shop.storefront}/api/v1/products/${product.slug}`)).json();
    assert.equal(json.variants.find((v) => v.id === variant.id).price.amount, 12345);
  } finally {
    await storefront.close();
    await adminContext.close();
  }
});

test('a second editor saving a stale version gets a conflict and overwrites nothing', async () => {
  const product = await someProduct(1);
  // Two browsers signed in apart (the second with a recovery code: the first used this step's code).
  const { context: firstContext, page: first } = await staffContext(browser, shop, 'owner');
  const { context: secondContext, page: second } = await staffContext(browser, shop, 'owner');
  try {
    await openEditor(first, product.slug);
    await openEditor(second, product.slug);
    const form = 'form[action$="/' + product.id + '"]';
    await first.fill(`${form} input[name="title"]`, 'First editor wins');
    await Promise.all([
      first.waitForURL(new RegExp(`/products/${product.id}\\?done=saved$`)),
      first.locator(`${form} button[type="submit"]`).click(),
    ]);

    await second.fill(`${form} input[name="title"]`, 'Second editor loses');
    const [response] = await Promise.all([
      second.waitForNavigation(),
      second.locator(`${form} button[type="submit"]`).click(),
    ]);
    assert.equal(response.status(), 409);
    assert.match(await second.locator('main, body').first().textContent(), /someone else/i);
    // What the second editor typed is still in the form, and nothing of it was saved.
    assert.equal(await second.locator(`${form} input[name="title"]`).inputValue(), 'Second editor loses');
    const stored = await (
      await fetch(`${shop.admin}/api/v1/admin/products/${product.id}`, {
        headers: { Cookie: await cookieHeader(firstContext) },
      })
    ).json();
    assert.equal(stored.title, 'First editor wins');
  } finally {
    await firstContext.close();
    await secondContext.close();
  }
});

test('an analyst signs in with a second factor, reads the catalog and cannot change it', async () => {
  const product = await someProduct(2);
  // No session: the pages send the browser to the sign-in form.
  const anonymous = await browser.newPage();
  await anonymous.goto(`${shop.admin}/products`);
  assert.equal(new URL(anonymous.url()).pathname, '/sign-in');
  await anonymous.close();

  const { context, page } = await staffContext(browser, shop, 'analyst', '/products');
  try {
    assert.match(await page.locator('header').textContent(), /analyst@example\.com \(analyst\)/);
    assert.ok((await page.locator('table a[href^="/products/"]').count()) > 0);
    await openEditor(page, product.slug);
    const form = 'form[action$="/' + product.id + '"]';
    await page.fill(`${form} input[name="title"]`, 'An analyst was here');
    const [response] = await Promise.all([page.waitForNavigation(), page.locator(`${form} button[type="submit"]`).click()]);
    assert.equal(response.status(), 403);
    assert.match(await page.locator('body').textContent(), /catalog\.write/);
    const cookie = await cookieHeader(context);
    const stored = await (await fetch(`${shop.admin}/api/v1/admin/products/${product.id}`, { headers: { Cookie: cookie } })).json();
    assert.equal(stored.title, product.title);
    // Staff are for owners and administrators.
    assert.equal((await fetch(`${shop.admin}/api/v1/admin/staff`, { headers: { Cookie: cookie } })).status, 403);
    // Signing out ends the session: the pages ask for a sign-in again.
    await page.goto(`${shop.admin}/products`);
    await Promise.all([page.waitForURL(/\/sign-in$/), page.locator('form.signed-in button').click()]);
    assert.equal((await fetch(`${shop.admin}/api/v1/admin/me`, { headers: { Cookie: cookie } })).status, 401);
  } finally {
    await context.close();
  }
});
