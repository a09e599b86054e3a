/* A tiny static HTTP server for the probe tests: the image has nothing else
 * (no shell, no tools).  `tinyhttp PORT`: GET /healthz answers 200 while
 * the file /flag/ok exists and 500 after, any other path 404.  A second port
 * PORT+1 is a plain TCP listener that accepts and closes. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0)
		exit(1);
	return fd;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 8080;
	int h = listen_on(port), t = listen_on(port + 1);

	for (;;) {
		fd_set rs;
		char buf[1024], resp[128];
		ssize_t n;
		int c, code;

		FD_ZERO(&rs);
		FD_SET(h, &rs);
		FD_SET(t, &rs);
		if (select((h > t ? h : t) + 1, &rs, NULL, NULL, NULL) < 0)
			continue;
		if (FD_ISSET(t, &rs) && (c = accept(t, NULL, NULL)) >= 0)
			close(c);
		if (!FD_ISSET(h, &rs) || (c = accept(h, NULL, NULL)) < 0)
			continue;
		n = read(c, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		code = strncmp(buf, "GET /healthz ", 13) ? 404 : access("/flag/ok", F_OK) ? 500 : 200;
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\nContent-Length: 0\r\n"
			     "Connection: close\r\n\r\n", code);
		if (write(c, resp, (size_t)n) < 0)
			perror("write");
		close(c);
	}
}
