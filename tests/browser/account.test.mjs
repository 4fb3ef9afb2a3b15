// A customer's account in chromium, with JavaScript off (the forms are plain HTML): sign up, sign in,
// change the password, sign out, and the old password no longer signs in while the new one does.
//
// The session cookie is __Host- and Secure. Chromium keeps Secure cookies from http://localhost and
// http://127.0.0.1 (both secure contexts), and the storefront answers to both names whatever its
// allow-list (docs/configuration.md, http.allowed_hosts), so the test talks to the shop startShop
// gives, on 127.0.0.1, like the other browser tests.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startShop } from './lib/shop.mjs';
import { launch } from './lib/browser.mjs';

let shop;
let browser;
before(async () => {
  shop = await startShop({ products: 5, admin: false });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
});

const kName = 'Ada Lovelace';
const kEmail = 'ada@example.com';
const kFirst = 'correct horse battery';
const kSecond = 'a brand new passphrase';

async function submit(page, form, url) {
  await Promise.all([page.waitForURL(url), form.locator('button[type="submit"]').click()]);
}

async function signIn(page, password) {
  await page.goto(shop.storefront + '/');
  await Promise.all([page.waitForURL(/\/account\/sign-in$/), page.locator('nav.account a', { hasText: 'Sign in' }).click()]);
  await page.fill('#f-email', kEmail);
  await page.fill('#f-password', password);
  await page.locator('form.account button[type="submit"]').click();
  await page.waitForLoadState('domcontentloaded');
}

async function signedInAs(page) {
  const nav = page.locator('nav.account');
  return (await nav.locator('.signed-in').count()) === 0 ? null : (await nav.locator('.signed-in a').textContent()).trim();
}

test('a customer signs up, signs in, changes the password and signs out, without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  try {
    // Sign up from the header's link.
    await page.goto(shop.storefront + '/');
    assert.equal(await signedInAs(page), null);
    await Promise.all([
      page.waitForURL(/\/account\/sign-up$/),
      page.locator('nav.account a', { hasText: 'Create an account' }).click(),
    ]);
    await page.fill('#f-name', kName);
    await page.fill('#f-email', kEmail);
    await page.fill('#f-password', kFirst);
    await submit(page, page.locator('form.account'), /\/account\/sign-in\?done=signed-up/);
    assert.match(await page.locator('p.notice').textContent(), /Thank you for signing up/);

    // Sign in: the account overview, and the header says who is signed in on every page.
    await page.fill('#f-email', kEmail);
    await page.fill('#f-password', kFirst);
    await submit(page, page.locator('form.account'), /\/account$/);
    assert.equal((await page.locator('h1').textContent()).trim(), 'Your account');
    assert.equal(await signedInAs(page), kName);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-ecom_session');
    assert.ok(session, 'the session cookie is kept');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    await page.goto(shop.storefront + '/');
    assert.equal(await signedInAs(page), kName);

    // Change the password: a wrong current one is refused next to its field, then the change.
    await page.goto(shop.storefront + '/account');
    await Promise.all([page.waitForURL(/\/account\/password$/), page.locator('a', { hasText: 'Change your password' }).click()]);
    await page.fill('#f-current_password', 'not the password');
    await page.fill('#f-new_password', kSecond);
    await submit(page, page.locator('form.account'), /\/account\/password$/);
    assert.match(await page.locator('#f-current_password-error').textContent(), /wrong/);
    assert.equal(await page.inputValue('#f-new_password'), '', 'a password is never shown back');
    await page.fill('#f-current_password', kFirst);
    await page.fill('#f-new_password', kSecond);
    await submit(page, page.locator('form.account'), /\/account\?done=password$/);
    assert.match(await page.locator('p.notice').textContent(), /password is changed/);
    assert.equal(await signedInAs(page), kName, 'the browser that changed it stays signed in');

    // Sign out from the header.
    await submit(page, page.locator('form.sign-out'), shop.storefront + '/');
    assert.equal(await signedInAs(page), null);
    await page.goto(shop.storefront + '/account');
    assert.match(page.url(), /\/account\/sign-in\?next=%2Faccount$/);

    // The old password no longer works; the typed email is kept and the error sits by the field.
    await signIn(page, kFirst);
    assert.match(page.url(), /\/account\/sign-in$/);
    assert.match(await page.locator('#f-password-error').textContent(), /The email or password is wrong/);
    assert.equal(await page.inputValue('#f-email'), kEmail);
    assert.equal(await signedInAs(page), null);

    // The new one does.
    await signIn(page, kSecond);
    assert.match(page.url(), /\/account$/);
    assert.equal(await signedInAs(page), kName);
  } finally {
    await context.close();
  }
});
