#!/usr/bin/env python3
"""Turns the scenario outputs of scripts/bench/run.sh into results.json, SVG charts and the generated
section of docs/benchmarks.md.

    report.py OUT_DIR [--docs DOCS_DIR]
"""
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

BEGIN, END = "<!-- run.sh report: begin -->", "<!-- run.sh report: end -->"


def tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def cmd_out(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=20).stdout.strip() or \
            subprocess.run(args, capture_output=True, text=True, timeout=20).stderr.strip()
    except Exception:  # noqa: BLE001 - a missing tool just leaves the field empty
        return ""


def machine():
    mem = ""
    if os.path.exists("/proc/meminfo"):
        m = re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read())
        mem = f"{int(m.group(1)) // 1024 // 1024} GiB" if m else ""
    cpu = ""
    if os.path.exists("/proc/cpuinfo"):
        m = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
        cpu = m.group(1) if m else ""
    return {"cores": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release(),
            "java": cmd_out("java", "-version").splitlines()[0] if cmd_out("java", "-version") else "",
            "mariadb": cmd_out("mariadbd", "--version") or cmd_out("/usr/sbin/mariadbd", "--version"),
            "sysbench": cmd_out("sysbench", "--version"),
            # the agents' JVM settings, as the run's environment gave them (the packaged units set both)
            "agent_jvm": " ".join(f"{k}={os.environ[k]}" for k in ("JAVA_OPTS", "MALLOC_ARENA_MAX") if os.environ.get(k))
            or "the JVM's defaults (not the packaged units' settings)"}


def extraction(out):
    passes = []
    path = os.path.join(out, "extract.log")
    if not os.path.exists(path):
        return None
    current = {}
    for line in open(path):
        kv = dict(re.findall(r"(\w+)=([^\s]+)", line))
        if "mode" in kv:
            current = {"mode": kv["mode"], "row_changes": int(kv["row_changes"]), "seconds": float(kv["seconds"])}
        elif "row_changes_per_s" in kv and current:
            current.update({"row_changes_per_s": float(kv["row_changes_per_s"]), "spool_ratio": float(kv["spool_ratio"])})
            passes.append(current)
            current = {}
    by_mode = {}
    for mode in sorted({p["mode"] for p in passes}):
        ps = [p for p in passes if p["mode"] == mode]
        by_mode[mode] = {"row_changes_per_s": spread([p["row_changes_per_s"] for p in ps]),
                         "spool_ratio": spread([p["spool_ratio"] for p in ps])}
    return {"passes": passes, "by_mode": by_mode}


def lag_series(path):
    rows = [r for r in csv.DictReader(open(path)) if r["primary_seq"] and r["applied_seq"]]
    t = [float(r["t"]) for r in rows]
    p = [int(r["primary_seq"]) for r in rows]
    a = [int(r["applied_seq"]) for r in rows]
    down = [int(r.get("link_down_bytes") or 0) for r in rows]

    def committed_at(seq):
        for ti, pi in zip(t, p):
            if pi >= seq:
                return ti
        return t[-1]
    lag = [0.0 if ai >= pi else max(0.0, ti - committed_at(ai + 1)) for ti, pi, ai in zip(t, p, a)]
    rate = [0.0] + [(down[i] - down[i - 1]) * 8 / max(1e-3, t[i] - t[i - 1]) for i in range(1, len(t))]
    return t, lag, rate


