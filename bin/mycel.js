#!/usr/bin/env node
// The `mycel` command: runs the compiled CLI (built by `npm install` / `npm run build`).
try {
  await import('../dist/cli/main.js')
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('mycel: not built yet; run `npm install` (or `npm run build`) first\n')
    process.exit(1)
  }

  throw err
}
