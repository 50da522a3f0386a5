/** Small statistics helpers. */

export const median = (values: ReadonlyArray<number>): number => {
  const xs = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (xs.length === 0) return NaN
  const mid = xs.length >> 1
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
}

export const min = (values: ReadonlyArray<number>): number => {
  const xs = values.filter((x) => Number.isFinite(x))
  return xs.length === 0 ? NaN : Math.min(...xs)
}

export const ratio = (value: number, floor: number): number =>
  Number.isFinite(value) && Number.isFinite(floor) && floor > 0 ? value / floor : NaN

/** Formats a number with a sensible number of digits for a table. */
export const fmt = (x: number | undefined, digits = 2): string => {
  if (x === undefined || !Number.isFinite(x)) return "–"
  const abs = Math.abs(x)
  if (abs >= 1000) return Math.round(x).toLocaleString("en-US")
  if (abs >= 100) return x.toFixed(0)
  if (abs >= 10) return x.toFixed(Math.min(digits, 1))
  return x.toFixed(digits)
}

export const fmtRatio = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? "–" : `${x.toFixed(2)}×`
