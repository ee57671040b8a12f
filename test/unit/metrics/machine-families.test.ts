// machine_* families: the hardware this host has, read as cAdvisor reads it, and EDAC DIMMs and
// NVDIMM regions on a fixture /sys (this host has neither).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {Exposition, readMachineFacts, readMachineInfo} from '../../../src/lib/metrics/index.js'
import {readDimms, readNvmAppDirectBytes} from '../../../src/lib/metrics/machine-hw.js'
import {selectKinds} from '../../../src/lib/stats/index.js'
import {parseExposition, samples} from '../../helpers/exposition.js'

const SYS = fileURLToPath(new URL('../../fixtures/host/hardware/sys', import.meta.url))

test('EDAC DIMMs by type, NVDIMM regions as app direct capacity; nothing where the machine has none', () => {
  assert.deepEqual(readDimms(SYS), [
    {type: 'Unbuffered-DDR4', count: 2, capacityBytes: 2 * 16384 * 1024 * 1024},
    {type: 'Registered-DDR4', count: 1, capacityBytes: 32768 * 1024 * 1024},
  ])
  assert.equal(readNvmAppDirectBytes(SYS), 274877906944)
  assert.deepEqual(readDimms('/nonexistent'), [])
  assert.equal(readNvmAppDirectBytes('/nonexistent'), undefined)
})

test("this host's cores, sockets and NUMA topology as sysfs shows them; topology families only with cpu_topology", () => {
  const machine = readMachineInfo()
  const facts = readMachineFacts('/proc', SYS)
  const cpus = readdirSync('/sys/devices/system/cpu').filter((e) => /^cpu\d+$/.test(e))
  const cores = new Set(
    cpus.map((c) => {
      const t = `/sys/devices/system/cpu/${c}/topology`
      return `${readFileSync(`${t}/physical_package_id`, 'utf8').trim()}:${readFileSync(`${t}/core_id`, 'utf8').trim()}`
    }),
  )
  assert.equal(facts.physicalCores, cores.size)
  assert.equal(facts.sockets, new Set([...cores].map((c) => c.split(':')[0])).size)
  const render = (kinds: string[]): ReturnType<typeof parseExposition> =>
    parseExposition(
      new Exposition({kinds: selectKinds(kinds), machine, machineFacts: facts, version: 't'}).render([], 'prometheus'),
      'prometheus',
    )
  const plain = render(['cpu'])
  assert.equal(samples(plain, 'machine_cpu_physical_cores')[0]?.value, cores.size)
  assert.equal(samples(plain, 'machine_cpu_books')[0]?.value, 0)
  assert.equal(samples(plain, 'machine_dimm_count', {type: 'Unbuffered-DDR4'})[0]?.value, 2)
  assert.equal(samples(plain, 'machine_nvm_capacity', {mode: 'app_direct_mode'})[0]?.value, 274877906944)
  assert.equal(samples(plain, 'machine_scrape_error')[0]?.value, 0)
  assert.equal(samples(plain, 'container_scrape_error')[0]?.value, 0)
  assert.equal(plain.has('machine_thread_siblings_count'), false)
  const topo = render(['cpu_topology'])
  const threads = samples(topo, 'machine_thread_siblings_count')
  assert.equal(threads.length, cpus.length, 'one series per logical CPU')
  const node0 = readFileSync('/sys/devices/system/node/node0/meminfo', 'utf8')
  assert.equal(
    samples(topo, 'machine_node_memory_capacity_bytes', {node_id: '0'})[0]?.value,
    Number(/MemTotal:\s+(\d+)/.exec(node0)![1]) * 1024,
  )
  const distance = readFileSync('/sys/devices/system/node/node0/distance', 'utf8').trim().split(/\s+/).map(Number)
  assert.deepEqual(
    samples(topo, 'machine_node_distance', {node_id: '0'}).map((s) => s.value),
    distance,
  )
  // Some kernels (a Firecracker guest's among them) publish no cpu*/cache directory at all.
  const l1Path = '/sys/devices/system/cpu/cpu0/cache/index0/size'
  if (existsSync(l1Path)) {
    const l1 = readFileSync(l1Path, 'utf8').trim()
    assert.ok(
      samples(topo, 'machine_cpu_cache_capacity_bytes', {node_id: '0', level: '1'}).some((s) => s.value === parseInt(l1, 10) * 1024),
    )
  } else assert.equal(samples(topo, 'machine_cpu_cache_capacity_bytes').length, 0, 'cache series with no cache in sysfs')
  assert.ok(samples(topo, 'machine_node_hugepages_count', {node_id: '0', page_size: '2048'}).length === 1)
})

test('cadvisor_version_info with cAdvisor label names; typed info in OpenMetrics', () => {
  const e = new Exposition({kinds: selectKinds(['cpu']), machine: readMachineInfo(), version: '9.9.9'})
  const text = e.render([], 'prometheus')
  const v = samples(parseExposition(text, 'prometheus'), 'cadvisor_version_info')[0]!
  assert.equal(v.labels.cadvisorVersion, '9.9.9')
  assert.ok(v.labels.kernelVersion)
  const om = parseExposition(`${e.render([], 'openmetrics')}# EOF\n`, 'openmetrics')
  assert.equal(om.get('cadvisor_version')?.type, 'info')
})
