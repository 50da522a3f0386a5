import * as NodeContext from "@effect/platform-node/NodeContext"
import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Cli from "../src/Cli.js"
import * as Output from "../src/Output.js"
import { capture } from "./console.js"

export { capture } from "./console.js"

/** What one run of the CLI printed, and its exit code. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The platform layer the binary uses: undici and Node's services. */
export const platform = Layer.merge(UndiciHttpClient.layer, NodeContext.layer)

/**
 * Runs the CLI in-process with exactly this environment (nothing from the real one), colors off, and
 * returns what it printed and its exit code.
 */
export const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Effect.Effect<Run> =>
  Effect.gen(function*() {
    const { console, stderr, stdout } = capture()
    const code = yield* Cli.runArgs(args).pipe(
      Effect.withConsole(console),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.locally(Output.colors, false)
    )
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") }
  }).pipe(Effect.provide(platform))

/** Starts the CLI in a fiber (for `simulate`, which runs until interrupted); its output is read as it comes. */
export const start = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {}
): Effect.Effect<{
  readonly fiber: Fiber.RuntimeFiber<number>
  readonly stdout: ReadonlyArray<string>
  readonly stderr: ReadonlyArray<string>
}> =>
  Effect.gen(function*() {
    const { console, stderr, stdout } = capture()
    const fiber = yield* Cli.runArgs(args).pipe(
      Effect.withConsole(console),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.locally(Output.colors, false),
      Effect.provide(platform),
      Effect.forkDaemon
    )
    return { fiber, stdout, stderr }
  })
