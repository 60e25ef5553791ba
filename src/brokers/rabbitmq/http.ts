/**
 * One small GET request function for the management API over node:http / node:https.
 *
 * Why not the global fetch: Node 20's fetch (undici) takes no CA certificate and no "skip
 * verification" per request without the undici package's Agent, which would be a new dependency.
 * node:https takes both (`ca`, `rejectUnauthorized`), and its errors carry the plain codes
 * (ECONNREFUSED, ENOTFOUND, certificate codes) that we word for users. One code path for http and
 * https keeps the two alike. Nothing here imports `vscode`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { networkError, timeoutError } from './errors';

export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  /** The body exactly as received, decoded as UTF-8. */
  body: string;
}

export interface HttpRequest {
  url: URL;
  authorization: string;
  timeoutMs: number;
  /** PEM text of the CA certificate(s) to trust for https (instead of the system's). */
  ca?: string;
  /** Accept any server certificate (test servers only). */
  insecure?: boolean;
}

/** GETs `url`; resolves with any HTTP status, rejects only with a ManagementApiError (network, TLS, timeout). */
export function httpGet(request: HttpRequest): Promise<HttpAnswer> {
  const { url } = request;
  const secure = url.protocol === 'https:';
  const target = `${url.hostname}:${url.port || (secure ? '443' : '80')}`;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    };
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { authorization: request.authorization, accept: 'application/json' },
      agent: false,
    };
    if (secure) {
      if (request.ca !== undefined) {
        options.ca = request.ca;
      }
      options.rejectUnauthorized = request.insecure !== true;
    }
    const req = (secure ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => fail(networkError(error, target, url.origin)));
      res.on('end', () => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          const type = res.headers['content-type'];
          resolve({ status: res.statusCode ?? 0, contentType: type, body: Buffer.concat(chunks).toString('utf8') });
        }
      });
    });
    // The deadline covers the whole exchange (connect, TLS, headers and body), not just idle time.
    const timer = setTimeout(() => {
      fail(timeoutError(target, request.timeoutMs));
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (error) => fail(networkError(error, target, url.origin)));
    req.end();
  });
}
