#!/usr/bin/env bats
# Networks: network create|ls|inspect|rm|prune|exists|connect|disconnect,
# pods on bridge networks (addresses, reachability, published ports from the
# host's 127.0.0.1 and from an "outside" netns), pod rm leaving nothing,
# concurrent address allocation, dual stack, internal networks, modes.
# Every test makes its own networks: subnets 10.240.<random>.0/24 and
# bridges "pps<random>", never the default network.  No traffic leaves the
# test's own bridges and netns.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"

eval "_helpers_setup_$(declare -f setup)"
setup() {
	_helpers_setup_setup
	import_busybox
	OUTSIDE_NS=
	OUTSIDE_VETH=
}

teardown() {
	ctr pod rm -af >/dev/null 2>&1 || true
	[ -z "$OUTSIDE_NS" ] || ip netns delete "$OUTSIDE_NS" 2>/dev/null || true
	[ -z "$OUTSIDE_VETH" ] || ip link delete "$OUTSIDE_VETH" 2>/dev/null || true
	e2e_teardown
}

BB=localhost/busybox

# mknet NAME [FLAGS...]: create NAME on a free 10.240.X.0/24 with a bridge of
# its own; prints X.
mknet() {
	local name=$1 i x br
	shift
	for i in 1 2 3 4 5 6 7 8; do
		x=$((RANDOM % 250 + 1))
		br=pps$(printf '%04x' $((RANDOM % 65536)))$x
		if ctr network create --subnet "10.240.$x.0/24" --interface-name "$br" "$@" "$name" \
			>/dev/null 2>"$TEST_DIR/mknet.err"; then
			echo "$x"
			return 0
		fi
	done
	cat "$TEST_DIR/mknet.err" >&2
	return 1
}

# bridge_of NET: its bridge interface.
bridge_of() {
	ctr network inspect --format '{{.NetworkInterface}}' "$1"
}

# ip4_of CTR [IF]: the container's IPv4 address on IF (eth0).
ip4_of() {
	ctr exec "$1" ip -o -4 addr show "${2:-eth0}" | awk '{print $4}' | cut -d/ -f1
}

# fetch CTR URL: wget from inside CTR, retried for a few seconds (httpd may
# be starting).
fetch() {
	local i
	for i in $(seq 1 25); do
		ctr exec "$1" timeout 3 wget -q -O - "$2" 2>"$TEST_DIR/fetch.err" && return 0
		sleep 0.2
	done
	echo "fetch $2 from $1: $(cat "$TEST_DIR/fetch.err")" >&2
	return 1
}

# host_fetch URL [NETNS]
host_fetch() {
	local i
	for i in $(seq 1 25); do
		if [ -n "${2:-}" ]; then
			ip netns exec "$2" timeout 3 busybox wget -q -O - "$1" 2>/dev/null && return 0
		else
			curl -sf --noproxy '*' -m 2 "$1" 2>/dev/null && return 0
		fi
		sleep 0.2
	done
	return 1
}

# web POD NAME [TEXT]: a busybox httpd on port 80 in POD serving TEXT.
web() {
	local d=$TEST_DIR/www-$2
	mkdir -p "$d"
	echo "${3:-hello from $2}" >"$d/index.html"
	ctr run -d --pod "$1" --name "$2" -v "$d:/www" $BB httpd -f -p 80 -h /www >/dev/null
}

