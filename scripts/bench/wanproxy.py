#!/usr/bin/env python3
"""A TCP proxy standing for a wide-area link: it counts every byte it forwards, and can hold each
chunk for a fixed one-way delay, for wire-byte and round-trip benchmarks.

    wanproxy.py LISTEN_PORT TARGET_HOST TARGET_PORT COUNT_FILE [ONE_WAY_DELAY_MS]

Listens on 127.0.0.1:LISTEN_PORT, forwards each connection to TARGET, and rewrites COUNT_FILE
(one line: "<bytes client->target> <bytes target->client>") every 200 ms and at exit (SIGTERM).
It measures what a WAN would carry: payload, protocol framing and TLS records (not TCP/IP headers).
With ONE_WAY_DELAY_MS, each chunk read from one side is written to the other that long after it was
read, in order, in both directions: a round trip through the proxy takes twice the delay, as over a
link with that propagation delay (`tc netem`, which would do this in the kernel, is not available
here). Bandwidth is not limited (the thin-link benchmarks use `tc tbf` for that).
"""
import asyncio
import signal
import sys

up = 0
down = 0


def count(direction, n):
    global up, down
    if direction == "up":
        up += n
    else:
        down += n


async def pipe(reader, writer, direction, delay):
    loop = asyncio.get_running_loop()
    held = asyncio.Queue()  # (due time, chunk or None at the end), in the order read

    async def send_when_due():
        while True:
            due, data = await held.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send_when_due()) if delay else None
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            count(direction, len(data))
            if sender:
                held.put_nowait((loop.time() + delay, data))
            else:
                writer.write(data)
                await writer.drain()
        if sender:
            held.put_nowait((loop.time() + delay, None))
            await sender
    except (ConnectionError, OSError):
        pass
    finally:
        if sender:
            sender.cancel()
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer, host, port, delay):
    try:
        target_reader, target_writer = await asyncio.open_connection(host, port)
    except OSError:
        client_writer.close()
        return
    try:
        await asyncio.gather(pipe(client_reader, target_writer, "up", delay), pipe(target_reader, client_writer, "down", delay))
    except asyncio.CancelledError:
        pass  # the proxy stops (SIGTERM) with connections open


def write_counts(path):
    with open(path + ".tmp", "w") as f:
        f.write(f"{up} {down}\n")
    import os
    os.replace(path + ".tmp", path)


async def main():
    listen_port, host, port, count_file = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    delay = float(sys.argv[5]) / 1000 if len(sys.argv) > 5 else 0.0
    server = await asyncio.start_server(lambda r, w: handle(r, w, host, port, delay), "127.0.0.1", listen_port)
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
