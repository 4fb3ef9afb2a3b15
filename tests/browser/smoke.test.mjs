// The harness itself: a seeded shop starts and chromium renders its home page.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startShop } from './lib/shop.mjs';
import { launch } from './lib/browser.mjs';

let shop;
let browser;
before(async () => {
  shop = await startShop({ products: 20 });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

test('the storefront home page renders in chromium', async () => {
  const page = await browser.newPage();
  const response = await page.goto(shop.storefront + '/');
  assert.equal(response.status(), 200);
  assert.match(await page.title(), /\S/);
  await page.close();
});
