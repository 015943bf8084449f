/**
 * What the hostile peer can be told to do. Each command takes JSON
 * arguments and answers JSON; bytes travel as base64 both ways, so the
 * test builds every message with the real codecs and reads every answer.
 */
import type { Command } from './context.js'
import { memberAttacks } from './members.js'
import { requestAttacks } from './requests.js'
import { streamAttacks } from './streams.js'

export type { Command, Context } from './context.js'

export const commands: Record<string, Command> = {
  ...streamAttacks,
  ...requestAttacks,
  ...memberAttacks
}
