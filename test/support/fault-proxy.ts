/**
 * A small HTTP proxy on 127.0.0.1 in front of the real S3 server (Ceph RGW) that breaks chosen requests the way
 * networks and overloaded stores do: error answers (503 SlowDown, 403), connections reset or closed part-way
 * through a body, bodies that stall, bodies that arrive a few bytes at a time, answers that never come.
 *
 * Requests are forwarded unchanged (the Host header too, so SigV4 signatures made for the proxy's address still
 * verify at the store). Upstream bodies are buffered whole before the fault is applied: test objects are small.
 * Every timer and socket is tracked and released by close(), so a test leaves nothing running.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  /** Answer with this status and an S3 XML error body, without asking the store. */
  | { kind: 'status'; status: number; code: string }
  /** Send the headers and the first `afterBytes` bytes of the body, then reset the connection. */
  | { kind: 'reset'; afterBytes: number }
  /** Send the headers (full Content-Length) and `afterBytes` bytes, then close the connection cleanly. */
  | { kind: 'truncate'; afterBytes: number }
  /** Send the headers and `afterBytes` bytes, then nothing more (until the client gives up or close()). */
  | { kind: 'stall'; afterBytes: number }
  /** Send the body in `chunkBytes` pieces, `intervalMs` apart. */
  | { kind: 'drip'; chunkBytes: number; intervalMs: number }
  /** Never answer at all (the client's first-byte timeout must fire). */
  | { kind: 'silence' };

export interface FaultRule {
  method?: string;
  /** Matched against the request path (e.g. /bucket/data/reference.parquet), query string excluded. */
  path: RegExp;
  /** Only ranged requests (`Range: bytes=a-b`) asking for at least this many bytes, e.g. a column chunk, not a footer. */
  minRangeBytes?: number;
  /** How many matching requests get the fault (then they pass); default: all of them. */
  times?: number;
  fault: Fault;
}

export interface SeenRequest {
  method: string;
  path: string;
  range: string | undefined;
  fault: Fault['kind'] | 'none';
}

export interface FaultProxy {
  endpoint: string;
  /** Replace the rules (counts start afresh). */
  setRules(rules: FaultRule[]): void;
  /** Requests since the last setRules/clearSeen, in arrival order. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

function asksAtLeast(range: string | undefined, bytes: number | undefined): boolean {
  if (bytes === undefined) return true;
  const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(range ?? '') ?? [];
  return first !== undefined && Number(last) - Number(first) + 1 >= bytes;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (upstream.hostname !== '127.0.0.1' && upstream.hostname !== 'localhost') throw new Error(`fault proxy: loopback targets only, not ${target}`);
  let rules: { rule: FaultRule; left: number }[] = [];
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const match = rules.find((r) => r.left > 0 && (!r.rule.method || r.rule.method === req.method) && r.rule.path.test(path) && asksAtLeast(req.headers.range, r.rule.minRangeBytes));
    if (match) match.left -= 1;
    const fault = match?.rule.fault;
    seen.push({ method: req.method ?? '', path, range: req.headers.range, fault: fault?.kind ?? 'none' });
    if (fault?.kind === 'silence') {
      req.resume();
      return;
    }
    if (fault?.kind === 'status') {
      req.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected by the test proxy</Message><Resource>${path}</Resource></Error>`;
      res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => deliver(res, answer, Buffer.concat(chunks), fault));
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: upstream error ${error.message}`);
    });
    req.pipe(forward);
  });

  function deliver(res: http.ServerResponse, answer: http.IncomingMessage, body: Buffer, fault: Fault | undefined): void {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
    if (!fault) {
      res.end(body);
      return;
    }
    switch (fault.kind) {
      case 'reset':
        res.write(body.subarray(0, fault.afterBytes), () => res.socket?.resetAndDestroy());
        return;
      case 'truncate':
        res.write(body.subarray(0, fault.afterBytes), () => res.socket?.end());
        return;
      case 'stall':
        res.write(body.subarray(0, fault.afterBytes));
        return;
      case 'drip': {
        let at = 0;
        const next = () => {
          if (res.destroyed) return;
          if (at >= body.length) return void res.end();
          res.write(body.subarray(at, at + fault.chunkBytes));
          at += fault.chunkBytes;
          later(fault.intervalMs, next);
        };
        next();
        return;
      }
      default:
        res.end(body);
    }
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    setRules(next) {
      rules = next.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
      seen.length = 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
