/**
 * What this machine has: cores, load, memory, disk under the data directory,
 * and GPUs where `nvidia-smi` answers. Read from the operating system.
 */
import { execFile } from 'node:child_process'
import { statfs } from 'node:fs/promises'
import os from 'node:os'
import type { Cpu, Disk, Gpu, Memory } from './pb/advert.js'

export interface Resources {
  cpu: Cpu
  memory: Memory
  disk: Disk
  gpu?: Gpu
}

/** How long `nvidia-smi` may take before the machine is taken to have no GPU. */
const GPU_QUERY_TIMEOUT = 3_000 // ms

/** Samples cores, load, memory and the disk that holds `path`. */
export async function sampleResources(path: string, gpu?: Gpu): Promise<Resources> {
  return {
    cpu: { ...processor(), load1: os.loadavg()[0] ?? 0 },
    memory: { total: os.totalmem(), free: os.freemem() },
    disk: await sampleDisk(path),
    ...(gpu === undefined ? {} : { gpu })
  }
}

let cpuInfo: { cores: number; model: string } | undefined

/** Cores and model, read once: `os.cpus()` is slow and they do not change. */
export function processor(): { cores: number; model: string } {
  cpuInfo ??= {
    cores: os.availableParallelism(),
    model: os.cpus()[0]?.model.trim() ?? 'unknown'
  }

  return cpuInfo
}

async function sampleDisk(path: string): Promise<Disk> {
  try {
    const stats = await statfs(path)

    return { capacity: stats.blocks * stats.bsize, free: stats.bavail * stats.bsize }
  } catch {
    // a path that cannot be read has no disk to offer
    return { capacity: 0, free: 0 }
  }
}

/**
 * Asks `nvidia-smi` for the GPUs; `undefined` when it is missing, fails or
 * finds none. Asked once at start: GPUs do not come and go.
 */
export function detectGpu(): Promise<Gpu | undefined> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=name', '--format=csv,noheader'],
      { timeout: GPU_QUERY_TIMEOUT },
      (err, stdout) => {
        const names =
          err === null
            ? stdout
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean)
            : []

        resolve(names.length === 0 ? undefined : { count: names.length, model: names[0] as string })
      }
    )
  })
}
