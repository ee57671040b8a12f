/*
 * Checks JSON from cadv's REST API against cAdvisor's own types, as listed in
 * test/fixtures/cadvisor/api-fields.json (cAdvisor 6a0c4f25, info/v1 and info/v2): every key is
 * one of the struct's wire keys, every key Go always writes is there, and nested values have the
 * right kind (number, string, bool, RFC 3339 time, object, array), recursively.
 */
import {readFileSync} from 'node:fs'

interface Field {
  json: string | null
  go_name: string
  go_type: string
  omitted_when_zero: boolean
  embedded?: boolean
  flattened?: boolean
  skipped?: boolean
}

interface Struct {
  api: 'v1' | 'v2'
  name: string
  fields: Field[]
  wire_keys: string[]
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/cadvisor/api-fields.json', import.meta.url), 'utf8')) as {
  source: {commit: string}
  structs: Struct[]
}

export const CADVISOR_COMMIT = fixture.source.commit

const structs = new Map<string, Struct>(fixture.structs.map((s) => [`${s.api}.${s.name}`, s]))
// info/v1 calls model.FilesystemInfo FsInfo.
structs.set('v1.FilesystemInfo', structs.get('v1.FsInfo')!)

const STRING_TYPES = new Set(['string', 'EventType', 'CloudProvider', 'InstanceType', 'InstanceID', 'MetricType', 'DataType'])
const NUMBER_TYPES = new Set(['int', 'int32', 'int64', 'uint', 'uint64', 'float32', 'float64', 'uint8', 'time.Duration'])
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/

/** Which struct a Go type names, from the struct that holds the field. */
function structOf(goType: string, api: 'v1' | 'v2'): Struct | undefined {
  const m = /^(?:(v1|v2)\.)?([A-Z]\w*)$/.exec(goType)
  if (!m) return undefined
  return structs.get(`${m[1] ?? api}.${m[2]}`)
}

export function checkValue(value: unknown, goType: string, api: 'v1' | 'v2', path: string, problems: string[]): void {
  const t = goType.replace(/^\*/, '')
  if (value === null) {
    // Go writes null for nil slices, maps and pointers that are not omitempty.
    if (!(t.startsWith('[]') || t.startsWith('map[') || goType.startsWith('*'))) problems.push(`${path}: null for ${goType}`)
    return
  }
  if (t.startsWith('[]')) {
    if (!Array.isArray(value)) return void problems.push(`${path}: expected an array (${goType})`)
    value.forEach((v, i) => checkValue(v, t.slice(2), api, `${path}[${i}]`, problems))
    return
  }
  const map = /^map\[[^\]]+\](.*)$/.exec(t)
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return void problems.push(`${path}: expected an object (${goType})`)
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      checkValue(v, map[1]!, api, `${path}[${JSON.stringify(k)}]`, problems)
    return
  }
  if (t === 'time.Time') {
    if (typeof value !== 'string' || !RFC3339.test(value)) problems.push(`${path}: ${JSON.stringify(value)} is not an RFC 3339 time`)
    return
  }
  const bare = t.replace(/^v[12]\./, '')
  if (STRING_TYPES.has(bare)) {
    if (typeof value !== 'string') problems.push(`${path}: expected a string (${goType})`)
    return
  }
  if (NUMBER_TYPES.has(bare)) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      problems.push(`${path}: expected a number (${goType}), got ${JSON.stringify(value)}`)
    else if (!t.startsWith('float') && !Number.isInteger(value)) problems.push(`${path}: expected an integer (${goType}), got ${value}`)
    else if ((t.startsWith('uint') || t === 'time.Duration') && value < 0) problems.push(`${path}: negative ${goType}`)
    return
  }
  if (t === 'bool') {
    if (typeof value !== 'boolean') problems.push(`${path}: expected a boolean`)
    return
  }
  const s = structOf(t, api)
  if (!s) return void problems.push(`${path}: no struct ${api}.${t} in the field list`)
  checkStruct(value, s, path, problems)
}

/** The fields of a struct with embedded-and-flattened ones expanded. */
function flatFields(s: Struct): Array<Field & {api: 'v1' | 'v2'}> {
  const out: Array<Field & {api: 'v1' | 'v2'}> = []
  for (const f of s.fields) {
    if (f.skipped) continue
    if (f.json === null && f.embedded && f.flattened) {
      const inner = structOf(f.go_type, s.api)
      if (inner) out.push(...flatFields(inner))
      continue
    }
    out.push({...f, api: s.api})
  }
  return out
}

function checkStruct(value: unknown, s: Struct, path: string, problems: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return void problems.push(`${path}: expected a ${s.api} ${s.name} object`)
  const o = value as Record<string, unknown>
  const fields = flatFields(s)
  const known = new Set(fields.map((f) => f.json!))
  for (const k of Object.keys(o)) if (!known.has(k)) problems.push(`${path}.${k}: not a key of ${s.api} ${s.name}`)
  for (const f of fields) {
    const key = f.json!
    if (!(key in o)) {
      if (!f.omitted_when_zero) problems.push(`${path}.${key}: missing (${s.api} ${s.name} always has it)`)
      continue
    }
    checkValue(o[key], f.go_type, f.api, `${path}.${key}`, problems)
  }
}

/** Problems of `value` as cAdvisor's `api` `type` (a struct name, or `[]X`, `map[string]X`); [] when it fits. */
export function cadvisorShapeProblems(value: unknown, type: string, api: 'v1' | 'v2'): string[] {
  const problems: string[] = []
  checkValue(value, type, api, '$', problems)
  return problems
}
