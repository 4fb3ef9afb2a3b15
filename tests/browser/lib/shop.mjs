// Starts a real shop for browser tests (and tests/openapi): ecomctl migrates and seeds a temporary SQLite database,
// then ecom-storefront and ecom-admin run on free loopback ports (ECOM_HTTP_PORT=0; the port is
// read from each server's "listening" log line). Everything is stopped and removed by stop().
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const binDir = process.env.ECOM_BIN_DIR;
const sourceDir = process.env.ECOM_SOURCE_DIR;
if (!binDir || !sourceDir) {
  throw new Error('ECOM_BIN_DIR and ECOM_SOURCE_DIR must be set (ctest sets them)');
}

// A server whose "listening" line does not come within this time is reported as failed.
const kStartTimeoutMs = 20000;

function startServer(name, env) {
  const child = spawn(join(binDir, name), [], { cwd: sourceDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${kStartTimeoutMs} ms:\n${log.join('\n')}`));
    }, kStartTimeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log.join('\n')}`));
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (log.length < 2000) {
        log.push(line);
      }
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'listening' && entry.port) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ child, port: entry.port, log });
        }
      } catch {
        // not a JSON line: kept in the log only
      }
    });
  });
}

// admin: false starts the storefront only (tests/openapi needs nothing else).
export async function startShop({ products = 60, admin: withAdmin = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ecom-browser-'));
  const env = {
    ...process.env,
    ECOM_DB_URL: `sqlite:${join(dir, 'shop.db')}`,
    ECOM_DB_MIGRATIONS_DIR: join(sourceDir, 'migrations'),
    ECOM_STATIC_ROOT: join(sourceDir, 'web'),
    ECOM_STORAGE_ROOT: join(dir, 'media'),
    ECOM_HTTP_ADDRESS: '127.0.0.1',
    ECOM_HTTP_PORT: '0',
    ECOM_HTTP_OPS_PORT: '0',
    ECOM_HTTP_ACCESS_LOG: 'false',
    ECOM_CATALOG_CURSOR_SECRET: 'browser-test-cursor-secret-of-32-bytes',
    // Invalidations between the admin and the storefront travel through the database: poll fast.
    ECOM_CACHE_INVALIDATION_POLL_MS: '50',
  };
  const ctl = (args, input) =>
    execFileSync(join(binDir, 'ecomctl'), [...args, '--config', join(sourceDir, 'config/ecomctl.json')], {
      cwd: sourceDir,
      env,
      input,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: 60000,
    });
  ctl(['migrate']);
  ctl(['seed', '--products', String(products), '--seed', '7']);
  // One member per role that the tests sign in as (lib/staff.mjs).
  const staff = {};
  for (const role of ['owner', 'analyst']) {
    staff[role] = { email: `${role}@example.com`, password: `browser ${role} passphrase` };
    ctl(['staff', 'create', '--email', staff[role].email, '--role', role, '--password-stdin'], `${staff[role].password}\n`);
  }
  // The admin requires the second factor, as in production.
  const adminEnv = { ...env, ECOM_STAFF_REQUIRE_TOTP: 'true' };
  const servers = [];
  try {
    const storefront = await startServer('ecom-storefront', env);
    servers.push(storefront);
    const admin = withAdmin ? await startServer('ecom-admin', adminEnv) : null;
    if (admin) {
      servers.push(admin);
    }
    return {
      dir,
      storefront: `http://127.0.0.1:${storefront.port}`,
      admin: admin ? `http://127.0.0.1:${admin.port}` : null,
      staff,
      logs: () => servers.map((s) => s.log.join('\n')).join('\n'),
      async stop() {
        await Promise.all(
          servers.map(
            (s) =>
              new Promise((resolve) => {
                if (s.child.exitCode !== null) {
                  resolve();
                  return;
                }
                s.child.on('exit', resolve);
                s.child.kill('SIGTERM');
                setTimeout(() => s.child.kill('SIGKILL'), 10000).unref();
              }),
          ),
        );
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const s of servers) {
      s.child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