@test "network: create, ls, inspect, exists, rm, prune" {
	x=$(mknet s-netcli --label team=s --internal)
	run_ctr network ls
	assert_success
	assert_equal "${lines[0]}" "NETWORK ID    NAME        DRIVER"
	assert_output_matches "^[0-9a-f]{12}  s-netcli +bridge$"
	assert_output_matches "^[0-9a-f]{12}  peapod +bridge$"
	run_ctr network ls -q
	assert_output_contains "s-netcli"
	run_ctr network ls --format '{{.Name}} {{.Driver}} {{.Internal}}'
	assert_output_contains "s-netcli bridge true"
	run_ctr network inspect s-netcli
	assert_success
	assert_equal "$(jq -r '.[0].name' <<<"$output")" "s-netcli"
	[[ "$(jq -r '.[0].id' <<<"$output")" =~ ^[0-9a-f]{64}$ ]] || fail "bad id"
	assert_equal "$(jq -r '.[0].driver' <<<"$output")" "bridge"
	assert_equal "$(jq -r '.[0].subnets[0].subnet' <<<"$output")" "10.240.$x.0/24"
	assert_equal "$(jq -r '.[0].subnets[0].gateway' <<<"$output")" "10.240.$x.1"
	assert_equal "$(jq -r '.[0].internal' <<<"$output")" "true"
	assert_equal "$(jq -r '.[0].dns_enabled' <<<"$output")" "true"
	assert_equal "$(jq -r '.[0].ipv6_enabled' <<<"$output")" "false"
	assert_equal "$(jq -r '.[0].labels.team' <<<"$output")" "s"
	assert_equal "$(jq -r '.[0].ipam_options.driver' <<<"$output")" "host-local"
	[[ "$(jq -r '.[0].created' <<<"$output")" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T ]] ||
		fail "created is not RFC 3339"
	run_ctr network inspect --format '{{.Name}} {{range .Subnets}}{{.Gateway}}{{end}}' s-netcli
	assert_equal "$output" "s-netcli 10.240.$x.1"
	run_ctr network exists s-netcli
	assert_success
	run_ctr network exists s-nonet
	assert_status 1
	run_ctr network create s-netcli
	assert_engine_error "already exists"
	run_ctr network create --ignore s-netcli
	assert_success
	run_ctr network create -d macvlan s-mac
	assert_engine_error "unsupported network driver"
	run_ctr network create --subnet "10.240.$x.0/25" s-overlap
	assert_engine_error "already used"
	run_ctr network create --subnet 10.240.0.0/24 --gateway 10.9.9.9 s-badgw
	assert_engine_error "not in subnet"
	run_ctr network rm s-nonet
	assert_status 1
	run_ctr network rm peapod
	assert_engine_error "cannot be removed"
	# prune removes unused networks, not the default one
	mknet s-prune1 >/dev/null
	run_ctr network prune -f
	assert_success
	assert_output_contains "s-prune1"
	assert_output_contains "s-netcli"
	run_ctr network exists s-prune1
	assert_status 1
	run_ctr network exists peapod
	assert_success
}

@test "network: rm refuses a network in use (exit 2); rm -f removes its pods" {
	mknet s-netuse >/dev/null
	ctr pod create --network s-netuse --name s-user >/dev/null
	run_ctr network rm s-netuse
	assert_status 2
	assert_stderr_contains "used by pod 's-user'"
	run_ctr network prune -f
	assert_output_not_contains "s-netuse"
	run_ctr network rm -f s-netuse
	assert_success
	assert_equal "$output" "s-netuse"
	run_ctr pod exists s-user
	assert_status 1
	run_ctr pod create --network s-netuse --name s-user2
	assert_engine_error "network not found"
}

@test "network: two containers of one pod share 127.0.0.1, /dev/shm and the hostname" {
	mknet s-net1 >/dev/null
	ctr pod create --network s-net1 --name s-p1 --hostname s-host1 >/dev/null
	web s-p1 s-web "same pod"
	ctr run -d --pod s-p1 --name s-side $BB "${LONG[@]}" >/dev/null
	run fetch s-side http://127.0.0.1:80/
	assert_success
	assert_equal "$output" "same pod"
	ctr exec s-web sh -c 'echo shared >/dev/shm/s-file'
	run_ctr exec s-side cat /dev/shm/s-file
	assert_equal "$output" "shared"
	run_ctr exec s-side hostname
	assert_equal "$output" "s-host1"
	run_ctr exec s-web hostname
	assert_equal "$output" "s-host1"
}

@test "network: two pods on one network get different addresses and reach each other" {
	x=$(mknet s-net2)
	ctr pod create --network s-net2 --name s-a >/dev/null
	web s-a s-wa "from a"
	ctr pod create --network s-net2 --name s-b >/dev/null
	web s-b s-wb "from b"
	a=$(ip4_of s-wa)
	b=$(ip4_of s-wb)
	[[ "$a" == 10.240.$x.* ]] || fail "pod a has '$a'"
	[[ "$b" == 10.240.$x.* ]] || fail "pod b has '$b'"
	[ "$a" != "$b" ] || fail "both pods have $a"
	run fetch s-wa "http://$b/"
	assert_equal "$output" "from b"
	run fetch s-wb "http://$a/"
	assert_equal "$output" "from a"
	run fetch s-wa http://s-b/
	assert_equal "$output" "from b"
	run fetch s-wb http://s-wa/
	assert_equal "$output" "from a"
	# the default route goes through the bridge's gateway
	run_ctr exec s-wa ip -4 route show default
	assert_output_contains "via 10.240.$x.1"
}

