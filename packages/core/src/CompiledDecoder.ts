/**
 * Decodes JSON with a Schema at close to the speed of `JSON.parse`.
 *
 * Effect's Schema interpreter is general (effects, issues with paths, every AST form) and costs about 20×
 * the parse for a thousand Plex sessions. This module compiles the forms our response schemas use
 * (structs, arrays, unions, literals, primitives, refinements, optional and nullable properties, and the
 * `Lenient` transformations, which carry a fast path of their own) into plain closures once per schema.
 * Anything it cannot compile, and any input the compiled closure rejects, goes through Effect's own
 * decoder: a valid input gets the same value either way, and an invalid one gets Effect's exact
 * `ParseError` with its path.
 *
 * @example
 * ```ts
 * import { CompiledDecoder } from "@media-sessions/core"
 * import { Schema } from "effect"
 *
 * const decode = CompiledDecoder.compile(Schema.Struct({ size: Schema.Number }))
 * decode(JSON.parse("{\"size\":3}")) // Either.right({ size: 3 })
 * ```
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"

/**
 * The annotation through which a transformation offers its own fast decoding: a function from the
 * encoded input to the decoded value, returning `invalid` when it would fail.
 *
 * @since 0.1.0
 * @category annotations
 */
export const FastDecodeId: unique symbol = Symbol.for("@media-sessions/core/CompiledDecoder/FastDecode")

/**
 * What a fast decoding function returns for input it rejects.
 *
 * @since 0.1.0
 * @category annotations
 */
export const invalid: unique symbol = Symbol.for("@media-sessions/core/CompiledDecoder/invalid")

/**
 * The annotation by which an optional property signature declares how its transformation behaves, so the
 * compiled path can skip calling it: `"nullable"` (null or absent → absent, a value kept as is) or
 * `"nullable-default"` (null or absent → the transformation's default, a value kept as is). `Lenient.optional`
 * and `Lenient.optionalArray` set it; any other property transformation is called as Effect would call it.
 *
 * @since 0.1.0
 * @category annotations
 */
export const PropertyKindId: unique symbol = Symbol.for("@media-sessions/core/CompiledDecoder/PropertyKind")

type Fast = (input: unknown) => unknown

const options: AST.ParseOptions = { onExcessProperty: "ignore", errors: "first" }

const fromEffect = (result: unknown): unknown => {
  // Sync parse results are Eithers; anything else (an effectful decode) is left to the slow path.
  if (Either.isEither(result)) return Either.isRight(result) ? result.right : invalid
  return invalid
}

const unsupported = Symbol("unsupported")

const compileAst = (ast: AST.AST, memo: Map<AST.AST, Fast>): Fast | typeof unsupported => {
  const cached = memo.get(ast)
  if (cached !== undefined) return cached
  const fast = ast.annotations[FastDecodeId] as Fast | undefined
  if (fast !== undefined) return fast
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string" ? u : invalid
    case "NumberKeyword":
      return (u) => typeof u === "number" ? u : invalid
    case "BooleanKeyword":
      return (u) => typeof u === "boolean" ? u : invalid
    case "UnknownKeyword":
    case "AnyKeyword":
      return (u) => u
    case "UndefinedKeyword":
    case "VoidKeyword":
      return (u) => u === undefined ? u : invalid
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal ? u : invalid
    }
    case "Enums": {
      const values = new Set(ast.enums.map(([, v]) => v))
      return (u) => values.has(u as string | number) ? u : invalid
    }
    case "Union": {
      const members = ast.types.map((t) => compileAst(t, memo))
      if (members.some((m) => m === unsupported)) return unsupported
      const fs = members as Array<Fast>
      return (u) => {
        for (let i = 0; i < fs.length; i++) {
          const out = fs[i]!(u)
          if (out !== invalid) return out
        }
        return invalid
      }
    }
    case "TupleType": {
      if (ast.elements.length > 0 || ast.rest.length !== 1) return unsupported
      const item = compileAst(ast.rest[0]!.type, memo)
      if (item === unsupported) return unsupported
      return (u) => {
        if (!Array.isArray(u)) return invalid
        const out = new Array(u.length)
        for (let i = 0; i < u.length; i++) {
          const v = item(u[i])
          if (v === invalid) return invalid
          out[i] = v
        }
        return out
      }
    }
    case "TypeLiteral": {
      if (ast.indexSignatures.length > 0) return compileRecord(ast, memo)
      const props = ast.propertySignatures.map((ps) => ({
        key: ps.name as string,
        optional: ps.isOptional,
        decode: compileAst(ps.type, memo)
      }))
      if (props.some((p) => typeof p.key !== "string" || p.decode === unsupported)) return unsupported
      return struct(props as Array<Prop>)
    }
    case "Refinement": {
      const from = compileAst(ast.from, memo)
      if (from === unsupported) return unsupported
      return (u) => {
        const v = from(u)
        if (v === invalid) return invalid
        return Option.isNone(ast.filter(v, options, ast)) ? v : invalid
      }
    }
    case "Suspend": {
      let inner: Fast | typeof unsupported | undefined
      const lazy: Fast = (u) => {
        if (inner === undefined) inner = compileAst(ast.f(), memo)
        return inner === unsupported ? invalid : inner(u)
      }
      memo.set(ast, lazy)
      return lazy
    }
    case "Declaration": {
      const decode = ast.decodeUnknown(...ast.typeParameters)
      return (u) => fromEffect(decode(u, options, ast))
    }
    case "Transformation":
      return compileTransformation(ast, memo)
    default:
      return unsupported
  }
}

