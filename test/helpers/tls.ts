/*
 * Throw-away certificates made with openssl for TLS tests: a CA, a server certificate for
 * 127.0.0.1 signed by it, a client certificate signed by it, and a client certificate from an
 * unrelated CA (the "wrong client").
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export function opensslSkipReason(): string | undefined {
  try {
    execFileSync('openssl', ['version'], {stdio: 'ignore'})
    return undefined
  } catch {
    return 'openssl is not installed'
  }
}

export interface TestPki {
  dir: string
  caCert: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
  wrongCert: string
  wrongKey: string
  read(file: string): Buffer
  cleanup(): void
}

function ssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

function ca(dir: string, name: string): void {
  ssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`])
}

function signed(dir: string, name: string, caName: string, ext: string): void {
  ssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`])
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`)
  ssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${caName}.crt`,
    '-CAkey',
    `${caName}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ])
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'cadv-pki-'))
  ca(dir, 'ca')
  ca(dir, 'otherca')
  signed(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth')
  signed(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth')
  signed(dir, 'wrong', 'otherca', 'extendedKeyUsage=clientAuth')
  const p = (f: string) => join(dir, f)
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    wrongCert: p('wrong.crt'),
    wrongKey: p('wrong.key'),
    read: (f) => readFileSync(f),
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}
