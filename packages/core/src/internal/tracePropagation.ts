/**
 * Trace headers for core's own HTTP clients. `@effect/platform`'s clients add `traceparent`/`b3` only inside
 * the `http.client` span they create; core's clients create none, so they propagate the current span, under
 * the same switches (propagation on, tracing on, not disabled for the request).
 *
 * @internal
 */
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Context from "effect/Context"
import * as FiberRef from "effect/FiberRef"
import * as Tracer from "effect/Tracer"

/** What the headers are read from: the running fiber. */
export interface FiberRefs {
  getFiberRef<A>(ref: FiberRef.FiberRef<A>): A
}

/** The request's headers, with the current span's trace headers when propagation applies. */
export const headers = (request: HttpClientRequest.HttpClientRequest, fiber: FiberRefs): Headers.Headers => {
  if (
    !fiber.getFiberRef(HttpClient.currentTracerPropagation) ||
    !fiber.getFiberRef(FiberRef.currentTracerEnabled) ||
    fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)
  ) return request.headers
  const span = Context.getOption(fiber.getFiberRef(FiberRef.currentContext), Tracer.ParentSpan)
  if (span._tag === "None" || span.value._tag !== "Span") return request.headers
  return { ...request.headers, ...HttpTraceContext.toHeaders(span.value) }
}
