import type { RequestHandler } from "express";

/** One connected viewer: receives each event as one server-sent-events frame. */
type Viewer = (event: string, data: unknown) => void;

/** How often an idle stream sends a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for the inspector: the journal's new requests and changes of the whole state (reset,
 * restore, load). Producers ask `watched` before building an event, so while nobody is connected an event costs
 * one property read and nothing is formatted or serialized.
 */
export class LiveFeed {
  private readonly viewers = new Set<Viewer>();

  get watched(): boolean {
    return this.viewers.size > 0;
  }

  publish(event: string, data: unknown): void {
    for (const viewer of this.viewers) viewer(event, data);
  }

  /**
   * The SSE endpoint. `select` is built once per connection from its query: it answers what to send of each event
   * (the event's data, a smaller version of it, or undefined to skip it). `missed` gives the events after the
   * `Last-Event-ID` a reconnecting browser sends, so a dropped connection loses nothing the server still has.
   */
  handler(
    select: (query: Record<string, unknown>) => (event: string, data: unknown) => unknown,
    missed?: (lastEventId: number) => Array<[event: string, data: unknown]>,
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
      const viewer: Viewer = (event, full) => {
        const data = pick(event, full);
        if (data === undefined) return;
        const id = typeof data === "object" && data !== null && "id" in data ? `id: ${String((data as { id: unknown }).id)}\n` : "";
        res.write(`event: ${event}\n${id}data: ${JSON.stringify(data)}\n\n`);
      };
      if (missed && lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId)) {
        for (const [event, data] of missed(Number(lastEventId))) viewer(event, data);
      }
      this.viewers.add(viewer);
      const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
      heartbeat.unref();
      res.on("close", () => {
        clearInterval(heartbeat);
        this.viewers.delete(viewer);
      });
    };
  }
}
