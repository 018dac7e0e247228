/** The parts of an OpenAPI 3.1 document the reference page reads. */
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  additionalProperties?: Schema | boolean;
  patternProperties?: Record<string, Schema>;
  description?: string;
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** A one-line type description: `string (date-time)`, `array of Message`, `"text" | "html"`. */
function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  if (schema.allOf) return 'object';
  if (schema.type === 'array') return `array of ${typeOf(schema.items)}`;
  if (schema.patternProperties) return 'map of string';
  const bounds = [
    schema.format,
    schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : undefined,
    schema.minimum !== undefined || schema.maximum !== undefined
      ? `${schema.minimum ?? ''}…${schema.maximum ?? ''}`
      : undefined,
  ].filter(Boolean);
  return `${Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'object')}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
}

function fields(schema: Schema | undefined, depth = 0): string {
  if (!schema) return '';
  const merged: Schema = schema.allOf
    ? {
        properties: Object.assign({}, ...schema.allOf.map((s) => s.properties ?? {})),
        required: schema.allOf.flatMap((s) => s.required ?? []),
      }
    : schema;
  const target = merged.type === 'array' ? merged.items : merged;
  if (!target?.properties || depth > 2) return '';
  const rows = Object.entries(target.properties).map(([name, prop]) => {
    const required = target.required?.includes(name) ? '<b>required</b>' : 'optional';
    const nested = fields(prop, depth + 1);
    return `<li><code>${escape(name)}</code> <span class="t">${escape(typeOf(prop))}</span> ${required}${nested}</li>`;
  });
  return `<ul>${rows.join('')}</ul>`;
}

function operationHtml(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<li><code>${escape(p.name)}</code> in ${escape(p.in)} <span class="t">${escape(typeOf(p.schema))}</span>${p.required ? ' <b>required</b>' : ''}</li>`,
    )
    .join('');
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(
      ([status, r]) =>
        `<li><code>${escape(status)}</code> ${fields(r.content?.['application/json']?.schema) || escape(r.description ?? '')}</li>`,
    )
    .join('');
  return `<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p>${escape(op.summary ?? '')}</p>${op.description ? `<p class="d">${escape(op.description)}</p>` : ''}
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body ? `<h4>Body</h4>${fields(body)}` : ''}
${responses ? `<h4>Responses</h4><ul>${responses}</ul>` : ''}</section>`;
}

/** Chat first: what an application developer looks for; operations last. */
const TAG_ORDER = [
  'Threads',
  'Messages',
  'Participants',
  'Read receipts',
  'Typing',
  'Users',
  'Tokens',
  'API keys',
  'Tenants',
];
const rank = (tag: string) => (TAG_ORDER.includes(tag) ? TAG_ORDER.indexOf(tag) : TAG_ORDER.length);

/** A self-contained HTML reference (no scripts, no external assets) rendered from the OpenAPI document. */
export function renderReference(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const ordered = [...byTag.entries()].sort(([a], [b]) => rank(a) - rank(b));
  const nav = ordered.map(([t]) => `<a href="#${escape(t)}">${escape(t)}</a>`).join('');
  const sections = ordered
    .map(([t, ops]) => `<h2 id="${escape(t)}">${escape(t)}</h2>${ops.join('')}`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)} reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1c1e21;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:16px 24px}header a{color:#cfe3ff}
nav{padding:8px 24px;background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0}nav a{margin-right:14px;color:#1f3a5f}
main{max-width:980px;margin:0 auto;padding:8px 24px 48px}.op{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:4px 16px 8px;margin:12px 0}
.m{display:inline-block;min-width:58px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2b7a3d}.post{background:#1f5fa8}.patch{background:#8a5a00}.delete{background:#a32020}.put{background:#6b3fa0}
.t{color:#6a6a6a;font-size:13px}.d{color:#444}code{font-size:14px}h4{margin:8px 0 0}ul{margin:4px 0}
</style></head><body><header><h1>${escape(doc.info.title)} <small>v${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description ?? '')} Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a>.</p></header>
<nav>${nav}</nav><main>${sections}</main></body></html>`;
}