@test "network: a published port answers from 127.0.0.1 and from an outside netns" {
	mknet s-net3 >/dev/null
	port=$((20000 + RANDOM % 20000))
	ctr pod create --network s-net3 -p "$port:80" --name s-pub >/dev/null
	web s-pub s-wpub "published"
	run host_fetch "http://127.0.0.1:$port/"
	assert_success
	assert_equal "$output" "published"
	# the outside: a netns with a veth pair to the host on a /30
	y=$((RANDOM % 250 + 1))
	OUTSIDE_NS=ppo-s-$$-$y
	OUTSIDE_VETH=ppo$(printf '%04x' $((RANDOM % 65536)))h
	ip netns add "$OUTSIDE_NS"
	ip link add "$OUTSIDE_VETH" type veth peer name eth-out netns "$OUTSIDE_NS"
	ip addr add "10.241.$y.1/30" dev "$OUTSIDE_VETH"
	ip link set "$OUTSIDE_VETH" up
	ip -n "$OUTSIDE_NS" addr add "10.241.$y.2/30" dev eth-out
	ip -n "$OUTSIDE_NS" link set eth-out up
	ip -n "$OUTSIDE_NS" link set lo up
	run host_fetch "http://10.241.$y.1:$port/" "$OUTSIDE_NS"
	assert_success
	assert_equal "$output" "published"
	# the pod reaches its own published port (hairpin)
	run fetch s-wpub "http://10.241.$y.1:$port/"
	assert_equal "$output" "published"
	# a second pod cannot take the same port
	run_ctr pod create --network s-net3 -p "$port:80" --name s-pub2
	assert_success
	run_ctr pod start s-pub2
	assert_failure
	assert_stderr_contains "already published"
}

@test "network: pod rm leaves no netns, veth, nft rule, address or process" {
	mknet s-net4 >/dev/null
	br=$(bridge_of s-net4)
	port=$((20000 + RANDOM % 20000))
	id=$(ctr pod create --network s-net4 -p "$port:80" --name s-gone)
	web s-gone s-wgone
	run host_fetch "http://127.0.0.1:$port/"
	assert_success
	runroot=$(_root_dir main)/runroot
	netns=$(ls "$runroot/netns")
	[ -n "$netns" ] || fail "no netns under the run root"
	veths=$(ip -o link show master "$br" | awk -F': ' '{print $2}' | sed 's/@.*//')
	[ -n "$veths" ] || fail "no veth on $br"
	nft list table inet peapod | grep -q "pod-${id:0:12}" || fail "no DNAT chain"
	run sqlite3 "$(root_of)/state.db" 'SELECT count(*) FROM ip_allocations;'
	assert_equal "$output" 1
	ctr pod rm -f s-gone
	run sqlite3 "$(root_of)/state.db" 'SELECT count(*) FROM ip_allocations;'
	assert_equal "$output" 0
	for v in $veths; do
		! ip link show "$v" >/dev/null 2>&1 || fail "veth $v is still there"
	done
	[ -z "$(ls "$runroot/netns" 2>/dev/null)" ] || fail "netns left: $(ls "$runroot/netns")"
	! grep -q "$runroot/netns" /proc/self/mountinfo || fail "netns mount left"
	! nft list ruleset 2>/dev/null | grep -q "${id:0:12}" || fail "nft rules of the pod left"
	run curl -sf --noproxy '*' -m 1 "http://127.0.0.1:$port/"
	assert_failure
	! pgrep -f "$TEST_DIR" >/dev/null || fail "processes left: $(pgrep -af "$TEST_DIR")"
}

@test "network: 20 pods started by 20 concurrent peapods get 20 distinct addresses" {
	x=$(mknet s-net5)
	for i in $(seq 1 20); do
		(ctr pod create --network s-net5 --name "s-c$i" >/dev/null &&
			ctr pod start "s-c$i" >/dev/null) 2>"$TEST_DIR/c$i.err" &
	done
	wait
	for i in $(seq 1 20); do
		[ ! -s "$TEST_DIR/c$i.err" ] || fail "pod s-c$i: $(cat "$TEST_DIR/c$i.err")"
	done
	run sqlite3 "$(root_of)/state.db" \
		"SELECT count(DISTINCT ip), count(*) FROM ip_allocations WHERE network = 's-net5';"
	assert_equal "$output" "20|20"
	run sqlite3 "$(root_of)/state.db" "SELECT ip FROM ip_allocations WHERE network = 's-net5';"
	for ip in "${lines[@]}"; do
		[[ "$ip" == 10.240.$x.* ]] || fail "address $ip is not in 10.240.$x.0/24"
	done
	run ctr pod ps --format '{{.Status}}'
	assert_equal "$(grep -c Running <<<"$output")" 20
}

