/*
 * URLs of the web UI. Every link, script and redirect is relative, found from the depth of the
 * request's path, so the pages work wherever a reverse proxy (or a URL base prefix) mounts them.
 */

/** The relative way from `path` back to the UI's root: `./` for `/x`, `../` for `/containers/`. */
export function toRoot(path: string): string {
  const depth = path.split('/').length - 2
  return depth <= 0 ? './' : '../'.repeat(depth)
}

/** A container name as a path below containers/: each part percent-encoded (`/a/b c` → `/a/b%20c`). */
export function encodeName(name: string): string {
  return name === '/' ? '/' : name.split('/').map(encodeURIComponent).join('/')
}

/** The container name a path below `base` (`/containers`) names, `/` for the base itself; undefined when it is not valid percent-encoding. */
export function nameOf(path: string, base: string): string | undefined {
  let rest = path.slice(base.length)
  if (rest.length > 1 && rest.endsWith('/')) rest = rest.slice(0, -1)
  if (rest === '' || rest === '/') return '/'
  try {
    return rest
      .split('/')
      .map((p) => decodeURIComponent(p))
      .join('/')
  } catch {
    return undefined
  }
}
