#!/usr/bin/env python3
"""Writes SQL that creates and fills the database `pubdata` from public data sets that Debian's
mariadb-test package ships, for benchmarks that need data nobody here wrote (issue 18's wire bytes
on data other than sysbench's random digits):

  - world: Country, City, CountryLanguage (MariaDB's include/world_schema.inc and world.inc);
  - zips: the 29,353 US ZIP codes of MongoDB's sample data set (the CONNECT engine's
    std_data/cities.json), as columns;
  - uca_keys: Unicode's collation table allkeys-14.0.0 (std_data/unicode/allkeys1400.txt), one row per
    line: code points, weights, character name.

  scripts/bench/public-data.py [MYSQL_TEST_DIR]   (default /usr/share/mysql/mysql-test)

The SQL is UTF-8: feed it to a client with --default-character-set=utf8mb4.
"""
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/mysql/mysql-test"


def need(path):
    full = os.path.join(root, path)
    if not os.path.isfile(full):
        sys.exit(f"public-data.py: {full} is missing; install Debian's mariadb-test package")
    return full


def q(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def inserts(table, rows, per=500):
    for i in range(0, len(rows), per):
        print(f"INSERT INTO {table} VALUES " + ",".join(rows[i:i + per]) + ";")


print("CREATE DATABASE pubdata CHARACTER SET utf8mb4; USE pubdata;")
for inc in ("include/world_schema.inc", "include/world.inc"):
    with open(need(inc), encoding="utf-8") as f:
        print("".join(line for line in f if not line.lstrip().startswith(("#", "--"))))

print("""CREATE TABLE zips (zip CHAR(5) NOT NULL PRIMARY KEY, city VARCHAR(64) NOT NULL,
  lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, pop INT NOT NULL, state CHAR(2) NOT NULL, KEY (state, city));""")
zips = []
with open(need("plugin/connect/connect/std_data/cities.json"), encoding="utf-8") as f:
    for line in f:
        if line.strip():
            d = json.loads(line)
            zips.append(f"({q(d['_id'])},{q(d['city'])},{d['loc'][0]!r},{d['loc'][1]!r},{d['pop']},{q(d['state'])})")
inserts("zips", zips)

print("""CREATE TABLE uca_keys (id INT NOT NULL PRIMARY KEY, code VARCHAR(64) NOT NULL,
  weights VARCHAR(1024) NOT NULL, name VARCHAR(255) NOT NULL, KEY (code));""")
keys = []
with open(need("std_data/unicode/allkeys1400.txt"), encoding="utf-8") as f:
    for line in f:
        if line.startswith(("#", "@")) or ";" not in line:
            continue
        code, rest = line.split(";", 1)
        weights, _, name = rest.partition("#")
        keys.append(f"({len(keys) + 1},{q(code.strip())},{q(weights.strip())},{q(name.strip())})")
inserts("uca_keys", keys)