// A record: one index signature over string keys, no named properties (`Schema.Record({ key: Schema.String, ... })`).
const compileRecord = (ast: AST.TypeLiteral, memo: Map<AST.AST, Fast>): Fast | typeof unsupported => {
  const signature = ast.indexSignatures[0]!
  if (ast.propertySignatures.length > 0 || ast.indexSignatures.length !== 1) return unsupported
  if (signature.parameter._tag !== "StringKeyword") return unsupported
  const value = compileAst(signature.type, memo)
  if (value === unsupported) return unsupported
  return (u) => {
    if (u === null || typeof u !== "object" || Array.isArray(u)) return invalid
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(u)) {
      const v = value((u as Record<string, unknown>)[key])
      if (v === invalid) return invalid
      out[key] = v
    }
    return out
  }
}

const compileTransformation = (ast: AST.Transformation, memo: Map<AST.AST, Fast>): Fast | typeof unsupported => {
  const from = compileAst(ast.from, memo)
  if (from === unsupported) return unsupported
  const kind = ast.transformation
  switch (kind._tag) {
    case "ComposeTransformation": {
      const to = compileAst(ast.to, memo)
      if (to === unsupported) return unsupported
      return (u) => {
        const v = from(u)
        return v === invalid ? invalid : to(v)
      }
    }
    case "FinalTransformation": {
      const to = compileAst(ast.to, memo)
      if (to === unsupported) return unsupported
      return (u) => {
        const v = from(u)
        if (v === invalid) return invalid
        const w = fromEffect(kind.decode(v, options, ast, u))
        return w === invalid ? invalid : to(w)
      }
    }
    case "TypeLiteralTransformation": {
      // Property transformations (optional-with-default, nullable, renames) map the decoded `from` object
      // onto the `to` type, whose properties are the type side of the same schemas: nothing left to check.
      // Built as one pass over the `from` properties so no key is ever deleted (which would slow every
      // later read of the object).
      if (ast.from._tag !== "TypeLiteral" || ast.from.indexSignatures.length > 0) return unsupported
      const kinds = new Map(
        ast.to._tag === "TypeLiteral"
          ? ast.to.propertySignatures.map((ps) => [ps.name, ps.annotations[PropertyKindId]])
          : []
      )
      const steps = new Map(kind.propertySignatureTransformations.map((pst) => {
        // Only a declared kind may skip the transformation: probing it with a stand-in value would run
        // user code on a foreign value and cannot tell a value-dependent filter from an identity.
        const declared = kinds.get(pst.to)
        const identityOnValues = declared === "nullable" || declared === "nullable-default"
        // A "nullable" property that is absent stays absent: no need to run its transformation at all.
        const absentStaysAbsent = declared === "nullable"
        return [pst.from, { to: pst.to as string, decode: pst.decode, identityOnValues, absentStaysAbsent }] as const
      }))
      const props = ast.from.propertySignatures.map((ps) => ({
        key: ps.name as string,
        optional: ps.isOptional,
        decode: compileAst(ps.type, memo),
        step: steps.get(ps.name)
      }))
      if (props.some((p) => typeof p.key !== "string" || p.decode === unsupported)) return unsupported
      return struct(props as Array<Prop>)
    }
  }
}

