// record.mjs: record HAR files of the lab's main 401 causes with a real
// Chromium, driven by playwright-core (no browser download: Debian's
// /usr/bin/chromium). Run by record.sh, which starts the lab and passes its
// URLs; see record.sh for how to re-record.
//
//   LAB_HTTPS=https://127.0.0.1:PORT OUT=dir node record.mjs
//
// Each recording gets its own fresh profile (user-data-dir) and its own
// HAR, written by Playwright's recordHar when the context closes. Only lab
// test data crosses the wire: the lab's account, a deliberately wrong
// password, a revoked token and a dead session cookie, all on loopback.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LAB = process.env.LAB_HTTPS;
const OUT = process.env.OUT;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!LAB || !OUT) {
  console.error('record.mjs: set LAB_HTTPS and OUT');
  process.exit(2);
}

// The flags the project's browser tests use: headless, no sandbox (root in
// a container), no GPU, no QUIC (the lab speaks TCP), and nothing that
// calls home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The lab's account (lab.User / lab.Password) and what the scenarios expect.
const USER = 'alice', PASSWORD = 'correct horse', WRONG = 'wrong horse';

async function record(name, options, steps) {
  const profile = mkdtempSync(join(tmpdir(), 'why401-har-profile-'));
  const path = join(OUT, name + '.har');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ignoreHTTPSErrors: true, // the lab's certificate is self-signed, made at start
    recordHar: { path, mode: 'full', content: 'embed' },
    ...options,
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    await steps(page, context);
  } finally {
    await context.close(); // writes the HAR
    rmSync(profile, { recursive: true, force: true });
  }
  console.log('recorded ' + path);
  return path;
}

// visit navigates and waits for the page. A 401 that headless Chromium
// cannot answer (no login prompt) ends the navigation with
// net::ERR_INVALID_AUTH_CREDENTIALS; the HAR records the 401 all the same.
async function visit(page, url, how = 'goto') {
  try {
    const r = how === 'reload' ? await page.reload() : await page.goto(url);
    return r && r.status();
  } catch (e) {
    return String(e.message).split('\n')[0];
  }
}

// fetchStatus runs fetch in the page and returns its status, or the error
// a CORS failure gives (the HAR records the exchange either way).
const fetchStatus = (page, url, init) => page.evaluate(async ([url, init]) => {
  try {
    const r = await fetch(url, init);
    return r.status;
  } catch (e) {
    return String(e);
  }
}, [url, init]);

// 1. A Basic 401, no credentials: the browser has none to give.
await record('basic-none', {}, async page => {
  await visit(page, LAB + '/basic/none/');
});

// 2. A Basic login answered by the browser itself (as a login prompt
// would) with a wrong password: the HAR shows the first request and the
// final 401 only.
await record('basic-rejected', { httpCredentials: { username: USER, password: WRONG, origin: LAB } }, async page => {
  await visit(page, LAB + '/basic/rejected/');
});

// 3. A cross-origin redirect that loses the credentials: the browser holds
// a session cookie for 127.0.0.1; the page it opens redirects (301) to
// localhost, another origin, where the cookie does not go, and which
// answers 401. (A page script's fetch with Authorization cannot show this:
// Chromium drops the header on the cross-origin hop, and the 401 that
// follows fails the CORS check, so the HAR records no response.)
await record('redirect-dropped', {}, async (page, context) => {
  await context.addCookies([{ name: 'sid', value: 'lab-app-session', url: LAB + '/', secure: true, httpOnly: true, sameSite: 'Lax' }]);
  await visit(page, LAB + '/moved/');
});

// 4. A session cookie the server no longer knows: the 401 deletes it
// (Max-Age=0), and the reload goes without it.
await record('cookie-cleared', {}, async (page, context) => {
  await context.addCookies([{ name: 'sid', value: 'lab-ended-session', url: LAB + '/', secure: true, httpOnly: true, sameSite: 'Lax' }]);
  await visit(page, LAB + '/cookie/cleared/');
  await visit(page, LAB + '/cookie/cleared/', 'reload');
});

// 5. A bearer token set by page script (fetch with Authorization), revoked.
await record('bearer-revoked', {}, async page => {
  await visit(page, LAB + '/public/');
  await fetchStatus(page, LAB + '/api/invalid', { headers: { Authorization: 'Bearer lab-token-revoked' } });
});

// A Chromium-like sanitized export of recording 4: what Chrome (≥ 130)
// and Edge write by default: no Cookie, Set-Cookie or Authorization
// headers, empty cookies arrays, and DevTools as the creator.
{
  const har = JSON.parse(readFileSync(join(OUT, 'cookie-cleared.har'), 'utf8'));
  const drop = h => !/^(cookie|set-cookie|authorization|proxy-authorization)$/i.test(h.name);
  har.log.creator = { name: 'WebInspector', version: '537.36' };
  for (const e of har.log.entries) {
    e.request.headers = e.request.headers.filter(drop);
    e.response.headers = e.response.headers.filter(drop);
    e.request.cookies = [];
    e.response.cookies = [];
  }
  writeFileSync(join(OUT, 'cookie-cleared.chrome-sanitized.har'), JSON.stringify(har, null, 2) + '\n');
  console.log('wrote ' + join(OUT, 'cookie-cleared.chrome-sanitized.har'));
}
