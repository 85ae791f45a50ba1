#!/usr/bin/env node
/*
 * skillspas interop harness around the Digital Bazaar reference JS stack.
 *
 * Used only by tests/interop/test_interop.py and benchmarks/proofs.py.
 * Everything is offline: JSON-LD contexts come only from the folders named
 * with --contexts (each holding a contexts.map.json: URL -> file name in that
 * folder); did:key verification methods are resolved locally. Any other URL
 * makes the document loader throw; nothing is ever fetched from the network.
 *
 * Commands:
 *   sign   --key KEYFILE --suite eddsa-rdfc-2022|ecdsa-rdfc-2019
 *          --contexts DIR [--contexts DIR2 ...] IN.json
 *            prints the signed credential (proofPurpose assertionMethod;
 *            `issuer` set to the key's controller if absent)
 *   genkey --type ed25519|p256 --out KEYFILE
 *            writes {"type":"Multikey","id","controller","publicKeyMultibase",
 *            "secretKeyMultibase"} (did:key)
 *   verify --contexts DIR [...] [--purpose credential|assertion] IN.json
 *            prints {"verified": bool, "error": str|null}; exit 0 if verified
 *            else 1. --purpose credential (default) is what
 *            vc.verifyCredential does by default (CredentialIssuancePurpose:
 *            the verification method must be in the controller document's
 *            assertionMethod AND the controller must equal `issuer`);
 *            --purpose assertion uses jsonld-signatures' AssertionProofPurpose
 *            (no issuer binding: proof-level check only).
 *   bench  --contexts DIR [...] --key KEYFILE --suite S --n N IN.json
 *            prints {"sign_ms_median", "verify_ms_median", ...} measured with
 *            process.hrtime after warm-up.
 *
 * Usage errors and unexpected failures exit 2 with a message on stderr.
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

import * as vc from '@digitalbazaar/vc';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {CachedResolver} from '@digitalbazaar/did-io';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {driver as didKeyDriverFactory} from '@digitalbazaar/did-method-key';
import {
  cryptosuite as ecdsaRdfc2019Cryptosuite
} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {
  cryptosuite as eddsaRdfc2022Cryptosuite
} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';

const {purposes: {AssertionProofPurpose}} = jsigs;

const SUITES = {
  'eddsa-rdfc-2022': {cryptosuite: eddsaRdfc2022Cryptosuite},
  'ecdsa-rdfc-2019': {cryptosuite: ecdsaRdfc2019Cryptosuite}
};

class UsageError extends Error {}

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = {contexts: [], positional: []};
  const repeatable = new Set(['contexts']);
  for(let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if(arg.startsWith('--')) {
      const name = arg.slice(2);
      const value = rest[i + 1];
      if(value === undefined) {
        throw new UsageError(`option --${name} needs a value`);
      }
      i++;
      if(repeatable.has(name)) {
        opts[name].push(value);
      } else {
        opts[name] = value;
      }
    } else {
      opts.positional.push(arg);
    }
  }
  return {command, opts};
}

function need(opts, name) {
  if(opts[name] === undefined || (Array.isArray(opts[name]) &&
    opts[name].length === 0)) {
    throw new UsageError(`option --${name} is required`);
  }
  return opts[name];
}

function inputFile(opts) {
  if(opts.positional.length !== 1) {
    throw new UsageError('exactly one input JSON file is required');
  }
  return opts.positional[0];
}

async function readJson(file) {
  return JSON.parse(await readFile(file, 'utf8'));
}

// ----------------------------------------------------------- document loader

async function loadContextFolders(dirs) {
  const contexts = new Map();
  for(const dir of dirs) {
    const mapFile = path.join(dir, 'contexts.map.json');
    const map = await readJson(mapFile);
    for(const [url, file] of Object.entries(map)) {
      if(typeof file !== 'string' || file.includes('/') ||
        file.includes('\\')) {
        throw new UsageError(`${mapFile}: bad file name for ${url}`);
      }
      const document = await readJson(path.join(dir, file));
      contexts.set(url, document);
    }
  }
  return contexts;
}

function makeDidResolver() {
  const didKeyDriver = didKeyDriverFactory();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from
  });
  // P-256 (0x1200) and P-384 (0x1201) public keys
  didKeyDriver.use({
    multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from
  });
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from
  });
  const resolver = new CachedResolver();
  resolver.use(didKeyDriver);
  return resolver;
}

export async function makeDocumentLoader(dirs) {
  const contexts = await loadContextFolders(dirs);
  const resolver = makeDidResolver();
  return async function documentLoader(url) {
    if(contexts.has(url)) {
      // hand out a copy: callers may not mutate our cached documents
      return {
        contextUrl: null,
        documentUrl: url,
        document: structuredClone(contexts.get(url))
      };
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      const document = await resolver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(
      `document loader: unknown URL ${JSON.stringify(url)} ` +
      '(offline: only the given context folders and did:key are known)');
  };
}

// ----------------------------------------------------------------- keys

async function importKey(keyFile) {
  const data = await readJson(keyFile);
  if(data.type !== 'Multikey' || typeof data.publicKeyMultibase !== 'string') {
    throw new UsageError(`${keyFile}: not a Multikey key file`);
  }
  const mb = data.publicKeyMultibase;
  if(mb.startsWith('z6Mk')) {
    return Ed25519Multikey.from(data);
  }
  if(mb.startsWith('zDna') || mb.startsWith('z82L')) {
    return EcdsaMultikey.from(data);
  }
  throw new UsageError(`${keyFile}: unsupported key type ${mb.slice(0, 4)}`);
}

async function genkey(opts) {
  const type = need(opts, 'type');
  const out = need(opts, 'out');
  let keyPair;
  let exportOptions = {publicKey: true, secretKey: true};
  if(type === 'ed25519') {
    keyPair = await Ed25519Multikey.generate();
    // 32-byte seed, as the Multikey spec (and skillspas) expects
    exportOptions = {...exportOptions, canonicalize: true};
  } else if(type === 'p256') {
    keyPair = await EcdsaMultikey.generate({curve: 'P-256'});
  } else {
    throw new UsageError('--type must be ed25519 or p256');
  }
  const exported = await keyPair.export(exportOptions);
  const controller = `did:key:${exported.publicKeyMultibase}`;
  const keyFile = {
    type: 'Multikey',
    id: `${controller}#${exported.publicKeyMultibase}`,
    controller,
    publicKeyMultibase: exported.publicKeyMultibase,
    secretKeyMultibase: exported.secretKeyMultibase
  };
  await writeFile(out, JSON.stringify(keyFile, null, 2) + '\n',
    {mode: 0o600});
  process.stdout.write(JSON.stringify({
    id: keyFile.id, controller, publicKeyMultibase: keyFile.publicKeyMultibase
  }) + '\n');
}

// ----------------------------------------------------------- sign / verify

function suiteFor(name, keyPair) {
  const entry = SUITES[name];
  if(!entry) {
    throw new UsageError(`--suite must be one of ${Object.keys(SUITES)}`);
  }
  const options = {cryptosuite: entry.cryptosuite};
  if(keyPair) {
    options.signer = keyPair.signer();
  }
  return new DataIntegrityProof(options);
}

async function signCredential({credential, keyPair, suiteName,
  documentLoader}) {
  credential = structuredClone(credential);
  if(credential.issuer === undefined) {
    credential.issuer = keyPair.controller;
  }
  const suite = suiteFor(suiteName, keyPair);
  return vc.issue({credential, suite, documentLoader});
}

function verifierSuites() {
  return Object.keys(SUITES).map(name => suiteFor(name));
}

function describeError(error) {
  if(!error) {
    return null;
  }
  const messages = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    if(Array.isArray(e.errors) && e.errors.length > 0) {
      e.errors.forEach(walk);
      return;
    }
    let message = e.message || String(e);
    const cause = e.details?.cause;
    if(cause?.message && !message.includes(cause.message)) {
      message += ` (cause: ${cause.message})`;
    }
    messages.push(message);
  };
  walk(error);
  return [...new Set(messages)].join('; ') || String(error);
}

async function verifyCredential({credential, documentLoader,
  purpose = 'credential'}) {
  const options = {credential, suite: verifierSuites(), documentLoader};
  if(purpose === 'assertion') {
    options.purpose = new AssertionProofPurpose();
  } else if(purpose !== 'credential') {
    throw new UsageError('--purpose must be credential or assertion');
  }
  const result = await vc.verifyCredential(options);
  let error = null;
  if(!result.verified) {
    error = describeError(result.error) ||
      describeError((result.results || []).map(r => r.error)) ||
      'not verified';
  }
  return {verified: !!result.verified, error};
}

async function sign(opts) {
  const keyPair = await importKey(need(opts, 'key'));
  const documentLoader = await makeDocumentLoader(need(opts, 'contexts'));
  const credential = await readJson(inputFile(opts));
  const signed = await signCredential({
    credential, keyPair, suiteName: need(opts, 'suite'), documentLoader
  });
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
}

// A DID authentication as a VC-API wallet (the DCC Learner Credential Wallet) makes it: an empty
// presentation by the holder, signed for authentication over the exchange's challenge and domain.
async function didauth(opts) {
  const keyPair = await importKey(need(opts, 'key'));
  const documentLoader = await makeDocumentLoader(need(opts, 'contexts'));
  const presentation = vc.createPresentation({holder: keyPair.controller});
  const signed = await vc.signPresentation({
    presentation, suite: suiteFor(need(opts, 'suite'), keyPair),
    challenge: need(opts, 'challenge'), domain: need(opts, 'domain'), documentLoader
  });
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
}

async function verify(opts) {
  const documentLoader = await makeDocumentLoader(need(opts, 'contexts'));
  const credential = await readJson(inputFile(opts));
  const result = await verifyCredential({
    credential, documentLoader, purpose: opts.purpose
  });
  process.stdout.write(JSON.stringify(result) + '\n');
  return result.verified ? 0 : 1;
}

// ----------------------------------------------------------------- bench

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function elapsedMs(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function bench(opts) {
  const keyPair = await importKey(need(opts, 'key'));
  const documentLoader = await makeDocumentLoader(need(opts, 'contexts'));
  const credential = await readJson(inputFile(opts));
  const suiteName = need(opts, 'suite');
  const n = Number.parseInt(opts.n ?? '20', 10);
  const warmup = Number.parseInt(opts.warmup ?? String(Math.max(3, n >> 2)),
    10);
  if(!(n > 0) || !(warmup >= 0)) {
    throw new UsageError('--n must be > 0 and --warmup >= 0');
  }

  let signed;
  for(let i = 0; i < warmup; i++) {
    signed = await signCredential({credential, keyPair, suiteName,
      documentLoader});
    const r = await verifyCredential({credential: signed, documentLoader});
    if(!r.verified) {
      throw new Error(`bench: own credential did not verify: ${r.error}`);
    }
  }
  const signTimes = [];
  for(let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    signed = await signCredential({credential, keyPair, suiteName,
      documentLoader});
    signTimes.push(elapsedMs(start));
  }
  const verifyTimes = [];
  for(let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const r = await verifyCredential({credential: signed, documentLoader});
    verifyTimes.push(elapsedMs(start));
    if(!r.verified) {
      throw new Error(`bench: own credential did not verify: ${r.error}`);
    }
  }
  // --presentation K: a presentation (no holder proof) of K copies of the
  // credential, verified as vc.verifyPresentation does (each credential).
  let presentationMs = null;
  const copies = Number.parseInt(opts.presentation ?? '0', 10);
  if(copies > 0) {
    const presentation = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      verifiableCredential: Array(copies).fill(signed)
    };
    const times = [];
    for(let i = 0; i < Math.max(3, n >> 3) + 2; i++) {
      const start = process.hrtime.bigint();
      const r = await vc.verify({presentation,
        unsignedPresentation: true, suite: verifierSuites(), documentLoader});
      if(i >= 2) {
        times.push(elapsedMs(start));
      }
      if(!r.verified) {
        throw new Error('bench: own presentation did not verify');
      }
    }
    presentationMs = median(times);
  }
  process.stdout.write(JSON.stringify({
    suite: suiteName,
    n,
    warmup,
    sign_ms_median: median(signTimes),
    verify_ms_median: median(verifyTimes),
    presentation_verify_ms_median: presentationMs,
    node: process.version
  }) + '\n');
}

// ------------------------------------------------------------------ main

const USAGE = `usage:
  interop.mjs sign --key KEYFILE --suite eddsa-rdfc-2022|ecdsa-rdfc-2019 --contexts DIR [--contexts DIR2] IN.json
  interop.mjs genkey --type ed25519|p256 --out KEYFILE
  interop.mjs verify --contexts DIR [--contexts DIR2] [--purpose credential|assertion] IN.json
  interop.mjs didauth --key KEYFILE --suite S --contexts DIR --challenge C --domain D
  interop.mjs bench --contexts DIR --key KEYFILE --suite S --n N [--warmup W] IN.json`;

async function main(argv) {
  const {command, opts} = parseArgs(argv);
  switch(command) {
    case 'sign':
      await sign(opts);
      return 0;
    case 'genkey':
      await genkey(opts);
      return 0;
    case 'verify':
      return verify(opts);
    case 'didauth':
      await didauth(opts);
      return 0;
    case 'bench':
      await bench(opts);
      return 0;
    default:
      throw new UsageError(command ? `unknown command ${command}` :
        'no command given');
  }
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, error => {
  if(error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
  } else {
    process.stderr.write(`interop.mjs: ${error.stack || error}\n`);
  }
  process.exitCode = 2;
});
