#!/bin/bash
# `make acceptance`: play the real-world manifests of ../shared/k8s-examples
# with peapod and compare what happens with what Kubernetes does (the
# README's "what Kubernetes does" column), manifest by manifest.
#
#   tests/acceptance/k8s-examples.sh                  every manifest
#   tests/acceptance/k8s-examples.sh website-secret-envars-pod.flow.yaml ...
#   OUT=/tmp/acc tests/acceptance/k8s-examples.sh     keep the logs there
#
# How:
#   1. the busybox stand-ins of every image the manifests name are built
#      with the examples' make-standin-images.sh (umoci, busybox-static) and
#      loaded into a PRIVATE peapod store (--root/--runroot under /var/tmp),
#      then tagged with every reference of images.tsv: nothing is pulled;
#   2. the pods go to an --internal peapod network made for the run (no
#      masquerade, no route out): init-containers' wget of an internet URL
#      fails on the spot, no traffic leaves the machine;
#   3. the examples' play-smoke.sh plays each manifest (with the ConfigMap or
#      Secret it needs) through a wrapper of peapod that adds `--pull never`
#      (and the network) to `kube play` and, before `kube down`, runs this
#      script's probes (`exec` in a container, or a look from the host);
#   4. the results are checked against the table EXPECT below: MATCH, or
#      DIFFERS with the reasons; then "N of M manifests match Kubernetes".
#
# Exit 0 when the harness ran (whatever the verdicts: it is a report);
# 2 when the harness itself broke (no stand-ins, load failed, ...).
set -u
cd "$(dirname "$0")/../.." || exit 2
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
EXAMPLES=${EXAMPLES:-$(cd "$repo/.." && pwd)/shared/k8s-examples}
me=tests/acceptance/k8s-examples.sh

die() { echo "$me: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$PEAPOD" ] || die "$PEAPOD is not built (run make)"
if [ ! -f "$EXAMPLES/play-smoke.sh" ] || [ ! -f "$EXAMPLES/make-standin-images.sh" ]; then
	die "no k8s examples in '$EXAMPLES' (set EXAMPLES)"
fi
command -v umoci >/dev/null && [ -x /bin/busybox ] || tests/deps.sh umoci busybox-static ||
	die "umoci and busybox-static are needed (make deps)"
for t in umoci jq curl ss timeout; do
	command -v "$t" >/dev/null || die "'$t' is missing (make deps)"
done
"$PEAPOD" kube play --help >/dev/null 2>&1 || die "$PEAPOD has no 'kube play'"

W=$(mktemp -d /var/tmp/peapod-acceptance.XXXXXX)
PP=("$PEAPOD" --root "$W/root" --runroot "$W/run")
[ -z "${RUNTIME:-}" ] || PP+=(--runtime "$RUNTIME")
NET=pa-k8s-$$
RES=$W/out

