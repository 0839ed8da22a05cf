import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { errorReason } from "../errors.js";

/**
 * One console line per request, as Prism and json-server print them: method, path, status and time, and for a
 * 4xx the reason the client would otherwise have to dig out of the body. Lines are gathered and written once per
 * turn of the event loop: a write to a pipe is synchronous, and one per request cost throughput under load.
 */
export function accessLog(write: (text: string) => void): { wrap(listener: RequestListener): RequestListener; flush(): void } {
  let pending = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!pending) return;
    const text = pending;
    pending = "";
    write(text);
  };
  const line = (req: IncomingMessage, url: string | undefined, res: ServerResponse, started: number) => {
    const status = res.writableFinished ? res.statusCode : 499;
    const ms = (performance.now() - started).toFixed(1);
    // A 4xx's reason, or the hint of any answer the mock explained (a body it could not read, say).
    const note = errorReason(res);
    const reason = (status >= 400 && status < 500) || note?.startsWith("hint: ") ? note : undefined;
    pending += `${req.method} ${url} ${status} ${ms} ms${status === 499 ? " (client closed the connection first)" : ""}${reason ? `  ${reason}` : ""}\n`;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    wrap: (listener) => (req, res) => {
      const started = performance.now();
      // Read now: Express rewrites req.url under a mount (/__admin).
      const url = req.url;
      res.once("close", () => line(req, url, res, started));
      listener(req, res);
    },
    flush,
  };
}
