// The OpenAPI documents the storefront serves at /api/v1/openapi.json and the admin at
// /api/v1/admin/openapi.json pass Redocly's recommended rules (redocly.yaml) with no error, linted
// by the Redocly CLI pinned in package-lock.json. The real ecom-storefront and ecom-admin serve
// them, on a migrated SQLite shop (tests/browser/lib/shop.mjs); both documents are public, so no
// one signs in.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startShop } from '../browser/lib/shop.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'node_modules/@redocly/cli/bin/cli.js');

let shop;
let dir;
before(async () => {
  shop = await startShop({ products: 1, admin: true });
  dir = mkdtempSync(join(tmpdir(), 'ecom-openapi-'));
});
after(async () => {
  await shop?.stop();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Runs `redocly lint` on a document under this Node; resolves with its exit code and output.
function lint(document, name) {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(document, null, 2));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'lint', '--config', join(here, 'redocly.yaml'), '--format', 'stylish', file],
      // No usage data sent and no registry check for a newer version: the lint is offline.
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, timeout: 60000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

async function served(url = shop.storefront + '/api/v1/openapi.json') {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  return response.json();
}

const adminDocument = () => served(shop.admin + '/api/v1/admin/openapi.json');

test('the served OpenAPI document has no error under Redocly recommended rules', async () => {
  const document = await served();
  const { code, output } = await lint(document, 'served.json');
  assert.equal(code, 0, output);
  assert.match(output, /valid/i, output);
});

test('the lint fails on an error: an operation without security is refused', async () => {
  const document = await served();
  const operation = document.paths['/api/v1/store'].get;
  assert.ok(operation, 'the document has GET /api/v1/store');
  delete operation.security;
  const { code, output } = await lint(document, 'planted.json');
  assert.notEqual(code, 0, output);
  assert.match(output, /security-defined/, output);
});

test('the OpenAPI document ecom-admin serves has no error under Redocly recommended rules', async () => {
  const document = await adminDocument();
  assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), ['apiKey', 'staffCookie']);
  const { code, output } = await lint(document, 'admin-served.json');
  assert.equal(code, 0, output);
  assert.match(output, /valid/i, output);
});

test('the admin lint fails on an error: an operation without security is refused', async () => {
  const document = await adminDocument();
  const operation = document.paths['/api/v1/admin/products'].get;
  assert.ok(operation, 'the document has GET /api/v1/admin/products');
  delete operation.security;
  const { code, output } = await lint(document, 'admin-planted.json');
  assert.notEqual(code, 0, output);
  assert.match(output, /security-defined/, output);
});
