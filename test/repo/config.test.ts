import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, parseConfig } from '../../src/repo/config.js'

describe('the config file', () => {
  it('fills in what it leaves out', () => {
    expect(parseConfig({})).toEqual(DEFAULT_CONFIG)
    expect(parseConfig({ mesh: 'lab', mdns: false })).toMatchObject({ mesh: 'lab', mdns: false })
  })

  it('names the field that is wrong', () => {
    expect(() => parseConfig([])).toThrow(/JSON object/)
    expect(() => parseConfig({ listen: 'x' })).toThrow(/listen to be a list/)
    expect(() => parseConfig({ listen: ['nope'] })).toThrow(/listen to hold multiaddrs, got "nope"/)
    expect(() => parseConfig({ bootstrap: ['/ip4/1.2.3.4/tcp/1'] })).toThrow(/\/p2p\/<peer id>/)
    expect(() => parseConfig({ apiListen: 'localhost' })).toThrow(/apiListen to be host:port/)
    expect(() => parseConfig({ apiListen: 'h:70000' })).toThrow(/host:port/)
    expect(() => parseConfig({ targetConnections: 1.5 })).toThrow(/integer >= 0, got 1.5/)
    expect(() => parseConfig({ mdns: 'yes' })).toThrow(/mdns to be true or false/)
  })
})