def svg_chart(path, title, ylabel, series):
    """series: [(name, colour, xs, ys)] -> a plain SVG line chart."""
    w, h, ml, mr, mt, mb = 760, 360, 70, 20, 40, 50
    xs = [x for _, _, sx, _ in series for x in sx] or [0, 1]
    ys = [y for _, _, _, sy in series for y in sy] or [0, 1]
    x0, x1 = 0, max(xs) or 1
    y0, y1 = 0, (max(ys) or 1) * 1.1
    sx = lambda x: ml + (x - x0) / (x1 - x0) * (w - ml - mr)
    sy = lambda y: h - mb - (y - y0) / (y1 - y0) * (h - mt - mb)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
             f'<line x1="{ml}" y1="{h - mb}" x2="{w - mr}" y2="{h - mb}" stroke="black"/>',
             f'<line x1="{ml}" y1="{mt}" x2="{ml}" y2="{h - mb}" stroke="black"/>',
             f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">seconds since the workload started</text>',
             f'<text x="16" y="{h / 2}" text-anchor="middle" transform="rotate(-90 16 {h / 2})">{ylabel}</text>']
    for i in range(6):
        yv = y0 + (y1 - y0) * i / 5
        parts.append(f'<text x="{ml - 6}" y="{sy(yv) + 4}" text-anchor="end">{yv:.3g}</text>')
        parts.append(f'<line x1="{ml}" y1="{sy(yv)}" x2="{w - mr}" y2="{sy(yv)}" stroke="#ddd"/>')
        xv = x0 + (x1 - x0) * i / 5
        parts.append(f'<text x="{sx(xv)}" y="{h - mb + 16}" text-anchor="middle">{xv:.0f}</text>')
    for k, (name, colour, xs_, ys_) in enumerate(series):
        pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs_, ys_))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{pts}"/>')
        parts.append(f'<rect x="{ml + 10}" y="{mt + 6 + k * 18}" width="12" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{ml + 28}" y="{mt + 11 + k * 18}">{name}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


# run.sh's scenarios, in the order it runs them (DIR/NAME.cmd, .failed, .skipped)
SCENARIOS = ["extraction", "bandwidth", "catchup", "resumption", "latency", "cost", "thinlink", "resumethin"]


def main():
    out = sys.argv[1]
    docs = sys.argv[sys.argv.index("--docs") + 1] if "--docs" in sys.argv else None
    mode = open(os.path.join(out, "mode")).read().strip() if os.path.exists(os.path.join(out, "mode")) else "?"
    commands = {}
    for name in SCENARIOS:
        p = os.path.join(out, name + ".cmd")
        if os.path.exists(p):
            commands[name] = open(p).read().strip().replace(os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))) + "/", "")
    status = {name: ("failed" if os.path.exists(os.path.join(out, name + ".failed")) else
                     "skipped: " + open(os.path.join(out, name + ".skipped")).read().strip()
                     if os.path.exists(os.path.join(out, name + ".skipped")) else "ran")
              for name in SCENARIOS}

    # one entry per workload and method, in the order first run; each figure a spread over the repeats
    bw_rows = tsv(os.path.join(out, "bandwidth.tsv"))
    bandwidth = []
    for key in dict.fromkeys((r["workload"], r["config"]) for r in bw_rows):
        rows = [r for r in bw_rows if (r["workload"], r["config"]) == key]
        bandwidth.append({"workload": key[0], "config": key[1],
                          "binlog_bytes": spread([num(r["binlog_bytes"]) for r in rows]),
                          "wire_bytes": spread([num(r["wire_bytes"]) for r in rows]),
                          "wire_pct": spread([num(r["wire_pct"]) for r in rows])})
    catch = tsv(os.path.join(out, "catchup.tsv"))
    # standby_flush: the standbys' innodb_flush_log_at_trx_commit (files from before the column: 2)
    catchup = {}
    for flush in sorted({r.get("standby_flush") or "2" for r in catch}):
        rows = [r for r in catch if (r.get("standby_flush") or "2") == flush]
        catchup[flush] = {"backlog_transactions": spread([num(r["transactions"]) for r in rows]),
                          "tx_per_s": {c: spread([num(r["tx_per_s"]) for r in rows if r["consumer"] == c])
                                       for c in sorted({r["consumer"] for r in rows})},
                          # the same runs from the moment each consumer had applied a quarter of the backlog
                          "last_3q_tx_per_s": {c: spread([num(r["last_3q_tx_per_s"]) for r in rows if r["consumer"] == c])
                                               for c in sorted({r["consumer"] for r in rows if r.get("last_3q_tx_per_s")})},
                          # the sink restarted: seconds from its start to its first transaction applied
                          "first_applied_s": {c: spread([num(r["first_applied_s"]) for r in rows if r["consumer"] == c
                                                         and r.get("first_applied_s")])
                                              for c in sorted({r["consumer"] for r in rows if r.get("first_applied_s")})}}
    cost_rows = tsv(os.path.join(out, "cost.tsv"))
    cost = {}
    for key in sorted({(r["scenario"], r["agent"]) for r in cost_rows}):
        rs = [r for r in cost_rows if (r["scenario"], r["agent"]) == key]
        cost[f"{key[0]} / {key[1]}"] = {"cpu_s_per_100k_tx": spread([num(r["cpu_s_per_100k_tx"]) for r in rs]),
                                       "peak_rss_mib": spread([num(r["peak_rss_mib"]) for r in rs])}
    lat = tsv(os.path.join(out, "latency.tsv"))
    latency = [{"method": m, "rate": int(rate), **{k: spread([num(r[k]) for r in lat if (r["method"], r["rate"]) == (m, rate)])
                                                 for k in ["p50_ms", "p99_ms", "max_ms"]}}
               for m, rate in sorted({(r["method"], r["rate"]) for r in lat}, key=lambda k: (int(k[1]), k[0]))]
    st_rows = tsv(os.path.join(out, "latency-stages.tsv"))
    stages = [{"rate": int(rate), "agent": agent, "stage": stage,
               **{k: spread([num(r[k]) for r in st_rows if (r["rate"], r["agent"], r["stage"]) == (rate, agent, stage)
                             and r[k] not in ("", "inf", "None")])
                  for k in ["count", "mean_ms", "p50_ms_at_most", "p99_ms_at_most"]}}
              for rate, agent, stage in sorted({(r["rate"], r["agent"], r["stage"]) for r in st_rows},
                                               key=lambda k: (int(k[0]), STAGE_ORDER.index(k[2]) if k[2] in STAGE_ORDER else 99))]
    sl_rows = tsv(os.path.join(out, "steady-link.tsv"))
    steady_link = [{"rate": int(rate), **{k: spread([num(r[k]) for r in sl_rows if r["rate"] == rate and r.get(k)])
                                         for k in ["achieved_tps", "wire_ratio", "tx_per_batch"]}}
                   for rate in sorted({r["rate"] for r in sl_rows}, key=int)]
    thin = tsv(os.path.join(out, "thinlink.tsv"))
    # one entry per method and rate, over the repeats (files from before the repeat column: one each)
    by_rate = []
    for key in dict.fromkeys((r["method"], r["rate"]) for r in thin):
        rs = [r for r in thin if (r["method"], r["rate"]) == key]
        by_rate.append({"method": key[0], "rate": int(key[1]), "trials": len(rs),
                        "kept_up": sum(r["keeps_up"] == "yes" for r in rs),
                        **{k: spread([num(r[k]) for r in rs])
                           for k in ["achieved_tps", "lag_p50_s", "lag_p99_s", "lag_max_s", "link_down_bps"]}})
    # a rate counts as kept up when every trial of it did
    thinlink = {"trials": thin, "by_rate": by_rate, "highest_rate_kept_up": {}}
    for m in dict.fromkeys(r["method"] for r in by_rate):
        ok = [r["rate"] for r in by_rate if r["method"] == m and r["kept_up"] == r["trials"]]
        thinlink["highest_rate_kept_up"][m] = max(ok) if ok else None

    charts = []
    lag_files = sorted(f for f in os.listdir(out) if re.fullmatch(r"lag-.+-\d+\.csv", f))  # the first repeat's
    rates = sorted({f.rsplit("-", 1)[1][:-4] for f in lag_files}, key=int)
    shared = [r for r in rates if all(os.path.exists(os.path.join(out, f"lag-{m}-{r}.csv")) for m in ("native-compressed", "qrepl"))]
    if shared:
        r = shared[-1] if "800" not in shared else "800"
        series_lag, series_bytes = [], []
        for m, colour in (("native-compressed", "#d62728"), ("qrepl", "#1f77b4")):
            t, lag, bps = lag_series(os.path.join(out, f"lag-{m}-{r}.csv"))
            name = "MariaDB replica, compressed protocol" if m == "native-compressed" else "Qreplicator"
            series_lag.append((name, colour, t, lag))
            series_bytes.append((name, colour, t, [b / 1e6 for b in bps]))
        svg_chart(os.path.join(out, "thinlink-lag.svg"), f"Lag at {r} tx/s over a 2 Mbit/s link (by positions)",
                  "lag (s)", series_lag)
        svg_chart(os.path.join(out, "thinlink-bytes.svg"), f"Link traffic towards the standby at {r} tx/s (veth counters)",
                  "Mbit/s", series_bytes)
        charts = ["thinlink-lag.svg", "thinlink-bytes.svg"]

    # the sink restarted over the thin link (resume-thinlink.sh): its first transaction and its backlog, per repeat
    rt = tsv(os.path.join(out, "resume-thinlink.tsv"))
    resume_thin = {"backlog_transactions": spread([num(r["backlog_transactions"]) for r in rt]),
                   "first_applied_s": spread([num(r["first_applied_s"]) for r in rt]),
                   "backlog_applied_s": spread([num(r["backlog_applied_s"]) for r in rt]),
                   "with_archive": sum(r["cds_archive"] == "yes" for r in rt), "runs": len(rt)} if rt else {}

    fleet = fleet_cost(cost, steady_link)
    results = {"mode": mode, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
               "commands": commands, "status": status,
               "bandwidth": bandwidth, "catchup": catchup,
               "thinlink": thinlink, "resume_thin": resume_thin, "latency": latency, "stages": stages,
               "steady_link": steady_link, "fleet": fleet, "cost": cost, "extraction": extraction(out), "charts": charts}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    md = markdown(results)
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(md)
    print(md)
    if docs:
        target = os.path.join(docs, "bench")
        os.makedirs(target, exist_ok=True)
        shutil.copy(os.path.join(out, "results.json"), os.path.join(target, f"results-{mode}.json"))
        for c in charts:
            shutil.copy(os.path.join(out, c), os.path.join(target, c if mode == "full" else c.replace(".svg", f"-{mode}.svg")))
        page = os.path.join(docs, "benchmarks.md")
        text = open(page).read() if os.path.exists(page) else "# Benchmarks\n"
        section = f"{BEGIN}\n{md}\n{END}"
        if mode != "full":
            print("(quick run: docs/bench/ updated, docs/benchmarks.md left as it is)")
        elif BEGIN in text:
            text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
            open(page, "w").write(text)
        else:
            open(page, "w").write(text.rstrip() + "\n\n" + section + "\n")


