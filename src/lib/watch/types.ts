export type WatchBackendName = 'inotify' | 'parcel' | 'poll'

export const WATCH_BACKENDS: readonly WatchBackendName[] = ['inotify', 'parcel', 'poll']
