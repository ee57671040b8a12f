// cAdvisor's command lines on `cadv serve`: the table covers every flag of the cadvisor binary
// (test/fixtures/cadvisor/flags.json, cAdvisor 6a0c4f25) with its type and default; each one is
// honoured (translated to a cadv flag that oclif parses), accepted with one notice line, or
// refused with one line; Go's flag syntax; cAdvisor's Kubernetes example arguments.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {Parser} from '@oclif/core'

import Serve from '../../../src/commands/serve.js'
import {KUBERNETES_EXAMPLE_ARGS} from '../../helpers/cadvisor-args.js'
import {CADVISOR_FLAGS, CadvisorFlagError, inUserSpelling, translateCadvisorArgs, type CommandFlag} from '../../../src/lib/cli/index.js'

interface FixtureFlag {
  name: string
  type: string
  default: string
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/cadvisor/flags.json', import.meta.url), 'utf8')) as {
  flags: FixtureFlag[]
  klog_flags: FixtureFlag[]
}
const reference = [...fixture.flags, ...fixture.klog_flags]
const flags = {...Serve.baseFlags, ...Serve.flags} as unknown as Record<string, CommandFlag>
const translate = (argv: string[], cadvisor = false) => translateCadvisorArgs(argv, flags, {cadvisor})

/** oclif's own parse of the translated argv: values of the right type, no unknown flag. */
async function parses(argv: string[]): Promise<Record<string, unknown>> {
  const {flags: parsed} = await Parser.parse(argv, {flags: {...Serve.baseFlags, ...Serve.flags}, strict: true})
  return parsed as Record<string, unknown>
}

const GO_TYPE: Record<string, string> = {
  bool: 'bool',
  string: 'string',
  int: 'int',
  uint64: 'uint',
  float64: 'float',
  duration: 'duration',
  'custom flag.Value': 'kinds',
  'klog.Level (int32)': 'level',
  moduleSpec: 'string',
  severity: 'string',
  traceLocation: 'string',
}

test('the table has every flag of cAdvisor 6a0c4f25 (and klog), with its type and default', () => {
  assert.deepEqual(Object.keys(CADVISOR_FLAGS).sort(), reference.map((f) => f.name).sort())
  for (const f of reference) {
    const t = CADVISOR_FLAGS[f.name]!
    assert.equal(t.type, GO_TYPE[f.type], f.name)
    assert.equal(t.default, f.default, f.name)
  }
})

/** A value other than cAdvisor's default, of the flag's type. */
function otherValue(name: string): string {
  const f = CADVISOR_FLAGS[name]!
  switch (f.type) {
    case 'bool':
      return f.default === 'true' ? 'false' : 'true'
    case 'duration':
      return '7s'
    case 'int':
    case 'uint':
      return name === 'port' ? '9099' : '7'
    case 'float':
      return '0.5'
    case 'kinds':
      return 'cpu,memory'
    case 'level':
      return '4'
    default:
      return name === 'prometheus_endpoint' || name === 'url_base_prefix'
        ? '/prom'
        : name.includes('limit')
          ? 'default=1h'
          : 'unix:///tmp/x.sock'
  }
}

test('each flag given a value other than its default: honoured, noticed, or refused with one line', async () => {
  const outcome: Record<string, string[]> = {honoured: [], noticed: [], refused: []}
  const defaults = await parses([])
  for (const name of Object.keys(CADVISOR_FLAGS)) {
    const value = otherValue(name)
    let t
    try {
      t = translate([`--${name}=${value}`])
    } catch (err) {
      assert.ok(err instanceof CadvisorFlagError, name)
      assert.equal(err.exitCode, 2)
      assert.equal(err.message.includes('\n'), false, `${name}: one line`)
      assert.match(err.message, new RegExp(`^--${name}(=\\S*)?: `), name)
      outcome.refused!.push(name)
      continue
    }
    if (name === 'version') {
      assert.equal(t.version, true)
      outcome.honoured!.push(name)
      continue
    }
    if (t.notices.length > 0) {
      assert.equal(t.notices.length, 1, name)
      assert.deepEqual(t.argv, [], `${name}: a notice changes nothing`)
      outcome.noticed!.push(name)
      continue
    }
    // Honoured: a cadv flag oclif accepts, carrying the value (the parse differs from the defaults').
    assert.ok(t.argv.length > 0, `${name}: translated to something`)
    assert.notDeepEqual(await parses(t.argv), defaults, `${name}=${value} changes what cadv serve runs with`)
    outcome.honoured!.push(name)
  }
  // Every cAdvisor flag lands in exactly one of the three.
  assert.equal(outcome.honoured!.length + outcome.noticed!.length + outcome.refused!.length, reference.length)
  // The ones users set (reference/compat.md) are honoured, or refused for a reason named above.
  for (const name of [
    'housekeeping_interval',
    'max_housekeeping_interval',
    'allow_dynamic_housekeeping',
    'global_housekeeping_interval',
    'storage_duration',
    'docker',
    'docker_only',
    'containerd',
    'containerd-namespace',
    'podman',
    'env_metadata_whitelist',
    'disable_metrics',
    'enable_metrics',
    'store_container_labels',
    'whitelisted_container_labels',
    'raw_cgroup_prefix_whitelist',
    'disable_root_cgroup_stats',
    'event_storage_age_limit',
    'event_storage_event_limit',
    'port',
    'listen_ip',
    'prometheus_endpoint',
    'url_base_prefix',
    'update_machine_info_interval',
    'v',
  ])
    assert.ok(outcome.honoured!.includes(name), `${name} is honoured`)
  for (const name of ['http_auth_file', 'http_digest_file', 'docker-tls', 'profiling', 'logtostderr'])
    assert.ok(outcome.refused!.includes(name), `${name} is refused`)
})

