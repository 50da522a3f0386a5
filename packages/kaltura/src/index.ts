/**
 * @since 0.1.0
 */
export * as KalturaClient from "./KalturaClient.js"

/**
 * @since 0.1.0
 */
export * as KalturaError from "./KalturaError.js"

/**
 * @since 0.1.0
 */
export * as KalturaRequest from "./KalturaRequest.js"

/**
 * @since 0.1.0
 */
export * as KalturaSchema from "./KalturaSchema.js"

/**
 * @since 0.1.0
 */
export * as KalturaTest from "./KalturaTest.js"

/**
 * @since 0.1.0
 */
export * as Ks from "./Ks.js"
