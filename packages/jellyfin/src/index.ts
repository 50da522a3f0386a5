/**
 * @since 0.1.0
 */
export * as JellyfinClient from "./JellyfinClient.js"

/**
 * @since 0.1.0
 */
export * as JellyfinError from "./JellyfinError.js"

/**
 * @since 0.1.0
 */
export * as JellyfinSchema from "./JellyfinSchema.js"

/**
 * @since 0.1.0
 */
export * as JellyfinTest from "./JellyfinTest.js"
