import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpProxy } from '../support/http-proxy';
import { assertImagesMatch, readPng } from '../support/images';
import { failureLine, runSaffron } from '../support/saffron-cli';
import { startFrozenQemu } from '../support/frozen-qemu';

/**
 * Through an HTTP CONNECT proxy on 127.0.0.1 (started here, with credentials): --proxy, the
 * SPICE_PROXY variable and a .vv file's proxy= all tunnel every channel; a refusing proxy and
 * wrong proxy credentials are one clear line each, and the proxy password is never printed.
 */

test('sessions through an HTTP CONNECT proxy; refusals are clear', { timeout: 180_000 }, async () => {
  const { server, truth } = await startFrozenQemu();
  const proxy = await startHttpProxy({ credentials: { username: 'proxyuser', password: 'proxy:pass@1' } });
  const refusing = await startHttpProxy({ refuseWith: 403 });
  const dir = mkdtempSync(join(tmpdir(), 'saffron-proxy-'));
  try {
    const target = `spice://127.0.0.1:${server.port}`;
    const url = `http://proxyuser:${encodeURIComponent('proxy:pass@1')}@127.0.0.1:${proxy.port}`;

    const viaOption = await runSaffron(['screenshot', target, '--out', join(dir, 'option.png'), '--proxy', url], { killAfterMs: 60_000 });
    if (viaOption.code !== 0) throw new Error(failureLine(viaOption));
    assertImagesMatch(readPng(join(dir, 'option.png')), truth, { label: 'proxy-option' });
    assert.ok(proxy.tunnels() >= 4, `expected every channel through the proxy, saw ${proxy.tunnels()} tunnels`);
    assert.ok(proxy.requests.every((request) => request === `127.0.0.1:${server.port}`), proxy.requests.join(' '));

    const before = proxy.tunnels();
    const viaEnv = await runSaffron(['screenshot', target, '--out', join(dir, 'env.png')], { env: { SPICE_PROXY: url }, killAfterMs: 60_000 });
    if (viaEnv.code !== 0) throw new Error(failureLine(viaEnv));
    assertImagesMatch(readPng(join(dir, 'env.png')), truth, { label: 'proxy-env' });
    assert.ok(proxy.tunnels() > before, 'SPICE_PROXY was not used');

    const vv = join(dir, 'proxy.vv');
    writeFileSync(vv, `[virt-viewer]\ntype=spice\nhost=127.0.0.1\nport=${server.port}\nproxy=${url}\n`);
    const beforeVv = proxy.tunnels();
    const viaVv = await runSaffron(['screenshot', vv, '--out', join(dir, 'vv.png')], { killAfterMs: 60_000 });
    if (viaVv.code !== 0) throw new Error(failureLine(viaVv));
    assertImagesMatch(readPng(join(dir, 'vv.png')), truth, { label: 'proxy-vv' });
    assert.ok(proxy.tunnels() > beforeVv, 'the .vv proxy was not used');

    const refused = await runSaffron(['screenshot', target, '--out', join(dir, 'x.png'), '--proxy', `http://127.0.0.1:${refusing.port}`], { killAfterMs: 20_000 });
    assert.equal(refused.code, 4);
    assert.match(failureLine(refused), new RegExp(`proxy 127\\.0\\.0\\.1:${refusing.port}: the proxy refused to connect to 127\\.0\\.0\\.1:${server.port} \\(HTTP 403 Forbidden\\)`));

    const badCredentials = await runSaffron(['screenshot', target, '--out', join(dir, 'x.png'), '--proxy', `http://proxyuser:wrong-secret@127.0.0.1:${proxy.port}`], { killAfterMs: 20_000 });
    assert.equal(badCredentials.code, 4);
    assert.match(failureLine(badCredentials), /the proxy refused the user name or password \(HTTP 407/);
    assert.ok(!badCredentials.stderr.includes('wrong-secret'), 'the proxy password must not be printed');

    const noCredentials = await runSaffron(['screenshot', target, '--out', join(dir, 'x.png'), '--proxy', `127.0.0.1:${proxy.port}`], { killAfterMs: 20_000 });
    assert.match(failureLine(noCredentials), /the proxy needs a user name and password/);

    const noProxy = await runSaffron(['screenshot', target, '--out', join(dir, 'x.png'), '--proxy', `http://127.0.0.1:${refusing.port + 0}`.replace(String(refusing.port), '1')], { killAfterMs: 20_000 });
    assert.equal(noProxy.code, 4);
    assert.match(failureLine(noProxy), /proxy 127\.0\.0\.1:1: connection refused \(is the proxy running\?\)/);

    const socks = await runSaffron(['screenshot', target, '--out', join(dir, 'x.png'), '--proxy', 'socks5://127.0.0.1:1080'], { killAfterMs: 20_000 });
    assert.equal(socks.code, 2);
    assert.match(failureLine(socks), /socks5 proxies are not supported yet/);
  } finally {
    await proxy.stop();
    await refusing.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
