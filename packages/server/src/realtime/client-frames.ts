import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ClientFrame, containsNul } from '@parley/protocol';

const addFormats =
  (addFormatsModule as unknown as { default: typeof addFormatsModule }).default ?? addFormatsModule;

const ajv = new Ajv({ strict: false, coerceTypes: false, allErrors: false });
addFormats(ajv);

/** One validator per frame type, so that a bad field names the frame it belongs to. */
const validators = new Map<string, ValidateFunction>(
  ClientFrame.anyOf.map((schema) => [String(schema.properties.type.const), ajv.compile(schema)]),
);

export type ParsedFrame =
  | { ok: true; frame: ClientFrame }
  /** Not JSON, or no known `type`: the socket is closed (invalid_frame). */
  | { ok: false; fatal: true }
  /** A known frame with a bad field: answered with an error frame. */
  | { ok: false; fatal: false; id: string | undefined; message: string };

export function parseClientFrame(data: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, fatal: true };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, fatal: true };
  const type = (value as { type?: unknown }).type;
  const validate = typeof type === 'string' ? validators.get(type) : undefined;
  if (!validate) return { ok: false, fatal: true };
  if (containsNul(value)) {
    const id = (value as { id?: unknown }).id;
    return {
      ok: false,
      fatal: false,
      id: typeof id === 'string' ? id : undefined,
      message: 'Text must not contain the NUL character (U+0000).',
    };
  }
  if (validate(value)) return { ok: true, frame: value as ClientFrame };
  const id = (value as { id?: unknown }).id;
  const err = validate.errors?.[0];
  return {
    ok: false,
    fatal: false,
    id: typeof id === 'string' ? id : undefined,
    message: `Invalid ${type} frame${err?.instancePath ? ` field "${err.instancePath.slice(1)}"` : ''}: ${err?.message ?? 'invalid'}.`,
  };
}
