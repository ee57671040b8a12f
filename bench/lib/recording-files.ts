/*
 * OpenFiles that reports every read, through each of its read methods, so that a benchmark's
 * C baseline replays exactly the files the collectors read. One class for every benchmark:
 * a read method added to OpenFiles is followed here once (a missed one left a baseline of no
 * files).
 */
import {OpenFiles} from '../../src/lib/stats/index.js'

/** Told of each read: the path, whether the descriptor is kept, and whether the file was there. */
export type ReadListener = (path: string, keep: boolean, found: boolean) => void

export class RecordingFiles extends OpenFiles {
  /** Unset: nothing is reported. */
  onRead: ReadListener | undefined

  override read(path: string, keep = true): string | undefined {
    const text = super.read(path, keep)
    this.onRead?.(path, keep, text !== undefined)
    return text
  }
  override readBytes(path: string, keep = true): Buffer | undefined {
    const bytes = super.readBytes(path, keep)
    this.onRead?.(path, keep, bytes !== undefined)
    return bytes
  }
  override countLines(path: string, keep = true): number | undefined {
    const n = super.countLines(path, keep)
    this.onRead?.(path, keep, n !== undefined)
    return n
  }
}
