import {posix} from 'node:path'

import type {ContainerName} from '../model/index.js'
import type {CgroupLayout, Hierarchy} from './layout.js'

export type {ContainerName}

/** Why a string is not a usable container name, or undefined when it is one. */
export function invalidNameReason(name: string): string | undefined {
  if (!name.startsWith('/')) return 'a container name starts with /'
  if (name.includes('\0')) return 'a container name cannot hold a NUL byte'
  if (name !== '/' && name.endsWith('/')) return 'a container name does not end with /'
  if (name.split('/').some((part) => part === '.' || part === '..')) return 'a container name has no . or .. parts'
  if (name.includes('//')) return 'a container name has no empty parts'
  return undefined
}

/** The directory of container `name` in hierarchy `h`. */
export function cgroupDir(h: Hierarchy, name: ContainerName): string {
  return name === '/' ? h.mountPoint : h.mountPoint + name
}

/** The parent container's name (`/a/b` → `/a`, `/a` → `/`); undefined for the root. */
export function parentName(name: ContainerName): ContainerName | undefined {
  if (name === '/') return undefined
  const i = name.lastIndexOf('/')
  return i === 0 ? '/' : name.slice(0, i)
}

export function childName(parent: ContainerName, base: string): ContainerName {
  return parent === '/' ? `/${base}` : `${parent}/${base}`
}

/** Number of path parts: `/` is 0, `/docker` is 1, `/docker/<id>` is 2. */
export function nameDepth(name: ContainerName): number {
  return name === '/' ? 0 : name.split('/').length - 1
}

/** True when `name` equals `prefix` or lies below it (`/kubepods` covers `/kubepods/pod1`, not `/kubepods2`). */
export function isUnder(name: ContainerName, prefix: ContainerName): boolean {
  if (prefix === '/' || name === prefix) return true
  return name.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)
}

/**
 * Maps an absolute path under one of the layout's hierarchies to that hierarchy and the
 * container name, or undefined when the path lies under none of them.
 */
export function locatePath(layout: CgroupLayout, absPath: string): {hierarchy: Hierarchy; name: ContainerName} | undefined {
  const p = posix.normalize(absPath).replace(/\/+$/, '') || '/'
  let best: Hierarchy | undefined
  for (const h of layout.hierarchies) {
    if ((p === h.mountPoint || p.startsWith(`${h.mountPoint}/`)) && (!best || h.mountPoint.length > best.mountPoint.length)) {
      best = h
    }
  }
  if (!best) return undefined
  return {hierarchy: best, name: p === best.mountPoint ? '/' : p.slice(best.mountPoint.length)}
}
