import type * as ClientError from "@media-sessions/core/ClientError"
import * as Redaction from "@media-sessions/core/Redaction"
import * as RequestInput from "@media-sessions/core/RequestInput"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as KalturaClient from "../KalturaClient.js"
import type { KalturaApiError } from "../KalturaError.js"
import type * as KalturaRequest from "../KalturaRequest.js"
import * as Requests from "../KalturaRequest.js"
import { KalturaAPIException } from "../KalturaSchema.js"
import { ksPatterns, parseException, toApiError } from "./apiError.js"
import { type Context, prepare, type Prepared, provider } from "./prepare.js"

type Failure = ClientError.HttpFailure | ClientError.InvalidRequestError | KalturaApiError

/**
 * How prepared requests reach a server: over HTTP (the client) or straight into the in-memory server
 * (the test layer). Both decode with the schema they are given and fail with a `KalturaApiError` when
 * the answer is a `KalturaAPIException`.
 *
 * @internal
 */
export interface Runner {
  readonly single: (prepared: Prepared, ks: string | undefined) => Effect.Effect<unknown, Failure>
  readonly multi: (
    prepared: ReadonlyArray<Prepared>,
    ks: string | undefined,
    schema: Schema.Schema<ReadonlyArray<unknown>, any>
  ) => Effect.Effect<ReadonlyArray<unknown>, Failure>
}

/**
 * Secrets a call carries, for the redactor and the transport.
 *
 * @internal
 */
export const secretsOf = (prepared: ReadonlyArray<Prepared>, ks: string | undefined): ReadonlyArray<string> => {
  const secrets = prepared.flatMap((p) => p.secrets)
  if (ks !== undefined) secrets.push(ks)
  return secrets
}

/**
 * The JSON body of a multirequest: sub-requests under 1-based keys (the form of the API guide; the server
 * runs them from the lowest key up), and `ks`/`clientTag` once at the top, which the server copies into
 * every sub-request that lacks them (KalturaFrontController L284-297).
 *
 * @internal
 */
export const multirequestBody = (prepared: ReadonlyArray<Prepared>): Record<string, unknown> => {
  const body: Record<string, unknown> = {}
  prepared.forEach((p, i) => {
    body[String(i + 1)] = { service: "session", action: p.action, ...p.params }
  })
  return body
}

const isException = (u: unknown): boolean =>
  u !== null && typeof u === "object" && (u as { objectType?: unknown }).objectType === "KalturaAPIException"

const reveal = (ks: KalturaRequest.Secret | undefined): string | undefined => {
  const value = ks === undefined ? undefined : Redacted.isRedacted(ks) ? Redacted.value(ks) : ks
  return value === undefined || value.length === 0 ? undefined : value
}

/**
 * The service on top of a runner: checks each request, runs it, finishes its answer.
 *
 * @internal
 */
export const makeService = (
  runner: Runner,
  config: { readonly partnerId: number; readonly ks?: KalturaRequest.Secret | undefined }
): KalturaClient.Service => {
  const ks = reveal(config.ks)
  const context = (operation: string, position?: number): Context => ({
    operation,
    field: position === undefined ? (name) => name : (name) => `[${position}].${name}`,
    partnerId: config.partnerId,
    ks
  })

  const run = <A>(request: KalturaRequest.KalturaRequest<A>): Effect.Effect<A, Failure> => {
    const any = request as unknown as KalturaRequest.Any
    return Effect.flatMap(
      prepare(any, context(any.action)),
      (prepared) => Effect.flatMap(runner.single(prepared, prepared.usesKs ? ks : undefined), prepared.finish)
    )
  }

  const multirequest = <const R extends ReadonlyArray<KalturaRequest.Any>>(
    ...requests: R
  ): Effect.Effect<KalturaClient.MultirequestResults<R>, Failure> => {
    if (requests.length === 0) {
      return RequestInput.invalid({ provider, operation: "multirequest" }, "requests", "must hold at least one action")
    }
    return Effect.gen(function*() {
      const prepared = yield* Effect.forEach(requests, (request, i) => prepare(request, context("multirequest", i + 1)))
      const actingKs = prepared.some((p) => p.usesKs) ? ks : undefined
      const items = prepared.map((p) => Schema.Union(KalturaAPIException, p.schema))
      const schema = Schema.Tuple(...items).annotations({
        identifier: "a multirequest answer"
      }) as unknown as Schema.Schema<
        ReadonlyArray<unknown>,
        any
      >
      const answers = yield* runner.multi(prepared, actingKs, schema)
      const redactor = Redaction.make(secretsOf(prepared, ks), ksPatterns)
      return yield* Effect.forEach(answers, (answer, i): Effect.Effect<Either.Either<unknown, KalturaApiError>> => {
        const p = prepared[i]!
        if (isException(answer)) {
          const exception = parseException(answer)!
          return Effect.succeed(Either.left(toApiError(exception, redactor, `multirequest[${i + 1}].${p.action}`)))
        }
        return Effect.map(p.finish(answer), Either.right)
      })
    }) as Effect.Effect<any, Failure>
  }

  const service: KalturaClient.Service = {
    partnerId: config.partnerId,
    start: (params) => run(Requests.start(params)),
    end: () =>
      run(Requests.end()).pipe(
        // `end` takes no input, so nothing can be rejected before sending.
        Effect.catchTag("InvalidRequestError", Effect.die),
        // A KS that was already ended is what `end` wants: a retried `end` whose first answer was lost
        // (or a second `end`) succeeds rather than failing with INVALID_KS "LOGOUT".
        Effect.catchIf(
          (e): e is KalturaApiError => e._tag === "KalturaApiError" && e.code === "INVALID_KS" && e.reason === "LOGOUT",
          () => Effect.void
        )
      ),
    get: (session) => run(Requests.get(session)),
    impersonate: (params) => run(Requests.impersonate(params)),
    impersonateByKs: (params) => run(Requests.impersonateByKs(params)),
    startWidgetSession: (params) => run(Requests.startWidgetSession(params)),
    multirequest,
    withKs: (next) => makeService(runner, { partnerId: config.partnerId, ks: next })
  }
  return service
}
