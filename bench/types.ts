/** What the orchestrator hands to the load generator (written to a JSON file, path passed in argv). */
export interface RoomSetup {
  threadId: string;
  /** lastSequence of the thread right after it was created (before any bench message). */
  initialSequence: number;
  members: { userId: string; token: string }[];
}

export interface GeneratorConfig {
  /** One base URL per server node; client i connects to urls[i % urls.length]. */
  urls: string[];
  runId: string;
  /** Total send rate over all rooms, messages per second. */
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** Longest wait for outstanding acks and deliveries after sending stops. */
  drainMs: number;
  connectConcurrency: number;
  rooms: RoomSetup[];
}

/** Messages the load generator sends to the orchestrator over the IPC channel. */
export type GeneratorEvent =
  | { type: 'connected'; clients: number; failed: number }
  | { type: 'measure-start' }
  | { type: 'measure-end' };

/** Messages the orchestrator sends to the load generator over the IPC channel. */
export type OrchestratorCommand = { type: 'start' };

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Deliveries of acked messages sent in the window, split by where the receiver was. */
export interface DeliverySplit {
  expected: number;
  received: number;
  latencyMs: Summary;
}

/** What the load generator saw of one node's clients. */
export interface NodeFigures {
  url: string;
  /** Clients that reached `ready` on this node, and those that did not. */
  clients: number;
  failed: number;
  /** message.created frames received by this node's clients during the window. */
  deliveriesInWindow: number;
  /** Sends in the window from this node's clients, and how many were acked. */
  sent: number;
  acked: number;
  /** e2e latency of deliveries received by this node's clients. */
  latencyMs: Summary;
}

/** The load generator's one JSON line on stdout. */
export interface GeneratorResult {
  type: 'result';
  connect: { clients: number; failed: number; totalMs: number; perClientMs: Summary; failures: string[] };
  window: {
    durationMs: number;
    /** Sends attempted in the measured window. */
    sent: number;
    acked: number;
    rejected: number;
    /** No ack nor error by the end of the drain. */
    unanswered: number;
    /** Sends skipped because the chosen sender's socket was not open. */
    skipped: number;
    /** message.created frames received during the window (any message). */
    deliveriesInWindow: number;
    /** Deliveries expected for acked messages sent in the window (open room members at send time). */
    expectedDeliveries: number;
    /** Deliveries received for acked messages sent in the window (until the end of the drain). */
    receivedDeliveries: number;
    duplicateDeliveries: number;
    latencyMs: Summary;
    ackLatencyMs: Summary;
    /** How late sends left compared with the open-loop schedule. */
    sendLagMs: Summary;
    /** Receivers on the sender's node (the sender included). */
    local: DeliverySplit;
    /** Receivers on another node than the sender's. */
    crossNode: DeliverySplit;
  };
  nodes: NodeFigures[];
  drainMs: number;
  rejectedByCode: Record<string, number>;
  closesByCode: Record<string, number>;
  /** Per thread: acks received over the whole run and the highest acked sequence. */
  threads: { threadId: string; acked: number; maxAckedSequence: number }[];
}