test("a flag given cAdvisor's default is honoured by doing what cAdvisor does", () => {
  for (const [name, f] of Object.entries(CADVISOR_FLAGS)) {
    if (name === 'version') continue
    const t = translate([`--${name}=${f.default}`])
    // cAdvisor's 0 means no timeout at all; cadv always bounds runtime calls, and says so.
    if (name === 'crio_client_timeout') assert.match(t.notices[0]!, /always bounds CRI-O calls/)
    else assert.deepEqual(t.notices, [], name)
  }
  // 1m0s is Go's spelling of 60s.
  assert.deepEqual(translate(['--resctrl_interval=0', '--machine_id_file=/etc/machine-id,/var/lib/dbus/machine-id']).argv, [])
  // cadv has this one under cAdvisor's name.
  assert.deepEqual(translate(['--referenced_reset_interval=0']).argv, ['--referenced-reset-interval=0'])
})

test("Go's flag syntax: one or two dashes, =value or the next argument, bare booleans, =false", async () => {
  for (const argv of [
    ['--housekeeping_interval=10s'],
    ['-housekeeping_interval=10s'],
    ['-housekeeping_interval', '10s'],
    ['--housekeeping_interval', '10s'],
  ])
    assert.equal((await parses(translate(argv).argv))['housekeeping-interval'], 10_000, argv.join(' '))
  assert.deepEqual(translate(['-docker_only']).argv, ['--docker-only'])
  assert.deepEqual(translate(['-docker_only=false']).argv, [])
  assert.deepEqual(translate(['--store_container_labels=false']).argv, ['--no-store-container-labels'])
  assert.deepEqual(translate(['--store-container-labels=FALSE', '-store_container_labels=1']).argv, ['--store-container-labels'])
  assert.deepEqual(translate(['--allow_dynamic_housekeeping=f']).argv, ['--no-allow-dynamic-housekeeping'])
  // cadv's own spellings pass, one-letter flags keep their meaning, and -- ends the flags.
  assert.deepEqual(translate(['--listen', '127.0.0.1:1', '-v', '--', '--store_container_labels=false']).argv, [
    '--listen=127.0.0.1:1',
    '-v',
    '--',
    '--store_container_labels=false',
  ])
  assert.deepEqual(translate(['--v=4']).argv, ['--verbose'])
  // cadvisor: -v is klog's and takes a value, as in Go.
  assert.deepEqual(translate(['-v', '4'], true).argv, ['--verbose', '--listen=:8080'])
  assert.deepEqual(translate(['-v', '1', '--port=1'], true).argv, ['--listen=:1'])
  assert.throws(() => translate(['-v'], true), /flag needs an argument: -v/)
  assert.deepEqual(translate(['-v=2']).argv, [])
  assert.throws(() => translate(['-docker_only=maybe']), /invalid boolean value "maybe" for flag -docker_only/)
  assert.throws(() => translate(['--housekeeping_interval']), /flag needs an argument: --housekeeping_interval/)
})

test("Go's rule for a flag given twice: the last one wins, lists and metric sets included", async () => {
  const last = async (argv: string[], cadvisor = false) => parses(translate(argv, cadvisor).argv)
  assert.equal((await last(['--housekeeping_interval=5s', '-housekeeping_interval', '2s']))['housekeeping-interval'], 2_000)
  assert.notEqual((await last(['-docker_only', '-docker_only=false']))['docker-only'], true)
  assert.equal((await last(['--store_container_labels=false', '--store_container_labels']))['store-container-labels'], true)
  assert.deepEqual((await last(['--enable_metrics=cpu', '--enable_metrics=memory']))['enable-metrics'], ['memory'])
  assert.deepEqual(
    (await last(['--raw_cgroup_prefix_whitelist=/a', '--raw_cgroup_prefix_whitelist=/b,/c']))['raw-cgroup-prefix-whitelist'],
    ['/b,/c'],
  )
  assert.equal((await last(['--prometheus_endpoint=/a', '--prometheus_endpoint=/b']))['telemetry-path'], '/b')
  assert.notEqual((await last(['--v=4', '--v=1']))['verbose'], true)
  assert.deepEqual((await last(['--port=1', '--port=2']))['listen'], ['127.0.0.1:2'])
  // The cAdvisor spelling replaces the cadv one too; cadv's own repeatable flags still add up.
  assert.deepEqual((await last(['--enable-metrics', 'cpu', '--enable_metrics=memory']))['enable-metrics'], ['memory'])
  assert.deepEqual((await last(['--enable-metrics', 'cpu', '--enable-metrics', 'memory']))['enable-metrics'], ['cpu', 'memory'])
  // cadvisor takes every flag by Go's rules, cadv's spellings included.
  assert.deepEqual((await last(['--enable-metrics', 'cpu', '--enable-metrics', 'memory'], true))['enable-metrics'], ['memory'])
  assert.equal((await last(['--housekeeping-interval=5s', '--housekeeping-interval=3s'], true))['housekeeping-interval'], 3_000)
  // Two cAdvisor flags cadv folds into one list are two flags: both kept.
  assert.deepEqual((await last(['--docker_env_metadata_whitelist=A', '--containerd_env_metadata_whitelist=B']))['env-metadata-whitelist'], [
    'A',
    'B',
  ])
})

