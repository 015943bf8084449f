import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./src/polyfill.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // one file at a time: several tests hold a mesh to a time bound (an advert in every
    // view within 1 s, a killed daemon gone within 2 s), and two files' meshes on two
    // cores starve each other's event loops into missing them
    fileParallelism: false
  }
})
