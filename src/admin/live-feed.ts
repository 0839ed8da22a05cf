import type { RequestHandler, Response } from "express";

/** How often an idle stream sends a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;
/**
 * Output a viewer may leave unsent (buffered in the server, beyond what the kernel holds) before it is dropped: a
 * viewer that stops reading would otherwise make the server keep every event for it, bodies included.
 */
export const MAX_UNSENT_BYTES = 1024 * 1024;
/** The same for all viewers together: past it, the viewers furthest behind go first. */
export const MAX_TOTAL_UNSENT_BYTES = 16 * 1024 * 1024;
/** While a reconnecting viewer catches up from the journal, frames are written up to this much unsent at a time. */
const CATCH_UP_CHUNK_BYTES = 64 * 1024;

/** One connected viewer. */
interface Viewer {
  /** Sends one event (a live one; ignored while the viewer still catches up from the journal). */
  send(event: string, data: unknown): void;
  /** Bytes written to the stream and not yet handed to the kernel. */
  unsent(): number;
  drop(why: string): void;
}

/**
 * Server-sent events for the inspector: the journal's new requests and changes of the whole state (reset,
 * restore, load). Producers ask `watched` before building an event, so while nobody is connected an event costs
 * one property read and nothing is formatted or serialized. Memory stays bounded whatever the viewers do: one
 * that leaves more than MAX_UNSENT_BYTES unsent is dropped (its browser reconnects and catches up from the
 * journal), and so are the furthest behind when all of them together pass MAX_TOTAL_UNSENT_BYTES.
 */
export class LiveFeed {
  private readonly viewers = new Set<Viewer>();

  constructor(private readonly log: (line: string) => void = (line) => console.log(line)) {}

  get watched(): boolean {
    return this.viewers.size > 0;
  }

  publish(event: string, data: unknown): void {
    let total = 0;
    for (const viewer of this.viewers) {
      viewer.send(event, data);
      total += viewer.unsent();
    }
    if (total <= MAX_TOTAL_UNSENT_BYTES) return;
    const behind = [...this.viewers].sort((a, b) => b.unsent() - a.unsent());
    for (const viewer of behind) {
      if (total <= MAX_TOTAL_UNSENT_BYTES) break;
      total -= viewer.unsent();
      viewer.drop(`the live viewers together left more than ${MAX_TOTAL_UNSENT_BYTES / 1024 / 1024} MiB unsent, and it was the furthest behind`);
    }
  }

  /** Ends every open stream, so a server shutting down gracefully need not wait out its grace for them. */
  close(): void {
    for (const viewer of [...this.viewers]) viewer.drop("");
  }

  /**
   * The SSE endpoint. `select` is built once per connection from its query: it answers what to send of each event
   * (the event's data, a smaller version of it, or undefined to skip it). `missed` gives the journal's "request"
   * events after an id: a browser reconnecting with `Last-Event-ID` first gets those it missed that the server still
   * has, paced by what the connection takes (live requests meanwhile are read from the journal too).
   */
  handler(
    select: (query: Record<string, unknown>) => (event: string, data: unknown) => unknown,
    missed?: (afterId: number) => Array<[event: string, data: unknown]>,
  ): RequestHandler {
    return (req, res) => {
      const pick = select(req.query as Record<string, unknown>);
      const lastEventId = req.get("last-event-id");
      res.writeHead(200, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        // Tells a buffering proxy (nginx) to pass each event on at once.
        "X-Accel-Buffering": "no",
      });
      res.write("retry: 1000\n\n");
      const peer = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`;
      const write = (event: string, full: unknown) => {
        const data = pick(event, full);
        if (data === undefined) return;
        const id = typeof data === "object" && data !== null && "id" in data ? `id: ${String((data as { id: unknown }).id)}\n` : "";
        res.write(`event: ${event}\n${id}data: ${JSON.stringify(data)}\n\n`);
      };
      let dropped = false;
      // The id of the last journal entry caught up to, while catching up; undefined once live.
      let cursor = missed && lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : undefined;
      const viewer: Viewer = {
        send: (event, data) => {
          if (cursor !== undefined && event === "request") return;
          write(event, data);
          if (viewer.unsent() > MAX_UNSENT_BYTES) viewer.drop(`it left more than ${MAX_UNSENT_BYTES / 1024 / 1024} MiB unsent (a client that stopped reading)`);
        },
        unsent: () => unsentBytes(res),
        drop: (why) => {
          if (dropped) return;
          dropped = true;
          this.viewers.delete(viewer);
          if (why) {
            this.log(`calcom-mock: live stream of ${peer} dropped: ${why}; it may reconnect with Last-Event-ID to catch up`);
            res.destroy();
          } else res.end();
        },
      };
      const catchUp = () => {
        if (cursor === undefined || dropped) return;
        for (const [event, data] of missed!(cursor)) {
          if (unsentBytes(res) >= CATCH_UP_CHUNK_BYTES) {
            res.once("drain", catchUp);
            return;
          }
          cursor = (data as { id: number }).id;
          write(event, data);
        }
        // Caught up, in the same tick as the last read of the journal: no request is recorded in between.
        cursor = undefined;
      };
      this.viewers.add(viewer);
      catchUp();
      const heartbeat = setInterval(() => {
        if (unsentBytes(res) === 0) res.write(": keep-alive\n\n");
      }, HEARTBEAT_MS);
      heartbeat.unref();
      res.on("close", () => {
        clearInterval(heartbeat);
        dropped = true;
        this.viewers.delete(viewer);
      });
    };
  }
}

/** What a response holds that the kernel has not taken yet (its writableLength counts its socket's buffer too). */
function unsentBytes(res: Response): number {
  return res.writableLength;
}
