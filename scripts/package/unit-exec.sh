#!/usr/bin/env bash
# Runs a systemd unit's service the way systemd would start it, for machines where systemd is not
# PID 1 (containers, CI): its User= and Group=, Environment= and EnvironmentFile=, then ExecStart=
# with %i replaced by the instance name. No sandboxing, no restart: a stand-in to check that the
# installed package runs, not a replacement for systemd.
#   scripts/package/unit-exec.sh /lib/systemd/system/qrepl-sink@.service shard0-sink
set -euo pipefail
unit="$1"; instance="$2"
[ -f "$unit" ] || { echo "unit-exec: no unit file $unit" >&2; exit 2; }
get() { sed -n "s/^$1=//p" "$unit"; }
user="$(get User | tail -n1)"; group="$(get Group | tail -n1)"
exec_start="$(get ExecStart | tail -n1)"; exec_start="${exec_start//%i/$instance}"
envs=()
while IFS= read -r e; do
  e="${e#\"}"; e="${e%\"}"
  envs+=("${e//%i/$instance}")
done < <(get Environment)
while IFS= read -r f; do
  optional=""; [ "${f#-}" != "$f" ] && optional=1 && f="${f#-}"
  if [ -f "$f" ]; then
    while IFS= read -r line; do
      case "$line" in ''|\#*) ;; *) envs+=("$line") ;; esac
    done < "$f"
  elif [ -z "$optional" ]; then
    echo "unit-exec: EnvironmentFile $f is missing" >&2; exit 2
  fi
done < <(get EnvironmentFile)
# shellcheck disable=SC2086
exec setpriv --reuid="$user" --regid="${group:-$user}" --init-groups -- env -i PATH=/usr/bin:/bin HOME=/var/lib/qreplicator \
  "${envs[@]}" $exec_start
