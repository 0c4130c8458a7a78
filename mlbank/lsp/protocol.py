"""The wire: pygls's protocol, plus an error response for a request whose params it cannot read.

pygls reads each message into its lsprotocol type while decoding the JSON; a request whose params
do not fit (a number where a document should be) fails there, before the request is known, and
pygls only logs it and shows the user "Error in server": the client would wait forever for an
answer. Here such a request gets the JSON-RPC error response it is owed (InvalidParams, with the
method named), and the message goes no further.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol


class _Answered:
    """Stands in for a request already answered with an error: handle_message drops it."""


ANSWERED = _Answered()


class MlbankProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method, msg_id = data.get("method"), data.get("id")
            if not isinstance(method, str) or not isinstance(msg_id, (int, str)) or isinstance(msg_id, bool):
                raise  # a notification or a response: nobody waits for an answer
            error = types.ResponseError(
                code=exc.code, message=f"{exc.message}: cannot read the params of {method}"
            )
            self._send_response(msg_id, error=error)
            return ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is not ANSWERED:
            super().handle_message(message)
