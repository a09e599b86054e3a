#!/usr/bin/python3
"""A real gRPC server (Debian's python3-grpcio) with the standard health
service grpc.health.v1.Health/Check, for the grpc probe tests.

    grpc-health.py ADDR:PORT STATUS_FILE

The server's own status ("" service) and that of service "web" are read
from STATUS_FILE at every call (SERVING, NOT_SERVING, ...; a missing file
is NOT_SERVING).  Any other service answers NOT_FOUND "unknown service", as
grpc-go's health server does.  Messages are encoded by hand (no generated
code): HealthCheckRequest {string service = 1}, HealthCheckResponse
{ServingStatus status = 1}.
"""
import sys
from concurrent import futures

import grpc

STATUS = {"UNKNOWN": 0, "SERVING": 1, "NOT_SERVING": 2, "SERVICE_UNKNOWN": 3}


def varint(buf, i):
    v = shift = 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, i
        shift += 7


def decode_request(raw):
    service, i = "", 0
    while i < len(raw):
        key, i = varint(raw, i)
        if key == 0x0A:
            n, i = varint(raw, i)
            service = raw[i:i + n].decode()
            i += n
        elif key & 7 == 0:
            _, i = varint(raw, i)
        else:
            raise ValueError("unexpected field %d" % key)
    return service


def encode_response(status):
    return bytes([0x08, status]) if status else b""


def main():
    addr, status_file = sys.argv[1], sys.argv[2]

    def check(service, context):
        if service not in ("", "web"):
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        try:
            with open(status_file) as f:
                word = f.read().strip()
        except OSError:
            word = "NOT_SERVING"
        return encode_response(STATUS.get(word, 0))

    handler = grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
        "Check": grpc.unary_unary_rpc_method_handler(
            check, request_deserializer=decode_request,
            response_serializer=lambda b: b),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    if not server.add_insecure_port(addr):
        sys.exit("cannot listen on " + addr)
    server.start()
    print("listening", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