@test "network: dual stack: two pods reach each other over IPv6" {
	h=$(printf '%x' $((RANDOM % 65535 + 1)))   # canonical form: no leading zeros
	mknet s-net6 --ipv6 --subnet "fd42:5:$h::/64" >/dev/null
	run_ctr network inspect --format '{{.IPv6Enabled}}' s-net6
	assert_equal "$output" "true"
	ctr pod create --network s-net6 --name s-v6a >/dev/null
	ctr run -d --pod s-v6a --name s-v6c $BB "${LONG[@]}" >/dev/null
	ctr pod create --network s-net6 --name s-v6b >/dev/null
	web s-v6b s-v6w "over ipv6"
	b6=$(ctr exec s-v6w ip -o -6 addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1)
	[[ "$b6" == fd42:5:$h:* ]] || fail "no ULA address: '$b6'"
	a6=$(ctr exec s-v6c ip -o -6 addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1)
	[ -n "$a6" ] && [ "$a6" != "$b6" ] || fail "addresses '$a6' '$b6'"
	run fetch s-v6c "http://[$b6]:80/"
	assert_success
	assert_equal "$output" "over ipv6"
	run_ctr exec s-v6c ip -6 route show default
	assert_output_contains "via fd42:5:$h::1"
}

@test "network: --internal has no route out; several networks; host and none" {
	x=$(mknet s-int --internal)
	y=$(mknet s-ext)
	ctr pod create --network s-int --name s-pi >/dev/null
	ctr run -d --pod s-pi --name s-ci $BB "${LONG[@]}" >/dev/null
	run_ctr exec s-ci ip -4 route show default
	assert_output_empty
	run_ctr exec s-ci ip -o -4 addr show eth0
	assert_output_contains "10.240.$x."
	# several networks: eth0 and eth1, the default route from the first
	# that is not internal
	ctr pod create --network s-int,s-ext --name s-multi >/dev/null
	ctr run -d --pod s-multi --name s-cm $BB "${LONG[@]}" >/dev/null
	run_ctr exec s-cm ip -o -4 addr show eth0
	assert_output_contains "10.240.$x."
	run_ctr exec s-cm ip -o -4 addr show eth1
	assert_output_contains "10.240.$y."
	run_ctr exec s-cm ip -4 route show default
	assert_output_contains "via 10.240.$y.1 dev eth1"
	# none: loopback only; host: the host's interfaces
	ctr pod create --network none --name s-none >/dev/null
	ctr run -d --pod s-none --name s-cn $BB "${LONG[@]}" >/dev/null
	run_ctr exec s-cn ip -o link show
	assert_equal "${#lines[@]}" 1
	assert_output_contains "lo:"
	ctr pod create --network host --name s-host >/dev/null
	ctr run -d --pod s-host --name s-ch $BB "${LONG[@]}" >/dev/null
	run_ctr exec s-ch readlink /proc/1/ns/net
	assert_equal "$output" "$(readlink /proc/$$/ns/net)"
	run_ctr pod create --network host,s-ext --name s-bad
	assert_engine_error "cannot be combined"
	run_ctr pod create --network s-missing --name s-bad
	assert_engine_error "network not found"
}

@test "network: connect and disconnect a stopped pod" {
	x=$(mknet s-cn1)
	y=$(mknet s-cn2)
	ctr pod create --network s-cn1 --name s-pc >/dev/null
	ctr create --pod s-pc --name s-cc $BB "${LONG[@]}" >/dev/null
	run_ctr network connect s-cn2 s-pc
	assert_success
	run_ctr network connect s-cn2 s-pc
	assert_engine_error "already connected"
	run_ctr network inspect --format '{{len .Containers}}' s-cn2
	assert_equal "$output" 1
	ctr pod start s-pc >/dev/null
	run_ctr exec s-cc ip -o -4 addr show eth1
	assert_output_contains "10.240.$y."
	ctr pod stop -t 0 s-pc >/dev/null
	run_ctr network disconnect s-cn2 s-pc
	assert_success
	run_ctr network disconnect s-cn1 s-pc
	assert_engine_error "last network"
	ctr pod start s-pc >/dev/null
	run_ctr exec s-cc ip -o link show eth1
	assert_failure
	run_ctr exec s-cc ip -o -4 addr show eth0
	assert_output_contains "10.240.$x."
}

