// Child process of bench/stats.bench.ts: runs one memory or stall measurement in a fresh Node
// process (no tsx, the built dist/ code, as `cadv serve` runs it) and prints one JSON line.
//   node --expose-gc bench/lib/stats-child.mjs store <root> <n> <idle|changing>
//   node --expose-gc bench/lib/stats-child.mjs live <root> <n> <seconds> <jitter> <initial splay>
import {monitorEventLoopDelay} from 'node:perf_hooks'

const dist = new URL('../../dist/lib/', import.meta.url)
const {discoverCgroups, selectHierarchies} = await import(new URL('cgroups/index.js', dist).href)
const {createManager} = await import(new URL('manager/index.js', dist).href)
const stats = await import(new URL('stats/index.js', dist).href)

const MiB = 1024 * 1024
const [mode, root, nText, arg4, arg5, arg6] = process.argv.slice(2)
const n = Number(nText)
const rss = () => {
  globalThis.gc?.()
  globalThis.gc?.()
  return process.memoryUsage().rss / MiB
}
const cpuNs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) * 1000
}
const layout = discoverCgroups()
const kinds = stats.selectKinds()
const names = Array.from({length: n}, (_, i) => `${root}/c${i}`)
const rssBase = rss()

if (mode === 'store') {
  const files = new stats.OpenFiles(16384)
  const hierarchies = stats.controllerHierarchies(layout)
  const collectors = names.map((name) => new stats.ContainerCollector(name, {layout, kinds, files, hierarchies}))
  const store = new stats.Store({maxAgeMs: 120_000, maxSamples: 122})
  let t = Date.now()
  for (let r = 0; r < 121; r++) {
    t += 1000
    for (const c of collectors) {
      const s = c.collect(t)
      if (arg4 === 'changing') {
        // New objects, not edits: a part the collector hands back unchanged is the same object
        // as last tick's, and the store shares such parts by identity (an edit in place would
        // change the stored samples too, and be shared as unchanged).
        if (s.cpu) s.cpu = {...s.cpu, usageNs: s.cpu.usageNs + r}
        if (s.memory) s.memory = {...s.memory, usageBytes: s.memory.usageBytes + r}
        if (s.pressure?.cpu) s.pressure = {...s.pressure, cpu: {...s.pressure.cpu, someUs: s.pressure.cpu.someUs + r}}
        if (s.diskio) s.diskio = s.diskio.map((d) => ({...d, readBytes: d.readBytes + r}))
        if (s.processes) s.processes = {...s.processes, processes: s.processes.processes + r}
      }
      store.add(s)
    }
  }
  let samples = 0
  for (const name of store.names()) samples += store.samples(name).length
  // Measure the steady state: V8 gives freed pages back on a timer after a burst of allocation.
  rss()
  await new Promise((r) => setTimeout(r, 3000))
  const rssNow = rss()
  const heap = process.memoryUsage().heapUsed / MiB
  let shared = 0
  for (const name of store.names()) {
    const list = store.samples(name).slice()
    for (let i = 1; i < list.length; i++) if (list[i].cpu === list[i - 1].cpu && list[i].memory === list[i - 1].memory) shared++
  }
  const mu = process.memoryUsage()
  console.log(
    JSON.stringify({
      rssBase,
      rss: rssNow,
      heapMiB: heap,
      heapTotalMiB: mu.heapTotal / MiB,
      externalMiB: mu.external / MiB,
      samples,
      shared,
      fds: files.openCount,
    }),
  )
} else if (mode === 'live') {
  const seconds = Number(arg4)
  const manager = createManager({
    layout,
    kinds,
    watch: {prefixes: [root], hierarchies: selectHierarchies(layout, stats.controllersForKinds(kinds))},
    housekeeping: {
      intervalMs: 1000,
      maxIntervalMs: 1000,
      dynamic: false,
      jitterFactor: Number(arg5),
      initialSplayFactor: Number(arg6 ?? arg5),
    },
  })
  let samples = 0
  manager.on('sample', () => samples++)
  await manager.start()
  await new Promise((r) => setTimeout(r, 3000))
  const h = monitorEventLoopDelay({resolution: 1})
  const cpu0 = cpuNs()
  const s0 = samples
  h.enable()
  await new Promise((r) => setTimeout(r, seconds * 1000))
  h.disable()
  const cpuPerSample = (cpuNs() - cpu0) / Math.max(1, samples - s0)
  const out = {
    rssBase,
    rss: rss(),
    samples: samples - s0,
    cpuPerSampleNs: cpuPerSample,
    p50: h.percentile(50),
    p99: h.percentile(99),
    max: h.max,
  }
  await manager.stop()
  console.log(JSON.stringify(out))
} else {
  console.error(`unknown mode ${mode}`)
  process.exit(2)
}
