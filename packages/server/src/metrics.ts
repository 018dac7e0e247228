import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics, in a registry of its own (several servers may share a process in tests). */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'parley_ws_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'parley_ws_deliveries_total',
    help: 'Event frames written to WebSocket clients',
    registers: [this.registry],
  });
  readonly closes = new Counter({
    name: 'parley_ws_closes_total',
    help: 'WebSocket connections closed by the server, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly messagesStored = new Counter({
    name: 'parley_messages_stored_total',
    help: 'Messages durably stored',
    registers: [this.registry],
  });
  readonly storeCommit = new Histogram({
    name: 'parley_store_commit_seconds',
    help: 'Duration of message write transactions (group commits)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly sendLatency = new Histogram({
    name: 'parley_message_send_seconds',
    help: 'From receiving a send to acknowledging it (durable), REST and WebSocket',
    labelNames: ['transport'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly dependencyErrors = new Counter({
    name: 'parley_dependency_errors_total',
    help: 'Errors reported by the database, bus, presence or rate-limit adapters (dropped publishes included)',
    labelNames: ['dependency'],
    registers: [this.registry],
  });
  readonly caughtUpEvents = new Counter({
    name: 'parley_catch_up_events_total',
    help: 'Thread events a node read from the store because the bus had not brought them',
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
