import * as Console from "effect/Console"
import * as Effect from "effect/Effect"

const text = (args: ReadonlyArray<unknown>) => args.map((a) => typeof a === "string" ? a : String(a)).join(" ")

/** A Console that records stdout (log, info) and stderr (error, warn) lines. */
export const capture = () => {
  const stdout: Array<string> = []
  const stderr: Array<string> = []
  const out = (...args: ReadonlyArray<unknown>) => Effect.sync(() => void stdout.push(text(args)))
  const err = (...args: ReadonlyArray<unknown>) => Effect.sync(() => void stderr.push(text(args)))
  const unsafe = {
    assert: () => {},
    clear: () => {},
    count: () => {},
    countReset: () => {},
    debug: (...args: ReadonlyArray<unknown>) => void stderr.push(text(args)),
    dir: () => {},
    dirxml: () => {},
    error: (...args: ReadonlyArray<unknown>) => void stderr.push(text(args)),
    group: () => {},
    groupCollapsed: () => {},
    groupEnd: () => {},
    info: (...args: ReadonlyArray<unknown>) => void stdout.push(text(args)),
    log: (...args: ReadonlyArray<unknown>) => void stdout.push(text(args)),
    table: () => {},
    time: () => {},
    timeEnd: () => {},
    timeLog: () => {},
    trace: () => {},
    warn: (...args: ReadonlyArray<unknown>) => void stderr.push(text(args))
  }
  const console: Console.Console = {
    [Console.TypeId]: Console.TypeId,
    assert: () => Effect.void,
    clear: Effect.void,
    count: () => Effect.void,
    countReset: () => Effect.void,
    debug: err,
    dir: () => Effect.void,
    dirxml: () => Effect.void,
    error: err,
    group: () => Effect.void,
    groupEnd: Effect.void,
    info: out,
    log: out,
    table: () => Effect.void,
    time: () => Effect.void,
    timeEnd: () => Effect.void,
    timeLog: () => Effect.void,
    trace: () => Effect.void,
    warn: err,
    unsafe: unsafe as unknown as Console.UnsafeConsole
  }
  return { console, stdout, stderr }
}
