#!/bin/bash
# Local registries for the e2e suite and the benchmarks: Debian's
# `docker-registry` on 127.0.0.1 only.  Source this file; nothing here
# talks to any address outside 127.0.0.0/8.

# free_port [START]: print a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local p=${1:-$((20000 + RANDOM % 20000))} i
	for ((i = 0; i < 200; i++, p++)); do
		if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q . &&
			! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "free_port: no free port found" >&2
	return 1
}

# make_ca DIR: self-signed CA and a server certificate for 127.0.0.1 and
# localhost in DIR (ca.crt ca.key server.crt server.key).
make_ca() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -sha256 \
		-subj "/CN=peapod test CA" -keyout "$d/ca.key" -out "$d/ca.crt" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || return 1
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		"basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
		"extendedKeyUsage=serverAuth" >"$d/server.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -sha256 -extfile "$d/server.ext" \
		-out "$d/server.crt" >/dev/null 2>&1
}

# start_registry DIR PORT [CERTDIR HTPASSWD]: run a registry storing into
# DIR/storage, listening on 127.0.0.1:PORT (HTTPS + basic auth when CERTDIR
# and HTPASSWD are given).  Writes DIR/config.yml, DIR/registry.log and
# DIR/pid, and waits until /v2/ answers.
start_registry() {
	local dir=$1 port=$2 certs=${3:-} htpasswd=${4:-}
	mkdir -p "$dir/storage"
	{
		printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n'
		printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$dir/storage"
		printf '  delete:\n    enabled: true\n'
		printf 'http:\n  addr: 127.0.0.1:%s\n  secret: peapod-e2e\n' "$port"
		if [ -n "$certs" ]; then
			printf '  tls:\n    certificate: %s\n    key: %s\n' \
				"$certs/server.crt" "$certs/server.key"
		fi
		if [ -n "$htpasswd" ]; then
			printf 'auth:\n  htpasswd:\n    realm: peapod-e2e\n    path: %s\n' "$htpasswd"
		fi
	} >"$dir/config.yml"
	# setsid: its own process group, so that bats does not wait on it
	# and teardown can kill exactly it.
	setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
	echo $! >"$dir/pid"
	wait_registry "$port" "$certs" || {
		cat "$dir/registry.log" >&2
		return 1
	}
}

# wait_registry PORT [CERTDIR]: wait up to 10 s for /v2/ to answer (any
# HTTP status: 401 is an answer).
wait_registry() {
	local port=$1 certs=${2:-} url i code
	if [ -n "$certs" ]; then url="https://127.0.0.1:$port/v2/"; else url="http://127.0.0.1:$port/v2/"; fi
	for ((i = 0; i < 100; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' \
			${certs:+--cacert "$certs/ca.crt"} "$url" 2>/dev/null)
		case "$code" in 200 | 401) return 0 ;; esac
		sleep 0.1
	done
	echo "registry on port $port did not answer" >&2
	return 1
}

# stop_registry DIR: kill the registry started in DIR.
stop_registry() {
	local dir=$1 pid
	[ -f "$dir/pid" ] || return 0
	pid=$(cat "$dir/pid")
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$dir/pid"
	return 0
}