interface Step {
  readonly to: string
  readonly decode: (o: Option.Option<unknown>) => Option.Option<unknown>
  readonly identityOnValues: boolean
  readonly absentStaysAbsent: boolean
}

interface Prop {
  readonly key: string
  readonly optional: boolean
  readonly decode: Fast
  readonly step?: Step | undefined
}

// A struct is where decoding spends its time: generate one function with the property names as constants,
// so every read and write is an inline-cached property access rather than a keyed lookup in a loop (about
// twice as fast on a thousand sessions). Where code generation is forbidden (a strict CSP), the same logic
// runs as a loop.
const struct = (props: ReadonlyArray<Prop>): Fast => generated(props) ?? looped(props)

const generated = (props: ReadonlyArray<Prop>): Fast | undefined => {
  const lines = [
    "if (u === null || typeof u !== \"object\" || Array.isArray(u)) return invalid",
    "const out = {}",
    "let v, r"
  ]
  props.forEach((p, i) => {
    const key = JSON.stringify(p.key)
    const to = JSON.stringify(p.step?.to ?? p.key)
    const viaStep = (value: string) => `r = s${i}.decode(${value}); if (r._tag === "Some") out[${to}] = r.value`
    const missing = !p.optional
      ? "return invalid"
      : p.step === undefined || p.step.absentStaysAbsent
      ? ""
      : viaStep("none")
    const present = p.step === undefined
      ? `out[${to}] = v`
      : p.step.identityOnValues
      ? `if (v !== null && v !== undefined) out[${to}] = v; else { ${viaStep("some(v)")} }`
      : viaStep("some(v)")
    lines.push(
      `v = u[${key}]`,
      `if (v === undefined && !(${key} in u)) { ${missing} } else { v = d${i}(v); if (v === invalid) return invalid; ${present} }`
    )
  })
  lines.push("return out")
  const params = ["invalid", "none", "some", ...props.map((_, i) => `d${i}`), ...props.map((_, i) => `s${i}`)]
  try {
    const factory = new Function(...params, `return function decodeStruct(u) {\n${lines.join("\n")}\n}`)
    return factory(invalid, Option.none(), Option.some, ...props.map((p) => p.decode), ...props.map((p) => p.step))
  } catch {
    return undefined
  }
}

const looped = (props: ReadonlyArray<Prop>): Fast => (u) => {
  if (u === null || typeof u !== "object" || Array.isArray(u)) return invalid
  const input = u as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (let i = 0; i < props.length; i++) {
    const p = props[i]!
    const step = p.step
    const value = input[p.key]
    if (value === undefined && !(p.key in input)) {
      if (!p.optional) return invalid
      if (step !== undefined && !step.absentStaysAbsent) {
        const result = step.decode(Option.none())
        if (Option.isSome(result)) out[step.to] = result.value
      }
      continue
    }
    const v = p.decode(value)
    if (v === invalid) return invalid
    if (step === undefined) out[p.key] = v
    else if (step.identityOnValues && v !== null && v !== undefined) out[step.to] = v
    else {
      const result = step.decode(Option.some(v))
      if (Option.isSome(result)) out[step.to] = result.value
    }
  }
  return out
}

/**
 * Compiles a schema into a decoding function from parsed JSON to its type, failing with Effect's own
 * `ParseError` (and its path) for input that does not match.
 *
 * @since 0.1.0
 * @category constructors
 */
export const compile = <A, I>(
  schema: Schema.Schema<A, I>
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  // Compiling walks the whole AST: do it once per schema, however many operations or calls use it.
  const cached = compiled.get(schema.ast)
  if (cached !== undefined) return cached as (input: unknown) => Either.Either<A, ParseResult.ParseError>
  const decoder = build(schema)
  compiled.set(schema.ast, decoder)
  return decoder
}

const compiled = new WeakMap<AST.AST, (input: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

const build = <A, I>(schema: Schema.Schema<A, I>): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const slow = Schema.decodeUnknownEither(schema)
  const fast = compileAst(schema.ast, new Map())
  if (fast === unsupported) return (input) => slow(input, options)
  return (input) => {
    const value = fast(input)
    return value === invalid ? slow(input, options) : Either.right(value as A)
  }
}

/**
 * Tells whether a schema compiles entirely to the fast path (a test helper: a schema that does not
 * still decodes correctly, only slower).
 *
 * @since 0.1.0
 * @category guards
 */
export const isCompiled = (schema: Schema.Schema.Any): boolean => compileAst(schema.ast, new Map()) !== unsupported
