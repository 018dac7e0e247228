import { Type, type TSchema } from '@sinclair/typebox';
import { ErrorResponse, type Limits } from '@parley/protocol';
import { AppError } from '../core/index.js';

/** Error responses every authenticated route may give, for the OpenAPI document. */
export function withErrors(responses: Record<number, TSchema>): Record<number, TSchema> {
  return {
    ...responses,
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    429: ErrorResponse,
  };
}

export const NoContent = Type.Null({ description: 'No content' });

/** The page size asked for, or the default; above the configured maximum is a 400. */
export function pageSize(limits: Limits, requested: number | undefined): number {
  if (requested === undefined) return Math.min(limits.defaultPageSize, limits.maxPageSize);
  if (requested > limits.maxPageSize) {
    throw new AppError('invalid_request', `limit must be at most ${limits.maxPageSize}.`, { field: 'limit' });
  }
  return requested;
}

export const SkipPage = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextSkip: Type.Union([Type.Integer(), Type.Null()]) });
