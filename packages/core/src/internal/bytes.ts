/**
 * Bytes to text, shared by the transport's own body reader and core's HTTP clients.
 *
 * @internal
 */

/** Decodes UTF-8, dropping a byte order mark as the engines' own `text()` do. */
export const utf8 = new TextDecoder()

/** The bytes of one chunk list, copied only when there is more than one. */
export const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return all
}