STAGE_ORDER = ["source-binlog-to-spool", "source-spool-to-link", "link-round-trip", "sink-receive", "sink-spool-to-commit",
               "sink-spool-to-apply", "sink-apply", "sink-commit"]


def fleet_cost(cost, steady_link, shards=200, rate=5000):
    """Cores and memory for `shards` links at `rate` tx/s each, from the warm cost per 100k transactions at the
    highest steady rate measured (and the agents' peak RSS there): one source and one sink agent per shard."""
    warm = {}
    for k, v in cost.items():
        m = re.fullmatch(r"steady (\d+) tx/s, warm / (source|sink)", k)
        if m and v["cpu_s_per_100k_tx"]:
            warm.setdefault(int(m.group(1)), {})[m.group(2)] = v
    if not warm:
        return None
    # the asked rate that got the most transactions through: on a small machine a higher rate asked of
    # sysbench may achieve less (the primary saturates), and the projection is from what ran
    achieved = {sl["rate"]: sl["achieved_tps"]["median"] for sl in steady_link if sl.get("achieved_tps")}
    at = max(warm, key=lambda k: achieved.get(k, k))
    per = warm[at]
    if set(per) != {"source", "sink"}:
        return None
    out = {"measured_at_tx_s": round(achieved.get(at, at)), "asked_tx_s": at, "shards": shards, "rate_tx_s": rate}
    for agent, v in per.items():
        if not v.get("peak_rss_mib"):
            return None
        cores = v["cpu_s_per_100k_tx"]["median"] / 100000 * rate  # CPU seconds per second
        out[agent] = {"cores_per_agent": round(cores, 2), "cores_fleet": round(cores * shards),
                      "rss_mib_per_agent": v["peak_rss_mib"]["median"],
                      "memory_gib_fleet": round(v["peak_rss_mib"]["median"] * shards / 1024)}
    return out


