/**
 * The `mycel` command.
 */
import '../polyfill.js'
import { Command, CommanderError } from 'commander'
import { VERSION } from '../version.js'
import { daemonCommand } from './commands/daemon.js'
import { dashboardCommand } from './commands/dashboard.js'
import { initCommand } from './commands/init.js'
import { objectCommands } from './commands/objects.js'
import { queryCommands } from './commands/query.js'
import { runCommand } from './commands/run.js'
import { taskCommands } from './commands/tasks.js'
import { describeError, EXIT_FAILURE, exitCodeOf } from './exit.js'
import { note } from './output.js'

function buildProgram(): Command {
  const program = new Command('mycel')
    .description('a peer-to-peer compute mesh: machines join one private mesh and share work')
    .version(VERSION)
    .option('--data-dir <dir>', 'data directory (default: $MYCEL_DATA_DIR or ~/.mycel)')
    .showSuggestionAfterError()
    .exitOverride()

  initCommand(program)
  daemonCommand(program)
  queryCommands(program)
  dashboardCommand(program)
  objectCommands(program)
  runCommand(program)
  taskCommands(program)

  for (const command of program.commands) {
    command.exitOverride()
  }

  return program
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv)
  } catch (err) {
    // commander has already printed its own usage errors
    if (!(err instanceof CommanderError)) {
      note(describeError(err))
    }

    process.exitCode = exitCodeOf(err)
  }
}

process.on('unhandledRejection', (err) => {
  note(describeError(err))
  process.exitCode = EXIT_FAILURE
})

await main(process.argv)
