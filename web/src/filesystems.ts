/*
 * The host's filesystems on /containers/, as cAdvisor's machine page shows them: a gauge per
 * mounted block device, from /api/v2.0/storage. The server re-reads them every
 * --update-machine-info-interval (5 minutes, as cAdvisor), so the page asks once a minute.
 */
import {getJson, Poller} from './api.js'
import {h, replaceChildren, setText} from './dom.js'
import {bytes, pct, shown} from './format.js'
import type {StatusLine} from './status.js'

/** One filesystem of /api/v2.0/storage (cAdvisor's info/v2 FsInfo). */
export interface FsJson {
  device: string
  mountpoint: string
  capacity: number
  available: number
  usage: number
  inodes?: number
  inodes_free?: number
}

const REFRESH_MS = 60_000

interface Gauge {
  meter: HTMLMeterElement
  text: HTMLElement
}

/** Usage as the gauge's text: `12.3GiB of 40GiB (30.75%)`, inodes too when the filesystem has them. */
export function fsText(f: FsJson): string {
  const share = f.capacity > 0 ? ` (${pct((f.usage / f.capacity) * 100)})` : ''
  const inodes =
    f.inodes !== undefined && f.inodes > 0 && f.inodes_free !== undefined
      ? `; inodes ${pct(((f.inodes - f.inodes_free) / f.inodes) * 100)}`
      : ''
  return `${bytes(f.usage)} of ${bytes(f.capacity)}${share}${inodes}`
}

/** The gauges (their own element, to go beside the CPU and memory ones) and their poller. */
export function filesystemGauges(status: StatusLine): {el: HTMLElement; poller: Poller} {
  const el = h('div', {class: 'filesystems', 'aria-label': 'Filesystems'})
  let shape = ''
  let gauges: Gauge[] = []
  const poller = new Poller(async () => {
    let list: FsJson[]
    try {
      list = await getJson<FsJson[]>('api/v2.0/storage')
    } catch (err) {
      status.problem('filesystems', err)
      throw err
    }
    status.ok('filesystems')
    // Rebuilt only when the set of filesystems changes (a mount or an unmount).
    const key = JSON.stringify(list.map((f) => [f.device, f.mountpoint]))
    if (key !== shape) {
      shape = key
      gauges = []
      replaceChildren(
        el,
        ...list.map((f, i) => {
          const id = `gauge-fs-${i}`
          const meter = h('meter', {id, min: 0, max: 1, value: 0, low: 0.8, high: 0.9, optimum: 0})
          const text = h('span', {class: 'value'}, '--')
          gauges.push({meter, text})
          return h(
            'div',
            {class: 'gauge', 'data-device': f.device},
            h('label', {for: id, title: `${shown(f.device)} on ${shown(f.mountpoint)}`}, shown(f.mountpoint)),
            meter,
            text,
          )
        }),
      )
    }
    list.forEach((f, i) => {
      const g = gauges[i]!
      g.meter.value = f.capacity > 0 ? f.usage / f.capacity : 0
      setText(g.text, `${shown(f.device)}: ${fsText(f)}`)
    })
  }, REFRESH_MS)
  return {el, poller}
}
