import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Id } from './common.js';

/*
 * Reports over an organization's conversations (issue 6): the conversations
 * created in the period, counted by their day and hour in the report's time
 * zone. Durations are seconds from the conversation's creation: to the first
 * reply of any agent (first response), and to its resolution for those
 * resolved by now.
 */

/** A period of at most 366 days; `timeZone` an IANA name (default UTC). */
export const ReportQuery = Type.Object(
  {
    from: DateTime,
    to: DateTime,
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    departmentId: Type.Optional(Id),
    agentId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

/** Median and 90th percentile in seconds; null when nothing was measured. */
export const Durations = Type.Object({
  count: Type.Integer(),
  median: Type.Union([Type.Number(), Type.Null()]),
  p90: Type.Union([Type.Number(), Type.Null()]),
});
export type Durations = Static<typeof Durations>;

export const Satisfaction = Type.Object({
  count: Type.Integer(),
  average: Type.Union([Type.Number(), Type.Null()]),
  /** How many ratings of 1, 2, 3, 4 and 5. */
  distribution: Type.Array(Type.Integer(), { minItems: 5, maxItems: 5 }),
});
export type Satisfaction = Static<typeof Satisfaction>;

const Figures = {
  conversations: Type.Integer(),
  resolved: Type.Integer(),
  firstResponse: Durations,
  resolution: Durations,
  satisfaction: Satisfaction,
};

export const Report = Type.Object({
  from: DateTime,
  to: DateTime,
  timeZone: Type.String(),
  totals: Type.Object(Figures),
  /** Every day of the period, in the time zone, `YYYY-MM-DD`. */
  perDay: Type.Array(
    Type.Object({ date: Type.String(), conversations: Type.Integer(), resolved: Type.Integer() }),
  ),
  /** Conversations started per weekday (0 = Monday) and hour, in the time zone: 7 × 24 cells. */
  busiestHours: Type.Array(Type.Array(Type.Integer())),
  perAgent: Type.Array(Type.Object({ agentId: Id, displayName: Type.String(), ...Figures })),
  perDepartment: Type.Array(
    Type.Object({ departmentId: Type.Union([Id, Type.Null()]), name: Type.String(), ...Figures }),
  ),
});
export type Report = Static<typeof Report>;
