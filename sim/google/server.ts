/** node:http front of the Google simulator: reads the request, dispatches it, carries out transport faults. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveWebmail } from '../common/webmail';
import type { WebmailSource } from '../common/webmail-source';
import { applyTransportFault, dropConnection } from '../common/sim-server';
import type { Dispatcher } from './dispatch';
import { GoogleApiError, renderGoogleError, type SimRequest, type SimResponse } from './http-kit';

/** Gmail accepts messages up to 35 MB; base64 in JSON adds a third. */
const maxBodyBytes = 64 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > maxBodyBytes) throw new GoogleApiError(413, 'uploadTooLarge', 'Request payload size exceeds the limit.');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function toSimRequest(req: IncomingMessage, body: Buffer): SimRequest {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, headers, body };
}

function write(res: ServerResponse, answer: SimResponse): void {
  res.writeHead(answer.status, answer.headers ?? {});
  res.end(answer.body ?? '');
}

export async function listen(dispatcher: Dispatcher, webmail: WebmailSource, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) write(res, renderGoogleError(new GoogleApiError(500, 'backendError', 'Backend Error')));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await serveWebmail(webmail, req, res)) return;
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof GoogleApiError) return write(res, renderGoogleError(e));
      throw e;
    }
    const result = await dispatcher.dispatch(toSimRequest(req, body));
    if (result.transport) {
      applyTransportFault(result.transport, req, res);
      return;
    }
    if (result.dropAfter) {
      dropConnection(req.socket);
      return;
    }
    write(res, result.response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}` };
}
