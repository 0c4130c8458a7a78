"""`mlbank lsp`: a Language Server Protocol server over stdio (pygls), linting as the author types.

    server.py       the pygls server: the banks of the workspace folders, the handlers, build_server()
    protocol.py     the wire: a request pygls cannot read still gets its error response
    state.py        one bank the server holds: its Session, its lock, the open buffers
    linter.py       the one thread that lints changed documents, newest text only, and publishes;
                    claim verdicts follow from a waiter thread
    diagnostics.py  findings -> LSP diagnostics (ranges, severities, links to the rules)
    formatting.py   textDocument/formatting through mlbank's formatter
    features/       hover, definition, references, completion, code actions, workspace symbols
                    (registered by server.py)

pygls is imported only here, so `mlbank lint` never pays for it.
"""
