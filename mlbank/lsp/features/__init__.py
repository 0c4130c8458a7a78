"""The editor features over a bank: hover, go to definition, find references, completion, code
actions (issue 16, items 2-5) and workspace symbols. `register` adds their handlers to the server;
each handler runs in pygls's thread pool, because it may take a while (the first request builds the
bank index; hover waits a little for the bank's lock, which a lint holds), and the event loop must
keep taking the editor's keystrokes meanwhile.

Modules: index (which ids are declared and used where), locate (what is under the cursor), context
(what the handlers share), hover, navigate (definition, references), completion, actions,
symbols (workspace/symbol).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from mlbank.lsp.features import actions, completion, hover, navigate, symbols
from mlbank.lsp.features.context import Features

if TYPE_CHECKING:
    from mlbank.lsp.server import MlbankServer


def register(server: MlbankServer) -> None:
    features = Features(server)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @server.thread()
    def on_hover(ls: MlbankServer, params: types.HoverParams) -> types.Hover | None:
        return hover.hover(features, params)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @server.thread()
    def on_definition(ls: MlbankServer, params: types.DefinitionParams) -> list[types.Location] | None:
        return navigate.definition(features, params)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @server.thread()
    def on_references(ls: MlbankServer, params: types.ReferenceParams) -> list[types.Location] | None:
        return navigate.references(features, params)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        # `[`, `,` and a space start a list item or a value; `-` a block list item
        types.CompletionOptions(trigger_characters=["[", ",", " ", "-"]),
    )
    @server.thread()
    def on_completion(ls: MlbankServer, params: types.CompletionParams) -> types.CompletionList | None:
        return completion.completion(features, params)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @server.thread()
    def on_code_action(ls: MlbankServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return actions.code_actions(features, params)

    @server.feature(types.WORKSPACE_SYMBOL)
    @server.thread()
    def on_workspace_symbol(
        ls: MlbankServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        return symbols.workspace_symbols(features, params)
