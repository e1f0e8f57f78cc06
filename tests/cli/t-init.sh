#!/bin/sh
# init, validate-proxy-config and backups end to end: fake LM Studio and
# Ollama servers on 127.0.0.1 (fake-server), the ids they advertise written
# into the backends; existing files refused, then backed up with --force;
# restore and its dry run.
. tests/lib.sh
B=${MR_BUILD:-build}
FS="$B/tests/fake-server"

mkfifo "$T/ctl"
: >"$T/ports"
"$FS" --lifetime 60 lmstudio ollama <"$T/ctl" >"$T/ports" 2>&1 &
fs_pid=$!
exec 9>"$T/ctl"
trap 'exec 9>&-; kill "$fs_pid" 2>/dev/null; wait "$fs_pid" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ "$(wc -l <"$T/ports")" -lt 2 ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
lms=$(sed -n 's/^lmstudio //p' "$T/ports")
oll=$(sed -n 's/^ollama //p' "$T/ports")
CHECK_SED="s/127\\.0\\.0\\.1:$lms\\b/127.0.0.1:<lmstudio>/g;s/127\\.0\\.0\\.1:$oll\\b/127.0.0.1:<ollama>/g;"
# backup ids are UTC times
CHECK_SED="${CHECK_SED}s/[0-9]{8}T[0-9]{6}Z(-[0-9]+)?/<id>/g;s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/<time>/g"

H="$T/home"
set -- env HOME="$H" MODEL_ROUTER_DEFAULT_SERVERS="http://127.0.0.1:$lms http://127.0.0.1:$oll" "$MR"
D="$H/.model-router"

check init-lmstudio "$@" init --preset lmstudio
check init-validate "$@" validate-proxy-config
# the ids the server advertises, not placeholders
if grep -q 'model: "qwen/qwen3-8b"' "$D/routing_proxy.yaml" &&
    ! grep -q 'lmstudio-.*-model' "$D/routing_proxy.yaml"; then
	ok "init wrote LM Studio's model ids"
else
	not_ok "init wrote LM Studio's model ids"
fi
mode=$(stat -c %a "$D/routing_proxy.yaml")
if [ "$mode" = 600 ] && [ -d "$D/logs" ]; then ok "routing_proxy.yaml is 0600, logs/ exists"; else
	not_ok "routing_proxy.yaml is 0600, logs/ exists ($mode)"
fi
cp "$D/routing_proxy.yaml" "$T/before.yaml"
check init-exists "$@" init --preset ollama
if cmp -s "$D/routing_proxy.yaml" "$T/before.yaml"; then ok "a refused init changes nothing"; else
	not_ok "a refused init changes nothing"
fi
check init-dry-run "$@" init --preset ollama --force --dry-run
if cmp -s "$D/routing_proxy.yaml" "$T/before.yaml"; then ok "a dry run changes nothing"; else
	not_ok "a dry run changes nothing"
fi
check init-ollama-force "$@" init --preset ollama --force --json
check init-validate-ollama "$@" validate-proxy-config --json
check backups-list "$@" backups list
id=$(env HOME="$H" "$MR" backups list --json | sed -n 's/^ *"id": "\(.*\)",$/\1/p' | head -n 1)
check backups-show "$@" backups show "$id"
check backups-restore-dry "$@" backups restore "$id" --dry-run
check backups-restore "$@" backups restore "$id"
if cmp -s "$D/routing_proxy.yaml" "$T/before.yaml"; then ok "restore puts the old file back"; else
	not_ok "restore puts the old file back"
fi
check backups-restore-again "$@" backups restore "$id"
check backups-bad-id "$@" backups show ../../etc
check init-bad-preset "$@" init --preset lmstudioo
check init-both "$@" init --preset ollama --auto

# nothing running, nothing installed: placeholders, said loudly
check init-nothing env HOME="$T/empty" MODEL_ROUTER_DEFAULT_SERVERS= "$MR" init --yes

# validate-proxy-config on broken files
printf 'proxy:\n  port: "80"\nbackends: {}\n' >"$T/bad.yaml"
check vpc-bad "$MR" validate-proxy-config --config "$T/bad.yaml"
check vpc-bad-json "$MR" validate-proxy-config --config "$T/bad.yaml" --json
check vpc-missing "$MR" validate-proxy-config --config "$T/nope.yaml"

finish