def fmt(s, unit="", digits=0):
    if not s:
        return "-"
    f = f"{{:,.{digits}f}}"
    if s["n"] == 1:
        return f.format(s["median"]) + unit
    return f"{f.format(s['median'])}{unit} ({f.format(s['min'])}-{f.format(s['max'])}, n={s['n']})"


def markdown(r):
    m = r["machine"]
    lines = [f"## Side by side: `scripts/bench/run.sh` ({r['mode']} run, {r['date']})", "",
             f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory']}, kernel {m['kernel']}; {m['java']}; {m['mariadb']}; "
             f"{m['sysbench']}. The agents' JVMs: {m.get('agent_jvm', 'not recorded')}. Every scenario starts its own primary and standbys (mariadbd on loopback, "
             "innodb_flush_log_at_trx_commit=2 and sync_binlog=0 unless a scenario says otherwise), loads sysbench (4 tables x 20,000 rows) and uses a fresh "
             "seed per run. Figures are medians with (min-max, n) over the repeats; ratios are taken within this run. "
             "Raw figures: `docs/bench/results-" + r["mode"] + ".json`.", ""]
    for name, st in r["status"].items():
        if st != "ran":
            lines.append(f"- scenario {name}: **{st}**")
    lines += ["", "### 1. Bandwidth: bytes on the wire per binlog byte",
              "Wire bytes counted by a byte-counting TCP proxy in the path (payload, protocol and TLS; not TCP/IP headers), "
              "for the same run-phase binlog. Target for Qreplicator: at most 15%.", "",
              "| workload | method | binlog bytes | wire bytes | wire / binlog |", "| --- | --- | --- | --- | --- |"]
    names = {"native": "MariaDB replica", "native-compressed": "MariaDB replica, compressed protocol"}
    for b in r["bandwidth"]:
        n = names.get(b["config"], "Qreplicator, TLS, " + b["config"].replace("qrepl-", "") if not b["config"].endswith("-plain")
                      else "Qreplicator, plaintext, " + b["config"][6:-6])
        lines.append(f"| {b['workload']} | {n} | {fmt(b['binlog_bytes'])} | {fmt(b['wire_bytes'])} | "
                     f"{fmt(b['wire_pct'], '%', 1)} |")
    lines += ["", "### 2. Catch-up of an oltp_write_only backlog",
              "Each consumer starts from a fresh standby "
              "holding a dump and is timed until it has applied the backlog's last transaction (native: gtid_slave_pos; "
              "Qreplicator: its checkpoint row). *From the binlog, cold*: replication starts when the clock does "
              "(Qreplicator's time includes starting both JVMs, reading the binlog and shipping it). *Sink restarted*: "
              "the outage was the standby side's; the source agent ran through it and had spooled the backlog, and the "
              "clock starts with the sink's JVM (cold: start-up, reconnect with the link's default settings after an outage "
              "of the length the command gives with --outage, shipping and applying). *Apply only, warm*: "
              "the backlog is already on the standby's side (native: relay log fetched by the IO thread alone; "
              "Qreplicator: its sink spool, received while the standby's mariadbd was frozen with SIGSTOP, after both agents "
              "applied the first fifth as JIT warm-up), timed from START SLAVE SQL_THREAD / SIGCONT. "
              "*Last 3 quarters*: the same cold runs timed from the moment each consumer's applied position passed a quarter "
              "of the backlog, to the end: catch-up once replication is running, start-up and JIT warm-up left out for every "
              "consumer alike. "
              "Target: at least 1.5x native single-threaded and no less than native 4-thread. "
              "Durable standbys flush InnoDB's log at every commit (innodb_flush_log_at_trx_commit=1, MariaDB's default, "
              "what a DR standby runs); relaxed ones once a second (=2), which leaves the apply CPU-bound."]
    label = {"native-0": "from the binlog, cold: MariaDB replica, single-threaded",
             "native-4": "from the binlog, cold: MariaDB replica, 4 parallel workers (optimistic)",
             "qrepl": "from the binlog, cold: Qreplicator (agents started, binlog read, shipped and applied)",
             "qrepl-sink": "sink restarted, cold: Qreplicator (the source agent had spooled the backlog; sink JVM "
                           "started, backlog shipped and applied)",
             "qrepl-sink-long": "sink restarted after a 5-minute outage, cold: Qreplicator (as above)",
             "native-0-local": "apply only, warm: MariaDB replica from its relay log, single-threaded",
             "native-4-local": "apply only, warm: MariaDB replica from its relay log, 4 parallel workers",
             "qrepl-local": "apply only, warm: Qreplicator sink from its spool (4 workers, the default)",
             "qrepl-local-w1": "apply only, warm: Qreplicator sink from its spool (1 worker)"}
    for flush, group in sorted(r["catchup"].items()):
        c = group["tx_per_s"]
        lines += ["", f"**{'Durable' if flush == '1' else 'Relaxed-flush'} standbys "
                      f"(innodb_flush_log_at_trx_commit={flush})**; transactions timed: {fmt(group['backlog_transactions'])}.", "",
                  "| consumer | transactions/s | transactions/s, last 3 quarters |", "| --- | --- | --- |"]
        tail = group.get("last_3q_tx_per_s", {})
        for k, v in c.items():
            lines.append(f"| {label.get(k, k)} | {fmt(v)} | {fmt(tail[k]) if k in tail else ''} |")
        for figures, qname, suffix, what in ((c, "qrepl", "", "from the binlog, cold"),
                                             (tail, "qrepl", "", "from the binlog, last 3 quarters"),
                                             (c, "qrepl-sink", "", "sink restarted (against native from the binlog, cold)"),
                                             (c, "qrepl-sink-long", "", "sink restarted after 5 minutes (against native from the binlog, cold)"),
                                             (c, "qrepl", "-local", "apply only, warm")):
            q, n0, n4 = figures.get(qname + suffix), figures.get("native-0" + suffix), figures.get("native-4" + suffix)
            if q and n0:
                lines.append("")
                lines.append(f"{what}: Qreplicator / native single-threaded {q['median'] / n0['median']:.2f}x"
                             + (f", / native 4 workers {q['median'] / n4['median']:.2f}x" if n4 else "") + " (medians).")
        for consumer, what_outage in (("qrepl-sink", "the catch-up scenario's outage"), ("qrepl-sink-long", "a 5-minute outage")):
            fa = group.get("first_applied_s", {}).get(consumer)
            if fa:
                lines += ["", f"Sink restarted after {what_outage}: first transaction applied {fmt(fa, ' s', 2)} "
                              "after the sink's start (target: within 2 s)."]
    t = r["thinlink"]
    lines += ["", "### 3. Thin link: 2 Mbit/s each way (netns, veth, tc tbf)",
              "Steady oltp_write_only rate (`sysbench --rate`), started once each method has replicated the same workload at 200 tx/s "
              "for 15 s and caught up (`--settle`, `--settle-rate`, unless the command below says otherwise: a cold start is the "
              "catch-up scenario's subject); lag sampled 4 times a second by positions (time since "
              "the primary committed the first transaction the standby has not applied), over `--seconds` after a 15 s warm-up. "
              "Keeps up = lag p99 under 2 s, in every trial of that rate (the ladder of rates runs once per repeat, upwards "
              "until a rate falls behind). Link bytes from the veth counters. Target for Qreplicator: at least 800 tx/s.", "",
              "| method | rate asked | achieved tx/s | lag p50 s | lag p99 s | lag max s | kept up (trials) | link bit/s towards standby |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for tr in t["by_rate"]:
        lines.append(f"| {names.get(tr['method'], 'Qreplicator')} | {tr['rate']} | {fmt(tr['achieved_tps'])} | "
                     f"{fmt(tr['lag_p50_s'], '', 2)} | {fmt(tr['lag_p99_s'], '', 2)} | {fmt(tr['lag_max_s'], '', 2)} | "
                     f"{tr['kept_up']} of {tr['trials']} | {fmt(tr['link_down_bps'])} |")
    for meth, rate in t["highest_rate_kept_up"].items():
        lines.append(f"\nHighest rate kept up, {names.get(meth, 'Qreplicator')}: {f'{rate} tx/s' if rate else 'none of the rates tried'}.")
    for ch in r["charts"]:
        lines.append(f"\n![{ch}](bench/{ch if r['mode'] == 'full' else ch.replace('.svg', '-' + r['mode'] + '.svg')})")
    rt = r.get("resume_thin") or {}
    if rt:
        lines += ["", f"Sink restarted over the same link (`resume-thinlink.sh`: the sink stopped while sysbench writes at "
                      f"500 tx/s, then started with the AppCDS archive its first stop wrote, {rt['with_archive']} of "
                      f"{rt['runs']} runs): first transaction applied {fmt(rt['first_applied_s'], ' s', 2)} after the sink's "
                      f"start (target: within 2 s), the backlog of {fmt(rt['backlog_transactions'])} transactions "
                      f"{fmt(rt['backlog_applied_s'], ' s', 2)} after it."]
    lines += ["", "### 4. Latency at a steady rate, loopback",
              "Commit on the primary to visible on the standby: `VisibilityProbe` inserts a row every 20 ms (autocommit) while "
              "sysbench runs at the stated rate, and polls the standby for it, after a warm-up under the same load. Targets "
              "(issue 21): p99 no more than 2x native's p99, and p50 under 2 ms, at 500 tx/s.", "",
              "| method | rate | p50 ms | p99 ms | max ms |", "| --- | --- | --- | --- | --- |"]
    for v in r["latency"]:
        lines.append(f"| {'MariaDB replica' if v['method'] == 'native' else 'Qreplicator'} | {v['rate']} | {fmt(v['p50_ms'], '', 1)} | "
                     f"{fmt(v['p99_ms'], '', 1)} | {fmt(v['max_ms'], '', 1)} |")
    if r.get("stages"):
        lines += ["", "Where Qreplicator's time goes, over the same measured window: each stage as its agent timed it "
                  "(`qreplicator_stage_latency_seconds`, every transaction; percentiles are bucket bounds). Not timed: the "
                  "primary's binlog dump to the source, and the one-way network time (bounded by the round trip).", "",
                  "| rate | stage | agent | transactions (batches for the round trip) | mean ms | p50 ms at most | p99 ms at most |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for st in r["stages"]:
            lines.append(f"| {st['rate']} | {st['stage']} | {st['agent']} | {fmt(st['count'])} | {fmt(st['mean_ms'], '', 2)} | "
                         f"{fmt(st['p50_ms_at_most'], '', 2)} | {fmt(st['p99_ms_at_most'], '', 2)} |")
    if r.get("steady_link"):
        lines += ["", "The link at those steady rates (loopback; the source's counters over the window): a batch goes at once "
                  "after a quiet spell of batch-wait and at most one partial batch per batch-wait otherwise.", "",
                  "| rate | achieved tx/s | wire / binlog | transactions per batch |", "| --- | --- | --- | --- |"]
        for sl in r["steady_link"]:
            lines.append(f"| {sl['rate']} | {fmt(sl['achieved_tps'])} | {fmt(sl['wire_ratio'], '', 3)} | {fmt(sl['tx_per_batch'], '', 1)} |")
    lines += ["", "### 5. Cost of the agents",
              "User + system CPU seconds of each agent's JVM over the run (start-up included) per 100,000 transactions, and "
              "its peak RSS (VmHWM). Catch-up: the backlog of scenario 2; steady: scenario 4's run; steady, warm: the CPU "
              "seconds of scenario 4's measured window alone (after its warm-up), what a long-running agent costs "
              "(RSS: the peak of the whole run). \"steady N tx/s\" names the rate asked of sysbench (scenario 5 adds 2,000 and "
              "5,000 to scenario 4's 500); the link table in scenario 4 gives the rate achieved, lower where the machine "
              "could not run more.", "",
              "| run / agent | CPU s per 100k transactions | peak RSS MiB |", "| --- | --- | --- |"]
    # "steady N tx/s" is the rate asked of sysbench; what it achieved is in scenario 4's link table
    for k, v in r["cost"].items():
        lines.append(f"| {k} | {fmt(v['cpu_s_per_100k_tx'], '', 1)} | {fmt(v['peak_rss_mib'])} |")
    f = r.get("fleet")
    if f:
        lines += ["", f"**The seed's fleet**: {f['shards']} shards at {f['rate_tx_s']:,} tx/s each, costed from the warm figures at "
                  f"{f['measured_at_tx_s']:,} tx/s achieved ({f['asked_tx_s']:,} asked; the highest steady rate this machine ran; CPU per "
                  "transaction taken as constant above it): "
                  + "; ".join(f"{a} agents {f[a]['cores_per_agent']} cores each, {f[a]['cores_fleet']:,} cores in all, "
                              f"{f[a]['rss_mib_per_agent']:,.0f} MiB RSS each ({f[a]['memory_gib_fleet']:,} GiB)"
                              for a in ("source", "sink")) + ". Target (issue 21): under half a core per agent at 5,000 tx/s."]
    e = r["extraction"]
    lines += ["", "### 6. Extraction: the source alone, one core",
              "Row changes per second from a pre-written sysbench binlog streamed from mariadbd through decode, assembly, "
              "shaping, encoding and the spool append (`ExtractionBench`, taskset to one core; passes include JIT warm-up).", "",
              "| row images | row changes/s | spool bytes / binlog bytes |", "| --- | --- | --- |"]
    if e:
        for mode, v in e["by_mode"].items():
            lines.append(f"| {mode} | {fmt(v['row_changes_per_s'])} | {fmt(v['spool_ratio'], '', 3)} |")
    lines += ["", "Commands (from the repository root):", ""]
    for name, cmd in r["commands"].items():
        lines.append(f"- {name}: `{cmd}`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
