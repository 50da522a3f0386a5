/**
 * A tracer for tests that records every span it starts (on top of the tracer in context), and what an
 * exporter would record of each failed span when it ends: the pretty cause, as OpenTelemetry's
 * `recordException` does. Used to prove that no span name, attribute, event or recorded failure carries
 * a secret.
 *
 * @example
 * ```ts
 * import { TestTracer } from "@media-sessions/core"
 * import type { Tracer } from "effect"
 * import { Effect } from "effect"
 *
 * const spans: Array<Tracer.Span> = []
 * const failures: Array<string> = []
 * const traced = <A, E, R>(program: Effect.Effect<A, E, R>) =>
 *   Effect.flatMap(TestTracer.make({ spans, failures }), (tracer) => Effect.withTracer(program, tracer))
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Tracer from "effect/Tracer"

/**
 * Where the tracer records: every span started, and the pretty cause of every span that ended in failure.
 *
 * @since 0.1.0
 * @category models
 */
export interface Recording {
  readonly spans: Array<Tracer.Span>
  readonly failures?: Array<string> | undefined
}

/**
 * A tracer recording into the given arrays, delegating to the tracer currently in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (recording: Recording): Effect.Effect<Tracer.Tracer> =>
  Effect.map(Effect.tracer, (base) =>
    Tracer.make({
      ...base,
      span: (...args) => {
        const span = base.span(...args)
        const failures = recording.failures
        if (failures !== undefined) {
          const end = span.end.bind(span)
          span.end = (endTime, exit) => {
            if (Exit.isFailure(exit)) failures.push(Cause.pretty(exit.cause))
            end(endTime, exit)
          }
        }
        recording.spans.push(span)
        return span
      }
    }))
