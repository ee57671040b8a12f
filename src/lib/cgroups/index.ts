export {parseCgroupMounts, decodeMountField, MountinfoParseError, type CgroupMount} from './mountinfo.js'
export {
  discoverCgroups,
  hierarchyForController,
  unifiedHierarchy,
  CgroupDiscoveryError,
  type CgroupLayout,
  type CgroupMode,
  type DiscoverOptions,
  type Hierarchy,
} from './layout.js'
export {cgroupDir, childName, invalidNameReason, isUnder, locatePath, nameDepth, parentName, type ContainerName} from './names.js'
export {selectHierarchies} from './select.js'