test("a driver's flags when the driver is not built: one notice, whichever spelling", () => {
  for (const argv of [['--storage_driver_kafka_topic=x'], ['--storage-driver-kafka-topic', 'x'], ['-storage_driver_es_enable_sniffer']]) {
    const t = translate(argv)
    assert.deepEqual(t.argv, [], argv.join(' '))
    assert.equal(t.notices.length, 1, argv.join(' '))
    assert.match(t.notices[0]!, /: ignored: the (kafka|elasticsearch) storage driver is not built into cadv/)
  }
  assert.deepEqual(translate(['--storage_driver_kafka_topic=stats']).notices, [], "cAdvisor's default: nothing to say")
})

test('--port and --listen_ip: cadv serve keeps 127.0.0.1, cadvisor listens on every interface', () => {
  assert.deepEqual(translate(['--port=9000']).argv, ['--listen=127.0.0.1:9000'])
  assert.deepEqual(translate(['--listen_ip=0.0.0.0', '--port', '81']).argv, ['--listen=0.0.0.0:81'])
  assert.deepEqual(translate(['--listen_ip=::1']).argv, ['--listen=[::1]:8080'])
  assert.deepEqual(translate([], true).argv, ['--listen=:8080'])
  assert.deepEqual(translate(['--port=9000'], true).argv, ['--listen=:9000'])
  assert.deepEqual(translate(['--listen', '127.0.0.1:7'], true).argv, ['--listen=127.0.0.1:7'], 'a cadv --listen wins over the default')
  assert.throws(() => translate(['--port=http']), /not a port/)
})

test('cadvisor: unknown flags are Go errors, arguments after the first non-flag are set aside', () => {
  assert.throws(() => translate(['--bogus'], true), /^Error: flag provided but not defined: --bogus/)
  const t = translate(['--docker_only', 'stray', '--port=1'], true)
  assert.deepEqual(t.argv, ['--docker-only', '--listen=:8080'])
  assert.deepEqual(t.ignored, ['stray', '--port=1'])
})

test("cAdvisor's Kubernetes example arguments translate unchanged into a valid cadv serve command line", async () => {
  const t = translate(KUBERNETES_EXAMPLE_ARGS, true)
  assert.deepEqual(t.notices, [])
  const parsed = await parses(t.argv)
  assert.equal(parsed['housekeeping-interval'], 10_000)
  assert.equal(parsed['max-housekeeping-interval'], 15_000)
  assert.equal(parsed['event-storage-event-limit'], 'default=0')
  assert.equal(parsed['event-storage-age-limit'], 'default=0')
  assert.deepEqual(parsed['enable-metrics'], ['app,cpu,disk,diskIO,memory,network,process'])
  assert.equal(parsed['docker-only'], true)
  assert.equal(parsed['store-container-labels'], false)
  assert.deepEqual(parsed['whitelisted-container-labels'], [
    'io.kubernetes.container.name, io.kubernetes.pod.name,io.kubernetes.pod.namespace',
  ])
  assert.deepEqual(parsed.listen, [':8080'])
})

test("a bad value is reported under the flag's name as the user wrote it", async () => {
  const t = translate(['-housekeeping_interval', '10', '--storage_duration=1m', '--max-housekeeping-interval=2m'])
  assert.deepEqual(
    [...t.spellings],
    [
      ['housekeeping-interval', '-housekeeping_interval'],
      ['storage-duration', '--storage_duration'],
    ],
  )
  const err = await parses(t.argv).then(
    () => assert.fail('10 is not a duration'),
    (e: unknown) => inUserSpelling(e, t.spellings) as Error,
  )
  assert.match(err.message, /^Parsing -housekeeping_interval\s*\n\s*invalid duration "10"/)
  // Coloured by oclif, or about a flag written cadv's way: the name is found or left alone.
  assert.equal(
    (inUserSpelling(new Error('Parsing \u001b[1m--storage-duration\u001b[22m x'), t.spellings) as Error).message,
    'Parsing \u001b[1m--storage_duration\u001b[22m x',
  )
  assert.equal(
    (inUserSpelling(new Error('Parsing --max-housekeeping-interval x'), t.spellings) as Error).message,
    'Parsing --max-housekeeping-interval x',
  )
})
