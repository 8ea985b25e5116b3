import ArgumentParser
import Foundation
import NotebookKit

// Usage errors exit with 2 (docs/format.md §1), not ArgumentParser's default 64.
do {
    var command = try NotebookCommand.parseAsRoot()
    try command.run()
} catch {
    let code = NotebookCommand.exitCode(for: error)
    if code == .success {
        print(NotebookCommand.fullMessage(for: error))
        exit(0)
    }
    if error is ExitCode {
        exit(code.rawValue)
    }
    let message = NotebookCommand.fullMessage(for: error)
    // The message may repeat an argument; its control characters must not reach the terminal.
    if !message.isEmpty { FileHandle.standardError.write(Data((TerminalText.escaped(message) + "\n").utf8)) }
    exit(code == .validationFailure ? 2 : code.rawValue)
}
