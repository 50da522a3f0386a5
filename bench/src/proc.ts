/**
 * Child processes that always end: every spawned process is tracked and killed (by its pid) when the runner
 * exits for any reason, and every run has a hard timeout.
 */
import * as esbuild from "esbuild"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"

/** The bench package directory (cwd of every child, so the SDKs resolve from bench/node_modules). */
export const benchDir = Path.resolve(import.meta.dirname, "..")

/** Where the runner's children are compiled to. */
export const buildDir = Path.join(benchDir, "results", ".build")

/** The child programs, compiled once per run. */
export const entries = ["child", "decode", "pipeline", "server"] as const
export type Entry = (typeof entries)[number]

/** The compiled file of a child program. */
export const entryFile = (entry: Entry): string => Path.join(buildDir, `${entry}.mjs`)

/**
 * Compiles the child programs (server, client runner, decode and pipeline runners) with esbuild into plain
 * ESM files, so every child is a bare `node` process: no TypeScript loader in its start-up time, its memory
 * or its profile, and frames that map back to the sources through the source maps. Our provider packages
 * ship TypeScript sources; this is where they are compiled. A provider package that cannot be resolved yet
 * stays an import that fails at run time, which the client reports as "not available".
 */
export const buildEntries = async (): Promise<ReadonlyArray<string>> => {
  // Packages whose sources do not compile right now (being edited) are left out, i.e. "not available".
  const broken = new Set<string>()
  const problems: Array<string> = []
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await buildOnce(broken)
      return problems
    } catch (e) {
      const errors = (e as { errors?: Array<{ text: string; location?: { file: string } | null }> }).errors ?? []
      const packages = new Set(
        errors.map((err) => /packages\/([^/]+)\//.exec(err.location?.file ?? "")?.[1]).filter((p) => p !== undefined)
      )
      const fresh = [...packages].filter((p) => !broken.has(p))
      if (fresh.length === 0) throw e
      for (const p of fresh) {
        broken.add(p)
        const err = errors.find((x) => x.location?.file.includes(`packages/${p}/`))
        problems.push(
          `@media-sessions/${p} does not compile (${err?.text ?? "error"} in ${
            err?.location?.file ?? "?"
          }); its rows are "not available"`
        )
      }
    }
  }
  throw new Error("could not compile the runner")
}

const buildOnce = (broken: ReadonlySet<string>) =>
  esbuild.build({
    entryPoints: Object.fromEntries(entries.map((e) => [e, Path.join(benchDir, "src", `${e}.ts`)])),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "external",
    outdir: buildDir,
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
    plugins: [{
      name: "missing-providers-external",
      setup(build) {
        build.onResolve({ filter: /^@media-sessions\// }, async (args) => {
          if (args.pluginData === "inner") return undefined
          const name = /^@media-sessions\/([^/]+)/.exec(args.path)![1]!
          if (broken.has(name)) return { path: args.path, external: true }
          const resolved = await build.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: "inner"
          })
          return resolved.errors.length > 0 ? { path: args.path, external: true } : resolved
        })
      }
    }],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }
  })

const live = new Set<ChildProcess.ChildProcess>()

const killAll = () => {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  }
  live.clear()
}

process.on("exit", killAll)
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}

const track = (child: ChildProcess.ChildProcess) => {
  live.add(child)
  child.on("exit", () => live.delete(child))
  return child
}

export interface RunResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
  readonly wallMs: number
}

/** Runs `node <args>` in the bench directory and collects its output; SIGKILL after `timeoutMs`. */
export const runNode = (
  args: ReadonlyArray<string>,
  options: { readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv | undefined }
): Promise<RunResult> =>
  new Promise((resolve) => {
    const started = performance.now()
    const child = track(ChildProcess.spawn(process.execPath, args, {
      cwd: benchDir,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"]
    }))
    let stdout = ""
    let stderr = ""
    let timedOut = false
    child.stdout!.setEncoding("utf8").on("data", (d: string) => stdout += d)
    child.stderr!.setEncoding("utf8").on("data", (d: string) => stderr += d)
    const timer = setTimeout(() => {
      timedOut = true
      child.kill("SIGKILL")
    }, options.timeoutMs)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut, wallMs: performance.now() - started })
    })
    child.on("error", (error) => {
      clearTimeout(timer)
      resolve({ code: -1, stdout, stderr: stderr + String(error), timedOut, wallMs: performance.now() - started })
    })
  })

/** The `@@RESULT` line a child prints, parsed. */
export const parseResult = <A>(run: RunResult): A | undefined => {
  const line = run.stdout.split("\n").find((l) => l.startsWith("@@RESULT "))
  return line === undefined ? undefined : JSON.parse(line.slice("@@RESULT ".length)) as A
}

/** Why a child produced no result, in one line. */
export const failureOf = (run: RunResult): string => {
  if (run.timedOut) return `timed out after ${Math.round(run.wallMs)} ms`
  const last = run.stderr.trim().split("\n").filter((l) => l.trim().length > 0)
  const message = last.find((l) => /Error|error:/.test(l)) ?? last[0] ?? `exit code ${run.code}`
  return message.trim().slice(0, 200)
}

export interface Server {
  readonly origin: string
  readonly stop: () => void
}

/** Starts the payload server in its own process and waits for its port. */
export const startServer = (): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = track(ChildProcess.spawn(process.execPath, [entryFile("server")], {
      cwd: benchDir,
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    }))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error("payload server did not start within 60 s"))
    }, 60_000)
    child.once("message", (message: { port: number }) => {
      clearTimeout(timer)
      resolve({
        origin: `http://127.0.0.1:${message.port}`,
        stop: () => {
          if (child.connected) child.disconnect()
          child.kill("SIGTERM")
        }
      })
    })
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`payload server exited with code ${code}`))
    })
  })
