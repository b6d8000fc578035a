/**
 * The one retry loop of the HTTP client core (client.ts): a doubling delay (exponential-backoff),
 * only for failures that say waiting may help (`retriable`), each retry told to the caller first.
 */
import { backOff } from "exponential-backoff";
import { LabError } from "../errors";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First retry delay; doubles on each retry. */
  backoffMs: number;
  maxBackoffMs?: number;
}

export interface RetryNotice<E extends LabError = LabError> {
  /** What was being done, e.g. `the KAFKA_BROKER hosts of cluster "kafka-mylab42"`. */
  what: string;
  /** The attempt that just failed (1-based) and the most there will be. */
  attempt: number;
  attempts: number;
  delayMs: number;
  error: E;
}

/** The delay before retry `n` (1-based): exponential-backoff's, computed here so the notice can say it. */
export const retryDelayMs = (p: RetryPolicy, n: number) => Math.min(p.backoffMs * 2 ** (n - 1), p.maxBackoffMs ?? 30_000);

/**
 * Runs `attempt` until it succeeds, fails with an error that is not a retriable LabError (thrown
 * as is: a bug surfaces with its stack), or has failed `retries + 1` times: then `exhausted` turns
 * the last error into what the caller throws.
 */
export async function withRetries<T, E extends LabError>(
  what: string,
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  o: { onRetry?: (notice: RetryNotice<E>) => void; exhausted: (last: E, attempts: number, elapsedMs: number) => Error; isRetriable?: (e: unknown) => e is E },
): Promise<T> {
  const attempts = policy.retries + 1;
  const retriable = o.isRetriable ?? ((e: unknown): e is E => e instanceof LabError && e.retriable);
  const started = Date.now();
  try {
    return await backOff(attempt, {
      numOfAttempts: attempts,
      startingDelay: policy.backoffMs,
      timeMultiple: 2,
      maxDelay: policy.maxBackoffMs ?? 30_000,
      jitter: "none",
      retry: (e: unknown, n: number) => {
        if (!retriable(e)) return false;
        if (n < attempts) o.onRetry?.({ what, attempt: n, attempts, delayMs: retryDelayMs(policy, n), error: e });
        return true;
      },
    });
  } catch (e) {
    if (retriable(e)) throw o.exhausted(e, attempts, Date.now() - started);
    throw e;
  }
}
