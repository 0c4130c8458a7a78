"""`mlbank lsp`: a Language Server Protocol server over stdio (pygls), linting as the author types.

    state.py        one bank the server holds: its Session, its lock, the open buffers
    server.py       the pygls server: finding the banks, the document handlers, build_server()
    linter.py       the one thread that re-lints changed documents, newest text first, and publishes
    diagnostics.py  findings -> LSP diagnostics (ranges, severities, links to the rules)
    formatting.py   textDocument/formatting through mlbank's formatter
    symbols.py      workspace/symbol: question ids and titles
    features/       hover, definition, references, completion, code actions (registered by server.py)

pygls is imported only here, so `mlbank lint` never pays for it.
"""
