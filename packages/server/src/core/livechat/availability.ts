import {
  NEXT_CHANGE_HORIZON_MS,
  anyOpen,
  nextChange,
  type Schedule,
  type ScheduleChange,
} from './business-hours.js';

/*
 * Business hours of several schedules taken together, as a department (or an
 * organization) uses them: open when any schedule is open.
 */

/**
 * The schedules that govern a department: those attached to it; with none
 * attached, every schedule of its organization. An organization without any
 * schedule sets no hours at all, which `hoursOpen` reads as always open: a new
 * organization takes chats as soon as an agent is online, and hours only
 * restrict once someone writes them.
 */
export function governingSchedules(
  attached: readonly Schedule[],
  organization: readonly Schedule[],
): Schedule[] {
  return [...(attached.length > 0 ? attached : organization)];
}

/** Whether the schedules are open at `at`; no schedule means no restriction (always open). */
export function hoursOpen(schedules: readonly Schedule[], at: Date): boolean {
  return schedules.length === 0 || anyOpen(schedules, at);
}

// Each step moves to some schedule's next change, so this bounds the walk whatever the input.
const MAX_STEPS = 10_000;

/**
 * When `hoursOpen(schedules, ·)` next flips after `at`, or null when not within
 * `NEXT_CHANGE_HORIZON_MS`, or never (no schedule). The union can only change
 * where one of its schedules does, so walking from change to change of the
 * individual schedules and stopping at the first one that flips the union is exact:
 * a schedule closing while another stays open is skipped.
 */
export function nextChangeOfAny(schedules: readonly Schedule[], at: Date): ScheduleChange | null {
  if (schedules.length === 0) return null;
  const horizon = at.getTime() + NEXT_CHANGE_HORIZON_MS;
  const open = anyOpen(schedules, at);
  let t = at;
  for (let step = 0; step < MAX_STEPS; step++) {
    const candidates = schedules
      .map((schedule) => nextChange(schedule, t))
      .filter((change): change is ScheduleChange => change !== null);
    if (candidates.length === 0) return null;
    const soonest = Math.min(...candidates.map((change) => change.at.getTime()));
    if (soonest > horizon) return null;
    t = new Date(soonest);
    if (anyOpen(schedules, t) !== open) return { open: !open, at: t };
  }
  return null;
}
