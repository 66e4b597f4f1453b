"""The SMTP sink of `make bench-tx`: takes everything, notes when each tx message arrived.

    python bench/tx_sink.py <port> <log file>

A small asyncio SMTP server (EHLO with PIPELINING and 8BITMIME, MAIL, RCPT,
DATA, RSET, NOOP, QUIT), lean enough not to be what is measured, as Postfix's
smtp-sink is for `make bench-send`; smtp-sink cannot say when a given message
arrived. Each message with an `X-Tag: bench-<n>` header (the transactional
ones) is written to the log as "<n> <unix time>" the moment it is accepted.
On stdin's end it prints how many messages it took and exits.
"""

import asyncio
import re
import sys
import threading
import time
from pathlib import Path

TAG = re.compile(rb"^X-Tag: bench-(\d+)\r?$", re.MULTILINE)


class Sink:
    def __init__(self, log: Path) -> None:
        self.log = log.open("a", buffering=1)
        self.count = 0

    async def session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 0\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    data = await reader.readuntil(b"\r\n.\r\n")
                    self.count += 1
                    match = TAG.search(data, 0, 4000)
                    if match:
                        self.log.write(f"{match.group(1).decode()} {time.time():.6f}\n")
                    writer.write(b"250 2.0.0 Ok: queued\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    break
                else:  # MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 2.0.0 Ok\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()


async def serve(sink: Sink, port: int, stop: asyncio.Event) -> None:
    server = await asyncio.start_server(sink.session, "127.0.0.1", port, limit=2**24)
    print("ready", flush=True)
    async with server:
        await stop.wait()


def main() -> None:
    port, log = int(sys.argv[1]), Path(sys.argv[2])
    sink = Sink(log)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def wait_stdin() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_stdin, daemon=True).start()
    loop.run_until_complete(serve(sink, port, stop))
    print(sink.count, flush=True)


if __name__ == "__main__":
    main()
