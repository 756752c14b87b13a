import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serveWeb, WebServer } from '../../lib/web/web-server';

describe('web/web-server: the page and the committed models on localhost', () => {
  let dir = '';
  let server: WebServer;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-server-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
    fs.mkdirSync(path.join(dir, 'mine'));
    fs.writeFileSync(path.join(dir, 'mine', 'model.json'), '{}');
    server = await serveWeb({ root: dir, userFolders: { model: path.join(dir, 'mine') } });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page cross-origin isolated (what wasm threads need) on 127.0.0.1', async () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.contain('<title>t</title>');
    expect(res.headers.get('cross-origin-opener-policy')).to.equal('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).to.equal('require-corp');
  });

  it('serves the committed black boxes, maskers and evaluation, and nothing else of results/', async () => {
    const status = async (p: string) => (await fetch(new URL(p, server.url))).status;
    expect(await status('results/black-boxes/plain/model.json')).to.equal(200);
    expect(await status('results/maskers/plain/masker.weights.bin')).to.equal(200);
    expect(await status('results/evaluation/masker__plain.json')).to.equal(200);
    expect(await status('results/bench-engine.json')).to.equal(404);
    expect(await status('results/maskers/../../package.json')).to.equal(404);
    expect(await status('results/maskers/%2e%2e/%2e%2e/package.json')).to.equal(404);
  });

  it("serves a user's folders under user/<name>/, and no other name", async () => {
    const status = async (p: string) => (await fetch(new URL(p, server.url))).status;
    expect(await status('user/model/model.json')).to.equal(200);
    expect(await status('user/masker/model.json')).to.equal(404);
    expect(await status('user/constructor/model.json')).to.equal(404);
    expect(await status('user/model/%2e%2e/index.html')).to.equal(404);
  });

  it('names the port it cannot listen on', async () => {
    const port = Number(new URL(server.url).port);
    let message = '';
    await serveWeb({ root: dir, port }).catch((e: Error) => (message = e.message));
    expect(message).to.match(new RegExp(`cannot serve the page on 127\\.0\\.0\\.1:${port}`));
  });
});