cleanup() {
	set +e
	"${PP[@]}" pod rm -a -f >/dev/null 2>&1
	"${PP[@]}" rm -a -f >/dev/null 2>&1
	"${PP[@]}" network rm -f "$NET" >/dev/null 2>&1
	"${PP[@]}" system reset -f >/dev/null 2>&1
	if [ -n "${OUT:-}" ] && [ -d "$RES" ]; then
		mkdir -p "$OUT" && cp -r "$RES/." "$OUT/" && echo "logs kept in $OUT"
	fi
	grep -F " $W/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# What Kubernetes does, as checks.  "M FILE" starts a manifest (the rest of
# the line says what Kubernetes does); each following line is one check:
#
#   rc 0 | rc nonzero         exit code of `kube play` (124: timed out)
#   pods N                    pods listed by `pod ps` after the play
#   up CTR                    the container runs (`Up ...`)
#   exited0 CTR | failed CTR  it exited 0 | with a non-zero code
#   notup CTR                 it does not run (absent, created or exited)
#   log CTR :: RE             a line of its logs matches ^RE$
#   logseq CTR :: RE :: RE..  lines matching ^RE$ in this order
#   play :: RE                the output of `kube play` matches RE (grep -E)
#   exec CTR :: CMD :: RE     `exec CTR sh -c CMD` (before kube down)
#                             prints a line matching ^RE$
#   host :: CMD :: RE         CMD on the host (before kube down) likewise
#   either CHECK || CHECK     one of them holds
#
# and for every manifest: `kube down` removes everything, within the grace
# period (DOWN_LIMIT).
#
# Container names are podman's: <pod>-<container>; Deployment and DaemonSet
# pods are <name>-pod (<name>-pod-I with replicas > 1).  @NODE@ stands for
# this machine's name (spec.nodeName), @IP@ for an IPv4 address.
# ---------------------------------------------------------------------------
EXPECT=$(
	cat <<'EOF'
M website-init-containers.yaml  init container 'install' fails (wget has no network), nginx never starts (Init:Error)
notup init-demo-nginx
either play :: install || failed init-demo-install

M website-two-container-pod.flow.yaml  pod Running; debian container Completed; nginx serves the file it wrote
rc 0
up two-containers-nginx-container
exited0 two-containers-debian-container
exec two-containers-nginx-container :: cat /usr/share/nginx/html/index.html :: Hello from the debian container

M website-share-process-namespace.yaml  Running; the shell container sees nginx's processes
rc 0
up nginx-nginx
up nginx-shell
exec nginx-shell :: ps -o args :: .*httpd .*

M website-lifecycle-events.flow.yaml  Running; postStart wrote /usr/share/message
rc 0
up lifecycle-demo-lifecycle-demo-container
exec lifecycle-demo-lifecycle-demo-container :: cat /usr/share/message :: Hello from the postStart handler

M website-exec-liveness.yaml  Running (the liveness probe passes for the first 30 s)
rc 0
up liveness-exec-liveness
exec liveness-exec-liveness :: ls /tmp/healthy :: /tmp/healthy

M website-tcp-liveness-readiness.yaml  Running
rc 0
up goproxy-goproxy

M website-security-context.yaml  Running as uid 1000 with supplementary group 2000; files made in the emptyDir get group 2000
rc 0
up security-context-demo-sec-ctx-demo
exec security-context-demo-sec-ctx-demo :: id :: uid=1000.* groups=([^ ]*[,=])?2000([(,].*)?
exec security-context-demo-sec-ctx-demo :: echo hello >/data/demo/testfile && stat -c gid=%g /data/demo/testfile :: gid=2000

M website-security-context-4-capabilities.flow.yaml  Running with NET_ADMIN and SYS_TIME added
rc 0
up security-context-demo-4-sec-ctx-4
exec security-context-demo-4-sec-ctx-4 :: c=$(sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status); echo net_admin=$(((0x$c >> 12) & 1)) sys_time=$(((0x$c >> 25) & 1)) :: net_admin=1 sys_time=1

M website-pod-configmap-envFrom.yaml  Completed; env shows SPECIAL_LEVEL=very, SPECIAL_TYPE=charm, HOSTNAME=dapi-test-pod
rc 0
exited0 dapi-test-pod-test-container
log dapi-test-pod-test-container :: SPECIAL_LEVEL=very
log dapi-test-pod-test-container :: SPECIAL_TYPE=charm
log dapi-test-pod-test-container :: HOSTNAME=dapi-test-pod

M website-redis-pod-configmap-volume.yaml  Running; entrypoint + args; redis.conf holds the two lines of the ConfigMap
rc 0
up redis-redis
logseq redis-redis :: redis stand-in: config /usr/local/etc/redis/redis.conf: :: maxmemory 2mb :: maxmemory-policy allkeys-lru
exec redis-redis :: cat /usr/local/etc/redis/redis.conf | wc -l :: 2

M website-dependent-envars.yaml  $(VAR) expanded: SERVICE_ADDRESS=https://172.17.0.1:80, ESCAPED_REFERENCE=$(PROTOCOL)://172.17.0.1:80, UNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80
rc 0
up dependent-envars-demo-dependent-envars-demo
logseq dependent-envars-demo-dependent-envars-demo :: SERVICE_ADDRESS :: https://172\.17\.0\.1:80 :: UNCHANGE_REFERENCE :: ESCAPED_REFERENCE :: \$\(PROTOCOL\)://172\.17\.0\.1:80
exec dependent-envars-demo-dependent-envars-demo :: printenv UNCHANGED_REFERENCE :: \$\(PROTOCOL\)://172\.17\.0\.1:80

M website-dapi-envars-pod.flow.yaml  all five variables set: node name, pod name, namespace default, pod IP, service account default
rc 0
up dapi-envars-fieldref-test-container
logseq dapi-envars-fieldref-test-container :: @NODE@ :: dapi-envars-fieldref :: default :: @IP@ :: default

M website-dapi-volume-resources.yaml  files cpu_limit=250, cpu_request=125, mem_limit=64, mem_request=32
rc 0
up kubernetes-downwardapi-volume-example-2-client-container
logseq kubernetes-downwardapi-volume-example-2-client-container :: 250 :: 125 :: 64 :: 32

M website-secret-envars-pod.flow.yaml  Running; SECRET_USERNAME=my-app, SECRET_PASSWORD=39528$vdg7Jb
rc 0
up secret-envars-test-pod-envars-test-container
exec secret-envars-test-pod-envars-test-container :: printenv SECRET_USERNAME :: my-app
exec secret-envars-test-pod-envars-test-container :: printenv SECRET_PASSWORD :: 39528\$vdg7Jb

M website-deployment-sidecar.yaml  the sidecar starts (and keeps running), then the app container; the sidecar tails the app's log
rc 0
pods 1
up myapp-pod-myapp
up myapp-pod-logshipper
log myapp-pod-logshipper :: logging

M examples-javaweb-init-hostport.yaml  init container copies the war; Running; port 8001 on the node
rc 0
up javaweb-tomcat
host :: curl -s -m 5 http://127.0.0.1:8001/sample.war :: fake war

M examples-guestbook-all-in-one.yaml  6 pods (1 + 2 + 3 replicas), nothing on host ports (the Services, NodePort included, are not checked)
rc 0
pods 6
up redis-master-pod-master
up redis-replica-pod-0-replica
up redis-replica-pod-1-replica
up frontend-pod-0-php-redis
up frontend-pod-1-php-redis
up frontend-pod-2-php-redis
host :: ss -Hltn "( sport = :6379 )" | wc -l :: 0

M examples-newrelic-daemonset-hostpath.yaml  one pod for this node, which cannot start: Secret newrelic-config does not exist
notup newrelic-agent-pod-newrelic
either play :: newrelic-config || play :: docker\.sock

M negative/website-pod-multiple-secret-env-variable.tab-indent.yaml  rejected (a TAB in the indentation), nothing created
rc nonzero
pods 0
play :: [Tt]ab|\\t
EOF
)

# expect_manifests: every manifest of the table, in order.
expect_manifests() { sed -n 's/^M \([^ ]*\).*/\1/p' <<<"$EXPECT"; }
# expect_desc M / expect_checks M: its description / its check lines.
expect_desc() { sed -n "s|^M $1  *||p" <<<"$EXPECT"; }
expect_checks() {
	awk -v m="$1" '/^M /{on = ($2 == m); next} on && NF' <<<"$EXPECT"
}

# ---- images: the stand-ins, loaded into the private store ----
echo "== stand-in images (make-standin-images.sh)"
LAYOUT=$W/layout
sh "$EXAMPLES/make-standin-images.sh" "$LAYOUT" >"$W/standin.log" 2>&1 ||
	{ cat "$W/standin.log" >&2; die "building the stand-in images failed"; }
# the layout is an oci-archive once tarred: one `load` for all of them
tar -C "$LAYOUT" -cf "$W/standins.tar" oci-layout index.json blobs || die "tar of the layout failed"
"${PP[@]}" load -q -i "$W/standins.tar" >/dev/null || die "peapod load of the stand-ins failed"
while read -r tag ref; do
	d=$(jq -r --arg t "$tag" '.manifests[] |
		select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
		"$LAYOUT/index.json") || die "no '$tag' in the layout"
	id=$(jq -r .config.digest "$LAYOUT/blobs/sha256/${d#sha256:}") || die "no manifest for '$tag'"
	"${PP[@]}" tag "${id#sha256:}" "$ref" || die "peapod tag $tag $ref failed"
done <"$LAYOUT/images.tsv"
echo "$(wc -l <"$LAYOUT/images.tsv") references of $(jq '.manifests | length' "$LAYOUT/index.json") stand-ins loaded into a private store"

# ---- the network: internal, a free subnet ----
free_subnet() {
	local i s
	for ((i = 0; i < 200; i++)); do
		s=10.$((200 + RANDOM % 50)).$((RANDOM % 256)).0/24
		if [ -z "$( (ip -4 route show match "$s"; ip -4 route show root "$s") | grep -v '^default')" ] &&
			! ip -4 -o addr show | grep -qF " ${s%.0/24}."; then
			echo "$s"
			return 0
		fi
	done
	return 1
}
SUBNET=$(free_subnet) || die "no free 10.x.y.0/24 subnet"
NETFLAGS=()
if "$PEAPOD" kube play --help 2>&1 | grep -q -- '--network'; then
	"${PP[@]}" network create --internal --subnet "$SUBNET" --interface-name "pa$$" "$NET" >/dev/null ||
		die "network create --internal failed"
	NETFLAGS=(--network "$NET")
	echo "== network '$NET' $SUBNET, --internal (kube play --network $NET)"
else
	# no `kube play --network`: the private store's default network is
	# made internal before any pod uses it
	NET=peapod
	"${PP[@]}" network create --internal --subnet "$SUBNET" --interface-name "pa$$" "$NET" >/dev/null ||
		die "network create --internal failed"
	echo "== network: the private store's default network, $SUBNET, --internal (kube play has no --network)"
fi
PULLFLAGS=(--pull never)
"$PEAPOD" kube play --help 2>&1 | grep -q -- '--pull' || die "kube play has no --pull: it could pull from the internet"

# ---- the wrapper play-smoke.sh runs as PODMAN ----
PROBES=$W/probes
mkdir -p "$PROBES" "$RES"
DROP_POD=0
"$PEAPOD" ps --help 2>&1 | grep -q -- '--pod' || DROP_POD=1
{
	echo '#!/bin/bash'
	echo "# peapod for play-smoke.sh, written by $me"
	printf 'PP=(%s)\n' "$(printf '%q ' "${PP[@]}")"
	printf 'PLAY=(%s)\n' "$(printf '%q ' "${PULLFLAGS[@]}" "${NETFLAGS[@]}")"
	printf 'PROBES=%q\nDROP_POD=%s\n' "$PROBES" "$DROP_POD"
	cat <<'EOF'
if [ "${1:-}" = kube ] && [ "${2:-}" = play ]; then
	shift 2
	exec "${PP[@]}" kube play "${PLAY[@]}" "$@"
fi
if [ "${1:-}" = kube ] && [ "${2:-}" = down ]; then
	# the probes, then kube down, its exit code and how long it took
	# (SIGTERM from play-smoke's timeout goes on to peapod)
	b=$(basename "${@: -1}" .play.yaml)
	[ ! -f "$PROBES/$b.sh" ] || bash "$PROBES/$b.sh" >"$PROBES/$b.out" 2>&1
	t0=$(date +%s%N)
	"${PP[@]}" "$@" &
	pid=$!
	trap 'kill -TERM $pid 2>/dev/null; killed=1' TERM INT
	killed=0
	wait $pid
	rc=$?
	[ "$killed" = 0 ] || { wait $pid; rc=124; }
	echo "rc=$rc ms=$((($(date +%s%N) - t0) / 1000000))" >"$PROBES/$b.down"
	exit $rc
fi
if [ "${1:-}" = ps ] && [ "$DROP_POD" = 1 ]; then
	a=()
	for x in "$@"; do [ "$x" = --pod ] || a+=("$x"); done
	set -- "${a[@]}"
fi
exec "${PP[@]}" "$@"
EOF
} >"$W/peapod"
chmod 755 "$W/peapod"

# probes_of M: the probe script for M (exec and host checks, in order).
NODE=$(uname -n)
write_probes() {
	local m=$1 kind rest ctr cmd i=0
	{
		printf 'PP=(%s)\n' "$(printf '%q ' "${PP[@]}")"
		while IFS= read -r line; do
			kind=${line%% *}
			rest=${line#* }
			case "$kind" in
			exec)
				ctr=${rest%% :: *}
				cmd=${rest#* :: }
				cmd=${cmd% :: *}
				printf 'echo "### probe %d"; timeout 20 "${PP[@]}" exec %q sh -c %q 2>&1; echo "### rc=$?"\n' \
					"$i" "$ctr" "$cmd"
				;;
			host)
				cmd=${rest#:: }
				cmd=${cmd% :: *}
				printf 'echo "### probe %d"; timeout 20 sh -c %q 2>&1; echo "### rc=$?"\n' "$i" "$cmd"
				;;
			*) continue ;;
			esac
			i=$((i + 1))
		done < <(expect_checks "$m")
	} >"$PROBES/$(basename "${m%.yaml}").sh"
}

# ---- evaluation ----
# sect LOG HEADER: the lines of LOG's section "### HEADER".
sect() { awk -v h="### $2" '$0 == h {on = 1; next} /^### / {on = 0} on' "$1"; }
play_out() { awk 'NR == 1 {next} /^### rc=/ {exit} {print}' "$1"; }
status_of() { sect "$1" "ps -a --pod" | awk -v c="$2" '$1 == c {$1 = ""; sub(/^ /, ""); print; exit}'; }
probe_out() { awk -v h="### probe $2" '$0 == h {on = 1; next} /^### / {on = 0} on' "$1"; }
short() { tr '\n' '|' | sed 's/|$//' | cut -c1-"${2:-160}"; }
subst() {
	local re=$1
	re=${re//@NODE@/${NODE//./\\.}}
	re=${re//@IP@/[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+}
	printf '%s' "$re"
}

# check LOG PROBEOUT PROBEIDX LINE: 0 when the check holds; the reason on
# stdout when not.
check() {
	local log=$1 pout=$2 pidx=$3 line=$4 kind rest ctr st re rc got a b
	kind=${line%% *}
	rest=${line#* }
	case "$kind" in
	rc)
		rc=$(sed -n 's/^### rc=//p' "$log")
		case "$rest/$rc" in
		*/124) echo "kube play timed out (120 s)" ;;
		0/0 | nonzero/[1-9]*) return 0 ;;
		*) echo "kube play rc $rc, expected $rest: $(play_out "$log" | grep -v '^$' | tail -2 | short)" ;;
		esac
		return 1
		;;
	pods)
		got=$(sect "$log" "pod ps" | grep -v -e '^POD ID' -e '^$' | grep -vc '^Error' || true)
		[ "$got" = "$rest" ] && return 0
		echo "$got pods after the play, expected $rest"
		return 1
		;;
	up | exited0 | failed | notup)
		st=$(status_of "$log" "$rest")
		case "$kind/$st" in
		up/Up* | exited0/Exited\ \(0\)* | notup/ | failed/Exited\ \([1-9]*) return 0 ;;
		notup/*) [[ "$st" != Up* ]] && return 0 ;;
		esac
		case "$kind" in
		up) re="running" ;; exited0) re="exited 0" ;; failed) re="exited non-zero" ;; notup) re="not running" ;;
		esac
		echo "container $rest is '${st:-absent}', expected $re"
		return 1
		;;
	log | logseq)
		ctr=${rest%% :: *}
		got=$(sect "$log" "logs $ctr")
		local -a res=()
		a=${rest#* :: }
		while :; do
			res+=("$(subst "${a%% :: *}")")
			[ "$a" != "${a#* :: }" ] || break
			a=${a#* :: }
		done
		b=0
		while IFS= read -r l; do
			[ "$b" -lt "${#res[@]}" ] || break
			[[ "$l" =~ ^${res[$b]}$ ]] && b=$((b + 1))
		done <<<"$got"
		[ "$b" = "${#res[@]}" ] && return 0
		if [ "$kind" = log ]; then
			echo "logs of $ctr have no line /${res[0]}/ (got: $(grep -v '^$' <<<"$got" | head -6 | short))"
		else
			echo "logs of $ctr lack /${res[$b]}/ after $b of ${#res[@]} expected lines (got: $(grep -v '^$' <<<"$got" | head -8 | short))"
		fi
		return 1
		;;
	play)
		re=${rest#:: }
		play_out "$log" | grep -qE -- "$re" && return 0
		echo "kube play said nothing matching /$re/ (said: $(play_out "$log" | grep -v '^$' | tail -2 | short))"
		return 1
		;;
	exec | host)
		re=$(subst "${rest##* :: }")
		got=$(probe_out "$pout" "$pidx")
		while IFS= read -r l; do
			[[ "$l" =~ ^${re}$ ]] && return 0
		done <<<"$got"
		cmd=${rest% :: *}
		cmd=${cmd#* :: }
		[ "$kind" = host ] || cmd="exec ${rest%% :: *} $cmd"
		echo "'$cmd' printed '$(short 120 <<<"${got:-nothing}")', expected /$re/"
		return 1
		;;
	either)
		a=${rest%% || *}
		b=${rest#* || }
		check "$log" "$pout" "$pidx" "$a" >/dev/null && return 0
		check "$log" "$pout" "$pidx" "$b" >/dev/null && return 0
		echo "neither: $(check "$log" "$pout" "$pidx" "$a"); nor: $(check "$log" "$pout" "$pidx" "$b")"
		return 1
		;;
	esac
	echo "bad check '$line'"
	return 1
}

# clean_store M: remove what M left, so that the next manifest starts from
# an empty store; the harness cannot go on when that fails.
clean_store() {
	local i left
	for i in 1 2 3; do
		{
			echo "### pod rm -a -f (attempt $i)"
			"${PP[@]}" pod rm -a -f
			echo "### rm -a -f"
			"${PP[@]}" rm -a -f
		} >>"$RES/$(basename "${1%.yaml}")/cleanup.log" 2>&1
		left=$("${PP[@]}" ps -a --format '{{.Names}}' 2>&1 | tr '\n' ' ')
		[ -n "${left// /}" ] || return 0
		sleep 2
	done
	die "after $1, the store cannot be emptied (left: $left); see $RES/$(basename "${1%.yaml}")/cleanup.log"
}

# ---- play every manifest ----
# kube down: no manifest sets terminationGracePeriodSeconds, so Kubernetes
# is done with each pod within 30 s (pods in parallel); a few seconds more
# for the commands themselves.
GRACE=30
DOWN_LIMIT=$((GRACE + 5))
if [ $# -gt 0 ]; then
	MANIFESTS=("$@")
else
	mapfile -t MANIFESTS < <(expect_manifests)
fi
if ss -Hltn "( sport = :8001 )" | grep -q .; then
	echo "note: something listens on port 8001 of this host: javaweb's hostPort 8001 cannot work"
fi
[ "$DROP_POD" = 0 ] || echo "note: peapod's ps has no --pod: the wrapper drops it (it only adds columns)"
echo "== playing ${#MANIFESTS[@]} manifests with play-smoke.sh (PODMAN=$W/peapod)"
match=0
total=0
declare -a verdicts
for m in "${MANIFESTS[@]}"; do
	m=${m#"$EXAMPLES"/}
	[ -f "$EXAMPLES/$m" ] || die "no manifest '$m' in $EXAMPLES"
	[ -n "$(expect_desc "$m")" ] || die "no expectations for '$m' in $me"
	base=$(basename "${m%.yaml}")
	mkdir -p "$RES/$base"
	write_probes "$m"
	t0=$SECONDS
	if [ "${m#negative/}" != "$m" ]; then
		# play-smoke.sh takes manifests of its own folder only: the
		# rejected one is played here in its format
		{
			echo "### $W/peapod kube play $EXAMPLES/$m"
			timeout 120 "$W/peapod" kube play "$EXAMPLES/$m" 2>&1
			echo "### rc=$?"
			echo "### pod ps"
			"$W/peapod" pod ps 2>&1
			echo "### ps -a --pod"
			"$W/peapod" ps -a --pod --format '{{.Names}} {{.Status}} {{.PodName}}' 2>&1
		} >"$RES/$base/$base.log"
	else
		PODMAN=$W/peapod timeout 900 sh "$EXAMPLES/play-smoke.sh" "$RES/$base" "$m" \
			>"$RES/$base/play-smoke.out" 2>&1 || true
	fi
	secs=$((SECONDS - t0))
	log=$RES/$base/$base.log
	[ -s "$log" ] || die "play-smoke.sh wrote no log for $m (see $RES/$base/play-smoke.out)"
	pout=$PROBES/$base.out
	[ -f "$pout" ] || : >"$pout"
	cp "$pout" "$RES/$base/probes.out"

	reasons=()
	pidx=0
	while IFS= read -r line; do
		if r=$(check "$log" "$pout" "$pidx" "$line"); then :; else reasons+=("$r"); fi
		case "${line%% *}" in exec | host) pidx=$((pidx + 1)) ;; esac
	done < <(expect_checks "$m")
	# whatever the manifest, kube down leaves nothing
	down=$(cat "$PROBES/$base.down" 2>/dev/null)
	down_rc=$(sed -n 's/^rc=\([0-9]*\).*/\1/p' <<<"$down")
	down_s=$(awk -F'ms=' 'NF > 1 {printf "%.1f", $2 / 1000}' <<<"$down")
	left=$("${PP[@]}" ps -a --format '{{.Names}}' 2>/dev/null | tr '\n' ' ')
	if [ -n "${left// /}" ]; then
		case "$down_rc" in
		124) r="kube down was stopped by play-smoke's 120 s timeout" ;;
		"") r="kube down did not run" ;;
		*) r="kube down (rc $down_rc, $down_s s)" ;;
		esac
		reasons+=("$r and left containers: ${left% }")
		clean_store "$m"
	elif [ -n "$down_s" ] && awk -v s="$down_s" -v l="$DOWN_LIMIT" 'BEGIN {exit !(s > l)}'; then
		reasons+=("kube down took $down_s s: Kubernetes stops a pod's containers in parallel (sidecars after the others) within the pod's grace period, ${GRACE} s here")
	fi
	total=$((total + 1))
	if [ ${#reasons[@]} = 0 ]; then
		match=$((match + 1))
		v=("MATCH    $m")
	else
		v=("DIFFERS  $m")
		for r in "${reasons[@]}"; do v+=("         - $r"); done
	fi
	timing="play rc $(sed -n 's/^### rc=//p' "$log")"
	[ -z "$down_rc" ] || timing="$timing, kube down rc $down_rc in $down_s s"
	printf '%s\n' "${v[@]}" "         Kubernetes: $(expect_desc "$m")" "         ($timing; ${secs} s in all)"
	verdicts+=("${v[@]}")
done

echo
echo "== summary"
printf '%s\n' "${verdicts[@]}"
echo "$match of $total manifests match Kubernetes"
exit 0
