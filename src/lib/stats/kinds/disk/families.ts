// Kind `disk`: filesystem usage, limit and inodes per device (a container's writable layer,
// or for `/` each mounted block-device filesystem).
import {escapeLabelValue, type Family, type FamilyModule} from '../../../model/index.js'

const inodesFree: Family = {name: 'container_fs_inodes_free', type: 'gauge', help: 'Number of available Inodes'}
const inodesTotal: Family = {name: 'container_fs_inodes_total', type: 'gauge', help: 'Number of Inodes'}
const limit: Family = {
  name: 'container_fs_limit_bytes',
  type: 'gauge',
  help: 'Number of bytes that can be consumed by the container on this filesystem.',
}
const usage: Family = {
  name: 'container_fs_usage_bytes',
  type: 'gauge',
  help: 'Number of bytes that are consumed by the container on this filesystem.',
}

export const diskFamilies: FamilyModule = {
  families: [inodesFree, inodesTotal, limit, usage],
  write(out, {sample}) {
    for (const fs of sample?.filesystems ?? []) {
      const dev = `device="${escapeLabelValue(fs.device)}"`
      if (fs.inodesFree !== undefined) out.add(inodesFree, fs.inodesFree, dev)
      if (fs.inodes !== undefined) out.add(inodesTotal, fs.inodes, dev)
      out.add(limit, fs.limitBytes, dev)
      out.add(usage, fs.usageBytes, dev)
    }
  },
}
