/**
 * @since 0.1.0
 */
export * as ClientError from "./ClientError.js"

/**
 * @since 0.1.0
 */
export * as CompiledDecoder from "./CompiledDecoder.js"

/**
 * @since 0.1.0
 */
export * as Lenient from "./Lenient.js"

/**
 * @since 0.1.0
 */
export * as Redaction from "./Redaction.js"

/**
 * @since 0.1.0
 */
export * as RequestInput from "./RequestInput.js"

/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"

/**
 * @since 0.1.0
 */
export * as TestHttpClient from "./TestHttpClient.js"

/**
 * @since 0.1.0
 */
export * as TestTracer from "./TestTracer.js"

/**
 * @since 0.1.0
 */
export * as TimeoutPolicy from "./TimeoutPolicy.js"

/**
 * @since 0.1.0
 */
export * as Transport from "./Transport.js"
