import type { ClientFrame, ErrorBody, ReadReceipt } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import { ERRORS } from '@parley/protocol/errors';

type ReadFrame = Extract<ClientFrame, { type: 'read' }>;

interface Pending {
  frame: ReadFrame;
  resolve: (receipt: ReadReceipt) => void;
  reject: (error: ParleyError) => void;
}

/**
 * Commands that wait for an answer (`read`). A command whose connection
 * dropped before the answer is sent again on the next one: marking a message
 * read twice is harmless, losing the mark is not.
 */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(private readonly transmit: (frame: ReadFrame) => void) {}

  read(threadId: string, messageId: string): Promise<ReadReceipt> {
    const id = `r${++this.counter}`;
    const frame: ReadFrame = { type: 'read', id, threadId, messageId };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { frame, resolve, reject });
      this.transmit(frame);
    });
  }

  /** True when `id` was one of ours. */
  answered(id: string, receipt: ReadReceipt | undefined): boolean {
    const request = this.pending.get(id);
    if (!request) return false;
    this.pending.delete(id);
    if (receipt) request.resolve(receipt);
    else request.reject(new ParleyError('internal_error', 'The server acknowledged without a receipt.'));
    return true;
  }

  failed(id: string, error: ErrorBody['error']): boolean {
    const request = this.pending.get(id);
    if (!request) return false;
    this.pending.delete(id);
    request.reject(
      new ParleyError(error.code, error.message, {
        status: ERRORS[error.code]?.status ?? 500,
        ...(error.retryAfter !== undefined && { retryAfter: error.retryAfter }),
        ...(error.field !== undefined && { field: error.field }),
      }),
    );
    return true;
  }

  /** A new connection is ready: send what is still unanswered. */
  resend(): void {
    for (const request of this.pending.values()) this.transmit(request.frame);
  }

  rejectAll(error: ParleyError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const request of all) request.reject(error);
  }
}
