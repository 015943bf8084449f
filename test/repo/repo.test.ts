import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Repo, resolveDataDir } from '../../src/repo/repo.js'

describe('the data directory', () => {
  let dir: string

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'mycel-repo-')), 'node')
  })

  afterEach(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true })
  })

  it('keeps the key, the swarm key and the config, secrets readable only by the owner', async () => {
    const created = await Repo.init(dir, { config: { mesh: 'lab' } })
    const opened = await Repo.open(dir)

    expect(opened.privateKey.equals(created.privateKey)).toBe(true)
    expect(Buffer.from(opened.swarmKey).equals(created.swarmKey)).toBe(true)
    expect(opened.config.mesh).toBe('lab')
    expect((await stat(join(dir, 'node.key'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'swarm.key'))).mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect(await readFile(join(dir, 'swarm.key'), 'utf8')).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\//)
  })

  it("makes key files that others could read its owner's alone again when it opens them", async () => {
    await Repo.init(dir)
    await chmod(join(dir, 'node.key'), 0o644)
    await chmod(join(dir, 'swarm.key'), 0o660)

    await Repo.open(dir)

    expect((await stat(join(dir, 'node.key'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'swarm.key'))).mode & 0o777).toBe(0o600)
  })

  it('refuses to initialise twice', async () => {
    await Repo.init(dir)

    await expect(Repo.init(dir)).rejects.toMatchObject({ name: 'AlreadyInitializedError' })
  })

  it('says what is wrong with a damaged directory', async () => {
    await expect(Repo.open(dir)).rejects.toThrow(/holds no mycel node/)

    await Repo.init(dir)
    await writeFile(join(dir, 'config.json'), '{"mesh": "Not OK"}')
    await expect(Repo.open(dir)).rejects.toMatchObject({
      name: 'DataDirError',
      message: expect.stringMatching(/config\.json: expected a mesh name/)
    })

    await writeFile(join(dir, 'config.json'), '{')
    await expect(Repo.open(dir)).rejects.toThrow(/not valid JSON/)

    await writeFile(join(dir, 'config.json'), '{}')
    await rm(join(dir, 'swarm.key'))
    await expect(Repo.open(dir)).rejects.toThrow(/swarm\.key is missing/)
  })

  it('saves a changed config', async () => {
    const repo = await Repo.init(dir)
    await repo.saveConfig({ ...repo.config, targetConnections: 3 })

    expect((await Repo.open(dir)).config.targetConnections).toBe(3)
    await expect(repo.saveConfig({ ...repo.config, targetConnections: -1 })).rejects.toThrow(
      /integer >= 0/
    )
  })

  it('is found from the flag, then the environment, then the home directory', () => {
    expect(resolveDataDir('/a', { MYCEL_DATA_DIR: '/b' })).toBe('/a')
    expect(resolveDataDir(undefined, { MYCEL_DATA_DIR: '/b' })).toBe('/b')
    expect(resolveDataDir(undefined, {})).toMatch(/\.mycel$/)
  })
})
