// Staff sign-in for browser tests: the admin in these shops requires a TOTP second factor (as in
// production), so the first sign-in of an account sets it up from the secret the page shows, and
// later ones type the app's code. The codes come from RFC 6238 here (HMAC-SHA1, 30 s steps, six
// digits), written against the RFC, not taken from the server.
import { createHmac } from 'node:crypto';
import assert from 'node:assert/strict';

const kBase32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const index = kBase32.indexOf(c);
    assert.ok(index >= 0, `not base32: ${text}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totp(secretBase32, unixSeconds = Math.floor(Date.now() / 1000)) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(number).padStart(6, '0');
}

// What each account has set up: its TOTP secret and its unused recovery codes.
const accounts = new Map();

async function submit(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    await page.fill(`form[action="/sign-in"] input[name="${name}"]`, value);
  }
  await Promise.all([page.waitForLoadState('load'), page.locator('form[action="/sign-in"] button').click()]);
}

// Signs the account in on page (a page of its own browser context) through the sign-in form,
// setting up the second factor the first time; ends on the page `next` names.
export async function signIn(page, adminUrl, { email, password }, next = '/') {
  await page.goto(`${adminUrl}/sign-in?next=${encodeURIComponent(next)}`);
  const known = accounts.get(email);
  if (known) {
    // The form asks for the code once the password is right. A code of the current step may have
    // been used by this account's last sign-in: a recovery code is never refused for that.
    await submit(page, { email, password });
    await submit(page, { password, totp: known.recovery.shift() });
  } else {
    await submit(page, { email, password });
    const secret = (await page.locator('code.secret').textContent()).trim();
    await submit(page, { password, totp: totp(secret) });
    assert.match(await page.locator('h1').textContent(), /Your recovery codes/);
    const recovery = (await page.locator('ul.codes code').allTextContents()).map((c) => c.trim());
    assert.equal(recovery.length, 10);
    accounts.set(email, { secret, recovery });
    await Promise.all([page.waitForLoadState('load'), page.locator('a', { hasText: 'Continue' }).click()]);
  }
  assert.equal(new URL(page.url()).pathname, new URL(next, adminUrl).pathname, await page.locator('main').textContent());
}

// A new browser context signed in as the account: its pages share the staff cookie.
export async function staffContext(browser, shop, who, next = '/') {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  await signIn(page, shop.admin, shop.staff[who], next);
  return { context, page };
}

// The Cookie header of a signed-in context, for fetch() against the admin API.
export async function cookieHeader(context) {
  const cookies = await context.cookies();
  const staff = cookies.find((c) => c.name === '__Host-ecom_staff');
  assert.ok(staff, 'the context has no staff cookie');
  return `${staff.name}=${staff.value}`;
}
