// Reconnect backoff: exponential with "equal jitter" (half fixed, half random), capped.
// Pure: no DOM, no timers. Tested in pwa/tests/backoff.test.mjs.

/**
 * @typedef {object} BackoffOptions
 * @property {number} baseMs      delay ceiling of the first retry
 * @property {number} capMs       no delay is longer than this
 * @property {number} maxAttempts failed attempts before the connection gives up ("failed" state)
 */

/** @type {Readonly<BackoffOptions>} */
export const BACKOFF = Object.freeze({ baseMs: 1000, capMs: 30000, maxAttempts: 10 });

/**
 * The ceiling of the delay before retry number `attempt` (1-based): base·2^(attempt-1), capped.
 * @param {number} attempt
 * @param {BackoffOptions} [options]
 * @returns {number}
 */
export function backoffCeiling(attempt, options = BACKOFF) {
  const n = Math.max(1, Math.floor(attempt));
  // 2 ** 40 would overflow any sane cap anyway; clamp the exponent to keep the number finite.
  return Math.min(options.capMs, options.baseMs * 2 ** Math.min(n - 1, 30));
}

/**
 * The jittered delay before retry `attempt`: uniformly in [ceiling/2, ceiling].
 * Equal jitter keeps a floor (no stampede of immediate retries) while spreading clients apart.
 * @param {number} attempt
 * @param {BackoffOptions} [options]
 * @param {() => number} [random] returns a number in [0, 1)
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, options = BACKOFF, random = Math.random) {
  const ceiling = backoffCeiling(attempt, options);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

/**
 * Every ceiling of a full schedule, e.g. [1000, 2000, 4000, 8000, 16000, 30000, …] for the defaults.
 * @param {BackoffOptions} [options]
 * @returns {number[]}
 */
export function backoffSchedule(options = BACKOFF) {
  return Array.from({ length: options.maxAttempts }, (_, i) => backoffCeiling(i + 1, options));
}
