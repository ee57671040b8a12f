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
export {
  KUBE_LABEL,
  kubeletFields,
  kubeletIdentity,
  kubepodsPlace,
  kubernetesPlacement,
  PodIndex,
  type KubeletIdentity,
  type KubepodsLevel,
  type KubepodsPlace,
  type PodRef,
  type QosClass,
} from './kubepods.js'
export {onCgroupfs} from './cgroupfs.js'
