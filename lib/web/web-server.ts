/**
 * Serves the built page (web/dist/) and the committed models it loads
 * (results/black-boxes/, results/maskers/, results/evaluation/) on localhost
 * with sirv, and under `/user/` the folders of a user's own model and masker
 * when given. Every response carries the cross-origin isolation headers
 * (COOP same-origin, COEP require-corp), without which Chromium gives the
 * wasm backend no SharedArrayBuffer and so no threads.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import sirv from 'sirv';
import { RESULTS_DIR } from '../io/results';
import { WEB_DIST_DIR } from './web-build';

/** The results folders the page reads, served under `/results/`. */
export const SERVED_RESULTS: readonly string[] = ['black-boxes', 'maskers', 'evaluation'];

/** Options of {@link serveWeb}. */
export interface WebServerOptions {
  /** Port; default 0 (any free one). */
  port: number;
  /** Host name to listen on; default `127.0.0.1` (this machine only). */
  host: string;
  /** The built page; default web/dist/. */
  root: string;
  /**
   * More folders to serve, by name: `{ model: '/path/to/dir' }` serves that
   * folder under `/user/model/` (a user's own model and masker, web/src/user-models.ts).
   */
  userFolders: Readonly<Record<string, string>>;
}

/** Where {@link WebServerOptions.userFolders} are served. */
export const USER_FOLDERS_PATH = 'user/';

/** A running server; `close()` stops it. */
export interface WebServer {
  /** The page's address, `http://host:port/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the server.
 * @throws when the port cannot be listened on (the message names it).
 */
export async function serveWeb(options: Partial<WebServerOptions> = {}): Promise<WebServer> {
  const { port = 0, host = '127.0.0.1', root = WEB_DIST_DIR, userFolders = {} } = options;
  const page = sirv(root, { dev: true, etag: true });
  const results = new Map(
    SERVED_RESULTS.map((dir) => [dir, sirv(path.join(RESULTS_DIR, dir), { dev: true })]),
  );
  const user = new Map(
    Object.entries(userFolders).map(([name, dir]) => [name, sirv(dir, { dev: true })]),
  );
  const notFound = (res: http.ServerResponse) => {
    res.statusCode = 404;
    res.end('not found');
  };
  const server = http.createServer((req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const match = /^\/(results|user)\/([^/]+)(\/.*)$/.exec(req.url ?? '');
    if (!match) return page(req, res, () => notFound(res));
    const serve = (match[1] === 'results' ? results : user).get(match[2]);
    if (!serve) return notFound(res);
    req.url = match[3];
    serve(req, res, () => notFound(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new Error(`cannot serve the page on ${host}:${port} (${err.message})`, { cause: err }),
      ),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
