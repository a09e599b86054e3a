#!/usr/bin/env bats
# Name resolution between pods of one network (hosts files, network/dns.c):
# a pod started later is resolvable from one started earlier and the other
# way round, by pod name and by container name; a stopped pod's names go;
# --disable-dns networks and other networks see nothing; resolv.conf has
# no loopback nameservers.  Own networks on 10.240.<random>.0/24, own
# bridges; no traffic leaves them.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"

eval "_helpers_setup_$(declare -f setup)"
setup() {
	_helpers_setup_setup
	import_busybox
}

teardown() {
	ctr pod rm -af >/dev/null 2>&1 || true
	e2e_teardown
}

BB=localhost/busybox

# mknet NAME [FLAGS...]: NAME on a free 10.240.X.0/24, a bridge of its own;
# prints X.
mknet() {
	local name=$1 i x br
	shift
	for i in 1 2 3 4 5 6 7 8; do
		x=$((RANDOM % 250 + 1))
		br=ppd$(printf '%04x' $((RANDOM % 65536)))$x
		if ctr network create --subnet "10.240.$x.0/24" --interface-name "$br" "$@" "$name" \
			>/dev/null 2>"$TEST_DIR/mknet.err"; then
			echo "$x"
			return 0
		fi
	done
	cat "$TEST_DIR/mknet.err" >&2
	return 1
}

fetch() {
	local i
	for i in $(seq 1 25); do
		ctr exec "$1" timeout 3 wget -q -O - "$2" 2>"$TEST_DIR/fetch.err" && return 0
		sleep 0.2
	done
	echo "fetch $2 from $1: $(cat "$TEST_DIR/fetch.err")" >&2
	return 1
}

web() {
	local d=$TEST_DIR/www-$2
	mkdir -p "$d"
	echo "${3:-hello from $2}" >"$d/index.html"
	ctr run -d --pod "$1" --name "$2" -v "$d:/www" $BB httpd -f -p 80 -h /www >/dev/null
}

# resolves CTR NAME: the address NAME has in CTR's /etc/hosts ("" if none).
resolves() {
	ctr exec "$1" awk -v n="$2" '!/^#/ { for (i = 2; i <= NF; i++) if ($i == n) { print $1; exit } }' /etc/hosts
}

@test "dns: a pod started later is resolvable from one started earlier, both ways" {
	x=$(mknet s-dns1)
	ctr pod create --network s-dns1 --name s-early >/dev/null
	web s-early s-web-early "early"
	ctr pod create --network s-dns1 --name s-late >/dev/null
	web s-late s-web-late "late"
	late_ip=$(ctr exec s-web-late ip -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)
	run resolves s-web-early s-late
	assert_equal "$output" "$late_ip"
	run resolves s-web-early s-web-late
	assert_equal "$output" "$late_ip"
	# by pod name and by container name, both directions
	run fetch s-web-early http://s-late/
	assert_equal "$output" "late"
	run fetch s-web-early http://s-web-late/
	assert_equal "$output" "late"
	run fetch s-web-late http://s-early/
	assert_equal "$output" "early"
	run fetch s-web-late http://s-web-early/
	assert_equal "$output" "early"
	# a container added to a running pod gets a name too
	ctr run -d --pod s-late --name s-side-late $BB sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
	run resolves s-web-early s-side-late
	assert_equal "$output" "$late_ip"
	# the pod's own names stay on its own lines, once
	run_ctr exec s-web-early grep -c 's-early' /etc/hosts
	assert_equal "$output" 1
	# a stopped pod's names go; they come back when it starts again
	ctr pod stop -t 0 s-late >/dev/null
	run resolves s-web-early s-late
	assert_output_empty
	ctr pod start s-late >/dev/null
	late_ip=$(ctr exec s-web-late ip -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)
	run resolves s-web-early s-late
	assert_equal "$output" "$late_ip"
	run fetch s-web-early http://s-late/
	assert_equal "$output" "late"
	# the record files go with the pods
	ctr pod rm -af >/dev/null
	run find "$(_root_dir main)/runroot/dns" -type f ! -name lock
	assert_output_empty
}

@test "dns: --disable-dns networks and other networks get no entries" {
	mknet s-nodns --disable-dns >/dev/null
	ctr pod create --network s-nodns --name s-q1 >/dev/null
	ctr run -d --pod s-q1 --name s-qc1 $BB "${LONG[@]}" >/dev/null
	ctr pod create --network s-nodns --name s-q2 >/dev/null
	ctr run -d --pod s-q2 --name s-qc2 $BB "${LONG[@]}" >/dev/null
	run resolves s-qc1 s-q2
	assert_output_empty
	run resolves s-qc2 s-q1
	assert_output_empty
	run_ctr network inspect --format '{{.DNSEnabled}}' s-nodns
	assert_equal "$output" "false"
	# two DNS networks: their pods do not see each other
	mknet s-dnsa >/dev/null
	mknet s-dnsb >/dev/null
	ctr pod create --network s-dnsa --name s-ra >/dev/null
	ctr run -d --pod s-ra --name s-rca $BB "${LONG[@]}" >/dev/null
	ctr pod create --network s-dnsb --name s-rb >/dev/null
	ctr run -d --pod s-rb --name s-rcb $BB "${LONG[@]}" >/dev/null
	run resolves s-rca s-rb
	assert_output_empty
	# a pod on both sees both
	ctr pod create --network s-dnsa,s-dnsb --name s-rab >/dev/null
	ctr run -d --pod s-rab --name s-rcab $BB "${LONG[@]}" >/dev/null
	run resolves s-rcab s-ra
	[ -n "$output" ] || fail "s-ra not resolvable from s-rab"
	run resolves s-rcab s-rb
	[ -n "$output" ] || fail "s-rb not resolvable from s-rab"
	run resolves s-rca s-rab
	[[ "$output" == 10.240.* ]] || fail "s-rab not resolvable from s-ra: '$output'"
}

@test "dns: resolv.conf has the host's resolvers without loopback ones" {
	mknet s-dnsr >/dev/null
	ctr pod create --network s-dnsr --name s-rv >/dev/null
	ctr run -d --pod s-rv --name s-rvc $BB "${LONG[@]}" >/dev/null
	run_ctr exec s-rvc cat /etc/resolv.conf
	assert_success
	! grep -qE '^nameserver +(127\.|::1)' <<<"$output" || fail "loopback nameserver: $output"
	while read -r ns; do
		assert_output_contains "nameserver $ns" || return 1
	done < <(awk '$1 == "nameserver" && $2 !~ /^(127\.|::1$)/ {print $2}' /etc/resolv.conf)
	ctr pod create --network s-dnsr --dns 10.240.0.53 --dns-search example.test --name s-rv2 >/dev/null
	ctr run -d --pod s-rv2 --name s-rvc2 $BB "${LONG[@]}" >/dev/null
	run_ctr exec s-rvc2 cat /etc/resolv.conf
	assert_output_contains "nameserver 10.240.0.53"
	assert_output_contains "search example.test"
}
