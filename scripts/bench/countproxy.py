#!/usr/bin/env python3
"""A TCP proxy that counts every byte it forwards, for wire-byte benchmarks.

    countproxy.py LISTEN_PORT TARGET_HOST TARGET_PORT COUNT_FILE

Listens on 127.0.0.1:LISTEN_PORT, forwards each connection to TARGET, and rewrites COUNT_FILE
(one line: "<bytes client->target> <bytes target->client>") every 200 ms and at exit (SIGTERM).
It measures what a WAN would carry: payload, protocol framing and TLS records (not TCP/IP headers).
"""
import asyncio
import signal
import sys

up = 0
down = 0


async def pipe(reader, writer, direction):
    global up, down
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if direction == "up":
                up += len(data)
            else:
                down += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer, host, port):
    try:
        target_reader, target_writer = await asyncio.open_connection(host, port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, target_writer, "up"), pipe(target_reader, client_writer, "down"))


def write_counts(path):
    with open(path + ".tmp", "w") as f:
        f.write(f"{up} {down}\n")
    import os
    os.replace(path + ".tmp", path)


async def main():
    listen_port, host, port, count_file = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    server = await asyncio.start_server(lambda r, w: handle(r, w, host, port), "127.0.0.1", listen_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with server:
        while not stop.is_set():
            write_counts(count_file)
            try:
                await asyncio.wait_for(stop.wait(), 0.2)
            except asyncio.TimeoutError:
                pass
    write_counts(count_file)


asyncio.run(main())
