import WebSocket from 'ws';
import type { ResumeState, ServerFrame } from '@parley/protocol';

/**
 * A test WebSocket client that records every frame, so that tests can wait
 * for a frame and also assert on everything that arrived (or did not).
 */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  closeCode: number | null = null;
  private waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  private closeWaiters: ((code: number) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const resolve of this.closeWaiters) resolve(code);
      this.closeWaiters = [];
    });
  }

  /** Opens a socket without saying hello. */
  static async open(url: string, options: { origin?: string } = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(options.origin && { origin: options.origin }),
    });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** Opens, says hello and waits for `ready`. */
  static async connect(url: string, token: string, resume?: ResumeState): Promise<TestSocket> {
    const socket = await TestSocket.open(url);
    socket.send({ type: 'hello', token, ...(resume && { resume }) });
    await socket.next((f) => f.type === 'ready');
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or future) matching, within `timeoutMs`. */
  next<T extends ServerFrame = ServerFrame>(
    match: (f: ServerFrame) => boolean,
    timeoutMs = 5000,
  ): Promise<T> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(',')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as T);
        },
      });
    });
  }

  /** Resolves with the close code, within `timeoutMs`. */
  closed(timeoutMs = 5000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`socket not closed within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.closeWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Sends a message and waits for its ack (or error). */
  async sendMessage(
    threadId: string,
    content: string,
    extra: Record<string, unknown> = {},
  ): Promise<ServerFrame> {
    const id = `r${Math.random().toString(36).slice(2)}`;
    this.send({ type: 'send', id, threadId, content, ...extra });
    return this.next((f) => (f.type === 'ack' || f.type === 'error') && 'id' in f && f.id === id);
  }

  close(): void {
    this.ws.close();
  }
}
