import {get} from 'node:http'

/** The body of a plain GET as text, without fetch's decompression or its body size checks. */
export function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve(Buffer.concat(chunks).toString()))
    }).on('error', reject)
  })
}
