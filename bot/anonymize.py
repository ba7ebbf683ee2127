"""The anonymising edge: a chat address becomes a pseudonym and an encrypted reply address.

Only these two leave bot/. The pseudonym is stable per chat (HMAC-SHA256 with SESSION_SECRET)
and cannot be turned back into the chat id; the reply address can be, but only by a process
holding REPLY_KEY, and only to answer the same chat.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class Anonymizer:
    def __init__(self, session_secret: bytes, reply_key: bytes) -> None:
        self._session_secret = session_secret
        self._fernet = Fernet(reply_key)

    def pseudonym(self, channel: str, address: str | int) -> str:
        message = f"{channel}:{address}".encode()
        return hmac.new(self._session_secret, message, hashlib.sha256).hexdigest()[:32]

    def seal(self, address: str | int) -> str:
        return self._fernet.encrypt(str(address).encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            raise ValueError("reply address cannot be opened with this REPLY_KEY") from error
