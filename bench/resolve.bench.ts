// `cadv resolve` start-up and throughput, against `node -e 0` measured in the same run and
// interleaved with it (so machine load hits both alike). Target: one name ≤ 2× `node -e 0`.
//
//   one name, --offline        the fast path (no oclif), names only
//   one name, absent runtimes  asks docker, podman, containerd (loads grpc-js), crio
//   one name, via oclif        CADV_NO_FAST_PATH=1: what the fast path saves
//   1,000 names from stdin     offline, and against absent runtimes
//   live docker / containerd   when root with the runtimes installed: real daemons started by
//                              test/helpers/runtimes.ts; containerd's case includes loading grpc-js
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {fileURLToPath} from 'node:url'

const CADV = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const ROUNDS = Number(process.env.CADV_BENCH_ROUNDS ?? 15)
const ABSENT = [
  '--docker',
  'unix:///nonexistent/cadv/d.sock',
  '--podman',
  'unix:///nonexistent/cadv/p.sock',
  '--containerd',
  '/nonexistent/cadv/c.sock',
  '--crio',
  '/nonexistent/cadv/r.sock',
]
const id = (): string => randomBytes(32).toString('hex')

/** Wall time of one run; exit 1 (some name not accepted) is fine unless `mustPass`. */
function timeMs(args: string[], input = '', env: NodeJS.ProcessEnv = process.env, mustPass = false): number {
  const t = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, {input, env, stdio: ['pipe', 'ignore', 'pipe']})
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== 0 && (mustPass || r.status !== 1)) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`)
  return ms
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

import {Runtimes, runtimeSkipReason} from '../test/helpers/runtimes.js'

const one = `/docker/${id()}`
const skipLive = runtimeSkipReason(['containerd', 'docker'])
let rt: Runtimes | undefined
const live: Record<string, () => number> = {}
if (skipLive) console.log(`live runtimes: skipped (${skipLive})`)
else {
  rt = new Runtimes()
  await rt.start(['containerd', 'docker'])
  const d = await rt.runDocker({name: `cadv-bench-${process.pid}`})
  const c = await rt.runCtr()
  const flags = rt.cadvFlags()
  live['cadv resolve, one name, live docker'] = () =>
    timeMs([CADV, 'resolve', ...flags, '--expect', 'docker', `${rt!.cgroupParent}/docker/${d}`], '', process.env, true)
  live['cadv resolve, one name, live containerd'] = () =>
    timeMs([CADV, 'resolve', ...flags, '--expect', 'containerd', rt!.ctrCgroup(c)], '', process.env, true)
}
const cases: Record<string, () => number> = {
  'node -e 0 (baseline)': () => timeMs(['-e', '0']),
  'cadv resolve, one name, --offline': () => timeMs([CADV, 'resolve', '--offline', one]),
  'cadv resolve, one name, absent runtimes': () => timeMs([CADV, 'resolve', ...ABSENT, one]),
  'cadv resolve, one name, via oclif (no fast path)': () =>
    timeMs([CADV, 'resolve', '--offline', one], '', {...process.env, CADV_NO_FAST_PATH: '1'}),
  ...live,
}
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
try {
  for (let i = 0; i < ROUNDS; i++) for (const [k, f] of Object.entries(cases)) samples[k]!.push(f())
} finally {
  await rt?.teardown()
}

const names = Array.from(
  {length: 1000},
  (_, i) =>
    [
      `/docker/${id()}`,
      `/kubepods/burstable/pod${randomBytes(16).toString('hex')}/${id()}`,
      `/system.slice/unit-${i}.service`,
      `/libpod_parent/libpod-${id()}`,
    ][i % 4],
).join('\n')
const bulk: Record<string, number[]> = {'1,000 names from stdin, --offline': [], '1,000 names from stdin, absent runtimes': []}
for (let i = 0; i < Math.max(3, Math.floor(ROUNDS / 3)); i++) {
  bulk['1,000 names from stdin, --offline']!.push(timeMs([CADV, 'resolve', '--offline', '--json', '-'], names))
  bulk['1,000 names from stdin, absent runtimes']!.push(timeMs([CADV, 'resolve', '--json', ...ABSENT, '-'], names))
}

const base = median(samples['node -e 0 (baseline)']!)
console.log(`rounds: ${ROUNDS} (interleaved); median wall time per run`)
console.log('| case | median ms | × node -e 0 |')
console.log('|---|---:|---:|')
for (const [k, xs] of Object.entries(samples)) console.log(`| ${k} | ${median(xs).toFixed(0)} | ${(median(xs) / base).toFixed(2)} |`)
for (const [k, xs] of Object.entries(bulk))
  console.log(
    `| ${k} | ${median(xs).toFixed(0)} (${((median(xs) - base) / 1000).toFixed(3)} ms/name over node) | ${(median(xs) / base).toFixed(2)} |`,
  )
