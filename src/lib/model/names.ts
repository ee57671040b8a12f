/**
 * A container name is the cgroup's path relative to its hierarchy root, with a leading `/`
 * (`/docker/<id>`), and `/` for the root itself. It is the key in every event, store and label.
 */
export type ContainerName = string
