// The part of autocannon's API bench/serve.bench.ts uses (the package ships no types).
declare module 'autocannon' {
  interface Histogram {
    average: number
    p50: number
    p90: number
    p99: number
    max: number
  }
  interface Result {
    latency: Histogram
    requests: Histogram & {total: number}
    throughput: Histogram
    non2xx: number
    errors: number
    timeouts: number
    '2xx': number
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    headers?: Record<string, string>
    timeout?: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
