"""A small authoritative DNS server on 127.0.0.1 for tests: answers the records it is given, NXDOMAIN for names it
does not know, and nothing at all for `silent` names (a resolver then times out). Built on dnspython's message
parser (the library the app resolves with), on a UDP socket served by a thread."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DnsServer:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list[str]] = {}
        self.silent: set[str] = set()
        self.queries: list[tuple[str, str]] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def add(self, name: str, kind: str, *values: str) -> None:
        """Records of `kind` at `name` (TXT values unquoted)."""
        self.records.setdefault((name.lower(), kind), []).extend(values)

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags |= 0x0400  # AA: an authoritative answer
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        kind = dns.rdatatype.to_text(question.rdtype)
        self.queries.append((name, kind))
        if not any(known == name for known, _ in self.records):
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        values = self.records.get((name, kind), [])
        if values:
            texts = [f'"{value}"' for value in values] if kind == "TXT" else values
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", kind, *texts))
        return response

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, client = self._sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            name = query.question[0].name.to_text(omit_final_dot=True).lower()
            if name in self.silent:
                continue
            self._sock.sendto(self._answer(query).to_wire(), client)

    @contextmanager
    def running(self) -> Iterator[DnsServer]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
            self._sock.close()