# veths NET: the host-side interfaces on NET's bridge, sorted.
veths() {
	ip -o link show master "$(bridge_of "$1")" | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
}

@test "network: connect and disconnect a running pod" {
	x=$(mknet s-rn1)
	y=$(mknet s-rn2)
	id=$(ctr pod create --network s-rn1 --name s-rp)
	web s-rp s-rw "running pod"
	ctr pod create --network s-rn2 --name s-ro >/dev/null
	ctr run -d --pod s-ro --name s-roc $BB "${LONG[@]}" >/dev/null
	before=$(veths s-rn2)
	run_ctr exec s-rw ip -o link show eth1
	assert_failure
	# connect: eth1 with an address of s-rn2, reachable from a pod there
	run_ctr network connect s-rn2 s-rp
	assert_success
	run_ctr exec s-rw ip -o -4 addr show eth1
	assert_output_contains "inet 10.240.$y."
	ip=$(ip4_of s-rw eth1)
	run fetch s-roc "http://$ip/"
	assert_success
	assert_equal "$output" "running pod"
	# and by name: both hosts files were rewritten
	run fetch s-roc http://s-rp/
	assert_equal "$output" "running pod"
	run_ctr exec s-rw cat /etc/hosts
	assert_output_contains "s-ro"
	# the default route stays on eth0
	run_ctr exec s-rw ip -4 route show default
	assert_output_contains "via 10.240.$x.1 dev eth0"
	[ "$(veths s-rn2 | wc -l)" -eq 2 ] || fail "veths on s-rn2: $(veths s-rn2)"
	run sqlite3 "$(root_of)/state.db" \
		"SELECT ip FROM ip_allocations WHERE network = 's-rn2' AND owner = '$id';"
	assert_equal "$output" "$ip"
	run_ctr network inspect --format '{{len .Containers}}' s-rn2
	assert_equal "$output" 2
	run_ctr network connect s-rn2 s-rp
	assert_engine_error "already connected"
	run_ctr network disconnect s-rn1 s-rp
	assert_engine_error "first network"
	# disconnect: eth1 gone, address released, veth deleted, name forgotten
	run_ctr network disconnect s-rn2 s-rp
	assert_success
	run_ctr exec s-rw ip -o link show eth1
	assert_failure
	run sqlite3 "$(root_of)/state.db" \
		"SELECT count(*) FROM ip_allocations WHERE network = 's-rn2' AND owner = '$id';"
	assert_equal "$output" 0
	run sqlite3 "$(root_of)/state.db" \
		"SELECT count(*) FROM pod_networks WHERE network = 's-rn2' AND pod_id = '$id';"
	assert_equal "$output" 0
	assert_equal "$(veths s-rn2)" "$before"
	run_ctr exec s-roc cat /etc/hosts
	assert_output_not_contains "s-rp"
	run_ctr network disconnect s-rn2 s-rp
	assert_engine_error "not connected"
	run fetch s-rw http://127.0.0.1/
	assert_equal "$output" "running pod"
	# connected again, it is kept across a restart
	run_ctr network connect s-rn2 s-rp
	assert_success
	ctr pod restart -t 0 s-rp >/dev/null
	run_ctr exec s-rw ip -o -4 addr show eth1
	assert_output_contains "inet 10.240.$y."
	run_ctr exec s-rw ip -o -4 addr show eth0
	assert_output_contains "inet 10.240.$x."
}

@test "network: ns:PATH joins an existing network namespace" {
	OUTSIDE_NS=ppn-s-$$-$RANDOM
	ip netns add "$OUTSIDE_NS"
	ip -n "$OUTSIDE_NS" link add s-dummy0 type veth peer name s-dummy1
	ctr pod create --network "ns:/run/netns/$OUTSIDE_NS" --name s-nsp >/dev/null
	ctr run -d --pod s-nsp --name s-nsc $BB "${LONG[@]}" >/dev/null
	run_ctr exec s-nsc ip -o link show s-dummy0
	assert_success
	run_ctr exec s-nsc readlink /proc/self/ns/net
	assert_equal "$output" "$(ip netns exec "$OUTSIDE_NS" readlink /proc/self/ns/net)"
	run_ctr pod create --network ns:relative/path --name s-nsbad
	assert_engine_error "must be absolute"
	ctr pod rm -f s-nsp >/dev/null
	ip -n "$OUTSIDE_NS" link show s-dummy0 >/dev/null || fail "the netns lost its link"
}
