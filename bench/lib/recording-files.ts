/*
 * OpenFiles that reports every read, so that a benchmark's C baseline replays exactly the files
 * the collectors read. It hooks OpenFiles' noteRead, which every read tells, by path or through
 * a kept descriptor's handle: hooking the public methods one by one missed the ones added later
 * (a baseline of no files once; one of 9 files a container instead of 14 after readLength came).
 */
import {OpenFiles} from '../../src/lib/stats/index.js'

/** Told of each read: the path, whether the descriptor is kept, and whether the file was there. */
export type ReadListener = (path: string, keep: boolean, found: boolean) => void

export class RecordingFiles extends OpenFiles {
  /** Unset: nothing is reported. */
  onRead: ReadListener | undefined

  protected override noteRead(path: string, keep: boolean, found: boolean): void {
    this.onRead?.(path, keep, found)
  }
}
